"""DAT: data and consistency. Where money sits, whether the stores a flow relies on can
give the consistency it asks for, and whether data survives a lost node or a bad
delete (rules.md, "DAT: data and consistency").

Catalog figures come from `Terms.figure`; an unknown (None) figure never makes a clause
fire. Every check is linear in components + edges + flow hops: DAT002 and DAT004 gather
the flows per store in one pass over the hops, and DAT006 labels every component that
reaches money data with a single reverse breadth-first search. DAT007 and DAT008 read
each flow's hops once, with what their steps state (`via`, `guard`).

The DAT area has eight rules (about 450 lines); like every area, one module.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from archlint.analysis.graph import Hop, Route
from archlint.analysis.terms import DURABLE_KINDS, MONEY_DATA
from archlint.findings import Finding, Path
from archlint.language.kinds import BROKER, STORE
from archlint.rules import RuleContext, check, joined
from archlint.rules.phrasing import flows as flow_list

_DATABASE = "database"
_WEAK_MODES = ("multi_leader", "leaderless")  # several writers: conflicts, no single order
_STRICT_READS = ("read-your-writes", "strong")  # DAT004: targets a lagging replica breaks
_MONEY_METHODS = frozenset({"POST", "PATCH"})  # GET, PUT and DELETE repeat safely


# --- private helpers (_consistency and _money_reach are candidates for analysis.Terms) ---

def _catalog(ctx: RuleContext, cid: str) -> str:
    """Where a catalog figure comes from: `the catalog figure of cassandra`, or the
    kind's defaults."""
    entry = ctx.terms.entry(cid)
    if entry is not None:
        return f"the catalog figure of {entry.id}"
    return f"the catalog default for a {ctx.terms.kind(cid).replace('_', ' ')}"


def _consistency(ctx: RuleContext, cid: str) -> tuple[Any, str]:
    """The store's consistency as DAT001 derives it, with where it comes from: component
    `consistency` (E2), else `eventual` under a multi-leader or leaderless
    `replication.mode`, else the catalog figure (None when unknown)."""
    component = ctx.terms.component(cid)
    if component.consistency is not None:
        return component.consistency, "set on the component"
    if _weak_mode(ctx, cid):
        return "eventual", f"under replication.mode {component.replication.mode}"
    return ctx.terms.figure(cid, "consistency"), _catalog(ctx, cid)


def _weak_mode(ctx: RuleContext, cid: str) -> bool:
    """`replication.mode` is multi_leader or leaderless."""
    replication = ctx.terms.component(cid).replication
    return replication is not None and replication.mode in _WEAK_MODES


def _flows(routes: list[Route]) -> str:
    return flow_list(route.name for route in routes)


def _verb(routes: list[Route], one: str, many: str) -> str:
    return one if len(routes) == 1 else many


def _stores_entered(ctx: RuleContext, wanted: Callable[[Route], bool]) -> dict[str, list[Route]]:
    """Store id -> the flows (declaration order, each once) for which `wanted(route)` is
    true and that take a hop into the store; one pass over all hops."""
    entered: dict[str, list[Route]] = {}
    for route in ctx.terms.routes():
        if not route.hops or not wanted(route):
            continue
        for cid in dict.fromkeys(hop.edge.dst for hop in route.hops):
            entered.setdefault(cid, []).append(route)
    return entered


def _copies_text(count: int) -> str:
    return f"{count} cop" + ("y" if count == 1 else "ies")


def _instances(count: int) -> str:
    return f"{count} instance" + ("" if count == 1 else "s")


def _money_reach(ctx: RuleContext) -> dict[str, str]:
    """Component id -> a component with money data it is or reaches along graph edges
    (calls, publishes, consumes), the nearest one. One multi-source breadth-first search
    backwards from every money holder, in declaration order: linear in the graph."""
    terms = ctx.terms
    graph = ctx.graph
    holder: dict[str, str] = {}
    queue: deque[str] = deque()
    for cid in graph.nodes:
        if terms.money_data(cid):
            holder[cid] = cid
            queue.append(cid)
    while queue:
        cid = queue.popleft()
        for edge in graph.in_edges.get(cid, ()):
            if edge.src not in holder:
                holder[edge.src] = holder[cid]
                queue.append(edge.src)
    return holder


