"""One settings step: a configured rule pack and an installed plugin count in every
command that reports findings, not only in `check` (the bug behind issue 14)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_process

PLUGIN = '''\
RULES = [{"code": "PLG001", "name": "too-many-components", "severity": "warning",
          "summary": "A design has more components than the team agreed."}]


def too_many(context):
    count = len(context.design.components)
    if count > 3:
        yield context.finding(("components",), f"{count} components, more than 3")


CHECKS = {"PLG001": too_many}
'''


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with a design, a configuration listing a pack, and a plugin on the path."""
    shutil.copy(EXAMPLES / "rule-packs" / "org-standards.yaml", tmp_path / "org-standards.yaml")
    shutil.copy(EXAMPLES / "rule-packs" / "bad.arch.yaml", tmp_path / "design.arch.yaml")
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [org-standards.yaml]\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "team_rules.py").write_text(PLUGIN)
    info = site / "team_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: team_rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[archlint.rules]\nteam = team_rules\n")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return tmp_path, {"PYTHONPATH": path}


def _codes_in(text: str) -> set[str]:
    return {code for code in ("ORG001", "ORG002", "PLG001") if code in text}


def test_check_reports_pack_and_plugin_findings(project):
    folder, env = project
    run = run_process("check", "design.arch.yaml", "--format", "json", cwd=folder, env=env)
    codes = {finding["code"] for finding in json.loads(run.stdout)["findings"]}
    assert {"ORG001", "ORG002", "PLG001"} <= codes
    names = {finding["code"]: finding["name"] for finding in json.loads(run.stdout)["findings"]}
    assert names["ORG002"] == "payments-on-mongodb" and names["PLG001"] == "too-many-components"


def test_sarif_describes_custom_rules_from_the_run(project):
    folder, env = project
    run = run_process("check", "design.arch.yaml", "--format", "sarif", cwd=folder, env=env)
    rules = {rule["id"]: rule for rule in json.loads(run.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ORG002"]["name"] == "payments-on-mongodb"
    assert rules["PLG001"]["name"] == "too-many-components"


def test_baseline_records_custom_findings(project):
    folder, env = project
    run = run_process("baseline", "design.arch.yaml", "-o", "baseline.json", cwd=folder, env=env)
    assert run.returncode == 0, run.stderr
    recorded = {entry["code"] for entry in json.loads((folder / "baseline.json").read_text())["findings"]}
    assert {"ORG001", "ORG002", "PLG001"} <= recorded


def test_review_reports_custom_findings(project):
    folder, env = project
    run = run_process("review", "design.arch.yaml", cwd=folder, env=env)
    assert run.returncode == 0, run.stderr
    assert _codes_in(run.stdout) == {"ORG001", "ORG002", "PLG001"}


def test_diagram_findings_mark_custom_codes(project):
    folder, env = project
    run = run_process("diagram", "design.arch.yaml", "-f", "mermaid", "--findings", cwd=folder, env=env)
    assert run.returncode == 0, run.stderr
    assert {"ORG001", "ORG002"} <= _codes_in(run.stdout)


def test_diff_lists_custom_findings_as_new(project):
    folder, env = project
    old = folder / "old.arch.yaml"
    old.write_text("archlint: 1\nname: org-bad\ncomponents:\n  web: {kind: client}\n")
    run = run_process("diff", "old.arch.yaml", "design.arch.yaml", "--format", "json", "--fail-on", "never",
                      cwd=folder, env=env)
    assert run.returncode == 0, run.stderr
    assert {"ORG001", "ORG002", "PLG001"} <= _codes_in(run.stdout)


def test_rules_and_explain_know_custom_rules(project):
    folder, env = project
    listing = run_process("rules", "--format", "json", cwd=folder, env=env)
    codes = {rule["code"] for rule in json.loads(listing.stdout)}
    assert {"ORG001", "PLG001"} <= codes
    explained = run_process("explain", "ORG002", cwd=folder, env=env)
    assert explained.returncode == 0 and "payments-on-mongodb" in explained.stdout


def test_config_show_accepts_custom_codes_in_ignore(project):
    folder, env = project
    (folder / ".archlint.yaml").write_text("rule-packs: [org-standards.yaml]\nignore: [ORG003, PLG001]\n")
    run = run_process("config", "--show", "design.arch.yaml", cwd=folder, env=env)
    assert run.returncode == 0, run.stderr
    assert "ORG003" in run.stdout
    check = run_process("check", "design.arch.yaml", "--format", "json", cwd=folder, env=env)
    codes = {finding["code"] for finding in json.loads(check.stdout)["findings"]}
    assert "ORG003" not in codes and "PLG001" not in codes and "ORG001" in codes


def test_parallel_workers_run_pack_rules(project):
    folder, env = project
    shutil.copy(folder / "design.arch.yaml", folder / "second.arch.yaml")
    serial = run_process("check", ".", "--format", "json", cwd=folder, env=env)
    parallel = run_process("check", ".", "--format", "json", "-j", "2", cwd=folder, env=env)
    assert serial.stdout == parallel.stdout
    assert "ORG002" in serial.stdout and "PLG001" in serial.stdout


def test_a_plugin_warning_is_printed_by_the_command_once(project):
    folder, env = project
    site = Path(env["PYTHONPATH"].split(os.pathsep)[0])
    info = site / "broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[archlint.rules]\nbroken = no_such_module\n")
    run = run_process("check", "design.arch.yaml", cwd=folder, env=env)
    assert run.stderr.count("plugin 'broken'") == 1
    assert "ORG002" in run.stdout


def test_rules_are_not_a_global_registry():
    """Loading a pack in one settings step does not leak its rules into another."""
    source = (
        "from archlint.run.settings import CommandLine, resolve\n"
        "import sys\n"
        "a = resolve(CommandLine(), [sys.argv[1]])\n"
        "b = resolve(CommandLine(), [sys.argv[2]])\n"
        "print('ORG002' in a.rules.metas, 'ORG002' in b.rules.metas)\n"
    )
    with_pack = EXAMPLES / "rule-packs"
    # examples/rule-packs has no configuration of its own: make one in a temporary copy.
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "packs"
        shutil.copytree(with_pack, copy)
        (copy / ".archlint.yaml").write_text("rule-packs: [org-standards.yaml]\n")
        plain = Path(folder) / "plain"
        plain.mkdir()
        import sys

        run = subprocess.run([sys.executable, "-c", source, str(copy), str(plain)], capture_output=True, text=True)
    assert run.stdout.split() == ["True", "False"], run.stderr
