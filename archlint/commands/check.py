"""`archlint check PATH...`: lint design files and directories."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from archlint.commands.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, emit, finish, load_factor, split
from archlint.commands.common import today as today_of

@click.command("check")
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
def command(
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
    date = today_of(today)
    factor = load_factor(load)
    try:
        cli_select = selectors(list(split(select)), "--select", metas) if select else None
        cli_extend = selectors(list(split(extend_select)), "--extend-select", metas)
        cli_ignore = selectors(list(split(ignore)), "--ignore", metas)
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
    emit(text, output)
    finish(EXIT_INTERNAL if result.crashed else EXIT_FINDINGS if result.fails() else EXIT_CLEAN)


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
