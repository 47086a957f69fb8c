"""Hostile input: each answered with a positioned error and bounded memory, never a
traceback, a hang or a file read whole when it is too big. (tests/test_bad_input.py
has the first cases of each kind; these push them to the sizes an attacker would.)

Memory is asserted with tracemalloc (what Python allocates while checking the file),
at a bound a few times what the case needs and far below what it would need without
the limit; no test asserts a time (benchmarks/ measures speed).
"""

from __future__ import annotations

import json
import os
import stat
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, codes_at

from archlint.catalog import load_catalog
from archlint.input.load import Limits
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

MB = 1000 * 1000
HEAD = "archlint: 1\nname: hostile\ncomponents:\n  api: {kind: service}\n"  # 4 lines, valid


@pytest.fixture(autouse=True, scope="module")
def warm(tmp_path_factory) -> None:
    """Import the pipeline and load the catalog once, outside the memory measurements."""
    path = tmp_path_factory.mktemp("warm") / "warm.arch.yaml"
    path.write_text(HEAD)
    check_file(str(path), path.name, FileSettings(), load_catalog())


def check(path: Path, settings: FileSettings | None = None, traced: bool = True) -> tuple[list[Any], int]:
    """The findings of one file through the whole pipeline (every rule), and the peak
    of memory Python allocated meanwhile, in bytes (0 when not `traced`: tracing makes
    allocation-heavy cases ten times slower)."""
    if not traced:
        return check_file(str(path), path.name, settings or FileSettings(), load_catalog()).findings, 0
    tracemalloc.start()
    try:
        result = check_file(str(path), path.name, settings or FileSettings(), load_catalog())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result.findings, peak


def write(tmp_path: Path, text: str | bytes, name: str = "design.arch.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only(findings: list[Any]) -> Any:
    assert len(findings) == 1, [f"{f.line}:{f.column} {f.code} {f.message[:120]}" for f in findings]
    return findings[0]


# --- alias bombs ------------------------------------------------------------------------

def test_wide_alias_bomb_stops_at_the_alias_that_crosses_the_limit(tmp_path):
    # One anchor of 6,000 nodes, aliased again and again: the second alias passes 10,000.
    items = ", ".join(["x"] * 5999)
    text = HEAD + f"x-big: &big [{items}]\nx-copies: [*big, *big, *big, *big, *big, *big, *big, *big]\n"
    finding, peak = check(write(tmp_path, text))
    finding = only(finding)
    assert (finding.code, finding.line, finding.column) == ("INP005", 6, 18)
    assert "aliases expand to more than 10,000 nodes (limit max-aliases)" in finding.message
    assert peak < 5 * MB


def test_map_alias_bomb_in_markdown_points_at_the_markdown_line(tmp_path):
    levels = ["  x-l0: &l0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1}"]
    for level in range(1, 12):
        keys = ", ".join(f"k{n}: *l{level - 1}" for n in range(9))
        levels.append(f"  x-l{level}: &l{level} {{{keys}}}")
    design = "archlint: 1\nname: bomb\ncomponents: {api: {kind: service}}\nx-bomb:\n" + "\n".join(levels) + "\n"
    text = "# Review\n\nSome prose.\n\n```archlint\n" + design + "```\n"
    finding, peak = check(write(tmp_path, text, "review.md"))
    finding = only(finding)
    # Line 5 of the design (x-l1) holds the first alias; l4's aliases cross 10,000.
    assert (finding.code, finding.line) == ("INP005", 6 + 4 + 4)
    assert finding.block == 0 and "alias" in finding.message
    assert peak < 1 * MB


def test_an_alias_as_a_key_is_refused(tmp_path):
    text = HEAD + "x-a: &k name\nx-map: {*k : 1}\n"
    finding = only(check(write(tmp_path, text))[0])
    assert (finding.code, finding.line, finding.column) == ("INP011", 6, 9)
    assert "a key must be a plain string, not an alias" in finding.message


# --- size ---------------------------------------------------------------------------------

def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.arch.yaml"
    with open(path, "wb") as handle:  # sparse: 50 MB of NUL bytes, none of them read
        handle.truncate(50 * MB)
    finding, peak = check(path)
    finding = only(finding)
    assert codes_at([finding]) == [("INP005", 1, 1)]
    assert finding.message == "the file is 50MB, above the 10MB limit (limit max-file-size)"
    assert finding.hint == "split the design, or raise limits.max-file-size in the configuration"
    assert peak < 1 * MB  # reading it would allocate at least 10 MB


def test_a_raised_file_size_limit_lets_the_file_through(tmp_path):
    path = write(tmp_path, HEAD + "x-pad: " + "p" * 3000 + "\n")
    assert only(check(path, FileSettings(limits=Limits(max_file_size=2000)))[0]).code == "INP005"
    findings = check(path, FileSettings(limits=Limits(max_file_size=4000)))[0]
    assert findings and not [f for f in findings if f.code.startswith("INP")]  # rule findings only


def test_the_size_limit_comes_from_the_configuration(cli, tmp_path, monkeypatch):
    write(tmp_path, HEAD + "x-pad: " + "p" * 3000 + "\n")
    (tmp_path / ".archlint.yaml").write_text("limits: {max-file-size: 2KB}\n")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "design.arch.yaml")
    assert result.exit_code == 1
    assert result.output.startswith(
        "design.arch.yaml:1:1: INP005 error limit-exceeded: the file is 3.07KB, above the 2KB limit "
        "(limit max-file-size)\n"
    )


