"""The `check` pipeline for one run: files -> designs -> positioned, sorted findings.

Nothing here prints or exits; the CLI renders the returned `CheckResult`.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any, Callable

from archlint.findings import SEVERITY_RANK, Finding
from archlint.load import Block, Limits, Source, read_source


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The effective settings for one file: its configuration file merged with the
    command line (see archlint.config)."""

    limits: Limits = field(default_factory=Limits)
    selection: Any = None  # archlint.engine.Selection; None = the defaults
    config_options: Any = field(default_factory=dict)
    cli_options: Any = field(default_factory=dict)
    today: Any = None  # datetime.date; None = today (UTC)
    fail_on: str = "error"
    run_rules: bool = True
    load_factor: float = 1.0  # what-if scale (`--load 10x`)
    zone_availability: float | None = None  # one zone's availability (configuration)


@dataclass(slots=True)
class DesignResult:
    """One design (a YAML file, or one Markdown block) after validation."""

    block: Block
    design: Any = None  # archlint.model.Design when it validated
    graph: Any = None  # archlint.graph.Graph when it has no input problem


@dataclass(slots=True)
class FileResult:
    name: str
    source: Source
    designs: list[DesignResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class CheckResult:
    files: list[FileResult] = field(default_factory=list)
    fail_on: dict[str, str] = field(default_factory=dict)  # file name -> its --fail-on

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.files for finding in result.findings]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self) -> bool:
        """Whether any file has a finding at or above its own fail-on severity."""
        for result in self.files:
            threshold = SEVERITY_RANK[self.fail_on.get(result.name, "error")]
            if any(SEVERITY_RANK[f.severity] <= threshold for f in result.findings):
                return True
        return False

    @property
    def crashed(self) -> bool:
        """A rule crashed (ENG001): the run is incomplete, exit 3."""
        return any(f.code == "ENG001" for f in self.findings)


def check_file(path: str, name: str, settings: FileSettings | Limits, catalog: Any) -> FileResult:
    # A design becomes hundreds of thousands of small objects and almost no cycles:
    # the cyclic collector would rescan them all many times over for nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        if isinstance(settings, Limits):
            settings = FileSettings(limits=settings)
        return _check_file(path, name, settings, catalog)
    finally:
        if paused:
            gc.enable()


def _check_file(path: str, name: str, settings: FileSettings, catalog: Any) -> FileResult:
    from archlint.validate import check_design  # pydantic models load on first use

    source = read_source(path, settings.limits, display=name)
    result = FileResult(name, source)
    if source.problem is not None:
        result.findings.append(source.problem)
        return result
    for block in source.blocks:
        design_result = DesignResult(block)
        result.designs.append(design_result)
        if block.problem is not None:
            problem = block.problem
            line, column = block.place(problem.line, problem.column)
            result.findings.append(
                Finding(problem.code, "error", problem.message, (), problem.hint, name, block.index, line, column)
            )
            continue
        design, graph, findings = check_design(block.data, catalog)
        design_result.design, design_result.graph = design, graph
        if graph is not None and settings.run_rules:
            findings = findings + _rule_findings(design, graph, catalog, settings, block.data)
        for finding in findings:
            line, column = block.locate(finding.path)
            result.findings.append(finding.at(name, block.index, line, column))
    result.findings = dedupe(result.findings)
    return result


def design_terms(design: Any, graph: Any, catalog: Any, settings: FileSettings, raw: Any = None) -> Any:
    """The derived terms of one design under these settings (archlint.analysis.Terms)."""
    from archlint.analysis import Terms

    return Terms(design, graph, catalog, raw, settings.load_factor, settings.zone_availability)


def _rule_findings(design: Any, graph: Any, catalog: Any, settings: FileSettings, raw: Any) -> list[Finding]:
    import datetime as dt

    from archlint.engine import RuleRun, Selection, run_rules
    from archlint.rulepack import builtin_rules
    from archlint.rules import builtin_checks

    run = RuleRun(
        terms=design_terms(design, graph, catalog, settings, raw),
        metas=builtin_rules(),
        checks=builtin_checks(),
        selection=settings.selection or Selection(),
        config_options=settings.config_options,
        cli_options=settings.cli_options,
        today=settings.today or dt.datetime.now(dt.timezone.utc).date(),
    )
    return run_rules(run)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Sorted by place and code, one finding per (block, code, path)."""
    seen: set[tuple[int, str, Any]] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.block, finding.code, finding.path if finding.path else (finding.line, finding.column))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def run_check(files: list[tuple[str, str]], settings_for: Callable[[str], FileSettings], catalog: Any) -> CheckResult:
    """Check each (path, display name) with its own settings; results keep the order of `files`."""
    result = CheckResult()
    for path, name in files:
        settings = settings_for(path)
        result.files.append(check_file(path, name, settings, catalog))
        result.fail_on[name] = settings.fail_on
    return result
