"""CALM (FINOS Common Architecture Language Model) architecture JSON, both ways.

Export: each component a node, each call, publish and consume a `connects`
relationship. CALM's node types are coarser than archlint's kinds, so every node and
relationship also carries `metadata.archlint` (kind, tech, replicas, autoscaling,
public; the edge's type and protocol), which makes import -> export -> import keep the
components, kinds and links. Import reads that metadata when present, else maps CALM's
node types and relationships as well as they go.

Written against CALM 1.1's core schema: nodes need unique-id, node-type, name and
description; relationships need unique-id and exactly one relationship type; metadata
is an object.
"""

from __future__ import annotations

import json
import re
from typing import Any

from archlint.input.load import Limits
from archlint.interop import infer
from archlint.interop.draft import Draft, DraftComponent, Edge, Note, Unmapped
from archlint.interop.source import Doc, ImportProblem, read_docs, type_name
from archlint.language.kinds import BROKER, KINDS

SCHEMA = "https://calm.finos.org/release/1.1/meta/calm.json"
NODE_TYPES = {  # archlint kind -> CALM node-type
    "client": "webclient",
    "dns": "network",
    "cdn": "network",
    "load_balancer": "network",
    "api_gateway": "service",
    "service": "service",
    "worker": "service",
    "function": "service",
    "database": "database",
    "cache": "database",
    "search": "database",
    "object_storage": "database",
    "queue": "system",
    "stream": "system",
    "external": "system",
}
KINDS_OF = {  # CALM node-type -> archlint kind, when a node has no archlint metadata
    "webclient": "client",
    "actor": "client",
    "service": "service",
    "database": "database",
    "network": "load_balancer",
    "system": "external",
    "ecosystem": "external",
    "ldap": "external",
}
PROTOCOLS = {
    "http": "HTTP",
    "https": "HTTPS",
    "grpc": "HTTPS",
    "websocket": "WebSocket",
    "sql": "JDBC",
    "amqp": "AMQP",
    "tcp": "TCP",
    "ldap": "LDAP",
    "mtls": "mTLS",
    "tls": "TLS",
}


# --- export -------------------------------------------------------------------------------


def export(design: Any, graph: Any, findings: dict[str, list[str]] | None = None) -> str:
    """The design as CALM architecture JSON; `findings` (component id -> codes) become
    `metadata.archlint.findings`."""
    nodes = []
    for cid, node in graph.nodes.items():
        component = node.component
        meta: dict[str, Any] = {"kind": node.kind}
        if component.tech:
            meta["tech"] = component.tech
        if component.replicas is not None:
            meta["replicas"] = component.replicas
        if component.autoscaling is not None:
            meta["autoscaling"] = {"min": component.autoscaling.min, "max": component.autoscaling.max}
        if component.public is not None:
            meta["public"] = component.public
        if findings and findings.get(cid):
            meta["findings"] = findings[cid]
        nodes.append(
            {
                "unique-id": cid,
                "node-type": NODE_TYPES[node.kind],
                "name": cid,
                "description": component.description or f"{node.kind.replace('_', ' ')} {cid}",
                "metadata": {"archlint": meta},
            }
        )
    relationships = []
    for edge in graph.edges:
        # A consume edge runs broker -> consumer in the graph; the consumer opens the connection.
        source, target = (edge.dst, edge.src) if edge.kind == "consumes" else (edge.src, edge.dst)
        relationship: dict[str, Any] = {
            "unique-id": f"{source}-{edge.kind}-{target}",
            "description": f"{source} {edge.kind} {target}",
            "relationship-type": {"connects": {"source": {"node": source}, "destination": {"node": target}}},
        }
        protocol = getattr(edge.props, "protocol", None) if edge.props is not None else None
        if protocol:
            relationship["protocol"] = PROTOCOLS.get(str(protocol).lower(), "TCP")
        meta = {"edge": edge.kind}
        if protocol:
            meta["protocol"] = str(protocol)
        relationship["metadata"] = {"archlint": meta}
        relationships.append(relationship)
    document = {
        "$schema": SCHEMA,
        "metadata": {"archlint": {"name": design.name, "generated-by": "archlint export calm"}},
        "nodes": nodes,
        "relationships": relationships,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- import -------------------------------------------------------------------------------

_ID_BAD = re.compile(r"[^a-z0-9_-]+")


def import_calm(files: list[str], limits: Limits, catalog: Any, name: str | None = None) -> Draft:
    if len(files) != 1:
        raise ImportProblem(
            files[1] if len(files) > 1 else ".",
            1,
            1,
            "archlint import calm reads one architecture document; give one file",
        )
    docs = read_docs(files[0], limits)
    if not docs:
        raise ImportProblem(files[0], 1, 1, "the file holds no document")
    doc = docs[0]
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("nodes"), list):
        raise doc.problem(
            ("nodes",) if isinstance(doc.data, dict) else (), "a CALM architecture is a JSON object with a 'nodes' list"
        )
    meta = (doc.data.get("metadata") or {}).get("archlint") if isinstance(doc.data.get("metadata"), dict) else None
    if name:
        title = Note(name, "--name")
    elif isinstance(meta, dict) and isinstance(meta.get("name"), str):
        title = Note(meta["name"], f"metadata.archlint.name ({doc.at(('metadata', 'archlint', 'name'))})")
    else:
        title = Note(re.sub(r"\.(calm\.)?json$", "", files[0].rsplit("/", 1)[-1]) or "system", "the file name")
    draft = Draft("calm", list(files), title)
    ids: dict[str, str] = {}
    for index, node in enumerate(doc.data["nodes"]):
        _node(draft, doc, index, node, ids, catalog)
    links = []
    for index, relationship in enumerate(doc.data.get("relationships") or []):
        links += _relationship(draft, doc, index, relationship, ids)
    infer.settle(draft, links, set())
    return draft


