"""Derived terms of a design, computed once and shared by every rule (rules.md,
"Terms used by triggers"): catalog figures with the design's overrides, replica and
copy counts, zones, flow rates and loads, user-facing flows and critical paths.

Everything here is linear in components + edges + hops; nothing walks all paths.

One module on purpose (over 400 lines): the terms are one object whose cached parts read
each other (managed -> provider_single -> copies -> zones -> critical paths), and every
rule reads them through it; split across modules they would pass the same caches around.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from archlint.analysis.algorithms import depth_first_order
from archlint.analysis.graph import CONSUME, Edge, Graph, Hop, Route
from archlint.language.kinds import BROKER, COMPUTE

if TYPE_CHECKING:
    from archlint.language.compiled import Component, Design

DEFAULT_PEAK_FACTOR = 2.0
DEFAULT_PEAK_DURATION = 3600.0  # seconds: a busy hour (docs/language.md, "Queues level load")
# Kinds that only a provider runs in practice: a stated replica count says nothing about them.
_PROVIDER_KINDS = frozenset({"client", "dns", "cdn", "function", "external"})
_PROVIDER_RUN_KINDS = _PROVIDER_KINDS - {"client"}
# Per-hop operation (docs/language.md, "Per-hop operation"): in a write flow, a call to
# one of these by a component that also writes a durable store in the same flow is a
# lookup (cache-aside), so it reads.
LOOKUP_KINDS = frozenset({"cache", "search"})
DURABLE_KINDS = frozenset({"database", "object_storage", "queue", "stream"})
MONEY_DATA = frozenset({"payments", "ledger"})
SENSITIVE_DATA = MONEY_DATA | {"pii", "credentials"}


def _count(spread: Any) -> int | None:
    """`zones`/`regions` are a count or a list of names."""
    if spread is None:
        return None
    return len(spread) if isinstance(spread, list) else int(spread)


def _zones_in_all(spread: Any, regions: int) -> int | None:
    """Zones over every region: a count of zones is per region (`regions: 2, zones: 3`
    is six zones), a list names each zone there is."""
    if spread is None:
        return None
    return len(spread) if isinstance(spread, list) else int(spread) * regions


def _reached(start: str, by_src: dict[str, list[Hop]]) -> set[str]:
    """The components reached from `start` along these hops (by caller), `start` too."""
    seen = {start}
    frontier = [start]
    while frontier:
        for hop in by_src.get(frontier.pop(), ()):
            dst = hop.edge.dst
            if dst not in seen:
                seen.add(dst)
                frontier.append(dst)
    return seen


class Terms:
    """The derived terms of one design. Cheap to build; most figures are computed on
    first use and cached, so a rule pays only for what it reads."""

    def __init__(self, design: Design, graph: Graph, catalog: Any, raw: Any = None, load_factor: float = 1.0,
                 zone_availability: float | None = None):
        self.design = design
        self.graph = graph
        self.catalog = catalog
        self.raw = raw if isinstance(raw, dict) else {}  # the plain data, for values as written
        self.load_factor = load_factor  # what-if scale: every flow's rate times this
        self.zone_availability = zone_availability
        # The figures built on these terms (archlint.analysis.figures.Figures), attached by
        # archlint.analysis.derive: the figures read the terms, never the other way round.
        self.figures: Any = None
        self._sync_hops: dict[tuple[str, bool], list[Hop]] = {}
        self.component = {cid: node.component for cid, node in graph.nodes.items()}.__getitem__  # type: ignore[method-assign,assignment]
        self.kind = {cid: node.kind for cid, node in graph.nodes.items()}.__getitem__  # type: ignore[method-assign,assignment]
        self.is_compute = frozenset(  # type: ignore[method-assign,assignment]
            cid for cid, node in graph.nodes.items() if node.kind in COMPUTE).__contains__
        self._tech_names: dict[str, str] = {}
        self._entry_names: dict[int, str] = {}  # id() of a catalog entry (alive as long as the catalog) -> its id
        self._figure_values: dict[tuple[int, str], Any] = {}  # (id() of a catalog profile, path) -> value
        # Facts read per component or per flow by many rules and figures: computed once.
        self._managed = self._run_by_provider(graph.nodes)
        self.managed = self._managed.__getitem__  # type: ignore[method-assign,assignment]
        self._provider_single: dict[str, str | None] = {}
        self._user_facing: dict[str, bool] = {}
        self._background: dict[str, bool] = {}
        self._zones: dict[str, int] = {}
        self._starts: dict[str, str] = {}
        self._coordination_names: dict[tuple[str, ...], frozenset[str]] = {}
        self._ids_of: dict[frozenset[str], list[str]] = {}
        self._groups: dict[str, dict[str, list[Edge]]] = {}  # broker -> consumer_groups(broker)
        self._regions: dict[str, int] = {}
        scale = design.scale
        self.peak_factor = (scale.peak_factor if scale and scale.peak_factor else None) or DEFAULT_PEAK_FACTOR
        # How long the peak lasts: the backlog a queue holds is (peak − drain) × this.
        stated = scale.peak_duration if scale is not None else None
        self.peak_duration = DEFAULT_PEAK_DURATION if stated is None else stated
        self.requirements = design.requirements
        deployment = design.deployment
        self.deployment_zones = _count(deployment.zones if deployment else None) or 1
        self._deployment_zone_spread = deployment.zones if deployment else None
        self.deployment_regions = _count(deployment.regions if deployment else None) or 1

    # --- components ------------------------------------------------------------------

    # component(cid), kind(cid) and is_compute(cid) are read hundreds of thousands of
    # times on a large design: __init__ binds them to dict and set lookups, with no Python
    # frame per call (a type checker sees a method replaced by a callable, hence the ignores).
    def component(self, cid: str) -> Component:
        return self.graph.nodes[cid].component

    def kind(self, cid: str) -> str:
        return self.graph.nodes[cid].kind

    def entry(self, cid: str) -> Any:
        """The catalog entry of the component's tech, or None when unknown."""
        return self.graph.nodes[cid].tech

    def profile(self, cid: str) -> Any:
        """Catalog figures for the component: its tech's entry, else its kind's defaults."""
        return self.graph.nodes[cid].tech or self.catalog.kind_default(self.kind(cid))

    def tech_name(self, cid: str) -> str:
        """The catalog id of the component's tech, or `<kind> default` (for provenance
        text; cached because a catalog entry's id is a slow private attribute)."""
        name = self._tech_names.get(cid)
        if name is None:
            entry = self.entry(cid)
            if entry is None:
                name = f"{self.kind(cid)} default"
            else:  # read once per catalog entry, not once per component using it
                name = self._entry_names.get(id(entry))
                if name is None:
                    name = self._entry_names[id(entry)] = entry.id
            self._tech_names[cid] = name
        return name

    def figure(self, cid: str, path: str) -> Any:
        """A catalog figure's value (`delivery`, `retention.default`, `capacity.write_rps`,
        `availability`, …), None when unknown. Design overrides are the callers' to apply,
        except where a helper below says so. Looked up once per catalog profile and path:
        thousands of components share a few profiles."""
        node = self.graph.nodes[cid]
        profile = node.tech or self.catalog.kind_default(node.kind)
        key = (id(profile), path)  # catalog profiles live as long as the catalog
        values = self._figure_values
        if key in values:
            return values[key]
        value = values[key] = profile.value_of(path)
        return value

    def managed(self, cid: str) -> bool:
        """Run by a provider: the design's `managed`, else the catalog entry's. A tech
        the catalog does not know counts as self-run (its kind's conservative defaults)
        until the design says `managed: true`, except for kinds only a provider runs.
        (__init__ binds this to a look-up in `_run_by_provider`'s table.)"""
        return self._managed[cid]

    @staticmethod
    def _run_by_provider(nodes: dict[str, Any]) -> dict[str, bool]:
        """`managed(cid)` for every component, in one pass."""
        managed: dict[str, bool] = {}
        for cid, node in nodes.items():
            stated = node.component.managed
            if stated is not None:
                managed[cid] = stated
            elif node.tech is not None:
                managed[cid] = bool(node.tech.managed)
            else:
                # Nobody runs a CDN, DNS, a function platform or a third party's API on their
                # own machines: those stay provider-run; every other kind counts as self-run.
                managed[cid] = node.kind in _PROVIDER_RUN_KINDS
        return managed

    def provider_single(self, cid: str) -> str | None:
        """The stated fact that makes a provider-run part one copy or one zone
        (`replicas: 1`, `zones: 1`, `queue.replication_factor: 1`), or None. Stated counts
        beat the provider's default redundancy; `replicas` counts only for services the
        user provisions by node (the catalog gives them a single-instance figure) or that
        the catalog does not know."""
        if cid in self._provider_single:
            return self._provider_single[cid]
        single = self._provider_single[cid] = self._single_fact(cid)
        return single

    def _single_fact(self, cid: str) -> str | None:
        if not self.managed(cid) or self.kind(cid) in _PROVIDER_KINDS:
            return None
        component = self.component(cid)
        queue = component.queue
        if self.kind(cid) in BROKER and queue is not None and queue.replication_factor == 1:
            return "queue.replication_factor: 1"
        entry = self.entry(cid)
        if entry is not None and entry.availability.single_instance is None:
            return None  # the provider runs the instances (serverless, partitioned services)
        if component.replicas == 1 and component.autoscaling is None:
            return "replicas: 1"
        if _count(component.zones) == 1:
            return "zones: 1"
        return None

    def provider_redundant(self, cid: str) -> bool:
        """Managed and not stated as one copy or one zone: the provider runs its spares
        (the replica and zone rules skip it)."""
        return self.managed(cid) and self.provider_single(cid) is None

    def default_note(self, cid: str) -> str | None:
        """Why a part's figures are its kind's defaults (`tech 'x' is not in the catalog`,
        `no tech is named`), or None when the catalog knows its tech."""
        if self.entry(cid) is not None:
            return None
        tech = self.component(cid).tech
        return f"tech '{tech}' is not in the catalog" if tech else "no tech is named"

    def coordination(self, cid: str, extra_techs: Iterable[str] = ()) -> bool:
        """A registry, discovery or configuration server (not chain depth)."""
        entry = self.entry(cid)
        if entry is not None and entry.role == "coordination":
            return True
        tech = self.component(cid).tech
        if tech:
            key = tuple(extra_techs)
            names = self._coordination_names.get(key)
            if names is None:  # the option's names, normalised once per run, not per component
                names = self._coordination_names[key] = frozenset(t.strip().lower() for t in key)
            return tech.strip().lower() in names
        return False

    def rmin(self, cid: str) -> int:
        c = self.component(cid)
        if c.autoscaling is not None:
            return c.autoscaling.min
        return c.replicas if c.replicas is not None else 1

    def rmax(self, cid: str) -> int:
        c = self.component(cid)
        if c.autoscaling is not None:
            return c.autoscaling.max
        return c.replicas if c.replicas is not None else 1

    def replication_copies(self, cid: str) -> int:
        """Copies a store's `replication` keeps: 1 + followers under primary_replica (or no
        mode), all copies under leaderless and multi_leader; 1 without replication."""
        replication = self.component(cid).replication
        if replication is None:
            return 1
        replicas = replication.replicas or 0
        if replication.mode in ("leaderless", "multi_leader"):
            return max(replicas, 1)
        return 1 + replicas

    def copies(self, cid: str) -> int | None:
        """copies(c): databases by replication and instances; brokers by replication factor
        (unknown when managed and not stated); anything else its instances (rmin)."""
        kind = self.kind(cid)
        if kind == "database" or self.component(cid).replication is not None:
            # A store that states replication (a Redis or search cluster too) keeps its copies.
            return max(self.rmin(cid), self.replication_copies(cid))
        if kind in BROKER:
            queue = self.component(cid).queue
            if queue is not None and queue.replication_factor is not None:
                return queue.replication_factor
            factor = self.figure(cid, "replication_factor")
            if factor is not None:
                return int(factor)
            return None if self.provider_redundant(cid) else self.rmin(cid)
        return self.rmin(cid)

    def zones(self, cid: str) -> int:
        known = self._zones.get(cid)
        if known is None:
            known = self._zones[cid] = self._zone_count(cid)
        return known

    def _zone_count(self, cid: str) -> int:
        """The zones a component's copies span over all its regions: a count of zones is
        per region, so two regions have at least two zones."""
        regions = self.regions(cid)
        stated = _zones_in_all(self.component(cid).zones, regions)
        if stated is not None:
            return stated
        if self.provider_redundant(cid):
            return self.deployment_zones
        return min(_zones_in_all(self._deployment_zone_spread, regions) or regions, self._spread_copies(cid))

    def regions(self, cid: str) -> int:
        known = self._regions.get(cid)
        if known is None:
            known = self._regions[cid] = self._region_count(cid)
        return known

    def _region_count(self, cid: str) -> int:
        stated = _count(self.component(cid).regions)
        if stated is not None:
            return stated
        if self.provider_redundant(cid):
            return 1
        return min(self.deployment_regions, self._spread_copies(cid))

    def _spread_copies(self, cid: str) -> int:
        """The copies the deployment's zones and regions spread: a store's by its
        replication, a broker's by its replication factor (3 copies need 3 brokers, placed
        across zones as any replicated component is), anything else its instances."""
        kind = self.kind(cid)
        if kind == "database" or kind in BROKER or self.component(cid).replication is not None:
            return self.copies(cid) or 1
        return self.rmin(cid) or 1

    def data(self, cid: str) -> set[str]:
        return set(self.component(cid).data or ())

    def money_data(self, cid: str) -> bool:
        return cid in self._data_holders[0]

    def sensitive_data(self, cid: str) -> bool:
        return cid in self._data_holders[1]

    @functools.cached_property
    def _data_holders(self) -> tuple[frozenset[str], frozenset[str]]:
        """The components holding money data, and those holding sensitive data (several
        rules ask about every component: one pass)."""
        money: set[str] = set()
        sensitive: set[str] = set()
        for cid, node in self.graph.nodes.items():
            data = node.component.data
            if data:
                if not MONEY_DATA.isdisjoint(data):
                    money.add(cid)
                if not SENSITIVE_DATA.isdisjoint(data):
                    sensitive.add(cid)
        return frozenset(money), frozenset(sensitive)

    def is_compute(self, cid: str) -> bool:
        return self.kind(cid) in COMPUTE

    def stateful(self, cid: str) -> bool:
        kind = self.kind(cid)
        if kind in COMPUTE:
            return self.component(cid).stateless is False
        return kind in ("database", "cache", "search", "object_storage") or kind in BROKER

    def documented_decision(self, cid: str) -> bool:
        """A decision whose `choice` is the component's id or tech, with a why and tradeoffs."""
        return cid in self._documented

    @functools.cached_property
    def _documented(self) -> frozenset[str]:
        choices = {
            decision.choice.strip().lower()
            for decision in self.design.decisions or ()
            if (decision.why or "").strip() and (decision.tradeoffs or "").strip()
        }
        if not choices:
            return frozenset()
        entries = {entry.id for entry in map(self.catalog.lookup, choices) if entry is not None}
        documented = set()
        ids: dict[int, str] = {}  # a catalog entry's id is a slow private attribute: once per entry
        for cid, node in self.graph.nodes.items():
            tech = (node.component.tech or "").strip().lower()
            in_catalog = False
            if node.tech is not None:
                key = id(node.tech)
                if key not in ids:
                    ids[key] = node.tech.id
                in_catalog = ids[key] in entries
            if cid.lower() in choices or (tech and tech in choices) or in_catalog:
                documented.add(cid)
        return frozenset(documented)

    # --- edges ----------------------------------------------------------------------

    def attempts(self, edge: Edge) -> int:
        """1 + retries.max (a bare number is max; no retries gives 1). Read by many rules
        and figures per edge: computed once."""
        known = self.attempt_counts.get(id(edge))
        if known is None:  # an edge built outside this graph (a plugin's): counted as it is
            retries = getattr(edge.props, "retries", None)
            known = 1 + (retries.max if retries is not None else 0)
        return known

    @functools.cached_property
    def attempt_counts(self) -> dict[int, int]:
        """id() of each edge of the graph -> `attempts(edge)`, for loops over many edges."""
        counts: dict[int, int] = {}
        for edge in self.graph.edges:
            retries = getattr(edge.props, "retries", None)
            counts[id(edge)] = 1 + (retries.max if retries is not None else 0)
        return counts

    def ids_of(self, kinds: frozenset[str]) -> list[str]:
        """The components of these kinds, in declaration order (several rules walk the
        brokers, or the stores: one pass over the nodes for each set of kinds)."""
        found = self._ids_of.get(kinds)
        if found is None:
            found = self._ids_of[kinds] = [cid for cid, node in self.graph.nodes.items() if node.kind in kinds]
        return found

    def consumer_groups(self, broker: str) -> dict[str, list[Edge]]:
        """The consumers of a broker by group (`group`, default the consumer's id); read,
        never changed, by several rules, per broker and per consume hop: built once."""
        groups = self._groups.get(broker)
        if groups is None:
            groups = self._groups[broker] = {}
            for edge in self.graph.out_edges.get(broker, ()):
                if edge.kind == CONSUME:  # the consumes edges (their props a Consumer), and only they
                    groups.setdefault(getattr(edge.props, "group", None) or edge.dst, []).append(edge)
        return groups

    def calls_from(self, cid: str) -> list[Edge]:
        """The `calls` edges out of a component, in declaration order (as
        `Graph.calls_from`, built once for all components rather than per call)."""
        return self._calls[0].get(cid, [])

    def calls_into(self, cid: str) -> list[Edge]:
        """The `calls` edges into a component, in declaration order."""
        return self._calls[1].get(cid, [])

    @functools.cached_property
    def _calls(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        out: dict[str, list[Edge]] = {}
        into: dict[str, list[Edge]] = {}
        for edge in self.graph.edges:
            if edge.sync:
                out.setdefault(edge.src, []).append(edge)
                into.setdefault(edge.dst, []).append(edge)
        return out, into

    @functools.cached_property
    def sorted_ids(self) -> list[str]:
        """Every component id in code-point order (the roots of the walks over the calls)."""
        return sorted(self.graph.nodes)

    @functools.cached_property
    def sync_order(self) -> list[str]:
        """Components in a topological order of the `calls` graph, cycle-closing edges
        ignored (ARC003 reports cycles). Deterministic; iterative DFS."""
        successors = {cid: [edges[0].dst] if len(edges) == 1 else sorted(e.dst for e in edges)
                      for cid, edges in self._calls[0].items()}
        return depth_first_order(self.sorted_ids, successors)

    def back_edge(self, edge: Edge) -> bool:
        """Whether a calls edge closes a cycle in `sync_order` (a DP over the order skips it)."""
        position = self._positions
        return position[edge.dst] <= position[edge.src]

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {cid: index for index, cid in enumerate(self.sync_order)}

    @functools.cached_property
    def forward_calls(self) -> dict[str, list[Edge]]:
        """The `calls` edges out of each component that are not back edges (a call to
        itself is one), in declaration order: the edges a DP over `sync_order` follows."""
        position = self._positions
        forward: dict[str, list[Edge]] = {}
        for cid, edges in self._calls[0].items():
            here = position[cid]
            kept = [edge for edge in edges if position[edge.dst] > here]
            if kept:
                forward[cid] = kept
        return forward

    @functools.cached_property
    def sync_cyclic(self) -> bool:
        """Whether the `calls` graph has a cycle through two or more components: some
        edge other than a call to itself goes back in `sync_order` (a depth-first order
        puts every edge of an acyclic graph forwards)."""
        position = self._positions
        return any(position[edge.dst] <= position[cid] and edge.dst != cid
                   for cid, edges in self._calls[0].items() for edge in edges)

    # --- flows ----------------------------------------------------------------------

    def routes(self) -> Iterable[Route]:
        return self.graph.routes.values()

    def start(self, route: Route) -> str:
        """`route.entry` (the first component of the flow's first chain), read once per
        flow: the figures ask for it many times per flow."""
        entry = self._starts.get(route.name)
        if entry is None:
            entry = self._starts[route.name] = route.entry
        return entry

    def average(self, route: Route) -> float | None:
        """peak(f) / peak_factor: the flow's rate (times the what-if load factor)."""
        rate = route.flow.rate
        return None if rate is None else rate * self.load_factor

    def peak(self, route: Route) -> float | None:
        """peak(f) = rate × scale.peak_factor (default 2), times the what-if load factor;
        a background flow's peak is its average (it runs at its own pace)."""
        average = self.average(route)
        if average is None or self.background(route):
            return average
        return average * self.peak_factor

    def background(self, route: Route) -> bool:
        """A flow started by a worker that consumes nothing: a scheduled job, a batch, a
        relay polling a table. Its rate is its own schedule, not users' traffic, so the
        users' peak factor does not apply. (A consumer's pace is its broker's business.)"""
        known = self._background.get(route.name)
        if known is None:
            node = self.graph.nodes.get(self.start(route))
            known = self._background[route.name] = \
                node is not None and node.kind == "worker" and not node.component.consumes
        return known

    def raw_rate(self, flow: str) -> str | None:
        """The flow's rate as written (`10B/month`), for showing the arithmetic."""
        value = (self.raw.get("flows") or {}).get(flow, {})
        rate = value.get("rate") if isinstance(value, dict) else None
        return rate if isinstance(rate, str) else None

    def user_facing(self, route: Route) -> bool:
        known = self._user_facing.get(route.name)
        if known is None:
            node = self.graph.nodes.get(self.start(route))
            known = self._user_facing[route.name] = \
                node is not None and (node.kind == "client" or node.component.public is True)
        return known

    def target(self, route: Route, name: str) -> Any:
        """target(f).x: the flow's own, else the requirements' (latency and availability
        only for user-facing flows; consistency for every flow)."""
        own = getattr(route.flow, name)
        if own is not None:
            return own
        if self.requirements is None:
            return None
        if name in ("availability", "latency_p99") and not self.user_facing(route):
            return None
        return getattr(self.requirements, name, None)

    def sync_hops(self, route: Route, cut_non_critical: bool = False) -> list[Hop]:
        """The flow's `calls` hops reachable from its entry along `calls` hops only (a hop
        after an async hop is never on a sync path); optionally cut before hops whose link
        has `critical: false`. Several rules and figures read these: computed once."""
        key = (route.name, cut_non_critical)
        cached = self._sync_hops.get(key)
        if cached is None:  # both forms at once: nearly every flow is asked for both
            every, critical = self._reach_sync(route)
            self._sync_hops[(route.name, False)] = every
            self._sync_hops[(route.name, True)] = critical
            cached = critical if cut_non_critical else every
        return cached

    def _reach_sync(self, route: Route) -> tuple[list[Hop], list[Hop]]:
        """(the flow's sync hops reached from its entry, those reached along critical
        hops only): one pass over the flow's hops."""
        eligible: list[Hop] = []  # the hops that may be on a sync path, in the flow's order
        by_src: dict[str, list[Hop]] = {}
        critical_by_src: dict[str, list[Hop]] = {}
        cut: set[int] = set()  # id() of the sync hops that are not critical
        for hop in route.hops:
            edge = hop.edge
            if not edge.sync:
                continue
            eligible.append(hop)
            by_src.setdefault(edge.src, []).append(hop)
            if hop.critical if hop.critical is not None else getattr(edge.props, "critical", None) is not False:
                critical_by_src.setdefault(edge.src, []).append(hop)  # self.critical(hop)
            else:
                cut.add(id(hop))
        # Every hop out of a component the entry reaches is on a sync path: find those
        # components, then keep their hops in the flow's order.
        seen = _reached(route.entry, by_src)
        every = [hop for hop in eligible if hop.edge.src in seen]
        if not cut:
            return every, every
        seen = _reached(route.entry, critical_by_src)
        return every, [hop for hop in eligible if id(hop) not in cut and hop.edge.src in seen]

    @staticmethod
    def critical(hop: Hop) -> bool:
        """Whether the flow fails when this call fails: the step's `critical` when it
        states one (a flow that needs a call another flow can do without), else the
        link's (`critical: false` on the call)."""
        if hop.critical is not None:
            return hop.critical
        props = hop.edge.props
        return getattr(props, "critical", None) is not False  # a Consumer has none

    def critical_hops(self, route: Route) -> list[Hop]:
        """The flow's critical path: its sync path if it is user-facing, cut before
        non-critical links; empty for flows that are not user-facing."""
        if not self.user_facing(route):
            return []
        return self.sync_hops(route, cut_non_critical=True)

    @functools.cached_property
    def critical_flows(self) -> dict[str, list[Route]]:
        """Component id -> the user-facing flows whose critical path enters it."""
        flows: dict[str, list[Route]] = {}
        for route in self.routes():
            for cid in dict.fromkeys(hop.edge.dst for hop in self.critical_hops(route)):
                flows.setdefault(cid, []).append(route)
        return flows

    def on_critical_path(self, cid: str) -> bool:
        return cid in self.critical_flows

    # --- operations ---------------------------------------------------------------------

    def op(self, hop: Hop) -> str | None:
        """What a hop does to the component it enters: "read", "write", "read+write" (its
        chains state both), or None (a flow of no stated type). The step's `op` when
        stated; else the flow's type, except for cache-aside lookups in write flows."""
        return self._ops.get(id(hop))

    def writes(self, hop: Hop) -> bool:
        return id(hop) in self.writing_hops

    def reads(self, hop: Hop) -> bool:
        return id(hop) in self.reading_hops

    # Many rules ask `writes`/`reads` of every hop of every flow: they can test id(hop)
    # against these sets in their loops.
    @functools.cached_property
    def writing_hops(self) -> frozenset[int]:
        """id() of every hop that writes (`writes(hop)`)."""
        return frozenset(key for key, op in self._ops.items() if op in ("write", "read+write"))

    @functools.cached_property
    def reading_hops(self) -> frozenset[int]:
        """id() of every hop that reads (`reads(hop)`)."""
        return frozenset(key for key, op in self._ops.items() if op in ("read", "read+write"))

    @functools.cached_property
    def _ops(self) -> dict[int, str | None]:
        ops: dict[int, str | None] = {}
        kind = self.kind
        for route in self.routes():
            flow_type = route.flow.type
            writers: set[str] = set()
            if flow_type == "write":
                for hop in route.hops:
                    if kind(hop.edge.dst) in DURABLE_KINDS and hop.op in (None, "write", "read+write"):
                        writers.add(hop.edge.src)
            for hop in route.hops:
                if hop.op is not None:
                    ops[id(hop)] = hop.op
                elif flow_type == "write" and hop.edge.src in writers and kind(hop.edge.dst) in LOOKUP_KINDS \
                        and not self._written_through(hop.edge.dst):
                    ops[id(hop)] = "read"
                else:
                    ops[id(hop)] = flow_type
        return ops

    def _written_through(self, cid: str) -> bool:
        """A cache that writes reach by design (`invalidation: write_through` or
        `write_behind`): a write flow's call to it is a write, not a lookup."""
        cache = self.component(cid).cache
        return cache is not None and cache.invalidation in ("write_through", "write_behind")

    def payload(self, route: Route, hop: Hop) -> float | None:
        """The bytes a hop writes: its step's `payload`, else the flow's (one size, or the
        entry of the hop's component in a map); None for a hop that does not write."""
        if not self.writes(hop):
            return None
        return hop.payload if hop.payload is not None else route.flow.payload_for(hop.edge.dst)

    # --- hops by edge -------------------------------------------------------------------
    # A component's load (peak, levelled behind queues) is `figures.loads`: one
    # computation for estimate, the rules, the review and the diagram labels.

    def flows_taking(self, edge: Edge) -> list[Route]:
        """The flows one of whose chains contains this edge, in declaration order."""
        return [route for route, _hop in self._hops_by_edge.get(id(edge), ())]

    def hops_taking(self, edge: Edge) -> list[tuple[Route, Hop]]:
        """(flow, its hop) for every flow that takes this edge, in declaration order."""
        return self._hops_by_edge.get(id(edge), [])

    @functools.cached_property
    def _hops_by_edge(self) -> dict[int, list[tuple[Route, Hop]]]:
        hops: dict[int, list[tuple[Route, Hop]]] = {}
        for route in self.routes():
            for hop in route.hops:
                hops.setdefault(id(hop.edge), []).append((route, hop))
        return hops

    @functools.cached_property
    def first_taken(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(src, dst) of each hop -> (flow index, hop index) of the first flow taking it:
        "f takes e before e'" compares these."""
        first: dict[tuple[str, str], tuple[int, int]] = {}
        for flow_index, route in enumerate(self.routes()):
            for hop_index, hop in enumerate(route.hops):
                first.setdefault((hop.edge.src, hop.edge.dst), (flow_index, hop_index))
        return first

    def hop_of(self, route: Route, edge: Edge) -> Hop | None:
        for hop in route.hops:
            if hop.edge is edge:
                return hop
        return None
