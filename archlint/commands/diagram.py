"""`archlint diagram FILE`: a picture of a design, as PNG or SVG with icons, or as
Mermaid or DOT text. PNG and SVG are laid out by the bundled engine (graphviz-pure,
installed with archlint) unless `--engine system` or the configuration's
`diagram-engine: system` asks for the Graphviz on PATH.

Where the picture goes: PNG and SVG are written next to the design (`name.png`; for
block N of `rfc.md`, `rfc-N.png`) unless `-o` names a file; Mermaid and DOT are printed
unless `-o` names a file. `--write` puts the pictures into the Markdown file itself,
right after each block. With several designs (a Markdown file with several blocks),
`-o out.svg` writes `out-N.svg` for block N.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import Any

import click

from archlint.commands.common import (
    BUG_URL,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_USAGE,
    finish,
    one_file_settings,
    print_findings,
)
from archlint.commands.outputs import refuse_overlap, write_file
from archlint.formats.escape import code_fence, markdown_text, visible

FORMATS = ("png", "svg", "mermaid", "dot")
IMAGE_FORMATS = ("png", "svg")
SUFFIX = {"png": ".png", "svg": ".svg", "mermaid": ".mmd", "dot": ".dot"}
FORMAT_OF_SUFFIX = {".png": "png", ".svg": "svg", ".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot",
                    ".gv": "dot"}
DESIGN_SUFFIXES = (".arch.yaml", ".arch.yml", ".yaml", ".yml", ".md", ".markdown")
ORTHO_SLOW_AT = 300  # components from which `--splines ortho` takes Graphviz many seconds


class DiagramError(click.ClickException):
    """A problem with the command's environment or output (exit 2, no usage text)."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        from archlint.formats.escape import visible

        click.echo(f"archlint: {visible(self.format_message())}", err=True)


class GraphvizError(DiagramError):
    """The layout engine ran and failed on DOT we wrote: a bug on our side (exit 3)."""

    exit_code = EXIT_INTERNAL


@dataclass(frozen=True, slots=True)
class Drawing:
    """How to draw: the options that apply to every design of the file."""

    splines: str = "spline"
    direction: str = "auto"
    engine: Any = None  # archlint.render.engine.Engine; None when no engine is needed or found
    verbose: bool = False


@click.command("diagram")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default=None,
              help="Picture format. Default: from the -o suffix, else png.")
@click.option("-o", "--output", metavar="OUT",
              help="Write to OUT ('-' for standard output). Default: png/svg next to the design, "
                   "mermaid/dot to standard output.")
@click.option("--findings", is_flag=True,
              help="Run the checks and outline components and edges with findings by severity, with their codes.")
@click.option("--write", is_flag=True,
              help="Markdown: put each block's picture right after it, between archlint:diagram markers.")
@click.option("--splines", type=click.Choice(["spline", "ortho"]), default="spline", show_default=True,
              help="Edge routing for png/svg/dot; ortho is slow on large designs.")
@click.option("--block", type=click.IntRange(min=0), default=None, metavar="N",
              help="Markdown: draw only block N (0 is the first).")
@click.option("--direction", type=click.Choice(["auto", "LR", "TB"]), default="auto", show_default=True,
              help="Flow left to right (LR) or top to bottom (TB); auto draws LR unless the picture comes out "
                   "wider than 2.2:1, then TB if that is narrower.")
@click.option("--engine", type=click.Choice(["bundled", "system"]), default=None,
              help="Layout engine: bundled (graphviz-pure, installed with archlint) or system (Graphviz's dot "
                   "on PATH). Default: the configuration's diagram-engine, else bundled.")
@click.option("--collapse/--no-collapse", default=None,
              help="Draw each group (cluster) as one node with its counts: an overview. Default: only for designs "
                   "of more than 150 components.")
@click.option("--group", "group_name", metavar="NAME",
              help="Draw only the components of group NAME (a cluster's label: a `group`, a region, or a tier) "
                   "and the components they link to.")
