"""Typed models of the design language (design-language.md), pydantic v2.

Models are lean on purpose: each class costs start-up time. Quantities are parsed by
`archlint.input.units` into base units (per second, seconds, bytes, fractions); edges written
as lists are normalised to maps; unknown keys are refused except `x-` extensions.
Cross-references (ids, edges, flow hops) are checked later, in `archlint.language.validate`.

One module on purpose (about 600 lines): it is the language, read top to bottom like its
reference, and the JSON Schema is generated from it in one pass.

The value parsers are in `archlint.language.values`, without pydantic, named by each
`BeforeValidator` (`_before`, `_fast`): a check usually validates with the table that
`python -m archlint.language.compile` reads off these models (archlint/language/compiled.py),
and only falls back to them. After editing a model, run that command: until then checks
validate with pydantic, and tests/test_fastvalid.py fails.
"""

# No `from __future__ import annotations`: pydantic would evaluate every field's
# annotation from a string when each class is built, a few milliseconds of every start.
import datetime as _dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, Optional, TypeVar, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticUndefined

from archlint.language import values
from archlint.language.behaviour import ApiBehaviour, FlowBehaviour, ParallelBehaviour, StepBehaviour
from archlint.language.kinds import KINDS

# --- scalar types -----------------------------------------------------------------

_NUM = r"(\d+(\.\d+)?|\.\d+)"


def _before(name: str, json_schema_input_type: Any = PydanticUndefined) -> BeforeValidator:
    """The value parser `values.BEFORE[name]` as pydantic's validator: its problems become
    pydantic's errors with the same type, message and context. `fast` names the parser
    for the compiled validator (archlint.language.compile)."""
    parser = values.BEFORE[name]

    def validate(value: Any) -> Any:
        try:
            return parser(value)
        except values.ValueProblem as problem:
            raise PydanticCustomError(problem.kind, problem.message, problem.context) from None

    _fast(name)(validate)
    return BeforeValidator(validate, json_schema_input_type=json_schema_input_type)


def _after(check: Callable[..., Any], *args: Any) -> Any:
    """A check of archlint.language.values, its problem as pydantic's error."""
    try:
        return check(*args)
    except values.ValueProblem as problem:
        raise PydanticCustomError(problem.kind, problem.message, problem.context) from None


F = TypeVar("F", bound=Callable[..., Any])


def _fast(name: str) -> Callable[[F], F]:
    """Names a validator for the compiled fast path: what it does is known there as `name`
    (values.BEFORE, values.AFTER, or the fast path's own handling)."""
    def mark(function: F) -> F:
        function.fast = name  # type: ignore[attr-defined]
        return function

    return mark


def _pattern(unit_regex: str) -> str:
    return rf"^\s*{_NUM}\s*{unit_regex}\s*$"


_PERCENT_SCHEMA = {
    "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string", "pattern": _pattern("%")}],
    "description": "a percent: 99.95% or 0.9995",
}
_COUNT_SCHEMA = {
    "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": _pattern("[kKMB]?")}],
    "description": "a count: 6, 100k, 20M, 1.5B",
}
_RATE_SCHEMA = {
    "type": "string",
    "pattern": _pattern(r"[kKMB]?\s*(/\s*(s|min|h|day|month)|rps)"),
    "description": "a rate: 1000/s, 2k/min, 100M/day, 10B/month, 300 rps",
}
_DURATION_SCHEMA = {
    "type": "string", "pattern": _pattern("(ms|s|m|h|d|y)"), "description": "a duration: 20ms, 2s, 5m, 24h, 30d, 5y"
}
_SIZE_SCHEMA = {
    "type": "string",
    "pattern": _pattern("(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)"),
    "description": "a size: 500B, 2KB, 10MB, 1.5TB, 4GiB",
}
_RATIO_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9.]+[kKMB]?\s*:\s*[0-9.]+[kKMB]?\s*$"},
    ],
    "description": "a ratio such as 100:1",
}
# The quantity types are written out as Annotated aliases, not made by a factory, so
# that type checkers see them as types.
Count = Annotated[float, _before("count"), WithJsonSchema(_COUNT_SCHEMA)]
Rate = Annotated[float, _before("rate"), WithJsonSchema(_RATE_SCHEMA)]
Duration = Annotated[float, _before("duration"), WithJsonSchema(_DURATION_SCHEMA)]
Size = Annotated[float, _before("size"), WithJsonSchema(_SIZE_SCHEMA)]
Percent = Annotated[float, _before("percent"), WithJsonSchema(_PERCENT_SCHEMA)]
Ratio = Annotated[float, _before("ratio"), WithJsonSchema(_RATIO_SCHEMA)]


