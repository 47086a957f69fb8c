"""ARC: architecture and complexity. More deployables than the team or the load
justify, databases shared across service boundaries, synchronous cycles, components
with too many collaborators, and request paths that cross too many services in a row.

Every check is linear in components + edges (+ flow hops): cycles come from one
iterative Tarjan pass, chain depth from one dynamic-programming pass over the
topological order of the `calls` graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archlint.analysis.algorithms import strongly_connected
from archlint.analysis.graph import Edge
from archlint.findings import Finding
from archlint.input.units import format_rate
from archlint.language.kinds import COMPUTE
from archlint.rules import RuleContext, check, joined
from archlint.rules.phrasing import listed, ordinal, plural

_SERVICE_LIKE = frozenset({"service", "function"})
_OUTSIDE = frozenset({"client", "external"})  # not built and deployed with the system


def _rate(per_second: float) -> str:
    return format_rate(per_second)


def _number(value: float) -> str:
    return f"{value:g}"


# --- ARC001 premature-microservices ------------------------------------------------------

def _microservices_decided(design: Any) -> bool:
    """A documented decision (non-empty why and tradeoffs) whose choice is
    `microservices`, compared case-insensitively. Not tied to a component, so
    Terms.documented_decision (by id or tech) does not cover it."""
    for decision in design.decisions or ():
        if (
            (decision.choice or "").strip().lower() == "microservices"
            and (decision.why or "").strip()
            and (decision.tradeoffs or "").strip()
        ):
            return True
    return False


@check("ARC001")
def premature_microservices(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    design = ctx.design
    free = ctx.options["free_services"]
    per_service = ctx.options["engineers_per_service"]
    min_peak = ctx.options["min_peak_rate"]

    compute = [cid for cid in design.components if terms.is_compute(cid)]
    n = len(compute)
    if n <= free or _microservices_decided(design):
        return

    engineers = design.team.engineers if design.team is not None else None
    too_few_engineers = engineers is not None and per_service > 0 and n > engineers / per_service

    routes = list(terms.routes())
    peaks = [terms.peak(route) for route in routes]
    peak_known = bool(routes) and all(peak is not None for peak in peaks)
    total_peak = sum(peaks) if peak_known else None
    too_little_load = total_peak is not None and total_peak < min_peak

    if not (too_few_engineers or too_little_load):
        return

    reasons = []
    if engineers is not None:
        staffed = _number(engineers / per_service) if per_service > 0 else "any number"
        reasons.append(f"{plural(engineers, 'engineer')} staff about {staffed} at {_number(per_service)} each")
    if total_peak is not None:
        below = f", below the {_rate(min_peak)} one deployable carries" if too_little_load else ""
        reasons.append(f"all flows together peak at {_rate(total_peak)}{below}")
    message = (f"{n} compute components ({listed(sorted(compute))}) for a system that justifies "
               f"{free}: {'; '.join(reasons)}")
    # Low load: one system is enough; too few engineers: as many as they can staff.
    target = free if too_little_load else max(free, int(engineers // per_service))
    hint = (f"merge them into at most {plural(target, 'deployable')} (a modular monolith), or record a "
            f"decision with choice: microservices, its why and its tradeoffs")
    yield ctx.finding(("components",), message, hint=hint)


# --- ARC002 shared-database ----------------------------------------------------------------

def _owner(component: Any) -> str | None:
    owner = (component.owner or "").strip()
    return owner or None


@check("ARC002")
def shared_database(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    graph = ctx.graph
    for db, node in graph.nodes.items():
        if node.kind != "database":
            continue
        # One `calls` edge per caller (edges are keyed by their target id).
        callers = [edge.src for edge in terms.calls_into(db) if edge.src != db and terms.is_compute(edge.src)]
        if len(callers) < 2:
            continue
        owners = {cid: _owner(terms.component(cid)) for cid in callers}
        owned = [cid for cid in callers if owners[cid] is not None]
        # (a) two callers with different owners; (b) two services/functions, one unowned.
        distinct_owners = {owners[cid] for cid in owned}
        service_like = [cid for cid in callers if terms.kind(cid) in _SERVICE_LIKE]
        branch_a = len(distinct_owners) >= 2
        branch_b = len(service_like) >= 2 and any(owners[cid] is None for cid in service_like)
        if not (branch_a or branch_b):
            continue
        # The callers that form such a pair: every owned caller under (a), every
        # service or function under (b).
        involved = set(owned) if branch_a else set()
        if branch_b:
            involved.update(service_like)
        named = [f"{cid} ({f'owner {owners[cid]}' if owners[cid] else 'no owner'})" for cid in sorted(involved)]
        message = f"database {db} is called directly by {listed(named)}, so none of them can change its schema alone"
        hint = (f"let one service own {db} and have the others call that service or consume its events; "
                f"if one team owns them all, set the same owner on each")
        yield ctx.finding(node.path, message, hint=hint)


# --- ARC003 sync-cycle -----------------------------------------------------------------------

def _sync_sccs(ctx: RuleContext) -> list[list[str]]:
    """Strongly connected components (two or more members) of the `calls` graph without
    clients, externals and self-calls, each sorted, in order of their first member."""
    graph = ctx.graph
    if not ctx.terms.sync_cyclic:
        return []  # no cycle in the whole calls graph, so none without clients and externals
    inside = [cid for cid in ctx.terms.sorted_ids if graph.nodes[cid].kind not in _OUTSIDE]
    keep = set(inside)
    successors = {
        cid: sorted({e.dst for e in ctx.terms.calls_from(cid) if e.dst != cid and e.dst in keep}) for cid in inside
    }
    return sorted((sorted(members) for members in strongly_connected(inside, successors)),
                  key=lambda members: members[0])


@check("ARC003")
def sync_cycle(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    for members in _sync_sccs(ctx):
        cycle = set(members)
        a = members[0]
        b = min(e.dst for e in ctx.terms.calls_from(a) if e.dst in cycle and e.dst != a)
        edge = graph.edge(a, b)
        if len(members) == 2:
            message = f"{a} and {b} call each other synchronously (a cycle)"
        else:
            message = f"{listed(members)} call each other synchronously in a cycle of {len(members)} components"
        hint = (f"replace one call of the loop with events through a queue (for example {b} publishes "
                f"changes that {a} consumes), or merge {listed(members)} into one component")
        yield ctx.finding(edge.path, message, hint=hint)


# --- ARC004 god-component --------------------------------------------------------------------

@check("ARC004")
def god_component(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    graph = ctx.graph
    limit = ctx.options["max_dependencies"]
    for cid, node in graph.nodes.items():
        if not terms.is_compute(cid):
            continue
        # Distinct ids across calls, publishes and consumes (for a `consumes` edge the
        # broker is the source); a component does not depend on itself.
        dependencies = {e.dst for e in graph.out_edges.get(cid, ()) if e.kind != "consumes"}
        dependencies.update(e.src for e in graph.in_edges.get(cid, ()) if e.kind == "consumes")
        dependencies.discard(cid)
        if len(dependencies) <= limit:
            continue
        message = (f"{cid} depends on {len(dependencies)} components ({listed(sorted(dependencies))}), "
                   f"more than {limit}")
        hint = (f"split {cid} by domain so that each part has at most {limit} dependencies, or put a "
                f"service in front of a group of its dependencies")
        yield ctx.finding(node.path, message, hint=hint)


# --- ARC005 deep-sync-chain --------------------------------------------------------------------

Level = dict[int, str | None]  # counted components so far -> the last one counted


def _chain_depths(ctx: RuleContext) -> tuple[dict[str, Level], dict[tuple[str, int], str | None], list[Edge]]:
    """The calls that bring in counted compute component number max+1 on an entry path.

    One pass over `sync_order`, skipping back edges (ARC003 reports cycles) and links
    with `critical: false`, which end a path. Rather than only the largest count per
    component, each component keeps every count from 0 to max that some entry path
    reaches it with: a call A -> B into a counted B is reported when A is reached with
    exactly max, even if a longer path also reaches A (that path's own crossing is
    reported where it happens). Counts past max are dropped, as nothing after them is
    reported, so the pass costs O((components + calls) x max).

    Returns, per reached component, its counts with the last counted component on a path
    of that count; for each counted component and count, the counted one before it (to
    name the chain in O(max) per finding); and the reported calls."""
    terms = ctx.terms
    graph = ctx.graph
    limit = ctx.options["max_services"]
    extra = ctx.options.get("coordination_techs") or []

    nodes = graph.nodes
    weight = {cid: 1 if node.kind in COMPUTE and not terms.coordination(cid, extra) else 0
              for cid, node in nodes.items()}
    # Components some other component calls: the rest are entries of paths.
    called = {edge.dst for edge in graph.edges if edge.sync and edge.src != edge.dst}
    levels: dict[str, Level] = {}
    previous: dict[tuple[str, int], str | None] = {}
    order = terms.sync_order
    for cid in order:
        # An entry: nothing else calls it (a call to itself is never a step of a path).
        if cid not in called and weight[cid] <= limit:
            levels[cid] = {weight[cid]: cid if weight[cid] else None}
            if weight[cid]:
                previous[(cid, 1)] = None
    reported: list[Edge] = []
    forward = terms.forward_calls  # no back edge (ARC003's cycles), no call to itself
    for cid in order:
        here = levels.get(cid)
        if here is None:
            continue  # reached only through a cycle, a non-critical link, or past the limit
        for edge in forward.get(cid, ()):
            if edge.props.critical is False:
                continue
            dst = edge.dst
            step = weight[dst]
            if step and limit in here:
                reported.append(edge)
            there = levels.get(dst)
            for count, last in here.items():
                reached = count + step
                if reached > limit:
                    continue
                if there is None:
                    there = levels[dst] = {}
                if reached not in there:
                    there[reached] = dst if step else last
                    if step:
                        previous[(dst, reached)] = last
    return levels, previous, reported


@check("ARC005")
def deep_sync_chain(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    limit = ctx.options["max_services"]
    levels, previous, reported = _chain_depths(ctx)
    if not reported:
        return

    def chain(edge: Edge) -> str:
        """One entry path's counted components up to the reported call's callee."""
        names = [edge.dst]
        node, count = levels[edge.src][limit], limit
        while node is not None:
            names.append(node)
            node, count = previous[(node, count)], count - 1
        return " -> ".join(reversed(names))

    nth = ordinal(limit + 1)
    # Findings at a flow's chain, grouped so that one chain names all its reported edges;
    # edges no flow takes are reported at the call itself.
    by_step: dict[tuple[str, int], list[tuple[int, Edge]]] = {}
    positions: dict[str, dict[int, tuple[int, int]]] = {}  # flow -> id(edge) -> (hop index, chain)
    for edge in reported:
        routes = terms.flows_taking(edge)
        if not routes:
            message = (f"call {edge.src} -> {edge.dst} brings in {edge.dst}, the {nth} service in a row "
                       f"({chain(edge)}; at most {limit}); no flow takes this call")
            yield ctx.finding(edge.path, message, hint=_hint(edge, limit))
            continue
        for route in routes:
            where = positions.get(route.name)
            if where is None:
                where = positions[route.name] = {id(hop.edge): (i, hop.step) for i, hop in enumerate(route.hops)}
            order, step = where[id(edge)]
            group = by_step.setdefault((route.name, step), [])
            if all(other is not edge for _, other in group):
                group.append((order, edge))
    # Flows in declaration order, chains in order; a chain's edges in the order it takes them.
    declared = {name: i for i, name in enumerate(ctx.graph.routes)}
    for name, step in sorted(by_step, key=lambda key: (declared[key[0]], key[1])):
        edges = [edge for _, edge in sorted(by_step[(name, step)], key=lambda item: item[0])]
        calls = joined([f"{e.src} -> {e.dst}" for e in edges])
        chains = "; ".join(chain(e) for e in edges)
        which = "brings in" if len(edges) == 1 else "each bring in"
        message = (f"flow '{name}' takes {calls}, which {which} the {nth} service in a row "
                   f"({chains}; at most {limit})")
        yield ctx.finding(("flows", name, "steps", step), message, hint=_hint(edges[0], limit))


def _hint(edge: Edge, limit: int) -> str:
    return (f"keep at most {limit} services in one synchronous chain: merge {edge.dst} into {edge.src}, "
            f"make {edge.src} -> {edge.dst} asynchronous through a queue, or mark it critical: false "
            f"if {edge.src} can answer without it")
