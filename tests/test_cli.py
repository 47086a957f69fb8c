"""The command line as users meet it: exit codes, formats, messages."""

import json

from conftest import EXAMPLES, ROOT, run_process

BROKEN = "archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -3}\n"


def test_version():
    result = run_process("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "archlint 0.1.0"


def test_clean_example_exits_0(cli):
    result = cli("check", str(EXAMPLES / "url-shortener.arch.yaml"))
    assert result.exit_code == 0
    assert result.output.endswith("No problems found in 1 file (1 design).\n")


def test_findings_exit_1_in_the_text_format(cli, tmp_path):
    design = tmp_path / "broken.arch.yaml"
    design.write_text(BROKEN)
    result = cli("check", str(design))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith(
        "broken.arch.yaml:4:24: INP011 error invalid-value: components.api.replicas: must be 1 or more (got -3)"
    )
    assert lines[1:4] == [
        "  4 |   api: {kind: service, replicas: -3}",
        "    |                        ^",
        "  docs: https://archlint.dev/rules/INP011",
    ]
    assert lines[-1] == "Found 1 problem (1 error, 0 warnings, 0 info) in 1 file (1 design)."


def test_quiet_prints_findings_only(cli, tmp_path):
    design = tmp_path / "broken.arch.yaml"
    design.write_text(BROKEN)
    result = cli("check", "--quiet", str(design))
    assert "Found" not in result.output and "INP011" in result.output


def test_missing_path_is_a_usage_error():
    result = run_process("check", "no/such/design.arch.yaml")
    assert result.returncode == 2
    assert "path 'no/such/design.arch.yaml' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_is_a_usage_error():
    result = run_process("check", "--format", "xml", "examples")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_no_traceback_for_hostile_input(tmp_path):
    (tmp_path / "tag.arch.yaml").write_text("archlint: 1\nname: !!python/object/apply:os.system ['echo pwned']\n")
    (tmp_path / "bin.arch.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_process("check", str(tmp_path))
    assert result.returncode == 1
    # The source line under the finding shows the tag; `echo pwned` would print a line of its own.
    assert "pwned" not in (result.stdout + result.stderr).splitlines()
    assert "name: !!python/object/apply:os.system ['echo pwned']" in result.stdout
    assert "INP004" in result.stdout and "INP001" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_format(cli, tmp_path):
    design = tmp_path / "broken.arch.yaml"
    design.write_text(BROKEN)
    result = cli("check", "--format", "json", str(design), str(EXAMPLES / "url-shortener.arch.yaml"))
    report = json.loads(result.output)
    assert report["version"] == 1
    assert [f["designs"] for f in report["files"]] == [1, 1]
    (finding,) = report["findings"]
    assert finding["code"] == "INP011" and finding["path"] == "components.api.replicas"
    assert (finding["line"], finding["column"], finding["block"]) == (4, 24, 0)
    assert finding["docs"] == "https://archlint.dev/rules/INP011"
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0, "files": 2}


def test_output_file(cli, tmp_path):
    out = tmp_path / "report.json"
    result = cli("check", "--format", "json", "-o", str(out), str(EXAMPLES / "url-shortener.arch.yaml"))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(out.read_text())["summary"]["error"] == 0


def test_directory_search(cli, tmp_path):
    (tmp_path / "a.arch.yaml").write_text(BROKEN)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.arch.yml").write_text(BROKEN)
    (tmp_path / "notes.md").write_text("# no design here\n")
    (tmp_path / "rfc.md").write_text("```archlint\n" + BROKEN + "```\n")
    (tmp_path / "other.yaml").write_text("not: a design\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.arch.yaml").write_text(BROKEN)
    result = cli("check", "--format", "json", str(tmp_path))
    files = [f["path"].rsplit("/", 1)[-1] for f in json.loads(result.output)["files"]]
    assert files == ["a.arch.yaml", "b.arch.yml", "rfc.md"]


def test_fail_on(cli, tmp_path):
    result = cli("check", "--fail-on", "info", str(EXAMPLES / "url-shortener.arch.yaml"))
    assert result.exit_code == 0


def test_output_is_deterministic(tmp_path):
    (tmp_path / "b.arch.yaml").write_text(BROKEN)
    (tmp_path / "a.arch.yaml").write_text(BROKEN.replace("-3", "0"))
    first = run_process("check", str(tmp_path), env={"PYTHONHASHSEED": "1"})
    second = run_process("check", str(tmp_path), env={"PYTHONHASHSEED": "2"})
    assert first.stdout == second.stdout and first.stdout


def test_module_entry_point_runs_from_anywhere(tmp_path):
    result = run_process("check", str(ROOT / "examples" / "url-shortener.arch.yaml"), cwd=tmp_path)
    assert result.returncode == 0


def test_empty_directory_says_nothing_was_found(tmp_path):
    result = run_process("check", str(tmp_path))
    assert result.returncode == 0
    assert "no design files found" in result.stderr


def test_internal_error_is_one_line_and_exit_3(tmp_path):
    # A bug anywhere below the CLI must not show a traceback: simulate one.
    probe = (
        "import sys, archlint.run.pipeline\n"
        "def boom(*a, **k): raise RuntimeError('simulated bug')\n"
        "archlint.run.pipeline.run_check = boom\n"
        "from archlint.cli import main\n"
        "sys.argv = ['archlint', 'check', sys.argv[1]]\n"
        "main()\n"
    )
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT / "examples" / "url-shortener.arch.yaml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 3
    assert "internal error (RuntimeError: simulated bug)" in result.stderr
    assert "please report it" in result.stderr and "Traceback" not in result.stderr
