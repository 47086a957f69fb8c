"""`archlint estimate FILE`: the back-of-envelope figures, with their inputs."""

from __future__ import annotations

import gc
import os
import sys

import click

from archlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    emit,
    finish,
    load_factor,
    one_file_settings,
    print_findings,
)


@click.command("estimate")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--load", "load", default="1x", show_default=True, metavar="FACTOR",
              help="What-if scale: multiply every flow's rate, e.g. 10x.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the figures to FILE.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
def command(path: str, load: str, output_format: str, output: str | None, config_path: str | None) -> None:
    """The back-of-envelope figures of a design, with their inputs: flow rates, load
    against capacity, availability, latency, storage growth, bandwidth."""
    from archlint.catalog import load_catalog
    from archlint.input.discover import display_name
    from archlint.run.pipeline import check_file, design_terms
    from archlint.views import estimate as report

    gc.disable()
    factor = load_factor(load)
    if not os.path.exists(path):
        raise click.UsageError(f"path '{path}' does not exist")
    settings, rules = one_file_settings(path, config_path, run_rules=False, factor=factor,
                                        outputs=[("-o", output)] if output else ())
    catalog = load_catalog()
    name = display_name(path)
    result = check_file(path, name, settings, catalog)
    if result.findings:  # input problems: the same positioned errors as `check`, no figures
        print_findings(result, rules=rules)
        sys.exit(EXIT_FINDINGS)
    texts, documents = [], []
    for design in result.designs:
        if design.block.sketch:  # a sketch is checked for input problems only: no figures
            if output_format != "json":
                texts.append(f"{design.title} ({name}): a sketch, so no figures\n")
            continue
        terms = design_terms(design.design, design.graph, catalog, settings, design.block.data)
        if output_format == "json":
            documents.append(report.as_data(name, design.design.name, design.block.index, terms.figures))
        else:
            texts.append(report.render_text(name, design.design.name, terms.figures))
    emit(report.render_json(documents) if output_format == "json" else "\n".join(texts), output)
    finish(EXIT_CLEAN)