def _node(draft: Draft, doc: Doc, index: int, node: Any, ids: dict[str, str], catalog: Any) -> None:
    path = ("nodes", index)
    if not isinstance(node, dict) or not isinstance(node.get("unique-id"), str):
        raise doc.problem(path, f"a node is an object with a 'unique-id', not {type_name(node)}")
    unique = node["unique-id"]
    if unique in ids:
        raise doc.problem(path + ("unique-id",), f"unique-id '{unique}' is used by two nodes")
    node_type = node.get("node-type")
    if node_type == "data-asset":
        draft.unmapped.append(Unmapped("data-asset", unique, doc.at(path), "data, not a part that runs"))
        return
    cid = _ID_BAD.sub("-", unique.lower()).strip("-_") or "component"
    while cid in draft.components:
        cid += "-2"
    ids[unique] = cid
    component = DraftComponent(cid, f"node {unique} ({doc.at(path)})")
    meta = (node.get("metadata") or {}).get("archlint") if isinstance(node.get("metadata"), dict) else None
    meta = meta if isinstance(meta, dict) else {}
    where = lambda *keys: doc.at(path + ("metadata", "archlint") + keys)  # noqa: E731
    kind = meta.get("kind")
    tech = meta.get("tech")
    if isinstance(tech, str) and tech:
        component.tech = Note(tech, f"metadata.archlint.tech ({where('tech')})")
        component.implied_kind = catalog.kind_for_tech(tech)
    if isinstance(kind, str) and kind in KINDS:
        if kind != component.implied_kind:
            component.kind = Note(kind, f"metadata.archlint.kind ({where('kind')})")
    elif component.implied_kind is None:
        mapped = KINDS_OF.get(str(node_type), "external")
        component.kind = Note(
            mapped,
            f"node-type {node_type} ({doc.at(path + ('node-type',))})",
            guess=node_type not in ("service", "database", "webclient"),
        )
    description = node.get("description")
    if isinstance(description, str) and description.strip():
        component.fields["description"] = Note(
            " ".join(description.split()), f"description ({doc.at(path + ('description',))})"
        )
    if isinstance(meta.get("replicas"), int) and not isinstance(meta["replicas"], bool) and meta["replicas"] >= 1:
        component.fields["replicas"] = Note(meta["replicas"], f"metadata.archlint.replicas ({where('replicas')})")
    auto = meta.get("autoscaling")
    if (
        isinstance(auto, dict)
        and all(isinstance(auto.get(k), int) for k in ("min", "max"))
        and auto["max"] >= max(auto["min"], 1)
    ):
        component.fields["autoscaling"] = Note(
            {"min": auto["min"], "max": auto["max"]}, f"metadata.archlint.autoscaling ({where('autoscaling')})"
        )
    if isinstance(meta.get("public"), bool):
        component.fields["public"] = Note(meta["public"], f"metadata.archlint.public ({where('public')})")
    draft.components[cid] = component


def _relationship(draft: Draft, doc: Doc, index: int, relationship: Any, ids: dict[str, str]) -> list[infer.Link]:
    path = ("relationships", index)
    if not isinstance(relationship, dict) or not isinstance(relationship.get("relationship-type"), dict):
        raise doc.problem(path, "a relationship is an object with a 'relationship-type'")
    kind = relationship["relationship-type"]
    unique = str(relationship.get("unique-id", index))
    if isinstance(kind.get("connects"), dict):
        connects = kind["connects"]
        source = ids.get(str((connects.get("source") or {}).get("node")))
        target = ids.get(str((connects.get("destination") or {}).get("node")))
        if source is None or target is None:
            raise doc.problem(
                path + ("relationship-type", "connects"),
                f"relationship {unique} connects a node the architecture does not define",
            )
        meta = (
            (relationship.get("metadata") or {}).get("archlint")
            if isinstance(relationship.get("metadata"), dict)
            else None
        )
        meta = meta if isinstance(meta, dict) else {}
        protocol = meta.get("protocol") or relationship.get("protocol")
        where = f"relationship {unique} ({doc.at(path)})"
        edge = meta.get("edge")
        if edge in ("publishes", "consumes") and draft.components[target].kind_value in BROKER:
            section = draft.components[source].publishes if edge == "publishes" else draft.components[source].consumes
            section[target] = Edge(target, where)
            return []
        return [infer.Link(source, target, where, protocol=str(protocol).lower() if protocol else None, certain=True)]
    if isinstance(kind.get("interacts"), dict):
        actor = ids.get(str(kind["interacts"].get("actor")))
        links = []
        for node in kind["interacts"].get("nodes") or []:
            target = ids.get(str(node))
            if actor and target:
                links.append(infer.Link(actor, target, f"relationship {unique} ({doc.at(path)})", certain=True))
        return links
    which = next(iter(kind), "relationship")
    draft.unmapped.append(Unmapped(which, unique, doc.at(path), "a grouping, not a link"))
    return []
