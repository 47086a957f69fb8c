"""The design as C4-PlantUML (the C4 library bundled with PlantUML): clients as
persons, components as containers (databases and brokers in their own shapes),
outside parties as external systems, tiers as boundaries, links as `Rel` with protocol
and peak rate; asynchronous links and findings as tags."""

from __future__ import annotations

from archlint.formats.escape import visible, visible_lines
from archlint.language.kinds import BROKER, STORE
from archlint.render.model import SEVERITY_COLOURS, Node, RenderModel


def _text(value: str) -> str:
    # Control characters shown as escapes: a raw ESC must not reach a terminal, nor a
    # carriage return start a line PlantUML would read as a directive.
    return '"' + visible_lines(value).replace("\\", "\\\\").replace('"', "'").replace("\n", "\\n") + '"'


def export(model: RenderModel, descriptions: dict[str, str]) -> str:
    out = [
        "@startuml",
        "!include <C4/C4_Container>",
        "",
        f"title {visible(model.name)}",  # one line: a name cannot end the diagram or add a directive
        "",
        'AddRelTag("async", $lineStyle = DashedLine())',
    ]
    for severity, colour in SEVERITY_COLOURS.items():
        out.append(f'AddElementTag("{severity}", $borderColor = "{colour}")')
        out.append(f'AddRelTag("{severity}", $lineColor = "{colour}", $textColor = "{colour}")')
    out.append("")
    by_id = {node.id: node for node in model.nodes}
    for cluster in model.clusters:
        out.append(f"System_Boundary({cluster.id}, {_text(cluster.label)}) {{")
        out += [f"  {_element(by_id[node_id], descriptions)}" for node_id in cluster.nodes]
        out.append("}")
    out += [_element(by_id[node_id], descriptions) for node_id in model.unclustered]
    out.append("")
    for link in model.links:
        tags = ([] if link.sync else ["async"]) + ([link.mark.severity] if link.mark else [])
        tag = f', $tags = "{"+".join(tags)}"' if tags else ""
        label = " ".join(link.lines) if link.lines else link.kind
        out.append(f"Rel({link.src}, {link.dst}, {_text(link.kind)}, {_text(label)}{tag})")
    out += ["", "SHOW_LEGEND()", "@enduml"]
    return "\n".join(out) + "\n"


def _element(node: Node, descriptions: dict[str, str]) -> str:
    description = descriptions.get(node.component, node.kind.replace("_", " "))
    tags = f', $tags = "{node.mark.severity}"' if node.mark else ""
    label = _text(node.title + (f" [{' '.join(node.mark.codes)}]" if node.mark else ""))
    if node.kind == "client":
        return f"Person({node.id}, {label}, {_text(description)}{tags})"
    if node.kind == "external":
        return f"System_Ext({node.id}, {label}, {_text(description)}{tags})"
    macro = "ContainerDb" if node.kind in STORE else "ContainerQueue" if node.kind in BROKER else "Container"
    return f"{macro}({node.id}, {label}, {_text(node.tech or node.kind)}, {_text(description)}{tags})"
