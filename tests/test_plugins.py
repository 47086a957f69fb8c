"""Python plugins under the `archlint.rules` entry-point group: an installed plugin's
rules run and are listed; a plugin that fails to load is named on stderr and the
built-in rules still run; a plugin check that crashes is ENG001 (exit 3)."""

import json
import os
from pathlib import Path

from conftest import EXAMPLES, run_process

DESIGN = (EXAMPLES / "rule-packs" / "bad.arch.yaml").read_text()

PLUGIN = '''\
from archlint.findings import Finding

RULES = [{
    "code": "PLG001",
    "name": "too-many-components",
    "severity": "info",
    "summary": "A design has more components than the team agreed.",
    "docs": {"what": "Counts components.", "why": "Small designs.", "example": "-", "fix": "Split.",
             "guide": "-"},
}, {
    "code": "PLG002",
    "name": "always-crashes",
    "severity": "warning",
    "summary": "A check with a bug.",
}]


def too_many(context):
    count = len(context.design.components)
    if count > 3:
        yield context.finding(("components",), f"{count} components, more than 3")


def crashes(context):
    raise KeyError("boom")


CHECKS = {"PLG001": too_many, "PLG002": crashes}
'''


def _install(site: Path, name: str, module_text: str | None, entry: str) -> None:
    """A distribution as pip leaves it: the module and a dist-info with entry_points.txt."""
    if module_text is not None:
        (site / f"{name}.py").write_text(module_text)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[archlint.rules]\n{name} = {entry}\n")


def _run(tmp_path: Path, *args: str):
    (tmp_path / "design.arch.yaml").write_text(DESIGN)
    site = str(tmp_path / "site")
    path = os.pathsep.join(filter(None, [site, os.environ.get("PYTHONPATH")]))
    return run_process(*args, cwd=tmp_path, env={"PYTHONPATH": path})


def test_an_installed_plugin_runs_and_a_crashing_check_is_eng001(tmp_path):
    (tmp_path / "site").mkdir()
    _install(tmp_path / "site", "team_rules", PLUGIN, "team_rules")
    done = _run(tmp_path, "check", "design.arch.yaml", "--select", "PLG,DOC006", "--format", "json")
    assert done.returncode == 3, done.stderr  # ENG001: a partial check is not a clean one
    report = json.loads(done.stdout)
    findings = report["findings"] if isinstance(report, dict) else report
    codes = sorted(f["code"] for f in findings)
    assert codes == ["DOC006", "ENG001", "PLG001"]
    plugin = next(f for f in findings if f["code"] == "PLG001")
    assert plugin["message"] == "9 components, more than 3"
    assert plugin["name"] == "too-many-components"
    crash = next(f for f in findings if f["code"] == "ENG001")
    assert crash["message"] == "rule PLG002 (always-crashes) crashed: KeyError: 'boom'"


def test_rules_lists_plugin_rules(tmp_path):
    (tmp_path / "site").mkdir()
    _install(tmp_path / "site", "team_rules", PLUGIN, "team_rules")
    done = _run(tmp_path, "rules")
    assert done.returncode == 0, done.stderr
    assert "PLG001  too-many-components" in done.stdout
    assert "ARC001" in done.stdout


def test_a_plugin_that_fails_to_import_is_a_warning_and_the_builtin_rules_run(tmp_path):
    (tmp_path / "site").mkdir()
    _install(tmp_path / "site", "broken_rules", "import not_a_module_anywhere\n", "broken_rules")
    done = _run(tmp_path, "check", "design.arch.yaml", "--select", "DOC006", "-q")
    assert done.returncode == 0  # warnings only
    assert "DOC006 warning orphan-component" in done.stdout
    assert done.stderr == (
        "archlint: plugin 'broken_rules' (broken_rules) failed to load and its rules are skipped: "
        "ModuleNotFoundError: No module named 'not_a_module_anywhere'\n"
    )


def test_a_plugin_reusing_a_builtin_code_is_skipped(tmp_path):
    (tmp_path / "site").mkdir()
    _install(tmp_path / "site", "clash_rules", PLUGIN.replace("PLG001", "SEC001"), "clash_rules")
    done = _run(tmp_path, "check", "design.arch.yaml", "--select", "DOC006", "-q")
    assert done.returncode == 0
    assert "DOC006 warning orphan-component" in done.stdout
    assert done.stderr == ("archlint: plugin 'clash_rules' (clash_rules) failed to load and its rules are skipped: "
                           "ValueError: rule code SEC001 is already taken\n")