@click.option("-v", "--verbose", is_flag=True, help="Say which engine drew each picture, its direction and time.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
def command(path: str, output_format: str | None, output: str | None, findings: bool, write: bool, splines: str,
            block: int | None, direction: str, engine: str | None, collapse: bool | None, group_name: str | None,
            verbose: bool, config_path: str | None) -> None:
    """Draw a design: PNG or SVG with icons, or Mermaid or DOT text."""
    from archlint.input.load import MARKDOWN_SUFFIXES

    gc.disable()  # a short-lived process building trees with almost no cycles
    picture_format = output_format or _format_of(output) or "png"
    markdown = path.lower().endswith(MARKDOWN_SUFFIXES)
    if write and not markdown:
        raise click.UsageError(f"--write updates Markdown files (.md, .markdown), and '{path}' is not one; "
                               f"use -o to choose where the picture goes")
    if write and picture_format == "dot":
        raise click.UsageError("--write puts Mermaid or a PNG/SVG picture into the Markdown file; "
                               "choose -f mermaid, png or svg")
    if write and output == "-":
        raise click.UsageError("--write writes the Markdown file; it cannot be combined with -o -")
    if not os.path.exists(path):
        raise click.UsageError(f"path '{path}' does not exist")
    inputs: list[tuple[str, str]] = []  # refused as outputs, before any work on the picture
    result, settings, rules = _check(path, findings, config_path, output, inputs)
    drawing = Drawing(splines, direction, _engine(engine or settings.diagram_engine, picture_format, direction),
                      verbose)
    problems = [f for f in result.findings if f.code.startswith("INP")]
    if problems:  # input problems: the same positioned errors as `check`, no picture
        print_findings(result, result.findings, rules)
        sys.exit(EXIT_FINDINGS)
    designs = _selected(result, block, path)
    models = [_shaped(_model(design, result, settings, findings), collapse, group_name) for design in designs]

    if write:
        _write_markdown(path, result.source.text, designs, models, picture_format, output, drawing, inputs)
    elif picture_format not in IMAGE_FORMATS and output in (None, "-"):
        if picture_format == "mermaid" and len(models) > 1:
            raise click.UsageError(
                f"'{path}' has {len(models)} designs and a Mermaid document holds one; choose one with --block N "
                f"(0 to {len(models) - 1}), or write them all with -o FILE.mmd (FILE-N.mmd for block N) or --write")
        click.echo("\n".join(_text(model, picture_format, drawing) for model in models), nl=False)
    elif output == "-":
        if len(models) != 1:
            raise click.UsageError(f"'{path}' has {len(models)} designs and -o - takes one; choose one with --block N")
        click.echo(_render(models[0], picture_format, drawing), nl=False)  # bytes go to the binary stream
    else:
        targets = _targets(path, designs, picture_format, output, markdown)
        _check_targets(targets, inputs, output)
        for model, target in zip(models, targets):
            write_file(target, _render(model, picture_format, drawing))
            click.echo(f"archlint: wrote {visible(target)}", err=True)
    crashed = [f for f in result.findings if f.code == "ENG001"]
    if crashed:  # the picture is drawn, but a rule crashed: say so, exit 3 as `check` does
        print_findings(result, crashed, rules)
        finish(EXIT_INTERNAL)
    finish(EXIT_CLEAN)


# --- checking ----------------------------------------------------------------------


def _check(path: str, findings: bool, config_path: str | None, output: str | None,
           inputs: list[tuple[str, str]]) -> tuple[Any, Any, Any]:
    """The check pipeline on the file with its settings: rules only for --findings. An
    -o naming the design or its configuration is refused first; `inputs` receives the
    files read, which no picture may replace."""
    from archlint.catalog import load_catalog
    from archlint.input.discover import display_name
    from archlint.run.pipeline import check_file

    outputs = [("-o", output)] if output not in (None, "-") else []
    settings, rules = one_file_settings(path, config_path, run_rules=findings, outputs=outputs, read=inputs,
                                        role="the design being drawn")
    return check_file(path, display_name(path), settings, load_catalog()), settings, rules


def _selected(result: Any, block: int | None, path: str) -> list[Any]:
    designs = result.designs
    if not designs:
        raise click.UsageError(f"'{path}' has no archlint block (a fence whose info string is `archlint`)")
    if block is None:
        return designs
    if block >= len(designs):
        raise click.UsageError(f"--block {block}: '{path}' has {len(designs)} design"
                               f"{'s' if len(designs) != 1 else ''} (blocks 0 to {len(designs) - 1})")
    return [designs[block]]


def _model(design: Any, result: Any, settings: Any, findings: bool) -> Any:
    from archlint.catalog import load_catalog
    from archlint.render.model import build_model
    from archlint.run.pipeline import design_terms

    terms = design_terms(design.design, design.graph, load_catalog(), settings, design.block.data)
    on_block = [f for f in result.findings if f.block == design.block.index] if findings else None
    return build_model(design.graph, terms, design.title, on_block)


def _shaped(model: Any, collapse: bool | None, group_name: str | None) -> Any:
    """The model as asked: one group and its neighbours, and/or the overview (by default
    only above the threshold, with a note saying so and how to get every component)."""
    from archlint.render.model import COLLAPSE_ABOVE, focus
    from archlint.render.model import collapse as overview

    if group_name is not None:
        try:
            model = focus(model, group_name)
        except KeyError:
            labels = ", ".join(f"'{cluster.label}'" for cluster in model.clusters) or "none"
            raise click.UsageError(f"--group {group_name!r}: {model.name} has no such group (groups: {labels})") \
                from None
        return overview(model) if collapse else model
    if collapse is None and len(model.nodes) > COLLAPSE_ABOVE and model.clusters:
        click.echo(f"archlint: note: {model.name} has {len(model.nodes)} components, more than {COLLAPSE_ABOVE}: "
                   f"drawn as an overview, one node per group; --group NAME draws one group, --no-collapse "
                   f"every component", err=True)
        return overview(model)
    return overview(model) if collapse else model


# --- rendering ---------------------------------------------------------------------


def _text(model: Any, picture_format: str, drawing: Drawing) -> str:
    from archlint.render import dot, mermaid

    rankdir = _text_direction(model, drawing)
    if picture_format == "mermaid":
        return mermaid.render(model, direction=rankdir)
    return dot.render(model, splines=drawing.splines, rankdir=rankdir)


def _text_direction(model: Any, drawing: Drawing) -> str:
    """LR or TB for Mermaid and DOT text: as asked, else measured by laying the plain
    DOT out with the engine (LR when no engine is at hand)."""
    if drawing.direction != "auto":
        return drawing.direction
    if drawing.engine is None:
        return "LR"
    from archlint.render import diagrams_png, dot
    from archlint.render.engine import LayoutFailed, layout

    started = time.perf_counter()
    try:
        picture = diagrams_png.choose_direction(
            lambda rankdir: layout(drawing.engine, dot.render(model, splines=drawing.splines, rankdir=rankdir),
                                   len(model.nodes)))
    except LayoutFailed as error:  # the text is still right in the default direction; say why when asked
        if drawing.verbose:
            click.echo(f"archlint: {model.name}: direction LR (measuring failed: {error})", err=True)
        return "LR"
    _say(drawing, model, picture, started)
    return picture.rankdir


def _render(model: Any, picture_format: str, drawing: Drawing) -> bytes:
    if picture_format not in IMAGE_FORMATS:
        return _text(model, picture_format, drawing).encode("utf-8")
    from archlint.render import diagrams_png, raster
    from archlint.render.engine import LayoutFailed, LayoutTooLarge

    _warn_if_slow(model, drawing.splines)
    started = time.perf_counter()
    try:
        data, picture = diagrams_png.render_image(model, picture_format, drawing.engine, drawing.splines,
                                                  drawing.direction)
    except (diagrams_png.DiagramsMissing, raster.RasterMissing) as error:
        raise DiagramError(str(error)) from None
    except LayoutTooLarge as error:
        raise DiagramError(f"{error}; draw a part of it (one block of a Markdown file with --block N, or a "
                           f"smaller design), or draw it as text with -f mermaid or -f dot, which need no layout") \
            from None
    except (LayoutFailed, raster.RasterFailed) as error:
        raise GraphvizError(f"{error}. This is a bug in archlint; please report it at {BUG_URL}") from None
    _say(drawing, model, picture, started)
    return data


def _say(drawing: Drawing, model: Any, picture: Any, started: float) -> None:
    if drawing.verbose:
        engine = drawing.engine
        click.echo(f"archlint: {model.name}: laid out by {engine.title}, {engine.version()} at {engine.program}; "
                   f"direction {picture.rankdir} ({picture.width:.0f} x {picture.height:.0f} pt, "
                   f"{picture.ratio:.2f}:1), {len(model.nodes)} nodes, {time.perf_counter() - started:.2f} s",
                   err=True)


def _warn_if_slow(model: Any, splines: str) -> None:
    if splines == "ortho" and len(model.nodes) >= ORTHO_SLOW_AT:
        click.echo(f"archlint: note: --splines ortho on {len(model.nodes)} components may take Graphviz "
                   f"minutes; the default (spline) takes seconds", err=True)


def _engine(name: str | None, picture_format: str, direction: str) -> Any:
    """The engine to lay pictures out with. PNG and SVG need one: its absence fails
    here, before any work. Mermaid and DOT text use it only to choose the direction."""
    from archlint.render import diagrams_png
    from archlint.render.engine import DEFAULT_ENGINE, EngineMissing, find_engine

    try:
        engine = find_engine(name or DEFAULT_ENGINE)
    except EngineMissing as error:
        if picture_format in IMAGE_FORMATS:
            raise DiagramError(str(error)) from None
        return None
    if picture_format in IMAGE_FORMATS:
        try:
            diagrams_png.require_icons()
        except diagrams_png.DiagramsMissing as error:
            raise DiagramError(str(error)) from None
    elif direction != "auto":
        return None
    return engine


# --- output ------------------------------------------------------------------------


def _format_of(output: str | None) -> str | None:
    if output is None or output == "-":
        return None
    return FORMAT_OF_SUFFIX.get(os.path.splitext(output)[1].lower())


def _stem(path: str) -> str:
    lower = path.lower()
    for suffix in DESIGN_SUFFIXES:
        if lower.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)]
    return path


