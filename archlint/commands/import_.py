"""`archlint import FORMAT PATH...`: a design from what a team already has."""

from __future__ import annotations

import os
import sys

import click

from archlint.commands.common import BUG_URL, EXIT_FINDINGS, EXIT_INTERNAL, finish
from archlint.interop import IMPORT_FORMATS


@click.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(IMPORT_FORMATS))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write the design to FILE (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never one of the inputs).")
@click.option("--name", metavar="NAME", help="The design's name (default: from the input).")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    metavar="NAME",
    help="compose: import the services of this profile too (repeatable).",
)
def command(
    format_name: str,
    paths: tuple[str, ...],
    output: str | None,
    force: bool,
    name: str | None,
    profiles: tuple[str, ...],
) -> None:
    """Write a design from Compose files, Kubernetes manifests, a Backstage catalog or CALM JSON.

    Every value read from the input carries a `# from ...` comment naming its place;
    guesses are marked `# inferred, check`; what the input cannot say (targets,
    scale, flows, timeouts) is left as commented placeholders for `archlint check`
    to ask for. A summary of what was not mapped goes to standard error."""
    from archlint.interop.source import ImportProblem

    if output not in (None, "-"):
        _refuse_overwrite(output, paths, force)
    try:
        draft = build_draft(format_name, list(paths), name, profiles)
    except ImportProblem as problem:
        click.echo(str(problem), err=True)
        finish(EXIT_FINDINGS)
        return
    from archlint.interop.draft import write_design

    text = write_design(draft)
    _self_check(text)
    if output in (None, "-"):
        click.echo(text, nl=False)
    else:
        from archlint.commands.outputs import write_file

        try:  # atomically, and never through a link out of its folder, like every output
            write_file(output, text, exclusive=not force)
        except FileExistsError:
            raise click.UsageError(f"'{output}' already exists; pass --force to replace it") from None
    lines = draft.summary()
    if output not in (None, "-"):
        lines.append(f"Wrote {output}. Next: archlint check {output}")
    click.echo("\n".join(lines), err=True)


def build_draft(format_name: str, paths: list[str], name: str | None = None, profiles: tuple[str, ...] = ()):
    """The draft of FORMAT from PATHS; ImportProblem for unreadable input."""
    from archlint.catalog import load_catalog
    from archlint.input.load import Limits
    from archlint.interop.source import expand

    limits = Limits()
    catalog = load_catalog()
    if format_name == "compose":
        from archlint.interop.compose import import_compose

        return import_compose(expand(paths), limits, catalog, profiles, name)
    if format_name == "calm":
        from archlint.interop.calm import import_calm

        return import_calm(expand(paths), limits, catalog, name)
    if format_name == "backstage":
        from archlint.interop.backstage import import_backstage

        return import_backstage(expand(paths), limits, catalog, name)
    from archlint.interop.kubernetes import import_kubernetes

    return import_kubernetes(expand(paths), limits, catalog, name)


def _refuse_overwrite(output: str, paths: tuple[str, ...], force: bool) -> None:
    target = os.path.realpath(output)
    for path in paths:
        real = os.path.realpath(path)
        if target == real or (os.path.isdir(real) and target.startswith(real + os.sep) and os.path.exists(target)):
            raise click.UsageError(f"'{output}' is one of the inputs; archlint never writes over its input")
    if os.path.exists(output) and not force:
        raise click.UsageError(f"'{output}' already exists; pass --force to replace it")


def _self_check(text: str) -> None:
    """The written design must validate; if it does not, that is archlint's bug, said as
    such rather than left for the user to find."""
    from archlint.catalog import load_catalog
    from archlint.input.load import InputProblem, Limits, parse_yaml
    from archlint.run.pipeline import check_design

    try:
        data, _ = parse_yaml(text, Limits())
        problems = check_design(data, load_catalog())[2]
        detail = f"{problems[0].code} {problems[0].path_text}: {problems[0].message}" if problems else ""
    except InputProblem as problem:
        detail = f"{problem.code}: {problem.message}"
    if detail:
        sys.stderr.write(
            f"archlint: internal error: the imported design does not validate ({detail}). This is a "
            f"bug in archlint; please report it at {BUG_URL} with the input that caused it.\n"
        )
        finish(EXIT_INTERNAL)
