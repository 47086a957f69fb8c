"""The `check` pipeline for one run: files -> designs -> positioned, sorted findings.

Nothing here prints or exits; the CLI renders the returned `CheckResult`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archlint.findings import Finding
from archlint.input.load import Limits, Source, parse_source, read_raw, read_source, source_from_text
from archlint.rules.metadata import RuleSet, builtin_rule_set
from archlint.run.results import CheckResult, DesignResult, FileResult
from archlint.run.settings import FileSettings

if TYPE_CHECKING:
    from archlint.run.cache import Entry, ResultCache


def check_file(path: str, name: str, settings: FileSettings | Limits, catalog: Any,
               source: Source | None = None) -> FileResult:
    """Check one file. `source`: the file as `read_raw` already read it (for the result
    cache's key), so its bytes are checked instead of reading the file again."""
    # A design becomes hundreds of thousands of small objects and almost no cycles:
    # the cyclic collector would rescan them all many times over for nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        if isinstance(settings, Limits):
            settings = FileSettings(limits=settings)
        return _check_file(path, name, settings, catalog, source)
    finally:
        if paused:
            gc.enable()


def _check_file(path: str, name: str, settings: FileSettings, catalog: Any, source: Source | None) -> FileResult:
    if source is None:
        source = read_source(path, settings.limits, display=name)
    else:
        source = parse_source(source, settings.limits)
    return check_source(source, settings, catalog)


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
    try:
        return evaluate_rules(run)
    finally:
        # The figures and the terms refer to each other: with that one link cut, the
        # design's objects all go by reference counting when the check is done, instead of
        # waiting for a collection that would traverse every one of them (about 0.4 s for
        # a 10k-component design in a run over many files), and they are gone before the
        # findings are placed and the reports written.
        run.terms.figures = None


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
    digests: bool = True,
    leave: list[Any] | None = None,
) -> CheckResult:
    """Check each (path, display name) with its own settings; results keep the order of
    `files` whatever `jobs` is (None: decide from the work, see `auto_jobs`).
    `progress(done, total)` is called after each file. `rules` is every rule of the run
    (what reports describe); default: the built-in ones. Each file's result is kept in
    its compact form (what reports read), and comes from `cache` when it holds it.
    `catalog` None: the built-in one, loaded only if a file is checked in this process.
    `digests` False: the run's reports read no node digest (no SARIF, no baseline), so
    the compact results keep none; a cache keeps them whatever this says.
    `leave`: the caller ends the process right after the run without tearing its heap
    down (archlint.commands.common.finish): the last file checked here leaves its full
    result (text, data, model, graph) in this list instead of freeing it object by object
    (about 0.3 s of CPU for a 50k-component design). Its figures are freed as usual, as
    soon as its rules are done: they are the larger part of its peak."""
    run = _Run(files, [settings_for(path) for path, _name in files], cache, catalog, progress,
               digests or cache is not None)
    # No collection after the last file checked here: nothing is checked after it, and
    # the first young collection of a process rescans everything imported meanwhile
    # (pydantic, the models, the rules: a tenth of a one-file check).
    if jobs == 1:  # one pass: each file is read once, looked up, and checked at once on a miss
        for index in range(len(files)):
            task = run.lookup(index, keep_bytes=True)
            if task is not None:
                last = index == len(files) - 1
                run.finish(task, run.check_here(task, collect=not last, leave=leave if last else None))
    else:
        # The bytes read for the keys are kept for a check here while they are too few to
        # repay workers; past that, workers read their files themselves.
        tasks: list[_Task] = []
        kept = 0
        for index in range(len(files)):
            task = run.lookup(index, keep_bytes=kept <= PARALLEL_MIN_BYTES)
            if task is not None:
                tasks.append(task)
                kept += len(task.source.raw or b"") if task.source is not None else 0
        workers = auto_jobs([files[task.index][0] for task in tasks]) if jobs is None else jobs
        if workers > 1 and len(tasks) > 1:
            for task in tasks[1:]:
                task.source = None
            # The first file is checked here: workers forked after it inherit the catalog,
            # the rules and the language's validators instead of each loading them again.
            run.finish(tasks[0], run.check_here(tasks[0], collect=False))
            for task, (file_result, same) in zip(tasks[1:], _check_parallel(tasks[1:], workers)):
                run.finish(task, (file_result, same))
        else:
            for task in tasks:
                last = task is tasks[-1]
                run.finish(task, run.check_here(task, collect=not last, leave=leave if last else None))
    result = CheckResult(rules=rules or builtin_rule_set())
    for (_path, name), file_settings, finished in zip(files, run.settings, run.results):
        assert finished is not None
        result.files.append(finished)
        result.fail_on[name] = file_settings.fail_on
    return result


@dataclass(slots=True)
class _Task:
    """A file to check: where it is in the run, what a worker needs, and its cache entry."""

    index: int
    path: str
    name: str
    settings: FileSettings
    source: Source | None = None  # the file as the cache lookup read it (bytes undecoded); None: read it
    entry: Entry | None = None  # where its result goes in the cache; None: not cached
    digests: bool = True  # whether its compact result keeps the findings' node digests


