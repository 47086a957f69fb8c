"""The render model as Graphviz DOT text.

Two looks from one writer: plain DOT, with a shape per kind (what `-f dot` prints, for
people who run Graphviz themselves), and DOT with an icon above each label (what
`archlint.render.diagrams_png` hands to Graphviz for PNG and SVG). Pure text; nothing
here runs Graphviz.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from archlint.formats.escape import visible
from archlint.render.model import (
    DEAD_LETTERS,
    GROUP,
    SEVERITY_COLOURS,
    Cluster,
    Link,
    Node,
    RenderModel,
)

SPLINES = ("spline", "ortho")
RANKDIRS = ("LR", "TB")
# A font whose metrics the layout engines know (graphviz-pure has Arial's built in, and
# has none for `sans-serif`, where it would measure with Times); the PNG is drawn with
# Arimo itself (archlint.render.raster), so labels fit their boxes.
FONT = "Arimo"
INK, MUTED, LINE, FRAME, TINT = "#2D3436", "#636E72", "#7B8894", "#AEB6BE", "#F7F9FA"
ICON_POINTS = 64  # the icon's box, in points (1/72 inch)

# Shape by kind, for plain DOT.
_SHAPES: dict[str, str] = {
    "client": "oval",
    "dns": "hexagon",
    "cdn": "hexagon",
    "load_balancer": "hexagon",
    "api_gateway": "hexagon",
    "service": "box",
    "worker": "box3d",
    "function": "component",
    "external": "parallelogram",
    "database": "cylinder",
    "cache": "cylinder",
    "search": "cylinder",
    "object_storage": "cylinder",
    "queue": "cds",
    "stream": "cds",
    GROUP: "folder",
}


def render(model: RenderModel, *, splines: str = "spline", icons: Mapping[str, str] | None = None,
           rankdir: str = "LR") -> str:
    """DOT for the model. `icons` maps node ids to image files: given, every node is
    drawn as its icon over its label (nodes missing from it get no image). `rankdir`
    is the direction of the flow: LR (left to right) or TB (top to bottom)."""
    if splines not in SPLINES:
        raise ValueError(f"splines must be one of {', '.join(SPLINES)}, not {splines!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    out = [
        f"digraph {_quote(model.name)} {{",
        # newrank ranks the whole graph at once instead of cluster by cluster: on 1000
        # components with edge labels it lays out in about 1 s instead of about 20 s.
        (
            f"  graph [rankdir={rankdir}, newrank=true, splines={splines}, nodesep=0.6, ranksep=0.9, pad=0.3, "
            f"fontname={_quote(FONT)}, fontsize=16, fontcolor={_quote(INK)}, label={_heading(model)}, "
            "labelloc=t, labeljust=l];"
        ),
        f"  node [fontname={_quote(FONT)}, fontsize=12, fontcolor={_quote(INK)}, color={_quote(INK)}];",
        f"  edge [fontname={_quote(FONT)}, fontsize=10, fontcolor={_quote(MUTED)}, color={_quote(LINE)}];",
    ]
    by_id = {node.id: node for node in model.nodes}
    draw = (lambda node: _icon_node(node, icons.get(node.id))) if icons is not None else _plain_node
    for cluster in model.clusters:
        out.extend(_cluster(cluster, [draw(by_id[node_id]) for node_id in cluster.nodes]))
    out.extend(f"  {draw(by_id[node_id])}" for node_id in model.unclustered)
    label_key = "xlabel" if splines == "ortho" else "label"  # ortho edges cannot place labels
    out.extend(f"  {_edge(link, label_key)}" for link in model.links)
    out.append("}")
    return "\n".join(out) + "\n"


def _cluster(cluster: Cluster, nodes: list[str]) -> list[str]:
    return [
        f"  subgraph {cluster.id} {{",
        (
            f"    graph [label={_quote(cluster.label)}, labeljust=l, style=rounded, color={_quote(FRAME)}, "
            f"bgcolor={_quote(TINT)}, fontsize=12];"
        ),
        *(f"    {node}" for node in nodes),
        "  }",
    ]


def _plain_node(node: Node) -> str:
    attrs = {"label": _quote(_lines(node.lines)), "shape": _SHAPES.get(node.kind, "box")}
    if attrs["shape"] == "box":
        attrs["style"] = "rounded"
    if node.mark is not None:
        attrs.update(color=_quote(SEVERITY_COLOURS[node.mark.severity]), penwidth="3")
    return f"{node.id} [{_attrs(attrs)}];"


def _icon_node(node: Node, icon: str | None) -> str:
    """An HTML-like label: a fixed-size icon cell, then the label lines; outlined in
    its severity's colour when it has findings."""
    rows = []
    if icon is not None:
        rows.append(
            f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_POINTS}" HEIGHT="{ICON_POINTS}">'
            f'<IMG SRC="{html.escape(icon)}" SCALE="TRUE"/></TD></TR>'
        )
    rows.append(f"<TR><TD><B>{_html(node.title)}</B></TD></TR>")
    if node.summary:
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED}">{_html(node.summary)}</FONT></TD></TR>')
    if node.tech:
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED}">{_html(node.tech)}</FONT></TD></TR>')
    # An overview's group has no icon: a tinted box like the clusters it stands for.
    frame = f'BORDER="1" COLOR="{FRAME}" BGCOLOR="{TINT}" STYLE="ROUNDED"' if node.kind == GROUP else 'BORDER="0"'
    if node.mark is not None:
        colour = SEVERITY_COLOURS[node.mark.severity]
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{colour}">{_html(" ".join(node.mark.codes))}'
                    f"</FONT></TD></TR>")
        frame = f'BORDER="3" COLOR="{colour}" STYLE="ROUNDED"'
    table = f'<TABLE {frame} CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">{"".join(rows)}</TABLE>'
    return f"{node.id} [shape=plain, label=<{table}>];"


