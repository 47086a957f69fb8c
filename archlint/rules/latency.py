"""LAT: latency. A flow's slowest synchronous chain against its p99 target, the number
of network hops a user-facing request crosses, and synchronous waits on another region
(rules.md, "LAT: latency").

LAT001 compares exactly the figure `archlint estimate` prints (`Terms.figures.latency`).
LAT002 is a dynamic programme per user-facing flow over its synchronous hops in
topological order, keeping the hop counts (up to the limit) that reach each component:
O(hops x max_hops) per flow, never a walk over all paths. LAT003 is one pass over the
edges and the flows' hops.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from archlint.analysis.algorithms import kahn_order
from archlint.analysis.graph import Hop, Route
from archlint.findings import Finding, Path
from archlint.input.units import format_duration
from archlint.rules import RuleContext, check, exceeds, joined
from archlint.rules.phrasing import flows as flow_list
from archlint.rules.phrasing import listed, ordinal, plural

_PATH_SHOWN = 12  # components of a path shown in a message before it is shortened


# --- LAT001 latency-target-unreachable ----------------------------------------------------

@check("LAT001")
def latency_target_unreachable(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for route in terms.routes():
        if terms.target(route, "latency_p99") is None:
            continue  # flows without a target never pay for the figures
        latency = terms.figures.latency[route.name]
        if latency.value is None or latency.target is None or not exceeds(latency.value, latency.target):
            continue
        own = route.flow.latency_p99 is not None
        path: Path = ("flows", route.name, "latency_p99") if own else ("flows", route.name)
        unknown = ""
        if latency.unknown:
            unknown = f"; the p99 of {listed(latency.unknown)} is unknown and counted as 0"
        message = (f"flow '{route.name}' takes {format_duration(latency.value)} at p99 "
                   f"({latency.work}), over its {format_duration(latency.target)} target{unknown}")
        known = [part for part in latency.parts if part.value]
        slowest = max(known, key=lambda part: part.value) if known else None
        where = f"flows.{route.name}.latency_p99" if own else "requirements.latency_p99"
        excess = format_duration(latency.value - latency.target)
        if slowest is not None:
            hint = (f"take {excess} off the chain: its slowest part is {slowest.cid} "
                    f"({format_duration(slowest.value)}); serve it from a cache or precomputed results, "
                    f"move it off the request path through a queue, or relax {where}")
        else:
            hint = f"take {excess} off the chain, or relax {where}"
        yield ctx.finding(path, message, hint=hint)


# --- LAT002 too-many-sync-hops -------------------------------------------------------------

def _coordination_techs(ctx: RuleContext) -> list[str]:
    """`ARC005.coordination_techs` (read by ARC005 and LAT002), merged from the defaults,
    the configuration, the design's `lint.options` and the command line."""
    return list(ctx.options_of("ARC005").get("coordination_techs") or [])


def _topological(route: Route, hops: list[Hop]) -> tuple[list[str], dict[str, list[Hop]]]:
    """The flow's components reached by its sync hops in a topological order of those
    hops (Kahn), with their outgoing hops in the order the flow takes them. Components
    on a cycle of the flow's own hops are left out (validation reports such a flow,
    INP022)."""
    out: dict[str, list[Hop]] = {}
    for hop in hops:
        out.setdefault(hop.edge.src, []).append(hop)
    order = kahn_order(route.entry, {src: [hop.edge.dst for hop in listed] for src, listed in out.items()})
    return order, out


