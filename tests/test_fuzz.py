"""Property-based fuzzing of the whole pipeline: load, validate, graph, every rule, the
check reports and the `estimate` figures.

Whatever the input, the outcome is a clean result or findings placed inside the file
(line and column from 1), never an exception, a hang or a crashed rule (ENG001).
Valid designs drawn from `strategies.designs()` must produce no input finding at all.

Two sizes of the same properties:

    pytest                      # about 200 cases, derandomised: the same ones every run
    pytest -m fuzz              # the dedicated run: over 10,000 cases, random each time
    ARCHLINT_FUZZ_SCALE=5 pytest -m fuzz    # five times as many

A failure prints the smallest input hypothesis found (`@reproduce_failure` replays
it); the `fuzz` run keeps failing examples in `.hypothesis/` and retries them first.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
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
    assert len(strict_json(reports["json"])["findings"]) == len(result.findings)
    if "sarif" in reports:
        strict_json(reports["sarif"])
    if "junit" in reports:
        ElementTree.fromstring(reports["junit"])
    for document in estimates:
        strict_json(document)
    return result.findings


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


PROPERTIES = {
    # name: (property, cases in the default run, cases in the fuzz run)
    "valid-designs": (valid_designs, 70, 3500),
    "mutated-designs": (mutated_designs, 40, 2500),
    "mutated-data": (mutated_data, 40, 2000),
    "mutated-seeds": (mutated_seeds, 50, 2500),
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