def _whole_schema(minimum: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": minimum}, {"type": "string", "pattern": _pattern("[kKMB]?")}]}
    )


PeakFactor = Annotated[float, _before("peak_factor"), WithJsonSchema({"type": "number", "minimum": 1})]

Whole0 = Annotated[int, _before("whole0"), _whole_schema(0)]
Whole1 = Annotated[int, _before("whole1"), _whole_schema(1)]


Text = Annotated[str, _before("text"), WithJsonSchema({"type": ["string", "number"]})]


TextList = Annotated[
    list[str],
    _before("text_list"),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": ["string", "number"]}}]}),
]

# kinds.KINDS is the one list of kinds; a type checker cannot read a Literal built from
# a tuple at run time, so to it Kind is any value.
Kind = Literal[KINDS]  # type: ignore[valid-type]
Consistency = Literal["strong", "read-your-writes", "eventual"]
Auth = Literal["none", "api_key", "jwt", "oauth", "mtls"]
Spread = Union[Whole1, list[str]]


# --- base -------------------------------------------------------------------------------

def _allow_extensions(schema: dict[str, Any]) -> None:
    schema["patternProperties"] = {"^x-": {}}


_FIELD_NAMES: dict[type, frozenset[str]] = {}  # each model's keys (Strict._drop_extensions)


