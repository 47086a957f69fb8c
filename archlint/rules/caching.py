"""CAC: caching. Entries that never expire, hot keys that vanish with nothing to stop a
stampede, data that lives only in a cache, and money acknowledged from a write-behind
cache (rules.md, "CAC: caching").

A cache is a component of kind `cache` (`Terms.kind`): a Redis declared `kind: database`
is a database and none of these rules judge it. Every check is linear in components +
edges + flow hops: what a rule needs about callers, data classes or flows is gathered
once per run into dicts or sets, never by walking paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archlint.analysis.graph import Route
from archlint.analysis.terms import MONEY_DATA
from archlint.findings import Finding, Path
from archlint.input.units import format_rate
from archlint.rules import RuleContext, check, joined, reaches

# Invalidation modes that keep a cache in step with its store without a TTL (CAC001).
_EXPIRING = frozenset({"write_through", "write_behind", "explicit"})
# Callees that make a cache's caller a reader of data kept elsewhere (CAC001's guard):
# a caller that reaches none of them uses the cache as a counter or a session store.
_READ_SOURCES = frozenset({"database", "search", "service", "external"})
# What a miss can fall through to (CAC002): a cache read in a flow whose caller also
# reads one of these has a store behind it.
_BEHIND = _READ_SOURCES | {"object_storage"}
# Where a write flow's data outlives a cache (CAC003 (b)).
_DURABLE = frozenset({"database", "object_storage", "queue", "stream", "external"})
_UNPROTECTED = (None, "none")
_DURABLE_TEXT = "database, object storage, broker or external"
_CACHE = frozenset({"cache"})


# --- private helpers ----------------------------------------------------------------------

def _caches(ctx: RuleContext) -> list[str]:
    """The cache components, in declaration order."""
    return ctx.terms.ids_of(_CACHE)


def _settings(ctx: RuleContext, cid: str) -> Any:
    return ctx.terms.component(cid).cache


def _cache_path(ctx: RuleContext, cid: str, field: str | None = None) -> Path:
    """`components.<c>.cache[.<field>]`, cut back to the nearest part the design has."""
    settings = _settings(ctx, cid)
    if settings is None:
        return ("components", cid)
    if field is None or getattr(settings, field) is None:
        return ("components", cid, "cache")
    return ("components", cid, "cache", field)


def _flows_text(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return ("flow " if len(quoted) == 1 else "flows ") + joined(quoted)


def _entered(route: Route) -> list[str]:
    """The components a flow's hops enter, in first-appearance order, each once."""
    return list(dict.fromkeys(hop.edge.dst for hop in route.hops))


# --- CAC001 ----------------------------------------------------------------------------

