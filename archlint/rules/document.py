"""DOC: the document. Designs that leave out what the system must do and how well
(requirements), how much it must carry (scale), its interface (apis), its operations
(flows) or the reasons behind its technology choices (decisions), and components that
are connected to nothing (rules.md, "DOC: the document").

These rules read the document's sections rather than derived figures. Where a rule
points at a section "else `$`", the section's key counts as present when it is written
at all, even empty or null (pydantic's `model_fields_set`). Every check is linear in
components + edges + flows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archlint.analysis.terms import DURABLE_KINDS
from archlint.findings import Finding, Path
from archlint.input.units import format_size
from archlint.language.kinds import BROKER, COMPUTE, STORE
from archlint.language.validate import step_path
from archlint.rules import RuleContext, check, joined
from archlint.rules.phrasing import either, kind_and_id, listed, plural

_TARGETS = ("availability", "latency_p99", "consistency")
_TARGET_EXAMPLES = {"availability": "99.9%", "latency_p99": "200ms", "consistency": "eventual"}


# --- private helpers ---------------------------------------------------------------------

def _section(ctx: RuleContext, key: str) -> Path:
    """The top-level section's path when its key is written (even empty or null), else `$`."""
    return (key,) if key in ctx.design.model_fields_set else ()


def _blank(text: Any) -> bool:
    return text is None or not str(text).strip()


# --- DOC001 ---------------------------------------------------------------------------------

@check("DOC001")
def missing_requirements(ctx: RuleContext) -> Iterator[Finding]:
    requirements = ctx.design.requirements
    flows = list((ctx.design.flows or {}).values())
    missing: list[str] = []  # keys, for the hint
    targets: list[str] = []  # for the message
    partial: list[tuple[str, int]] = []  # targets that some flows set, but not all
    functional = requirements.functional if requirements is not None else None
    if not any(not _blank(item) for item in functional or ()):
        missing.append("functional")
    # A batch or pipeline system (flows, none of them starting at a client or a public
    # component) answers no one while they wait: no p99 latency target is asked of it.
    routes = list(ctx.terms.routes())
    batch = bool(routes) and not any(ctx.terms.user_facing(route) for route in routes)
    for name in _TARGETS:
        if requirements is not None and getattr(requirements, name) is not None:
            continue
        if name == "latency_p99" and batch:
            continue
        covered = sum(1 for flow in flows if getattr(flow, name) is not None)
        if flows and covered == len(flows):
            continue  # every flow states its own target
        missing.append(name)
        targets.append(name)
        if covered:
            partial.append((name, covered))
    if not missing:
        return
    items = ["a functional list"] if "functional" in missing else []
    if targets:
        of = f"of {plural(len(flows), 'flow')}"
        notes = [f"set on only {covered} {of}" if len(targets) == 1 else f"{name} is set on only {covered} {of}"
                 for name, covered in partial]
        note = f" ({'; '.join(notes)})" if notes else ""
        items.append(f"the {joined(targets)} target{'s' if len(targets) > 1 else ''}{note}")
    if requirements is None:
        message = f"the design states no requirements: it lacks {joined(items)}"
    else:
        message = f"requirements lack {joined(items)}"
    values = ", ".join(
        "functional: [what the system must do]" if key == "functional" else f"{key}: {_TARGET_EXAMPLES[key]}"
        for key in missing
    )
    where = "add requirements" if requirements is None else "add to requirements"
    tail = " (a target may instead be set on every flow)" if targets else ""
    yield ctx.finding(
        _section(ctx, "requirements"),
        message,
        hint=f"{where}: {{{values}}} with the system's own figures{tail}",
    )


# --- DOC002 ---------------------------------------------------------------------------------

def _served_users(ctx: RuleContext) -> str | None:
    """What makes `dau` needed: the first client, else the first user-facing flow; None
    when every flow states its rate (the load is estimated from those: a user count
    would add nothing the figures use) or there is no user."""
    flows = ctx.design.flows or {}
    if flows and all(flow.rate is not None for flow in flows.values()):
        return None
    for cid, node in ctx.graph.nodes.items():
        if node.kind == "client":
            return f"client {cid}"
    for route in ctx.terms.routes():
        if ctx.terms.user_facing(route):
            return f"user-facing flow '{route.name}'"
    return None


