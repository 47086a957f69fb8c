"""`archlint check PATH...`: lint design files and directories."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click

from archlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    emit,
    finish,
    load_factor,
    resolve_settings,
)
from archlint.commands.common import today as today_of
from archlint.commands.outputs import refuse_overlap, same_file
from archlint.formats.escape import visible

# --format values; each is the module under archlint.formats that renders it.
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")

@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, file_okay=True))
@click.option(
    "--format", "formats", type=click.Choice(FORMATS), multiple=True,
    help="Output format (default text). Repeat it to write several reports in one run, each to the "
         "--output in the same position.",
)
@click.option(
    "-o", "--output", "outputs", type=click.Path(dir_okay=False, allow_dash=True), multiple=True, metavar="FILE",
    help="Write the report of the --format in the same position to FILE ('-' for standard output). A format "
         "with no --output of its own goes to standard output; only one may.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line (text format).")
@click.option("--show-suppressed", is_flag=True,
              help="Also list the findings the designs accept in lint.ignore, with their reasons (text format).")
@click.option("--statistics", is_flag=True, help="Count the findings of each code instead of listing them "
                                                 "(text format).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colours in the text format; auto: only on a terminal, and not when NO_COLOR is set.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Run only these rules (codes or prefixes, comma-separated).")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Run these rules too (e.g. an off-by-default rule).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules.")
@click.option("--option", "rule_option", multiple=True, metavar="CODE.NAME=VALUE", help="Set a rule option.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
    help="Lowest severity that makes the run fail (exit 1). Default: the configuration's, else error.",
)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
@click.option("--today", metavar="YYYY-MM-DD", help="The date suppressions' `until` is compared with.")
@click.option("--load", "load", default="1x", metavar="FACTOR",
              help="What-if scale for the quantitative rules: multiply every flow's rate, e.g. 10x.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings not recorded in FILE (made by `archlint baseline`).")
@click.option("--max-length", type=click.IntRange(min=0), default=65_000, show_default=True, metavar="N",
              help="Longest markdown report in characters, to fit a pull-request comment: past it, the summary "
                   "and the most important findings are kept. 0: no limit.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes. Default: one, or one per core when the files are many and large enough "
                   "to repay the workers; --jobs 1 checks in this process only.")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Keep the result cache in DIR (default: the configuration's cache-dir, else .archlint_cache).")
@click.option("--no-cache", is_flag=True, help="Check every file again: neither read nor write the result cache.")
def command(
    paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...], quiet: bool, statistics: bool,
    color: str, select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...],
    rule_option: tuple[str, ...], fail_on: str | None, config_path: str | None, today: str | None, load: str,
    baseline_path: str | None, jobs: int | None, show_suppressed: bool = False, max_length: int = 65_000,
    cache_dir: str | None = None, no_cache: bool = False,
) -> None:
    """Check design files, and directories holding *.arch.yaml, *.arch.yml or Markdown
    with `archlint` fences."""
    from archlint.input.discover import display_name
    from archlint.run.pipeline import run_check

    # A short-lived process that builds large trees with almost no cycles: the cyclic
    # collector would only rescan them (about 15% of a 10k-component check).
    gc.disable()
    reports = plan_reports(formats, outputs, statistics)
    baseline = _read_baseline(baseline_path)
    files, settings = prepare(paths, select, extend_select, ignore, rule_option, fail_on, config_path,
                              today_of(today), load_factor(load))
    inputs = read_inputs(files, settings)
    if baseline_path is not None:
        inputs.append(("the baseline", baseline_path))
    refuse_overlap([("--output", destination) for _, destination in reports if destination is not None], inputs)
    from archlint.commands import common

    left: list[Any] = []  # the last design, left to the fast exit (run_check's `leave`)
    with Progress() as progress:
        result = run_check([(path, display_name(path)) for path in files], settings.for_file, None,
                           jobs=jobs, progress=progress.update, rules=settings.rules,
                           cache=None if no_cache else result_cache(cache_dir, settings),
                           # only SARIF and baselines read node digests (0.3 s on 50k components)
                           digests=baseline_path is not None or any(fmt == "sarif" for fmt, _ in reports),
                           leave=left if common.FAST_EXIT else None)
    if baseline is not None and baseline_path is not None:  # a baseline is read only from a path
        from archlint.run.baseline import apply, stale_messages

        result, stale = apply(result, baseline, root=os.path.dirname(baseline_path) or ".")
        for line in stale_messages(stale, baseline_path):
            click.echo(visible(line), err=True)
    for output_format, destination in reports:
        colored = use_color(color, destination) and output_format == "text"
        write_report(render_report(output_format, result, color=colored, quiet=quiet, statistics=statistics,
                                   show_suppressed=show_suppressed, max_length=max_length),
                     destination, colored)
    finish(EXIT_INTERNAL if result.crashed else EXIT_FINDINGS if result.fails() else EXIT_CLEAN)


def prepare(
    paths: tuple[str, ...], select: tuple[str, ...], extend_select: tuple[str, ...], ignore: tuple[str, ...],
    rule_option: tuple[str, ...], fail_on: str | None, config_path: str | None, date: Any, factor: float = 1.0,
) -> tuple[list[str], Any]:
    """The files a check of `paths` covers, and the run's settings (archlint.run.settings):
    configuration problems are usage errors, raised before any output. Shared by `check`
    and `baseline`, so both see the same rules."""
    from archlint.input.discover import MissingPath, discover
    from archlint.input.load import Limits
    from archlint.run.config import ConfigError
    from archlint.run.settings import CommandLine

    cli = CommandLine(select=select, extend_select=extend_select, ignore=ignore, options=rule_option,
                      fail_on=fail_on, config_path=config_path, today=date, load_factor=factor)
    try:
        walk_warnings: list[str] = []
        found = discover(list(paths), Limits().max_file_size, walk_warnings)
    except MissingPath as missing:
        raise click.UsageError(f"path '{missing}' does not exist") from None
    for warning in walk_warnings:
        click.echo(visible(warning), err=True)
    settings = resolve_settings(cli, [path for path, _explicit in found])
    try:
        files = [path for path, explicit in found if explicit or not settings.config_for(path).excludes(path)]
        for path in files:
            settings.for_file(path)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    if not files:
        click.echo(
            "archlint: no design files found (looked for *.arch.yaml, *.arch.yml and Markdown with "
            "archlint fences)",
            err=True,
        )
    return files, settings


def result_cache(cache_dir: str | None, settings: Any) -> Any:
    """The run's result cache: --cache-dir, else the `cache-dir` of the configuration that
    applies to the working directory, else .archlint_cache there."""
    from archlint.run.cache import DEFAULT_DIR, ResultCache

    folder = cache_dir or settings.config_for(os.getcwd()).cache_dir or DEFAULT_DIR
    return ResultCache(folder)


def read_inputs(files: list[str], settings: Any) -> list[tuple[str, str]]:
    """Every file a run reads, as (what, path): the designs, the configurations and the
    rule packs. No output may name one of them."""
    return [("a design being checked", path) for path in files] + settings.finder.files_read()


def _read_baseline(path: str | None) -> Any:
    """The baseline document, read before any checking so a bad file is a usage error."""
    if path is None:
        return None
    from archlint.run.baseline import BaselineError, load

    try:
        return load(path)
    except BaselineError as error:
        raise click.UsageError(str(error)) from None


class Progress:
    """`checked 120/500 files` on standard error, only on a terminal and only once a run
    has taken more than a moment; erased when the run ends, so reports stay clean."""

    DELAY = 0.5  # seconds before the first line

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False
        self._enabled = sys.stderr.isatty()

    def update(self, done: int, total: int) -> None:
        if not self._enabled or total < 2 or self._clock() - self._start < self.DELAY:
            return
        sys.stderr.write(f"\rarchlint: checked {done}/{total} files")
        sys.stderr.flush()
        self._shown = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def plan_reports(formats: tuple[str, ...], outputs: tuple[str, ...], statistics: bool) -> list[tuple[str, str | None]]:
    """Pair each --format with the --output at the same position: (format, file), where
    None is standard output ('-', or no --output left for it). Anything that cannot
    pair up is a usage error, raised before any checking starts."""
    if len(outputs) > max(len(formats), 1):
        given = f"{len(formats)} --format value{'s' if len(formats) > 1 else ''}" if formats else "no --format"
        raise click.UsageError(
            f"{len(outputs)} --output values for {given}: each --output pairs with the --format in the same "
            f"position, so give one --format per --output"
        )
    formats = formats or ("text",)
    pairs = [(name, outputs[i] if i < len(outputs) and outputs[i] != "-" else None) for i, name in enumerate(formats)]
    to_stdout = [name for name, destination in pairs if destination is None]
    if len(to_stdout) > 1:
        example = " ".join(f"--format {name}" for name in formats) + " --output - " + " ".join(
            f"--output report.{name}" for name in formats[1:])
        both = "both" if len(to_stdout) == 2 else "all"
        raise click.UsageError(
            f"{' and '.join(f'--format {name}' for name in to_stdout)} would {both} write to standard output, "
            f"which takes one report: give all but one an --output FILE in the same position (e.g. {example})"
        )
    seen: list[str] = []
    for _, destination in pairs:
        if destination is not None:
            for other in seen:
                if same_file(destination, other):
                    how = "is given twice" if os.path.abspath(destination) == os.path.abspath(other) else \
                        f"and --output '{other}' name the same file"
                    raise click.UsageError(f"--output '{destination}' {how}; each report needs its own file")
            seen.append(destination)
    if statistics and "text" not in formats:
        raise click.UsageError("--statistics applies to the text format; add --format text")
    return pairs


def use_color(choice: str, destination: str | None) -> bool:
    """--color: `auto` colours only a terminal, and never when NO_COLOR is set (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return destination is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def render_report(output_format: str, result: Any, *, color: bool, quiet: bool, statistics: bool,
                  show_suppressed: bool = False, max_length: int = 0) -> str:
    """One report; each format's module is imported only when it is asked for."""
    module = importlib.import_module(f"archlint.formats.{output_format}")
    if output_format == "text":
        return module.render(result, color=color, quiet=quiet, statistics=statistics,
                             show_suppressed=show_suppressed)
    if output_format == "markdown":
        return module.render(result, max_length=max_length)
    return module.render(result)


def write_report(text: str, destination: str | None, color: bool) -> None:
    if destination is None and color:
        click.echo(text, nl=False, color=True)  # emit() would strip colours asked for into a pipe
    else:
        emit(text, destination)
