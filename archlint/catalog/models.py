"""The catalog's pydantic models: what `tech.yaml` must be, checked when the catalog is
built (`python -m archlint.catalog` writes tech.json from them), when tech.json is stale,
and by the tests; also the source of the catalog's JSON Schema.

A run never builds these: it reads tech.json into the plain run-time classes of
archlint.catalog, which have the same names and fields. Units are those of the
run-time form (see archlint.catalog): sizes in bytes, retention in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from archlint.catalog import index_names
from archlint.input.units import parse_duration, parse_size
from archlint.language.kinds import BROKER, KINDS, STORE

SCHEMA_ID = "https://archlint.dev/schemas/tech-catalog.schema.json"

# The kinds are listed once, in kinds.KINDS; a type checker cannot read a Literal built
# from a tuple at run time, so to it Kind is any value.
Kind = Literal[KINDS]  # type: ignore[valid-type]
Basis = Literal[
    "vendor_limit",
    "vendor_peak",
    "sla",
    "vendor_default",
    "secondary",
    "definition",
    "rule_of_thumb",
]
Consistency = Literal["strong", "read-your-writes", "eventual", "tunable"]
Transactions = Literal["none", "single_key", "single_node_acid", "distributed_acid"]
Scaling = Literal["none", "read_replicas", "sharded", "automatic", "stateless"]
Ordering = Literal["none", "per_partition", "fifo"]
Delivery = Literal["at_most_once", "at_least_once", "exactly_once"]

TechId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Alias = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.#+-]*$")]
SourceKey = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]*$")]
Unit = Annotated[str, Field(pattern=r"^[a-z][a-z_]*$")]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]

_SIZE_PATTERN = r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)$"
_DURATION_PATTERN = r"^(\d+(\.\d+)?\s*(ms|s|m|h|d|y)|unbounded)$"


def _size(value: Any) -> Any:
    return None if value is None else parse_size(value)


def _duration(value: Any) -> Any:
    if value is None:
        return None
    if value == "unbounded":
        return math.inf
    return parse_duration(value)


# Bytes, written as a unit string ("4TB", "1.5MiB"); the JSON Schema describes the YAML form.
Size = Annotated[
    Optional[float],
    BeforeValidator(_size),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": _SIZE_PATTERN}, {"type": "null"}]}),
]
# Seconds, written as "7d", "24h", "0s" or "unbounded" (math.inf); null = unknown.
Duration = Annotated[
    Optional[float],
    BeforeValidator(_duration),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": _DURATION_PATTERN}, {"type": "null"}]}
    ),
]


class _Model(BaseModel):
    # defer_build: the validators are built once, on the first load, not at import time.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Model):
    """Where figures come from: `sources.<KEY>` in the YAML."""

    title: str
    url: Optional[str] = None
    also: Optional[list[str]] = None


class Figure(_Model):
    """One number or flag with its provenance. `value` None = unknown or not applicable."""

    value: Union[bool, int, float, None]
    basis: Basis
    source: SourceKey
    note: Optional[str] = None
    variants: Optional[dict[str, Union[bool, int, float]]] = None


# The figures below are Figures with a value of their own type (pydantic validates each
# against its own annotation); a type checker sees that as narrowing `value`, or
# replacing it in DeliveryFigure, hence the ignores. No code does arithmetic on a Figure
# it does not know the kind of: value_of() returns Any.
class SizeFigure(Figure):
    """A figure in bytes (`max_item_bytes`, `max_storage_per_node`)."""

    value: Size
    variants: Optional[dict[str, Size]] = None  # type: ignore[assignment]


class DeliveryFigure(Figure):
    """Delivery guarantee seen by a consumer that acknowledges after processing."""

    value: Optional[Delivery]  # type: ignore[assignment]
    variants: Optional[dict[str, Delivery]] = None  # type: ignore[assignment]


class ReplicationFigure(Figure):
    """How a store's copies share the work: `single_leader` (one primary per shard takes
    every write; the copies follow it), `leaderless` (every copy takes reads and writes),
    `none` (no copies: each node holds its own share of the keys)."""

    value: Optional[Literal["single_leader", "leaderless", "none"]]  # type: ignore[assignment]
    variants: Optional[dict[str, Literal["single_leader", "leaderless", "none"]]] = None  # type: ignore[assignment]


class Availability(Figure):
    """A fraction. `scope: node` composes over replicas; `scope: service` is used as is.
    `single_instance`: what a provider-run service gives when the design states one node
    or one zone (its SLA covers only the redundant deployment)."""

    value: Optional[Fraction]
    scope: Optional[Literal["node", "service"]]
    sla: Optional[Fraction] = None
    variants: Optional[dict[str, Fraction]] = None
    single_instance: Optional[Figure] = None


class Retention(_Model):
    """How long an unconsumed message is kept, in seconds (`math.inf` = unbounded)."""

    default: Duration
    max: Duration
    basis: Basis
    source: SourceKey
    note: Optional[str] = None


class Capacity(_Model):
    """Planning throughput per `unit` (per `write_unit` for writes, when given)."""

    unit: Optional[Unit]
    read_rps: Figure
    write_rps: Figure
    write_unit: Optional[Unit] = None
    concurrency: Optional[Figure] = None
    burst_rps: Optional[Figure] = None
    scope: Optional[Literal["account"]] = None


class Latency(_Model):
    """Same-zone p99 in milliseconds, one network round trip included."""

    read: Figure
    write: Figure


_BOOL_FIGURES = ("autoscales", "partitioned", "backups", "encrypted_at_rest", "global_", "replica_reads", "in_memory")
_INT_FIGURES = ("partitions", "replication_factor")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class KindDefaults(_Model):
    """Figures for a kind whose tech is absent or unknown; the base of `TechEntry`."""

    consistency: Optional[Consistency] = None
    transactions: Optional[Transactions] = None
    scaling: Optional[Scaling] = None
    ordering: Optional[Ordering] = None
    replay: Optional[bool] = None
    capacity: Optional[Capacity] = None
    latency_p99_ms: Optional[Latency] = None
    availability: Optional[Availability] = None
    max_item_bytes: Optional[SizeFigure] = None
    retention: Optional[Retention] = None
    autoscales: Optional[Figure] = None
    partitioned: Optional[Figure] = None
    replication_model: Optional[ReplicationFigure] = None
    replica_reads: Optional[Figure] = None
    # Keeps its whole data set in memory (Redis-class stores): a read costs a memory
    # lookup, so it needs no cache in front (SCL006), and a miss into it cannot stampede.
    in_memory: Optional[Figure] = None
    partitions: Optional[Figure] = None
    delivery: Optional[DeliveryFigure] = None
    replication_factor: Optional[Figure] = None
    max_storage_per_node: Optional[SizeFigure] = None
    backups: Optional[Figure] = None
    encrypted_at_rest: Optional[Figure] = None
    global_: Optional[Figure] = Field(None, alias="global")
    notes: Optional[str] = None

    @model_validator(mode="after")
    def _check_value_types(self) -> KindDefaults:
        for name in _BOOL_FIGURES:
            figure = getattr(self, name)
            if figure is not None and figure.value is not None and not isinstance(figure.value, bool):
                raise ValueError(f"{name.rstrip('_')}.value must be true, false or null")
        for name in _INT_FIGURES:
            figure = getattr(self, name)
            if figure is not None and figure.value is not None and (
                isinstance(figure.value, bool) or not isinstance(figure.value, int)
            ):
                raise ValueError(f"{name}.value must be an integer or null")
        for name, figure in self._numeric_figures():
            if figure.value is not None and not _is_number(figure.value):
                raise ValueError(f"{name}.value must be a number or null")
        return self

    def _numeric_figures(self) -> Iterator[tuple[str, Figure]]:
        if self.capacity is not None:
            for name in ("read_rps", "write_rps", "concurrency", "burst_rps"):
                figure = getattr(self.capacity, name)
                if figure is not None:
                    yield f"capacity.{name}", figure
        if self.latency_p99_ms is not None:
            yield "latency_p99_ms.read", self.latency_p99_ms.read
            yield "latency_p99_ms.write", self.latency_p99_ms.write


class TechEntry(KindDefaults):
    """One catalog technology (`tech.<id>` in the YAML); `id` is its key."""

    aliases: list[Alias] = []
    kind: Kind
    managed: bool
    role: Optional[Literal["coordination"]] = None
    consistency: Optional[Consistency]
    transactions: Optional[Transactions]
    scaling: Scaling
    capacity: Capacity
    latency_p99_ms: Latency
    availability: Availability
    autoscales: Optional[Figure]
    global_: Optional[Figure] = Field(alias="global")

    @model_validator(mode="after")
    def _check_kind_requirements(self) -> TechEntry:
        if self.capacity.unit is None:
            raise ValueError("capacity.unit is required for a catalog entry")
        required: list[str] = []
        if self.kind in BROKER:
            required += ["ordering", "replay", "retention", "delivery"]
        if self.kind == "database":
            required.append("backups")
        if self.kind in STORE or self.kind in BROKER:
            required += ["partitioned", "encrypted_at_rest"]
        missing = [name for name in required if name not in self.model_fields_set]
        if missing:
            raise ValueError(f"a {self.kind} entry must set {', '.join(missing)} (null if unknown)")
        if self.kind == "function" and self.capacity.concurrency is None:
            raise ValueError("a function entry must set capacity.concurrency")
        return self


class Catalog(_Model):
    """The whole `tech.yaml`."""

    catalog_version: Literal[1]
    reviewed: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    sources: dict[SourceKey, Source]
    latency_numbers: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Figure]
    # One zone's and one region's availability: the failure domains that copies share.
    failure_domains: dict[Literal["zone", "region"], Figure]
    kind_defaults: dict[Kind, KindDefaults]
    tech: dict[TechId, TechEntry]

    @model_validator(mode="after")
    def _build_index(self) -> Catalog:
        missing = [kind for kind in KINDS if kind not in self.kind_defaults]
        if missing:
            raise ValueError(f"kind_defaults lacks {', '.join(missing)}")
        for domain in ("zone", "region"):
            figure = self.failure_domains.get(domain)
            value = figure.value if figure is not None else None
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
                raise ValueError(f"failure_domains.{domain} must be a fraction above 0")
        # Each id and alias names one entry and no kind (the run-time index raises the same).
        index_names((tech_id, entry.aliases) for tech_id, entry in self.tech.items())
        return self


def validate(source: bytes) -> Catalog:
    """tech.yaml's bytes, parsed and validated."""
    from archlint.input.load import Limits, parse_yaml

    # Our own event-based reader is twice as fast as yaml.load here; the catalog is
    # trusted data that shares figures through anchors, so aliases are not capped.
    data, _ = parse_yaml(source.decode("utf-8"), Limits(max_aliases=10**9))
    return Catalog.model_validate(data)


def catalog_json_schema() -> dict[str, Any]:
    """JSON Schema of `tech.yaml`, generated from the models (schemas/tech-catalog.schema.json)."""
    schema = Catalog.model_json_schema(mode="validation")
    _close_pattern_maps(schema)
    schema["properties"]["kind_defaults"]["required"] = list(KINDS)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "archlint technology catalog"
    return schema


def _close_pattern_maps(node: Any) -> None:
    """Maps with constrained keys accept no other key, as the models do."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_pattern_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_maps(value)
