"""Typed models of the design language (design-language.md), pydantic v2.

Models are lean on purpose: each class costs start-up time. Quantities are parsed by
`archlint.input.units` into base units (per second, seconds, bytes, fractions); edges written
as lists are normalised to maps; unknown keys are refused except `x-` extensions.
Cross-references (ids, edges, flow hops) are checked later, in `archlint.language.validate`.

One module on purpose (about 600 lines): it is the language, read top to bottom like its
reference, and the JSON Schema is generated from it in one pass.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from archlint.input import units
from archlint.language.kinds import KINDS

# --- scalar types -----------------------------------------------------------------

_NUM = r"(\d+(\.\d+)?|\.\d+)"


def _check_scalar(value: Any) -> None:
    """Maps, lists and booleans are the wrong type for a quantity, not a bad unit."""
    if isinstance(value, (dict, list, bool)) or value is None:
        what = {dict: "a map", list: "a list", bool: "true/false"}.get(type(value), "nothing (null)")
        raise PydanticCustomError("type", f"must be a number or a quantity with a unit (got {what})")


def _unit(parser: Callable[[Any], float]) -> BeforeValidator:
    # The quantity types below are written out as Annotated aliases, not made by a
    # factory, so that type checkers see them as types.
    def parse(value: Any) -> float:
        _check_scalar(value)
        try:
            return parser(value)
        except units.UnitError as error:
            raise PydanticCustomError("unit", str(error)) from None

    return BeforeValidator(parse)


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
Count = Annotated[float, _unit(units.parse_count), WithJsonSchema(_COUNT_SCHEMA)]
Rate = Annotated[float, _unit(units.parse_rate), WithJsonSchema(_RATE_SCHEMA)]
Duration = Annotated[float, _unit(units.parse_duration), WithJsonSchema(_DURATION_SCHEMA)]
Size = Annotated[float, _unit(units.parse_size), WithJsonSchema(_SIZE_SCHEMA)]
Percent = Annotated[float, _unit(units.parse_percent), WithJsonSchema(_PERCENT_SCHEMA)]
Ratio = Annotated[float, _unit(units.parse_ratio), WithJsonSchema(_RATIO_SCHEMA)]


def _whole(minimum: int) -> BeforeValidator:
    def parse(value: Any) -> int:
        _check_scalar(value)
        try:
            number = units.parse_count(value)
        except units.UnitError as error:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise PydanticCustomError("range", f"must be {minimum} or more (got {value})") from None
            raise PydanticCustomError("unit", str(error)) from None
        if number != int(number):
            raise PydanticCustomError("range", f"must be a whole number (got {value})")
        if number < minimum:
            raise PydanticCustomError("range", f"must be {minimum} or more (got {value})")
        return int(number)

    return BeforeValidator(parse)


def _whole_schema(minimum: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": minimum}, {"type": "string", "pattern": _pattern("[kKMB]?")}]}
    )


def _peak_factor(value: Any) -> float:
    _check_scalar(value)
    try:
        number = units.parse_count(value)
    except units.UnitError as error:
        raise PydanticCustomError("unit", str(error)) from None
    if number < 1:
        raise PydanticCustomError("range", f"must be 1 or more: peak rate = average rate x peak_factor (got {value})")
    return number


PeakFactor = Annotated[float, BeforeValidator(_peak_factor), WithJsonSchema({"type": "number", "minimum": 1})]

Whole0 = Annotated[int, _whole(0), _whole_schema(0)]
Whole1 = Annotated[int, _whole(1), _whole_schema(1)]


def _text(value: Any) -> Any:
    # Free text that YAML may have read as a number (`name: 1984`) stays text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": ["string", "number"]})]


def _text_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [_text(item) for item in value]
    return value


TextList = Annotated[
    list[str],
    BeforeValidator(_text_list),
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


class Strict(BaseModel):
    """Unknown keys are errors, except `x-` keys kept for users' own tooling."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_allow_extensions)

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        # A set difference in C: this runs for every map of the design.
        if isinstance(data, dict):
            extra = data.keys() - cls.model_fields.keys()
            if extra and any(isinstance(k, str) and k.startswith("x-") for k in extra):
                return {k: v for k, v in data.items() if not (k in extra and isinstance(k, str) and k.startswith("x-"))}
        return data


