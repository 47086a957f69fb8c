"""The technology catalog: planning figures for known techs, and defaults per kind.

The data lives in `tech.yaml` next to this module (package data). `load_catalog()` reads it
once per process from `tech.json`, its precompiled form (archlint.catalog.compiled: what
validating tech.yaml produced, written by `python -m archlint.catalog`), into the plain
read-only classes below. What tech.yaml must be is said once, by the pydantic models of
archlint.catalog.models (same class and field names): they validate it when tech.json is
built, when tech.json was made from other bytes (the result is converted to these classes,
so callers see one type), and they give the catalog's JSON Schema. A run never imports
pydantic for the catalog.

Every figure carries its provenance (`basis`, `source` key, optional `note`), so output
can show where a number came from.

Units: rates are per second, latencies in milliseconds, sizes in bytes (written in the
YAML as `4TB`, `1MiB`, ... and parsed by `archlint.input.units.parse_size`), retention in
seconds (written as `7d`, `24h`, `0s`; `unbounded` becomes `math.inf`, null stays None).
A figure whose `value` is None is unknown or not applicable; its `note` says which.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from typing import Any

from archlint.language.kinds import KINDS

__all__ = [
    "Availability",
    "Capacity",
    "Catalog",
    "DeliveryFigure",
    "Figure",
    "KindDefaults",
    "Latency",
    "ReplicationFigure",
    "Retention",
    "SizeFigure",
    "Source",
    "TechEntry",
    "catalog_json_schema",
    "index_names",
    "load_catalog",
    "normalise",
    "validate_catalog",
]


class _Record:
    """A read-only record whose fields live in its `__dict__`, in the models' order.

    The loaders (archlint.catalog.compiled) hand each record the dict of its fields in one
    step, the dict json made for it: about 1,200 records in 2 ms, where slots set one by
    one, or dataclasses (whose classes alone take about 1 ms each to make), cost more.
    Fields are declared for readers and type checkers only; the values were validated
    by archlint.catalog.models."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a catalog {type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a catalog {type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        # As a frozen pydantic model: by value (a record holding a map is not hashable).
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.__dict__.items() if not key.startswith("_"))
        return f"{type(self).__name__}({shown})"


class Source(_Record):
    """Where figures come from: `sources.<KEY>` in the YAML."""

    title: str
    url: str | None
    also: list[str] | None


class Figure(_Record):
    """One number or flag with its provenance. `value` None = unknown or not applicable."""

    value: bool | int | float | None
    basis: str
    source: str
    note: str | None
    variants: dict[str, bool | int | float] | None


# The subclasses narrow `value` (DeliveryFigure and ReplicationFigure replace it with
# text), hence the ignores; no code does arithmetic on a Figure it does not know the kind
# of: value_of() returns Any.
class SizeFigure(Figure):
    """A figure in bytes (`max_item_bytes`, `max_storage_per_node`)."""

    value: float | None
    variants: dict[str, float | None] | None  # type: ignore[assignment]


class DeliveryFigure(Figure):
    """Delivery guarantee seen by a consumer that acknowledges after processing
    (`at_most_once`, `at_least_once`, `exactly_once`)."""

    value: str | None  # type: ignore[assignment]
    variants: dict[str, str] | None  # type: ignore[assignment]


class ReplicationFigure(Figure):
    """How a store's copies share the work: `single_leader`, `leaderless` or `none`
    (archlint.catalog.models says what each means)."""

    value: str | None  # type: ignore[assignment]
    variants: dict[str, str] | None  # type: ignore[assignment]


class Availability(Figure):
    """A fraction. `scope: node` composes over replicas; `scope: service` is used as is.
    `single_instance`: what a provider-run service gives when the design states one node
    or one zone."""

    value: float | None
    scope: str | None
    sla: float | None
    variants: dict[str, float] | None
    single_instance: Figure | None


class Retention(_Record):
    """How long an unconsumed message is kept, in seconds (`math.inf` = unbounded)."""

    default: float | None
    max: float | None
    basis: str
    source: str
    note: str | None

    @property
    def unbounded(self) -> bool:
        return self.default == math.inf


class Capacity(_Record):
    """Planning throughput per `unit` (per `write_unit` for writes, when given)."""

    unit: str | None
    read_rps: Figure
    write_rps: Figure
    write_unit: str | None
    concurrency: Figure | None
    burst_rps: Figure | None
    scope: str | None


class Latency(_Record):
    """Same-zone p99 in milliseconds, one network round trip included."""

    read: Figure
    write: Figure


