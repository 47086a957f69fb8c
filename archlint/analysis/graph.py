"""The design as a graph: components as nodes, `calls` (sync) and `publishes`/`consumes`
(async) as edges, flows resolved into hops with their shares.

Plain dicts and lists; built once per design and read by analysis and rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from archlint.findings import Path
from archlint.language.fast import empty

if TYPE_CHECKING:
    from archlint.language.compiled import Component, Consumer, Design, Flow, Link

SYNC = "calls"
PUBLISH = "publishes"
CONSUME = "consumes"


@dataclass(slots=True)
class Node:
    id: str
    kind: str
    component: Component
    tech: Any = None  # the catalog entry for `component.tech`, or None when unknown

    @property
    def path(self) -> Path:
        return ("components", self.id)


@dataclass(slots=True)
class Edge:
    """A directed edge. For `consumes`, src is the broker and dst the consumer; the
    YAML path is still the consumer's `consumes` entry."""

    src: str
    dst: str
    kind: str
    props: Union[Link, Consumer]
    path: Path
    sync: bool = field(init=False)  # kind == SYNC: read on every walk over the hops, so kept

    def __post_init__(self) -> None:
        self.sync = self.kind == SYNC


@dataclass(slots=True)
class Hop:
    edge: Edge
    share: float
    step: int  # the item of `steps` holding the first chain that takes this hop
    op: str | None = None  # stated: "read", "write", "read+write" (chains disagree), None
    payload: float | None = None  # stated by a step (`payload:`), the largest
    group: int | None = None  # the `parallel:` item of the first chain taking it, if any
    via: str | None = None  # stated by a step: "outbox" or "cdc" (DAT007)
    guard: str | None = None  # stated by a step: "conditional" or "unique" (DAT008)
    critical: bool | None = None  # stated by a step; True when any chain states True


@dataclass(slots=True)
class Route:
    """A flow with its hops resolved to edges. A hop named by several chains counts
    once, at its largest share."""

    name: str
    flow: Flow
    hops: list[Hop]
    entry: str  # the first component of the first chain, where the flow's requests enter
    undeclared: bool = False  # a chain takes a hop that no edge declares (INP021, analysis.hops)

    @property
    def path(self) -> Path:
        return ("flows", self.name)


@dataclass(slots=True)
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    out_edges: dict[str, list[Edge]] = field(default_factory=dict)
    in_edges: dict[str, list[Edge]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], Edge] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)

    def add_edge(self, edge: Edge) -> None:
        self.edges.append(edge)
        self.out_edges.setdefault(edge.src, []).append(edge)
        self.in_edges.setdefault(edge.dst, []).append(edge)
        # A pair may be both called and published to; the call is the hop a flow names.
        current = self.pairs.get((edge.src, edge.dst))
        if current is None or (edge.sync and not current.sync):
            self.pairs[(edge.src, edge.dst)] = edge

    def edge(self, src: str, dst: str) -> Edge | None:
        return self.pairs.get((src, dst))

    def calls_from(self, node: str) -> list[Edge]:
        return [e for e in self.out_edges.get(node, ()) if e.sync]

    def calls_into(self, node: str) -> list[Edge]:
        return [e for e in self.in_edges.get(node, ()) if e.sync]

    def sync_edges(self) -> list[Edge]:
        return [e for e in self.edges if e.sync]

    def async_edges(self) -> list[Edge]:
        return [e for e in self.edges if not e.sync]


def build_graph(design: Design, kinds: dict[str, str], techs: dict[str, Any]) -> Graph:
    """Nodes and edges of a design whose references are known to be valid
    (`archlint.language.validate` checks them first and drops what it reports)."""
    graph = Graph()
    no_link, no_consumer = empty("Link"), empty("Consumer")  # for edges written without properties
    for cid, component in design.components.items():
        graph.nodes[cid] = Node(cid, kinds[cid], component, techs.get(cid))
    for cid, component in design.components.items():
        for target, link in component.calls.items():
            if target in graph.nodes:
                graph.add_edge(Edge(cid, target, SYNC, link or no_link(), ("components", cid, SYNC, target)))
        for target, link in component.publishes.items():
            if target in graph.nodes:
                graph.add_edge(Edge(cid, target, PUBLISH, link or no_link(), ("components", cid, PUBLISH, target)))
        for broker, consumer in component.consumes.items():
            if broker in graph.nodes:
                path = ("components", cid, CONSUME, broker)
                graph.add_edge(Edge(broker, cid, CONSUME, consumer or no_consumer(), path))
    for name, flow in (design.flows or {}).items():
        graph.routes[name] = resolve_route(graph, name, flow)
    return graph


def resolve_route(graph: Graph, name: str, flow: Flow) -> Route:
    """Flow steps -> distinct hops in order of first appearance, each at its largest share,
    with what the steps state about it (op, payload, via, guard). Hops that are not
    declared edges are skipped (validation reports them)."""
    hops: dict[tuple[str, str], Hop] = {}
    undeclared = False
    chains = flow.chains()
    for step in chains:
        group = None if step.member is None else step.item
        for src, dst in zip(step.chain, step.chain[1:]):
            edge = graph.edge(src, dst)
            if edge is None:
                undeclared = True
                continue
            hop = hops.get((src, dst))
            if hop is None:
                hops[(src, dst)] = Hop(edge, step.share, step.item, step.op, step.payload, group,
                                       step.via, step.guard, step.critical)
                continue
            if step.share > hop.share:
                hop.share = step.share
            if step.op is not None and hop.op != step.op:
                hop.op = step.op if hop.op is None else "read+write"
            if step.payload is not None and (hop.payload is None or step.payload > hop.payload):
                hop.payload = step.payload
            # A fact any chain states about the hop holds for it.
            hop.via = hop.via or step.via
            hop.guard = hop.guard or step.guard
            if step.critical is not None:
                # A request on a chain that needs the call fails without it.
                hop.critical = step.critical or bool(hop.critical)
    return Route(name, flow, list(hops.values()), chains[0].chain[0], undeclared)