# --- components and edges -----------------------------------------------------------------

class Retries(Strict):
    max: Whole0
    backoff: Optional[Literal["none", "fixed", "exponential"]] = None
    jitter: Optional[bool] = None


def _retries(value: Any) -> Any:
    # A bare number means `max` with no backoff and no jitter.
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return {"max": value}
    return value


class Link(Strict):
    """Properties of a `calls` or `publishes` edge."""

    protocol: Optional[Text] = None
    timeout: Optional[Duration] = None
    retries: Annotated[Optional[Retries], BeforeValidator(_retries, json_schema_input_type=Union[int, Retries])] = None
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


def _edge_map(value: Any) -> Any:
    """`[a, b]`, `[a, {b: {...}}]` or `{a: ..., b: ...}` -> `{a: None, b: {...}}`."""
    if not isinstance(value, list):
        return value
    edges: dict[str, Any] = {}
    for item in value:
        if isinstance(item, str):
            target, props = item, None
        elif isinstance(item, dict) and len(item) == 1:
            target, props = next(iter(item.items()))
        else:
            raise PydanticCustomError(
                "invalid", "each item must be a component id, or a one-key map of an id to its properties"
            )
        if target in edges:
            raise PydanticCustomError("duplicate", f"'{target}' is listed twice")
        edges[target] = props
    return edges


def _edges(props: Any) -> Any:
    item = Union[str, dict[str, Optional[props]]]
    return Annotated[
        dict[str, Optional[props]],
        BeforeValidator(_edge_map, json_schema_input_type=Union[list[item], dict[str, Optional[props]]]),
    ]


class Autoscaling(Strict):
    min: Whole0
    max: Whole1

    @model_validator(mode="after")
    def _ordered(self) -> Autoscaling:
        if self.max < self.min:
            raise PydanticCustomError("range", f"max ({self.max}) is below min ({self.min})")
        return self


class Security(Strict):
    auth: Optional[Auth] = None
    tls: Optional[bool] = None
    rate_limit: Optional[Rate] = None
    encryption_at_rest: Optional[bool] = None


def _serves_something(per_second: float | None) -> None:
    # Load is compared with capacity by division: a replica that serves nothing has
    # no utilisation and no replica count that would carry the load.
    if per_second is not None and per_second <= 0:
        raise PydanticCustomError(
            "range", "a capacity of 0/s serves nothing; write what one replica carries, e.g. 500/s"
        )


class CapacitySplit(Strict):
    read: Optional[Rate] = None
    write: Optional[Rate] = None

    @model_validator(mode="after")
    def _positive(self) -> CapacitySplit:
        _serves_something(self.read)
        _serves_something(self.write)
        return self


def _capacity(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    # A bare RATE serves as both the read and the write figure.
    try:
        per_second = units.parse_rate(value)
    except units.UnitError as error:
        raise PydanticCustomError("unit", str(error)) from None
    _serves_something(per_second)
    return CapacitySplit.model_construct(read=per_second, write=per_second)


class Sharding(Strict):
    strategy: Optional[Literal["hash", "range", "geo", "directory"]] = None
    key: Optional[Text] = None
    shards: Optional[Whole1] = None


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


class QueueSettings(Strict):
    dlq: Union[Literal[False], Text, None] = Field(default=None, union_mode="left_to_right")
    ordering: Optional[Literal["none", "per_key", "fifo"]] = None
    partitions: Optional[Whole1] = None
    replication_factor: Optional[Whole1] = None
    retention: Optional[Duration] = None
    max_depth: Optional[Count] = None
    replay: Optional[Literal["required", "optional"]] = None


class Backups(Strict):
    interval: Optional[Duration] = None
    retention: Optional[Duration] = None


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("invalid", f"{value!r} is not a date; write YYYY-MM-DD, such as 2027-03-31")


class Suppression(Strict):
    reason: str = Field(min_length=1)
    until: Annotated[
        Optional[_dt.date], BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})
    ] = None