def _stored_writes(ctx: RuleContext) -> tuple[str, float] | None:
    """The first write flow with a payload: (its name, the payload in bytes)."""
    for name, flow in (ctx.design.flows or {}).items():
        if flow.type == "write" and flow.payload is not None:
            payload = flow.payload
            return name, max(payload.values(), default=0.0) if isinstance(payload, dict) else payload
    return None


@check("DOC002")
def missing_scale(ctx: RuleContext) -> Iterator[Finding]:
    scale = ctx.design.scale
    users = _served_users(ctx) if scale is None or scale.dau is None else None
    writes = _stored_writes(ctx) if scale is None or scale.retention is None else None
    if scale is not None and users is None and writes is None:
        return
    reasons: list[str] = []
    keys: list[str] = []
    if users is not None:
        reasons.append(f"no dau though the design serves users ({users})")
        keys.append("dau: <daily active users>")
    if scale is None:
        keys.append("peak_factor: <peak rate / average rate>")
    if writes is not None:
        reasons.append(f"no retention though write flow '{writes[0]}' stores {format_size(writes[1])} per request")
        keys.append("retention: <how long writes are kept>")
    if scale is None:
        message = "the design has no scale section, so capacity and storage cannot be estimated"
        if reasons:
            message += f": {joined(reasons)}"
        hint = f"add scale: {{{', '.join(keys)}}}"
    else:
        message = f"scale gives {' and '.join(reasons)}, so " + (
            "capacity and storage cannot be estimated" if users and writes
            else "load cannot be estimated from users" if users
            else "storage growth cannot be estimated"
        )
        hint = f"add to scale: {{{', '.join(keys)}}}"
    yield ctx.finding(_section(ctx, "scale"), message, hint=hint)


# --- DOC003 ---------------------------------------------------------------------------------

