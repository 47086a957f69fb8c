"""The design as a LikeC4 model: an element kind per archlint kind (with its shape),
tiers as parent elements, components with their technology and description, links as
relationships of kind `calls` or `async`; findings as tags."""

from __future__ import annotations

from archlint.formats.escape import visible, visible_lines
from archlint.language.kinds import KINDS
from archlint.render.model import RenderModel

SHAPES = {
    "client": "person",
    "database": "storage",
    "cache": "storage",
    "search": "storage",
    "object_storage": "storage",
    "queue": "queue",
    "stream": "queue",
    "external": "rectangle",
    "function": "rectangle",
    "cdn": "rectangle",
    "dns": "rectangle",
    "load_balancer": "rectangle",
    "api_gateway": "rectangle",
    "service": "rectangle",
    "worker": "rectangle",
}


def _text(value: str) -> str:
    return "'" + visible_lines(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ") + "'"


def export(model: RenderModel, descriptions: dict[str, str]) -> str:
    codes = sorted({code for node in model.nodes if node.mark for code in node.mark.codes})
    out = ["// " + visible(model.name) + ": exported by archlint export likec4", "specification {"]
    out.append("  element tier")
    for kind in KINDS:
        out += [f"  element {kind} {{", "    style {", f"      shape {SHAPES[kind]}", "    }", "  }"]
    out += ["  relationship calls", "  relationship async {", "    line dashed", "  }"]
    out += [f"  tag {severity}" for severity in ("error", "warning", "info")]
    out += [f"  tag {code}" for code in codes]
    out += ["}", "", "model {"]
    by_id = {node.id: node for node in model.nodes}
    fqn: dict[str, str] = {}
    for cluster in model.clusters:
        out.append(f"  {cluster.id} = tier {_text(cluster.label)} {{")
        for node_id in cluster.nodes:
            out += [f"    {line}" for line in _element(by_id[node_id], descriptions)]
            fqn[node_id] = f"{cluster.id}.{node_id}"
        out.append("  }")
    for node_id in model.unclustered:
        out += [f"  {line}" for line in _element(by_id[node_id], descriptions)]
        fqn[node_id] = node_id
    out.append("")
    for link in model.links:
        kind = "calls" if link.sync else "async"
        title = " ".join(link.lines) if link.lines else link.kind
        tags = f" {{\n    #{link.mark.severity}\n  }}" if link.mark else ""
        out.append(f"  {fqn[link.src]} -[{kind}]-> {fqn[link.dst]} {_text(title)}{tags}")
    included = ", ".join(["*"] + [f"{cluster.id}.*" for cluster in model.clusters])
    out += [
        "}",
        "",
        "views {",
        "  view index {",
        f"    title {_text(model.name)}",
        f"    include {included}",
        "  }",
        "}",
    ]
    return "\n".join(out) + "\n"


def _element(node, descriptions: dict[str, str]) -> list[str]:
    lines = [f"{node.id} = {node.kind} {_text(node.title)} {{"]
    if node.mark is not None:
        lines.append("  " + " ".join(f"#{tag}" for tag in (node.mark.severity, *node.mark.codes)))
    if node.tech:
        lines.append(f"  technology {_text(node.tech)}")
    if node.component in descriptions:
        lines.append(f"  description {_text(descriptions[node.component])}")
    lines.append("}")
    return lines
