"""The `check` pipeline for one run: files -> designs -> positioned, sorted findings.

Nothing here prints or exits; the CLI renders the returned `CheckResult`.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

from archlint.findings import SEVERITY_RANK, Finding
from archlint.load import Block, Limits, Source, read_source


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

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.files for finding in result.findings]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, fail_on: str) -> bool:
        threshold = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] <= threshold for f in self.findings)


def check_file(path: str, name: str, limits: Limits, catalog: Any) -> FileResult:
    # A design becomes hundreds of thousands of small objects and almost no cycles:
    # the cyclic collector would rescan them all many times over for nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _check_file(path, name, limits, catalog)
    finally:
        if paused:
            gc.enable()


def _check_file(path: str, name: str, limits: Limits, catalog: Any) -> FileResult:
    from archlint.validate import check_design  # pydantic models load on first use

    source = read_source(path, limits, display=name)
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
        for finding in findings:
            line, column = block.locate(finding.path)
            result.findings.append(finding.at(name, block.index, line, column))
    result.findings = dedupe(result.findings)
    return result


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


def run_check(files: list[tuple[str, str]], limits: Limits, catalog: Any) -> CheckResult:
    """Check each (path, display name); results keep the order of `files`."""
    result = CheckResult()
    for path, name in files:
        result.files.append(check_file(path, name, limits, catalog))
    return result