def _targets(path: str, designs: list[Any], picture_format: str, output: str | None, markdown: bool) -> list[str]:
    """Where each design's picture goes: OUT as given for one design; otherwise the
    block's index before the suffix (`rfc-0.png`, `out-1.svg`)."""
    if output is not None and len(designs) == 1:
        return [output]
    if output is not None:
        base, suffix = os.path.splitext(output)
    else:
        base, suffix = _stem(path), SUFFIX[picture_format]
    if markdown or len(designs) > 1:
        return [f"{base}-{design.block.index}{suffix}" for design in designs]
    return [base + suffix]


def _check_targets(targets: list[str], inputs: list[tuple[str, str]], output: str | None) -> None:
    """Refuse, before drawing, a picture that would replace an input (the design, its
    configuration) or another picture, or that cannot be written."""
    flag = "-o" if output is not None else "the picture"
    refuse_overlap([(flag, target) for target in targets], inputs)
    for target in targets + ([output] if output is not None and os.path.isdir(output) else []):  # a folder: refused
        _check_writable(target)


def _check_writable(target: str) -> None:
    """Refuse an output we cannot write before spending time on the picture."""
    folder = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise DiagramError(f"cannot write '{target}': it is a folder")
    if not os.path.isdir(folder):
        raise DiagramError(f"cannot write '{target}': the folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(target) and not os.access(target, os.W_OK)):
        raise DiagramError(f"cannot write '{target}': permission denied")


def _write_markdown(path: str, text_read: str, designs: list[Any], models: list[Any], picture_format: str,
                    output: str | None, drawing: Drawing, inputs: list[tuple[str, str]]) -> None:
    """Put each design's picture right after its block: a Mermaid block, or a link to
    the PNG/SVG file written beside the Markdown (or where -o says). The blocks' lines
    are those of `text_read`: if the file no longer holds that text (an editor saved it
    meanwhile), nothing is written to it."""
    from archlint.commands.outputs import ChangedMeanwhile, digest
    from archlint.render import markdown as regions

    _check_writable(path)
    contents: list[list[str]] = []
    if picture_format == "mermaid":
        contents = [code_fence(_text(model, "mermaid", drawing).splitlines(), "mermaid") for model in models]
    else:
        targets = _targets(path, designs, picture_format, output, markdown=True)
        _check_targets(targets, inputs, output)
        folder = os.path.dirname(os.path.abspath(path))
        for model, target in zip(models, targets):
            write_file(target, _render(model, picture_format, drawing))
            click.echo(f"archlint: wrote {visible(target)}", err=True)
            link = os.path.relpath(os.path.abspath(target), folder).replace(os.sep, "/")
            contents.append([f"![{markdown_text(model.name)}]({_link_target(link)})"])
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise DiagramError(f"cannot read '{path}' again: {error.strerror or error}") from None
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = raw[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text != text_read:
        raise ChangedMeanwhile(f"'{path}' changed while archlint was drawing (saved by an editor or another run?); "
                               f"it was left as it is: run the command again")
    try:
        updated = regions.update(text, [(design.block, content) for design, content in zip(designs, contents)])
    except regions.MarkerError as error:
        raise DiagramError(f"{path}: {error}") from None
    if updated == text:
        click.echo(f"archlint: {visible(path)} is up to date", err=True)
        return
    write_file(path, bom + updated.encode("utf-8"), expected=digest(raw))
    count = len(contents)
    click.echo(f"archlint: updated {visible(path)} ({count} diagram{'s' if count != 1 else ''})", err=True)


def _link_target(link: str) -> str:
    """A relative file name as a Markdown link destination: as it is when plain, else
    in `<...>`, where only `<`, `>` and line breaks need escaping."""
    if re.fullmatch(r"[A-Za-z0-9._/-]+", link):
        return link
    return "<" + link.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A").replace("\r", "%0D") + ">"
