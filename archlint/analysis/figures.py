"""The back-of-envelope figures of a design ("What archlint derives" in the language
spec): flow rates, load against capacity, composed availability, latency along the
slowest synchronous chain, storage growth and bandwidth.

Each figure keeps the inputs it came from and where each input came from (the design,
the technology catalog with its source, or a rule of thumb), so `archlint estimate`
can show the arithmetic as an engineer would on a whiteboard, and the SCL, LAT and
AVL006 rules compare exactly the numbers `estimate` prints.

One module on purpose (over 500 lines): the figures feed each other (rates -> loads ->
capacity -> utilisation -> availability and latency), and each keeps its work text next
to its arithmetic so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import operator
import weakref
from dataclasses import dataclass, field
from typing import Any

from archlint.analysis.graph import Route
from archlint.analysis.levelling import Backlog, Tally, level
from archlint.input import units
from archlint.language.kinds import BROKER, STORE

# Catalog units that count partitions or shards; for any other unit (node, replica,
# instance, pod, queue, account, ...) the number of units is the replica count (rmax).
PARTITION_UNITS = frozenset({"partition", "shard", "prefix", "throughput_unit"})
# Copies beyond this many add nothing a float can hold to 1 − (1 − a)^n, and spreading
# more over zones would only allocate: the arithmetic counts at most this many.
COUNTED_COPIES = 1000
# Kinds whose capacity grows with `sharding.shards` when their unit is a node (or an
# instance, a bucket): shards x the copies of each shard that serve.
SHARDED_KINDS = frozenset({"database", "cache", "search", "object_storage"})
HOT_UTILISATION = 0.7
# Catalog bases that make a capacity an estimate, not a fact: a rule of thumb (the kinds'
# defaults are rules of thumb too). Stated figures and vendor-documented ones are facts.
ASSUMED_BASES = frozenset({"rule_of_thumb"})
# A hop taken by fewer than this share of a flow's requests cannot hold its 99th
# percentile, so it does not set the flow's p99.
P99_SHARE = 0.01
_WORK_LIMIT = 2000  # characters of a latency's arithmetic shown before "…"
# A design's latencies (and shares, sizes) are a few distinct values written thousands
# of times in the flows' arithmetic: each is formatted once.
_duration = functools.lru_cache(maxsize=1024)(units.format_duration)
_percent = functools.lru_cache(maxsize=1024, typed=True)(units.format_percent)
_size = functools.lru_cache(maxsize=1024, typed=True)(units.format_size)
_step_of = operator.attrgetter("step")
_first = operator.itemgetter(0)


@dataclass(frozen=True, slots=True)
class Source:
    """Where one input came from: `design` (a path), `catalog` (an entry and its
    source key), `default` (a kind's default), or `rule` (a rule of thumb)."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(slots=True)
class FlowRate:
    name: str
    average: float | None  # requests per second
    peak: float | None
    work: str  # the arithmetic, e.g. "10B/month ÷ 2.59M s × 3 peak = 11.6k/s"


@dataclass(slots=True)
class Capacity:
    """What a component can serve, per second; None where unknown or unbounded."""

    read: float | None
    write: float | None
    units: int | None
    unit: str
    per_unit_read: float | None
    per_unit_write: float | None
    source: Source | None
    # The arithmetic (`work`): given as text, or written from `arithmetic` when first
    # read (most of a large design's capacities are compared, never printed).
    text: str | None
    checked: bool = True  # False: nothing to compare (autoscales, unbounded, unknown)
    reason: str = ""
    scales_with: str = ""  # the design field that adds units: replicas, sharding.shards, ...
    scale_count: int = 0  # its value now
    # Where each per-unit figure comes from: "design" (a stated `capacity`), or the
    # catalog figure's basis (`vendor_limit`, `rule_of_thumb`, ...): how sure it is.
    read_basis: str = ""
    write_basis: str = ""
    arithmetic: Any = None  # (read factors, write factors, per read, per write, read, write)

    @property
    def work(self) -> str:
        """`2 nodes × 50k/s = 100k/s`: the arithmetic, always ending in the figure."""
        if self.text is None:
            self.text = _capacity_work(*self.arithmetic)
        return self.text

    def assumed(self, read: bool, write: bool) -> bool:
        """Whether a figure the comparison uses (reads, writes) is a rule of thumb rather
        than stated by the design or documented by a vendor (docs/language.md, "Capacity")."""
        return (read and self.read_basis in ASSUMED_BASES) or (write and self.write_basis in ASSUMED_BASES)


@dataclass(slots=True)
class Load:
    cid: str
    total: float
    read: float
    write: float
    at_average: bool  # fed only by queues with no smoothing window: sized at the average rate
    capacity: Capacity
    compared: str  # "all", "read" (single-leader databases: writes are SCL002's)
    demand: float  # the load compared with capacity
    limit: float | None  # the capacity compared with
    utilisation: float | None
    write_limit: float | None = None  # single-leader stores: the primaries' write capacity
    write_utilisation: float | None = None  # write load / write_limit
    levelled: bool = False  # no hop brings its flow's peak: queues in front level it
    steady: float = 0.0  # each hop at most at its flow's average: the arrival off-peak
    steady_levelled: bool = False  # some hop of `steady` is below its flow's average

    @property
    def when(self) -> str:
        """At what rate the load is counted, for messages."""
        if self.at_average:
            return "at average rate (only async hops enter it)"
        if self.levelled:
            return "as a queue levels it"
        return "at peak"

    @property
    def assumed(self) -> bool:
        """Whether the capacity this load is compared with rests on a rule of thumb for
        some kind of work the load does (reads, writes, or either for untyped work)."""
        if self.compared == "read":
            return self.capacity.assumed(True, False)
        untyped = self.total - self.read - self.write > 1e-9 or not (self.read or self.write)
        return self.capacity.assumed(bool(self.read) or untyped, bool(self.write) or untyped)

    @property
    def writes_assumed(self) -> bool:
        """Whether the write capacity (the primaries', SCL002) is a rule of thumb."""
        return self.capacity.assumed(False, True)

    @property
    def busiest(self) -> float | None:
        """The larger of the utilisation and the write utilisation (what saturates first)."""
        shares = [u for u in (self.utilisation, self.write_utilisation) if u is not None]
        return max(shares) if shares else None

    @property
    def hot(self) -> bool:
        busiest = self.busiest
        return busiest is not None and busiest > HOT_UTILISATION


@dataclass(slots=True)
class Part:
    """One component's share of a flow's availability or latency."""

    cid: str
    value: float | None  # the component's availability (fraction) or p99 (seconds)
    work: str
    source: Source | None
    sla: bool = False  # availability taken as a provider's SLA (copies and zones not counted)


@dataclass(slots=True)
class FlowAvailability:
    name: str
    value: float | None  # None: the flow has no synchronous hop
    target: float | None
    parts: list[Part]
    unknown: list[str]
    # cid -> the share of the flow's requests that reach it (1 for the entry); a part
    # fails only the requests that reach it: 1 − share × (1 − a).
    shares: dict[str, float] = field(default_factory=dict)
    # The region that the self-run parts in one region share, counted once per flow
    # (for the share of requests that reach them); None when no such part is on the flow.
    region: Part | None = None

    def effective(self, part: Part) -> float | None:
        """The part's availability as the flow sees it: 1 − share × (1 − a)."""
        if part.value is None:
            return None
        return 1 - self.shares.get(part.cid, 1.0) * (1 - part.value)


@dataclass(slots=True)
class FlowLatency:
    name: str
    value: float | None  # seconds: the p99 of the flow; None: no synchronous hop
    target: float | None
    chain: list[str]  # the components counted, in call order
    parts: list[Part]
    unknown: list[str]
    left_out: list[str] = field(default_factory=list)  # hops below 1% of requests
    # The arithmetic, "edge 5ms + api 10ms + max(db 10ms, psp 300ms)", is written when
    # first read (a finding over the target, the estimate): most flows never print it,
    # and writing it was a third of the latency walk. `_write` writes it: a weak
    # reference to the figures, so that the figures, holding this, stay out of a cycle.
    _work: str | None = field(default=None, repr=False, compare=False)
    _write: Any = field(default=None, repr=False, compare=False)

    @property
    def work(self) -> str:
        if self._work is None:
            self._work = self._write() if self._write is not None else ""
        return self._work


@dataclass(slots=True)
class Growth:
    cid: str
    per_second: float  # bytes written per second (average)
    retention: float  # seconds
    total: float  # bytes kept over the retention
    shards: int | None
    writes: list[str] = field(default_factory=list)  # "flow: 35/s × 100% × 500B"


@dataclass(slots=True)
class Bandwidth:
    name: str
    average: float  # bytes per second
    peak: float
    work: str = ""  # "rate × 500B", or "rate × (2KB to db + 20% × 8B to filter)"


def _latency_work(figures: weakref.ref[Figures], route: Route) -> str:
    """A flow's latency arithmetic, written when first read (FlowLatency.work)."""
    owner = figures()
    if owner is None:  # a FlowLatency outlived its figures: a bug, never a wrong text
        raise RuntimeError(f"the figures of flow {route.name} are gone")
    return owner._flow_latency(route, text=True).work


class Figures:
    """The figures of one design, computed on first use from its `Terms`."""

    def __init__(self, terms: Any, zone_availability: float | None = None,
                 region_availability: float | None = None):
        self.terms = terms
        domains = terms.catalog.failure_domains
        self.zone_source = _domain_source(domains["zone"], "zone", zone_availability)
        self.region_source = _domain_source(domains["region"], "region", region_availability)
        self.zone_availability = zone_availability or domains["zone"].value
        self.region_availability = region_availability or domains["region"].value
        self._capacity_cache: dict[str, Capacity] = {}
        self._capacity_shapes: dict[tuple[Any, ...], Capacity] = {}  # see _capacity_key
        # Per-component figures, read by every flow through the component and by several
        # rules: computed once each (a 10k design asks for them tens of thousands of times).
        self._availability_cache: dict[str, Part] = {}
        self._regional: dict[str, bool] = {}  # cid -> single_region(cid, its availability)
        self._latency_cache: dict[tuple[str, str | None], Part] = {}
        self._profile_latency: dict[tuple[int, str | None, str | None], tuple[Any, ...]] = {}  # per profile and op
        self._spread_cache: dict[str, tuple[int, int, int]] = {}
        self._load_cache: dict[str, tuple[Tally, Load]] = {}
        self._composed_cache: dict[tuple[float, int, int, int], tuple[float, str]] = {}
        self._sources: dict[tuple[int, str, bool], Source] = {}  # id() of a catalog figure, ...

    # --- flows --------------------------------------------------------------------------

    @functools.cached_property
    def rates(self) -> dict[str, FlowRate]:
        return {route.name: self._rate(route) for route in self.terms.routes()}

    def _rate(self, route: Route) -> FlowRate:
        terms = self.terms
        rate = route.flow.rate
        if rate is None:
            return FlowRate(route.name, None, None, "no rate")
        average = terms.average(route)
        peak = terms.peak(route)
        written = terms.raw_rate(route.name)
        parts = units.rate_parts(written) if written else None
        if parts is not None and parts[1] != 1.0:
            _count, period, _label = parts
            start = f"{written} ÷ {units.format_count(period)} s"
        else:
            start = units.format_rate(rate)
        factor = f" × {terms.load_factor:g} load" if terms.load_factor != 1 else ""
        if terms.background(route):
            work = (f"{start}{factor} = {units.format_rate(peak)}, no peak factor: a background job "
                    f"started by worker {route.entry}")
        else:
            work = f"{start}{factor} × {terms.peak_factor:g} peak = {units.format_rate(peak)}"
        return FlowRate(route.name, average, peak, work)

    # --- capacity and load ---------------------------------------------------------------

    def capacity(self, cid: str) -> Capacity:
        cached = self._capacity_cache.get(cid)
        if cached is None:
            key = self._capacity_key(cid)
            if key is None:
                cached = self._capacity(cid)
            else:  # components alike in all _capacity reads share one (never changed) Capacity
                cached = self._capacity_shapes.get(key)
                if cached is None:
                    cached = self._capacity_shapes[key] = self._capacity(cid)
            self._capacity_cache[cid] = cached
        return cached

    def _capacity_key(self, cid: str) -> tuple[Any, ...] | None:
        """Everything `_capacity` reads about a component that states no capacity of its
        own (a stated one names the component in its source: None). A large design has
        thousands of components of a few shapes."""
        terms = self.terms
        node = terms.graph.nodes[cid]
        component = node.component
        if component.capacity is not None:
            return None
        profile = node.tech or terms.catalog.kind_default(node.kind)  # alive as long as the catalog
        autoscaling, sharding = component.autoscaling, component.sharding
        queue, replication = component.queue, component.replication
        return (id(profile), node.kind, node.tech is None, terms.managed(cid), component.replicas,
                None if autoscaling is None else (autoscaling.max,),
                None if sharding is None else (sharding.shards,),
                None if queue is None else (queue.partitions,),
                None if replication is None else (replication.mode, replication.replicas,
                                                  replication.read_from_replicas))

    def _capacity(self, cid: str) -> Capacity:
        terms = self.terms
        node = terms.graph.nodes[cid]
        component, entry = node.component, node.tech
        profile = entry or terms.catalog.kind_default(node.kind)  # terms.profile(cid)
        cap = getattr(profile, "capacity", None)
        unit = (cap.unit if cap is not None else None) or "replica"
        name = terms.tech_name(cid)
        if component.capacity is not None:
            # A field the design leaves out keeps the catalog's figure.
            per_read = component.capacity.read if component.capacity.read is not None else \
                (cap.read_rps.value if cap is not None else None)
            per_write = component.capacity.write if component.capacity.write is not None else \
                (cap.write_rps.value if cap is not None else None)
            source = Source("design", f"components.{cid}.capacity")
            unit = "replica" if unit in PARTITION_UNITS and not self._partition_count(cid) else unit
            read_basis = "design" if component.capacity.read is not None else \
                (cap.read_rps.basis if cap is not None else "")
            write_basis = "design" if component.capacity.write is not None else \
                (cap.write_rps.basis if cap is not None else "")
        elif cap is not None:
            per_read, per_write = cap.read_rps.value, cap.write_rps.value
            figure = cap.read_rps if per_read is not None else cap.write_rps
            source = self._catalog_source(figure, name, entry is not None)
            read_basis, write_basis = cap.read_rps.basis, cap.write_rps.basis
        else:
            return Capacity(None, None, None, unit, None, None, None, "no capacity figure", False, "not checked")
        landings = 1  # the copies each write lands on, where the units are nodes that all take writes
        if unit in PARTITION_UNITS:
            count = self._partition_count(cid)
            if count is None:
                if terms.managed(cid) and terms.figure(cid, "autoscales") is True:
                    return Capacity(None, None, None, unit, per_read, per_write, source,
                                    f"{name} adds {_plural_unit(unit)} by itself", False, "autoscales")
                return Capacity(None, None, None, unit, per_read, per_write, source,
                                f"per {unit}, but the number of {unit}s is unknown", False, "unit count unknown")
            read_factors = write_factors = ((count, unit),)
            field = "queue.partitions" if component.sharding is None and terms.kind(cid) in BROKER \
                else "sharding.shards"
            scaling = (field, count)
        else:
            if terms.managed(cid) and terms.figure(cid, "autoscales") is True and component.replicas is None \
                    and component.autoscaling is None:
                return Capacity(None, None, None, unit, per_read, per_write, source,
                                f"{name} scales by itself", False, "autoscales")
            layout = self.layout(cid)
            if layout is not None:
                read_factors, write_factors, scaling = self._store_factors(cid, unit, layout)
            else:
                count = terms.rmax(cid)
                read_factors = ((count, unit),)
                write_unit = cap.write_unit if cap is not None else None
                if write_unit == "cluster":
                    write_factors = ((1, "cluster"),)
                elif write_unit in PARTITION_UNITS or write_unit == "shard":
                    write_factors = ((self._partition_count(cid) or 1, "shard"),)
                else:
                    write_factors = read_factors
                    landings = self.copies_per_write(cid)
                scaling = ("autoscaling.max" if component.autoscaling is not None else "replicas", count)
        read_units, write_units = _product(read_factors), _product(write_factors)
        read = None if per_read is None else per_read * read_units
        write = None if per_write is None else per_write * write_units / landings
        if read is None and write is None:
            return Capacity(None, None, read_units, unit, None, None, source, f"no per-{unit} cap", False, "unbounded")
        return Capacity(read, write, read_units, unit, per_read,
                        per_write if per_write is None or landings == 1 else per_write / landings, source, None,
                        scales_with=scaling[0], scale_count=scaling[1], read_basis=read_basis,
                        write_basis=write_basis,
                        arithmetic=(read_factors, write_factors, per_read, per_write, read, write, landings))

    def copies_per_write(self, cid: str) -> int:
        """How many of a store's nodes each write lands on, when its nodes share its keys
        by themselves (catalog `partitioned`, no `sharding.shards`) and every copy takes
        writes (leaderless): a Cassandra cluster of 6 nodes at replication 3 applies each
        write 3 times, so it takes 6 × the per-node figure ÷ 3 writes. 1 otherwise, and
        when the design states no replication (the factor is then unknown)."""
        terms = self.terms
        if terms.kind(cid) not in SHARDED_KINDS or terms.figure(cid, "partitioned") is not True:
            return 1
        replication = terms.component(cid).replication
        if replication is None or not replication.replicas:
            return 1
        if replication.mode == "primary_replica" or (
                replication.mode is None and terms.figure(cid, "replication_model") != "leaderless"):
            return 1
        return max(1, min(terms.replication_copies(cid), terms.rmax(cid)))

    def _catalog_source(self, figure: Any, name: str, known: bool) -> Source:
        """`catalog: kafka, rule of thumb [RT]`: one Source per catalog figure and tech,
        shared by every component using it."""
        key = (id(figure), name, known)
        source = self._sources.get(key)
        if source is None:
            source = self._sources[key] = Source("catalog" if known else "default",
                                                 f"{name}, {figure.basis.replace('_', ' ')} [{figure.source}]")
        return source

    def _partition_count(self, cid: str) -> int | None:
        component = self.terms.component(cid)
        if component.sharding is not None and component.sharding.shards:
            return component.sharding.shards
        if component.queue is not None and component.queue.partitions:
            return component.queue.partitions
        default = self.terms.figure(cid, "partitions")
        return int(default) if default else None

    def layout(self, cid: str) -> tuple[int, int, str, bool] | None:
        """How a store that can be sharded spreads its work (docs/language.md, "Capacity"):
        (shards, copies per shard, replication model, whether its copies serve reads);
        None for other kinds, and for stores that spread their keys over their nodes by
        themselves (catalog `partitioned`) when the design states no shards: their units
        are their nodes.

        `replicas` and `replication.replicas` count per shard: a sharded store is
        `sharding.shards` replica sets of that many copies each."""
        terms = self.terms
        kind = terms.kind(cid)
        if kind not in SHARDED_KINDS:
            return None
        component = terms.component(cid)
        shards = component.sharding.shards if component.sharding is not None and component.sharding.shards else None
        if shards is None and terms.figure(cid, "partitioned") is True:
            return None
        replication = component.replication
        if kind == "object_storage":
            model = "none"
        elif replication is not None and replication.mode == "primary_replica":
            model = "single_leader"
        elif replication is not None and replication.mode in ("leaderless", "multi_leader"):
            model = "leaderless"
        else:
            model = terms.figure(cid, "replication_model") or "single_leader"
        copies = max(terms.rmax(cid), terms.replication_copies(cid))
        if replication is not None and replication.read_from_replicas is not None:
            replica_reads = replication.read_from_replicas
        else:
            replica_reads = model == "leaderless" or terms.figure(cid, "replica_reads") is True
        return shards or 1, copies, model, replica_reads

    @staticmethod
    def _store_factors(cid: str, unit: str, layout: tuple[int, int, str, bool]) -> tuple[Any, Any, tuple[str, int]]:
        shards, copies, model, replica_reads = layout
        lead = ((shards, "shard"),) if shards > 1 else ()
        if model == "none":  # no copies: every node holds its own keys
            nodes = lead + ((copies, unit),)
            field = ("sharding.shards", shards) if shards > 1 else ("replicas", copies)
            return nodes, nodes, field
        readers = (copies, "copy") if replica_reads and copies > 1 else (1, "primary" if copies > 1 else unit)
        writer = (1, "primary" if copies > 1 and model == "single_leader" else unit)

        def factors(last: tuple[int, str]) -> Any:
            # "8 shards × 1 node" says nothing the shards do not: keep a 1 only when
            # it is the primary among copies, or the only factor.
            keep = last[0] > 1 or last[1] == "primary" or not lead
            return lead + ((last,) if keep else ())

        return factors(readers), factors(writer), ("sharding.shards", shards)

    @functools.cached_property
    def _levelled(self) -> tuple[dict[str, Tally], dict[tuple[str, str], Backlog]]:
        def drains(cid: str, tally: Tally, target: float) -> float:
            # A consumer drains at most its capacity (at the mix of work its load does).
            load = self._load_of(cid, tally)
            if load.compared != "all" or load.limit is None or not target:
                return 1.0
            return min(1.0, load.limit / target)

        return level(self.terms, drains)

    @functools.cached_property
    def loads(self) -> dict[str, Load]:
        """Load against capacity for every component some flow's hop enters: the peak,
        levelled behind queues (docs/language.md, "Queues level load")."""
        tallies = self._levelled[0]
        return {cid: self._load_of(cid, tallies[cid]) for cid in self.terms.graph.nodes if cid in tallies}

    def _load_of(self, cid: str, tally: Tally) -> Load:
        """`_load`, once per tally: the levelling's last pass judged its consumers on the
        very tallies `loads` reports."""
        cached = self._load_cache.get(cid)
        if cached is None or cached[0] is not tally:
            cached = self._load_cache[cid] = (tally, self._load(cid, tally))
        return cached[1]

    @property
    def backlogs(self) -> list[Backlog]:
        """What each queue holds for each consumer at the end of the peak."""
        return list(self._levelled[1].values())

    def queue_limits(self, cid: str) -> tuple[float | None, float | None, str]:
        """A broker's `queue.max_depth` (messages) and retention (seconds: the design's,
        else the catalog's default, inf for unbounded), with where the retention came from."""
        queue = self.terms.component(cid).queue
        depth = queue.max_depth if queue is not None else None
        if queue is not None and queue.retention is not None:
            return depth, queue.retention, f"components.{cid}.queue.retention"
        retention = self.terms.figure(cid, "retention.default")
        origin = "catalog" if self.terms.entry(cid) is not None else "default"
        return depth, retention, f"{origin}: {self.terms.tech_name(cid)}"

    def _load(self, cid: str, tally: Tally) -> Load:
        total, read, write = tally.total, tally.read, tally.write
        # Fed only by consumes at the average: the broker in front holds the spike. (A
        # broker itself takes its producers' peak.)
        at_average = not tally.sync and not tally.at_peak and not tally.levelled
        capacity = self.capacity(cid)
        compared, demand, limit = "all", total, None
        write_limit = None
        if capacity.checked:
            if self.single_leader(cid):
                # Reads against the copies that serve them (SCL001); writes against the
                # primaries, one per shard (SCL002), in their own column.
                limit, compared, demand = capacity.read, "read", read
                write_limit = capacity.write
            elif read or write:
                # Reads and writes each use their own figure; their shares of it add up.
                limit = _combined_limit(read, write, capacity.read, capacity.write, total)
            else:
                limit = capacity.read if capacity.read is not None else capacity.write
        utilisation = None if not limit else demand / limit
        write_utilisation = None if not write_limit else write / write_limit
        return Load(cid, total, read, write, at_average, capacity, compared, demand, limit, utilisation,
                    write_limit, write_utilisation, levelled=tally.levelled and not tally.at_peak,
                    steady=tally.steady, steady_levelled=tally.steady_levelled)

    def _shards(self, cid: str) -> int:
        sharding = self.terms.component(cid).sharding
        return sharding.shards if sharding is not None and sharding.shards else 1

    def single_leader(self, cid: str) -> bool:
        """A database with one write leader (SCL002's subject): not partitioned, not
        autoscaling, replication primary_replica or unstated."""
        terms = self.terms
        if terms.kind(cid) != "database":
            return False
        if terms.figure(cid, "autoscales") is True or terms.figure(cid, "partitioned") is True:
            return False
        replication = terms.component(cid).replication
        if replication is not None and replication.mode is not None:
            return replication.mode == "primary_replica"
        return terms.figure(cid, "replication_model") in (None, "single_leader")

    def write_limit(self, cid: str) -> float | None:
        """Write capacity of a single-leader database: one primary per shard (SCL002)."""
        return self.capacity(cid).write

    def saturation(self) -> tuple[str, float] | None:
        """The component that saturates first as load grows, and at what multiple of the
        current load; None when nothing has a known, bounded capacity."""
        best: tuple[float, str] | None = None
        for cid, load in sorted(self.loads.items()):
            busiest = load.busiest
            if busiest and busiest > 0:
                multiple = 1 / busiest
                if best is None or multiple < best[0]:
                    best = (multiple, cid)
        return None if best is None else (best[1], best[0])

    # --- availability ---------------------------------------------------------------------

    def component_availability(self, cid: str) -> Part:
        cached = self._availability_cache.get(cid)
        if cached is None:
            cached = self._availability_cache[cid] = self._component_availability(cid)
            # Whether it shares its one region's fate, read by every flow through it.
            self._regional[cid] = self.single_region(cid, cached)
        return cached

    def _component_availability(self, cid: str) -> Part:
        """One part's availability. A provider's service counts as its SLA. A self-run
        part (or a provider's stated as one copy or one zone) is composed from its copies:
        copies in one zone fail with the zone, so `1 − (1 − x)^k` applies across zones
        (and regions), the independent failure domains, never across copies that share
        one. The region a single-region part runs in is the flow's to count, once."""
        terms = self.terms
        kind = terms.kind(cid)
        if kind == "client":
            return Part(cid, 1.0, "client: not counted", None)
        component = terms.component(cid)
        figure = getattr(terms.profile(cid), "availability", None)
        entry = terms.entry(cid)
        name = terms.tech_name(cid)
        single = terms.provider_single(cid)
        if component.availability is not None:
            a, source = component.availability, Source("design", f"components.{cid}.availability")
        elif single is not None:
            one = figure.single_instance if figure is not None else None
            if one is None:  # a provider-run tech the catalog does not know: its kind's node figure
                one = terms.catalog.kind_default(kind).availability
            a = one.value
            source = self._catalog_source(one, f"{name}, single instance ({single})", entry is not None)
        elif figure is not None and figure.value is not None:
            a = figure.value
            source = self._catalog_source(figure, name, entry is not None)
        else:
            return Part(cid, None, "unknown: counted as 100%", None)
        scope = figure.scope if figure is not None else None
        if single is None and (terms.managed(cid) or scope == "service"):
            return Part(cid, a, "service SLA, replicas not counted", source, sla=True)
        n, z, r = self.spread(cid)
        value, work = self._composed(a, n, z, r)
        if n == COUNTED_COPIES and (terms.copies(cid) or 1) > COUNTED_COPIES:
            work += f" (copies counted up to {COUNTED_COPIES}: more change nothing at this precision)"
        return Part(cid, value, work, source)

    def spread(self, cid: str) -> tuple[int, int, int]:
        """(copies, zones, regions) a composed part spans: zones at most one per copy,
        regions at most one per zone."""
        cached = self._spread_cache.get(cid)
        if cached is not None:
            return cached
        terms = self.terms
        n = min(max(terms.copies(cid) or 1, 1), COUNTED_COPIES)
        z = max(min(terms.zones(cid), n), 1)
        r = max(min(terms.regions(cid), z), 1)
        cached = self._spread_cache[cid] = (n, z, r)
        return cached

    def single_region(self, cid: str, part: Part) -> bool:
        """A composed part that runs in one region: it shares that region's fate."""
        if part.sla or part.value is None or part.source is None or self.terms.kind(cid) == "client":
            return False
        return self.spread(cid)[2] == 1

    def _composed(self, a: float, n: int, z: int, r: int) -> tuple[float, str]:
        """`1 − (1 − a)^k` across zones and regions, with its arithmetic: the same few
        (a, copies, zones, regions) recur across a design's parts, each composed once."""
        key = (a, n, z, r)
        cached = self._composed_cache.get(key)
        if cached is None:
            cached = self._composed_cache[key] = self._compose(a, n, z, r)
        return cached

    def _compose(self, a: float, n: int, z: int, r: int) -> tuple[float, str]:
        zone, region = self.zone_availability, self.region_availability
        pa, pz, pr = units.format_percent(a), units.format_percent(zone), units.format_percent(region)
        regions = _split(z, r)  # zones per region
        copies = _split(n, z)  # copies per zone, in zone order
        in_region: list[float] = []
        texts: list[str] = []
        index = 0
        for zones_here in regions:
            counts = copies[index:index + zones_here]
            index += zones_here
            factors = []
            value = 1.0
            for k, m in _groups(counts):
                group = zone * (1 - (1 - a) ** k)
                value *= (1 - group) ** m
                inner = f"{pz} × {pa}" if k == 1 else f"{pz} × (1 − (1 − {pa})^{k})"
                factors.append(f"(1 − {inner})" + (f"^{m}" if m > 1 else ""))
            if len(counts) == 1:  # one zone: the zone's group itself
                k = counts[0]
                in_region.append(zone * (1 - (1 - a) ** k))
                texts.append(f"{pz} × {pa}" if k == 1 else f"{pz} × (1 − (1 − {pa})^{k})")
            else:
                in_region.append(1 - value)
                texts.append("1 − " + " × ".join(factors))
        spread = f"{n} cop{'y' if n == 1 else 'ies'} in {z} zone{'s' if z != 1 else ''}"
        if r == 1:
            return in_region[0], f"{spread}: {texts[0]} = {units.format_percent(in_region[0])}"
        down = 1.0
        for value in in_region:
            down *= 1 - region * value
        total = 1 - down
        per = " × ".join(f"(1 − {pr} × {units.format_percent(v)})" for v in in_region)
        return total, (f"{spread} of {r} regions: 1 − {per} = {units.format_percent(total)} "
                       f"(in one region: {texts[0]})")

    @functools.cached_property
    def availability(self) -> dict[str, FlowAvailability]:
        return {route.name: self._flow_availability(route) for route in self.terms.routes()}

    def _flow_availability(self, route: Route) -> FlowAvailability:
        """The share of the flow's requests that succeed: the product over the parts its
        critical path enters of 1 − share × (1 − a), times the region for the share of
        requests that reach a part running in one region."""
        terms = self.terms
        hops = terms.sync_hops(route, cut_non_critical=True)
        target = terms.target(route, "availability")
        if not hops:
            return FlowAvailability(route.name, None, target, [], [])
        entry = route.entry
        shares: dict[str, float] = {entry: 1.0}
        for hop in hops:
            share, dst = hop.share, hop.edge.dst
            if share > 0 and dst != entry:
                # Hops from several callers into one part: their shares add, up to all requests.
                shares[dst] = min(1.0, shares.get(dst, 0.0) + share)
        cache, regional_of = self._availability_cache, self._regional
        parts: list[Part] = []
        value = 1.0
        regional: list[tuple[str, float]] = []
        for cid, share in shares.items():
            part = cache.get(cid) or self.component_availability(cid)
            parts.append(part)
            if part.value is not None:
                value *= 1 - share * (1 - part.value)
            if regional_of[cid]:
                regional.append((cid, share))
        region = None
        if regional:
            reach = max(share for _, share in regional)
            factor = 1 - reach * (1 - self.region_availability)
            names = ", ".join(cid for cid, _ in regional)
            if reach >= 1:
                work = f"{names} run in one region: {_percent(factor)}"
            else:
                work = (f"{names} run in one region, reached by {_percent(reach)} of requests: "
                        f"1 − {_percent(reach)} × (1 − {_percent(self.region_availability)}) "
                        f"= {_percent(factor)}")
            region = Part("region", factor, work, self.region_source)
            value *= factor
        unknown = [part.cid for part in parts if part.value is None]
        return FlowAvailability(route.name, value, target, parts, unknown, shares, region)

    # --- latency -----------------------------------------------------------------------------

    def component_latency(self, cid: str, flow_type: str | None) -> Part:
        """One part's p99 for what the flow does to it (read, write, or the slower of both)."""
        key = (cid, flow_type)
        cached = self._latency_cache.get(key)
        if cached is None:
            cached = self._latency_cache[key] = self._component_latency(cid, flow_type)
        return cached

    def _component_latency(self, cid: str, flow_type: str | None) -> Part:
        terms = self.terms
        node = terms.graph.nodes[cid]
        if node.kind == "client":
            return Part(cid, 0.0, "client: 0", None)
        component = node.component
        if component.latency_p99 is not None:
            return Part(cid, component.latency_p99, _duration(component.latency_p99),
                        Source("design", f"components.{cid}.latency_p99"))
        # The rest depends on the catalog profile only: thousands of parts share a few.
        profile = node.tech or terms.catalog.kind_default(node.kind)  # terms.profile(cid)
        # Catalog profiles live as long as the catalog; a kind's defaults are named after the kind.
        key = (id(profile), flow_type, None if node.tech is not None else node.kind)
        known = self._profile_latency.get(key)
        if known is None:
            known = self._profile_latency[key] = self._profile_p99(cid, profile, flow_type)
        return Part(cid, *known)

    def _profile_p99(self, cid: str, profile: Any, flow_type: str | None) -> tuple[float | None, str, Source | None]:
        """(seconds, work, source) of a catalog profile's p99 for what a flow does to a
        part (read, write, or the slower of both)."""
        latency = getattr(profile, "latency_p99_ms", None)
        if latency is None:
            return None, "unknown: counted as 0", None
        figures = [latency.read, latency.write] if flow_type is None else [getattr(latency, flow_type)]
        known = [f for f in figures if f.value is not None]
        if not known:
            return None, "unknown: counted as 0", None
        figure = max(known, key=lambda f: f.value)
        seconds = figure.value / 1000
        what = flow_type or "slower of read and write"
        return (seconds, f"{_duration(seconds)} ({what})",
                self._catalog_source(figure, self.terms.tech_name(cid), self.terms.entry(cid) is not None))

    @functools.cached_property
    def latency(self) -> dict[str, FlowLatency]:
        return {route.name: self._flow_latency(route) for route in self.terms.routes()}

    def _flow_latency(self, route: Route, text: bool = False) -> FlowLatency:
        """The flow's p99 (docs/language.md, "Latency"): from the entry, each component's
        own p99 plus its calls in the order of the steps: calls in separate steps add
        up, the calls of one `parallel:` group take the slowest of them. Hops taken by
        fewer than 1% of the flow's requests are left out (they cannot hold the 99th
        percentile); a fail-open call (`critical: false` with a `fallback` and a
        `timeout`) adds at most timeout × attempts, plus its fallback's p99 when the
        fallback names a component. Linear in the flow's hops. `text`: write the
        arithmetic now; else it is written, by this walk again, when first read."""
        terms = self.terms
        target = terms.target(route, "latency_p99")
        # One pass over the sync path: the hops that count, and those too rare to hold the p99.
        floor = P99_SHARE - 1e-12
        hops: list[Any] = []
        left_out: list[str] = []
        for hop in terms.sync_hops(route):
            share = hop.share
            if share >= floor:
                hops.append(hop)
            elif share > 0:
                left_out.append(f"{hop.edge.src} -> {hop.edge.dst} ({units.format_percent(share)})")
        if not hops:
            return FlowLatency(route.name, None, target, [], [], [], left_out)
        # A component's figure follows what the hops into it do: read, write, or the
        # slower of both when they do both or the flow states no type.
        entering: dict[str, str | None] = {}
        ops = terms._ops  # terms.op(hop), without a call per hop
        for hop in hops:
            op = ops.get(id(hop))
            cid = hop.edge.dst
            if cid not in entering:
                entering[cid] = op
            elif entering[cid] != op:
                entering[cid] = None
        parts: dict[str, Part] = {}
        flow_type = route.flow.type
        latency_of = self.component_latency

        def part(cid: str) -> Part:
            found = parts.get(cid)
            if found is None:
                op = entering.get(cid, flow_type)
                found = parts[cid] = latency_of(cid, op if op in ("read", "write") else None)
            return found

        # Each caller's calls, grouped: one group per step, one per parallel group (in
        # the order of the steps, the first hop of a group placing it).
        groups: dict[str, list[list[Any]]] = {}
        parallel: dict[tuple[str, int], list[Any]] = {}
        for hop in sorted(hops, key=_step_of):
            src = hop.edge.src
            if hop.group is None:
                groups.setdefault(src, []).append([hop])
                continue
            members = parallel.get((src, hop.group))
            if members is None:
                members = parallel[(src, hop.group)] = []
                groups.setdefault(src, []).append(members)
            members.append(hop)
        # Post-order over the acyclic sync hops (validation refuses cycles), iterative:
        # done[c] = (seconds, work text, components counted in order).
        done: dict[str, tuple[float, str, list[str]]] = {}
        entry = route.entry
        stack: list[tuple[str, bool]] = [(entry, False)]
        call = self._call
        while stack:
            node, ready = stack.pop()
            if node in done:
                continue
            calls = groups.get(node, ())
            if not ready:
                stack.append((node, True))
                stack.extend((hop.edge.dst, False) for group in calls for hop in group
                             if hop.edge.dst not in done)
                continue
            own = part(node)
            value = own.value or 0.0
            work = f"{node} {'?' if own.value is None else _duration(own.value)}" if text else ""
            counted = [node]
            for group in calls:
                if len(group) == 1:
                    slowest = call(group[0], done[group[0].edge.dst], part, text)
                    branches = None
                else:
                    branches = [call(hop, done[hop.edge.dst], part, text) for hop in group]
                    slowest = max(branches, key=_first)
                value += slowest[0]
                counted += slowest[2]
                if not text or len(work) > _WORK_LIMIT:  # the arithmetic is cut short, never the figure
                    continue
                if branches is None:
                    work += f" + {slowest[1]}"
                else:
                    work += f" + max({', '.join(branch[1] for branch in branches)})"
            if len(work) > _WORK_LIMIT:
                work = work[:_WORK_LIMIT] + " …"
            done[node] = (value, work, counted)
        value, work, chain = done[entry]
        chain = list(dict.fromkeys(chain))
        chain_parts = [part(cid) for cid in chain]
        unknown = [p.cid for p in chain_parts if p.value is None]
        written = FlowLatency(route.name, value, target, chain, chain_parts, unknown, left_out)
        if text:
            written._work = work
        else:
            written._write = functools.partial(_latency_work, weakref.ref(self), route)
        return written

    def _call(self, hop: Any, callee: tuple[float, str, list[str]], part: Any,
              text: bool) -> tuple[float, str, list[str]]:
        """One call's contribution: the callee's latency, bounded by timeout × attempts
        (plus the fallback for a fail-open call); its arithmetic only with `text`."""
        link = hop.edge.props
        timeout = link.timeout
        if not timeout:
            return callee
        value, work = callee[0], callee[1]
        nested = (f"({work})" if " + " in work else work) if text else ""
        critical = hop.critical if hop.critical is not None else getattr(link, "critical", None) is not False
        if not critical and link.fallback:
            attempts = self.terms.attempts(hop.edge)
            bound = timeout * attempts
            fallback = link.fallback.strip()
            extra, extra_counted = 0.0, []
            if fallback in self.terms.graph.nodes:
                extra = part(fallback).value or 0.0
                extra_counted = [fallback]
            if value > bound + extra:
                if not text:
                    return bound + extra, "", [hop.edge.dst] + extra_counted
                spent = _duration(timeout) + (f" × {attempts} attempts" if attempts > 1 else "")
                extra_text = f" + {fallback} {_duration(extra)}" if extra_counted else ""
                return (bound + extra, f"min({nested}, {spent}{extra_text}) fail-open", [hop.edge.dst] + extra_counted)
        else:
            # The caller stops waiting after timeout × attempts whatever the callee does;
            # the calls cut off fail instead (RES007 reports a timeout below the callee's p99).
            attempts = self.terms.attempts(hop.edge)
            bound = timeout * attempts
            if value > bound:
                if not text:
                    return bound, "", [hop.edge.dst]
                spent = _duration(timeout) + (f" × {attempts} attempts" if attempts > 1 else "")
                return bound, f"min({nested}, {spent}) timeout", [hop.edge.dst]
        return callee

    # --- storage and bandwidth ---------------------------------------------------------------

    @functools.cached_property
    def growth(self) -> dict[str, Growth]:
        """Bytes kept per store: Σ over the hops that write it with a payload (docs/
        language.md, "Per-hop operation") of average rate × share × payload, times
        scale.retention (nothing without a retention)."""
        terms = self.terms
        retention = terms.design.scale.retention if terms.design.scale else None
        result: dict[str, Growth] = {}
        if retention is None:
            return result
        for route in terms.routes():
            average = terms.average(route)
            if average is None:
                continue
            # One write per store and flow (the largest share and payload of the hops
            # entering it): two hops of one flow into a store do not store a request twice.
            writes: dict[str, tuple[float, float]] = {}
            for hop in route.hops:
                cid = hop.edge.dst
                if terms.kind(cid) not in STORE:
                    continue
                payload = terms.payload(route, hop)
                if payload:
                    share, size = writes.get(cid, (0.0, 0.0))
                    writes[cid] = (max(share, hop.share), max(size, payload))
            for cid, (share, payload) in writes.items():
                growth = result.get(cid)
                if growth is None:
                    sharding = terms.component(cid).sharding
                    shards = sharding.shards if sharding is not None else 1
                    growth = result[cid] = Growth(cid, 0.0, self._kept_for(cid, retention), 0.0, shards)
                growth.per_second += average * share * payload
                growth.writes.append(
                    f"{route.name}: {units.format_rate(average)} × {_percent(share)} × {_size(payload)}"
                )
        for growth in result.values():
            growth.total = growth.per_second * growth.retention
        return result

    def _kept_for(self, cid: str, retention: float) -> float:
        """How long a store keeps what is written: the design's retention, but a cache
        with a TTL drops entries after it (it never holds more than a TTL's writes)."""
        cache = self.terms.component(cid).cache
        if self.terms.kind(cid) == "cache" and cache is not None and cache.ttl:
            return min(retention, cache.ttl)
        return retention

    @functools.cached_property
    def bandwidth(self) -> dict[str, Bandwidth]:
        """Bytes per second a flow moves: rate × payload for one payload size; with a
        payload per component or per step, the bytes its writing hops carry (Σ rate ×
        share × payload)."""
        terms = self.terms
        result = {}
        for route in terms.routes():
            rate = self.rates[route.name]
            if rate.average is None or rate.peak is None:
                continue
            payload = route.flow.payload
            if isinstance(payload, float) and not any(hop.payload is not None for hop in route.hops):
                result[route.name] = Bandwidth(route.name, rate.average * payload, rate.peak * payload,
                                               f"rate × {units.format_size(payload)}")
                continue
            per_request, parts = 0.0, []
            for hop in route.hops:
                size = terms.payload(route, hop)
                if size:
                    per_request += hop.share * size
                    share = "" if hop.share == 1 else f"{units.format_percent(hop.share)} × "
                    parts.append(f"{share}{units.format_size(size)} to {hop.edge.dst}")
            if per_request:
                result[route.name] = Bandwidth(route.name, rate.average * per_request, rate.peak * per_request,
                                               f"rate × ({' + '.join(parts)})")
        return result

    def missing_inputs(self) -> list[str]:
        """What the design lacks for a full estimate, and what each would give."""
        design = self.terms.design
        missing = []
        flows = design.flows or {}
        if not flows:
            missing.append("flows (with rate, type and steps): needed for load, availability and latency per flow")
        else:
            without = [name for name, flow in flows.items() if flow.rate is None]
            if without:
                missing.append(f"a rate on flows {', '.join(without)}: needed for their load")
        # Each of these is asked for only when the design has what it would be used on:
        # a peak factor for rated flows, a retention and payloads for write flows.
        rated = any(flow.rate is not None for flow in flows.values())
        writes = sorted(name for name, flow in flows.items() if flow.type == "write")
        if rated and (design.scale is None or design.scale.peak_factor is None):
            missing.append("scale.peak_factor: the default of 2 is used")
        if writes and (design.scale is None or design.scale.retention is None):
            missing.append("scale.retention: needed for storage growth")
        unsized = [name for name in writes if flows[name].payload is None
                   and not any(step.payload for step in flows[name].chains())]
        if unsized:
            missing.append(f"a payload on write flow{'s' if len(unsized) > 1 else ''} {', '.join(unsized)}: "
                           f"needed for storage growth and bandwidth")
        return missing


def _domain_source(figure: Any, name: str, configured: float | None) -> Source:
    if configured is not None:
        return Source("configuration", f"{name}-availability")
    return Source("catalog", f"one {name}, {figure.basis.replace('_', ' ')} [{figure.source}]")


def _split(total: int, parts: int) -> list[int]:
    """`total` spread as evenly as possible over `parts` (larger shares first)."""
    base, extra = divmod(total, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def _groups(counts: list[int]) -> list[tuple[int, int]]:
    """[2, 2, 1] -> [(2, 2), (1, 1)]: each count with how many times it repeats."""
    groups: list[tuple[int, int]] = []
    for count in counts:
        if groups and groups[-1][0] == count:
            groups[-1] = (count, groups[-1][1] + 1)
        else:
            groups.append((count, 1))
    return groups


def _product(factors: Any) -> int:
    result = 1
    for count, _noun in factors:
        result *= count
    return result


def _factors_text(factors: Any) -> str:
    """`2 shards × 3 copies`: each factor with its noun, in the plural past one."""
    return " × ".join(f"{count} {_noun_for(count, noun)}" for count, noun in factors)


def _noun_for(count: int, noun: str) -> str:
    noun = noun.replace("_", " ")
    if count == 1:
        return noun
    return "copies" if noun == "copy" else _plural_unit(noun)


def _capacity_work(read_factors: Any, write_factors: Any, per_read: Any, per_write: Any,
                   read: float | None, write: float | None, landings: int = 1) -> str:
    """The capacity's arithmetic, always ending in the figure it gives:
    `2 nodes × 50k/s = 100k/s`, or reads and writes each when they differ; `landings`:
    the copies each write lands on (`6 nodes × 10k/s ÷ 3 copies per write = 20k/s`)."""
    def one(factors: Any, per: Any, total: float | None, divisor: int = 1) -> str:
        if per is None or total is None:
            return "unbounded"
        shared = f" ÷ {divisor} copies per write" if divisor > 1 else ""
        return f"{_factors_text(factors)} × {units.format_rate(per)}{shared} = {units.format_rate(total)}"

    if per_read == per_write and read_factors == write_factors and landings == 1:
        return one(read_factors, per_read, read)
    return f"reads {one(read_factors, per_read, read)}; writes {one(write_factors, per_write, write, landings)}"


def _plural_unit(unit: str) -> str:
    unit = unit.replace("_", " ")
    return unit + ("es" if unit.endswith(("x", "s", "sh", "ch")) else "s")


def over(value: float, limit: float) -> bool:
    """value > limit, ignoring float noise: a figure exactly at its target is not over it."""
    return value > limit * (1 + 1e-9)


def under(value: float, limit: float) -> bool:
    """value < limit, ignoring float noise."""
    return value < limit * (1 - 1e-9)


def _combined_limit(read: float, write: float, read_cap: float | None, write_cap: float | None,
                    total: float) -> float | None:
    """The capacity that `total` is compared with when reads and writes use different
    figures: the load divided by the busiest side's utilisation."""
    shares = []
    if read and read_cap:
        shares.append(read / read_cap)
    if write and write_cap:
        shares.append(write / write_cap)
    untyped = total - read - write
    if untyped > 0 and (read_cap or write_cap):
        shares.append(untyped / min(c for c in (read_cap, write_cap) if c))
    if not shares:
        return None
    return total / sum(shares)
