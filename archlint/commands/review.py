"""`archlint review FILE`: a design-review report (Markdown, or self-contained HTML)
that walks the review framework step by step, with a summary and a verdict.

A Markdown file with several `archlint` blocks (an RFC) is reviewed as one document.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from typing import Any

import click

from archlint.commands.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    emit,
    finish,
    one_file_settings,
    print_findings,
)

FORMAT_OF_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


@click.command("review")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="FILE",
              help="Write the report to FILE: .md or .markdown for Markdown, .html or .htm for HTML. "
                   "Default: Markdown on standard output.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
@click.option("--max-length", type=click.IntRange(min=0), default=65_000, show_default=True, metavar="N",
              help="Longest Markdown report in characters, to fit a pull-request comment: past it, the summary "
                   "and the most important findings are kept. 0: no limit. HTML is never cut.")
def command(path: str, output: str | None, config_path: str | None, max_length: int = 65_000) -> None:
    """A review report of a design: what it covers and misses at each step of a design
    review, the findings and figures that belong there, and a readiness verdict."""
    from archlint.views.review import build_review

    gc.disable()
    report_format = _format_of(output)
    result, settings = checked(path, config_path, outputs=[("-o", output)] if output else ())
    designs = [(design, *views(design, settings, result.findings)) for design in result.designs
               if not design.block.sketch]
    if not designs:
        raise click.UsageError(f"'{path}' holds only sketches (`archlint sketch` fences): nothing to review")
    sketches = [(design, views(design, settings, None)[1]) for design in result.designs if design.block.sketch]
    judged = [f for f in result.findings if f.block not in {design.block.index for design, _ in sketches}]
    review = build_review(result.name, designs, judged, settings.rule_set().metas, sketches, result.suppressed)
    if report_format == "html":
        from archlint.render.inline_svg import inline_svg
        from archlint.views.review_html import render as render_html

        engine = settings.diagram_engine  # the configuration's `diagram-engine`, as `diagram` uses it
        emit(render_html(review, [inline_svg(design.model, engine) for design in review.designs],
                         [inline_svg(sketch.model, engine) for sketch in review.sketches]), output)
    else:
        from archlint.views.review_markdown import render as render_markdown

        emit(render_markdown(review, max_length), output)
    finish(EXIT_CLEAN)


def _format_of(output: str | None) -> str:
    if output is None or output == "-":
        return "markdown"
    suffix = os.path.splitext(output)[1].lower()
    if suffix not in FORMAT_OF_SUFFIX:
        raise click.BadParameter(f"cannot tell the report format from '{output}'; end it in .md, .markdown, "
                                 f".html or .htm", param_hint="-o")
    return FORMAT_OF_SUFFIX[suffix]


def checked(path: str, config_path: str | None, name: str | None = None,
            config_for: str | None = None, outputs: Sequence[tuple[str, str]] = ()) -> tuple[Any, Any]:
    """The check pipeline, rules included, on one file with its configuration (that of
    `config_for` when given: a temporary copy takes its original's). Input problems
    print the same positioned errors as `check` and exit 1. `outputs` (flag, path)
    naming the design or its configuration are refused first."""
    from archlint.catalog import load_catalog
    from archlint.input.discover import display_name
    from archlint.run.pipeline import check_file

    if not os.path.exists(path):
        raise click.UsageError(f"path '{path}' does not exist")
    settings, rules = one_file_settings(path, config_path, config_for=config_for, outputs=outputs)
    result = check_file(path, name or display_name(path), settings, load_catalog())
    problems = [f for f in result.findings if f.code.startswith("INP")]
    if problems or any(design.graph is None for design in result.designs):
        print_findings(result, problems or result.findings, rules)
        finish(EXIT_FINDINGS)
    if not result.designs:
        raise click.UsageError(f"'{path}' has no archlint block (a fence whose info string is `archlint`)")
    return result, settings


def views(design: Any, settings: Any, findings: list[Any] | None) -> tuple[Any, Any, str]:
    """(Figures, RenderModel, title) of one checked design; the picture outlines the
    components with findings (None: a picture without findings or their legend)."""
    from archlint.catalog import load_catalog
    from archlint.render.model import build_model
    from archlint.run.pipeline import design_terms

    terms = design_terms(design.design, design.graph, load_catalog(), settings, design.block.data)
    title = design.title
    on_block = None if findings is None else [f for f in findings if f.block == design.block.index]
    return terms.figures, build_model(design.graph, terms, title, on_block), title