def _edge(link: Link, label_key: str) -> str:
    attrs: dict[str, str] = {}
    if link.kind == DEAD_LETTERS:
        attrs["style"] = "dotted"
    elif not link.sync:
        attrs["style"] = "dashed"
    if link.lines:
        attrs[label_key] = _quote(_lines(link.lines))
    if link.mark is not None:
        colour = _quote(SEVERITY_COLOURS[link.mark.severity])
        attrs.update(color=colour, fontcolor=colour, penwidth="2.5")
    suffix = f" [{_attrs(attrs)}]" if attrs else ""
    return f"{link.src} -> {link.dst}{suffix};"


def _heading(model: RenderModel) -> str:
    """The graph's label: the design's name, with the legend under it in small type when
    findings are drawn. In the label it takes no place in the layout and stays out of
    the picture's way, however large the picture."""
    if not model.legend:
        return _quote(model.name)
    rows = [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16">{_html(model.name)}</FONT></TD></TR>']
    marked = [(entry.severity, entry.text) for entry in model.legend if entry.severity is not None]
    if marked:
        cells = "".join(
            f'<TD BORDER="2" COLOR="{SEVERITY_COLOURS[severity]}" STYLE="ROUNDED">'
            f'<FONT POINT-SIZE="10">{_html(text)}</FONT></TD>'
            for severity, text in marked
        )
        rows.append(f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3"><TR>{cells}'
                    f"</TR></TABLE></TD></TR>")
    rows.extend(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{MUTED}">{_html(entry.text)}</FONT>'
                f"</TD></TR>" for entry in model.legend if entry.severity is None)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attrs.items())


def _lines(lines: tuple[str, ...]) -> str:
    """Label lines for a quoted DOT string: centred line breaks between them."""
    return "\n".join(lines)


def _shown(text: str) -> str:
    """User text with its control characters shown as escapes (`\\x1b`), line breaks
    kept: an escape byte is not allowed in the SVG that Graphviz writes from the DOT (the
    picture would not open) and must not reach a terminal printing the DOT."""
    return "\n".join(visible(line) for line in text.replace("\r\n", "\n").split("\n"))


def _html(text: str) -> str:
    """Text for an HTML-like label: control characters shown, markup escaped."""
    return html.escape(_shown(text))


def _quote(text: str) -> str:
    """A DOT double-quoted string; backslashes doubled so `\\n` and the like stay text,
    and each line break written as DOT's centred break."""
    escaped = _shown(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'