class Strict(BaseModel):
    """Unknown keys are errors, except `x-` keys kept for users' own tooling."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_allow_extensions)

    @model_validator(mode="before")
    @classmethod
    @_fast("extensions")
    def _drop_extensions(cls, data: Any) -> Any:
        # A set difference in C: this runs for every map of the design. The field names
        # are kept per class: pydantic's `model_fields` is a property that builds a view.
        if isinstance(data, dict):
            fields = _FIELD_NAMES.get(cls)
            if fields is None:
                fields = _FIELD_NAMES[cls] = frozenset(cls.model_fields)
            extra = data.keys() - fields
            if extra and any(isinstance(k, str) and k.startswith("x-") for k in extra):
                return {k: v for k, v in data.items() if not (k in extra and isinstance(k, str) and k.startswith("x-"))}
        return data


# --- components and edges -----------------------------------------------------------------

class Retries(Strict):
    max: Whole0
    backoff: Optional[Literal["none", "fixed", "exponential"]] = None
    jitter: Optional[bool] = None


class Link(Strict):
    """Properties of a `calls` or `publishes` edge."""

    protocol: Optional[Text] = None
    timeout: Optional[Duration] = None
    retries: Annotated[Optional[Retries], _before("retries", Union[int, Retries])] = None
    circuit_breaker: Optional[bool] = None
    fallback: Optional[Text] = None
    critical: Optional[bool] = None
    idempotent: Optional[bool] = None
    awaits_reply: Optional[bool] = None


class Consumer(Strict):
    """Properties of a `consumes` entry."""

    idempotent: Optional[bool] = None
    max_retries: Optional[Whole0] = None
    concurrency: Optional[Whole1] = None
    group: Optional[Text] = None
    ordering: Optional[Literal["per_key", "fifo"]] = None


def _edges(props: Any) -> Any:
    item = Union[str, dict[str, Optional[props]]]
    return Annotated[
        dict[str, Optional[props]],
        _before("edges", Union[list[item], dict[str, Optional[props]]]),
    ]


class Autoscaling(Strict):
    min: Whole0
    max: Whole1

    @model_validator(mode="after")
    @_fast("ordered")
    def _ordered(self) -> "Autoscaling":
        _after(values.ordered, self.min, self.max)
        return self


class Security(Strict):
    auth: Optional[Auth] = None
    tls: Optional[bool] = None
    rate_limit: Optional[Rate] = None
    encryption_at_rest: Optional[bool] = None


class CapacitySplit(Strict):
    read: Optional[Rate] = None
    write: Optional[Rate] = None

    @model_validator(mode="after")
    @_fast("serves_something")
    def _positive(self) -> "CapacitySplit":
        _after(values.serves_something, self.read)
        _after(values.serves_something, self.write)
        return self


@_fast("capacity")
def _capacity(value: Any) -> Any:
    # A bare RATE serves as both the read and the write figure.
    per_second = _after(values.capacity, value)
    if isinstance(per_second, dict):
        return per_second
    return CapacitySplit.model_construct(read=per_second, write=per_second)


class Sharding(Strict):
    strategy: Optional[Literal["hash", "range", "geo", "directory"]] = None
    key: Optional[Text] = None
    shards: Optional[Whole1] = None
    largest_key_share: Optional[Percent] = None  # SCL008: the busiest key's share of traffic


class Replication(Strict):
    mode: Optional[Literal["primary_replica", "multi_leader", "leaderless"]] = None
    replicas: Optional[Whole0] = None
    read_from_replicas: Optional[bool] = None
    synchronous: Optional[bool] = None
    conflict_resolution: Optional[Literal["last_write_wins", "crdt", "application", "none"]] = None


class CacheSettings(Strict):
    ttl: Optional[Duration] = None
    eviction: Optional[Literal["lru", "lfu", "ttl", "none"]] = None
    invalidation: Optional[Literal["ttl", "write_through", "write_behind", "explicit"]] = None
    stampede: Optional[Literal["none", "coalescing", "early_expiration", "locking"]] = None
    hit_ratio: Optional[Percent] = None
    ephemeral: Optional[bool] = None  # the data may be lost by design (presence, sessions, counters)


class QueueSettings(Strict):
    dlq: Union[Literal[False], Text, None] = Field(default=None, union_mode="left_to_right")
    ordering: Optional[Literal["none", "per_key", "fifo"]] = None
    partitions: Optional[Whole1] = None
    replication_factor: Optional[Whole1] = None
    retention: Optional[Duration] = None
    max_depth: Optional[Count] = None
    replay: Optional[Literal["required", "optional"]] = None
    smoothing_window: Optional[Duration] = None


class Backups(Strict):
    interval: Optional[Duration] = None
    retention: Optional[Duration] = None


class Suppression(Strict):
    reason: str = Field(min_length=1)
    until: Annotated[
        Optional[_dt.date], _before("date"), WithJsonSchema({"type": "string", "format": "date"})
    ] = None


SuppressionEntry = Annotated[
    Suppression, _before("suppression", Union[str, Suppression])
]


class ComponentLint(Strict):
    ignore: dict[str, SuppressionEntry] = Field(default_factory=dict)


class Component(Strict):
    kind: Optional[Kind] = None
    tech: Optional[Text] = None
    managed: Optional[bool] = None  # run by a provider (overrides the catalog; unknown techs count as self-run)
    description: Optional[Text] = None
    owner: Optional[Text] = None
    group: Optional[Text] = None  # a domain or bounded context; diagrams cluster by it
    replicas: Optional[Whole1] = None
    zones: Optional[Spread] = None
    regions: Optional[Spread] = None
    autoscaling: Optional[Autoscaling] = None
    stateless: Optional[bool] = None
    health_check: Union[bool, Text, None] = None
    public: Optional[bool] = None
    security: Optional[Security] = None
    data: Optional[TextList] = None
    capacity: Annotated[
        Optional[CapacitySplit], BeforeValidator(_capacity, json_schema_input_type=Union[str, CapacitySplit])
    ] = None
    availability: Optional[Percent] = None
    latency_p99: Optional[Duration] = None
    consistency: Optional[Consistency] = None
    sharding: Optional[Sharding] = None
    replication: Optional[Replication] = None
    cache: Optional[CacheSettings] = None
    queue: Optional[QueueSettings] = None
    backups: Union[Literal[False], Backups, None] = Field(default=None, union_mode="left_to_right")
    calls: _edges(Link) = Field(default_factory=dict)  # type: ignore[valid-type]
    publishes: _edges(Link) = Field(default_factory=dict)  # type: ignore[valid-type]
    consumes: _edges(Consumer) = Field(default_factory=dict)  # type: ignore[valid-type]
    lint: Optional[ComponentLint] = None


# --- flows -----------------------------------------------------------------------------------

Op = Literal["read", "write"]
# How a chain's hops into a broker (or a service's write) are kept consistent with the
# database write of the same component (DAT007), and what makes a write safe to take on
# a value read before it (DAT008); docs/language.md, "Flow steps".
VIA = values.VIA
GUARDS = values.GUARDS


class Step(BaseModel, StepBehaviour):
    """One hop chain of a flow: `a -> b -> c`, with the share of requests taking it and,
    optionally, what its hops do (`op`), the bytes each of them writes (`payload`), how
    its writes reach a broker (`via`) and what guards its writes (`guard`).
    `item` is the chain's place in `steps`; `member` its place in a `parallel:` group
    (None outside one): chains of one group run concurrently."""

    model_config = ConfigDict(frozen=True)

    chain: tuple[str, ...]
    share: float = 1.0
    op: Optional[Op] = None
    payload: Optional[float] = None
    via: Optional[Literal["outbox", "cdc"]] = None
    guard: Optional[Literal["conditional", "unique"]] = None
    critical: Optional[bool] = None  # this flow's need of the chain's calls, over the links'
    item: int = 0
    member: Optional[int] = None

    def _copy_with(self, update: dict[str, Any]) -> "Step":
        return self.model_copy(update=update)


class Parallel(BaseModel, ParallelBehaviour):
    """`- parallel: [chain, chain, ...]`: chains whose calls run at the same time."""

    model_config = ConfigDict(frozen=True)

    parallel: tuple[Step, ...]


# The keys of a step written as a map with named keys, and of a parallel group.
STEP_KEYS = values.STEP_KEYS
GROUP_KEYS = values.GROUP_KEYS


def _make_step(fields: dict[str, Any]) -> Step:
    return Step(**fields)


def _make_group(chains: tuple[Step, ...]) -> Parallel:
    return Parallel(parallel=chains)


@_fast("step")
def _step(value: Any) -> Any:
    if isinstance(value, (Step, Parallel)):
        return value
    return _after(values.step, value, _make_step, _make_group)


_CHAIN_PATTERN = r"^\s*[^\s>-][^>]*(->[^>]+)+$"
_SIZE_SCHEMA = {"type": "string", "pattern": _pattern("(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)")}
_CHAIN_SCHEMAS = [
    {"type": "string", "pattern": _CHAIN_PATTERN},
    {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": {"pattern": "->"},
     "additionalProperties": _PERCENT_SCHEMA},
    {
        "type": "object",
        "required": ["chain"],
        "properties": {
            "chain": {"type": "string", "pattern": _CHAIN_PATTERN},
            "share": _PERCENT_SCHEMA,
            "op": {"enum": ["read", "write"]},
            "payload": _SIZE_SCHEMA,
            "via": {"enum": list(VIA)},
            "guard": {"enum": list(GUARDS)},
            "critical": {"type": "boolean"},
        },
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
    },
]

StepEntry = Annotated[
    Union[Step, Parallel],
    BeforeValidator(_step),  # named "step" for the fast path (its own Step and Parallel)
    WithJsonSchema(
        {
            "anyOf": _CHAIN_SCHEMAS + [
                {
                    "type": "object",
                    "required": ["parallel"],
                    "properties": {"parallel": {"type": "array", "minItems": 2, "items": {"anyOf": _CHAIN_SCHEMAS}}},
                    "patternProperties": {"^x-": {}},
                    "additionalProperties": False,
                }
            ]
        }
    ),
]


Payload = Annotated[
    Union[float, dict[str, float]],
    _before("payload"),
    WithJsonSchema({"anyOf": [_SIZE_SCHEMA, {"type": "object", "additionalProperties": _SIZE_SCHEMA}],
                    "description": "a size (500B, 2KB), or a map of component id to size"}),
]


class Flow(Strict, FlowBehaviour):
    rate: Optional[Rate] = None
    type: Optional[Op] = None
    payload: Optional[Payload] = None
    description: Optional[Text] = None
    steps: Annotated[list[StepEntry], Field(min_length=1)]
    availability: Optional[Percent] = None
    latency_p99: Optional[Duration] = None
    consistency: Optional[Consistency] = None

    _chains: Optional[list[Step]] = PrivateAttr(default=None)

    def _cached_chains(self) -> list[Any] | None:
        private = self.__pydantic_private__  # plain dict access: pydantic's __getattr__ is slow
        return private.get("_chains") if private else None


# --- the rest of the document ------------------------------------------------------------------

_METHODS = values.METHODS


class Api(Strict, ApiBehaviour):
    endpoint: Annotated[
        str,
        _before("endpoint"),
        WithJsonSchema({"type": "string", "pattern": "^(" + "|".join(_METHODS) + r")\s+\S"}),
    ]
    served_by: Optional[Text] = None
    flows: Optional[TextList] = None
    idempotency_key: Optional[bool] = None
    auth: Optional[Auth] = None
    rate_limit: Optional[Rate] = None
    description: Optional[Text] = None


Pillar = Union[bool, Text, None]


class Observability(Strict):
    metrics: Pillar = None
    logs: Pillar = None
    tracing: Pillar = None
    alerting: Pillar = None
    dashboards: Pillar = None


class Decision(Strict):
    topic: Optional[Text] = None
    choice: Text
    alternatives: Optional[TextList] = None
    why: Optional[Text] = None
    tradeoffs: Optional[Text] = None


class Requirements(Strict):
    functional: Optional[TextList] = None
    availability: Optional[Percent] = None
    latency_p99: Optional[Duration] = None
    consistency: Optional[Consistency] = None
    durability: Optional[Percent] = None
    geography: Optional[TextList] = None


class Scale(Strict):
    dau: Optional[Count] = None
    peak_factor: Optional[PeakFactor] = None
    read_write_ratio: Optional[Ratio] = None
    retention: Optional[Duration] = None
    peak_duration: Optional[Duration] = None


class Team(Strict):
    engineers: Optional[Whole0] = None
    teams: Optional[Whole0] = None


class Deployment(Strict):
    regions: Optional[Spread] = None
    zones: Optional[Spread] = None
    orchestrator: Optional[Literal["kubernetes", "ecs", "nomad", "vm", "serverless"]] = None
    service_mesh: Optional[Text] = None


class Lint(Strict):
    ignore: dict[str, SuppressionEntry] = Field(default_factory=dict)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)


class Design(Strict):
    """A whole design document."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=_allow_extensions,
        title="archlint design",
    )

    archlint: Annotated[Literal[1], _before("version")]
    name: Text
    description: Optional[Text] = None
    requirements: Optional[Requirements] = None
    scale: Optional[Scale] = None
    team: Optional[Team] = None
    deployment: Optional[Deployment] = None
    components: dict[str, Component]
    flows: Optional[dict[str, Flow]] = None
    apis: Optional[list[Api]] = None
    observability: Optional[Observability] = None
    decisions: Optional[list[Decision]] = None
    lint: Optional[Lint] = None
