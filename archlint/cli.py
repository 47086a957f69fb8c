"""The `archlint` command line: parses options and wires the pipeline's steps.

Heavy modules (pydantic models, reports, the JSON Schema) load inside the commands that
use them, so `archlint --version` and `archlint check` start fast.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import sys
from typing import Any

import click

from archlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_FAST_EXIT = False  # set by main(): a real process, not a test invoking the commands


def _finish(code: int) -> None:
    """End a command that built large trees. In a real process, skip tearing the heap
    down object by object (a tenth of a second on a 10k-component design): flush the
    output, then leave at once."""
    if _FAST_EXIT:
        for stream in (click.get_text_stream("stdout"), click.get_text_stream("stderr"), sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)
    sys.exit(code)
BUG_URL = "https://github.com/archlint/archlint/issues"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="archlint", message="%(prog)s %(version)s")
def cli() -> None:
    """archlint: lint system designs written as YAML (architecture as code)."""


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeatable, comma-separated flag values: `--select RES,OBS --select ARC001`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _today(value: str | None) -> _dt.date:
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, file_okay=True))
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line.")
@click.option("--select", multiple=True, metavar="CODES", help="Run only these rules (codes or prefixes, comma-separated).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Run these rules too (e.g. an off-by-default rule).")
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
def check(
    paths: tuple[str, ...], output_format: str, output: str | None, quiet: bool, select: tuple[str, ...],
    extend_select: tuple[str, ...], ignore: tuple[str, ...], rule_option: tuple[str, ...], fail_on: str | None,
    config_path: str | None, today: str | None, load: str,
) -> None:
    """Check design files, and directories holding *.arch.yaml, *.arch.yml or Markdown
    with `archlint` fences."""
    from archlint.catalog import load_catalog
    from archlint.check import run_check
    from archlint.config import ConfigError, ConfigFinder, parse_option_flags, selectors
    from archlint.discover import MissingPath, discover, display_name
    from archlint.load import Limits
    from archlint.rulepack import builtin_rules

    # A short-lived process that builds large trees with almost no cycles: the cyclic
    # collector would only rescan them (about 15% of a 10k-component check).
    gc.disable()
    metas = builtin_rules()
    date = _today(today)
    factor = _load_factor(load)
    try:
        cli_select = selectors(list(_split(select)), "--select", metas) if select else None
        cli_extend = selectors(list(_split(extend_select)), "--extend-select", metas)
        cli_ignore = selectors(list(_split(ignore)), "--ignore", metas)
        cli_options = parse_option_flags(rule_option, metas)
        finder = ConfigFinder(metas, config_path)
        files = [
            path for path, explicit in discover(list(paths), Limits().max_file_size)
            if explicit or not finder.for_file(path).excludes(path)
        ]
        settings_for = _settings_factory(finder, cli_select, cli_extend, cli_ignore, cli_options, fail_on, date,
                                         factor)
        for path in files:
            settings_for(path)  # report configuration errors before any output
    except MissingPath as missing:
        raise click.UsageError(f"path '{missing}' does not exist") from None
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    if not files:
        click.echo(
            "archlint: no design files found (looked for *.arch.yaml, *.arch.yml and Markdown with "
            "archlint fences)",
            err=True,
        )
    result = run_check([(path, display_name(path)) for path in files], settings_for, load_catalog())
    if output_format == "json":
        from archlint.report.json import render as render_json

        text = render_json(result)
    else:
        from archlint.report.text import render as render_text

        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(result, color=color, quiet=quiet)
    _emit(text, output)
    _finish(EXIT_INTERNAL if result.crashed else EXIT_FINDINGS if result.fails() else EXIT_CLEAN)


def _settings_factory(finder: Any, select: Any, extend: Any, ignore: Any, options: Any, fail_on: Any, today: Any,
                      load_factor: float = 1.0) -> Any:
    """Per-file settings: the file's configuration, then the command line on top."""
    from archlint.check import FileSettings
    from archlint.engine import Selection

    cache: dict[str, FileSettings] = {}
    warned: set[str] = set()

    def settings_for(path: str) -> FileSettings:
        config = finder.for_file(path)
        if config.rule_packs and config.path not in warned:
            warned.add(config.path)
            click.echo(f"archlint: {config.path}: rule-packs are not supported yet; ignoring them", err=True)
        per_file = config.ignored_for(path)
        key = f"{config.path}|{','.join(per_file)}"
        if key not in cache:
            cache[key] = FileSettings(
                limits=config.limits,
                selection=Selection(
                    select=select if select is not None else config.select,
                    extend_select=config.extend_select + extend,
                    ignore=config.ignore + ignore + per_file,
                ),
                config_options=config.options,
                cli_options=options,
                today=today,
                fail_on=fail_on or config.fail_on or "error",
                load_factor=load_factor,
                zone_availability=config.zone_availability,
            )
        return cache[key]

    return settings_for