# --- nesting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, nested, line, column", [
    ("flow maps", "x-deep: " + "{a: " * 10_000 + "1" + "}" * 10_000, 5, 9 + 4 * 63),  # the 65th map, with the root
    ("flow lists and maps", "x-deep: " + "[{a: " * 5_000 + "1" + "}]" * 5_000, 5, 10 + 5 * 31),
    ("block lists", "x-deep:\n  " + "- " * 10_000 + "1", 6, 129),
])
def test_10000_deep_nesting_stops_at_the_depth_limit(tmp_path, name, nested, line, column):
    finding, peak = check(write(tmp_path, HEAD + nested + "\n"))
    finding = only(finding)
    assert (finding.code, finding.line, finding.column) == ("INP005", line, column)
    assert finding.message == "nesting is deeper than 64 levels (limit max-depth)"
    assert peak < 2 * MB


def test_10000_deep_block_maps(tmp_path):
    # Block maps need one more space of indentation per level: 10,000 levels is 50 MB,
    # over the size limit, so raise it to see the depth limit answer.
    nested = "".join(" " * level + f"k{level}:\n" for level in range(1, 10_001))
    path = write(tmp_path, HEAD + "x-deep:\n" + nested)
    assert only(check(path)[0]).code == "INP005"  # the size
    finding = only(check(path, FileSettings(limits=Limits(max_file_size=60 * MB)))[0])
    assert (finding.code, finding.line, finding.column) == ("INP005", 5 + 64, 65)
    assert finding.message == "nesting is deeper than 64 levels (limit max-depth)"


def test_a_depth_limit_above_the_parser_s_own_says_so(tmp_path):
    path = write(tmp_path, HEAD + "x-deep: " + "[" * 10_000 + "]" * 10_000 + "\n")
    finding = only(check(path, FileSettings(limits=Limits(max_depth=100_000)))[0])
    assert (finding.code, finding.line) == ("INP005", 5)
    assert finding.message == (
        "nesting is deeper than 1,000 levels, the most the YAML parser reads (limit max-depth cannot raise it further)"
    )


# --- long lists, long keys -------------------------------------------------------------------------

def test_a_million_item_flow_list_stops_at_the_list_limit(tmp_path):
    finding, peak = check(write(tmp_path, HEAD + "x-many: [" + ", ".join(["1"] * 1_000_000) + "]\n"))
    finding = only(finding)
    assert (finding.code, finding.line, finding.column) == ("INP005", 5, 10 + 3 * 100_000)
    assert finding.message == "a list has more than 100,000 items (limit max-list-items)"
    assert peak < 50 * MB  # the items up to the limit; the whole list would take several times more


def test_a_million_item_block_list_stops_at_the_list_limit(tmp_path):
    finding = only(check(write(tmp_path, HEAD + "x-many:\n" + "  - 1\n" * 1_000_000), traced=False)[0])
    assert (finding.code, finding.line, finding.column) == ("INP005", 6 + 100_000, 5)


def test_a_one_megabyte_key(tmp_path):
    finding, peak = check(write(tmp_path, HEAD + "x-" + "k" * MB + ": 1\n"))
    finding = only(finding)
    assert (finding.code, finding.line, finding.column) == ("INP005", 5, 1)
    assert finding.message == "a key is 1,000,002 characters long, above the 1,024 limit (limit max-key-length)"
    assert peak < 15 * MB  # the text and its bytes, once each


