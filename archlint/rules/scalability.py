"""SCL: scalability and capacity. Peak load above what a component serves, writes
above what one primary takes, shard keys that concentrate traffic, local state that
stops scale-out, fixed capacity under spiky traffic, reads that all reach the database,
and data that outgrows the node holding it (rules.md, "SCL: scalability and capacity").

Every number compared here comes from `archlint.analysis.figures` (`ctx.terms.figures`): the
load and capacity of a component, the single-leader write limit and the storage growth
of a store are the same objects `archlint estimate` prints, so a finding and the
estimate never disagree. The checks are linear in components + edges + flow hops.

The SCL area has seven rules (about 480 lines); like every area, one module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, Literal

from archlint.analysis.figures import Load
from archlint.findings import SEVERITY_RANK, Finding
from archlint.input.units import (
    format_count,
    format_duration,
    format_percent,
    format_rate,
    format_size,
)
from archlint.language.kinds import BROKER, STORE
from archlint.rules import RuleContext, check, exceeds, reaches
from archlint.rules.phrasing import plural

_SPIKE_KINDS = frozenset({"service", "worker"})
_CACHING_KINDS = frozenset({"cache", "cdn"})
# Key parts are compared after this normalisation (SCL003): lower-cased, a trailing
# `_id` or `_code` removed (`country_code` is `country`, `user_id` is `user`).
_KEY_SUFFIXES = ("_id", "_code")


# --- private helpers ----------------------------------------------------------------------

def _ceil(value: float) -> int:
    """The whole number of units that carries `value` (6.0000001 units is 6)."""
    return max(1, math.ceil(value - 1e-9))


def _shards(ctx: RuleContext, cid: str) -> int:
    sharding = ctx.terms.component(cid).sharding
    return sharding.shards if sharding is not None and sharding.shards else 1


def _per_unit(load: Load) -> float | None:
    """One unit's share of the capacity `load` is compared with (capacity grows
    linearly with the units); None when unknown."""
    units = load.capacity.units
    if load.limit is None or not units:
        return None
    return load.limit / units


def _entered_sync(ctx: RuleContext) -> dict[str, bool]:
    """Every component a hop of some flow enters (with or without a rate), and whether a
    synchronous hop enters it; in first-appearance order."""
    entered: dict[str, bool] = {}
    for route in ctx.terms.routes():
        for hop in route.hops:
            dst = hop.edge.dst
            entered[dst] = entered.get(dst, False) or hop.edge.sync
    return entered


# --- SCL001 ---------------------------------------------------------------------------

def _demand_text(load: Load) -> str:
    what = "of reads " if load.compared == "read" else ""
    return f"{format_rate(load.demand)} {what}{load.when}"


def _mixed(load: Load) -> bool:
    """The load mixes kinds of work whose capacity figures differ."""
    capacity = load.capacity
    untyped = load.total - load.read - load.write
    kinds = sum(1 for amount in (load.read, load.write, untyped) if amount > 1e-9)
    return kinds > 1 and capacity.read != capacity.write


def _limit_text(ctx: RuleContext, load: Load) -> str:
    """`its capacity of 4k/s (2 replicas × 2k/s = 4k/s)`: the capacity compared, with the
    arithmetic `estimate` prints for it."""
    capacity = load.capacity
    assert load.limit is not None  # SCL001 reports only loads with a known limit
    limit = format_rate(load.limit)
    if load.compared == "read":
        work = capacity.work.split("; writes ")[0].removeprefix("reads ")
        return f"its read capacity of {limit} ({work})"
    if _mixed(load):
        return f"its capacity of {limit} at this mix of reads and writes ({capacity.work})"
    return f"its capacity of {limit} ({capacity.work})"


def _capacity_hint(ctx: RuleContext, load: Load, max_utilization: float) -> str:
    cid = load.cid
    capacity = load.capacity
    assert load.limit is not None and capacity.units  # SCL001 reports only loads with a known limit and unit count
    if max_utilization <= 0:  # no share of any capacity is allowed: nothing to size
        return f"cut the load that reaches {cid}, or set SCL001.max_utilization above 0"
    keeps = f"carries the {format_rate(load.demand)}" if max_utilization == 1 else \
        f"keeps {format_rate(load.demand)} under {format_percent(max_utilization)}"
    if load.compared == "read":
        layout = ctx.terms.figures.layout(cid)
        shards, copies = (layout[0], layout[1]) if layout is not None else (_shards(ctx, cid), 1)
        per = load.limit / (shards * (copies if layout is not None and layout[3] else 1))
        needed = _ceil(load.demand / (max_utilization * per * shards))
        carried = f"{needed} copies × {format_rate(per)}" if shards == 1 else \
            f"{shards} shards × {needed} copies × {format_rate(per)}"
        replication = ctx.terms.component(cid).replication
        if replication is None:
            change = f"set components.{cid}.replication: {{replicas: {needed - 1}, read_from_replicas: true}}"
        elif replication.read_from_replicas:
            change = f"set components.{cid}.replication.replicas to {needed - 1}"
        elif copies >= needed:
            needed = copies
            carried = f"{needed} copies × {format_rate(per)}" if shards == 1 else \
                f"{shards} shards × {needed} copies × {format_rate(per)}"
            change = f"set components.{cid}.replication.read_from_replicas: true"
        else:
            change = f"set components.{cid}.replication.replicas to {needed - 1} and read_from_replicas: true"
        cached = _cache_before(ctx, cid)
        if cached is not None:
            # A cache is already there, its hit ratio stated, but the step sends every
            # read on to the store: shares, not hit_ratio, set the load.
            caller, cache, ratio = cached
            return (f"{change} ({carried} = {format_rate(needed * shards * per)} {keeps}); or, if only the "
                    f"misses of {cache} (hit_ratio {format_percent(ratio)}) reach {cid}, say so on the step: "
                    f"\"{caller} -> {cid}: {format_percent(1 - ratio)}\" (a hit ratio alone changes no load)")
        return (f"{change} ({carried} = {format_rate(needed * shards * per)} {keeps}), "
                f"or put a cache in front of {cid}")
    if capacity.unit == "account":
        # A provider's quota per account (Stripe's rate limit): no field of the design
        # adds accounts; the provider raises the quota.
        return (f"ask the provider of {cid} to raise the account's limit to at least "
                f"{format_rate(load.demand / max_utilization)} "
                f"and state the granted rate as components.{cid}.capacity, or cut the load that reaches {cid}")
    # Capacity grows with one design field (replicas, autoscaling.max, sharding.shards,
    # queue.partitions): scale it by the overload.
    field, count = capacity.scales_with or "replicas", capacity.scale_count or 1
    ratio = load.demand / (load.limit * max_utilization)
    needed = _ceil(count * ratio)
    per = load.limit / count
    if _mixed(load):
        carried = f"{needed} of them take {format_rate(per * needed)} of this mix"
    else:
        carried = f"{needed} × {format_rate(per)} = {format_rate(needed * per)}"
    return f"set components.{cid}.{field} to {needed} ({carried}, which {keeps}), or cut the load that reaches {cid}"


def _cache_before(ctx: RuleContext, cid: str) -> tuple[str, str, float] | None:
    """(caller, cache, hit ratio) when, in some flow, a component reads a cache with a
    stated `hit_ratio` and sends every request of the flow on to `cid` as a read."""
    terms = ctx.terms
    for route in terms.routes():
        for hop in route.hops:
            if hop.edge.dst != cid or hop.share < 1 or id(hop) not in terms.reading_hops:
                continue
            for other in route.hops:
                if other.edge.src != hop.edge.src or terms.kind(other.edge.dst) != "cache":
                    continue
                settings = terms.component(other.edge.dst).cache
                if settings is not None and settings.hit_ratio is not None and 0 < settings.hit_ratio < 1:
                    return hop.edge.src, other.edge.dst, settings.hit_ratio
    return None


def _judged(ctx: RuleContext, finding: Finding, assumed: bool, demand: float, limit: float) -> Finding:
    """Severity follows certainty (docs/language.md, "Capacity"): an overload judged
    against a rule-of-thumb capacity by less than `assumed_margin` (10x) is at most a
    warning that says the capacity is assumed and asks for the measured figure."""
    margin = float(ctx.options.get("assumed_margin", 10))
    if not assumed or limit <= 0 or reaches(demand / limit, margin):
        return finding
    cid = finding.path[1]
    severity = "warning" if SEVERITY_RANK[ctx.severity] < SEVERITY_RANK["warning"] else ctx.severity
    return replace(
        finding,
        severity=severity,
        message=f"{finding.message}; that capacity is assumed (a rule of thumb, not a measurement), and the load is "
                f"{format_count(demand / limit)}x it, within the {format_count(margin)}x margin of an estimate",
        hint=f"load-test {cid} and state the measured per-unit figure as components.{cid}.capacity "
             f"(this becomes an error if it confirms the overload); else {finding.hint}",
    )


@check("SCL001")
def capacity_exceeded(ctx: RuleContext) -> Iterator[Finding]:
    max_utilization = float(ctx.options.get("max_utilization", 1.0))
    for cid, load in ctx.terms.figures.loads.items():
        if not load.capacity.checked or load.limit is None or not load.capacity.units:
            continue  # capacity unknown, unbounded, or a managed part that adds units itself
        allowed = load.limit * max_utilization
        if not exceeds(load.demand, allowed):
            continue
        if max_utilization == 1:
            above = _limit_text(ctx, load)
        else:
            above = f"{format_rate(allowed)}, {format_percent(max_utilization)} of {_limit_text(ctx, load)}"
        finding = ctx.finding(
            ("components", cid),
            f"{cid} takes {_demand_text(load)}, above {above}",
            hint=_capacity_hint(ctx, load, max_utilization),
        )
        yield _judged(ctx, finding, load.assumed, load.demand, load.limit)


# --- SCL002 ---------------------------------------------------------------------------

@check("SCL002")
def single_leader_write_limit(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    figures = terms.figures
    for cid, load in figures.loads.items():
        if not figures.single_leader(cid) or not load.write:
            continue
        limit = figures.write_limit(cid)
        if limit is None or not exceeds(load.write, limit):
            continue
        shards = _shards(ctx, cid)
        per = limit / shards
        when = load.when
        where = "one primary" if shards == 1 else "one primary per shard"
        work = load.capacity.work.rsplit("; writes ", 1)[-1]  # the arithmetic estimate prints
        needed = _ceil(load.write / per)
        finding = ctx.finding(
            ("components", cid),
            f"{cid} takes {format_rate(load.write)} of writes {when} on {where}, above its write capacity of "
            f"{format_rate(limit)} ({work})",
            hint=f"shard the writes with components.{cid}.sharding.shards of at least {needed} "
                 f"({needed} × {format_rate(per)} = {format_rate(needed * per)}), or move the write-heavy data "
                 f"to a partitioned store",
        )
        yield _judged(ctx, finding, load.writes_assumed, load.write, limit)


# --- SCL003 ---------------------------------------------------------------------------

def _key_parts(key: str) -> list[str]:
    """`Country_Code + user_id` -> [`country`, `user`]."""
    parts = []
    for raw in key.replace("+", ",").split(","):
        part = raw.strip().lower()
        for suffix in _KEY_SUFFIXES:
            if part.endswith(suffix) and len(part) > len(suffix):
                part = part[: -len(suffix)]
                break
        if part:
            parts.append(part)
    return parts


class _Names:
    """A list option of names, where `is_*` matches a prefix and `*_at` a suffix."""

    def __init__(self, names: Iterable[str]):
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.suffixes: list[str] = []
        for name in names:
            name = name.strip().lower()
            if name.endswith("*") and len(name) > 1:
                self.prefixes.append(name[:-1])
            elif name.startswith("*") and len(name) > 1:
                self.suffixes.append(name[1:])
            elif name:
                self.exact.add(name)

    def __contains__(self, part: str) -> bool:
        return part in self.exact or any(part.startswith(p) for p in self.prefixes) \
            or any(part.endswith(s) for s in self.suffixes)


@check("SCL003")
def hot_partition_key(ctx: RuleContext) -> Iterator[Finding]:
    low: _Names | None = None
    monotonic: _Names | None = None
    for cid, node in ctx.graph.nodes.items():
        sharding = node.component.sharding
        if sharding is None or not sharding.key or sharding.strategy == "geo":
            continue
        parts = _key_parts(sharding.key)
        if not parts:
            continue
        if low is None or monotonic is None:
            low = _Names(ctx.options.get("low_cardinality_keys") or ())
            monotonic = _Names(ctx.options.get("monotonic_keys") or ())
        key = sharding.key.strip()
        joiner = ", " if "," in key and "+" not in key else "+"
        if sharding.strategy == "range" and parts[0] in monotonic:
            message = (f"{cid} is sharded by range on '{key}', whose values only grow: every new write "
                       f"lands on the last shard")
            hint = (f"set components.{cid}.sharding.strategy: hash, or lead the key with a well-spread field "
                    f"(key: user_id{joiner}{key})")
        elif all(part in low for part in parts):
            which = "takes" if len(parts) == 1 else "each take"
            message = (f"{cid} is sharded on '{key}', {'which' if len(parts) == 1 else 'whose parts'} {which} "
                       f"few distinct values: a few shards get most of the traffic")
            hint = (f"shard {cid} on a well-spread key such as a user, order or device id, or add one to it "
                    f"(key: {key}{joiner}user_id)")
        else:
            continue
        yield ctx.finding(("components", cid, "sharding", "key"), message, hint=hint)


# --- SCL004 ---------------------------------------------------------------------------

@check("SCL004")
def stateful_blocks_scale_out(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        component = node.component
        if component.stateless is not False or not terms.is_compute(cid) or component.sharding is not None:
            continue
        if component.autoscaling is not None:
            reason = f"autoscales from {component.autoscaling.min} to {component.autoscaling.max} instances"
            effect = "each instance holds its own part of that state, and an instance that stops loses its part"
        elif component.replicas is not None and component.replicas > 1:
            reason = f"runs {component.replicas} replicas"
            effect = "each replica holds its own part of that state, and requests for it may reach another one"
        else:
            over_one = _over_one_replica(ctx, cid)
            if over_one is None:
                continue
            reason = over_one
            effect = "a second replica would split that state"
        yield ctx.finding(
            ("components", cid, "stateless"),
            f"{cid} keeps state in its instances (stateless: false) and {reason}: {effect}",
            hint=f"move the state of {cid} to a shared store (a cache or database) and set stateless: true, or "
                 f"partition it with components.{cid}.sharding: {{strategy: hash, key: ...}} so each key always "
                 f"reaches the same instance",
        )


def _over_one_replica(ctx: RuleContext, cid: str) -> str | None:
    """`its load of 3k/s at peak is above one replica's 2k/s`, when it is."""
    load = ctx.terms.figures.loads.get(cid)
    if load is None or not load.capacity.checked:
        return None
    per = _per_unit(load)
    if per is None or not exceeds(load.demand, per):
        return None
    when = "at average rate" if load.at_average else "as a queue levels it" if load.levelled else "at peak"
    unit = load.capacity.unit.replace("_", " ")
    return f"its load of {format_rate(load.demand)} {when} is more than one {unit} serves ({format_rate(per)})"


# --- SCL005 ---------------------------------------------------------------------------

@check("SCL005")
def no_autoscaling_for_spikes(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    spiky = float(ctx.options.get("spiky_peak_factor", 3))
    factor = terms.peak_factor
    if factor < spiky:
        return
    deployment = ctx.design.deployment
    if deployment is not None and deployment.orchestrator == "serverless":
        return
    loads = terms.figures.loads
    for cid, sync in _entered_sync(ctx).items():
        if not sync or terms.kind(cid) not in _SPIKE_KINDS:
            continue  # only async hops enter it: the broker absorbs the spike
        load = loads.get(cid)
        if load is not None and load.levelled:
            continue  # every flow reaches it behind a queue, which levels the spike
        component = terms.component(cid)
        if component.autoscaling is not None or terms.figure(cid, "autoscales") is True:
            continue
        replicas = terms.rmax(cid)
        sizing = _autoscaling_sizing(ctx, cid, factor)
        if sizing is not None and sizing[1] <= _redundancy_floor(ctx, cid):
            continue  # its fixed replicas are the ones its zones need anyway: nothing to scale down to
        fixed = "a single fixed replica" if replicas == 1 else f"a fixed {replicas} replicas"
        yield ctx.finding(
            ("components", cid),
            f"{cid} runs {fixed} while traffic peaks at {factor:g}x the average "
            f"(scale.peak_factor {factor:g}): sized for the peak it idles, sized for the average it falls over",
            hint=_autoscaling_hint(ctx, cid, factor),
        )


def _redundancy_floor(ctx: RuleContext, cid: str) -> int:
    """The replicas a component keeps for redundancy whatever its load: one per zone it
    spans and at least two, when it runs more than one; never more than it runs."""
    replicas = ctx.terms.rmax(cid) or 1
    if replicas < 2:
        return 1
    return min(replicas, max(2, ctx.terms.zones(cid)))


def _autoscaling_sizing(ctx: RuleContext, cid: str, factor: float) -> tuple[int, int, float] | None:
    """(replicas for the average, replicas for the peak, one replica's rate), when the
    load and the capacity are known and the two counts differ."""
    load = ctx.terms.figures.loads.get(cid)
    per = _per_unit(load) if load is not None and load.capacity.checked else None
    if per is None or load is None or load.at_average:
        return None
    at_peak = _ceil(load.demand / per)
    at_average = _ceil(load.demand / factor / per)
    return None if at_peak <= at_average else (at_average, at_peak, per)


def _autoscaling_hint(ctx: RuleContext, cid: str, factor: float) -> str:
    sizing = _autoscaling_sizing(ctx, cid, factor)
    if sizing is None:
        return (f"set components.{cid}.autoscaling: {{min: ..., max: ...}} in place of a fixed replica count: "
                f"min for the average rate, max for {factor:g}x that")
    at_average, at_peak, per = sizing
    demand = ctx.terms.figures.loads[cid].demand
    average = format_rate(demand / factor)
    floor = _redundancy_floor(ctx, cid)
    minimum, kept = max(at_average, floor), ""
    if floor > at_average:
        zones = ctx.terms.zones(cid)
        kept = f"; min {floor} keeps a replica in each of its {zones} zones" if zones >= floor else \
            f"; min {floor} keeps a second copy running"
    return (f"set components.{cid}.autoscaling: {{min: {minimum}, max: {at_peak}}} in place of a fixed "
            f"replica count ({at_average} × {format_rate(per)} carries the average of {average}, "
            f"{at_peak} × {format_rate(per)} the {format_rate(demand)} peak{kept})")


# --- SCL006 ---------------------------------------------------------------------------

def _read_write_ratio(ctx: RuleContext) -> tuple[float, str] | None:
    """scale.read_write_ratio, else the read flows' rates over the write flows' (infinite
    when reads have a rate and no write flow does); None when no read flow has a rate."""
    terms = ctx.terms
    scale = ctx.design.scale
    if scale is not None and scale.read_write_ratio is not None:
        ratio = scale.read_write_ratio
        return ratio, f"scale.read_write_ratio {format_count(ratio)}:1"
    reads = writes = 0.0
    for route in terms.routes():
        average = terms.average(route)
        if average is None:
            continue
        if route.flow.type == "read":
            reads += average
        elif route.flow.type == "write":
            writes += average
    if not reads:
        return None
    if not writes:
        return math.inf, f"read flows of {format_rate(reads)} and no write flow"
    ratio = reads / writes
    return ratio, f"reads {format_rate(reads)} over writes {format_rate(writes)} = {format_count(ratio)}:1"


def _cached_reads(ctx: RuleContext) -> tuple[dict[str, bool], dict[str, str]]:
    """Per component a read flow enters: whether some read flow entering it also enters
    a cache or CDN; and the caller on the first read hop into it."""
    terms = ctx.terms
    cached: dict[str, bool] = {}
    callers: dict[str, str] = {}
    for route in terms.routes():
        if route.flow.type != "read":
            continue
        uses_cache = any(terms.kind(hop.edge.dst) in _CACHING_KINDS for hop in route.hops)
        for hop in route.hops:
            if id(hop) not in terms.reading_hops:
                continue
            dst = hop.edge.dst
            cached[dst] = cached.get(dst, False) or uses_cache
            callers.setdefault(dst, hop.edge.src)
    return cached, callers


@check("SCL006")
def read_heavy_without_cache(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    heavy = float(ctx.options.get("read_heavy_ratio", 10))
    min_rate = float(ctx.options.get("min_read_rate", 1000))
    ratio: tuple[float, str] | Literal[False] | None = False  # computed on first use
    cached: dict[str, bool] | None = None
    callers: dict[str, str] = {}
    for cid, load in terms.figures.loads.items():
        if terms.kind(cid) != "database" or not reaches(load.read, min_rate):
            continue
        replication = terms.component(cid).replication
        if replication is not None and replication.read_from_replicas is True:
            continue
        if terms.figure(cid, "in_memory") is True:
            continue  # a Redis-class primary store already answers from memory
        if ratio is False:
            ratio = _read_write_ratio(ctx)
        if ratio is None or not reaches(ratio[0], heavy):
            return
        if cached is None:
            cached, callers = _cached_reads(ctx)
        if cached.get(cid, True):
            continue  # a read flow to it goes through a cache or CDN
        when = "at average rate" if load.at_average else "as a queue levels it" if load.levelled else "at peak"
        caller = callers.get(cid, "the caller")
        yield ctx.finding(
            ("components", cid),
            f"{cid} serves {format_rate(load.read)} of reads {when} ({ratio[1]}), and no read flow to it goes "
            f"through a cache or CDN",
            hint=f"put a cache in front of {cid}: {caller} reads the cache first and {cid} only on a miss "
                 f"(steps '{caller} -> cache' and '{caller} -> {cid}: 10%' at a 90% hit ratio), or set "
                 f"components.{cid}.replication.read_from_replicas: true",
        )


# --- SCL007 ---------------------------------------------------------------------------

def _node_limit(ctx: RuleContext, cid: str) -> tuple[float, str]:
    """catalog max_storage_per_node (bytes), else SCL007.node_storage."""
    terms = ctx.terms
    figure = terms.figure(cid, "max_storage_per_node")
    if figure is not None:
        name = terms.tech_name(cid)
        return figure, f"{format_size(figure)} one {name} node holds"
    limit = float(ctx.options.get("node_storage", 10e12))
    return limit, f"{format_size(limit)} of SCL007.node_storage"


@check("SCL007")
def storage_beyond_node(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, growth in terms.figures.growth.items():
        if terms.kind(cid) not in STORE or terms.managed(cid) or growth.total <= 0:
            continue
        shards = growth.shards
        # A partitioned technology spreads data over its nodes itself (a `sharding` without
        # shards names its partition key), unless it keeps everything in one partition. A
        # shard count the design states is fixed (the primary shards of an Elasticsearch
        # index do not split): each must fit a node.
        stated = bool(terms.component(cid).sharding is not None and terms.component(cid).sharding.shards)
        if terms.figure(cid, "partitioned") is True and not stated and terms.figure(cid, "partitions") != 1:
            yield from _beyond_nodes(ctx, cid, growth)
            continue
        if shards is None:
            continue  # sharding without shards: the count is unknown
        limit, limit_text = _node_limit(ctx, cid)
        per = growth.total / shards
        if not exceeds(per, limit):
            continue
        kept = f"{format_size(growth.total)} over the {format_duration(growth.retention)} retention"
        if shards == 1:
            where = f"{kept} on one node"
        else:
            where = f"{kept}, {format_size(per)} on each of its {shards} shards"
        if limit > 0:
            needed = _ceil(growth.total / limit)
            shard = (f"shard {cid} with components.{cid}.sharding.shards of at least {needed} "
                     f"({format_size(growth.total)} / {needed} = {format_size(growth.total / needed)} each)")
        else:
            shard = f"shard {cid}"
        yield ctx.finding(
            ("components", cid),
            f"{cid} keeps {where}, above the {limit_text} ({'; '.join(growth.writes)})",
            hint=f"{shard}, shorten scale.retention, or move old data to object storage",
        )


def _beyond_nodes(ctx: RuleContext, cid: str, growth: Any) -> Iterator[Finding]:
    """A store that spreads its keys over its nodes by itself: each node holds its share
    of every copy, total × copies per write ÷ nodes (6 Cassandra nodes at replication 3
    keep half of the data each)."""
    terms = ctx.terms
    limit, limit_text = _node_limit(ctx, cid)
    nodes = max(terms.rmax(cid), 1)
    copies = terms.figures.copies_per_write(cid)
    held = growth.total * copies
    per = held / nodes
    if limit <= 0 or not exceeds(per, limit):
        return
    kept = f"{format_size(growth.total)} over the {format_duration(growth.retention)} retention"
    if copies > 1:
        kept += f", × {copies} copies = {format_size(held)}"
    needed = _ceil(held / limit)
    field = "autoscaling.min and max" if terms.component(cid).autoscaling is not None else "replicas"
    yield ctx.finding(
        ("components", cid),
        f"{cid} keeps {kept}, {format_size(per)} on each of its {plural(nodes, 'node')}, above the {limit_text} "
        f"({'; '.join(growth.writes)})",
        hint=f"run at least {needed} nodes (components.{cid}.{field}: {format_size(held)} / {needed} = "
             f"{format_size(held / needed)} each), shorten scale.retention, or move old data to object storage",
    )


# --- SCL008 ---------------------------------------------------------------------------

# The capacity fields that count the shards or partitions a key is confined to one of.
_SHARD_FIELDS = frozenset({"sharding.shards", "queue.partitions"})


@check("SCL008")
def hot_key_exceeds_shard(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    loads = terms.figures.loads
    skewed: _Names | None = None
    for cid, node in ctx.graph.nodes.items():
        sharding = node.component.sharding
        if sharding is None:
            continue
        load = loads.get(cid)
        if load is None:
            continue
        capacity = load.capacity
        shards = capacity.scale_count if capacity.checked and capacity.scales_with in _SHARD_FIELDS else 0
        if shards < 2:
            continue
        key = (sharding.key or "").strip()
        if sharding.largest_key_share is not None:
            share, whose = sharding.largest_key_share, "largest key"
            source = "sharding.largest_key_share"
            path = ("components", cid, "sharding", "largest_key_share")
        else:
            parts = _key_parts(key)
            if skewed is None:
                skewed = _Names(ctx.options.get("skewed_keys") or ())
            if not parts or not all(part in skewed for part in parts):
                continue
            share, whose = float(ctx.options.get("largest_key_share", 0.1)), f"largest {parts[0]}"
            source = "a rule of thumb, SCL008.largest_key_share; state sharding.largest_key_share"
            path = ("components", cid, "sharding", "key")
        worst = _hottest_side(load, share, shards)
        if worst is None:
            continue
        label, demand, limit = worst
        when = "on average" if load.at_average else "at peak"
        unit = "partition" if terms.kind(cid) in BROKER else "shard"
        keyed = f" on '{key}'" if key else ""
        yield ctx.finding(
            path,
            f"{cid} is sharded{keyed} over {plural(shards, unit)}, and one key stays on one {unit}: its {whose}'s "
            f"share, {format_percent(share)} ({source}), of {format_rate(demand)} {label}{when} is "
            f"{format_rate(share * demand)}, above one {unit}'s {format_rate(limit / shards)} "
            f"({format_rate(limit)} ÷ {plural(shards, unit)}), although the {plural(shards, unit)} together "
            f"carry the load",
            hint=f"spread the largest keys over several {unit}s (a salted key such as {key or 'tenant_id'}+bucket, "
                 f"or {unit}s of their own for the biggest ones), or state the measured share: "
                 f"components.{cid}.sharding.largest_key_share",
        )


def _hottest_side(load: Load, share: float, shards: int) -> tuple[str, float, float] | None:
    """(what, load, capacity) of the side (reads, writes, or all) whose largest key takes
    one shard furthest past its part of the capacity, when the whole still fits; None
    when no side's largest key overloads a shard."""
    sides = [("of reads " if load.compared == "read" else "", load.demand, load.limit)]
    if load.write_limit is not None:
        sides.append(("of writes ", load.write, load.write_limit))
    worst: tuple[float, tuple[str, float, float]] | None = None
    for label, demand, limit in sides:
        if not limit or not demand or exceeds(demand, limit):
            continue  # a side the whole cluster cannot carry is SCL001's or SCL002's
        excess = share * demand / (limit / shards)
        if exceeds(excess, 1.0) and (worst is None or excess > worst[0]):
            worst = (excess, (label, demand, limit))
    return None if worst is None else worst[1]
