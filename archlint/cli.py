"""The `archlint` command line: parses options and wires the pipeline's steps.

Heavy modules (pydantic models, reports, the JSON Schema) load inside the commands that
use them, so `archlint --version` and `archlint check` start fast.
"""

from __future__ import annotations

import os
import sys

import click

from archlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
BUG_URL = "https://github.com/archlint/archlint/issues"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="archlint", message="%(prog)s %(version)s")
def cli() -> None:
    """archlint: lint system designs written as YAML (architecture as code)."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True, file_okay=True))
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary line.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
    help="Lowest severity that makes the run fail (exit 1).",
)
def check(paths: tuple[str, ...], output_format: str, output: str | None, quiet: bool, fail_on: str) -> None:
    """Check design files, and directories holding *.arch.yaml, *.arch.yml or Markdown
    with `archlint` fences."""
    from archlint.catalog import load_catalog
    from archlint.check import FileSettings, run_check
    from archlint.discover import MissingPath, discover, display_name
    from archlint.load import Limits

    limits = Limits()
    try:
        files = discover(list(paths), limits.max_file_size)
    except MissingPath as missing:
        raise click.UsageError(f"path '{missing}' does not exist") from None
    if not files:
        click.echo(
            "archlint: no design files found (looked for *.arch.yaml, *.arch.yml and Markdown with "
            "archlint fences)",
            err=True,
        )
    settings = FileSettings(limits=limits, fail_on=fail_on)
    result = run_check([(path, display_name(path)) for path in files], lambda _path: settings, load_catalog())
    if output_format == "json":
        from archlint.report.json import render as render_json

        text = render_json(result)
    else:
        from archlint.report.text import render as render_text

        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_text(result, color=color, quiet=quiet)
    _emit(text, output)
    sys.exit(EXIT_INTERNAL if result.crashed else EXIT_FINDINGS if result.fails() else EXIT_CLEAN)


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