@pytest.mark.parametrize("written", ['"x-{key}": 1', "x-map: {{a: 1, {key}: 2}}", "? x-{key}\n: 1"])
def test_a_key_of_2000_characters_in_any_form(tmp_path, written):
    finding = only(check(write(tmp_path, HEAD + written.format(key="k" * 2000) + "\n"))[0])
    assert (finding.code, finding.line) == ("INP005", 5)
    assert "characters long, above the 1,024 limit (limit max-key-length)" in finding.message


def test_a_step_of_100000_undeclared_hops_is_one_finding(tmp_path):
    chain = " -> ".join(f"n{number}" for number in range(100_000))
    text = HEAD + f"flows:\n  f:\n    rate: 1/s\n    steps: ['{chain}']\n"
    finding = only(check(write(tmp_path, text))[0])
    assert (finding.code, finding.line, finding.column) == ("INP020", 8, 13)
    assert finding.message.startswith("'n0' in flow 'f' is not a declared component")


# --- bytes that are not UTF-8 text -----------------------------------------------------------------

@pytest.mark.parametrize("raw, line, column, words", [
    (HEAD.encode("utf-16-le"), 1, 2, "NUL byte at character offset 1"),  # UTF-16 without its byte-order mark
    (b"\xfe\xff" + HEAD.encode("utf-16-be"), 1, 1, "UTF-16"),
    (b"\xff\xfe\x00\x00" + HEAD.encode("utf-32-le"), 1, 1, "UTF-32"),
    (HEAD.encode() + b"x-bad: \xc0\xaf\n", 5, 8, "byte 0xc0 at byte offset"),  # an overlong '/'
    (HEAD.encode() + b"x-bad: \xed\xa0\x80\n", 5, 8, "byte 0xed"),  # a UTF-16 surrogate, encoded
    (HEAD.encode() + b"x-cut: caf\xc3", 5, 11, "byte 0xc3 at byte offset"),  # cut in the middle of a character
    (b"\x00" * 4096, 1, 1, "NUL byte at character offset 0"),
])
def test_bytes_that_are_not_utf8_text(tmp_path, raw, line, column, words):
    finding = only(check(write(tmp_path, raw))[0])
    assert (finding.code, finding.line, finding.column) == ("INP001", line, column)
    assert words in finding.message


def test_a_bad_byte_in_markdown_points_at_the_markdown_line(tmp_path):
    raw = b"# Notes\n\nCaf\xe9 au lait.\n\n```archlint\n" + HEAD.encode() + b"```\n"
    finding = only(check(write(tmp_path, raw, "notes.md"))[0])
    assert (finding.code, finding.line, finding.column) == ("INP001", 3, 4)


def test_control_characters_are_refused_where_they_are(tmp_path):
    finding = only(check(write(tmp_path, HEAD + "x-bell: ding\x07\n"))[0])
    assert (finding.code, finding.line, finding.column) == ("INP001", 5, 13)
    assert "U+0007" in finding.message


# --- tags --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tagged, shown", [
    ("x-t: !!python/object/apply:os.system ['touch {marker}']", "!!python/object/apply:os.system"),
    ("x-t: !!python/object/new:os.system {{args: ['touch {marker}']}}", "!!python/object/new:os.system"),
    ("x-t: !!python/name:os.system ''", "!!python/name:os.system"),
    ("x-t: !!python/module:os ''", "!!python/module:os"),
    ("x-t: !!python/tuple [1, 2]", "!!python/tuple"),
    ("x-t: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
     "!!python/object/apply:os.system"),
    ("x-t: !!binary aGk=", "!!binary"),
    ("x-t: !!set {{a, b}}", "!!set"),
    ("x-t: !!timestamp 2001-12-14", "!!timestamp"),
    ("x-t: !local thing", "!local"),
])
def test_tags_that_build_objects_are_refused_and_never_run(tmp_path, tagged, shown):
    marker = tmp_path / "pwned"
    finding = only(check(write(tmp_path, HEAD + tagged.format(marker=marker) + "\n"))[0])
    assert (finding.code, finding.line, finding.column) == ("INP004", 5, 6)
    assert f"the YAML tag '{shown}' is refused" in finding.message
    assert not marker.exists()


