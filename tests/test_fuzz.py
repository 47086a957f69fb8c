"""Property-based fuzzing of the whole pipeline: load, validate, graph, every rule, the
check reports and the `estimate` figures.

Whatever the input, the outcome is a clean result or findings placed inside the file
(line and column from 1), never an exception, a hang or a crashed rule (ENG001).
Valid designs drawn from `strategies.designs()` must produce no input finding at all.
No report can be forged by the input: no text line starts with `::` or holds a control
character, `github` is one command per finding, Markdown one table row per finding
(and any text in a user field keeps review Markdown and HTML free of injected HTML).
The file system is fuzzed too: trees of links, pipes and devices (the walk stays in
the tree and never hangs), writes failing at any point (the old file stays whole) and
racing writers (one complete result).

Two sizes of the same properties:

    pytest                      # about 200 cases, derandomised: the same ones every run
    pytest -m fuzz              # the dedicated run: over 10,000 cases, random each time
    ARCHLINT_FUZZ_SCALE=5 pytest -m fuzz    # five times as many

A failure prints the smallest input hypothesis found (`@reproduce_failure` replays
it); the `fuzz` run keeps failing examples in `.hypothesis/` and retries them first.
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import strategies
import yaml
from conftest import DATA, EXAMPLES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from archlint.catalog import load_catalog
from archlint.commands.check import command as check_command
from archlint.findings import SEVERITIES
from archlint.run.pipeline import check_file, design_terms
from archlint.run.results import CheckResult
from archlint.run.settings import FileSettings
from archlint.views import estimate as estimate_report

CATALOG = load_catalog()
REPORT_FORMATS = next(param for param in check_command.params if param.opts[0] == "--format").type.choices
SETTINGS = FileSettings()  # every default rule, default limits
YAML_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
BATCH = 500  # examples per hypothesis run in the fuzz run
HANG_SECONDS = 10  # a case takes milliseconds; this only turns a hang into a failure to investigate

SEEDS = sorted(
    [p for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".md")]
    + [DATA / "every-field.arch.yaml"]
    + list((ROOT / "tests" / "rules").glob("*/*.arch.yaml"))
)
SEED_TEXTS = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in SEEDS}


class Hang(Exception):
    """A case ran past HANG_SECONDS: investigate it, it is a bug."""


@contextmanager
def hang_guard() -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"one case took more than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_outcome(directory: Path, name: str, content: bytes) -> list[Any]:
    """Run the pipeline on one file and assert what must hold for any input; returns
    the findings."""
    path = directory / name
    path.write_bytes(content)
    with hang_guard():
        result = check_file(str(path), name, SETTINGS, CATALOG)
        reports = {output_format: render(output_format, CheckResult(files=[result], fail_on={name: "error"}))
                   for output_format in REPORT_FORMATS}
        estimates = [figures_of(result, name, design) for design in result.designs if design.graph is not None]
    # libyaml ends a line at NEL, LS and PS too, and its marks count them.
    lines = len(YAML_BREAKS.findall(content.decode("utf-8", "replace"))) + 1
    for finding in result.findings:
        shown = f"{finding.line}:{finding.column} {finding.code} {finding.message}"
        assert finding.code != "ENG001", shown
        assert 1 <= finding.line <= lines and finding.column >= 1, shown
        assert finding.file == name and finding.severity in SEVERITIES and finding.message, shown
        if finding.code.startswith("INP"):
            assert finding.severity == "error", shown
    assert reports["text"].endswith("\n")
    assert_no_injection(reports, len(result.findings))
    assert len(strict_json(reports["json"])["findings"]) == len(result.findings)
    if "sarif" in reports:
        strict_json(reports["sarif"])
    if "junit" in reports:
        ElementTree.fromstring(reports["junit"])
    for document in estimates:
        strict_json(document)
    return result.findings


# Raw control characters a text line must not carry (a tab may stand in a source line).
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MARKDOWN = MarkdownIt("commonmark").enable("table")


def assert_no_injection(reports: dict[str, str], findings: int) -> None:
    """Whatever the input: no text line starts with `::` or holds a control character,
    the github format is one command per finding, the Markdown table one row each."""
    for line in reports["text"].split("\n"):
        assert not line.startswith("::") and not CONTROL.search(line), repr(line)
    if "github" in reports:
        commands = reports["github"].split("\n")[:-1]
        assert len(commands) == findings and "\r" not in reports["github"]
        assert all(re.match(r"::(error|warning|notice) file=", command) for command in commands)
    if "markdown" in reports:
        html = MARKDOWN.render(reports["markdown"])
        assert html.count("<tr>") == (findings + 1 if findings else 0), reports["markdown"]
        assert "<img" not in html and "<script" not in html.lower()


def render(output_format: str, result: CheckResult) -> str:
    """One report, from the module of archlint.formats named after its format."""
    return importlib.import_module(f"archlint.formats.{output_format}").render(result)


def figures_of(result: Any, name: str, design: Any) -> str:
    """Every figure `archlint estimate` prints, as text and as JSON."""
    terms = design_terms(design.design, design.graph, CATALOG, SETTINGS, design.block.data)
    figures = terms.figures
    estimate_report.render_text(name, design.design.name, figures)
    return estimate_report.render_json([estimate_report.as_data(name, design.design.name, design.block.index, figures)])


def strict_json(text: str) -> Any:
    """JSON as a strict parser reads it: NaN and Infinity are not JSON."""
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


# --- the properties, at either size -----------------------------------------------------------

def scaled(examples: int) -> int:
    return int(examples * float(os.environ.get("ARCHLINT_FUZZ_SCALE", "1")))


def sized(examples: int, full: bool) -> settings:
    common = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True}
    if full:
        return settings(max_examples=examples, **common)
    return settings(max_examples=examples, derandomize=True, database=None, **common)


def valid_designs(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    @sized(examples, full)
    @given(drawn=strategies.design_files())
    def prop(drawn: strategies.DesignFile) -> None:
        findings = check_outcome(tmp_path, drawn.name, drawn.text.encode())
        problems = [f"{f.line}:{f.column} {f.code} {f.message}" for f in findings if f.code.startswith("INP")]
        assert not problems, problems

    return prop


def mutated_designs(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    @sized(examples, full)
    @given(data=st.data(), drawn=strategies.design_files(max_components=6))
    def prop(data: st.DataObject, drawn: strategies.DesignFile) -> None:
        check_outcome(tmp_path, drawn.name, data.draw(strategies.mutated(drawn.text)))

    return prop


def mutated_data(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    @sized(examples, full)
    @given(data=st.data(), design=strategies.designs(max_components=6))
    def prop(data: st.DataObject, design: dict[str, Any]) -> None:
        broken = data.draw(strategies.mutated_data(design))
        text = yaml.safe_dump(broken, sort_keys=False, allow_unicode=data.draw(st.booleans()))
        check_outcome(tmp_path, "design.arch.yaml", text.encode())

    return prop


def mutated_seeds(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    @sized(examples, full)
    @given(data=st.data(), seed=st.sampled_from(sorted(SEED_TEXTS)))
    def prop(data: st.DataObject, seed: str) -> None:
        name = "design.md" if seed.endswith(".md") else "design.arch.yaml"
        check_outcome(tmp_path, name, data.draw(strategies.mutated(SEED_TEXTS[seed])))

    return prop


# --- file systems: links, pipes, failing and concurrent writers ------------------------------

ENTRY_KINDS = ("design", "broken", "markdown", "link-inside", "link-outside", "link-folder-outside", "link-loop",
               "link-broken", "fifo", "device-link", "folder")


def file_trees(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    """A folder of designs, links in and out of it, pipes and devices: the walk reads
    regular files inside the folder only, names every link out, and never hangs."""
    from archlint.input.discover import discover

    @sized(examples, full)
    @given(entries=st.lists(st.tuples(st.sampled_from(ENTRY_KINDS), st.sampled_from(["", "sub/", "sub/deep/"])),
                            max_size=12))
    def prop(entries: list[tuple[str, str]]) -> None:
        base = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            tree, outside = base / "tree", base / "outside.arch.yaml"
            tree.mkdir()
            outside.write_text(SEED_TEXTS["examples/url-shortener.arch.yaml"])
            escapes = make_tree(tree, outside, entries)
            warnings: list[str] = []
            with hang_guard():
                found = discover([str(tree)], 10_000_000, warnings)
                results = [check_file(path, path, SETTINGS, CATALOG) for path, _ in found]
            inside = os.path.realpath(tree) + os.sep
            for path, _ in found:
                assert os.path.realpath(path).startswith(inside) or not os.path.exists(path), path
                assert not stat.S_ISFIFO(os.lstat(path).st_mode), path
            for name in escapes:
                assert any(name in warning for warning in warnings), (name, warnings)
            for result in results:
                assert all(f.code != "ENG001" for f in result.findings)
        finally:
            shutil.rmtree(base, ignore_errors=True)

    return prop


def make_tree(tree: Path, outside: Path, entries: list[tuple[str, str]]) -> list[str]:
    """Create the entries; returns the names of links to files outside the tree."""
    escapes = []
    for index, (kind, folder) in enumerate(entries):
        where = tree / folder
        where.mkdir(parents=True, exist_ok=True)
        path = where / f"e{index}.arch.yaml"
        if kind == "design":
            path.write_text(SEED_TEXTS["examples/url-shortener.arch.yaml"])
        elif kind == "broken":
            path.write_text("archlint: 1\nname: [\n")
        elif kind == "markdown":
            path = where / f"e{index}.md"
            path.write_text("```archlint\narchlint: 1\nname: [\n```\n")
        elif kind == "link-inside":
            (tree / "target.arch.yaml").write_text("archlint: 1\n")
            path.symlink_to(tree / "target.arch.yaml")
        elif kind == "link-outside":
            path.symlink_to(outside)
            escapes.append(path.name)
        elif kind == "link-folder-outside":
            (where / f"e{index}").symlink_to(outside.parent)
        elif kind == "link-loop":
            path.symlink_to(path.name)
        elif kind == "link-broken":
            path.symlink_to(where / "nowhere.arch.yaml")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "device-link":
            path.symlink_to("/dev/zero")
        else:
            (where / f"e{index}").mkdir(exist_ok=True)
    return escapes


FAILURE_POINTS = ("none", "write", "fsync", "replace", "interrupt")


def failing_writes(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    """A write that fails anywhere (a full disk, a killed writer) leaves the old file
    whole, its permissions kept and no temporary file; one that succeeds leaves the new."""
    from unittest import mock

    from archlint.commands import outputs

    @sized(examples, full)
    @given(old=st.binary(max_size=2000), new=st.binary(max_size=2000), point=st.sampled_from(FAILURE_POINTS),
           mode=st.sampled_from([0o600, 0o640, 0o644, 0o664]))
    def prop(old: bytes, new: bytes, point: str, mode: int) -> None:
        base = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            target = base / "report.txt"
            target.write_bytes(old)
            target.chmod(mode)
            error = KeyboardInterrupt() if point == "interrupt" else OSError(errno.ENOSPC, "No space left on device")

            def fail(*args: Any, **kwargs: Any) -> None:
                raise error

            patches = {"write": ("fdopen", lambda *a, **k: mock.Mock(__enter__=lambda self: mock.Mock(
                           write=fail), __exit__=lambda *e: False)),
                       "fsync": ("fsync", fail), "replace": ("replace", fail), "interrupt": ("fsync", fail)}
            if point == "none":
                outputs.write_file(str(target), new)
                assert target.read_bytes() == new
            else:
                name, replacement = patches[point]
                with mock.patch.object(outputs.os, name, replacement):
                    with pytest.raises((outputs.OutputError, KeyboardInterrupt)):
                        outputs.write_file(str(target), new)
                assert target.read_bytes() == old
            assert stat.S_IMODE(target.stat().st_mode) == mode
            assert [p.name for p in base.iterdir()] == ["report.txt"]
        finally:
            shutil.rmtree(base, ignore_errors=True)

    return prop


def concurrent_writes(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    """Writers racing on one file leave exactly one writer's complete content."""
    import threading

    from archlint.commands import outputs

    @sized(examples, full)
    @given(contents=st.lists(st.binary(min_size=1, max_size=50_000), min_size=2, max_size=4))
    def prop(contents: list[bytes]) -> None:
        base = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            target = str(base / "out.bin")
            threads = [threading.Thread(target=outputs.write_file, args=(target, content)) for content in contents]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert Path(target).read_bytes() in contents
            assert [p.name for p in base.iterdir()] == ["out.bin"]
        finally:
            shutil.rmtree(base, ignore_errors=True)

    return prop