@check("CAC001")
def cache_without_expiry(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    # caller -> the first component it calls that holds data kept outside the cache
    # (database, search, service or external), or None: computed once per caller.
    sources: dict[str, str | None] = {}

    def source_of(caller: str) -> str | None:
        if caller not in sources:
            sources[caller] = next(
                (edge.dst for edge in terms.calls_from(caller) if terms.kind(edge.dst) in _READ_SOURCES), None
            )
        return sources[caller]

    for cid in _caches(ctx):
        settings = _settings(ctx, cid)
        ttl = settings.ttl if settings is not None else None
        invalidation = settings.invalidation if settings is not None else None
        if ttl is not None or invalidation in _EXPIRING:
            continue
        reader = None
        for edge in terms.calls_into(cid):
            source = source_of(edge.src)
            if source is not None:
                reader = (edge.src, source)
                break
        if reader is None:
            continue  # no caller reads data kept elsewhere: a counter, limiter or session store
        caller, source = reader
        if invalidation == "ttl":
            state = f"cache {cid} sets invalidation: ttl but no ttl"
        else:
            state = f"cache {cid} has no ttl and no invalidation"
        yield ctx.finding(
            _cache_path(ctx, cid),
            f"{state}, so what {caller} caches there from {source} never expires and goes stale",
            hint=f"set components.{cid}.cache.ttl to how stale {source}'s data may be (such as 5m), "
                 f"or invalidation: write_through or explicit if every write to {source} updates {cid}",
        )


# --- CAC002 ----------------------------------------------------------------------------

@check("CAC002")
def stampede_unprotected(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    min_rate = float(ctx.options.get("min_rate", 100.0))
    # cache -> the flows with a rate that read it (its read load is known).
    readers: dict[str, list[str]] = {}
    behind: set[str] = set()
    for route in terms.routes():
        # A cache has a store behind it when, in some flow, a component that reads it
        # also reads a store (the miss path): with none, a miss has nowhere to stampede.
        # A store kept in memory (catalog `in_memory`: Redis, Memcached) answers a miss
        # at the cache's own speed: nothing there for a stampede to overload.
        sources = {hop.edge.src for hop in route.hops
                   if id(hop) in terms.reading_hops and terms.kind(hop.edge.dst) in _BEHIND
                   and terms.figure(hop.edge.dst, "in_memory") is not True}
        for hop in route.hops:
            cid = hop.edge.dst
            if terms.kind(cid) != "cache" or id(hop) not in terms.reading_hops:
                continue
            if hop.edge.src in sources:
                behind.add(cid)
            # Flows that read it: read flows, and cache-aside lookups in write flows.
            if route.flow.rate is not None:
                names = readers.setdefault(cid, [])
                if not names or names[-1] != route.name:
                    names.append(route.name)
    for cid in _caches(ctx):
        names = readers.get(cid) or []
        if not names or cid not in behind:
            continue  # no flow with a rate reads it, or no store behind it to stampede
        settings = _settings(ctx, cid)
        stampede = settings.stampede if settings is not None else None
        if stampede not in _UNPROTECTED:
            continue
        figure = terms.figures.loads.get(cid)
        load = None if figure is None else figure.read
        if load is None or not reaches(load, min_rate):  # at the minimum counts (>=)
            continue
        state = "stampede: none" if stampede == "none" else "no stampede protection"
        yield ctx.finding(
            _cache_path(ctx, cid),
            f"cache {cid} serves {format_rate(load)} of reads {figure.when} ({_flows_text(names)}) with {state}, "
            f"so every concurrent miss on a hot key goes to the store at once",
            hint=f"set components.{cid}.cache.stampede: coalescing (or locking, or early_expiration) "
                 f"so that one request per key refills it",
        )


# --- CAC003 ----------------------------------------------------------------------------

@check("CAC003")
def cache_as_source_of_truth(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    caches = list(_caches(ctx))
    if not caches:
        return
    # (a) data classes held by a cache and by no component that is not a cache
    held: set[str] = set()
    for node in ctx.graph.nodes.values():
        if node.kind != "cache" and node.component.data:
            held.update(node.component.data)
    ephemeral = {cid for cid in caches if _ephemeral(ctx, cid)}
    for cid in caches:
        if cid in ephemeral:
            continue  # losing it is accepted by design (presence, sessions, counters)
        data = terms.component(cid).data or ()
        only_here = [name for name in dict.fromkeys(data) if name not in held]
        if not only_here:
            continue
        classes = joined(only_here)
        verb = "is" if len(only_here) == 1 else "are"
        yield ctx.finding(
            ("components", cid, "data"),
            f"cache {cid} holds {classes}, which no component other than a cache holds, "
            f"so an eviction or a restart loses {'it' if len(only_here) == 1 else 'them'}",
            hint=f"keep {classes} in a durable store (list it in that store's data) and let {cid} cache it, "
                 f"declare {cid} kind: database if it {verb} meant to live there, or set "
                 f"components.{cid}.cache.ephemeral: true if losing it is acceptable by nature "
                 f"(presence, sessions, counters)",
        )
    # (b) write flows that put data into a cache and nowhere durable
    for route in terms.routes():
        if route.flow.type != "write":
            continue
        cache_hop = None
        durable = False
        for hop in route.hops:
            kind = terms.kind(hop.edge.dst)
            if kind in _DURABLE and id(hop) in terms.writing_hops:
                durable = True
                break
            if kind == "cache" and cache_hop is None and id(hop) in terms.writing_hops:
                cache_hop = hop
        if durable or cache_hop is None or cache_hop.edge.dst in ephemeral:
            continue
        writer, cache = cache_hop.edge.src, cache_hop.edge.dst
        yield ctx.finding(
            route.path,
            f"write flow '{route.name}' writes to cache {cache} and reaches no {_DURABLE_TEXT}, "
            f"so the cache holds the only copy of what it writes",
            hint=f"add the durable write to flows.{route.name}.steps (a hop from {writer} to the store that "
                 f"keeps the data), declare {cache} kind: database if it is that store, or set "
                 f"components.{cache}.cache.ephemeral: true if losing it is acceptable by nature "
                 f"(presence, sessions, counters)",
        )


def _ephemeral(ctx: RuleContext, cid: str) -> bool:
    """`cache.ephemeral: true`: the design accepts losing what the cache holds."""
    settings = _settings(ctx, cid)
    return settings is not None and settings.ephemeral is True


# --- CAC004 ----------------------------------------------------------------------------

@check("CAC004")
def write_behind_money(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    behind = [
        cid for cid in _caches(ctx)
        if (settings := _settings(ctx, cid)) is not None and settings.invalidation == "write_behind"
    ]
    if not behind:
        return
    behind_set = set(behind)
    # write-behind cache -> (first write flow taking it, a money component that flow enters)
    shared: dict[str, tuple[str, str]] = {}
    for route in terms.routes():
        if route.flow.type != "write":
            continue
        entered = _entered(route)
        written = {hop.edge.dst for hop in route.hops if id(hop) in terms.writing_hops}
        caches = [cid for cid in entered if cid in behind_set and cid in written and cid not in shared]
        if not caches:
            continue
        money = next((cid for cid in entered if terms.money_data(cid)), None)
        if money is None:
            continue
        for cid in caches:
            shared[cid] = (route.name, money)
    for cid in behind:
        if terms.money_data(cid):
            classes = joined(sorted(terms.data(cid) & MONEY_DATA))
            message = f"write-behind cache {cid} holds {classes} data"
        elif cid in shared:
            flow, money = shared[cid]
            classes = joined(sorted(terms.data(money) & MONEY_DATA))
            message = (f"write flow '{flow}' goes through write-behind cache {cid} and into {money}, "
                       f"which holds {classes} data")
        else:
            continue
        yield ctx.finding(
            _cache_path(ctx, cid, "invalidation"),
            f"{message}: writes {cid} acknowledges are lost if it fails before flushing them",
            hint=f"set components.{cid}.cache.invalidation: write_through (the store commits before the "
                 f"write is acknowledged), or explicit",
        )
