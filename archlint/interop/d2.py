"""The design as D2 (d2lang.com): tiers as containers, components with a shape per
kind, calls as solid arrows and asynchronous links dashed, labels with protocol and
peak rate; with findings, outlines in the colour of the worst one. A pure function of
the render model: the same design gives the same bytes."""

from __future__ import annotations

import json

from archlint.formats.escape import visible
from archlint.render.model import SEVERITY_COLOURS, Link, Node, RenderModel

SHAPES = {
    "client": "person",
    "dns": "cloud",
    "cdn": "cloud",
    "load_balancer": "hexagon",
    "api_gateway": "hexagon",
    "service": "rectangle",
    "worker": "rectangle",
    "function": "oval",
    "external": "page",
    "database": "cylinder",
    "cache": "cylinder",
    "search": "cylinder",
    "object_storage": "stored_data",
    "queue": "queue",
    "stream": "queue",
}


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a D2 double-quoted string: \n and \" escapes


def export(model: RenderModel, descriptions: dict[str, str]) -> str:
    out = [
        f"# {visible(model.name)}: exported by archlint export d2",  # one line: the comment stays one
        f"title: {_text(model.name)} {{shape: text; near: top-center; style.font-size: 28}}",
        "direction: right",
        "",
    ]
    by_id = {node.id: node for node in model.nodes}
    where: dict[str, str] = {}
    for cluster in model.clusters:
        out.append(f"{cluster.id}: {_text(cluster.label)} {{")
        for node_id in cluster.nodes:
            out += [f"  {line}" for line in _node(by_id[node_id], descriptions)]
            where[node_id] = f"{cluster.id}.{node_id}"
        out.append("}")
    for node_id in model.unclustered:
        out += _node(by_id[node_id], descriptions)
        where[node_id] = node_id
    out.append("")
    out += [_link(link, where) for link in model.links]
    return "\n".join(out) + "\n"


def _node(node: Node, descriptions: dict[str, str]) -> list[str]:
    lines = [f"{node.id}: {_text(chr(10).join(node.lines))} {{", f"  shape: {SHAPES.get(node.kind, 'rectangle')}"]
    if node.component in descriptions:
        lines.append(f"  tooltip: {_text(descriptions[node.component])}")
    if node.mark is not None:
        lines.append(f"  style.stroke: {_text(SEVERITY_COLOURS[node.mark.severity])}")
        lines.append("  style.stroke-width: 3")
    lines.append("}")
    return lines


def _link(link: Link, where: dict[str, str]) -> str:
    label = f": {_text(chr(10).join(link.lines))}" if link.lines else ""
    styles = []
    if not link.sync:
        styles.append("style.stroke-dash: 4")
    if link.mark is not None:
        styles.append(f"style.stroke: {_text(SEVERITY_COLOURS[link.mark.severity])}")
    body = f" {{{'; '.join(styles)}}}" if styles else ""
    return f"{where[link.src]} -> {where[link.dst]}{label}{body}"
