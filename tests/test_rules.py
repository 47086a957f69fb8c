"""Every rule: its bad fixtures produce exactly the marked findings, its good fixtures
stay clean, and its metadata, docs and fixtures are complete (the meta-test)."""

from pathlib import Path

import pytest
from conftest import expected_findings

from archlint.catalog import load_catalog
from archlint.rules import builtin_checks
from archlint.rules.metadata import DOC_SECTIONS, builtin_rules
from archlint.run.engine import ENGINE_CODES, Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

FIXTURES = Path(__file__).resolve().parent / "rules"
# DRF codes come from `archlint drift`, not from check; tests/test_drift.py holds their fixtures.
RULE_CODES = sorted(code for code in builtin_rules()
                    if not code.startswith(("INP", "DRF")) and code not in ENGINE_CODES)


def _fixtures(prefix: str) -> list[tuple[str, Path]]:
    return [
        (d.name, f) for d in sorted(FIXTURES.iterdir()) if d.is_dir() for f in sorted(d.glob(f"{prefix}*.arch.yaml"))
    ]


def _check_alone(code: str, path: Path):
    settings = FileSettings(selection=Selection(select=(code,)))
    findings = check_file(str(path), path.name, settings, load_catalog()).findings
    problems = [f for f in findings if f.code.startswith("INP")]
    assert not problems, [f"{f.line}:{f.column} {f.code} {f.message}" for f in problems]
    return findings


@pytest.mark.parametrize("code, path", _fixtures("bad"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_bad_fixture_has_exactly_the_marked_findings(code, path):
    findings = _check_alone(code, path)
    actual = {(f.code, f.line, f.column) for f in findings if f.code == code}
    expected = expected_findings(path.read_text())
    assert expected, f"{path} marks no finding"
    assert actual == expected


@pytest.mark.parametrize("code, path", _fixtures("good"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_good_fixture_stays_clean(code, path):
    findings = _check_alone(code, path)
    assert [f for f in findings if f.code == code] == []


@pytest.mark.parametrize("code", RULE_CODES)
def test_rule_is_complete(code):
    meta = builtin_rules()[code]
    assert meta.severity in ("error", "warning", "info")
    assert meta.name and meta.name == meta.name.lower() and " " not in meta.name
    missing = [s for s in DOC_SECTIONS if not str(meta.docs.get(s, "")).strip()]
    assert not missing, f"{code} lacks docs sections {missing}"
    assert code in builtin_checks(), f"{code} has no check function"
    folder = FIXTURES / code
    assert list(folder.glob("bad*.arch.yaml")), f"{code} has no bad fixture"
    assert list(folder.glob("good*.arch.yaml")), f"{code} has no good fixture"


def test_every_check_has_metadata():
    assert set(builtin_checks()) <= set(builtin_rules())


def test_every_fixture_folder_is_a_rule():
    assert {d.name for d in FIXTURES.iterdir() if d.is_dir()} <= set(RULE_CODES)