class _Run:
    """The state of one run_check: each file's settings and result, the cache, progress."""

    def __init__(self, files: list[tuple[str, str]], settings: list[FileSettings], cache: ResultCache | None,
                 catalog: Any, progress: Callable[[int, int], None] | None, digests: bool = True) -> None:
        self.files, self.settings, self.cache, self.catalog = files, settings, cache, catalog
        self.digests = digests
        self.results: list[FileResult | None] = [None] * len(files)
        self.progress = progress
        self.done = 0

    def lookup(self, index: int, keep_bytes: bool) -> _Task | None:
        """The file's result from the cache (then None), else the task of checking it.
        `keep_bytes`: the task keeps the bytes read for the key, for a check in this process."""
        (path, name), settings = self.files[index], self.settings[index]
        task = _Task(index, path, name, settings, digests=self.digests)
        if self.cache is not None:
            source, task.entry = self.cache.probe(path, name, settings)
            if task.entry is not None:
                found = self.cache.load(task.entry.slot, task.entry.key, name, _day(settings))
                if found is not None:
                    self.results[index] = found
                    self._advance()
                    return None
            task.source = source if keep_bytes else None
        return task

    def check_here(self, task: _Task, collect: bool = True,
                   leave: list[Any] | None = None) -> tuple[FileResult, bool]:
        if self.catalog is None:  # loaded only when a file is checked here, not for cache hits
            from archlint.catalog import load_catalog

            self.catalog = load_catalog()
        return _check_task(task, self.catalog, collect, leave)

    def finish(self, task: _Task, checked: tuple[FileResult, bool]) -> None:
        """Keep a file's result, and store it in the cache when it was checked from the
        bytes its key was taken from and the file has not changed since it was read."""
        file_result, same = checked
        self.results[task.index] = file_result
        entry = task.entry
        if self.cache is not None and entry is not None and same and self.cache.unchanged(task.path, entry):
            self.cache.store(entry.slot, entry.key, file_result, _day(task.settings))
        self._advance()

    def _advance(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.files))


def _check_task(task: _Task, catalog: Any, collect: bool = True,
                leave: list[Any] | None = None) -> tuple[FileResult, bool]:
    """The file's compact result, and whether it was checked from the very bytes its
    cache key was taken from (a file read again here is compared with the key).

    The design's objects are freed by reference counting as the full result goes; a
    young-generation collection (unless `collect` is False) reclaims any cycles among
    them, cheaply, since only this file's survivors are young (the collector is off
    while a file is checked, so nothing else was promoted meanwhile). With `leave`, the
    full result goes there instead (see `run_check`)."""
    source, same = task.source, True
    if source is None and task.entry is not None:
        from archlint.run.cache import content_key

        source = read_raw(task.path, task.settings.limits, task.name)
        same = source.raw is not None and content_key(task.entry.slot, source.raw) == task.entry.key
    task.source = None  # the bytes are the check's now: parse_source drops them once decoded
    full = check_file(task.path, task.name, task.settings, catalog, source)
    compact = full.compact(task.digests)
    if leave is not None:
        leave.append(full)
    del full
    if collect:
        gc.collect(0)
    return compact, same


def _day(settings: FileSettings) -> str:
    """The date suppressions are compared with in this check (as `_rule_findings` takes it)."""
    import datetime as dt

    return (settings.today or dt.datetime.now(dt.timezone.utc).date()).isoformat()


# Parallel checking pays for its workers (a fork each, then sending results back) only
# past about this much serial work: about half a second of checking on one core.
PARALLEL_MIN_BYTES = 1_500_000
PARALLEL_BYTES_PER_WORKER = 750_000
# Files go to workers in chunks of about this many bytes (at least one file): fewer
# messages than one a file, small enough that the last chunks still even out the workers.
CHUNK_BYTES = 160_000


def auto_jobs(paths: list[str]) -> int:
    """Workers for these files: one unless they are several and large enough together to
    repay a worker each, and never more than the cores this process may use."""
    if len(paths) < 2:
        return 1
    total = sum(_size(path) for path in paths)
    if total < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(usable_cores(), len(paths), total // PARALLEL_BYTES_PER_WORKER))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return os.cpu_count() or 1


def chunks(tasks: list[_Task], workers: int) -> list[list[_Task]]:
    """Consecutive tasks in chunks of about CHUNK_BYTES, and at least four chunks a worker
    while there are files enough, so that no worker waits long at the end."""
    sizes = [_size(task.path) for task in tasks]
    target = max(1, min(CHUNK_BYTES, sum(sizes) // (4 * workers)))
    grouped: list[list[_Task]] = []
    current: list[_Task] = []
    held = 0
    for task, size in zip(tasks, sizes):
        current.append(task)
        held += size
        if held >= target:
            grouped.append(current)
            current, held = [], 0
    if current:
        grouped.append(current)
    return grouped


def _check_parallel(tasks: list[_Task], jobs: int) -> Iterator[tuple[FileResult, bool]]:
    """_check_task's answers in the order of `tasks`, each as soon as it and those before
    it are done. On Linux the workers are forked, so they start with what this process
    has loaded; elsewhere they start afresh (the platform's default)."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    # What the workers inherit is kept out of their collections: their first young
    # collection does not rescan it, nor copy the pages it touches (the gc docs' advice).
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start) as pool:
            futures = [pool.submit(_worker_check, chunk) for chunk in chunks(tasks, jobs)]
            for future in futures:  # in input order: the output stays deterministic
                yield from future.result()
    finally:
        gc.unfreeze()


def _worker_start() -> None:
    gc.disable()


def _worker_check(tasks: list[_Task]) -> list[tuple[FileResult, bool]]:
    """Check a chunk of files in a worker; only the compact results travel back."""
    from archlint.catalog import load_catalog

    catalog = load_catalog()
    return [_check_task(task, catalog) for task in tasks]