@check("DOC003")
def missing_apis(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.design.apis:
        return
    clients: list[str] = []
    public: list[str] = []
    for cid, node in ctx.graph.nodes.items():
        if node.kind == "client":
            clients.append(cid)
        elif node.component.public is True:
            public.append(cid)
    if not clients and not public:
        return
    exposed = []
    if clients:
        exposed.append(f"{'client' if len(clients) == 1 else 'clients'} {listed(clients)}")
    if public:
        exposed.append(f"public {'component' if len(public) == 1 else 'components'} {listed(public)}")
    served_by = _first_service(ctx, public or clients) or "<service>"
    yield ctx.finding(
        (),
        f"the design is used through {' and '.join(exposed)} but defines no apis",
        hint=f"add apis: [{{endpoint: METHOD /path, served_by: {served_by}}}], one entry per operation, "
             f"with idempotency_key: true on writes that may be repeated",
    )


def _first_service(ctx: RuleContext, entries: list[str]) -> str | None:
    """The first compute component reached by calls from the entries (through load
    balancers and gateways): the one an `apis` entry would name as `served_by`."""
    seen = set(entries)
    queue = list(entries)
    while queue:
        cid = queue.pop(0)
        if ctx.terms.is_compute(cid) and cid not in entries:
            return cid
        for edge in ctx.terms.calls_from(cid):
            if edge.dst not in seen:
                seen.add(edge.dst)
                queue.append(edge.dst)
    return next((cid for cid in entries if ctx.terms.is_compute(cid)), None)


# --- DOC004 ---------------------------------------------------------------------------------

@check("DOC004")
def missing_flows(ctx: RuleContext) -> Iterator[Finding]:
    compute = [cid for cid, node in ctx.graph.nodes.items() if node.kind in COMPUTE]
    if not compute:
        return  # nothing carries load
    flows = ctx.design.flows
    if not flows:
        steps = _sample_hop(ctx) or f"<entry> -> {compute[0]}"
        yield ctx.finding(
            (),
            f"the design declares no flows, so no load, availability or latency can be derived "
            f"for {listed(compute)}",
            hint=f"add flows: {{<operation>: {{rate: <average rate>, type: read|write, steps: [{steps}]}}}} "
                 f"for each user-visible operation",
        )
        return
    for route in ctx.terms.routes():
        if route.flow.rate is not None:
            continue
        entered = list(dict.fromkeys(hop.edge.dst for hop in route.hops))
        load = f"the load it puts on {listed(entered)}" if entered else "its load"
        yield ctx.finding(
            route.path,
            f"flow '{route.name}' has no rate, so {load} cannot be derived",
            hint=f"set flows.{route.name}.rate to its average rate, e.g. 50/s or 4M/day",
        )


def _sample_hop(ctx: RuleContext) -> str | None:
    """A declared hop for the hint's example flow: one leaving a client or a public
    component when there is one, else the first edge (`queue -> consumer` for consumes)."""
    graph = ctx.graph
    fallback = None
    for edge in graph.edges:
        node = graph.nodes[edge.src]
        if node.kind == "client" or node.component.public is True:
            return f"{edge.src} -> {edge.dst}"
        if fallback is None:
            fallback = f"{edge.src} -> {edge.dst}"
    return fallback


# --- DOC005 ---------------------------------------------------------------------------------

def _techs(ctx: RuleContext) -> list[str]:
    """Distinct techs named by components, in declaration order."""
    return list(dict.fromkeys(node.component.tech for node in ctx.graph.nodes.values() if node.component.tech))


@check("DOC005")
def incomplete_decisions(ctx: RuleContext) -> Iterator[Finding]:
    decisions = ctx.design.decisions
    if not decisions:
        techs = _techs(ctx)
        such_as = f", such as {either(techs[:3])}" if techs else ""
        yield ctx.finding(
            (),
            "the design records no decisions, so no technology choice comes with its reason or its cost",
            hint=(
                "add decisions: [{topic: ..., choice: ..., why: ..., tradeoffs: ...}] "
                f"for the main choices{such_as}"
            ),
        )
        return
    for index, decision in enumerate(decisions):
        missing = [key for key in ("why", "tradeoffs") if _blank(getattr(decision, key))]
        if not missing:
            continue
        label = f"'{decision.topic}' ({decision.choice})" if not _blank(decision.topic) else f"for {decision.choice}"
        asks = {"why": "the reason for it", "tradeoffs": f"what choosing {decision.choice} costs"}
        yield ctx.finding(
            ("decisions", index),
            f"decision {label} gives no {' or '.join(missing)}",
            hint=" and ".join(f"set decisions[{index}].{key} to {asks[key]}" for key in missing),
        )


# --- DOC006 ---------------------------------------------------------------------------------

@check("DOC006")
def orphan_component(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    if len(graph.nodes) < 2:
        return
    dead_letters = {
        component.queue.dlq
        for component in ctx.design.components.values()
        if component.queue is not None and isinstance(component.queue.dlq, str)
    }
    for cid, node in graph.nodes.items():
        # A consumer's own `consumes` entry is an edge into it (src is the broker).
        if graph.out_edges.get(cid) or graph.in_edges.get(cid) or cid in dead_letters:
            continue
        if node.kind == "client":
            connect = f"set components.{cid}.calls to what it uses"
        elif node.kind == "worker":
            connect = f"set components.{cid}.consumes to the queue it takes its work from"
        elif node.kind in BROKER:
            connect = f"add components.<producer>.publishes: [{cid}] and components.<consumer>.consumes: [{cid}]"
        else:
            connect = f"add {cid} to the calls of the components that use it (components.<caller>.calls.{cid})"
        yield ctx.finding(
            node.path,
            f"component {cid} ({node.kind}) is connected to nothing: it has no calls, publishes or "
            f"consumes of its own and no other component names it",
            hint=f"{connect}, or remove it",
        )


# --- DOC007 ---------------------------------------------------------------------------------

_FLOW_KINDS = STORE | BROKER | COMPUTE  # what a request or an event can pass through


@check("DOC007")
def component_outside_flows(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    if not graph.routes:
        return  # DOC004 asks for flows; without any, every component would be "unused"
    used: set[str] = set()
    for route in graph.routes.values():
        used.add(route.entry)
        for hop in route.hops:
            used.update((hop.edge.src, hop.edge.dst))
    dead_letters = {
        component.queue.dlq
        for component in ctx.design.components.values()
        if component.queue is not None and isinstance(component.queue.dlq, str)
    }
    for cid, node in graph.nodes.items():
        if cid in used or node.kind not in _FLOW_KINDS or cid in dead_letters:
            continue
        if not (graph.out_edges.get(cid) or graph.in_edges.get(cid)):
            continue  # connected to nothing: DOC006's finding
        if ctx.terms.coordination(cid):
            continue  # registries and configuration servers serve every flow from the side
        flows = len(graph.routes)
        yield ctx.finding(
            node.path,
            f"{kind_and_id(node.kind, cid)} is wired to other components but none of the design's "
            f"{plural(flows, 'flow')} passes through it, so no figure or rule that follows flows covers it",
            hint=f"add the flow that uses {cid} (flows.<name>.steps), remove it if nothing does, or accept it "
                 f"with a reason: components.{cid}.lint.ignore: {{DOC007: <why no flow needs it>}}",
        )


# --- DOC008 ---------------------------------------------------------------------------------

# What a step's fact is about (docs/language.md, "Flow steps"): `via` on a write DAT007
# weighs (a commit, or the publish or service call of a component that commits in the
# flow); `guard` on a write to a durable store (DAT008). Elsewhere it changes nothing.
_VIA_WRITES = "a commit to a database, or a publish or a call to another service's write by a component that commits"
_GUARD_WRITES = "a write to a database, object storage, a queue or a stream"


def _fact_targets(terms: Any, route: Any) -> dict[str, set[tuple[str, str]]]:
    """The hops of a flow on which `via` and `guard` mean something."""
    writes = [hop for hop in route.hops if id(hop) in terms.writing_hops]
    commits = {hop.edge.src for hop in writes if terms.kind(hop.edge.dst) == "database"}
    durable_writers = {hop.edge.src for hop in writes if terms.kind(hop.edge.dst) in DURABLE_KINDS}
    via, guard = set(), set()
    for hop in writes:
        pair, kind = (hop.edge.src, hop.edge.dst), terms.kind(hop.edge.dst)
        if kind == "database" or (hop.edge.src in commits and (
                kind in BROKER or (kind in COMPUTE and hop.edge.sync and hop.edge.dst in durable_writers))):
            via.add(pair)
        if kind in DURABLE_KINDS:
            guard.add(pair)
    return {"via": via, "guard": guard}


@check("DOC008")
def step_fact_without_effect(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for route in terms.routes():
        chains = [step for step in route.flow.chains() if step.via is not None or step.guard is not None]
        if not chains:
            continue
        targets = _fact_targets(terms, route)
        for step in chains:
            pairs = set(zip(step.chain, step.chain[1:]))
            for key, rule, described in (("via", "DAT007", _VIA_WRITES), ("guard", "DAT008", _GUARD_WRITES)):
                value = getattr(step, key)
                if value is None or pairs & targets[key]:
                    continue
                reads_only = route.flow.type == "read" and not any(
                    id(hop) in terms.writing_hops for hop in route.hops if (hop.edge.src, hop.edge.dst) in pairs)
                why = ("the flow is a read flow, so its hops read unless a step says op: write" if reads_only
                       else f"none of its hops is {described}")
                # Prefer a write made by a component of this chain: the likeliest meant.
                elsewhere = sorted(targets[key] - pairs, key=lambda pair: (pair[0] not in step.chain, pair))
                move = (f"state it on the chain that makes the write, e.g. {{chain: \"{elsewhere[0][0]} -> "
                        f"{elsewhere[0][1]}\", {key}: {value}}}, or remove it" if elsewhere
                        else "remove it, or give the chain the write it describes (op: write)")
                yield ctx.finding(
                    step_path(route.name, step) + (key,),
                    f"in flow '{route.name}', the chain {' -> '.join(step.chain)} states {key}: {value}, but {why}; "
                    f"{rule} reads {key} only on such a write, so here it changes nothing",
                    hint=move,
                )
