"""The language's value parsers and model checks, without pydantic.

Both validators of a design call these: the pydantic models (archlint.language.model)
wrap each in a `BeforeValidator` that turns a `ValueProblem` into pydantic's error with
the same type, message and context, and the compiled fast path (archlint.language.fast)
calls them as they are, giving up on any problem so that pydantic reports it. One copy
of each rule, so that the two paths cannot drift apart.

`BEFORE` names each value parser; the compiled table (archlint.language.compiled) refers
to them by these names, with `ACCEPTS`, the Python types each may accept (a superset),
which the fast path uses to tell the branches of a union apart. One module on purpose:
every value rule of the language, read alongside model.py.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from archlint.input import units


class ValueProblem(Exception):
    """A value the language refuses: pydantic's error type, its message, and a context
    (the step key and parallel member a flow step's problem is at)."""

    def __init__(self, kind: str, message: str, context: dict[str, Any] | None = None):
        super().__init__(message)
        self.kind, self.message, self.context = kind, message, context


# --- quantities --------------------------------------------------------------------------

def check_scalar(value: Any) -> None:
    """Maps, lists and booleans are the wrong type for a quantity, not a bad unit."""
    if isinstance(value, (dict, list, bool)) or value is None:
        what = {dict: "a map", list: "a list", bool: "true/false"}.get(type(value), "nothing (null)")
        raise ValueProblem("type", f"must be a number or a quantity with a unit (got {what})")


_PARSED_MAX = 4096  # quantities remembered per unit type; a long editor session starts over past it


def _unit(parser: Callable[[Any], float]) -> Callable[[Any], float]:
    # A design repeats its quantities (`timeout: 50ms` on thousands of calls): each text
    # is parsed once. Only good ones are kept; a bad one raises again with its message.
    parsed: dict[str, float] = {}

    def parse(value: Any) -> float:
        if value.__class__ is str:
            known = parsed.get(value)
            if known is not None:
                return known
        check_scalar(value)
        try:
            number = parser(value)
        except units.UnitError as error:
            raise ValueProblem("unit", str(error)) from None
        if value.__class__ is str:
            if len(parsed) >= _PARSED_MAX:
                parsed.clear()
            parsed[value] = number
        return number

    return parse


def _whole(minimum: int) -> Callable[[Any], int]:
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
        check_scalar(value)
        try:
            number = units.parse_count(value)
        except units.UnitError as error:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise ValueProblem("range", f"must be {minimum} or more (got {value})") from None
            raise ValueProblem("unit", str(error)) from None
        if number != int(number):
            raise ValueProblem("range", f"must be a whole number (got {value})")
        if number < minimum:
            raise ValueProblem("range", f"must be {minimum} or more (got {value})")
        return int(number)

    return parse


def peak_factor(value: Any) -> float:
    check_scalar(value)
    try:
        number = units.parse_count(value)
    except units.UnitError as error:
        raise ValueProblem("unit", str(error)) from None
    if number < 1:
        raise ValueProblem("range", f"must be 1 or more: peak rate = average rate x peak_factor (got {value})")
    return number


# --- text ---------------------------------------------------------------------------------

def text(value: Any) -> Any:
    # Free text that YAML may have read as a number (`name: 1984`) stays text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def text_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text(item) for item in value]
    return value


def version_not_bool(value: Any) -> Any:
    """`archlint: true` equals 1 in Python, but it is not a version."""
    if isinstance(value, bool):
        raise ValueProblem("literal_error", "Input should be 1")
    return value


# --- edges and components -------------------------------------------------------------------

def retries(value: Any) -> Any:
    # A bare number means `max` with no backoff and no jitter.
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return {"max": value}
    return value


def edge_map(value: Any) -> Any:
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
            raise ValueProblem(
                "invalid", "each item must be a component id, or a one-key map of an id to its properties"
            )
        if target in edges:
            raise ValueProblem("duplicate", f"'{target}' is listed twice")
        edges[target] = props
    return edges


def ordered(low: int, high: int) -> None:
    """Autoscaling's bounds."""
    if high < low:
        raise ValueProblem("range", f"max ({high}) is below min ({low})")


def serves_something(per_second: float | None) -> None:
    # Load is compared with capacity by division: a replica that serves nothing has
    # no utilisation and no replica count that would carry the load.
    if per_second is not None and per_second <= 0:
        raise ValueProblem("range", "a capacity of 0/s serves nothing; write what one replica carries, e.g. 500/s")


def capacity(value: Any) -> Any:
    """A map stays a map; a bare RATE serves as both the read and the write figure, and
    comes back as that number (the caller makes the split of it)."""
    if isinstance(value, dict):
        return value
    try:
        per_second = units.parse_rate(value)
    except units.UnitError as error:
        raise ValueProblem("unit", str(error)) from None
    serves_something(per_second)
    return per_second


def date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueProblem("invalid", f"{value!r} is not a date; write YYYY-MM-DD, such as 2027-03-31")


def suppression(value: Any) -> Any:
    # A bare string is the reason; a reason is always required.
    if isinstance(value, str):
        value = {"reason": value}
    if value is None or value is False:
        raise ValueProblem("suppression", "a suppression needs a reason: CODE: \"why this is acceptable\"")
    if isinstance(value, dict) and not str(value.get("reason") or "").strip():
        raise ValueProblem("suppression", "a suppression needs a non-empty reason")
    return value


# --- flows --------------------------------------------------------------------------------

# How a chain's hops into a broker (or a service's write) are kept consistent with the
# database write of the same component (DAT007), and what makes a write safe to take on
# a value read before it (DAT008); docs/language.md, "Flow steps".
VIA = ("outbox", "cdc")
GUARDS = ("conditional", "unique")
# The keys of a step written as a map with named keys, and of a parallel group.
STEP_KEYS = ("chain", "share", "op", "payload", "via", "guard", "critical")
GROUP_KEYS = ("parallel",)

# make_step(fields) and make_group(chains) build a validator's own Step and Parallel.
MakeStep = Callable[[dict[str, Any]], Any]
MakeGroup = Callable[[tuple[Any, ...]], Any]


def _number_or_text(value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value


def _step_error(kind: str, message: str, key: str | None = None, member: int | None = None) -> ValueProblem:
    # `key` names the map key the problem is at, and `member` the chain of a parallel
    # group, so that the finding points at them (archlint.language.validate).
    context: dict[str, Any] = {}
    if key:
        context["step_key"] = key
    if member is not None:
        context["step_member"] = member
    return ValueProblem(kind, message, context or None)


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


_SHARES: dict[str, float] = {}  # as _unit's: a design writes a few shares many times


def _share(raw: Any, chain: str, key: str | None = None) -> float:
    if raw.__class__ is str:
        known = _SHARES.get(raw)
        if known is not None:
            return known
    try:
        share = units.parse_percent(raw)
    except units.UnitError as error:
        raise _step_error("step", f"the share of '{chain}' is invalid: {error}", key) from None
    if raw.__class__ is str:
        if len(_SHARES) >= _PARSED_MAX:
            _SHARES.clear()
        _SHARES[raw] = share
    return share


def _chain(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise _step_error("step", "a chain is a string such as 'a -> b -> c'", "chain")
    # The hops between the arrows, stripped: what re.split(r"\s*->\s*", value.strip()) gives
    # (str.strip and \s take the same characters for white space), at a fraction of the cost.
    chain = tuple(map(str.strip, value.split("->")))
    if len(chain) < 2 or "" in chain:
        raise _step_error("step", f"'{value}' is not a hop chain; write ids joined by '->', such as 'api -> db'")
    return chain


def _choice(value: dict[Any, Any], key: str, choices: tuple[str, ...]) -> Any:
    """A step key taking one of a few words; a typo is INP011 with a did-you-mean."""
    word = value.get(key)
    if word is None or word in choices:
        return word
    raise _step_error("invalid", f"must be {' or '.join(choices)} (got {word!r}){_close(str(word), choices)}", key)


def _named_step(value: dict[Any, Any], make_step: MakeStep) -> Any:
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
    return make_step(
        {"chain": chain, "share": share, "op": op, "payload": payload, "via": via, "guard": guard, "critical": critical}
    )


def _one_chain(value: Any, make_step: MakeStep) -> Any:
    """A chain in any of its forms: 'a -> b', 'a -> b: 10%', {a -> b: 10%}, {chain: ...}."""
    if isinstance(value, dict):
        key = next(iter(value), None)
        if len(value) == 1 and isinstance(key, str) and "->" in key:
            return make_step({"chain": _chain(key), "share": _share(value[key], key)})
        return _named_step(value, make_step)
    if not isinstance(value, str):
        raise _step_error("step", "a step is a string such as 'a -> b -> c', optionally ending in ': 10%', "
                                  "or a map such as {chain: \"a -> b\", share: 10%, op: read}")
    share = 1.0
    if ":" in value:
        # The quoted form "a -> b: 10%" carries its share in the string itself.
        value, _, raw_share = value.rpartition(":")
        share = _share(_number_or_text(raw_share.strip()), value.strip())
    return make_step({"chain": _chain(value), "share": share})


def step(value: Any, make_step: MakeStep, make_group: MakeGroup) -> Any:
    """One entry of a flow's `steps`: a chain, or a `parallel:` group of chains."""
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
                chains.append(_one_chain(member, make_step))
            except ValueProblem as error:
                key = (error.context or {}).get("step_key")
                raise _step_error(error.kind, error.message, key, index) from None
        return make_group(tuple(chains))
    return _one_chain(value, make_step)


def payload(value: Any) -> Any:
    """One size for every hop that writes, or a map of component id -> size."""
    if isinstance(value, dict):
        sizes = {}
        for cid, size in value.items():
            check_scalar(size)
            try:
                sizes[str(cid)] = units.parse_size(size)
            except units.UnitError as error:
                raise ValueProblem("unit", f"the payload of '{cid}': {error}") from None
        return sizes
    check_scalar(value)
    try:
        return units.parse_size(value)
    except units.UnitError as error:
        raise ValueProblem("unit", str(error)) from None


# --- the rest of the document ------------------------------------------------------------------

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "WS", "RPC")
_ENDPOINT = re.compile(r"^(?P<method>[A-Z]+)\s+(?P<target>\S.*)$")


def endpoint(value: Any) -> Any:
    if isinstance(value, str):
        match = _ENDPOINT.match(value.strip())
        if match and match["method"] in METHODS:
            return value.strip()
    raise ValueProblem(
        "invalid",
        f"{value!r} is not an endpoint; write 'METHOD /path' with METHOD one of "
        f"{', '.join(METHODS)} (RPC takes Service/Method)",
    )


# --- names for the compiled table ----------------------------------------------------------

_SCALARS = frozenset({str, int, float})
BEFORE: dict[str, Callable[[Any], Any]] = {
    "count": _unit(units.parse_count),
    "rate": _unit(units.parse_rate),
    "duration": _unit(units.parse_duration),
    "size": _unit(units.parse_size),
    "percent": _unit(units.parse_percent),
    "ratio": _unit(units.parse_ratio),
    "whole0": _whole(0),
    "whole1": _whole(1),
    "peak_factor": peak_factor,
    "text": text,
    "text_list": text_list,
    "version": version_not_bool,
    "retries": retries,
    "edges": edge_map,
    "date": date,
    "suppression": suppression,
    "payload": payload,
    "endpoint": endpoint,
}
# The Python types of the values each parser may turn into something valid: a value of
# any other type is refused by it (in a union, that branch is not the one).
ACCEPTS: dict[str, frozenset[type]] = {
    **{name: _SCALARS for name in ("count", "rate", "duration", "size", "percent", "ratio", "whole0", "whole1",
                                   "peak_factor", "text")},
    "text_list": frozenset({str, list}),
    "endpoint": frozenset({str}),
    "date": frozenset({str}),
}
# Model checks run after a model's fields are validated (`model_validator(mode="after")`).
def _autoscaling(model: Any) -> None:
    ordered(model.min, model.max)


def _capacity_split(model: Any) -> None:
    serves_something(model.read)
    serves_something(model.write)


AFTER: dict[str, Callable[[Any], None]] = {"ordered": _autoscaling, "serves_something": _capacity_split}
