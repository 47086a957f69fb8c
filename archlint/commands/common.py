"""What the commands share: exit codes, the fast exit, output files, dates, flags."""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BUG_URL = "https://github.com/archlint/archlint/issues"
FAST_EXIT = False  # set by archlint.cli.main(): a real process, not a test invoking the commands


def finish(code: int) -> None:
    """End a command that built large trees. In a real process, skip tearing the heap
    down object by object (a tenth of a second on a 10k-component design): flush the
    output, then leave at once."""
    if FAST_EXIT:
        # click.echo writes to these (click.get_text_stream, deprecated since click 8.5,
        # returned the same streams, or a new wrapper whose flush reaches the same buffers).
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)
    sys.exit(code)


def emit(text: str, output: str | None) -> None:
    """Write to FILE (atomically: archlint.commands.outputs), or to standard output when
    no file is given."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from archlint.commands.outputs import write_file

    write_file(output, text)


def today(value: str | None) -> _dt.date:
    """`--today`, else SOURCE_DATE_EPOCH, else today's UTC date (reproducible output)."""
    if value:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint="--today") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise click.UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return _dt.datetime.now(_dt.timezone.utc).date()


def load_factor(value: str) -> float:
    """`10x`, `10`, `0.5x` -> a positive multiple of today's load."""
    text = value.strip().lower().removesuffix("x").strip()
    try:
        factor = float(text)
    except ValueError:
        factor = 0.0
    if not factor > 0 or factor == float("inf"):
        raise click.BadParameter(f"{value!r} is not a multiple of today's load; write e.g. 10x or 0.5x",
                                 param_hint="--load")
    if not 1e-6 <= factor <= 1e6:  # past these, the figures' arithmetic would overflow
        raise click.BadParameter(f"{value!r} is out of range; write a multiple from 0.000001x to 1000000x",
                                 param_hint="--load")
    return factor


def print_findings(result: Any, findings: list[Any] | None = None, rules: Any = None) -> None:
    """One file's findings (its input problems, by default all) on standard error, as
    `check` prints them: for commands that make no output from an invalid design."""
    from archlint.formats.text import render
    from archlint.run.results import CheckResult, FileResult

    shown = FileResult(result.name, result.source, result.designs,
                       result.findings if findings is None else findings)
    color = sys.stderr.isatty() and not os.environ.get("NO_COLOR")  # no-color.org: a non-empty value
    checked = CheckResult(files=[shown], fail_on={result.name: "error"})
    if rules is not None:
        checked.rules = rules
    click.echo(render(checked, color=color), nl=False, err=True)


def resolve_settings(cli: Any, paths: list[str] | tuple[str, ...]) -> Any:
    """The settings step (archlint.run.settings.resolve) for a command: a configuration
    problem is a usage error; plugin warnings go to standard error once."""
    from archlint.run.config import ConfigError
    from archlint.run.settings import resolve

    try:
        settings = resolve(cli, paths)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    from archlint.formats.escape import visible

    for warning in settings.warnings:  # a plugin's error message is not ours: escaped
        click.echo(visible(warning), err=True)
    return settings


def one_file_settings(path: str, config_path: str | None, *, run_rules: bool = True, factor: float = 1.0,
                      config_for: str | None = None, outputs: Sequence[tuple[str, str]] = (),
                      read: list[tuple[str, str]] | None = None,
                      role: str = "the design being read") -> tuple[Any, Any]:
    """(FileSettings, RuleSet) for a command that reads one design: the settings step for
    its configuration (that of `config_for` when given: a temporary copy takes its
    original's), dated by `today()`. `outputs` (flag, path) that name the design or a
    file of its configuration are refused here, before the design is read; `read`, when
    given, receives those files as (what, path) for outputs known only later."""
    from archlint.commands.outputs import refuse_overlap
    from archlint.run.settings import CommandLine

    where = config_for or path
    cli = CommandLine(config_path=config_path, today=today(None), load_factor=factor, run_rules=run_rules)
    settings = resolve_settings(cli, [where])
    file_settings = settings.for_file(where)
    inputs = [(role, path)] + ([(role, config_for)] if config_for else []) + settings.finder.files_read()
    refuse_overlap(outputs, inputs)
    if read is not None:
        read.extend(inputs)
    return file_settings, settings.rules