class KindDefaults(_Record):
    """Figures for a kind whose tech is absent or unknown; the base of `TechEntry`."""

    consistency: str | None
    transactions: str | None
    scaling: str | None
    ordering: str | None
    replay: bool | None
    capacity: Capacity | None
    latency_p99_ms: Latency | None
    availability: Availability | None
    max_item_bytes: SizeFigure | None
    retention: Retention | None
    autoscales: Figure | None
    partitioned: Figure | None
    replication_model: ReplicationFigure | None
    replica_reads: Figure | None
    in_memory: Figure | None  # the whole data set in memory (Redis-class stores)
    partitions: Figure | None
    delivery: DeliveryFigure | None
    replication_factor: Figure | None
    max_storage_per_node: SizeFigure | None
    backups: Figure | None
    encrypted_at_rest: Figure | None
    global_: Figure | None  # `global` in the YAML
    notes: str | None

    def value_of(self, path: str) -> Any:
        """The value of a figure by its YAML path (`backups`, `capacity.write_rps`,
        `retention.default`), or None when the figure or any part of the path is absent."""
        node: Any = self
        for part in path.split("."):
            node = getattr(node, "global_" if part == "global" else part, None)
            if node is None:
                return None
        return node.value if isinstance(node, Figure) else node


class TechEntry(KindDefaults):
    """One catalog technology (`tech.<id>` in the YAML); `id` is its key."""

    aliases: list[str]
    kind: str
    managed: bool
    role: str | None
    scaling: str
    capacity: Capacity
    latency_p99_ms: Latency
    availability: Availability
    id: str  # set by Catalog's loader, not a field of the YAML


_SEPARATORS = re.compile(r"[\s_.]+")


def normalise(name: str) -> str:
    """Lookup step 2: lower-case, trim, and turn spaces, `_` and `.` into `-`."""
    return _SEPARATORS.sub("-", name.strip().lower())


def index_names(entries: Iterable[tuple[str, list[str]]]) -> dict[str, str]:
    """Each id and alias -> the id it names, from (id, aliases) pairs; ValueError when a
    name is given twice or is a kind's (the models' validation and the loader share it)."""
    index: dict[str, str] = {}
    for tech_id, aliases in entries:
        for name in (tech_id, *aliases):
            other = index.get(name)
            if other is not None:
                raise ValueError(f"{name!r} names both {other!r} and {tech_id!r}")
            if name in KINDS:
                raise ValueError(f"{name!r} ({tech_id}) is a kind name; kinds resolve to kind_defaults")
            index[name] = tech_id
    return index


class Catalog(_Record):
    """The whole `tech.yaml`."""

    catalog_version: int
    reviewed: str
    sources: dict[str, Source]
    latency_numbers: dict[str, Figure]
    failure_domains: dict[str, Figure]  # `zone` and `region`: the failure domains copies share
    kind_defaults: dict[str, KindDefaults]
    tech: dict[str, TechEntry]
    _index: dict[str, TechEntry]

    def _link(self) -> Catalog:
        """Give each entry its id and index the ids and aliases (every loader runs this)."""
        for tech_id, entry in self.tech.items():
            entry.__dict__["id"] = tech_id
        names = index_names((tech_id, entry.aliases) for tech_id, entry in self.tech.items())
        self.__dict__["_index"] = {name: self.tech[tech_id] for name, tech_id in names.items()}
        return self

    def lookup(self, name: str) -> TechEntry | None:
        """The entry a component's `tech` names: the raw string lower-cased and trimmed as an
        id or alias, else its normalised form. None when unknown (use the kind default)."""
        key = name.strip().lower()
        entry = self._index.get(key)
        if entry is None:
            entry = self._index.get(normalise(key))
        return entry

    def kind_for_tech(self, name: str) -> str | None:
        """The kind a `tech` implies: its entry's kind, or the kind itself when `tech` is a
        kind name (`cdn`, `dns`, `load-balancer`); None when unknown."""
        entry = self.lookup(name)
        if entry is not None:
            return entry.kind
        key = _SEPARATORS.sub("_", name.strip().lower()).replace("-", "_")
        return key if key in KINDS else None

    def suggest(self, name: str) -> list[str]:
        """Up to three ids or aliases close to `name`, for a "did you mean" hint."""
        import difflib

        return difflib.get_close_matches(normalise(name), list(self._index), n=3, cutoff=0.6)

    def kind_default(self, kind: str) -> KindDefaults:
        try:
            return self.kind_defaults[kind]
        except KeyError:
            raise KeyError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}") from None

    @property
    def entries(self) -> list[TechEntry]:
        return list(self.tech.values())

    def names(self) -> list[str]:
        """Every id and alias, sorted."""
        return sorted(self._index)


@functools.cache
def load_catalog() -> Catalog:
    """The built-in catalog, once per process: from its precompiled form (tech.json,
    validated when it was generated) while that was made from this tech.yaml, else
    parsed and validated here."""
    from archlint.catalog import compiled
    from archlint.input.files import package_bytes

    source = package_bytes(__name__, "tech.yaml")
    catalog = compiled.load(source)
    return catalog if catalog is not None else validate_catalog(source)


def validate_catalog(source: bytes) -> Catalog:
    """tech.yaml's bytes, parsed and validated through the models, in the run-time form."""
    from archlint.catalog import compiled, models

    return compiled.from_models(models.validate(source))


def catalog_json_schema() -> dict[str, Any]:
    """JSON Schema of `tech.yaml`, generated from the models (schemas/tech-catalog.schema.json)."""
    from archlint.catalog import models

    return models.catalog_json_schema()

