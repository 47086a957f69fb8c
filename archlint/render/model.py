"""The render model: what a picture of one design shows, independent of its format.

Nodes carry stable ids (derived from the component ids, safe in Mermaid and DOT), their
label parts, kind and tech; clusters group them by their `group` when any names one,
else by region or zone when the components name several, else by tier; edges carry
their kind (sync `calls` or async `publishes` /
`consumes`), protocol and peak rate. With findings, each node and edge carries the worst
severity of the findings that point at it and their codes; findings that point at
neither are kept apart so the legend can name them.

Everything is ordered as the design declares it, so the same design always gives the
same model, and the emitters the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from archlint.analysis.graph import SYNC, Edge, Graph
from archlint.findings import SEVERITY_RANK, Finding
from archlint.input import units
from archlint.language.kinds import BROKER, EDGE, STORE

DEAD_LETTERS = "dead_letters"  # a queue's `queue.dlq`: not an edge of the graph, but drawn

# The outline colour of each severity, shared by every emitter and the legend.
SEVERITY_COLOURS = {"error": "#d32f2f", "warning": "#f57c00", "info": "#1976d2"}

# Tiers in the order they are drawn; a kind not listed (none today) goes to services.
TIERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("edge", frozenset({"client"}) | EDGE),
    ("services", frozenset({"service", "worker", "function", "external"})),
    ("data", STORE),
    ("messaging", BROKER),
)

_UNSAFE = re.compile(r"[^a-z0-9_]")


@dataclass(frozen=True, slots=True)
class Mark:
    """The findings on one node or edge: the worst severity and the codes, sorted."""

    severity: str
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Node:
    id: str  # stable and safe in every format: `c_` + the component id, `-` as `_`
    component: str  # the component id as written
    kind: str
    tech: str | None  # `tech` as written
    tech_id: str | None  # the catalog id of the tech, None when unknown
    replicas: str | None  # "3", or "3–30" when it autoscales; None for a single instance
    cluster: str | None  # the id of its cluster
    mark: Mark | None = None
    summary: str | None = None  # a collapsed group (kind GROUP): what it holds, `12 components: …`

    @property
    def title(self) -> str:
        """The first label line: `api ×3`."""
        return f"{self.component} ×{self.replicas}" if self.replicas else self.component

    @property
    def lines(self) -> tuple[str, ...]:
        """The label, line by line: title, tech (or a group's summary), codes."""
        lines = [self.title]
        if self.summary:
            lines.append(self.summary)
        if self.tech:
            lines.append(self.tech)
        if self.mark is not None:
            lines.append(" ".join(self.mark.codes))
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class Link:
    src: str  # node ids
    dst: str
    kind: str  # calls | publishes | consumes | dead_letters
    protocol: str | None
    peak: float | None  # requests per second at peak over all flows taking it; None: no flow
    mark: Mark | None = None
    count: int = 1  # in an overview, the links between two groups drawn as this one

    @property
    def sync(self) -> bool:
        return self.kind == SYNC

    @property
    def lines(self) -> tuple[str, ...]:
        """The label, line by line: `grpc · 11.6k/s peak`, then the codes."""
        if self.kind == DEAD_LETTERS and self.count == 1:
            return ("dead letters",)
        several = f"{self.count} links" if self.count > 1 else None
        parts = [part for part in (self.protocol, several, _peak_text(self.peak)) if part]
        lines = [" · ".join(parts)] if parts else []
        if self.mark is not None:
            lines.append(" ".join(self.mark.codes))
        return tuple(lines)


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    label: str
    nodes: tuple[str, ...]  # node ids, in declaration order


@dataclass(frozen=True, slots=True)
class LegendEntry:
    severity: str | None  # the colour to draw it with; None for the line-style entry
    text: str


@dataclass(frozen=True, slots=True)
class RenderModel:
    name: str
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    clusters: tuple[Cluster, ...]
    unclustered: tuple[str, ...]  # node ids outside every cluster
    legend: tuple[LegendEntry, ...] = ()  # empty unless findings are drawn


def build_model(graph: Graph, terms: Any, name: str, findings: Iterable[Finding] | None = None) -> RenderModel:
    """The picture of one valid design. `terms` (archlint.analysis.terms.Terms) gives the
    flows' peak rates; `findings`, when given, are drawn on the nodes and edges they
    point at (their YAML paths), and the rest named in the legend."""
    ids = _node_ids(graph.nodes)
    node_marks, link_marks, elsewhere = _place_findings(graph, findings or ())
    peaks = _edge_peaks(graph, terms)
    grouping = _named_groups(graph) or _spread_groups(graph) or _tier_groups(graph)
    cluster_ids = _IdAllocator(prefix="cluster_")
    clusters: list[Cluster] = []
    cluster_of: dict[str, str] = {}  # component id -> cluster id
    for label, members in grouping:
        if not members:
            continue
        cluster_id = cluster_ids.take(label)
        clusters.append(Cluster(cluster_id, label, tuple(ids[cid] for cid in members)))
        cluster_of.update((cid, cluster_id) for cid in members)
    nodes = tuple(
        Node(ids[cid], cid, node.kind, node.component.tech, node.tech.id if node.tech is not None else None,
             _replicas(node.component), cluster_of.get(cid), node_marks.get(cid))
        for cid, node in graph.nodes.items()
    )
    links = tuple(
        Link(ids[edge.src], ids[edge.dst], edge.kind, getattr(edge.props, "protocol", None), peaks.get(edge.path),
             link_marks.get(edge.path))
        for edge in graph.edges
    ) + tuple(Link(ids[queue], ids[dlq], DEAD_LETTERS, None, None) for queue, dlq in _dead_letters(graph))
    legend = _legend(nodes, links, elsewhere) if findings is not None else ()
    unclustered = tuple(ids[cid] for cid in graph.nodes if cid not in cluster_of)
    return RenderModel(name, nodes, links, tuple(clusters), unclustered, legend)


# --- ids -------------------------------------------------------------------------------


class _IdAllocator:
    """Readable ids that are unique and safe everywhere: lower-case letters, digits and
    `_` after a fixed prefix (so no id is a Mermaid keyword such as `end`, or starts
    with the `o`/`x` that Mermaid reads as an arrow head). A clash (`a-b` and `a_b`)
    takes a numeric suffix, in declaration order."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        base = self.prefix + _UNSAFE.sub("_", name.lower())
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}_{number}", number + 1
        self.used.add(candidate)
        return candidate


def _node_ids(components: Iterable[str]) -> dict[str, str]:
    allocator = _IdAllocator(prefix="c_")
    return {cid: allocator.take(cid) for cid in components}


def _replicas(component: Any) -> str | None:
    if component.autoscaling is not None:
        low, high = component.autoscaling.min, component.autoscaling.max
        return str(low) if low == high else f"{low}–{high}"
    if component.replicas is not None and component.replicas > 1:
        return str(component.replicas)
    return None


def _dead_letters(graph: Graph) -> list[tuple[str, str]]:
    """(queue, its dead-letter queue) for each `queue.dlq` naming a component."""
    pairs = []
    for cid, node in graph.nodes.items():
        settings = node.component.queue
        dlq = settings.dlq if settings is not None else None
        if isinstance(dlq, str) and dlq in graph.nodes and dlq != cid:
            pairs.append((cid, dlq))
    return pairs


# --- clusters --------------------------------------------------------------------------


def _tier_groups(graph: Graph) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {label: [] for label, _ in TIERS}
    for cid, node in graph.nodes.items():
        tier = next((label for label, kinds in TIERS if node.kind in kinds), "services")
        groups[tier].append(cid)
    return list(groups.items())


def _named_groups(graph: Graph) -> list[tuple[str, list[str]]] | None:
    """Clusters by the components' `group`, in order of first appearance, when any
    component names one; components without a group stay outside the clusters."""
    groups: dict[str, list[str]] = {}
    for cid, node in graph.nodes.items():
        name = node.component.group
        if isinstance(name, str) and name.strip():
            groups.setdefault(name.strip(), []).append(cid)
    return list(groups.items()) or None


def _spread_groups(graph: Graph) -> list[tuple[str, list[str]]] | None:
    """Clusters by place, when components name two or more regions (else zones): one
    cluster per list of names (`region eu-west`, `regions eu-west, us-east`), in order
    of first appearance. Components that name no place stay outside the clusters."""
    for field, singular in (("regions", "region"), ("zones", "zone")):
        placed: dict[str, tuple[str, ...]] = {}
        for cid, node in graph.nodes.items():
            names = getattr(node.component, field)
            if isinstance(names, list) and names:
                placed[cid] = tuple(dict.fromkeys(names))
        if len({name for names in placed.values() for name in names}) < 2:
            continue
        groups: dict[str, list[str]] = {}
        for cid, names in placed.items():
            label = f"{singular if len(names) == 1 else field} {', '.join(names)}"
            groups.setdefault(label, []).append(cid)
        return list(groups.items())
    return None


# --- rates -----------------------------------------------------------------------------


def _edge_peaks(graph: Graph, terms: Any) -> dict[tuple, float]:
    """Edge path -> the sum over flows taking it of the flow's peak rate x the hop's share."""
    peaks: dict[tuple, float] = {}
    for route in graph.routes.values():
        peak = terms.peak(route)
        if peak is None:
            continue
        for hop in route.hops:
            peaks[hop.edge.path] = peaks.get(hop.edge.path, 0.0) + peak * hop.share
    return peaks


def _peak_text(peak: float | None) -> str | None:
    return None if peak is None else f"{units.format_rate(peak)} peak"


# --- findings --------------------------------------------------------------------------


def _place_findings(
    graph: Graph, findings: Iterable[Finding]
) -> tuple[dict[str, Mark], dict[tuple, Mark], list[Finding]]:
    """Findings by what they point at: `components.<id>.<calls|publishes|consumes>.<id>…`
    is an edge, any other `components.<id>…` the component; the rest are elsewhere."""
    edges: dict[tuple, Edge] = {edge.path: edge for edge in graph.edges}
    on_nodes: dict[str, list[Finding]] = {}
    on_edges: dict[tuple, list[Finding]] = {}
    elsewhere: list[Finding] = []
    for finding in findings:
        path = finding.path
        if len(path) >= 2 and path[0] == "components" and path[1] in graph.nodes:
            edge = edges.get(tuple(path[:4])) if len(path) >= 4 else None
            if edge is not None:
                on_edges.setdefault(edge.path, []).append(finding)
            else:
                on_nodes.setdefault(str(path[1]), []).append(finding)
        else:
            elsewhere.append(finding)
    return (
        {cid: _mark(found) for cid, found in on_nodes.items()},
        {path: _mark(found) for path, found in on_edges.items()},
        elsewhere,
    )


def _mark(findings: list[Finding]) -> Mark:
    worst = min((f.severity for f in findings), key=SEVERITY_RANK.__getitem__)
    return Mark(worst, tuple(sorted({f.code for f in findings})))


def _legend(nodes: tuple[Node, ...], links: tuple[Link, ...], elsewhere: list[Finding]) -> tuple[LegendEntry, ...]:
    """One entry per severity drawn, the line styles, and the codes not on the picture."""
    marks = [node.mark for node in nodes] + [link.mark for link in links]
    drawn = {mark.severity for mark in marks if mark is not None}
    entries = [
        LegendEntry(severity, f"{severity}: outlined, with its codes")
        for severity in sorted(drawn, key=SEVERITY_RANK.__getitem__)
    ]
    if not drawn and not elsewhere:
        entries.append(LegendEntry(None, "no findings"))
    if elsewhere:
        mark = _mark(elsewhere)
        entries.append(LegendEntry(mark.severity, f"elsewhere in the design: {' '.join(mark.codes)}"))
    entries.append(
        LegendEntry(None, "solid lines: calls (sync); broken lines: publishes, consumes (async), dead letters")
    )
    return tuple(entries)


# --- overview and focus ----------------------------------------------------------------

GROUP = "group"  # the kind of a node that stands for a whole cluster in an overview
COLLAPSE_ABOVE = 150  # components: larger designs are drawn as an overview unless asked otherwise
_MAX_CODES = 6  # codes named on one overview node or link; the rest counted


def collapse(model: RenderModel) -> RenderModel:
    """The overview: each cluster becomes one node (its label, how many components of
    which tiers, the worst finding and its codes); links between two clusters become
    one per direction and style, with their count and summed peak rate; links inside a
    cluster are left out. Components outside every cluster stay as they are."""
    by_id = {node.id: node for node in model.nodes}
    ids = _IdAllocator(prefix="g_")
    stand_in: dict[str, str] = {node_id: node_id for node_id in model.unclustered}
    groups: list[Node] = []
    for cluster in model.clusters:
        members = [by_id[node_id] for node_id in cluster.nodes]
        group_id = ids.take(cluster.label)
        stand_in.update((node_id, group_id) for node_id in cluster.nodes)
        groups.append(Node(group_id, cluster.label, GROUP, None, None, None, None,
                           _merge_marks(member.mark for member in members), _summary(members)))
    merged: dict[tuple[str, str, bool], list[Link]] = {}
    for link in model.links:
        src, dst = stand_in[link.src], stand_in[link.dst]
        if src == dst:
            continue
        merged.setdefault((src, dst, link.sync), []).append(link)
    links = tuple(_merge_links(src, dst, sync, found) for (src, dst, sync), found in merged.items())
    kept = tuple(by_id[node_id] for node_id in model.unclustered)
    return RenderModel(model.name, (*groups, *kept), links, (), tuple(node.id for node in (*groups, *kept)),
                       model.legend)


def focus(model: RenderModel, group: str) -> RenderModel:
    """One cluster (by its label, as `--group` names it) with the components its members
    link to or from, in their own clusters, and only the links that touch a member.
    KeyError names the labels there are."""
    chosen = next((cluster for cluster in model.clusters if cluster.label == group), None)
    if chosen is None:
        raise KeyError(group)
    members = set(chosen.nodes)
    links = tuple(link for link in model.links if link.src in members or link.dst in members)
    shown = members | {link.src for link in links} | {link.dst for link in links}
    clusters = tuple(
        Cluster(cluster.id, cluster.label, tuple(node_id for node_id in cluster.nodes if node_id in shown))
        for cluster in model.clusters
    )
    return RenderModel(model.name, tuple(node for node in model.nodes if node.id in shown), links,
                       tuple(cluster for cluster in clusters if cluster.nodes),
                       tuple(node_id for node_id in model.unclustered if node_id in shown), model.legend)


def _summary(members: list[Node]) -> str:
    """`12 components: 5 services, 4 data, 3 messaging` (tiers in drawing order)."""
    counts: dict[str, int] = {}
    for member in members:
        tier = next((label for label, kinds in TIERS if member.kind in kinds), "services")
        counts[tier] = counts.get(tier, 0) + 1
    singular = {"services": "service"}
    parts = [f"{counts[label]} {singular.get(label, label) if counts[label] == 1 else label}"
             for label, _ in TIERS if label in counts]
    total = len(members)
    return f"{total} component{'s' if total != 1 else ''}: {', '.join(parts)}"


def _merge_marks(marks: Iterable[Mark | None]) -> Mark | None:
    found = [mark for mark in marks if mark is not None]
    if not found:
        return None
    worst = min((mark.severity for mark in found), key=SEVERITY_RANK.__getitem__)
    codes = sorted({code for mark in found for code in mark.codes})
    if len(codes) > _MAX_CODES:
        codes = [*codes[:_MAX_CODES], f"+{len(codes) - _MAX_CODES} more"]
    return Mark(worst, tuple(codes))


def _merge_links(src: str, dst: str, sync: bool, links: list[Link]) -> Link:
    if len(links) == 1:
        only = links[0]
        return Link(src, dst, only.kind, only.protocol, only.peak, only.mark)
    peaks = [link.peak for link in links if link.peak is not None]
    protocols = {link.protocol for link in links}
    protocol = protocols.pop() if len(protocols) == 1 else None
    kind = SYNC if sync else next(link.kind for link in links)
    return Link(src, dst, kind, protocol, sum(peaks) if peaks else None,
                _merge_marks(link.mark for link in links), len(links))
