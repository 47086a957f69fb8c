"""Every read is bounded: configurations, rule packs, baselines and designs stop at a
cap while reading (a device that never ends is cut there), explicit pipes stay
readable, directory walks read regular files inside the tree only and say what they
skip, and deep nesting in TOML, JSON or a condition is a positioned error."""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest
from conftest import ROOT, run_process

from archlint.input.files import CONFIG_MAX_BYTES, TooLarge, nesting_error, read_bounded

DESIGN = "archlint: 1\nname: tiny\ncomponents:\n  api: {kind: service}\n"


def design(tmp_path, name="d.arch.yaml", text=DESIGN):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- caps while reading -------------------------------------------------------------------------

def test_read_bounded_cuts_a_device_that_never_ends():
    with pytest.raises(TooLarge, match="holds more"):
        read_bounded("/dev/zero", 1000)


def test_read_bounded_refuses_a_large_regular_file_from_its_size(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(TooLarge, match="it is 2,001 bytes, above the 2KB"):
        read_bounded(str(path), 2000)
    assert read_bounded(str(path), 2001) == b"x" * 2001


def test_config_dev_zero_is_a_clear_error(tmp_path):
    result = run_process("check", "--config", "/dev/zero", str(design(tmp_path)))
    assert result.returncode == 2
    assert "/dev/zero: not read as a configuration: it holds more than the 1MB a file of this kind may hold" \
        in result.stderr


def test_a_configuration_past_its_cap_is_refused_from_its_size(tmp_path):
    config = tmp_path / ".archlint.yaml"
    config.write_text("# padding\n" * (CONFIG_MAX_BYTES // 10 + 1))
    result = run_process("check", str(design(tmp_path)))
    assert result.returncode == 2
    assert "not read as a configuration: it is 1,000,010 bytes, above the 1MB" in result.stderr


def test_a_baseline_linked_to_dev_zero_is_a_clear_error(tmp_path):
    (tmp_path / "base.json").symlink_to("/dev/zero")
    result = run_process("check", str(design(tmp_path)), "--baseline", str(tmp_path / "base.json"))
    assert result.returncode == 2
    assert "not read: it holds more than the 100MB a file of this kind may hold" in result.stderr


def test_a_rule_pack_that_is_a_device_is_refused(tmp_path):
    (tmp_path / "pack.yaml").symlink_to("/dev/zero")
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [pack.yaml]\n")
    result = run_process("check", str(design(tmp_path)))
    assert result.returncode == 2 and "rule-packs: 'pack.yaml' is not a file" in result.stderr


def test_a_rule_pack_past_its_cap_is_refused(tmp_path):
    from archlint.custom.packs import PackError, load_pack

    pack = tmp_path / "big-pack.yaml"
    pack.write_text("# padding\n" * 600_000)
    with pytest.raises(PackError, match="not read as a rule pack: it is 6,000,000 bytes, above the 5MB"):
        load_pack(str(pack))


def test_a_design_that_is_dev_zero_is_cut_at_the_size_limit(tmp_path):
    result = run_process("check", "/dev/zero")
    assert result.returncode == 1
    assert "INP005" in result.stdout and "limit max-file-size" in result.stdout


# --- explicit pipes stay readable ---------------------------------------------------------------

def test_diff_reads_a_process_substitution(tmp_path):
    old = design(tmp_path, "old.arch.yaml")
    new = design(tmp_path, "new.arch.yaml", DESIGN + "  db: {kind: database}\n")
    script = '"$0" -m archlint diff <(cat "$1") "$2"'
    import sys

    result = subprocess.run(["bash", "-c", script, sys.executable, str(old), str(new)], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "- added `db`" in result.stdout


def test_check_reads_a_named_pipe_given_by_name(tmp_path):
    pipe = tmp_path / "pipe.arch.yaml"
    os.mkfifo(pipe)

    def feed() -> None:
        with open(pipe, "w") as handle:
            handle.write(DESIGN)

    writer = threading.Thread(target=feed)
    writer.start()
    result = run_process("check", str(pipe), "--select", "INP")
    writer.join(timeout=10)
    assert (result.returncode, result.stdout) == (0, "No problems found in 1 file (1 design).\n")


# --- directory walks ------------------------------------------------------------------------------

def test_a_walk_skips_a_link_to_a_file_outside_the_tree_and_says_so(tmp_path):
    outside = design(tmp_path, "secret.arch.yaml", "archlint: 1\nname: [\n")
    tree = tmp_path / "designs"
    tree.mkdir()
    design(tree, "good.arch.yaml")
    (tree / "inside.arch.yaml").symlink_to("good.arch.yaml")
    (tree / "escape.arch.yaml").symlink_to(outside)
    result = run_process("check", "designs", "--select", "INP", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "No problems found in 1 file (1 design).\n"  # the inside link is good.arch.yaml
    assert result.stderr == ("archlint: warning: skipped designs/escape.arch.yaml: it links to a file outside "
                             "designs (name it on the command line to check it)\n")
    named = run_process("check", "designs/escape.arch.yaml", "--select", "INP", cwd=tmp_path)
    assert named.returncode == 1 and "INP002" in named.stdout


def test_a_walk_reports_a_folder_it_cannot_read(cli, tmp_path, monkeypatch):
    tree = tmp_path / "designs"
    (tree / "locked").mkdir(parents=True)
    design(tree, "good.arch.yaml")
    design(tree / "locked", "hidden.arch.yaml")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "designs", "--select", "INP")
    assert result.exit_code == 0
    assert "archlint: warning: cannot read the folder designs/locked: Permission denied; its files are not " \
           "checked" in result.stderr
    assert "No problems found in 1 file (1 design)." in result.stdout


# --- deep nesting ---------------------------------------------------------------------------------

def test_nesting_error_skips_brackets_in_strings_and_comments():
    assert nesting_error('x = "' + "[" * 100 + '"  # ' + "{" * 100 + "\ny = '[[['\n", "toml") is None
    assert nesting_error('{"a": "' + "[" * 100 + '\\"["}', "json") is None
    assert nesting_error("[" * 65, "json", 64) == (0, 64)
    assert nesting_error('x = """\n[[[\n"""\ny = ' + "[" * 65, "toml", 64) == (3, 68)


def test_deep_toml_nesting_in_pyproject_is_a_positioned_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.archlint]\nselect = " + "[" * 10_000 + "]" * 10_000 + "\n")
    result = run_process("check", str(design(tmp_path)))
    assert result.returncode == 2, result.stderr
    assert f"pyproject.toml:2:{10 + 64}: arrays and tables nest deeper than 64 levels" in result.stderr
    assert "RecursionError" not in result.stderr


def test_deep_inline_tables_in_pyproject_are_a_positioned_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.archlint]\noptions = " + "{a = " * 5000 + "1" + "}" * 5000)
    result = run_process("check", str(design(tmp_path)))
    assert result.returncode == 2 and "pyproject.toml:2:" in result.stderr and "nest deeper" in result.stderr


def test_deep_json_nesting_in_a_baseline_is_a_positioned_error(tmp_path):
    (tmp_path / "base.json").write_text('{"version": 1, "findings":\n' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run_process("check", str(design(tmp_path)), "--baseline", str(tmp_path / "base.json"))
    assert result.returncode == 2
    assert "nests deeper than 64 levels at line 2 column 64" in result.stderr


def test_deep_nesting_in_a_pack_condition_is_a_positioned_error(tmp_path):
    from archlint.custom.packs import PackError, load_pack

    pack = tmp_path / "pack.yaml"
    condition = "(" * 5000 + "owner == null" + ")" * 5000
    pack.write_text(
        "- code: ORG001\n  name: no-owner\n  severity: warning\n  summary: Owned.\n"
        "  select: {components: {}}\n"
        f"  condition: '{condition}'\n  message: '{{id}} has no owner'\n")
    with pytest.raises(PackError, match=r"pack.yaml:6:3: condition: the condition has 10003 tokens"):
        load_pack(str(pack))
    pack.write_text(pack.read_text().replace(condition, "(" * 100 + "owner == null" + ")" * 100))
    load_pack.cache_clear()
    with pytest.raises(PackError, match=r"pack.yaml:6:3: condition: the condition nests deeper than 64 levels "
                                        r"\(at character 65"):
        load_pack(str(pack))


def test_a_long_sum_in_a_condition_evaluates_without_recursing_too_deep():
    from archlint.custom.expr import compile_condition

    condition = compile_condition("1" + " + 1" * 240 + " > 3", lambda path: (lambda item: 1))
    assert condition(None) is True


def test_baseline_version_true_is_not_version_1(tmp_path):
    (tmp_path / "base.json").write_text(json.dumps({"version": True, "findings": []}))
    result = run_process("check", str(design(tmp_path)), "--baseline", str(tmp_path / "base.json"))
    assert result.returncode == 2 and "has version true; this archlint reads version 1" in result.stderr