@check("LAT002")
def too_many_sync_hops(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    limit = ctx.options["max_hops"]
    extra: list[str] | None = None
    coordination: dict[str, bool] = {}

    def counted(hop: Hop) -> bool:
        edge = hop.edge
        if terms.kind(edge.src) == "client":
            return False
        if edge.dst not in coordination:
            coordination[edge.dst] = terms.coordination(edge.dst, extra)
        return not coordination[edge.dst]

    for route in terms.routes():
        if not terms.user_facing(route):
            continue
        hops = terms.sync_hops(route)
        if len(hops) <= limit:
            continue  # no path can be longer than the flow's sync hops
        if extra is None:
            extra = _coordination_techs(ctx)
        order, out = _topological(route, hops)
        # levels[c]: hop count -> (previous component, its count) on the first path found
        # that reaches c with that count; counts past the limit are dropped.
        levels: dict[str, dict[int, tuple[str, int] | None]] = {route.entry: {0: None}}
        reported: list[Hop] = []
        for node in order:
            here = levels.get(node)
            if not here:
                continue
            for hop in out.get(node, ()):
                step = 1 if counted(hop) else 0
                if step and limit in here:  # each hop is seen once: its caller is visited once
                    reported.append(hop)
                there = levels.setdefault(hop.edge.dst, {})
                for count in here:
                    reached = count + step
                    if reached <= limit and reached not in there:
                        there[reached] = (node, count)
        if reported:
            yield from _hop_findings(ctx, route, reported, levels, limit)


def _hop_findings(ctx: RuleContext, route: Route, reported: list[Hop],
                  levels: dict[str, dict[int, tuple[str, int] | None]], limit: int) -> Iterator[Finding]:
    """One finding per chain of the flow (the first chain taking each hop), naming all of
    that chain's reported hops in the order the flow takes them."""

    def path_to(hop: Hop) -> str:
        names = [hop.edge.dst]
        state: tuple[str, int] | None = (hop.edge.src, limit)
        while state is not None:
            names.append(state[0])
            state = levels[state[0]][state[1]]
        names.reverse()
        if len(names) > _PATH_SHOWN:  # a long path keeps its start and the hops near the crossing
            names = names[:2] + ["..."] + names[-(_PATH_SHOWN - 3):]
        return " -> ".join(names)

    order = {id(hop): index for index, hop in enumerate(route.hops)}
    by_step: dict[int, list[Hop]] = {}
    for hop in reported:
        by_step.setdefault(hop.step, []).append(hop)
    nth = ordinal(limit + 1)
    for step in sorted(by_step):
        hops = sorted(by_step[step], key=lambda hop: order[id(hop)])
        calls = joined([f"{hop.edge.src} -> {hop.edge.dst}" for hop in hops])
        which = "the" if len(hops) == 1 else "each the"
        paths = "; ".join(path_to(hop) for hop in hops)
        first = hops[0].edge
        yield ctx.finding(
            ("flows", route.name, "steps", step),
            f"user-facing flow '{route.name}' takes {calls}, {which} {nth} server-side hop of one "
            f"synchronous path ({paths}; at most {limit})",
            hint=f"keep at most {limit} server-side hops on the request path: merge services that always run "
                 f"together, drop a layer that only forwards (an extra proxy or aggregator), or move "
                 f"{first.src} -> {first.dst} off the request path through a queue",
        )


# --- LAT003 cross-region-sync-wait ---------------------------------------------------------

def _global(ctx: RuleContext, cid: str) -> bool:
    """Catalog `global: true`: the tech replicates itself into every region."""
    return ctx.terms.figure(cid, "global") is True


@check("LAT003")
def cross_region_sync_wait(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    graph = ctx.graph
    regions: dict[str, int] = {}

    def regions_of(cid: str) -> int:
        if cid not in regions:
            regions[cid] = terms.regions(cid)
        return regions[cid]

    # (a) a user-facing flow takes a call into a part spread over fewer regions.
    for edge in graph.edges:
        if not edge.sync:
            continue
        # The regions first: on most designs no call crosses them, and then no flow is listed.
        here, there = regions_of(edge.src), regions_of(edge.dst)
        if here <= there:
            continue
        routes = terms.flows_taking(edge)
        if not routes or _global(ctx, edge.dst):
            continue
        facing = [route for route in routes if terms.user_facing(route)]
        if not facing:
            continue
        yield ctx.finding(
            edge.path,
            f"call {edge.src} -> {edge.dst} crosses regions: {edge.src} runs in {plural(here, 'region')} "
            f"but {edge.dst} in {plural(there, 'region')}, so in {here - there} of them user-facing "
            f"{_flow_names(facing)} waits on a round trip to another region at every call",
            hint=f"give {edge.dst} a copy in each of {edge.src}'s {here} regions (components.{edge.dst}.regions: "
                 f"{here}, replicated and read locally), or keep {edge.src} in {plural(there, 'region')}",
        )

    # (b) a write flow enters a database that replicates synchronously across regions.
    writers: dict[str, list[Route]] = {}
    for route in terms.routes():
        if route.flow.type != "write":
            continue
        for cid in dict.fromkeys(hop.edge.dst for hop in route.hops if id(hop) in terms.writing_hops):
            if terms.kind(cid) == "database":
                writers.setdefault(cid, []).append(route)
    for cid, routes in writers.items():
        replication = terms.component(cid).replication
        if replication is None or replication.synchronous is not True:
            continue
        count = regions_of(cid)
        if count <= 1 or _global(ctx, cid):
            continue
        yield ctx.finding(
            ("components", cid, "replication", "synchronous"),
            f"database {cid} replicates synchronously across {count} regions, so every write of "
            f"{_flow_names(routes)} waits for a round trip to another region before it commits",
            hint=f"replicate to the other regions asynchronously (components.{cid}.replication.synchronous: "
                 f"false) and keep the synchronous copies within one region's zones, or keep {cid} in one region",
        )


def _flow_names(routes: Iterable[Route]) -> str:
    return flow_list(route.name for route in routes)
