"""AVL: availability and single points of failure. Replica and zone rules skip managed
parts (the provider runs their redundancy) unless the design states them as one instance
or one zone (`Terms.provider_single`), and functions (the platform runs instances).

AVL006 (availability below target) compares exactly the figure `archlint estimate`
prints (`Terms.figures.availability`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archlint.findings import SEVERITY_RANK, Finding, Path
from archlint.rules import RuleContext, check, falls_short, joined, reaches, stated
from archlint.rules.phrasing import flows as flow_list
from archlint.rules.phrasing import listed, percent

# A floor of fewer than two instances leaves nothing to take over: rmin = 1, and also an
# autoscaling minimum of 0, which AVL004's "copies >= 2" would otherwise leave unreported.
_ENOUGH = 2
# The kinds some rules here look at, each list of components kept by the terms.
_AVL001_KINDS = frozenset({"service", "worker", "cache", "search"})
_BALANCERS = frozenset({"load_balancer", "api_gateway"})
_SERVICES = frozenset({"service", "worker"})




def _named(kind: str, cid: str) -> str:
    """`service api`, but `search-index` rather than `search search-index`."""
    return cid if kind.replace("_", "-") in cid else f"{kind} {cid}"


def _instances(count: int) -> str:
    return f"{count} instance" + ("" if count == 1 else "s")


def _floor_path(ctx: RuleContext, cid: str) -> Path:
    """`components.<c>.replicas` when that field sets rmin, else the component."""
    component = ctx.terms.component(cid)
    if component.replicas is not None and component.autoscaling is None:
        return ("components", cid, "replicas")
    return ("components", cid)


def _floor_hint(ctx: RuleContext, cid: str) -> str:
    if ctx.terms.component(cid).autoscaling is not None:
        return f"raise components.{cid}.autoscaling.min to {_ENOUGH} or more"
    return f"set components.{cid}.replicas to {_ENOUGH} or more"


@check("AVL001")
def single_instance_on_critical_path(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    relayed = _async_single_points(ctx)
    for cid in terms.ids_of(_AVL001_KINDS):
        kind = terms.kind(cid)
        if kind in ("service", "worker"):
            if terms.component(cid).stateless is False:
                continue  # AVL003
        elif kind not in ("cache", "search"):
            continue
        if terms.provider_redundant(cid):
            continue
        routes = terms.critical_flows.get(cid) if kind != "worker" else None
        carried = relayed.get(cid, [])
        if not routes and not carried:
            continue
        # A cache or search cluster that states replication keeps that many copies,
        # as its availability figure counts them; compute counts its instance floor.
        floor = (terms.copies(cid) or 1) if kind in ("cache", "search") else terms.rmin(cid)
        if floor >= _ENOUGH:
            continue
        where = []
        if routes:
            where.append(f"on the critical path of {_flow_names(routes)}")
        if carried:
            where.append(f"every event of {_flow_names(carried)} passes through it")
        placed = f"at minimum {where[0]}" if routes else f"at minimum, and {where[0]}"
        if len(where) > 1:
            placed += f", and {where[1]}"
        single = terms.provider_single(cid)
        note = ""
        if single is not None:
            note = f" (managed {terms.tech_name(cid)} stated as {single})"
        elif kind in ("cache", "search") and terms.component(cid).managed is None and terms.default_note(cid):
            note = f" ({terms.default_note(cid)}, so it counts as self-run)"
        stops = "so one crash stops the flow" if not carried else \
            "so one crash stops the flow until it is replaced (events wait in the broker or the outbox)"
        hint = f"{_floor_hint(ctx, cid)} so another instance takes over when one fails"
        if carried and not routes:
            hint += " (consumers in one group share the work; a relay needs leader election or a lease)"
        if note and single is None:
            hint += f", or set components.{cid}.managed: true if a provider runs it"
        yield ctx.finding(
            _floor_path(ctx, cid),
            f"{_named(kind, cid)}{note} runs {_instances(floor)} {placed}, {stops}",
            hint=hint,
        )


def _async_single_points(ctx: RuleContext) -> dict[str, list[Any]]:
    """Workers and services that every event of a flow's asynchronous part passes
    through (a consumer, an outbox relay, a CDC connector): the flows, by component.
    A hop counts when all of the flow's requests take it (share 100%); a consumer counts
    only when no other member of its consumer group shares the work."""
    terms = ctx.terms
    carried: dict[str, list[Any]] = {}
    for route in terms.routes():
        sync_hops = terms.sync_hops(route)
        if len(sync_hops) == len(route.hops):
            continue  # every hop is on the synchronous part (a subset of the hops): no event to carry
        sync = {id(hop) for hop in sync_hops}
        # The synchronous part's own components answer for it on the critical path; a
        # publisher there is not what the events wait on. A flow that is not user-facing
        # has no critical path: its entry (an outbox relay or CDC connector polling a
        # store) is what every event waits on when it publishes them.
        on_sync_part = {hop.edge.dst for hop in sync_hops}
        if terms.user_facing(route):
            on_sync_part.add(route.entry)
        touched: list[str] = []
        for hop in route.hops:
            if id(hop) in sync or not reaches(hop.share, 1.0):
                continue
            edge = hop.edge
            for cid in (edge.src, edge.dst):
                if terms.kind(cid) not in ("worker", "service") or cid in touched or cid in on_sync_part:
                    continue
                if edge.kind == "consumes" and cid == edge.dst and _group_shared(ctx, edge):
                    continue
                if cid == edge.src and edge.kind == "consumes":
                    continue  # the broker hands out; its consumer is the dst
                touched.append(cid)
        for cid in touched:
            carried.setdefault(cid, []).append(route)
    return carried


def _group_shared(ctx: RuleContext, edge: Any) -> bool:
    """Another component in the consumer's group takes messages from the same broker."""
    group = edge.props.group or edge.dst
    members = ctx.terms.consumer_groups(edge.src).get(group, [])
    return any(other.dst != edge.dst for other in members)


