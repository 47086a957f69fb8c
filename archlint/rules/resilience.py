"""RES: resilience of calls. Timeouts, retries, idempotency and circuit breakers on the
links between components (rules.md, "RES: resilience of calls").

Every check here is linear in components + edges + flow hops: budgets and flow targets
are gathered once per run into dicts keyed by component or edge, and RES006 is a
dynamic programme over `Terms.sync_order`, never a walk over all paths.

The RES area has seven rules sharing the deadline and timeout helpers (over 400 lines);
like every area, one module.
"""

from __future__ import annotations

from collections.abc import Iterator

from archlint.analysis.graph import Edge, Route
from archlint.findings import Finding
from archlint.input.units import format_duration
from archlint.rules import RuleContext, check, exceeds

# Callees a breaker or fallback is meant for (RES004): remote parts that fail slowly.
_BREAKER_CALLEES = frozenset({"service", "function", "external", "database", "search"})
_BREAKER_CALLERS = frozenset({"service", "function"})
# Callees whose operations are reads or recomputable writes when no flow says otherwise.
_REPEATABLE_CALLEES = frozenset({"cache", "search"})
_READ_METHODS = frozenset({"GET", "HEAD"})
_PROXIES = frozenset({"load_balancer", "api_gateway"})


# --- private helpers (_deadlines and _p99_targets are candidates for analysis.Terms) ------

def _label(edge: Edge) -> str:
    return f"{edge.src} -> {edge.dst}"


def _where(edge: Edge) -> str:
    """`components.api.calls.db`, the edge's YAML path as users write it in hints."""
    return ".".join(str(segment) for segment in edge.path)


def _deadlines(ctx: RuleContext) -> dict[str, tuple[float, str]]:
    """budget(A): A's own deadline, the smallest `timeout` among the `calls` edges into
    A, with the caller that sets it (the first in declaration order on a tie)."""
    deadlines: dict[str, tuple[float, str]] = {}
    for edge in ctx.graph.sync_edges():
        timeout = edge.props.timeout
        if timeout is None:
            continue
        current = deadlines.get(edge.dst)
        if current is None or timeout < current[0]:
            deadlines[edge.dst] = (timeout, edge.src)
    return deadlines


Deadline = tuple[float, str, "str | None"]  # (timeout, the caller that sets it, the flow it is set on)


def _edge_deadlines(ctx: RuleContext) -> dict[int, Deadline | None]:
    """Edge A->B (by id) -> the deadline that bounds it: the smallest `timeout` of a
    call X->A made on a flow that also takes A->B (a call A starts on its own, or makes
    only on another caller's flow, is not held to that caller's timeout). None: flows
    take the edge, but none reaches A through a timed call. An edge no flow takes is
    absent: every caller's deadline applies to it (`_deadlines`)."""
    terms = ctx.terms
    bound: dict[int, Deadline | None] = {}
    for route in terms.routes():
        into: dict[str, tuple[float, str]] = {}
        calls = [hop for hop in route.hops if hop.edge.sync]
        for hop in calls:
            timeout = hop.edge.props.timeout
            current = into.get(hop.edge.dst)
            if timeout is not None and (current is None or timeout < current[0]):
                into[hop.edge.dst] = (timeout, hop.edge.src)
        for hop in calls:
            given = into.get(hop.edge.src)
            key = id(hop.edge)
            tightest = bound.get(key)
            if given is not None and (tightest is None or given[0] < tightest[0]):
                bound[key] = (given[0], given[1], route.name)
            elif key not in bound:
                bound[key] = None
    return bound


def _deadline_for(edge: Edge, by_flow: dict[int, Deadline | None],
                  by_callee: dict[str, tuple[float, str]]) -> Deadline | None:
    if id(edge) in by_flow:
        return by_flow[id(edge)]
    deadline = by_callee.get(edge.src)
    return None if deadline is None else (deadline[0], deadline[1], None)


def _given(edge: Edge, deadline: Deadline) -> str:
    on = f" on flow '{deadline[2]}'" if deadline[2] is not None else ""
    return f"{edge.src}'s own {format_duration(deadline[0])} deadline (the timeout {deadline[1]} gives it{on})"


def _p99_targets(ctx: RuleContext) -> dict[int, list[tuple[float, Route]]]:
    """Edge (by id) -> (target(f).latency_p99, f) for every flow f with a latency target
    that takes the edge on one of its sync paths, in flow declaration order."""
    terms = ctx.terms
    targets: dict[int, list[tuple[float, Route]]] = {}
    for route in terms.routes():
        target = terms.target(route, "latency_p99")
        if target is None:
            continue
        for hop in terms.sync_hops(route):
            targets.setdefault(id(hop.edge), []).append((target, route))
    return targets


