"""Nothing the user wrote is ever lost: no output over an input, atomic writes that keep
permissions and leave the old file on failure, `diagram --write` editing only what it
owns and never applying old line numbers to new text."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_process

from archlint.commands import outputs
from archlint.commands.outputs import ChangedMeanwhile, OutputError, write_file

DESIGN = "archlint: 1\nname: tiny\ncomponents:\n  api: {kind: service}\n"
RFC = textwrap.dedent("""\
    # RFC

    ```archlint
    archlint: 1
    name: tiny
    components:
      api: {kind: service}
    ```

    The end.
    """)


def design(tmp_path: Path, name: str = "d.arch.yaml", text: str = DESIGN) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# --- no output over an input ------------------------------------------------------------------

def test_check_refuses_an_output_that_is_the_design_being_checked(cli, tmp_path):
    path = design(tmp_path)
    result = cli("check", str(path), "--format", "json", "-o", str(path))
    assert result.exit_code == 2
    assert f"cannot write '{path}': it is a design being checked" in result.output
    assert path.read_text() == DESIGN


def test_check_refuses_an_output_that_links_to_a_design(cli, tmp_path):
    path = design(tmp_path)
    (tmp_path / "report.json").symlink_to(path.name)
    result = cli("check", str(tmp_path), "--format", "json", "-o", str(tmp_path / "report.json"))
    assert result.exit_code == 2 and "it is a design being checked" in result.output
    assert path.read_text() == DESIGN


def test_check_refuses_an_output_that_is_a_hard_link_to_a_design(cli, tmp_path):
    path = design(tmp_path)
    os.link(path, tmp_path / "report.sarif")  # same inode, another real path
    result = cli("check", str(path), "--format", "sarif", "-o", str(tmp_path / "report.sarif"))
    assert result.exit_code == 2 and "it is a design being checked" in result.output
    assert path.read_text() == DESIGN


def test_check_refuses_an_output_that_is_the_configuration_or_a_rule_pack(cli, tmp_path):
    path = design(tmp_path)
    config = tmp_path / ".archlint.yaml"
    config.write_text("rule-packs: [pack.yaml]\n")
    pack = tmp_path / "pack.yaml"
    pack.write_text("[]\n")
    for victim, what in ((config, "a configuration file"), (pack, "a rule pack")):
        result = cli("check", str(path), "--format", "json", "-o", str(victim))
        assert result.exit_code == 2 and f"it is {what}" in result.output, result.output
    assert config.read_text() == "rule-packs: [pack.yaml]\n" and pack.read_text() == "[]\n"


def test_check_refuses_an_output_that_is_the_baseline(cli, tmp_path):
    path = design(tmp_path)
    baseline = tmp_path / "base.json"
    baseline.write_text('{"version": 1, "findings": []}\n')
    result = cli("check", str(path), "--baseline", str(baseline), "--format", "json", "-o", str(baseline))
    assert result.exit_code == 2 and "it is the baseline" in result.output
    assert baseline.read_text() == '{"version": 1, "findings": []}\n'


def test_two_outputs_naming_one_file_through_a_link_are_a_usage_error(cli, tmp_path):
    path = design(tmp_path)
    (tmp_path / "b.xml").symlink_to("a.sarif")
    result = cli("check", str(path), "--format", "sarif", "--format", "junit",
                 "-o", str(tmp_path / "a.sarif"), "-o", str(tmp_path / "b.xml"))
    assert result.exit_code == 2 and "name the same file" in result.output
    assert not (tmp_path / "a.sarif").exists()


@pytest.mark.parametrize("command", [
    ["review", "{rfc}", "-o", "{rfc}"],
    ["review", "{rfc}", "-o", "{link}"],
    ["estimate", "{rfc}", "-o", "{rfc}"],
    ["diff", "{rfc}", "{rfc}", "-o", "{link}"],
    ["diagram", "{rfc}", "-f", "mermaid", "-o", "{link}"],
])
def test_every_command_refuses_an_output_over_its_input(cli, tmp_path, command):
    rfc = design(tmp_path, "rfc.md", RFC)
    (tmp_path / "link.md").symlink_to("rfc.md")
    args = [part.format(rfc=rfc, link=tmp_path / "link.md") for part in command]
    result = cli(*args)
    assert result.exit_code == 2 and "archlint never writes over an input" in result.output, result.output
    assert rfc.read_text() == RFC


def test_baseline_refuses_to_record_over_a_design(cli, tmp_path):
    path = design(tmp_path)
    result = cli("baseline", str(path), "-o", str(path))
    assert result.exit_code == 2
    assert path.read_text() == DESIGN


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_diagram_refuses_a_default_picture_path_that_links_to_the_design(tmp_path):
    pytest.importorskip("diagrams")
    path = design(tmp_path)
    (tmp_path / "d.svg").symlink_to("d.arch.yaml")  # where `diagram -f svg` writes by default
    result = run_process("diagram", str(path), "-f", "svg")
    assert result.returncode == 2 and "it is the design being drawn" in result.stderr
    assert path.read_text() == DESIGN


# --- atomic writes -----------------------------------------------------------------------------

def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full_disk)
    with pytest.raises(OutputError, match="No space left on device; the existing file is unchanged"):
        write_file(str(target), "new\n")
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_file(str(target), "new\n")
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


def test_a_killed_writer_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old\n")
    # The writer stops inside the write (before the rename) and is killed there.
    script = ("import os, sys, time\nfrom archlint.commands import outputs\n"
              "def stall(fd):\n    print('writing', flush=True)\n    time.sleep(60)\n"
              "outputs.os.fsync = stall\noutputs.write_file(sys.argv[1], 'new\\n' * 100000)\n")
    process = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout.readline() == b"writing\n"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert target.read_text() == "old\n"


def test_a_check_report_that_cannot_be_written_leaves_the_old_report(cli, tmp_path, monkeypatch):
    path = design(tmp_path)
    report = tmp_path / "report.json"
    report.write_text("yesterday's report\n")
    monkeypatch.setattr(outputs.os, "replace", lambda *_: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    result = cli("check", str(path), "--format", "json", "-o", str(report))
    assert result.exit_code == 2
    assert "cannot write" in result.output and "the existing file is unchanged" in result.output
    assert report.read_text() == "yesterday's report\n" and leftovers(tmp_path) == []


def test_writing_keeps_the_permissions_of_an_existing_file(cli, tmp_path):
    path = design(tmp_path)
    report = tmp_path / "report.json"
    report.write_text("old\n")
    report.chmod(0o640)
    assert cli("check", str(path), "--format", "json", "-o", str(report)).exit_code in (0, 1)
    assert stat.S_IMODE(report.stat().st_mode) == 0o640 and report.read_text().startswith("{")


def test_a_new_file_gets_the_permissions_open_would_give_it(tmp_path):
    previous = os.umask(0o027)
    try:
        write_file(str(tmp_path / "new.txt"), "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_writing_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path):
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_file(str(tmp_path / "link.txt"), "new")
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "real.txt").read_text() == "new"


def test_a_device_output_is_written_in_place(cli, tmp_path):
    path = design(tmp_path)
    result = cli("check", str(path), "--format", "json", "-o", os.devnull)
    assert result.exit_code in (0, 1) and os.path.exists(os.devnull) and not Path(os.devnull).is_file()


def test_init_without_force_never_replaces_a_file_that_appears(tmp_path):
    target = tmp_path / "d.arch.yaml"
    target.write_text("mine\n")
    with pytest.raises(FileExistsError):
        write_file(str(target), "template\n", exclusive=True)
    assert target.read_text() == "mine\n" and leftovers(tmp_path) == []


def _write_many(target: str, letter: str) -> None:
    for _ in range(30):
        write_file(target, letter * 200_000)


def test_concurrent_writers_leave_one_complete_file(tmp_path):
    target = str(tmp_path / "out.txt")
    write_file(target, "a" * 200_000)
    writers = [multiprocessing.get_context("fork").Process(target=_write_many, args=(target, letter))
               for letter in "ab"]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):  # a reader never sees a mix
        content = Path(target).read_text()
        assert content in ("a" * 200_000, "b" * 200_000)
        time.sleep(0.001)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert Path(target).read_text() in ("a" * 200_000, "b" * 200_000) and leftovers(tmp_path) == []


# --- diagram --write: markers and lost updates -------------------------------------------------

def write_rfc(tmp_path: Path, after: str) -> Path:
    return design(tmp_path, "rfc.md", RFC.replace("\nThe end.\n", "\n" + after))


@pytest.mark.parametrize("after, line, words", [
    ("<!-- archlint:diagram:start -->\nmine\n", 10, "without a matching"),
    ("<!-- archlint:diagram:end -->\nmine\n", 10, "without a <!-- archlint:diagram:start --> before it"),
    ("<!-- archlint:diagram:end -->\nmine\n<!-- archlint:diagram:start -->\n", 10, "without a"),
    ("<!-- archlint:diagram:start -->\n<!-- archlint:diagram:start -->\nx\n<!-- archlint:diagram:end -->\n"
     "<!-- archlint:diagram:end -->\n", 11, "has no <!-- archlint:diagram:end --> before it"),
])
def test_diagram_write_refuses_unpaired_or_nested_markers_naming_the_line(cli, tmp_path, after, line, words):
    rfc = write_rfc(tmp_path, after)
    before = rfc.read_text()
    result = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert result.exit_code == 2
    assert f"line {line} has" in result.output and words in result.output, result.output
    assert rfc.read_text() == before


def test_diagram_write_refuses_a_region_that_holds_another_design(cli, tmp_path):
    second = "```archlint\narchlint: 1\nname: two\ncomponents:\n  db: {kind: database}\n```\n"
    rfc = write_rfc(tmp_path, "<!-- archlint:diagram:start -->\n" + second + "<!-- archlint:diagram:end -->\n")
    before = rfc.read_text()
    result = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert result.exit_code == 2 and "design block on line 11 lies between them" in result.output, result.output
    assert rfc.read_text() == before


def test_markers_inside_comments_or_other_fences_are_not_markers(cli, tmp_path):
    quoted = ("```markdown\n<!-- archlint:diagram:start -->\n```\n\n"
              "<!--\n<!-- archlint:diagram:end -->\n-->\n")
    rfc = write_rfc(tmp_path, quoted)
    result = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert result.exit_code == 0, result.output
    text = rfc.read_text()
    assert text.endswith(quoted) and text.count("<!-- archlint:diagram:start -->") == 2


def test_a_design_fence_inside_an_html_comment_is_not_a_design(cli, tmp_path):
    rfc = design(tmp_path, "rfc.md", "<!--\n```archlint\narchlint: 2\n```\n-->\n" + RFC)
    result = cli("check", str(rfc), "--select", "INP")
    assert (result.exit_code, result.output) == (0, "No problems found in 1 file (1 design).\n")


def test_diagram_write_refuses_when_the_file_changed_while_drawing(cli, tmp_path, monkeypatch):
    from archlint.commands import diagram

    rfc = write_rfc(tmp_path, "")
    real_text = diagram._text

    def editor_saves_meanwhile(*args):
        rfc.write_text("# RFC, rewritten by an editor\n")
        return real_text(*args)

    monkeypatch.setattr(diagram, "_text", editor_saves_meanwhile)
    result = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert result.exit_code == 2 and "changed while archlint was drawing" in result.output
    assert rfc.read_text() == "# RFC, rewritten by an editor\n"


def test_diagram_write_refuses_when_the_file_changed_just_before_the_rename(cli, tmp_path, monkeypatch):
    from archlint.render import markdown as regions

    rfc = write_rfc(tmp_path, "")
    real_update = regions.update

    def editor_saves_meanwhile(text, blocks):
        rfc.write_text(text + "a line the editor added\n")
        return real_update(text, blocks)

    monkeypatch.setattr(regions, "update", editor_saves_meanwhile)
    result = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert result.exit_code == 2 and "changed while archlint was working on it" in result.output
    assert rfc.read_text().endswith("a line the editor added\n")


def test_changed_meanwhile_is_an_output_error():
    assert issubclass(ChangedMeanwhile, OutputError) and OutputError.exit_code == 2


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs: a real full disk (needs the right to mount, as root in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_leaves_the_old_report_whole(cli, tmp_path, small_disk):
    report = small_disk / "report.json"
    report.write_text("yesterday's report\n")
    designs = tmp_path / "designs"
    designs.mkdir()
    for number in range(20):  # a JSON report of about 200 KB: more than the disk holds
        shutil.copy(ROOT / "examples" / "naive-shop.arch.yaml", designs / f"d{number}.arch.yaml")
    result = cli("check", str(designs), "--format", "json", "-o", str(report))
    assert result.exit_code == 2
    assert f"cannot write '{report}': No space left on device; the existing file is unchanged" in result.output
    assert report.read_text() == "yesterday's report\n" and leftovers(small_disk) == []


def test_concurrent_diagram_write_runs_leave_one_complete_result(tmp_path):
    alone = design(tmp_path, "alone.md", RFC)
    assert run_process("diagram", str(alone), "-f", "mermaid", "--write").returncode == 0
    expected = alone.read_text()
    racing = design(tmp_path, "race.md", RFC)
    command = [sys.executable, "-m", "archlint", "diagram", str(racing), "-f", "mermaid", "--write"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    codes = [run.wait(timeout=60) for run in runs]
    assert set(codes) <= {0, 2}  # 2: it saw the file change under it and wrote nothing
    assert racing.read_text() == expected and leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout on this system")
def test_dev_stdout_is_the_process_stream_into_a_pipe(tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text(DESIGN)
    out = run_process("check", str(design), "--select", "ARC", "--format", "json", "--output", "/dev/stdout")
    assert out.returncode == 0, out.stderr
    assert out.stdout.lstrip().startswith("{") and '"version": 1' in out.stdout


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout on this system")
def test_dev_stdout_redirected_with_append_keeps_the_earlier_text(tmp_path):
    # `archlint check ... --output /dev/stdout >> log`: the log's text stays, the report follows.
    design = tmp_path / "d.arch.yaml"
    design.write_text(DESIGN)
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "ab") as stream:
        done = subprocess.run([sys.executable, "-m", "archlint", "check", str(design), "--no-cache", "--select",
                               "ARC", "--output", "/dev/stdout"], stdout=stream, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("earlier line\n") and "No problems found in 1 file" in text
