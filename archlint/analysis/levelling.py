"""Queues level load (docs/language.md, "Queues level load"): the rate each flow hop
carries, where a broker takes what its producers publish (their peak), a queue's
consumer drains at the lower of its capacity and the arrival rate averaged over the
queue's smoothing window, and everything it calls sees that drain rate, not the
producer's peak; and the backlog a queue holds at the end of the
peak, (peak − drain) × scale.peak_duration.

Linear in flow hops: each flow is walked once in an order where every hop into a
component comes before the hops out of it. A consumer over its capacity lowers the
rate below it, so the walk is repeated while those caps change (once more per queue
in series whose consumer is over capacity; never on a design where none is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archlint.analysis.graph import CONSUME, Hop, Route
from archlint.input import units

_EPSILON = 1e-9
_MAX_PASSES = 20  # queues in series whose consumers are all over capacity, at most


@dataclass(slots=True)
class Tally:
    """One component's load summed over the flow hops entering it."""

    total: float = 0.0
    read: float = 0.0
    write: float = 0.0
    at_peak: bool = False  # some hop carries its flow's full peak
    levelled: bool = False  # some hop carries a rate a queue set above the average or below it
    sync: bool = False  # some synchronous hop enters it
    # The steady arrival: each hop at most at its flow's average (ASY007's messages per
    # partition), and whether a queue upstream levelled some hop below its average.
    steady: float = 0.0
    steady_levelled: bool = False


@dataclass(slots=True)
class Backlog:
    """What one queue holds for one consumer at the end of the peak."""

    broker: str
    consumer: str
    inflow: float  # the rate messages arrive for this consumer during the peak
    drain: float  # the rate the consumer takes them off: target, at most its capacity
    duration: float  # scale.peak_duration, seconds
    window: float | None  # the queue's smoothing window, seconds
    capped: bool = False  # the consumer drains at its capacity, below the target
    flows: list[str] = field(default_factory=list)
    target: float = 0.0  # the rate it would drain with capacity to spare
    base: float = 0.0  # the arrival at the average (or below it): what a window levels to

    @property
    def messages(self) -> float:
        """(inflow − drain) × duration; 0 when the consumer keeps up with the peak."""
        return max(0.0, self.inflow - self.drain) * self.duration

    @property
    def wait(self) -> float:
        """Seconds the last message of the peak waits: the backlog ahead of it ÷ the drain."""
        if self.messages <= 0:
            return 0.0
        return self.messages / self.drain if self.drain > 0 else float("inf")

    @property
    def drains_at(self) -> str:
        """Why the consumer drains at that rate."""
        if self.capped:
            return "its capacity, below the arrival"
        if self.window is None:
            return "the arrival, as fast as it comes (no queue.smoothing_window)"
        if self.window <= self.duration:
            return f"the peak (a {units.format_duration(self.window)} smoothing window holds no more than the peak)"
        rate, duration, window = units.format_rate, units.format_duration, self.window
        return (f"the arrival averaged over the {duration(window)} smoothing window: {rate(self.base)} + "
                f"({rate(self.inflow)} − {rate(self.base)}) × {duration(self.duration)} ÷ {duration(window)} = "
                f"{rate(self.target)}")

    @property
    def work(self) -> str:
        """`(2k/s − 1k/s) × 1h = 3.6M messages`, or `keeps up` when nothing builds."""
        if self.messages <= 0:
            return f"none: it drains all {units.format_rate(self.inflow)} that arrive"
        return (f"({units.format_rate(self.inflow)} − {units.format_rate(self.drain)}) × "
                f"{units.format_duration(self.duration)} = {units.format_count(self.messages)} messages")

    @property
    def wait_work(self) -> str:
        """`3.6M ÷ 1k/s = 1h`: how long the last message of the peak waits."""
        if self.messages <= 0:
            return "-"
        if self.drain <= 0:
            return "forever (nothing drains it)"
        return (f"{units.format_count(self.messages)} ÷ {units.format_rate(self.drain)} = "
                f"{units.format_duration(self.wait)}")


def levelled_rate(upstream: float, average: float, duration: float, window: float | None) -> float:
    """The arrival rate averaged over a smoothing window that holds the whole peak:
    average + (peak − average) × duration ÷ window; the average without a window (the
    queue holds the whole peak), the peak itself for a window no longer than the peak.
    A rate already at or below the average passes as it is."""
    if upstream <= average:
        return upstream
    if window is None:
        return average
    if window <= duration:
        return upstream
    return average + (upstream - average) * duration / window