def _tightest(entries: list[tuple[float, Route]]) -> tuple[float, Route] | None:
    """The smallest target, the first flow declared on a tie."""
    best = None
    for entry in entries:
        if best is None or entry[0] < best[0]:
            best = entry
    return best


# --- RES001 ---------------------------------------------------------------------------

def _forwarding_proxy(ctx: RuleContext, cid: str) -> bool:
    """A self-run gateway or proxy the catalog knows (nginx, envoy, kong,
    spring-cloud-gateway, …): it forwards requests and waits on its upstreams as a
    service does. Managed balancers (aws-alb, api-gateway) have documented defaults."""
    terms = ctx.terms
    return (terms.kind(cid) in _PROXIES and terms.entry(cid) is not None
            and not terms.managed(cid))


@check("RES001")
def missing_timeout(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    deadlines: dict[str, tuple[float, str]] | None = None
    by_flow: dict[int, Deadline | None] = {}
    targets: dict[int, list[tuple[float, Route]]] | None = None
    for edge in ctx.graph.sync_edges():
        link = edge.props
        if link.timeout is not None or link.protocol == "websocket":
            continue
        if not terms.is_compute(edge.src) and not _forwarding_proxy(ctx, edge.src):
            continue
        if deadlines is None or targets is None:  # only designs with a finding pay for the hint's figures
            deadlines, by_flow, targets = _deadlines(ctx), _edge_deadlines(ctx), _p99_targets(ctx)
        deadline = _deadline_for(edge, by_flow, deadlines)
        tightest = _tightest(targets.get(id(edge), []))
        if deadline is not None:
            budget = _given(edge, deadline)
        elif tightest is not None:
            budget = f"the {format_duration(tightest[0])} p99 target of flow '{tightest[1].name}'"
        else:
            budget = None
        attempts = terms.attempts(edge)
        if budget is None:
            hint = f"set {_where(edge)}.timeout to the longest {edge.src} can afford to wait for {edge.dst}"
        elif attempts > 1:
            hint = f"set {_where(edge)}.timeout so that timeout x {attempts} attempts stays within {budget}"
        else:
            hint = f"set {_where(edge)}.timeout below {budget}"
        yield ctx.finding(edge.path, f"call {_label(edge)} has no timeout", hint=hint)


# --- RES002 ---------------------------------------------------------------------------

@check("RES002")
def retry_storm(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for edge in ctx.graph.edges:
        if edge.kind not in ("calls", "publishes"):
            continue
        retries = edge.props.retries
        attempts = terms.attempts(edge)
        if retries is None or attempts < 2:
            continue
        exponential = retries.backoff == "exponential"
        jitter = retries.jitter is True
        if exponential and jitter:
            continue
        if retries.max == 1 and edge.props.circuit_breaker is True:
            continue  # one retry at most doubles the load, and the breaker ends the wave
        missing = [part for part, present in (("exponential backoff", exponential), ("jitter", jitter)) if not present]
        verb = "call" if edge.sync else "publish"
        times = "once" if retries.max == 1 else f"{retries.max} times"
        yield ctx.finding(
            edge.path + ("retries",),
            f"{verb} {_label(edge)} retries {times} without {' or '.join(missing)}",
            hint=f"set {_where(edge)}.retries to {{max: {retries.max}, backoff: exponential, jitter: true}}",
        )


# --- RES003 ---------------------------------------------------------------------------

def _keyed_callees(ctx: RuleContext) -> set[str]:
    """Components that serve at least one non-GET `apis` entry, every one of them with
    `idempotency_key: true` (an empty list of entries proves nothing)."""
    served: set[str] = set()
    unkeyed: set[str] = set()
    for api in ctx.design.apis or ():
        if api.served_by is None or api.method in _READ_METHODS:
            continue
        served.add(api.served_by)
        if api.idempotency_key is not True:
            unkeyed.add(api.served_by)
    return served - unkeyed


@check("RES003")
def retry_not_idempotent(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    keyed: set[str] | None = None
    for edge in ctx.graph.sync_edges():
        attempts = terms.attempts(edge)
        if attempts < 2 or edge.props.idempotent is True:
            continue
        taken = terms.hops_taking(edge)
        if taken:
            # Only a hop that writes makes a repeat a duplicate: a retried lookup inside
            # a write flow reads twice (docs/language.md, "Per-hop operation").
            writer = next((route for route, hop in taken if id(hop) in terms.writing_hops), None)
            if writer is None:
                continue  # only reads (or flows of no stated type) take it
            kind = "write flow" if writer.flow.type == "write" else "flow"
            reason = f"{kind} '{writer.name}' writes through it"
        else:
            if terms.kind(edge.dst) in _REPEATABLE_CALLEES:
                continue
            reason = "no flow takes it, so it may be a write"
        if keyed is None:
            keyed = _keyed_callees(ctx)
        if edge.dst in keyed:
            continue
        yield ctx.finding(
            edge.path + ("retries",),
            f"call {_label(edge)} makes up to {attempts} attempts but is not idempotent, and {reason}",
            hint=f"make {edge.dst} dedupe repeats (an idempotency key on its writes) and set "
                 f"{_where(edge)}.idempotent: true, or drop the retries",
        )


# --- RES004 ---------------------------------------------------------------------------

@check("RES004")
def missing_circuit_breaker(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for edge in ctx.graph.sync_edges():
        link = edge.props
        if terms.kind(edge.src) not in _BREAKER_CALLERS:
            continue
        callee_kind = terms.kind(edge.dst)
        if callee_kind not in _BREAKER_CALLEES:
            continue
        if link.critical is False or link.circuit_breaker is True or link.fallback:
            continue
        yield ctx.finding(
            edge.path,
            f"call {_label(edge)} ({callee_kind}) is critical and has no circuit breaker or fallback",
            hint=f"set {_where(edge)}.circuit_breaker: true, or give it a fallback and critical: false "
                 f"if {edge.src} can answer without {edge.dst}",
        )


# --- RES005 ---------------------------------------------------------------------------

@check("RES005")
def timeout_over_budget(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    budget_factor = float(ctx.options.get("budget_factor", 1.0))
    check_p99 = bool(ctx.options.get("check_p99", False))
    p99_factor = float(ctx.options.get("p99_factor", 2.0))
    deadlines = _deadlines(ctx)
    by_flow = _edge_deadlines(ctx)
    targets = _p99_targets(ctx) if check_p99 else {}
    for edge in ctx.graph.sync_edges():
        timeout = edge.props.timeout
        if timeout is None:
            continue
        attempts = terms.attempts(edge)
        wait = timeout * attempts
        deadline = _deadline_for(edge, by_flow, deadlines)
        over_deadline = deadline is not None and exceeds(wait, deadline[0] * budget_factor)
        tightest = None
        if not over_deadline and check_p99:
            tightest = _tightest([entry for entry in targets.get(id(edge), ()) if exceeds(wait, p99_factor * entry[0])])
        if not over_deadline and tightest is None:
            continue
        if attempts > 1:
            spent = f"{format_duration(timeout)} x {attempts} attempts = {format_duration(wait)}"
        else:
            spent = format_duration(wait)
        if deadline is not None and over_deadline:
            limit = deadline[0] * budget_factor
            given = _given(edge, deadline)
            scaled = given if budget_factor == 1 else f"{budget_factor:g} x {given}"
            message = f"{edge.src} may wait {spent} on {edge.dst}, longer than {scaled}"
        else:
            assert tightest is not None  # neither over the deadline nor a p99 target: skipped above
            limit = p99_factor * tightest[0]
            message = (f"{edge.src} may wait {spent} on {edge.dst}, more than {p99_factor:g} x the "
                       f"{format_duration(tightest[0])} p99 target of flow '{tightest[1].name}'")
        yield ctx.finding(
            edge.path + ("timeout",),
            message,
            hint=f"lower {_where(edge)}.timeout or its retries so that timeout x attempts stays "
                 f"within {format_duration(limit)}",
        )


# --- RES006 ---------------------------------------------------------------------------

@check("RES006")
def retry_amplification(ctx: RuleContext) -> Iterator[Finding]:
    """Dynamic programme over the `calls` graph in topological order (cycle-closing edges
    skipped). For each component: the largest product of attempts over the entry paths
    reaching it, the retrying layers on that path and the nearest retrying edge above.
    A retrying edge e = A->B is reported when the best path to A already retries
    (product > 1), product x attempts(e) exceeds the limit, and B can reach the end of
    an entry path without another retrying edge: e is then the deepest retrying edge of
    an offending entry path. Paths that retry again below B are reported at their own
    deeper edge instead.
    A provider's calls into the design (a webhook from a payment processor) are requests
    of its own, made after and apart from ours: a path restarts at an external component
    instead of multiplying our retries by the provider's redeliveries.
    """
    terms = ctx.terms
    graph = ctx.graph
    limit = ctx.options.get("max_amplification", 8)
    order = terms.sync_order

    forward = terms.forward_calls  # the calls that are not back edges, per caller
    called = {edge.dst for edge in graph.edges if edge.sync}
    attempts = terms.attempt_counts  # id(edge) -> terms.attempts(edge)
    # clean_tail[c]: an entry path can go on from c to its end without another retry.
    clean_tail: dict[str, bool] = {}
    for cid in reversed(order):
        edges = forward.get(cid)
        clean_tail[cid] = not edges or any(attempts[id(e)] < 2 and clean_tail[e.dst] for e in edges)

    # best[c] = (product of attempts, retrying layers, nearest retrying edge above c)
    best: dict[str, tuple[int, int, Edge | None]] = {cid: (1, 0, None) for cid in order if cid not in called}
    nodes = graph.nodes
    for cid in order:
        state = best.get(cid)
        if state is None:
            continue  # reached only through a cycle with no entry: on no entry path
        edges = forward.get(cid)
        if not edges:
            continue  # nothing to follow (most components of a large design call nobody)
        product, layers, above = state
        if nodes[cid].kind == "external":
            product, layers, above = 1, 0, None
        for edge in edges:
            tries = attempts[id(edge)]
            retrying = tries >= 2
            reached = (product * tries, layers + retrying, edge if retrying else above)
            current = best.get(edge.dst)
            if current is None or reached[0] > current[0]:
                best[edge.dst] = reached
            if retrying and above is not None and exceeds(reached[0], limit) and clean_tail[edge.dst]:
                if reached[1] == 2:
                    fix = f"drop the retries of {_label(above)} or of {_label(edge)}"
                else:
                    fix = (f"keep the retries of one of the {reached[1]} retrying layers on this path "
                           f"(the deepest are {_label(above)} and {_label(edge)})")
                hint = f"retry at one layer only: {fix}, or lower the attempts until their product is at most {limit:g}"
                if graph.nodes[above.src].kind == "external":
                    # The provider's redeliveries are not ours to drop; only the why can be recorded.
                    hint = (f"{above.src} redelivers on its own: drop the retries of {_label(edge)}, or lower "
                            f"them until the product is at most {limit:g}; if {above.src} spreads its "
                            f"redeliveries over hours, accept the risk with a reason: "
                            f"components.{edge.src}.lint.ignore: {{RES006: \"<why>\"}}")
                yield ctx.finding(
                    edge.path + ("retries",),
                    f"retries multiply along an entry path: {_label(edge)} retries below {_label(above)}, "
                    f"so {edge.dst} may see {reached[0]}x the load over {reached[1]} retrying layers "
                    f"(limit {limit:g})",
                    hint=hint,
                )


# --- RES007 ---------------------------------------------------------------------------

@check("RES007")
def timeout_below_callee_p99(ctx: RuleContext) -> Iterator[Finding]:
    """A timed call whose timeout is below the callee's own p99 (the figure `estimate`
    uses, by what the flows taking the call do to it): more than 1% of calls to a healthy
    callee are cut off. Fail-open calls (critical: false with a fallback) cut the tail on
    purpose and are left alone. Linear in edges + flow hops."""
    terms = ctx.terms
    latency_of = terms.figures.component_latency
    op_of = terms._ops.get  # terms.op(hop), without a call per hop
    for edge in ctx.graph.edges:
        if not edge.sync:
            continue
        link = edge.props
        timeout = link.timeout
        if timeout is None or (link.critical is False and link.fallback):
            continue
        ops = {op_of(id(hop)) for _route, hop in terms.hops_taking(edge)} or {None}
        if len(ops) == 1:  # what every flow taking the call does to the callee (most calls)
            op = next(iter(ops))
            part = latency_of(edge.dst, op if op in ("read", "write") else None)
            if part.value is None:
                continue
        else:
            parts = [latency_of(edge.dst, op if op in ("read", "write") else None) for op in sorted(ops, key=str)]
            known = [part for part in parts if part.value is not None]
            if not known:
                continue
            part = max(known, key=lambda p: p.value or 0.0)
        p99 = part.value or 0.0
        if not exceeds(p99, timeout):
            continue
        source = part.source
        where = "stated in the design" if source is not None and source.kind == "design" else \
            f"{'catalog' if source is not None and source.kind == 'catalog' else 'default'}: " \
            f"{source.detail if source is not None else 'unknown'}"
        attempts = terms.attempts(edge)
        retried = "its retry sends" if attempts == 2 else f"its {attempts - 1} retries send"
        again = f"; {retried} them again, so a slow {edge.dst} also gets up to {attempts}x the calls" \
            if attempts > 1 else ""
        yield ctx.finding(
            edge.path + ("timeout",),
            f"call {_label(edge)} gives up after {format_duration(timeout)}, below the "
            f"{format_duration(p99)} p99 of {edge.dst} ({where}): more than 1% of calls fail "
            f"while {edge.dst} is healthy{again}",
            hint=f"raise {_where(edge)}.timeout to at least {format_duration(p99)} (and fit it in the caller's "
                 f"deadline), or state the callee's real components.{edge.dst}.latency_p99 if it is faster",
        )
