"""Meta-tests: the rules' own documentation, fixtures and tables keep up with the rules."""

import re

import pytest
from conftest import ROOT

from archlint.rules import builtin_checks
from archlint.rules.metadata import builtin_rules

RULES = builtin_rules()
CHECKED = sorted(code for code in RULES if code in builtin_checks())
_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)


def _blocks(text: str) -> list[tuple[str, str]]:
    return [(match[1], match[2]) for match in _FENCE.finditer(text)]


@pytest.mark.parametrize("code", CHECKED)
def test_the_docs_example_triggers_its_rule_as_shown(code, cli, tmp_path, monkeypatch):
    blocks = _blocks(RULES[code].docs.get("example", ""))
    designs = [body for info, body in blocks if info == "yaml"]
    assert designs, f"{code}: docs.example has no ```yaml design"
    (tmp_path / "design.arch.yaml").write_text(designs[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "design.arch.yaml", "--select", code, "--today", "2026-01-01")
    reported = [line for line in result.stdout.splitlines() if line.startswith("design.arch.yaml:")]
    assert any(f" {code} " in line for line in reported), (
        f"{code}: its docs example does not trigger it:\n{result.stdout}")
    shown = [line for info, body in blocks if info != "yaml" for line in body.splitlines()
             if line.startswith("design.arch.yaml:") and f" {code} " in line]
    for line in shown:
        assert line in reported, f"{code}: the docs show\n  {line}\nbut the check prints\n  " + "\n  ".join(reported)


@pytest.mark.parametrize("code", CHECKED)
def test_check_function_is_named_after_its_rule(code):
    function = builtin_checks()[code]
    assert function.__name__ == RULES[code].name.replace("-", "_"), (
        f"{code} is {RULES[code].name!r} but its check function is {function.__name__!r}")


def test_readme_rule_table_lists_every_rule_by_name():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"{code} {meta.name}" for code, meta in RULES.items()
               if code in builtin_checks() and f"{code} {meta.name}" not in readme]
    assert not missing, f"README's rule table lacks: {', '.join(missing)}"


def test_every_rule_has_a_bad_and_a_good_fixture():
    folder = ROOT / "tests" / "rules"
    missing = []
    for code in CHECKED:
        files = [path.name for path in (folder / code).glob("*.arch.yaml")] if (folder / code).is_dir() else []
        if not any(name.startswith("bad") for name in files) or not any(name.startswith("good") for name in files):
            missing.append(code)
    assert not missing, f"rules without a bad and a good fixture: {', '.join(missing)}"


def test_finding_paths_resolve_exactly_to_a_node():
    """Each finding of every example and fixture points at a node its path names, not at
    an ancestor the locator fell back to."""
    from archlint.catalog import load_catalog
    from archlint.input.discover import display_name
    from archlint.run.pipeline import check_file
    from archlint.run.settings import FileSettings

    files = sorted((ROOT / "examples").glob("*.arch.yaml")) + sorted((ROOT / "tests" / "rules").glob("*/*.arch.yaml"))
    wrong = []
    for path in files:
        result = check_file(str(path), display_name(str(path)), FileSettings(), load_catalog())
        for finding in result.findings:
            if finding.code.startswith(("INP", "ENG")) or not finding.path:
                continue
            block = result.designs[finding.block].block
            if not _resolves(block.data, finding.path):
                wrong.append(f"{path.name}: {finding.code} at {finding.path_text}")
    assert not wrong, "paths that name no node:\n" + "\n".join(wrong)


def _resolves(data, path) -> bool:
    """Whether every segment of `path` names a node of `data` (the walk baselines use)."""
    from archlint.run.fingerprints import node_at

    matched, _value = node_at(data, path)
    return matched == len(path)
