"""The design as a Structurizr DSL workspace: one software system whose containers are
the components (grouped by tier), clients as people, outside parties as external
software systems; calls and asynchronous links as relationships with their
technology; kinds, `async` and findings as tags, styled in the workspace's views."""

from __future__ import annotations

from archlint.formats.escape import visible_lines
from archlint.render.model import SEVERITY_COLOURS, Node, RenderModel

SHAPES = {
    "client": "Person",
    "database": "Cylinder",
    "cache": "Cylinder",
    "search": "Cylinder",
    "object_storage": "Folder",
    "queue": "Pipe",
    "stream": "Pipe",
    "function": "Ellipse",
    "load_balancer": "Hexagon",
    "api_gateway": "Hexagon",
    "cdn": "Hexagon",
    "dns": "Hexagon",
    "external": "RoundedBox",
}


def _text(value: str) -> str:
    return '"' + visible_lines(value).replace("\\", "\\\\").replace('"', "'").replace("\n", " ") + '"'


def export(model: RenderModel, descriptions: dict[str, str]) -> str:
    by_id = {node.id: node for node in model.nodes}
    outside = [node for node in model.nodes if node.kind in ("client", "external")]
    out = [f"workspace {_text(model.name)} {_text('exported by archlint export structurizr')} {{", "  model {"]
    for node in outside:
        keyword = "person" if node.kind == "client" else "softwareSystem"
        out.append(
            f"    {node.id} = {keyword} {_text(node.title)} {_text(descriptions.get(node.component, node.kind))} {{"
        )
        out.append(f"      tags {_tags(node)}")
        out.append("    }")
    out.append(f"    system = softwareSystem {_text(model.name)} {{")
    for cluster in model.clusters:
        inside = [by_id[node_id] for node_id in cluster.nodes if by_id[node_id].kind not in ("client", "external")]
        if not inside:
            continue
        out.append(f"      group {_text(cluster.label)} {{")
        out += [f"        {line}" for node in inside for line in _container(node, descriptions)]
        out.append("      }")
    for node_id in model.unclustered:
        if by_id[node_id].kind not in ("client", "external"):
            out += [f"      {line}" for line in _container(by_id[node_id], descriptions)]
    out.append("    }")
    for link in model.links:
        tags = [link.kind] + ([] if link.sync else ["async"]) + ([link.mark.severity] if link.mark else [])
        technology = " ".join(link.lines) if link.lines else ""
        out.append(f"    {link.src} -> {link.dst} {_text(link.kind)} {_text(technology)} {{")
        out.append(f"      tags {_text(','.join(tags))}")
        out.append("    }")
    out += [
        "  }",
        "  views {",
        '    container system "containers" {',
        "      include *",
        "      autoLayout lr",
        "    }",
        "    styles {",
    ]
    for kind, shape in sorted(SHAPES.items()):
        out.append(f"      element {_text(kind)} {{")
        out.append(f"        shape {shape}")
        out.append("      }")
    out += ['      relationship "async" {', "        style dashed", "      }"]
    for severity, colour in SEVERITY_COLOURS.items():
        out += [
            f"      element {_text(severity)} {{",
            f"        stroke {colour}",
            "        strokeWidth 6",
            "      }",
            f"      relationship {_text(severity)} {{",
            f"        color {colour}",
            "      }",
        ]
    out += ["    }", "  }", "}"]
    return "\n".join(out) + "\n"


def _tags(node: Node) -> str:
    return _text(",".join([node.kind] + ([node.mark.severity] + list(node.mark.codes) if node.mark else [])))


def _container(node: Node, descriptions: dict[str, str]) -> list[str]:
    head = (
        f"{node.id} = container {_text(node.title)} {_text(descriptions.get(node.component, ''))} "
        f"{_text(node.tech or '')} {{"
    )
    return [head, f"  tags {_tags(node)}", "}"]