# --- output injection: any string in any user field ---------------------------------------------

def injected_strings(examples: int, full: bool, tmp_path: Path) -> Callable[[], None]:
    """Any text as a design's name, technology, description, an unknown key, a
    component id or a flow name: every report keeps its shape (check_outcome's
    assertions), and Markdown and HTML reviews parse without HTML from the text."""
    from archlint.views.review import build_review
    from archlint.views.review_html import render as review_html
    from archlint.views.review_markdown import render as review_markdown

    @sized(examples, full)
    @given(text=st.text(max_size=30), where=st.sampled_from(["name", "tech", "description", "key", "id", "flow"]))
    def prop(text: str, where: str) -> None:
        value = json.dumps(text)  # a YAML double-quoted scalar holds any text
        design = {
            "name": f"archlint: 1\nname: {value}\ncomponents:\n  api: {{kind: service}}\n",
            "tech": f"archlint: 1\nname: n\ncomponents:\n  api: {{kind: service, tech: {value}}}\n",
            "description": f"archlint: 1\nname: n\ndescription: {value}\ncomponents:\n  api: {{kind: service}}\n",
            "key": f"archlint: 1\nname: n\ncomponents:\n  api: {{kind: service, {value}: 1}}\n",
            "id": f"archlint: 1\nname: n\ncomponents:\n  {value}: {{kind: service}}\n",
            "flow": (f"archlint: 1\nname: n\ncomponents:\n  api: {{kind: service}}\n"
                     f"flows:\n  {value}: {{rate: 1/s, steps: [api]}}\n"),
        }[where]
        findings = check_outcome(tmp_path, "design.arch.yaml", design.encode("utf-8"))
        if any(f.code.startswith("INP") for f in findings):
            return
        result = check_file(str(tmp_path / "design.arch.yaml"), "design.arch.yaml", SETTINGS, CATALOG)
        from archlint.commands.review import views

        designs = [(checked, *views(checked, SETTINGS, result.findings)) for checked in result.designs]
        review = build_review(result.name, designs, result.findings, SETTINGS.rule_set().metas)
        rendered = MARKDOWN.render(review_markdown(review))
        assert "<img" not in rendered and "<script" not in rendered.lower() and "<a " not in rendered
        for line in review_markdown(review).split("\n"):
            assert not line.startswith("::") and "\x1b" not in line
        page = review_html(review)
        assert page.lower().count("<script") == 0

    return prop


PROPERTIES = {
    # name: (property, cases in the default run, cases in the fuzz run)
    "valid-designs": (valid_designs, 70, 3500),
    "mutated-designs": (mutated_designs, 40, 2500),
    "mutated-data": (mutated_data, 40, 2000),
    "mutated-seeds": (mutated_seeds, 50, 2500),
    "file-trees": (file_trees, 15, 300),
    "failing-writes": (failing_writes, 30, 1000),
    "concurrent-writes": (concurrent_writes, 5, 100),
    "injected-strings": (injected_strings, 40, 1500),
}


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property_sample(tmp_path, name):
    build, sample, _ = PROPERTIES[name]
    build(sample, False, tmp_path)()


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property_fuzz(tmp_path, name):
    # In batches: hypothesis keeps every example of a run in memory (about 250 kB each
    # for designs), so one run of thousands would take gigabytes.
    build, _, full = PROPERTIES[name]
    remaining = scaled(full)
    while remaining > 0:
        batch = min(BATCH, remaining)
        build(batch, True, tmp_path)()
        remaining -= batch


def test_the_fuzz_run_has_at_least_10000_cases():
    assert sum(full for _, _, full in PROPERTIES.values()) >= 10_000
