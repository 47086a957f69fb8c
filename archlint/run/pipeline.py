"""The `check` pipeline for one run: files -> designs -> positioned, sorted findings.

Nothing here prints or exits; the CLI renders the returned `CheckResult`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from archlint.findings import Finding
from archlint.input.load import Limits, Source, read_source, source_from_text
from archlint.rules.metadata import RuleSet, builtin_rule_set
from archlint.run.results import CheckResult, DesignResult, FileResult
from archlint.run.settings import FileSettings

if TYPE_CHECKING:
    from archlint.run.cache import ResultCache


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
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    rules: RuleSet | None = None,
    cache: ResultCache | None = None,
) -> CheckResult:
    """Check each (path, display name) with its own settings; results keep the order of
    `files` whatever `jobs` is (None: decide from the work, see `auto_jobs`).
    `progress(done, total)` is called after each file. `rules` is every rule of the run
    (what reports describe); default: the built-in ones. Each file's result is kept in
    its compact form (what reports read), and comes from `cache` when it holds it.
    `catalog` None: the built-in one, loaded only if a file is checked in this process."""
    result = CheckResult(rules=rules or builtin_rule_set())
    settings = [settings_for(path) for path, _name in files]
    results: list[FileResult | None] = [None] * len(files)
    slots: list[tuple[str, str] | None] = [None] * len(files)
    if cache is not None:
        for index, ((path, name), file_settings) in enumerate(zip(files, settings)):
            slots[index] = slot = cache.slot(path, name, file_settings)
            if slot is not None:
                results[index] = cache.load(*slot, name, _day(file_settings))
    pending = [index for index, found in enumerate(results) if found is None]
    done = len(files) - len(pending)
    if progress is not None and done:
        progress(done, len(files))
    workers = auto_jobs([files[index][0] for index in pending]) if jobs is None else jobs
    if workers > 1 and len(pending) > 1:
        checked: Iterable[FileResult] = _check_parallel([files[i] for i in pending], [settings[i] for i in pending],
                                                        workers)
    else:
        if catalog is None and pending:  # loaded only when a file is checked here, not for cache hits
            from archlint.catalog import load_catalog

            catalog = load_catalog()
        # No collection after the last file: nothing is checked after it, and the first
        # young collection of a process rescans everything imported meanwhile (pydantic,
        # the models, the rules: a tenth of a one-file check).
        last = pending[-1] if pending else -1
        checked = (_check_compact(*files[i], settings[i], catalog, collect=i != last) for i in pending)
    for index, file_result in zip(pending, checked):
        results[index] = file_result
        slot = slots[index]
        # The key was taken from the bytes read before the check: a file edited since
        # may have been checked in another version, so its result is not kept.
        if cache is not None and slot is not None and cache.slot(*files[index], settings[index]) == slot:
            cache.store(*slot, file_result, _day(settings[index]))
        done += 1
        if progress is not None:
            progress(done, len(files))
    for (_path, name), file_settings, finished in zip(files, settings, results):
        assert finished is not None
        result.files.append(finished)
        result.fail_on[name] = file_settings.fail_on
    return result


def _day(settings: FileSettings) -> str:
    """The date suppressions are compared with in this check (as `_rule_findings` takes it)."""
    import datetime as dt

    return (settings.today or dt.datetime.now(dt.timezone.utc).date()).isoformat()


# Parallel checking pays for its workers (a fork each, then sending results back) only
# past about this much serial work: about half a second of checking on one core.
PARALLEL_MIN_BYTES = 1_500_000
PARALLEL_BYTES_PER_WORKER = 750_000


def auto_jobs(paths: list[str]) -> int:
    """Workers for these files: one unless they are several and large enough together to
    repay a worker each, and never more than the cores this process may use."""
    if len(paths) < 2:
        return 1
    total = 0
    for path in paths:
        try:
            total += os.path.getsize(path)
        except OSError:
            pass
    if total < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(usable_cores(), len(paths), total // PARALLEL_BYTES_PER_WORKER))


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return os.cpu_count() or 1


def _check_compact(path: str, name: str, settings: FileSettings, catalog: Any, collect: bool = True) -> FileResult:
    """One file's compact result. The design's objects are freed by reference counting
    as the full result goes; a young-generation collection (unless `collect` is False)
    reclaims any cycles among them, cheaply, since only this file's survivors are young
    (the collector is off while a file is checked, so nothing else was promoted meanwhile)."""
    compact = check_file(path, name, settings, catalog).compact()
    if collect:
        gc.collect(0)
    return compact


def _check_parallel(files: list[tuple[str, str]], settings: list[FileSettings], jobs: int) -> Iterator[FileResult]:
    """Compact results in the order of `files`, each as soon as it and those before it are done."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start) as pool:
        futures = [pool.submit(_worker_check, path, name, file_settings)
                   for (path, name), file_settings in zip(files, settings)]
        for future in futures:  # in input order: the output stays deterministic
            yield future.result()


def _worker_start() -> None:
    gc.disable()


def _worker_check(path: str, name: str, settings: FileSettings) -> FileResult:
    """Check one file in a worker; only the compact result travels back."""
    from archlint.catalog import load_catalog

    return _check_compact(path, name, settings, load_catalog())
