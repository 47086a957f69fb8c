"""Typed models of the design language (design-language.md), pydantic v2.

Models are lean on purpose: each class costs start-up time. Quantities are parsed by
`archlint.input.units` into base units (per second, seconds, bytes, fractions); edges written
as lists are normalised to maps; unknown keys are refused except `x-` extensions.
Cross-references (ids, edges, flow hops) are checked later, in `archlint.language.validate`.

One module on purpose (about 600 lines): it is the language, read top to bottom like its
reference, and the JSON Schema is generated from it in one pass.
"""

# No `from __future__ import annotations`: pydantic would evaluate every field's
# annotation from a string when each class is built, a few milliseconds of every start.
import datetime as _dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
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


_PARSED_MAX = 4096  # quantities remembered per unit type; a long editor session starts over past it


def _unit(parser: Callable[[Any], float]) -> BeforeValidator:
    # The quantity types below are written out as Annotated aliases, not made by a
    # factory, so that type checkers see them as types.
    # A design repeats its quantities (`timeout: 50ms` on thousands of calls): each text
    # is parsed once. Only good ones are kept; a bad one raises again with its message.
    parsed: dict[str, float] = {}

    def parse(value: Any) -> float:
        if value.__class__ is str:
            known = parsed.get(value)
            if known is not None:
                return known
        _check_scalar(value)
        try:
            number = parser(value)
        except units.UnitError as error:
            raise PydanticCustomError("unit", str(error)) from None
        if value.__class__ is str:
            if len(parsed) >= _PARSED_MAX:
                parsed.clear()
            parsed[value] = number
        return number

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
    parsed: dict[Any, int] = {}  # as in _unit: good str and int values only (not bool, not 1.0)

    def parse(value: Any) -> int:
        remember = value.__class__ is str or value.__class__ is int
        if remember:
            known = parsed.get(value)
            if known is not None:
                return known
        number = _whole_number(value)
        if remember:
            if len(parsed) >= _PARSED_MAX:
                parsed.clear()
            parsed[value] = number
        return number

    def _whole_number(value: Any) -> int:
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


_FIELD_NAMES: dict[type, frozenset[str]] = {}  # each model's keys (Strict._drop_extensions)