@check("AVL002")
def single_load_balancer(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid in terms.ids_of(_BALANCERS):
        kind = terms.kind(cid)
        routes = terms.critical_flows.get(cid)
        if not routes or terms.provider_redundant(cid):
            continue
        floor = terms.rmin(cid)
        if floor >= _ENOUGH:
            continue
        label = "load balancer" if kind == "load_balancer" else "API gateway"
        tech = terms.component(cid).tech
        named = f"{label} {cid}" + (f" ({tech})" if tech else "")
        yield ctx.finding(
            ("components", cid),
            f"self-run {named} has {_instances(floor)} in front of {_flow_names(routes)}, "
            f"a single point of failure for every request through it",
            hint=f"{_floor_hint(ctx, cid)} with failover between them, or use a managed {label} "
                 f"(e.g. {'aws-alb' if kind == 'load_balancer' else 'api-gateway'})",
        )


@check("AVL003")
def stateful_service_single_instance(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid in terms.ids_of(_SERVICES):
        kind = terms.kind(cid)
        if terms.component(cid).stateless is not False:
            continue
        if terms.provider_redundant(cid):
            continue
        floor = terms.rmin(cid)
        if floor >= _ENOUGH:
            continue
        yield ctx.finding(
            ("components", cid),
            f"{_named(kind, cid)} keeps state in memory (stateless: false) on {_instances(floor)}: "
            f"a crash loses that state and nothing takes over",
            hint=f"move the state of {cid} into a replicated store and make it stateless, "
                 f"or run {_ENOUGH} or more instances that share it",
        )


@check("AVL004")
def single_zone(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    design = ctx.design
    min_target = ctx.options["min_target"]
    deployment_zones_set = design.deployment is not None and design.deployment.zones is not None
    grouped: list[tuple[str, int, list[Any]]] = []  # components whose finding lands on deployment.zones
    targets = {route.name: terms.target(route, "availability") for route in terms.routes()}
    for cid in ctx.graph.nodes:
        routes = terms.critical_flows.get(cid)
        if not routes or terms.provider_redundant(cid):
            continue
        demanding = [
            route for route in routes
            if (target := targets[route.name]) is not None and reaches(target, min_target)
        ]
        if not demanding:
            continue
        # The copies the availability figure counts: a store that states replication
        # (a database, a replicated cache or search cluster) keeps its copies.
        copies = terms.copies(cid) if terms.kind(cid) == "database" or terms.component(cid).replication is not None \
            else terms.rmin(cid)
        if copies is None or copies < 2 or terms.zones(cid) != 1:
            continue
        if terms.component(cid).zones is not None:
            path: Path = ("components", cid, "zones")
            hint = f"spread {cid} over 2 or more zones (components.{cid}.zones: 2, or 3 for a quorum)"
        elif deployment_zones_set:
            grouped.append((cid, copies, demanding))
            continue
        else:
            path = ("components", cid)
            hint = "set deployment.zones to 2 or more (3 is usual) so the copies of each part spread across zones"
        yield ctx.finding(
            path,
            f"the {copies} copies of {cid} all sit in one zone on the critical path of {_targets(ctx, demanding)}, "
            f"so one zone outage stops it",
            hint=hint,
        )
    if grouped:
        names = joined(f"{cid} ({copies} copies)" for cid, copies, _ in grouped)
        routes = _distinct(route for _, _, demanding in grouped for route in demanding)
        yield ctx.finding(
            ("deployment", "zones"),
            f"the deployment has 1 zone, so all copies of {names} sit in one zone on the critical path of "
            f"{_targets(ctx, routes)}, and one zone outage stops it",
            hint="set deployment.zones to 2 or more (3 is usual) so the copies spread across zones",
        )


def _factor(figure: Any, part: Any) -> str:
    """`api 99.5%`, or `origin 99.45% on 5% of requests` for a part not every request reaches."""
    if part.value is None:
        return f"{part.cid} ?"
    share = figure.shares.get(part.cid, 1.0)
    if share >= 1:
        return f"{part.cid} {percent(part.value)}"
    return f"{part.cid} {percent(part.value)} on {percent(share)} of requests"


def _targets(ctx: RuleContext, routes: list[Any]) -> str:
    """`flow 'buy' (target 99.95%)`, `flows 'a' (target 99.9%) and 'b' (target 99.99%)`."""
    names = [f"'{route.name}' (target {percent(ctx.terms.target(route, 'availability'))})" for route in routes]
    return ("flow " if len(names) == 1 else "flows ") + listed(names)


def _distinct(routes: Any) -> list[Any]:
    """Routes in first-seen order, each once."""
    seen: dict[str, Any] = {}
    for route in routes:
        seen.setdefault(route.name, route)
    return list(seen.values())


@check("AVL005")
def missing_health_check(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid in terms.ids_of(_SERVICES):
        kind = terms.kind(cid)
        if stated(terms.component(cid).health_check) or terms.managed(cid):
            continue
        callers = [edge.src for edge in ctx.terms.calls_into(cid)]
        if not callers:
            continue
        yield ctx.finding(
            ("components", cid),
            f"{_named(kind, cid)} receives calls from {listed(callers)} but has no health check, "
            f"so traffic keeps reaching instances that are up but broken",
            hint=f"add health_check: /healthz to {cid} so failing instances are taken out of rotation",
        )


@check("AVL006")
def availability_below_target(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for route in terms.routes():
        if terms.target(route, "availability") is None:
            continue  # flows without a target never pay for the figures
        figure = terms.figures.availability[route.name]
        if figure.value is None or figure.target is None or not falls_short(figure.value, figure.target):
            continue  # no sync hop, or at or above the target
        own = route.flow.availability is not None
        path: Path = ("flows", route.name, "availability") if own else ("flows", route.name)
        parts = [part for part in figure.parts if terms.kind(part.cid) != "client"]
        factors = [_factor(figure, part) for part in parts]
        if figure.region is not None:
            factors.append(f"one region {percent(figure.region.value)}")
        unknown = ""
        if figure.unknown:
            unknown = f"; the availability of {listed(figure.unknown)} is unknown and counted as 100%"
        message = (f"flow '{route.name}' has an estimated availability of {percent(figure.value)} along its "
                   f"synchronous hops ({' × '.join(factors)}), below its {percent(figure.target)} target")
        where = f"flows.{route.name}.availability" if own else "requirements.availability"
        providers = [part for part in parts if part.sla and part.value is not None]
        self_run = _without(figure, providers)
        if providers and not falls_short(self_run, figure.target):
            yield _below_by_providers(ctx, path, message, unknown, providers, self_run, where)
            continue
        known = [part for part in parts if part.value is not None]
        weakest = min(known, key=figure.effective) if known else None
        if weakest is None:
            hint = f"lower {where} to what the flow's parts can give"
        elif weakest.sla:
            hint = (f"the weakest part is {weakest.cid}, {_provider_figure(terms, weakest.cid, weakest.value)}: "
                    f"use a tech with a higher SLA, mark calls the flow "
                    f"can do without critical: false with a fallback, or lower {where}")
        else:
            hint = (f"the weakest part is {weakest.cid}, {weakest.work}: add copies of it across zones "
                    f"(replicas, replication, deployment.zones), mark calls the flow can do without "
                    f"critical: false with a fallback, or lower {where}")
            note = terms.default_note(weakest.cid)
            if note is not None and terms.component(weakest.cid).availability is None:
                hint += (f"; its figure is the {terms.kind(weakest.cid).replace('_', ' ')} kind default ({note}): "
                         f"state its real replicas and zones, its availability, or managed: true "
                         f"if a provider runs it")
        yield ctx.finding(path, message + unknown, hint=hint)


def _without(figure: Any, providers: list[Any]) -> float:
    """The flow's figure with the providers' parts left out: what the design's own
    parts (and the region they share) come to."""
    left_out = {part.cid for part in providers}
    value = 1.0
    for part in figure.parts:
        if part.cid not in left_out and part.value is not None:
            value *= figure.effective(part)
    if figure.region is not None and figure.region.value is not None:
        value *= figure.region.value
    return value


def _below_by_providers(ctx: RuleContext, path: Path, message: str, unknown: str, providers: list[Any],
                        self_run: float, where: str) -> Finding:
    """A shortfall that only the providers' figures make: an SLA is the least a provider
    commits to, not what its service usually delivers, so multiplying SLAs judges the
    flow by contract, not by expectation. That is a warning, and it says so."""
    terms = ctx.terms
    names = [part.cid for part in providers]
    severity = "warning" if SEVERITY_RANK[ctx.severity] < SEVERITY_RANK["warning"] else ctx.severity
    counted = "; ".join(f"{part.cid}: {_provider_figure(terms, part.cid, part.value)}" for part in providers)
    return Finding(
        ctx.code, severity,
        f"{message} only through the providers' figures of {listed(names)}: without them the design's own parts "
        f"come to {percent(self_run)}; an SLA is the least a provider commits to, not what its service usually "
        f"delivers{unknown}",
        tuple(path),
        f"{counted}. If the target must hold by contract, use providers with higher SLAs or mark calls the flow can "
        f"do without critical: false with a fallback, or lower {where}; else accept the risk with a reason: "
        f"lint.ignore: {{AVL006: \"<why>\"}}",
    )


def _provider_figure(terms: Any, cid: str, value: float) -> str:
    """What a provider's figure rests on: the design, a published SLA, or only a rule of
    thumb (an external system's default, Stripe), which the hint must not call an SLA."""
    if terms.component(cid).availability is not None:
        return f"a provider's service counted at the {percent(value)} the design states"
    figure = getattr(terms.profile(cid), "availability", None)
    if figure is not None and figure.basis in ("rule_of_thumb", "default"):
        return (f"a provider's service counted at {percent(value)}, a rule of thumb and not a published SLA "
                f"(state the figure its provider or your contract gives as components.{cid}.availability)")
    return f"a provider's service counted at its {percent(value)} SLA"


def _flow_names(routes: Any) -> str:
    return flow_list(route.name for route in routes)