def _ordered(route: Route) -> list[Hop]:
    """The flow's hops with every hop into a component before the hops out of it (a
    topological order of the flow's hops; hops on a cycle follow in declared order).
    Without a consume hop every rate is the peak's: any order will do."""
    for hop in route.hops:
        if hop.edge.kind == CONSUME:
            break
    else:
        return route.hops
    into: dict[str, int] = {}
    out: dict[str, list[Hop]] = {}
    for hop in route.hops:
        into[hop.edge.dst] = into.get(hop.edge.dst, 0) + 1
        out.setdefault(hop.edge.src, []).append(hop)
    ready = [cid for cid in reversed(list(out)) if not into.get(cid)]
    order: list[Hop] = []
    while ready:
        cid = ready.pop()
        for hop in out.get(cid, ()):
            order.append(hop)
            dst = hop.edge.dst
            into[dst] -= 1
            if into[dst] == 0:
                ready.append(dst)
    if len(order) < len(route.hops):
        taken = {id(hop) for hop in order}
        order += [hop for hop in route.hops if id(hop) not in taken]
    return order


def level(terms: Any, factor_of: Callable[[str, Tally, float], float]
          ) -> tuple[dict[str, Tally], dict[tuple[str, str], Backlog]]:
    """Per component, its load; per (queue, consumer), its backlog. `factor_of(c, tally,
    target)` is the share of the rate `target` consumer c can drain (capacity ÷ target,
    at most 1)."""
    orders = {route.name: _ordered(route) for route in terms.routes()}
    factors: dict[str, float] = {}
    for _ in range(_MAX_PASSES):
        tallies, backlogs = _walk(terms, orders, factors)
        targets: dict[str, float] = {}
        for backlog in backlogs.values():
            targets[backlog.consumer] = targets.get(backlog.consumer, 0.0) + backlog.target
        found = {cid: f for cid in sorted(targets) if (f := factor_of(cid, tallies[cid], targets[cid])) < 1 - _EPSILON}
        if found == factors:
            break
        factors = found
    for backlog in backlogs.values():
        backlog.capped = backlog.consumer in factors
    return tallies, backlogs


def _walk(terms: Any, orders: dict[str, list[Hop]], factors: dict[str, float]
          ) -> tuple[dict[str, Tally], dict[tuple[str, str], Backlog]]:
    tallies: dict[str, Tally] = {}
    backlogs: dict[tuple[str, str], Backlog] = {}
    duration = terms.peak_duration
    op_of = terms._ops.get  # terms.op(hop) without a call per hop, on every pass
    windows: dict[str, float | None] = {}  # broker -> its queue.smoothing_window
    near = 1 - _EPSILON
    for route in terms.routes():
        average, peak = terms.average(route), terms.peak(route)
        if average is None or peak is None:
            continue
        at_peak, below_average = peak * near, average * near
        # The rate requests of this flow pass each component at (a hop's load is this
        # rate at its source × its share): the peak, unless a queue levelled it.
        rates: dict[str, float] = {}
        for hop in orders[route.name]:
            edge = hop.edge
            share = hop.share
            upstream = rates.get(edge.src, peak)
            if edge.kind == CONSUME:
                if edge.src in windows:
                    window = windows[edge.src]
                else:
                    queue = terms.component(edge.src).queue
                    window = windows[edge.src] = queue.smoothing_window if queue is not None else None
                # What the consumer must keep up with (its load): the arrival averaged
                # over the window, the average without one. What it drains: the same
                # with a window; without one, what arrives, as fast as it can. Either
                # at most its capacity.
                rate = levelled_rate(upstream, average, duration, window)
                target = upstream if window is None else rate
                passed = target * factors.get(edge.dst, 1.0)
                tag = "average" if window is None and abs(rate - average) <= average * _EPSILON else "levelled"
                key = (edge.src, edge.dst)
                backlog = backlogs.get(key)
                if backlog is None:
                    backlog = backlogs[key] = Backlog(edge.src, edge.dst, 0.0, 0.0, duration, window)
                backlog.inflow += upstream * share
                backlog.base += min(upstream, average) * share
                backlog.target += target * share
                backlog.drain += passed * share
                backlog.flows.append(route.name)
                if passed >= at_peak:
                    passed = peak  # drained as it arrives: its callees see the peak
            else:
                # A call, or a publish: a broker takes writes at the rate its producers
                # publish (their peak, unless a queue before them levelled it) and hands
                # its consumers the same, for them to level.
                rate = passed = upstream
                tag = "peak" if rate >= at_peak else "levelled"
            dst = edge.dst
            if passed > rates.get(dst, -1.0):
                rates[dst] = passed
            tally = tallies.get(dst)
            if tally is None:
                tally = tallies[dst] = Tally()
            amount = rate * share
            tally.total += amount
            tally.steady += (rate if rate <= average else average) * share  # min(rate, average)
            if rate < below_average:
                tally.steady_levelled = True
            op = op_of(id(hop))
            if op is not None:
                if op == "read":
                    tally.read += amount
                elif op == "write":
                    tally.write += amount
                elif op == "read+write":  # a hop that does both costs a read and a write
                    tally.read += amount
                    tally.write += amount
            if edge.sync:
                tally.sync = True
            if tag == "peak":
                tally.at_peak = True
            elif tag == "levelled":
                tally.levelled = True
    return tallies, backlogs
