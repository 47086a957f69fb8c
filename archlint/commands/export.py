"""`archlint export FORMAT DESIGN`: the design for other tools (Structurizr, LikeC4,
CALM, D2, C4-PlantUML)."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from archlint.commands.common import EXIT_FINDINGS, emit, finish, print_findings
from archlint.interop import EXPORT_FORMATS


@click.command("export")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@click.argument("path", metavar="DESIGN", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE (default: standard output).",
)
@click.option(
    "--findings",
    is_flag=True,
    help="Run the checks and carry each component's and link's findings as tags (metadata for calm).",
)
@click.option(
    "--block",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Markdown: export block N (0 is the first); required when the file holds several designs.",
)
def command(format_name: str, path: str, output: str | None, findings: bool, block: int | None) -> None:
    """Write DESIGN as calm (CALM architecture JSON), structurizr (Structurizr DSL),
    likec4 (LikeC4), d2 (D2) or plantuml (C4-PlantUML). Components, kinds,
    technologies, tiers, calls and asynchronous links with their protocols and
    descriptions map to each target's concepts."""
    from archlint.catalog import load_catalog
    from archlint.input.discover import display_name
    from archlint.run.pipeline import check_file
    from archlint.run.settings import FileSettings

    if output not in (None, "-"):
        import os

        if os.path.exists(output) and os.path.samefile(output, path):
            raise click.UsageError(f"'{output}' is the design itself; archlint never writes over its input")
    catalog = load_catalog()
    settings = FileSettings(run_rules=findings)
    result = check_file(path, display_name(path), settings, catalog)
    problems = [f for f in result.findings if f.code.startswith("INP")]
    if problems:
        print_findings(result, problems)
        finish(EXIT_FINDINGS)
        return
    designs = result.designs
    if block is not None:
        if block >= len(designs):
            raise click.UsageError(f"'{path}' has {len(designs)} design(s); --block {block} names none")
        designs = [designs[block]]
    elif len(designs) != 1:
        raise click.UsageError(f"'{path}' holds {len(designs)} designs; choose one with --block N")
    chosen = designs[0]
    on_block = [f for f in result.findings if f.block == chosen.block.index] if findings else None
    emit(_export(format_name, chosen, settings, catalog, on_block), output)
    if output not in (None, "-"):
        click.echo(f"archlint: wrote {output}", err=True)
    sys.stdout.flush()


def _export(format_name: str, chosen: Any, settings: Any, catalog: Any, findings: list[Any] | None) -> str:
    design, graph = chosen.design, chosen.graph
    if format_name == "calm":
        from archlint.interop.calm import export

        codes: dict[str, list[str]] = {}
        for finding in findings or []:
            if len(finding.path) >= 2 and finding.path[0] == "components":
                codes.setdefault(str(finding.path[1]), [])
                if finding.code not in codes[str(finding.path[1])]:
                    codes[str(finding.path[1])].append(finding.code)
        return export(design, graph, {cid: sorted(found) for cid, found in codes.items()})
    from archlint.render.model import build_model
    from archlint.run.pipeline import design_terms

    terms = design_terms(design, graph, catalog, settings, chosen.block.data)
    model = build_model(graph, terms, design.name, findings)
    descriptions = {cid: " ".join(c.description.split()) for cid, c in design.components.items() if c.description}
    return importlib.import_module(f"archlint.interop.{format_name}").export(model, descriptions)
