"""`archlint baseline PATH... -o FILE`: record today's findings, so that a check with
this baseline fails only on new ones."""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from typing import Any

import click

from archlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    emit,
    finish,
)
from archlint.commands.common import today as today_of
from archlint.commands.outputs import refuse_overlap
from archlint.formats.escape import visible

DEFAULT_FILE = ".archlint-baseline.json"


@click.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True))
@click.option("-o", "--output", default=DEFAULT_FILE, show_default=True, type=click.Path(dir_okay=False),
              help="Write the baseline to FILE ('-' for standard output).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Run only these rules (codes or prefixes, comma-separated).")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Run these rules too (e.g. an off-by-default rule).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules.")
@click.option("--option", "rule_option", multiple=True, metavar="CODE.NAME=VALUE", help="Set a rule option.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
@click.option("--today", metavar="YYYY-MM-DD", help="The date suppressions' `until` is compared with.")
@click.option("--prune", is_flag=True,
              help="Drop the entries of files that no longer exist (with no PATHS: only that, nothing is checked).")
def command(
    paths: tuple[str, ...], output: str, select: tuple[str, ...], extend_select: tuple[str, ...],
    ignore: tuple[str, ...], rule_option: tuple[str, ...], config_path: str | None, today: str | None,
    prune: bool = False,
) -> None:
    """Record today's findings, so that later checks report only new ones.

    Writes the findings of PATHS to a baseline file; `archlint check --baseline FILE`
    then reports only findings that are not in it. Use the same selection options as
    the check. Input problems are never recorded. Entries of files not among PATHS are
    kept, so recording the files of one change leaves the others' entries alone;
    `--prune` drops the entries of files that no longer exist."""
    from archlint.catalog import load_catalog
    from archlint.formats.text import designs_counted
    from archlint.formats.text import render as render_text
    from archlint.input.discover import display_name
    from archlint.run import baseline
    from archlint.run.pipeline import run_check
    from archlint.run.results import CheckResult

    gc.disable()  # as in check: large trees, almost no cycles
    to_stdout = output == "-"
    root = "." if to_stdout else os.path.dirname(output) or "."
    previous = None
    if not to_stdout and os.path.exists(output):
        try:
            previous = baseline.load(output)
        except baseline.BaselineError as error:
            raise click.UsageError(f"{error}; not overwriting it (delete it, or choose another file with -o)") from None
    if not paths:
        if not prune:
            raise click.UsageError("give the files or folders to record (PATHS), or --prune to drop the entries "
                                   "of files that no longer exist")
        _prune_only(output, previous, root)
        return
    from archlint.commands.check import prepare

    files, settings = prepare(paths, select, extend_select, ignore, rule_option, None, config_path,
                              today_of(today))
    from archlint.commands.check import read_inputs

    refuse_overlap([("-o", output)], read_inputs(files, settings))
    result = run_check([(path, display_name(path)) for path in files], settings.for_file, load_catalog(),
                       rules=settings.rules)

    document = baseline.record(result, root)
    kept: list[baseline.Entry] = []
    pruned: list[baseline.Entry] = []
    if previous is not None:
        survivors, pruned = baseline.prune(previous, root) if prune else (previous, [])
        kept = baseline.carried_over(survivors, result, root)
        document = baseline.document_of([*baseline.entries(document), *kept])
    emit(baseline.render(document), output)
    recorded = len(document["findings"]) - len(kept)
    lines = [f"Recorded {_plural(recorded, 'finding')} of {_plural(len(result.files), 'file')} "
             f"({designs_counted(result)}) in {'standard output' if to_stdout else output}"]
    if previous is not None:
        unmatched, dropped = baseline.apply(result, previous, root)
        added = sum(baseline.recordable(finding) for finding in unmatched.findings)
        lines[0] += f": {added} new, {len(dropped)} no longer found"
        lines += [f"  no longer found: {entry.file}: {entry.code} at {entry.path}" for entry in dropped]
    lines[0] += "."
    if kept:
        files_kept = len({entry.file for entry in kept})
        lines.append(f"Kept {_plural(len(kept), 'entry')} of {_plural(files_kept, 'file')} not checked in this run.")
    if pruned:
        lines.append(_pruned_line(pruned))
    click.echo("\n".join(visible(line) for line in lines), err=to_stdout)

    refused = [finding for finding in result.findings if not baseline.recordable(finding)]
    if refused:
        click.echo(
            f"archlint: {_plural(len(refused), 'finding')} not recorded: input problems and internal errors "
            f"cannot be baselined, fix them:", err=True,
        )
        refused_files = [
            replace(file_result, findings=[f for f in file_result.findings if not baseline.recordable(f)])
            for file_result in result.files
        ]
        click.echo(render_text(CheckResult(refused_files), quiet=True), err=True, nl=False)
    crashed = any(finding.code.startswith("ENG") for finding in refused)
    finish(EXIT_INTERNAL if crashed else EXIT_FINDINGS if refused else EXIT_CLEAN)




def _prune_only(output: str, previous: Any, root: str) -> None:
    """`archlint baseline --prune -o FILE`: the baseline without the entries of files
    that no longer exist; nothing is checked."""
    from archlint.run import baseline

    if previous is None:
        raise click.UsageError(f"--prune needs an existing baseline: '{output}' does not exist")
    document, gone = baseline.prune(previous, root)
    if gone:
        emit(baseline.render(document), output)
    click.echo(_pruned_line(gone) if gone else f"Nothing to prune: every file named in {output} exists.")
    finish(EXIT_CLEAN)


def _pruned_line(gone: list[Any]) -> str:
    files = sorted({entry.file for entry in gone})
    return (f"Pruned {_plural(len(gone), 'entry')} of {_plural(len(files), 'file')} that no longer exist: "
            + ", ".join(files) + ".")


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"
