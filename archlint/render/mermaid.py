"""The render model as a Mermaid flowchart: plain text that GitHub, GitLab and most
Markdown viewers draw, with nothing to install."""

from __future__ import annotations

import json
import re

from archlint.findings import SEVERITY_RANK
from archlint.render.model import SEVERITY_COLOURS, Link, Node, RenderModel

# Shape by kind: (opening, closing) around the quoted label.
_SHAPES: dict[str, tuple[str, str]] = {
    "client": ("([", "])"),
    "dns": ("{{", "}}"),
    "cdn": ("{{", "}}"),
    "load_balancer": ("{{", "}}"),
    "api_gateway": ("{{", "}}"),
    "service": ("[", "]"),
    "worker": ("[[", "]]"),
    "function": ("(", ")"),
    "external": ("[/", "/]"),
    "database": ("[(", ")]"),
    "cache": ("[(", ")]"),
    "search": ("[(", ")]"),
    "object_storage": ("[(", ")]"),
    "queue": (">", "]"),
    "stream": (">", "]"),
}

# Characters that would end a quoted label or be read as HTML, as Mermaid's numeric
# entity codes (`#` first of all, since it starts them).
# Mermaid's syntax characters and control characters (a line break would end the
# statement), each written as Mermaid's `#code;` entity.
_ESCAPED = re.compile('[#"<>`&\x00-\x1f\x7f-\x9f\u2028\u2029]')


def render(model: RenderModel, direction: str = "LR") -> str:
    """One Mermaid document (front matter and a flowchart), flowing LR or TB."""
    if direction not in ("LR", "TB"):
        raise ValueError(f"direction must be LR or TB, not {direction!r}")
    out = ["---", f"title: {json.dumps(model.name, ensure_ascii=False)}", "---", f"flowchart {direction}"]
    by_id = {node.id: node for node in model.nodes}
    for cluster in model.clusters:
        out.append(f'  subgraph {cluster.id}["{_escape(cluster.label)}"]')
        out.extend(f"    {_node(by_id[node_id])}" for node_id in cluster.nodes)
        out.append("  end")
    out.extend(f"  {_node(by_id[node_id])}" for node_id in model.unclustered)
    out.extend(f"  {_link(link)}" for link in model.links)
    legend_classes: dict[str, list[str]] = {}
    if model.legend:
        out.append('  subgraph legend["Legend"]')
        for number, entry in enumerate(model.legend, start=1):
            out.append(f'    legend_{number}["{_escape(entry.text)}"]')
            if entry.severity is not None:
                legend_classes.setdefault(entry.severity, []).append(f"legend_{number}")
        out.append("  end")
    out.extend(_styles(model, legend_classes))
    return "\n".join(out) + "\n"


def _node(node: Node) -> str:
    opening, closing = _SHAPES.get(node.kind, ("[", "]"))
    return f'{node.id}{opening}"{_label(node.lines)}"{closing}'


def _link(link: Link) -> str:
    arrow = "-->" if link.sync else "-.->"
    label = f'|"{_label(link.lines)}"|' if link.lines else ""
    return f"{link.src} {arrow}{label} {link.dst}"


def _styles(model: RenderModel, legend_classes: dict[str, list[str]]) -> list[str]:
    """Outlines by severity: a class per severity for nodes, linkStyle for edges (which
    Mermaid addresses by their position among the links)."""
    classes: dict[str, list[str]] = {}
    for node in model.nodes:
        if node.mark is not None:
            classes.setdefault(node.mark.severity, []).append(node.id)
    for severity, members in legend_classes.items():
        classes.setdefault(severity, []).extend(members)
    links: dict[str, list[str]] = {}
    for index, link in enumerate(model.links):
        if link.mark is not None:
            links.setdefault(link.mark.severity, []).append(str(index))
    lines = []
    for severity in sorted(classes, key=SEVERITY_RANK.__getitem__):
        colour = SEVERITY_COLOURS[severity]
        lines.append(f"  classDef sev_{severity} stroke:{colour},stroke-width:3px")
        lines.append(f"  class {','.join(classes[severity])} sev_{severity}")
    for severity in sorted(links, key=SEVERITY_RANK.__getitem__):
        colour = SEVERITY_COLOURS[severity]
        lines.append(f"  linkStyle {','.join(links[severity])} stroke:{colour},stroke-width:3px,color:{colour}")
    return lines


def _label(lines: tuple[str, ...]) -> str:
    return "<br/>".join(_escape(line) for line in lines)


def _escape(text: str) -> str:
    return _ESCAPED.sub(lambda match: f"#{ord(match.group())};", text)