# --- DAT001 ----------------------------------------------------------------------------

@check("DAT001")
def money_on_weak_store(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        if node.kind != _DATABASE or not terms.money_data(cid):
            continue
        consistency, source = _consistency(ctx, cid)
        transactions = terms.figure(cid, "transactions")
        weak = consistency is not None and consistency != "strong"
        no_transactions = transactions == "none"
        if not weak and not no_transactions:
            continue
        money = joined(sorted(terms.data(cid) & MONEY_DATA))
        faults = []
        fixes = []
        if weak:
            faults.append(f"its consistency is {consistency} ({source}), not strong")
            if terms.component(cid).consistency is None and _weak_mode(ctx, cid):
                fixes.append(f"set components.{cid}.replication.mode: primary_replica")
            elif consistency == "tunable":
                fixes.append(f"set components.{cid}.consistency: strong if every read and write uses a quorum")
        if no_transactions:
            faults.append(f"it has no transactions ({_catalog(ctx, cid)})")
        fixes.append(
            f"move the {money} data to a store with strong consistency and transactions (postgres, spanner, ...)"
        )
        yield ctx.finding(
            ("components", cid),
            f"database {cid} holds {money} data but {' and '.join(faults)}",
            hint="; or ".join(fixes),
        )


# --- DAT002 ----------------------------------------------------------------------------

@check("DAT002")
def strong_consistency_vs_replication(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    entered = _stores_entered(ctx, lambda route: terms.target(route, "consistency") == "strong")
    for cid, routes in entered.items():
        if terms.kind(cid) != _DATABASE:
            continue
        component = terms.component(cid)
        if component.consistency == "strong":
            continue  # quorum reads and writes, stated (E2)
        # With no component override, a multi-leader or leaderless mode reads as eventual,
        # so one test covers both clauses of the trigger.
        consistency, source = _consistency(ctx, cid)
        if consistency is None or consistency == "strong":
            continue
        replication = component.replication
        path: Path = ("components", cid)
        if replication is not None and replication.mode is not None:
            path = ("components", cid, "replication", "mode")
        if _weak_mode(ctx, cid):
            cause = f"replicates {replication.mode}, so reads may miss the latest write"
            hint = (f"set components.{cid}.replication.mode: primary_replica with reads from the primary, "
                    f"or components.{cid}.consistency: strong if every read and write uses a quorum")
        else:
            cause = f"is {consistency} ({source}), not strong"
            hint = (f"set components.{cid}.consistency: strong if it serves these flows with strongly "
                    f"consistent (quorum) reads and writes, or move them to a strongly consistent store")
        yield ctx.finding(
            path,
            f"{_flows(routes)} {_verb(routes, 'requires', 'require')} strong consistency but database {cid} {cause}",
            hint=hint,
        )


# --- DAT003 ----------------------------------------------------------------------------

@check("DAT003")
def missing_backups(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        if node.kind != _DATABASE:
            continue
        backups = node.component.backups
        if backups is not None and backups is not False:  # `false` records their absence
            continue
        if terms.figure(cid, "backups") is not False:
            continue  # automatic by default, or unknown
        stated = "backups: false" if backups is False else "no backups"
        yield ctx.finding(
            ("components", cid),
            f"database {cid} has {stated}, and none are taken automatically ({_catalog(ctx, cid)})",
            hint=f"set components.{cid}.backups: {{interval: 24h, retention: 30d}} and test restoring them; if "
                 f"its data can be rebuilt from elsewhere (a derived copy), accept the finding with its reason: "
                 f"components.{cid}.lint.ignore: {{DAT003: \"<where the data is rebuilt from>\"}}",
        )


# --- DAT004 ----------------------------------------------------------------------------

@check("DAT004")
def stale_replica_reads(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    entered = _stores_entered(
        ctx, lambda route: route.flow.type == "read" and terms.target(route, "consistency") in _STRICT_READS
    )
    for cid, routes in entered.items():
        if terms.kind(cid) not in STORE:
            continue
        replication = terms.component(cid).replication
        if replication is None or replication.read_from_replicas is not True or replication.synchronous is True:
            continue
        targets = joined(list(dict.fromkeys(terms.target(route, "consistency") for route in routes)))
        yield ctx.finding(
            ("components", cid, "replication", "read_from_replicas"),
            f"{_flows(routes)} {_verb(routes, 'needs', 'need')} {targets} reads "
            f"but {cid} serves reads from asynchronous replicas",
            hint=f"read these flows from the primary, or set components.{cid}.replication.synchronous: true",
        )


# --- DAT005 ----------------------------------------------------------------------------

@check("DAT005")
def not_replicated(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    minimum = int(ctx.options.get("min_copies", 2))
    for cid, node in ctx.graph.nodes.items():
        kind = node.kind
        if kind != _DATABASE and kind not in BROKER:
            continue
        if terms.provider_redundant(cid):
            continue  # the provider keeps the copies, and the design says nothing against it
        copies = terms.copies(cid)
        if copies is None or copies >= minimum:
            continue
        component = node.component
        path: Path = ("components", cid)
        single = terms.provider_single(cid)
        if kind == _DATABASE:
            replication = component.replication
            if replication is None:
                how = f"no replication, {_instances(terms.rmin(cid))}"
                hint = (f"set components.{cid}.replication: {{mode: primary_replica, replicas: {minimum - 1}}} "
                        f"(a primary and {minimum - 1} follower{'' if minimum == 2 else 's'})")
            else:
                path = ("components", cid, "replication")
                if replication.mode in _WEAK_MODES:
                    how = f"replication.replicas {replication.replicas or 0}, all copies under {replication.mode}"
                    hint = f"set components.{cid}.replication.replicas to {minimum} or more"
                else:
                    followers = replication.replicas or 0
                    how = f"a primary and {followers} follower" + ("" if followers == 1 else "s")
                    hint = f"set components.{cid}.replication.replicas to {minimum - 1} or more"
        else:
            queue = component.queue
            if queue is not None and queue.replication_factor is not None:
                path = ("components", cid, "queue", "replication_factor")
                how = f"queue.replication_factor {queue.replication_factor}"
            elif terms.figure(cid, "replication_factor") is not None:
                how = f"no queue.replication_factor, so {_catalog(ctx, cid)}"
            else:
                how = f"no replication factor, {_instances(terms.rmin(cid))}"
            hint = (f"set components.{cid}.queue.replication_factor to {minimum} or more, "
                    f"with at least as many broker instances")
        if single is not None:
            # A provider-run service stated as one instance: the stated count beats its default.
            how = f"managed {terms.tech_name(cid)} stated as {single}"
            if single == "replicas: 1":
                path = ("components", cid, "replicas")
            elif single == "zones: 1":
                path = ("components", cid, "zones")
            if kind in BROKER and single.startswith("queue."):
                hint = f"set components.{cid}.queue.replication_factor to {minimum} or more"
            else:
                hint = (f"keep a standby copy of {cid} in another zone: drop components.{cid}.{single.split(':')[0]} "
                        f"(the provider's redundant deployment) or raise it to {minimum} or more")
        else:
            note = terms.default_note(cid)
            if note is not None and component.managed is None:
                how += f"; {note}, so it counts as self-run"
                hint += f", or set components.{cid}.managed: true if a provider runs it and keeps the copies"
        yield ctx.finding(
            path,
            f"{kind} {cid} keeps {_copies_text(copies)} ({how}), fewer than {minimum}",
            hint=hint,
        )


# --- DAT006 ----------------------------------------------------------------------------

@check("DAT006")
def money_write_without_idempotency_key(ctx: RuleContext) -> Iterator[Finding]:
    apis = ctx.design.apis or ()
    nodes = ctx.graph.nodes
    reach: dict[str, str] | None = None
    for index, api in enumerate(apis):
        if api.method not in _MONEY_METHODS or api.idempotency_key is True:
            continue
        server = api.served_by
        if server is None or server not in nodes:
            continue
        if api.flows is not None:
            # The endpoint names its flows: only what their hops do counts, not every
            # store the server can reach for its other endpoints.
            holder = _money_written(ctx, server, api.flows)
        else:
            if reach is None:  # only designs with a money write pay for the search
                reach = _money_reach(ctx)
            holder = reach.get(server)
        if holder is None:
            continue
        if holder == server:
            where = "holds money data"
            dedupe = f"have {server} drop repeats of a key it has already processed"
        else:
            where = f"reaches money data in {holder}"
            dedupe = f"drop repeats of a key already processed before the write reaches {holder}"
        if api.flows is None:
            dedupe += (f"; if this endpoint moves no money, list the flows it starts in apis[{index}].flows so that "
                       f"only their hops count")
        elif holder != server:
            where = f"writes money data in {holder} on {flow_list(api.flows)}"
        yield ctx.finding(
            ("apis", index),
            f"{api.endpoint} is served by {server}, which {where}, but takes no idempotency key",
            hint=f"set apis[{index}].idempotency_key: true and {dedupe}",
        )


def _money_written(ctx: RuleContext, server: str, flows: list[str]) -> str | None:
    """The first money holder that a hop of the named flows enters without only reading
    it (the server itself when it holds money data), or None."""
    terms = ctx.terms
    if terms.money_data(server):
        return server
    for name in flows:
        route = ctx.graph.routes.get(name)
        for hop in route.hops if route is not None else ():
            if terms.money_data(hop.edge.dst) and terms.op(hop) != "read":
                return hop.edge.dst
    return None


# --- DAT007 ----------------------------------------------------------------------------

_SERVICE_KINDS = frozenset({"service", "worker", "function"})


def _step_of(route: Route, hop: Hop) -> Path:
    """The `steps` item holding the first chain that takes the hop."""
    return ("flows", route.name, "steps", hop.step)


def _quoted_chain(hop: Hop) -> str:
    return f'"{hop.edge.src} -> {hop.edge.dst}"'


def _relay(route: Route, src: str, store: str, committers: dict[str, set[str]]) -> bool:
    """A relay drawn as a component: it starts its own chain in the flow (no hop enters
    it: it polls) on a database another component commits to, in this flow or in
    another (a relay is often a background flow of its own). What it "writes" there
    marks outbox rows as sent; a crash between that and the publish sends the event
    again, which the outbox is there to allow."""
    if any(hop.edge.dst == src for hop in route.hops):
        return False
    return bool(committers.get(store, set()) - {src})


def _committers(ctx: RuleContext) -> dict[str, set[str]]:
    """Database id -> the components some flow's hop writes it from."""
    terms = ctx.terms
    out: dict[str, set[str]] = {}
    for route in terms.routes():
        for hop in route.hops:
            if id(hop) in terms.writing_hops and terms.kind(hop.edge.dst) == _DATABASE:
                out.setdefault(hop.edge.dst, set()).add(hop.edge.src)
    return out


@check("DAT007")
def dual_write_without_outbox(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    kind = terms.kind
    committers: dict[str, set[str]] | None = None
    for route in terms.routes():
        writes = [hop for hop in route.hops if id(hop) in terms.writing_hops]
        if not writes:
            continue
        # Components that write a durable store in this flow: a service they call
        # "writes" only when it does (a call to a read-only service commits nothing).
        durable_writers = {hop.edge.src for hop in writes if kind(hop.edge.dst) in DURABLE_KINDS}
        commits: dict[str, Hop] = {}
        others: dict[str, list[Hop]] = {}
        for hop in writes:
            src, dst = hop.edge.src, kind(hop.edge.dst)
            if dst == _DATABASE:
                commits.setdefault(src, hop)
            elif hop.via is None and (
                    dst in BROKER or (dst in _SERVICE_KINDS and hop.edge.sync and hop.edge.dst in durable_writers)):
                others.setdefault(src, []).append(hop)
        for src, commit in commits.items():
            second = others.get(src)
            if not second or any(h.via for h in writes if h.edge.src == src and kind(h.edge.dst) == _DATABASE):
                continue  # `via` on the commit itself: its component's events are relayed
            if committers is None:  # only designs with a dual write pay for the pass
                committers = _committers(ctx)
            if _relay(route, src, commit.edge.dst, committers):
                continue
            hop = second[0]
            target = hop.edge.dst
            verb = "publishes to" if kind(target) in BROKER else "calls the write of"
            action = "publishes" if kind(target) in BROKER else f"calls {target}"
            also = f" (and {joined(h.edge.dst for h in second[1:])})" if len(second) > 1 else ""
            yield ctx.finding(
                _step_of(route, hop),
                f"in flow '{route.name}', {src} commits to {commit.edge.dst} and {verb} {target}{also} in "
                f"separate steps, with nothing that makes the two atomic: a crash between them leaves "
                f"{commit.edge.dst} and {target} disagreeing",
                hint=f"write the event in {commit.edge.dst}'s transaction and relay it, and say so: "
                     f"{{chain: {_quoted_chain(hop)}, via: outbox}} (a transactional outbox) or via: cdc "
                     f"(change-data capture from {commit.edge.dst}'s log); or draw the relay as a worker "
                     f"that reads {commit.edge.dst} and {action}",
            )


# --- DAT008 ----------------------------------------------------------------------------

def _async_read_models(ctx: RuleContext) -> set[str]:
    """Stores every flow writes only from a component that a message brought it (a
    consumer entered by a `consumes` hop): read models refreshed asynchronously."""
    terms = ctx.terms
    sync_written: set[str] = set()
    async_written: set[str] = set()
    for route in terms.routes():
        consumers = {hop.edge.dst for hop in route.hops if hop.edge.kind == "consumes"}
        for hop in route.hops:
            if id(hop) in terms.writing_hops and terms.kind(hop.edge.dst) in STORE:
                (async_written if hop.edge.src in consumers else sync_written).add(hop.edge.dst)
    return async_written - sync_written


def _stale_source(ctx: RuleContext, cid: str, written: set[str], read_models: set[str]) -> str | None:
    """Why a read of `cid` may be stale, or None. A replica store the reader also writes
    in the flow is read on its primary, in the write's transaction."""
    kind = ctx.terms.kind(cid)
    if kind == "cache":
        # An ephemeral cache (sessions, counters) is no copy of a store: nothing to lag.
        cache = ctx.terms.component(cid).cache
        return None if cache is not None and cache.ephemeral else "a cache that may hold an older value than its store"
    replication = ctx.terms.component(cid).replication
    if kind in STORE and replication is not None and replication.read_from_replicas is True \
            and replication.synchronous is not True and cid not in written:
        return "whose reads go to asynchronous replicas that may lag the primary"
    if cid in read_models:
        return "a read model that consumers refresh asynchronously"
    return None


@check("DAT008")
def decision_on_stale_read(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    read_models: set[str] | None = None
    for route in terms.routes():
        writes = [hop for hop in route.hops if id(hop) in terms.writing_hops]
        if not writes:
            continue
        money = sorted({hop.edge.dst for hop in writes if terms.money_data(hop.edge.dst)})
        strong = terms.target(route, "consistency") == "strong"
        if not money and not strong:
            continue
        if read_models is None:  # only designs with such a flow pay for the pass
            read_models = _async_read_models(ctx)
        decisions: dict[str, list[Hop]] = {}  # reader -> its unguarded durable writes
        written: dict[str, set[str]] = {}
        for hop in writes:
            written.setdefault(hop.edge.src, set()).add(hop.edge.dst)
            if hop.guard is None and terms.kind(hop.edge.dst) in DURABLE_KINDS:
                decisions.setdefault(hop.edge.src, []).append(hop)
        for hop in route.hops:
            reader, store = hop.edge.src, hop.edge.dst
            if id(hop) not in terms.reading_hops or reader not in decisions:
                continue
            why = _stale_source(ctx, store, written.get(reader, set()), read_models)
            later = [w for w in decisions[reader] if w.step > hop.step and w.edge.dst != store]
            if why is None or not later:
                continue
            targets = joined(dict.fromkeys(w.edge.dst for w in later))
            reason = (f"moves money ({joined(money)} {'holds' if len(money) == 1 else 'hold'} "
                      f"{joined(sorted(set().union(*(terms.data(m) & MONEY_DATA for m in money))))} data)"
                      if money else "needs strong consistency")
            yield ctx.finding(
                _step_of(route, hop),
                f"flow '{route.name}' {reason}, and {reader} writes {targets} after reading {store}, "
                f"{why}: two concurrent requests can both pass a check made on what it read",
                hint=f"decide on the primary in the write's transaction instead of {store}, or guard the write "
                     f"and say so: {{chain: {_quoted_chain(later[0])}, guard: conditional}} (a conditional "
                     f"update, compare-and-set) or guard: unique (a unique constraint)",
            )