def test_a_tag_directive_cannot_rename_the_standard_tags(tmp_path):
    text = "%TAG !! tag:evil.example,2024:\n---\n" + HEAD + "x-t: !!str text\n"
    finding = only(check(write(tmp_path, text))[0])
    assert (finding.code, finding.line, finding.column) == ("INP004", 7, 6)
    assert "tag:evil.example,2024:str" in finding.message


def test_a_tag_in_markdown_is_refused_at_its_line(tmp_path):
    text = "Intro.\n\n- item\n\n   ```archlint\n   " + HEAD.replace("\n", "\n   ") + "x-t: !!python/tuple [1]\n   ```\n"
    finding = only(check(write(tmp_path, text, "rfc.md"))[0])
    assert (finding.code, finding.line, finding.column) == ("INP004", 10, 9)


# --- files and directories ------------------------------------------------------------------------

def test_symlink_loops_in_a_directory(cli, tmp_path, monkeypatch):
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "good.arch.yaml").write_text(HEAD)
    (designs / "loop").symlink_to(".")  # a folder that contains itself: not followed
    (designs / "self.arch.yaml").symlink_to("self.arch.yaml")
    (designs / "a.arch.yaml").symlink_to("b.arch.yaml")
    (designs / "b.arch.yaml").symlink_to("a.arch.yaml")
    (designs / "gone.arch.yaml").symlink_to("nowhere.arch.yaml")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "designs", "--select", "INP", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(f["file"], f["line"], f["column"], f["code"], f["message"]) for f in report["findings"]] == [
        ("designs/a.arch.yaml", 1, 1, "INP001", "the file cannot be read: Too many levels of symbolic links"),
        ("designs/b.arch.yaml", 1, 1, "INP001", "the file cannot be read: Too many levels of symbolic links"),
        ("designs/gone.arch.yaml", 1, 1, "INP001", "the file cannot be read: No such file or directory"),
        ("designs/self.arch.yaml", 1, 1, "INP001", "the file cannot be read: Too many levels of symbolic links"),
    ]
    assert [f["path"] for f in report["files"]] == [
        "designs/a.arch.yaml", "designs/b.arch.yaml", "designs/gone.arch.yaml", "designs/good.arch.yaml",
        "designs/self.arch.yaml",
    ]


def test_named_pipes_in_a_directory_are_skipped_not_waited_on(cli, tmp_path, monkeypatch):
    # Opening a pipe with no writer blocks forever; a folder's pipes are not designs.
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "good.arch.yaml").write_text(HEAD)
    os.mkfifo(designs / "pipe.arch.yaml")
    os.mkfifo(designs / "pipe.md")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "designs", "--select", "INP")
    assert (result.exit_code, result.output) == (0, "No problems found in 1 file (1 design).\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions, so chmod 000 hides nothing")
def test_an_unreadable_file(cli, tmp_path, monkeypatch):
    path = write(tmp_path, HEAD)
    path.chmod(0)
    try:
        monkeypatch.chdir(tmp_path)
        result = cli("check", "design.arch.yaml")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert result.exit_code == 1
    assert result.output.startswith(
        "design.arch.yaml:1:1: INP001 error unreadable-file: the file cannot be read: Permission denied\n"
    )


def test_a_directory_of_1000_files(cli, tmp_path, monkeypatch):
    designs = tmp_path / "designs"
    designs.mkdir()
    for number in range(1000):
        text = HEAD if number % 100 else HEAD + "x-broken: [\n"
        (designs / f"d{number:04}.arch.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "designs", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [f["path"] for f in report["files"]] == [f"designs/d{n:04}.arch.yaml" for n in range(1000)]
    broken = [(f["file"], f["line"], f["column"], f["code"]) for f in report["findings"] if f["severity"] == "error"]
    assert broken == [(f"designs/d{n:04}.arch.yaml", 6, 1, "INP002") for n in range(0, 1000, 100)]
    assert report["summary"]["files"] == 1000


def test_the_docs_document_the_default_limits():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = page.split("## Limits", 1)[1].split("\n#", 1)[0]
    defaults = Limits()
    documented = {
        "max-file-size": f"{defaults.max_file_size // MB}MB",
        "max-depth": f"{defaults.max_depth:,}",
        "max-aliases": f"{defaults.max_aliases:,}",
        "max-list-items": f"{defaults.max_list_items:,}",
        "max-key-length": f"{defaults.max_key_length:,}",
    }
    for key, default in documented.items():
        assert f"| `{key}` | {default} |" in section, key