def _suppression(value: Any) -> Any:
    # A bare string is the reason; a reason is always required.
    if isinstance(value, str):
        value = {"reason": value}
    if value is None or value is False:
        raise PydanticCustomError("suppression", "a suppression needs a reason: CODE: \"why this is acceptable\"")
    if isinstance(value, dict) and not str(value.get("reason") or "").strip():
        raise PydanticCustomError("suppression", "a suppression needs a non-empty reason")
    return value


SuppressionEntry = Annotated[
    Suppression, BeforeValidator(_suppression, json_schema_input_type=Union[str, Suppression])
]


class ComponentLint(Strict):
    ignore: dict[str, SuppressionEntry] = Field(default_factory=dict)


class Component(Strict):
    kind: Optional[Kind] = None
    tech: Optional[Text] = None
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

_ARROW = re.compile(r"\s*->\s*")


class Step(BaseModel):
    """One hop chain of a flow: `a -> b -> c`, with the share of requests taking it."""

    model_config = ConfigDict(frozen=True)

    chain: tuple[str, ...]
    share: float = 1.0


def _number_or_text(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _step(value: Any) -> Any:
    if isinstance(value, Step):
        return value
    share: Any = 1.0
    from_map = isinstance(value, dict)
    if from_map:
        if len(value) != 1:
            raise PydanticCustomError("step", "a step is 'a -> b -> c' or 'a -> b: SHARE' (one chain per item)")
        value, raw_share = next(iter(value.items()))
        try:
            share = units.parse_percent(raw_share)
        except units.UnitError as error:
            raise PydanticCustomError("step", f"the share of '{value}' is invalid: {error}") from None
    if not isinstance(value, str):
        raise PydanticCustomError("step", "a step is a string such as 'a -> b -> c', optionally ending in ': 10%'")
    if not from_map and ":" in value:
        # The quoted form "a -> b: 10%" carries its share in the string itself.
        value, _, raw_share = value.rpartition(":")
        try:
            share = units.parse_percent(_number_or_text(raw_share.strip()))
        except units.UnitError as error:
            raise PydanticCustomError("step", f"the share of '{value.strip()}' is invalid: {error}") from None
    chain = tuple(_ARROW.split(value.strip()))
    if len(chain) < 2 or any(not hop for hop in chain):
        raise PydanticCustomError(
            "step", f"'{value}' is not a hop chain; write ids joined by '->', such as 'api -> db'"
        )
    return Step(chain=chain, share=share)


StepEntry = Annotated[
    Step,
    BeforeValidator(_step),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*[^\s>-][^>]*(->[^>]+)+$"},
                {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": _PERCENT_SCHEMA},
            ]
        }
    ),
]


class Flow(Strict):
    rate: Optional[Rate] = None
    type: Optional[Literal["read", "write"]] = None
    payload: Optional[Size] = None
    description: Optional[Text] = None
    steps: Annotated[list[StepEntry], Field(min_length=1)]
    availability: Optional[Percent] = None
    latency_p99: Optional[Duration] = None
    consistency: Optional[Consistency] = None


# --- the rest of the document ------------------------------------------------------------------

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "WS", "RPC")
_ENDPOINT = re.compile(r"^(?P<method>[A-Z]+)\s+(?P<target>\S.*)$")


def _endpoint(value: Any) -> Any:
    if isinstance(value, str):
        match = _ENDPOINT.match(value.strip())
        if match and match["method"] in _METHODS:
            return value.strip()
    raise PydanticCustomError(
        "invalid",
        f"{value!r} is not an endpoint; write 'METHOD /path' with METHOD one of "
        f"{', '.join(_METHODS)} (RPC takes Service/Method)",
    )


class Api(Strict):
    endpoint: Annotated[
        str,
        BeforeValidator(_endpoint),
        WithJsonSchema({"type": "string", "pattern": "^(" + "|".join(_METHODS) + r")\s+\S"}),
    ]
    served_by: Optional[Text] = None
    idempotency_key: Optional[bool] = None
    auth: Optional[Auth] = None
    rate_limit: Optional[Rate] = None
    description: Optional[Text] = None

    @property
    def method(self) -> str:
        return self.endpoint.split(None, 1)[0]


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

    archlint: Literal[1]
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