def test_a_plugin_whose_rules_break_the_pack_schema_is_skipped(tmp_path):
    (tmp_path / "site").mkdir()
    bad = PLUGIN.replace('"severity": "info",', '"severity": "info", "colour": "red",')
    _install(tmp_path / "site", "schema_rules", bad, "schema_rules")
    done = _run(tmp_path, "check", "design.arch.yaml", "--select", "DOC006", "-q")
    assert done.returncode == 0
    assert "DOC006 warning orphan-component" in done.stdout
    assert done.stderr.startswith("archlint: plugin 'schema_rules' (schema_rules) failed to load and its rules are "
                                  "skipped: ValueError: RULES[0]: Additional properties are not allowed ('colour'")


# --- finding plugins without importlib.metadata when there can be none ----------------

def _found(monkeypatch, path: list[str]) -> tuple[bool, list[tuple[str, str]], list[tuple[str, str]]]:
    """With sys.path = `path`: whether archlint's pre-scan sees a possible plugin, the
    entry points archlint reports, and those importlib.metadata reports itself."""
    import importlib
    import importlib.metadata
    import sys

    from archlint.custom import plugins

    monkeypatch.setattr(sys, "path", path)
    importlib.invalidate_caches()  # importlib.metadata caches each folder's listing
    plugins.entry_points.cache_clear()
    try:
        ours = sorted((point.name, point.value) for point in plugins.entry_points())
    finally:
        plugins.entry_points.cache_clear()
    theirs = sorted((point.name, point.value) for point in importlib.metadata.entry_points(group=plugins.GROUP))
    return plugins._may_have_plugins(), ours, theirs


def test_without_a_plugin_importlib_metadata_is_not_needed(monkeypatch, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    other = site / "other_tool-2.0.dist-info"  # a distribution with entry points of other groups
    other.mkdir()
    (other / "entry_points.txt").write_text("[console_scripts]\nother = other_tool:main\n")
    (site / "legacy.egg-info").write_text("Metadata-Version: 1.0\n")  # a one-file egg-info
    assert _found(monkeypatch, [str(site), str(tmp_path / "missing")]) == (False, [], [])


def test_an_installed_plugin_is_found_as_importlib_metadata_finds_it(monkeypatch, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "team_rules", PLUGIN, "team_rules")
    second = site / "Second_Rules-0.1.EGG-INFO"  # any case, as importlib.metadata matches it
    second.mkdir()
    (second / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: second-rules\nVersion: 0.1\n")
    (second / "entry_points.txt").write_text("[archlint.rules]\nsecond = second_rules\n")
    egg = tmp_path / "third_rules-1.0-py3.11.egg" / "EGG-INFO"  # an unpacked egg
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: third-rules\nVersion: 1.0\n")
    (egg / "entry_points.txt").write_text("[archlint.rules]\nthird = third_rules\n")
    may, ours, theirs = _found(monkeypatch, [str(site), str(egg.parent)])
    assert may is True
    assert ours == theirs == [("second", "second_rules"), ("team_rules", "team_rules"), ("third", "third_rules")]


def test_the_current_folder_on_sys_path_is_searched_too(monkeypatch, tmp_path):
    _install(tmp_path, "here_rules", None, "here_rules")
    monkeypatch.chdir(tmp_path)
    assert _found(monkeypatch, [""]) == (True, [("here_rules", "here_rules")], [("here_rules", "here_rules")])


def test_what_the_scan_cannot_read_is_left_to_importlib_metadata(monkeypatch, tmp_path):
    import zipfile

    archive = tmp_path / "plugins.zip"  # a zip on sys.path: only importlib.metadata reads it
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped_rules-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped-rules\n")
        bundle.writestr("zipped_rules-1.0.dist-info/entry_points.txt", "[archlint.rules]\nzipped = zipped_rules\n")
    may, ours, theirs = _found(monkeypatch, [str(archive)])
    assert may is True and ours == theirs == [("zipped", "zipped_rules")]


def test_loading_the_plugins_does_not_import_importlib_metadata_when_none_is_installed():
    import subprocess
    import sys

    code = ("import sys; from archlint.custom.plugins import load_plugins; "
            "assert load_plugins().metas == {}; print('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"
