"""ASY: asynchronous messaging. Brokers that a call would replace, dead letters,
duplicate deliveries, ordering, partitions against consumers, unbounded backlogs,
ordered consumers that one slow message stalls (head-of-line blocking), and the backlog a
peak leaves in a queue against its depth and retention.

Every check walks brokers, their edges or the flows' hops once; nothing pairs every
publisher with every consumer of the design.

The ASY area has eight rules (about 430 lines); like every area, one module."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from archlint.findings import Finding, Path
from archlint.input.units import format_count, format_duration, format_rate
from archlint.language.kinds import BROKER
from archlint.rules import RuleContext, check, exceeds, joined
from archlint.rules.phrasing import plural

# The catalog's `per_partition` is the language's `per_key` (rules.md, Terms).
_ORDERING_SPELLING = {"per_partition": "per_key"}


def _brokers(ctx: RuleContext) -> list[str]:
    """Broker ids in declaration order."""
    return ctx.terms.ids_of(BROKER)


def _queue(ctx: RuleContext, cid: str) -> Any:
    return ctx.terms.component(cid).queue


def _queue_path(ctx: RuleContext, cid: str, field: str | None = None) -> Path:
    """`components.<X>.queue[.<field>]`, cut back to the nearest part the design has."""
    queue = _queue(ctx, cid)
    if queue is None:
        return ("components", cid)
    if field is None or getattr(queue, field) is None:
        return ("components", cid, "queue")
    return ("components", cid, "queue", field)


def _consumers(ctx: RuleContext, broker: str) -> list[Any]:
    return [e for e in ctx.graph.out_edges.get(broker, ()) if e.kind == "consumes"]


def _publishers(ctx: RuleContext, broker: str) -> list[Any]:
    return [e for e in ctx.graph.in_edges.get(broker, ()) if e.kind == "publishes"]


def _ordering(ctx: RuleContext, broker: str) -> str | None:
    """The broker's ordering in the language's spelling (`none`, `per_key`, `fifo`):
    `queue.ordering`, else the catalog's; None when unknown."""
    queue = _queue(ctx, broker)
    if queue is not None and queue.ordering is not None:
        return queue.ordering
    value = ctx.terms.figure(broker, "ordering")
    return None if value is None else _ORDERING_SPELLING.get(value, value)


def _replay_required(ctx: RuleContext, broker: str) -> bool:
    queue = _queue(ctx, broker)
    return queue is not None and queue.replay == "required"


# --- ASY001 ----------------------------------------------------------------------------


def _replies_by_call(ctx: RuleContext) -> dict[tuple[str, str], str]:
    """(A, X) -> B where some flow delivers X's message to B (hop X->B) before B calls A
    (hop B->A), A publishes to X and B != A. One pass over each flow's hops, in their
    first-appearance order."""
    terms = ctx.terms
    found: dict[tuple[str, str], str] = {}
    for route in terms.routes():
        delivered: dict[str, list[str]] = {}  # B -> brokers whose message reached B so far
        for hop in route.hops:
            edge = hop.edge
            if edge.kind == "consumes":
                delivered.setdefault(edge.dst, []).append(edge.src)
            elif edge.sync and edge.src != edge.dst and edge.src in delivered:
                b, a = edge.src, edge.dst
                published = terms.component(a).publishes
                for x in delivered[b]:
                    if x in published:
                        found.setdefault((a, x), b)
    return found


def _reply_through_broker(ctx: RuleContext, broker: str, consumers: list[Any]) -> dict[str, tuple[str, str]]:
    """A -> (B, Y) for publishers A of X answered by a consumer B != A of X that publishes
    to a broker Y that A consumes."""
    # Y -> up to two consumers B of X that publish to Y (two are enough to find one != A).
    answered: dict[str, list[str]] = {}
    for edge in consumers:
        b = edge.dst
        for y in ctx.terms.component(b).publishes:
            members = answered.setdefault(y, [])
            if len(members) < 2 and b not in members:
                members.append(b)
    replies: dict[str, tuple[str, str]] = {}
    if not answered:
        return replies
    for edge in _publishers(ctx, broker):
        a = edge.src
        for y in ctx.terms.component(a).consumes:
            others = [b for b in answered.get(y, ()) if b != a]
            if others:
                replies[a] = (others[0], y)
                break
    return replies


def _is_request_leg(ctx: RuleContext, leg: tuple[str, str], other: tuple[str, str]) -> bool:
    """Of the two publish legs of a round trip through brokers, the request is the one a
    flow takes first; when no flow tells, the smaller (publisher, broker) pair."""
    order = ctx.terms.first_taken
    missing = (len(order), 0)
    return (order.get(leg, missing), leg) < (order.get(other, missing), other)