def _load_factor(value: str) -> float:
    """`10x`, `10`, `0.5x` -> a positive multiple of today's load."""
    text = value.strip().lower().removesuffix("x").strip()
    try:
        factor = float(text)
    except ValueError:
        factor = 0.0
    if not factor > 0 or factor != factor or factor == float("inf"):
        raise click.BadParameter(f"{value!r} is not a multiple of today's load; write e.g. 10x or 0.5x",
                                 param_hint="--load")
    return factor


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--load", "load", default="1x", show_default=True, metavar="FACTOR",
              help="What-if scale: multiply every flow's rate, e.g. 10x.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the figures to FILE.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
def estimate(path: str, load: str, output_format: str, output: str | None, config_path: str | None) -> None:
    """The back-of-envelope figures of a design, with their inputs: flow rates, load
    against capacity, availability, latency, storage growth, bandwidth."""
    from archlint.catalog import load_catalog
    from archlint.check import CheckResult, FileSettings, check_file, design_terms
    from archlint.config import ConfigError, ConfigFinder
    from archlint.discover import display_name
    from archlint.report import estimate as report
    from archlint.rulepack import builtin_rules

    gc.disable()
    factor = _load_factor(load)
    if not os.path.exists(path):
        raise click.UsageError(f"path '{path}' does not exist")
    try:
        config = ConfigFinder(builtin_rules(), config_path).for_file(path)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    settings = FileSettings(limits=config.limits, run_rules=False, load_factor=factor,
                            zone_availability=config.zone_availability)
    catalog = load_catalog()
    name = display_name(path)
    result = check_file(path, name, settings, catalog)
    if result.findings:  # input problems: the same positioned errors as `check`, no figures
        from archlint.report.text import render as render_text

        checked = CheckResult(files=[result], fail_on={name: "error"})
        click.echo(render_text(checked, color=sys.stderr.isatty() and "NO_COLOR" not in os.environ), nl=False,
                   err=True)
        sys.exit(EXIT_FINDINGS)
    texts, documents = [], []
    for design in result.designs:
        terms = design_terms(design.design, design.graph, catalog, settings, design.block.data)
        if output_format == "json":
            documents.append(report.as_data(name, design.design.name, design.block.index, terms.figures))
        else:
            texts.append(report.render_text(name, design.design.name, terms.figures))
    _emit(report.render_json(documents) if output_format == "json" else "\n".join(texts), output)
    _finish(EXIT_CLEAN)


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, severity and summary."""
    from archlint.report.rules import rules_json, rules_table
    from archlint.rulepack import builtin_rules

    metas = list(builtin_rules().values())
    click.echo(rules_json(metas) if output_format == "json" else rules_table(metas), nl=False)


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of one rule."""
    from archlint.engine import selector_problem
    from archlint.report.rules import explain_text
    from archlint.rulepack import builtin_rules

    metas = builtin_rules()
    meta = metas.get(code.upper())
    if meta is None:
        problem = selector_problem(code.upper(), metas) or f"'{code}' is a prefix, not one rule"
        raise click.UsageError(f"{problem}; `archlint rules` lists them all")
    click.echo(explain_text(meta), nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the design language."""
    from archlint.schema import schema_text

    click.echo(schema_text(), nl=False)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise click.UsageError(f"cannot write '{output}': {error.strerror or error}") from None


def main() -> None:
    """Entry point: click handles usage errors (exit 2); anything unexpected is a bug,
    reported in one line with no traceback (exit 3)."""
    global _FAST_EXIT
    _FAST_EXIT = True
    try:
        cli.main(prog_name="archlint", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("archlint: interrupted\n")
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        sys.stderr.write(
            f"archlint: internal error ({type(error).__name__}: {error}). This is a bug in archlint; "
            f"please report it at {BUG_URL} with the input that caused it.\n"
        )
        if os.environ.get("ARCHLINT_DEBUG"):
            raise
        sys.exit(EXIT_INTERNAL)
