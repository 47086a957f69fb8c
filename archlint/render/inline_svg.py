"""A diagram as SVG to inline in a page (the HTML review): drawn with its icons by the
bundled engine (the overview above the diagram's threshold); None when it cannot be
drawn, and the page shows the Mermaid text instead."""

from __future__ import annotations

from typing import Any


def inline_svg(model: Any, engine_name: str | None = None) -> str | None:
    """The picture as SVG text, drawn by the engine named (None: the default), or None
    when that engine or the icons are missing or the layout fails."""
    from archlint.render import diagrams_png
    from archlint.render.engine import DEFAULT_ENGINE, EngineMissing, LayoutFailed, find_engine
    from archlint.render.model import COLLAPSE_ABOVE, collapse

    try:
        diagrams_png.require_icons()
        engine = find_engine(engine_name or DEFAULT_ENGINE)
        shown = collapse(model) if len(model.nodes) > COLLAPSE_ABOVE and model.clusters else model
        return diagrams_png.render_svg(shown, engine).svg
    except (diagrams_png.DiagramsMissing, EngineMissing, LayoutFailed):
        return None
