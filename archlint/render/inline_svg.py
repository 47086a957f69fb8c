"""A diagram as SVG to inline in a page (the HTML review): drawn by Graphviz's `dot`
when it is installed; None otherwise, and the page shows the Mermaid text instead."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

DOT_TIMEOUT = 45  # seconds (diagram's LAYOUT_TIMEOUT); a picture is not worth hanging the report for


def inline_svg(model: Any) -> str | None:
    """The picture as inline SVG, or None when `dot` is missing or fails."""
    from archlint.render import dot
    from archlint.render.diagrams_png import LAYOUT_MAX_NODES

    program = shutil.which("dot")
    if program is None or len(model.nodes) > LAYOUT_MAX_NODES:  # too large to lay out in time: Mermaid text
        return None
    try:
        done = subprocess.run([program, "-Tsvg"], input=dot.render(model).encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    svg = done.stdout.decode("utf-8", "replace")
    start = svg.find("<svg")
    if start < 0:
        return None
    # Drop the XML prolog, doctype and Graphviz's version comment: the page stays the
    # same whatever Graphviz release drew it, as far as the picture allows.
    return re.sub(r"<!--.*?-->\s*", "", svg[start:], flags=re.DOTALL).strip()
