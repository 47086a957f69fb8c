"""CI integrations: the pre-commit hook run by pre-commit itself, and the GitHub Action."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import EXAMPLES, ROOT

BROKEN = "archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -3}\n"
GIT = ["git", "-c", "user.name=archlint tests", "-c", "user.email=tests@archlint.invalid", "-c", "commit.gpgsign=false"]
# What a clone would not carry, or would not need.
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                              ".hypothesis", ".ruff_cache", ".benchmarks", "out")


def _git(*args, cwd):
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _pre_commit(*args, cwd, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


# --- pre-commit ----------------------------------------------------------------------------

def test_the_hook_manifest_is_valid(tmp_path):
    result = _pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_pre_commit_runs_the_hook_on_design_files(tmp_path):
    """A user's repository pointing `repo:` at a commit of this project (copied into a
    temporary repository, so nothing is committed here): pre-commit installs archlint
    from it and runs it on the staged design files."""
    project = tmp_path / "archlint"
    shutil.copytree(ROOT, project, ignore=SKIP)
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "archlint under test", cwd=project)
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, check=True, capture_output=True,
                              text=True).stdout.strip()

    user = tmp_path / "user"
    (user / "docs").mkdir(parents=True)
    shutil.copy(EXAMPLES / "url-shortener.arch.yaml", user / "good.arch.yaml")
    (user / "docs" / "broken.arch.yml").write_text(BROKEN)
    (user / "docs" / "notes.md").write_text("# Notes\n\nNo design here.\n")
    (user / "todo.txt").write_text("archlint: not a design\n")
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {project}\n    rev: {revision}\n    hooks:\n      - id: archlint\n"
    )
    _git("init", "-q", cwd=user)
    _git("add", "-A", cwd=user)
    home = tmp_path / "pre-commit-home"

    failed = _pre_commit("run", "--all-files", cwd=user, home=home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"^archlint\.+Failed$", failed.stdout, re.MULTILINE), failed.stdout
    assert "- exit code: 1" in failed.stdout
    assert ("docs/broken.arch.yml:4:24: INP011 error invalid-value: components.api.replicas: must be 1 or more "
            "(got -3)") in failed.stdout
    assert "Found 1 problem (1 error, 0 warnings, 0 info) in 3 files (2 designs)." in failed.stdout

    passed = _pre_commit("run", "--files", "good.arch.yaml", "docs/notes.md", cwd=user, home=home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^archlint\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout

    skipped = _pre_commit("run", "--files", "todo.txt", cwd=user, home=home)
    assert skipped.returncode == 0 and re.search(r"^archlint\.+\(no files to check\)Skipped$", skipped.stdout,
                                                 re.MULTILINE), skipped.stdout


# --- the GitHub Action -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def action():
    return yaml.safe_load((ROOT / "action.yml").read_text())


def _step(action, name):
    (step,) = [step for step in action["runs"]["steps"] if step.get("name") == name]
    return step


def test_action_inputs(action):
    inputs = action["inputs"]
    assert {name: inputs[name]["default"] for name in inputs} == {
        "paths": ".", "args": "", "fail-on": "error", "sarif-file": "archlint.sarif", "upload-sarif": "true",
        "python-version": "3.12",
    }
    assert all(inputs[name]["description"] for name in inputs)


def test_action_steps(action):
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert [step.get("uses", "run") for step in steps] == [
        "actions/setup-python@v5", "run", "run", "github/codeql-action/upload-sarif@v3",
    ]
    assert steps[0]["with"] == {"python-version": "${{ inputs.python-version }}"}
    # archlint is installed from the action's own checkout, at the version the workflow pinned.
    assert 'pip install' in steps[1]["run"] and '"${{ github.action_path }}"' in steps[1]["run"]
    run = _step(action, "Run archlint")
    assert run["env"] == {
        "ARCHLINT_PATHS": "${{ inputs.paths }}", "ARCHLINT_ARGS": "${{ inputs.args }}",
        "ARCHLINT_FAIL_ON": "${{ inputs.fail-on }}", "ARCHLINT_SARIF": "${{ inputs.sarif-file }}",
    }
    upload = steps[3]
    assert upload["if"] == "${{ always() && inputs.upload-sarif == 'true' }}"
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    # Composite run steps must name their shell; inputs never go into script text.
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{ inputs." not in step["run"]


def test_action_refers_only_to_its_inputs(action):
    text = (ROOT / "action.yml").read_text()
    assert set(re.findall(r"inputs\.([\w-]+)", text)) == set(action["inputs"])


def _run_step(action, tmp_path, **inputs):
    """The action's check step as the runner runs it (`bash -eo pipefail`, inputs in the
    environment), with the archlint installed beside this Python."""
    script = tmp_path / "step.sh"
    script.write_text(_step(action, "Run archlint")["run"])
    defaults = {name: spec["default"] for name, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    env = {
        **os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
        "ARCHLINT_PATHS": values["paths"], "ARCHLINT_ARGS": values["args"],
        "ARCHLINT_FAIL_ON": values["fail-on"], "ARCHLINT_SARIF": values["sarif-file"],
    }
    env.pop("NO_COLOR", None)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)


def test_action_step_writes_sarif_and_prints_the_findings(action, tmp_path):
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "broken.arch.yaml").write_text(BROKEN)
    shutil.copy(EXAMPLES / "url-shortener.arch.yaml", tmp_path / "good.arch.yaml")
    result = _run_step(action, tmp_path, paths="designs good.arch.yaml", args="--select INP --today 2026-01-01")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("designs/broken.arch.yaml:4:24: INP011 error invalid-value: ")
    assert result.stdout.endswith("Found 1 problem (1 error, 0 warnings, 0 info) in 2 files (2 designs).\n")
    sarif = json.loads((tmp_path / "archlint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for run in sarif["runs"] for r in run["results"]] == ["INP011"]


def test_action_step_passes_on_a_clean_design_and_honours_fail_on(action, tmp_path):
    shutil.copy(EXAMPLES / "url-shortener.arch.yaml", tmp_path / "good.arch.yaml")
    result = _run_step(action, tmp_path, **{"fail-on": "info", "sarif-file": "out.sarif"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "No problems found in 1 file (1 design).\n"
    assert json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"] == []
    assert _run_step(action, tmp_path, **{"fail-on": "sometimes"}).returncode == 2


def test_documented_workflow_uses_the_action_inputs(action):
    readme = (ROOT / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    workflow = next(yaml.safe_load(block) for block in blocks if "uses: archlint/archlint@" in block)
    (step,) = [step for step in workflow["jobs"]["archlint"]["steps"] if "archlint/archlint@" in step.get("uses", "")]
    assert set(step.get("with", {})) <= set(action["inputs"])
    assert workflow["permissions"]["security-events"] == "write"  # upload-sarif needs it
    hooks = next(yaml.safe_load(block) for block in blocks if "id: archlint" in block and "repos:" in block)
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for repo in hooks["repos"] for hook in repo["hooks"]] == [manifest[0]["id"]]