class Strict(BaseModel):
    """Unknown keys are errors, except `x-` keys kept for users' own tooling."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_allow_extensions)

    @model_validator(mode="before")
    @classmethod
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
    def _ordered(self) -> "Autoscaling":
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
    def _positive(self) -> "CapacitySplit":
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

_ARROW = re.compile(r"\s*->\s*")


Op = Literal["read", "write"]
# How a chain's hops into a broker (or a service's write) are kept consistent with the
# database write of the same component (DAT007), and what makes a write safe to take on
# a value read before it (DAT008); docs/language.md, "Flow steps".
VIA = ("outbox", "cdc")
GUARDS = ("conditional", "unique")


class Step(BaseModel):
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


class Parallel(BaseModel):
    """`- parallel: [chain, chain, ...]`: chains whose calls run at the same time."""

    model_config = ConfigDict(frozen=True)

    parallel: tuple[Step, ...]


# The keys of a step written as a map with named keys, and of a parallel group.
STEP_KEYS = ("chain", "share", "op", "payload", "via", "guard", "critical")
GROUP_KEYS = ("parallel",)


def _number_or_text(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _step_error(kind: str, message: str, key: str | None = None, member: int | None = None) -> PydanticCustomError:
    # `key` names the map key the problem is at, and `member` the chain of a parallel
    # group, so that the finding points at them (archlint.language.validate).
    context: dict[str, Any] = {}
    if key:
        context["step_key"] = key
    if member is not None:
        context["step_member"] = member
    return PydanticCustomError(kind, message, context or None)


def _close(word: str, choices: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_keys(value: dict[Any, Any], allowed: tuple[str, ...]) -> None:
    for key in value:
        if key in allowed or (isinstance(key, str) and key.startswith("x-")):
            continue
        raise _step_error(
            "step_key",
            f"unknown key '{key}' in a step{_close(str(key), STEP_KEYS + GROUP_KEYS)}",
            str(key),
        )


def _share(raw: Any, chain: str, key: str | None = None) -> float:
    try:
        return units.parse_percent(raw)
    except units.UnitError as error:
        raise _step_error("step", f"the share of '{chain}' is invalid: {error}", key) from None


def _chain(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise _step_error("step", "a chain is a string such as 'a -> b -> c'", "chain")
    chain = tuple(_ARROW.split(value.strip()))
    if len(chain) < 2 or any(not hop for hop in chain):
        raise _step_error("step", f"'{value}' is not a hop chain; write ids joined by '->', such as 'api -> db'")
    return chain


def _named_step(value: dict[Any, Any]) -> Step:
    """`{chain: "a -> b", share: 20%, op: write, payload: 2KB}`."""
    _unknown_keys(value, STEP_KEYS)
    if "chain" not in value:
        raise _step_error("step", "a step map needs 'chain', such as {chain: \"api -> db\", op: read}")
    raw = value["chain"]
    if not isinstance(raw, str):
        raise _step_error("step", "chain must be a string such as 'api -> db'", "chain")
    chain = _chain(raw)
    share = _share(value["share"], raw, "share") if "share" in value else 1.0
    op = value.get("op")
    if op is not None and op not in ("read", "write"):
        raise _step_error("invalid", f"must be read or write (got {op!r})", "op")
    payload = None
    if "payload" in value:
        try:
            payload = units.parse_size(value["payload"])
        except units.UnitError as error:
            raise _step_error("unit", str(error), "payload") from None
    via = _choice(value, "via", VIA)
    guard = _choice(value, "guard", GUARDS)
    critical = value.get("critical")
    if critical is not None and not isinstance(critical, bool):
        raise _step_error("invalid", f"must be true or false (got {critical!r})", "critical")
    return Step(chain=chain, share=share, op=op, payload=payload, via=via, guard=guard, critical=critical)


def _choice(value: dict[Any, Any], key: str, choices: tuple[str, ...]) -> Any:
    """A step key taking one of a few words; a typo is INP011 with a did-you-mean."""
    word = value.get(key)
    if word is None or word in choices:
        return word
    raise _step_error("invalid", f"must be {' or '.join(choices)} (got {word!r}){_close(str(word), choices)}", key)


def _one_chain(value: Any) -> Step:
    """A chain in any of its forms: 'a -> b', 'a -> b: 10%', {a -> b: 10%}, {chain: ...}."""
    if isinstance(value, Step):
        return value
    if isinstance(value, dict):
        key = next(iter(value), None)
        if len(value) == 1 and isinstance(key, str) and "->" in key:
            return Step(chain=_chain(key), share=_share(value[key], key))
        return _named_step(value)
    if not isinstance(value, str):
        raise _step_error("step", "a step is a string such as 'a -> b -> c', optionally ending in ': 10%', "
                                  "or a map such as {chain: \"a -> b\", share: 10%, op: read}")
    share = 1.0
    if ":" in value:
        # The quoted form "a -> b: 10%" carries its share in the string itself.
        value, _, raw_share = value.rpartition(":")
        share = _share(_number_or_text(raw_share.strip()), value.strip())
    return Step(chain=_chain(value), share=share)


def _step(value: Any) -> Any:
    if isinstance(value, (Step, Parallel)):
        return value
    if isinstance(value, dict) and "parallel" in value:
        _unknown_keys(value, GROUP_KEYS)
        members = value["parallel"]
        if not isinstance(members, list) or len(members) < 2:
            raise _step_error("step", "parallel takes a list of two or more chains that run at the same time, "
                                      "such as [\"api -> payments\", \"api -> stock\"]", "parallel")
        chains = []
        for index, member in enumerate(members):
            if isinstance(member, dict) and "parallel" in member:
                raise _step_error("step", "a parallel group lists chains, not other groups", "parallel", index)
            try:
                chains.append(_one_chain(member))
            except PydanticCustomError as error:
                key = (error.context or {}).get("step_key")
                raise _step_error(error.type, error.message(), key, index) from None
        return Parallel(parallel=tuple(chains))
    return _one_chain(value)


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
    BeforeValidator(_step),
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


def _payload(value: Any) -> Any:
    """One size for every hop that writes, or a map of component id -> size."""
    if isinstance(value, dict):
        sizes = {}
        for cid, size in value.items():
            _check_scalar(size)
            try:
                sizes[str(cid)] = units.parse_size(size)
            except units.UnitError as error:
                raise PydanticCustomError("unit", f"the payload of '{cid}': {error}") from None
        return sizes
    _check_scalar(value)
    try:
        return units.parse_size(value)
    except units.UnitError as error:
        raise PydanticCustomError("unit", str(error)) from None


Payload = Annotated[
    Union[float, dict[str, float]],
    BeforeValidator(_payload),
    WithJsonSchema({"anyOf": [_SIZE_SCHEMA, {"type": "object", "additionalProperties": _SIZE_SCHEMA}],
                    "description": "a size (500B, 2KB), or a map of component id to size"}),
]


class Flow(Strict):
    rate: Optional[Rate] = None
    type: Optional[Op] = None
    payload: Optional[Payload] = None
    description: Optional[Text] = None
    steps: Annotated[list[StepEntry], Field(min_length=1)]
    availability: Optional[Percent] = None
    latency_p99: Optional[Duration] = None
    consistency: Optional[Consistency] = None

    _chains: Optional[list[Step]] = PrivateAttr(default=None)

    def chains(self) -> list[Step]:
        """Every chain of `steps` in order, parallel groups flattened; each knows its item
        (and member) so that findings can point at it. Computed once."""
        private = self.__pydantic_private__  # plain dict access: pydantic's __getattr__ is slow
        cached = private.get("_chains") if private else None
        if cached is not None:
            return cached
        chains: list[Step] = []
        for index, entry in enumerate(self.steps):
            if isinstance(entry, Parallel):
                chains.extend(step.model_copy(update={"item": index, "member": member})
                              for member, step in enumerate(entry.parallel))
            else:
                chains.append(entry if entry.item == index else entry.model_copy(update={"item": index}))
        self._chains = chains
        return chains

    def payload_for(self, cid: str) -> float | None:
        """The bytes a hop into `cid` writes, from the flow's `payload` (one size for every
        store, or the map's entry for `cid`); a step's own payload is the caller's to prefer."""
        payload = self.payload
        if isinstance(payload, dict):
            return payload.get(cid)
        return payload


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
    flows: Optional[TextList] = None
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


def _version_not_bool(value: Any) -> Any:
    """`archlint: true` equals 1 in Python, but it is not a version."""
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "Input should be 1")
    return value


class Design(Strict):
    """A whole design document."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra=_allow_extensions,
        title="archlint design",
    )

    archlint: Annotated[Literal[1], BeforeValidator(_version_not_bool)]
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
