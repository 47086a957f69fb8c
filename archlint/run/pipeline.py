"""The `check` pipeline for one run: files -> designs -> positioned, sorted findings.

Nothing here prints or exits; the CLI renders the returned `CheckResult`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from archlint.findings import Finding
from archlint.input.load import Limits, Source, read_source, source_from_text
from archlint.rules.metadata import RuleSet, builtin_rule_set
from archlint.run.results import CheckResult, DesignResult, FileResult
from archlint.run.settings import FileSettings


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
    return check_source(read_source(path, settings.limits, display=name), settings, catalog)


def check_text(text: str, name: str, is_markdown: bool, settings: FileSettings, catalog: Any) -> FileResult:
    """Check text held in memory (an editor's unsaved buffer) as `check_file` checks a file."""
    return check_source(source_from_text(text, name, is_markdown, settings.limits), settings, catalog)


def check_source(source: Source, settings: FileSettings, catalog: Any) -> FileResult:
    """A file's designs, validated and (with settings.run_rules) linted; findings placed."""
    name = source.name
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
        if graph is not None and settings.run_rules and not block.sketch:
            findings = findings + _rule_findings(design, graph, catalog, settings, block.data)
        for finding in findings:
            line, column = block.locate(finding.path)
            result.findings.append(finding.at(name, block.index, line, column))
    everything = dedupe(result.findings)
    result.findings = [finding for finding in everything if finding.suppression is None]
    result.suppressed = [finding for finding in everything if finding.suppression is not None]
    return result


def check_design(data: Any, catalog: Any) -> tuple[Any, Any, list[Finding]]:
    """Validate plain data as a design and build its graph: (the model, the graph when
    the design has no input problem, the input problems)."""
    from archlint.analysis.graph import build_graph
    from archlint.analysis.hops import hop_findings
    from archlint.language.validate import suppression_findings, validate_design  # pydantic loads on first use

    design, kinds, techs, findings = validate_design(data, catalog)
    if design is None or findings:
        return design, None, findings
    graph = build_graph(design, kinds, techs)
    findings = list(hop_findings(design, graph)) + suppression_findings(design)
    return design, (None if findings else graph), findings


def design_terms(design: Any, graph: Any, catalog: Any, settings: FileSettings, raw: Any = None) -> Any:
    """The derived terms of one design under these settings (archlint.analysis.terms.Terms)."""
    from archlint.analysis import derive

    return derive(design, graph, catalog, raw, settings.load_factor, settings.zone_availability,
                  settings.region_availability)


def _rule_findings(design: Any, graph: Any, catalog: Any, settings: FileSettings, raw: Any) -> list[Finding]:
    import datetime as dt

    from archlint.run.engine import RuleRun, Selection, evaluate_rules

    rules = settings.rule_set()
    run = RuleRun(
        terms=design_terms(design, graph, catalog, settings, raw),
        metas=rules.metas,
        checks=rules.checks,
        selection=settings.selection or Selection(),
        config_options=settings.config_options,
        cli_options=settings.cli_options,
        today=settings.today or dt.datetime.now(dt.timezone.utc).date(),
    )
    return evaluate_rules(run)


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


def run_check(
    files: list[tuple[str, str]],
    settings_for: Callable[[str], FileSettings],
    catalog: Any,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    rules: RuleSet | None = None,
) -> CheckResult:
    """Check each (path, display name) with its own settings; results keep the order of
    `files` whatever `jobs` is. `progress(done, total)` is called after each file.
    `rules` is every rule of the run (what reports describe); default: the built-in ones."""
    result = CheckResult(rules=rules or builtin_rule_set())
    settings = [settings_for(path) for path, _name in files]
    if jobs > 1 and len(files) > 1:
        results = _check_parallel(files, settings, jobs, progress)
    else:
        results = []
        for index, ((path, name), file_settings) in enumerate(zip(files, settings)):
            results.append(check_file(path, name, file_settings, catalog))
            if progress is not None:
                progress(index + 1, len(files))
    for (_path, name), file_settings, file_result in zip(files, settings, results):
        result.files.append(file_result)
        result.fail_on[name] = file_settings.fail_on
    return result


def _check_parallel(files: list[tuple[str, str]], settings: list[FileSettings], jobs: int,
                    progress: Callable[[int, int], None] | None) -> list[FileResult]:
    from concurrent.futures import ProcessPoolExecutor

    results: list[FileResult | None] = [None] * len(files)
    done = 0
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start) as pool:
        futures = [pool.submit(_worker_check, path, name, file_settings)
                   for (path, name), file_settings in zip(files, settings)]
        for index, future in enumerate(futures):  # in input order: the output stays deterministic
            results[index] = future.result()
            done += 1
            if progress is not None:
                progress(done, len(files))
    return results  # type: ignore[return-value]


def _worker_start() -> None:
    gc.disable()


def _worker_check(path: str, name: str, settings: FileSettings) -> FileResult:
    """Check one file in a worker; the typed design and graph stay in the worker (reports
    need the findings, the text and the blocks' marks, which travel back)."""
    from archlint.catalog import load_catalog

    result = check_file(path, name, settings, load_catalog())
    for design in result.designs:
        design.design = design.graph = None
    return result