@check("ASY001")
def stream_where_call_would_do(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    min_rate = ctx.options["min_stream_rate"]
    by_call: dict[tuple[str, str], str] | None = None
    for x in _brokers(ctx):
        if _replay_required(ctx, x) or terms.documented_decision(x):
            continue
        groups = terms.consumer_groups(x)
        if len(groups) >= 2:
            continue
        consumers = _consumers(ctx, x)
        # (a) request/reply, pointed at each publisher's link to X.
        via_broker = _reply_through_broker(ctx, x, consumers)
        if by_call is None and consumers:
            by_call = _replies_by_call(ctx)
        for edge in _publishers(ctx, x):
            a = edge.src
            loop = None
            b: str | None  # None: no consumer other than the publisher to name
            if a in via_broker:
                b, y = via_broker[a]
                if not _is_request_leg(ctx, (a, x), (b, y)):
                    continue  # the loop is reported once, at its request leg
                how = f"waits for {b}'s answer on {y}"
                loop = f"{a} -> {x} -> {b} -> {y} -> {a}"
            elif by_call is not None and (a, x) in by_call:
                b = by_call[(a, x)]
                how = f"{b} answers by calling {a} back"
            elif edge.props.awaits_reply is True:
                b = next((e.dst for e in consumers if e.dst != a), None)
                how = "awaits a reply (awaits_reply: true)"
            else:
                continue
            if loop is not None:
                hint = f"replace the round trip {loop} with one call, with a timeout, from the side that waits"
            elif b is None:
                hint = f"let {a} call the service that answers directly, with a timeout, instead of publishing to {x}"
            else:
                hint = (
                    f"let {a} call {b} directly with a timeout (components.{a}.calls.{b}.timeout) "
                    f"instead of publishing to {x}"
                )
            yield ctx.finding(
                edge.path, f"{a} publishes to {x} and {how}: request/reply through a broker", hint=hint
            )
        # (b) a stream with one consumer group at a low rate.
        stream = terms.kind(x) == "stream" or terms.figure(x, "replay") is True
        if not stream or len(groups) != 1:
            continue
        # What producers publish into X: their peak, or the rate a queue before them drains.
        figure = terms.figures.loads.get(x)
        load = None if figure is None else figure.total
        if load is None or not load < min_rate:
            continue
        group = next(iter(groups))
        assert figure is not None  # a load was found above
        rate_of = f"a publish rate of {format_rate(load)} (its producers publish as fast as they drain a queue " \
            f"before them)" if figure.levelled else f"a peak publish rate of {format_rate(load)}"
        tech = terms.component(x).tech
        what = f"stream {x}" if terms.kind(x) == "stream" else f"{x} ({tech}, a replayable log)"
        yield ctx.finding(
            ("components", x),
            f"{what} has one consumer group ({group}) and {rate_of}, below {format_rate(min_rate)}",
            hint=f"use a plain queue (sqs, rabbitmq) or a call with a timeout for {x}, "
            f"or set components.{x}.queue.replay: required if consumers re-read history",
        )


# --- ASY002 ----------------------------------------------------------------------------


@check("ASY002")
def missing_dlq(ctx: RuleContext) -> Iterator[Finding]:
    targets = set()
    for node in ctx.graph.nodes.values():
        queue = node.component.queue
        if queue is not None and isinstance(queue.dlq, str):
            targets.add(queue.dlq)
    for x in _brokers(ctx):
        if x in targets:
            continue
        queue = _queue(ctx, x)
        if queue is not None and isinstance(queue.dlq, str):
            continue
        consumers = _consumers(ctx, x)
        if not consumers:
            continue
        names = joined(sorted({e.dst for e in consumers}))
        yield ctx.finding(
            _queue_path(ctx, x),
            f"broker {x} has consumers ({names}) but no dead letter queue",
            hint=f"set components.{x}.queue.dlq: {x}-dlq and declare {x}-dlq as a broker; if dropping a message "
                 f"that keeps failing is acceptable here (telemetry, metrics), accept the finding with its reason: "
                 f"components.{x}.lint.ignore: {{ASY002: \"<why losing it is fine>\"}}",
        )


# --- ASY003 ----------------------------------------------------------------------------


@check("ASY003")
def non_idempotent_consumer(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for edge in ctx.graph.async_edges():
        if edge.kind != "consumes" or edge.props.idempotent is True:
            continue
        x, c = edge.src, edge.dst
        retries = edge.props.max_retries
        delivery = terms.figure(x, "delivery")
        if retries is not None and retries >= 1:
            why = f"max_retries is {retries}"
        elif delivery == "at_least_once":
            why = f"{x} delivers at least once"
        elif delivery == "exactly_once" and retries is None:
            # Dedup on publish still redelivers after a consumer crash; only an explicit
            # max_retries: 0 (failures go to the DLQ) makes the hand-out single.
            why = f"{x} deduplicates on publish but redelivers after a consumer crash, and max_retries is not 0"
        else:
            continue
        hint = f"make {c} idempotent (deduplicate by message id) and set components.{c}.consumes.{x}.idempotent: true"
        if delivery == "exactly_once":
            hint += f", or set components.{c}.consumes.{x}.max_retries: 0 and send failures to a dead letter queue"
        yield ctx.finding(
            edge.path, f"consumer {c} of {x} may process a message twice ({why}) and is not idempotent", hint=hint
        )


# --- ASY004 ----------------------------------------------------------------------------


@check("ASY004")
def ordering_not_guaranteed(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for x in _brokers(ctx):
        if _ordering(ctx, x) != "none":
            continue
        needs: list[str] = []
        for edge in _consumers(ctx, x):
            c = edge.dst
            if edge.props.ordering in ("per_key", "fifo"):
                needs.append(f"{c} (ordering: {edge.props.ordering})")
            elif terms.money_data(c):
                needs.append(f"{c} (money data)")
        if not needs:
            continue
        needs.sort()
        yield ctx.finding(
            _queue_path(ctx, x, "ordering"),
            f"broker {x} keeps no message order, but {joined(needs)} "
            f"{'needs' if len(needs) == 1 else 'need'} messages in order",
            hint=f"set components.{x}.queue.ordering: per_key (a partitioned stream keyed by entity) "
            f"or fifo (e.g. tech: sqs-fifo)",
        )


# --- ASY005 ----------------------------------------------------------------------------


def _partitions(ctx: RuleContext, broker: str) -> int | None:
    """P: `queue.partitions`, else the catalog's `partitions` when the tech is partitioned."""
    queue = _queue(ctx, broker)
    if queue is not None and queue.partitions is not None:
        return queue.partitions
    if ctx.terms.figure(broker, "partitioned") is True:
        value = ctx.terms.figure(broker, "partitions")
        return None if value is None else int(value)
    return None


@check("ASY005")
def partitions_below_consumers(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for x in _brokers(ctx):
        p = _partitions(ctx, x)
        if p is None:
            continue
        worst: tuple[int, str] | None = None
        for group, members in terms.consumer_groups(x).items():
            total = sum(terms.rmax(e.dst) * (e.props.concurrency or 1) for e in members)
            if total > p and (worst is None or total > worst[0] or (total == worst[0] and group < worst[1])):
                worst = (total, group)
        if worst is None:
            continue
        total, group = worst
        queue = _queue(ctx, x)
        source = "" if queue is not None and queue.partitions is not None else " (catalog default)"
        hint = (f"set components.{x}.queue.partitions to at least {total}, "
                f"or cap group {group} at {plural(p, 'consumer')}")
        instances = sum(terms.rmax(e.dst) for e in terms.consumer_groups(x)[group])
        if instances <= p:
            # The count takes each unit of concurrency for a member of the group; a
            # worker pool inside one member shares its partitions and idles nothing.
            hint += (f"; if concurrency is messages each instance handles at once (a worker pool, not group "
                     f"members), its {plural(instances, 'instance')} fit the partitions: accept the finding "
                     f"with the reason, components.{x}.lint.ignore: {{ASY005: \"<why>\"}}")
        yield ctx.finding(
            _queue_path(ctx, x, "partitions"),
            f"consumer group {group} of {x} runs up to {total} consumers (max replicas x concurrency) "
            f"on {plural(p, 'partition')}{source}: {total - p} {'sits' if total - p == 1 else 'sit'} idle",
            hint=hint,
        )


# --- ASY006 ----------------------------------------------------------------------------


@check("ASY006")
def unbounded_queue(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for x in _brokers(ctx):
        queue = _queue(ctx, x)
        if queue is not None and (queue.max_depth is not None or queue.retention is not None):
            continue
        retention = terms.figure(x, "retention.default")
        if retention is None or retention != math.inf:
            continue
        tech = terms.component(x).tech
        yield ctx.finding(
            _queue_path(ctx, x),
            f"broker {x}{f' ({tech})' if tech else ''} keeps messages until consumed with no depth or retention limit",
            hint=f"set components.{x}.queue.max_depth (e.g. 100k) or components.{x}.queue.retention (e.g. 4d)",
        )


# --- ASY007 ----------------------------------------------------------------------------


@check("ASY007")
def head_of_line_blocking(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    ratio = float(ctx.options.get("ratio", 100))
    for x in _brokers(ctx):
        ordered = [e for e in _consumers(ctx, x) if e.props.ordering == "per_key"]
        if not ordered:
            continue
        # The steady arrival a consumer works through, partition by partition: the
        # average (or what a queue before the producers levels it to). The broker itself
        # takes the producers' peak (SCL001); the peak's surplus waits in it (ASY008).
        load = terms.figures.loads.get(x)
        p = _partitions(ctx, x)
        if load is None or not load.steady or p is None:
            continue
        rate = load.steady
        per_partition = rate / p
        when = "as a queue levels it" if load.steady_levelled else "on average"
        for edge in ordered:
            slowest = _slowest_call(ctx, edge.dst)
            if slowest is None:
                continue
            worst, call = slowest
            waiting = worst * per_partition
            if waiting < ratio:
                continue
            attempts = terms.attempts(call)
            worst_text = format_duration(call.props.timeout) + (f" × {attempts} attempts" if attempts > 1 else "")
            if attempts > 1:
                worst_text += f" = {format_duration(worst)}"
            yield ctx.finding(
                edge.path,
                f"{edge.dst} consumes {x} with ordering: per_key, one message at a time per partition: "
                f"{format_rate(rate)} {when} ÷ {plural(p, 'partition')} = {format_rate(per_partition)} "
                f"per partition leaves {format_duration(1 / per_partition)} a message, but a message whose call "
                f"to {call.dst} times out takes {worst_text}, while {format_count(round(waiting))} messages of other "
                f"keys in its partition wait behind it",
                hint=f"bound the call to {call.dst} (a shorter timeout, fewer attempts, a circuit breaker), "
                     f"park failing messages on a retry queue so the partition keeps moving, or spread the keys "
                     f"over more partitions (components.{x}.queue.partitions)",
            )


def _slowest_call(ctx: RuleContext, consumer: str) -> tuple[float, Any] | None:
    """The consumer's call with the longest worst case, timeout × attempts (calls
    without a timeout are RES001's), and that worst case in seconds."""
    best: tuple[float, Any] | None = None
    for edge in ctx.terms.calls_from(consumer):
        timeout = getattr(edge.props, "timeout", None)
        if timeout is None:
            continue
        worst = timeout * ctx.terms.attempts(edge)
        if best is None or worst > best[0]:
            best = (worst, edge)
    return best


# --- ASY008 ----------------------------------------------------------------------------


@check("ASY008")
def peak_backlog_overflow(ctx: RuleContext) -> Iterator[Finding]:
    figures = ctx.terms.figures
    duration = format_duration(ctx.terms.peak_duration)
    for backlog in figures.backlogs:
        if backlog.messages <= 0:
            continue
        x, c = backlog.broker, backlog.consumer
        depth, retention, origin = figures.queue_limits(x)
        faster = (f"let {c} drain faster (more replicas or capacity, or a components.{x}.queue.smoothing_window "
                  f"no longer than the peak), or state scale.peak_duration if the peak is shorter than {duration}")
        held = (f"queue {x} holds {backlog.work} for {c} at the end of the peak ({c} drains at "
                f"{backlog.drains_at})")
        if depth is not None and exceeds(backlog.messages, depth):
            yield ctx.finding(
                _queue_path(ctx, x, "max_depth"),
                f"{held}, above its queue.max_depth of {format_count(depth)}: producers are pushed back "
                f"or messages dropped",
                hint=f"raise components.{x}.queue.max_depth to at least {format_count(math.ceil(backlog.messages))}, "
                     f"or {faster}",
            )
        if retention is not None and exceeds(backlog.wait, retention):
            kept = format_duration(retention)
            yield ctx.finding(
                _queue_path(ctx, x, "retention"),
                f"{held}; the last message of the peak waits {backlog.wait_work} before {c} takes it, longer "
                f"than the {kept} {x} keeps a message ({origin}): messages expire unprocessed",
                hint=(f"set components.{x}.queue.retention above {format_duration(backlog.wait)}, or {faster}"
                      if math.isfinite(backlog.wait) else faster[0].upper() + faster[1:]),
            )
