"""Custom rule packs: YAML files of rules in the built-in packs' format, where a
declarative rule also says what it selects, when it fires and what it says.

    - code: ORG001
      name: service-without-owner
      severity: warning
      summary: Every service is owned by a team.
      select: {components: {kind: [service, worker]}}
      condition: 'owner == null'
      message: '{id} has no owner'

A pack is validated against `schemas/rule-pack.schema.json` and its conditions are
compiled (archlint.custom.expr) once per process; any problem is a `PackError` whose message
starts with `file:line:col`. Metadata-only entries (no `select`) describe rules whose
checks come from a Python plugin.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from archlint.findings import RESERVED_PREFIXES, Finding
from archlint.rules.metadata import RuleMeta, meta_from_entry

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CODE = re.compile(r"[A-Z]{3}[0-9]{3}")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


# Steps a declarative rule may take on one design: one per token of its condition per
# item selected (a 499-token condition over 20,000 components fits). Past it, the
# rule stops with an ENG001 finding naming it instead of running on and on.
EVALUATION_BUDGET = 10_000_000


class PackError(Exception):
    """A pack that cannot be used: a usage error, positioned."""


class BudgetExceeded(Exception):
    """A declarative rule went past EVALUATION_BUDGET on one design (ENG001)."""


@dataclass(frozen=True)
class Pack:
    path: str
    metas: dict[str, RuleMeta]
    checks: dict[str, Callable[[Any], Iterable[Finding]]]


@functools.cache
def load_pack(path: str) -> Pack:
    """One pack file, validated and compiled (once per process)."""
    from archlint.input.files import PACK_MAX_BYTES, TooLarge, read_bounded
    from archlint.input.load import InputProblem, Limits, parse_yaml

    try:
        text = read_bounded(path, PACK_MAX_BYTES).decode("utf-8")
    except OSError as error:
        raise PackError(f"{path}: cannot read the rule pack: {error.strerror or error}") from None
    except TooLarge as error:
        raise PackError(f"{path}: not read as a rule pack: {error}") from None
    except UnicodeDecodeError:
        raise PackError(f"{path}: the rule pack is not UTF-8 text") from None
    try:
        data, marks = parse_yaml(text, Limits())
    except InputProblem as problem:
        raise PackError(f"{path}:{problem.line + 1}:{problem.column + 1}: {problem.message}") from None
    if data is None:
        data = []

    def where(at: tuple[Any, ...]) -> str:
        if marks is None:
            return f"{path}:1:1"
        from archlint.input.load import locate

        line, column = locate(data, marks, at)
        return f"{path}:{line + 1}:{column + 1}"

    _validate(data, where)
    metas: dict[str, RuleMeta] = {}
    checks: dict[str, Callable[[Any], Iterable[Finding]]] = {}
    for index, entry in enumerate(data):
        code = entry["code"]
        for key, pattern in (("code", _CODE), ("name", _NAME)):
            # The schema's patterns end in `$`, which lets a final newline through.
            value = entry.get(key)
            if isinstance(value, str) and not pattern.fullmatch(value):
                raise PackError(f"{where((index, key))}: {key}: {value!r} ends in a line break; write it on "
                                f"one line")
        if code.startswith(RESERVED_PREFIXES):
            raise PackError(f"{where((index, 'code'))}: {code}: codes starting with "
                            f"{', '.join(RESERVED_PREFIXES)} are reserved for archlint itself")
        if code in metas:
            raise PackError(f"{where((index, 'code'))}: {code} appears twice in this pack")
        metas[code] = meta_from_entry(entry, pack=path)
        if "select" in entry:
            checks[code] = _compile_rule(entry, index, where)
    return Pack(path, metas, checks)


def _validate(data: Any, where: Callable[[tuple[Any, ...]], str]) -> None:
    try:
        import jsonschema
    except ModuleNotFoundError:
        raise PackError("rule packs need the jsonschema package to be validated: pip install jsonschema") from None
    from archlint.custom.schema import SCHEMA

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda error: (list(map(str, error.absolute_path)),
                                                                     error.message))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    at = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        at = at + (extra[0],) if extra else at  # point at the unknown key itself
    dotted = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in at).lstrip(".") or "the pack"
    raise PackError(f"{where(at)}: {dotted}: {_schema_message(error)}")


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message}; accepted: {', '.join(error.schema.get('properties', {}))}"
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] == "code":
        return f"{error.instance!r} is not a rule code: write three capital letters and three digits, e.g. ORG001"
    if error.validator == "dependentRequired":
        return f"{error.message} (a declarative rule needs select, condition and message)"
    if error.validator == "type":
        # jsonschema's message quotes the value's Python repr: for a map or a list, a
        # whole file (a design named as a pack) on one line.
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(_JSON_TYPES.get(str(name), str(name)) for name in expected)
        message = f"must be {wanted}, not {_kind_of(error.instance)}"
        if not error.absolute_path:
            message += " (a rule pack is a list of rules, each starting with '- code: ...')"
        return message
    return error.message


_JSON_TYPES = {"array": "a list", "object": "a map", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "null"}


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool) or value is None:
        return "true" if value is True else "false" if value is False else "null"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text {str(value)[:60]!r}"


# --- declarative rules ------------------------------------------------------------------

def _compile_rule(
    entry: Mapping[str, Any], index: int, where: Callable[[tuple[Any, ...]], str]
) -> Callable[[Any], Iterable[Finding]]:
    from archlint.custom.expr import ExprError, compile_condition
    from archlint.custom.fields import resolver

    scope, filters = next(iter(entry["select"].items()))
    filters = filters or {}
    resolve = resolver(scope)
    try:
        condition = compile_condition(entry["condition"], resolve)
    except ExprError as error:
        place = where((index, "condition"))
        shown = entry["condition"] if len(entry["condition"]) <= 80 else entry["condition"][:77] + "..."
        raise PackError(f"{place}: condition: {error.message} (at character {error.column + 1} of "
                        f"{shown!r})") from None
    templates = {}
    for key in ("message", "hint"):
        if key in entry:
            try:
                templates[key] = _template(entry[key], resolve)
            except ExprError as error:
                raise PackError(f"{where((index, key))}: {key}: {error.message}") from None
    select = _selector(scope, filters)
    message, hint = templates["message"], templates.get("hint")

    cost = getattr(condition, "cost", 1)

    def check(context: Any) -> Iterator[Finding]:
        terms = context.terms
        steps = 0
        for count, (item, path) in enumerate(select(terms), start=1):
            steps += cost
            if steps > EVALUATION_BUDGET:
                raise BudgetExceeded(f"stopped after {count - 1:,} items: evaluating its condition on this design "
                                     f"takes more than its budget of {EVALUATION_BUDGET:,} steps (one step per "
                                     f"token of the condition, per item)")
            if condition(item):
                yield context.finding(path, message(item), hint(item) if hint else None)

    return check


def _template(text: str, resolve: Callable[[tuple[str, ...]], Any]) -> Callable[[Any], str]:
    """`'{id} has no owner'`: each `{field}` is a field path of the item; `{{` is a brace."""
    from archlint.custom.expr import ExprError, parse_field_path

    pieces: list[Any] = []
    position = 0
    escaped = text.replace("{{", "\0").replace("}}", "\1")
    for match in _PLACEHOLDER.finditer(escaped):
        pieces.append(escaped[position:match.start()].replace("\0", "{").replace("\1", "}"))
        try:
            pieces.append(resolve(parse_field_path(match.group(1).strip())))
        except ExprError as error:
            raise ExprError(f"{{{match.group(1)}}}: {error.message}") from None
        position = match.end()
    tail = escaped[position:]
    if "{" in tail or "}" in tail:
        raise ExprError("an unmatched '{' or '}' (write '{{' or '}}' for a brace)")
    pieces.append(tail.replace("\0", "{").replace("\1", "}"))

    def render(item: Any) -> str:
        return "".join(piece if isinstance(piece, str) else _show(piece(item)) for piece in pieces)

    return render


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_show, value))
    return str(value)


def _names(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset([value] if isinstance(value, str) else value)


def _end_filter(filters: Mapping[str, Any]) -> Callable[[Any, str], bool]:
    """A component filter: its resolved kind, its tech (as written, any case) and data."""
    kinds = _names(filters.get("kind"))
    techs = _names(filters.get("tech"))
    techs = frozenset(t.lower() for t in techs) if techs is not None else None
    data = _names(filters.get("data"))

    def keep(terms: Any, cid: str) -> bool:
        if kinds is not None and terms.kind(cid) not in kinds:
            return False
        component = terms.component(cid)
        if techs is not None and str(component.tech or "").strip().lower() not in techs:
            return False
        if data is not None and not data.intersection(component.data or ()):
            return False
        return True

    return keep


def _selector(scope: str, filters: Mapping[str, Any]) -> Callable[[Any], Iterator[tuple[Any, Any]]]:
    """`terms -> (item, YAML path)` in the design's order."""
    if scope == "components":
        keep = _end_filter(filters)

        def components(terms: Any) -> Iterator[tuple[Any, Any]]:
            for cid in terms.graph.nodes:
                if keep(terms, cid):
                    yield (terms, cid), ("components", cid)

        return components
    if scope == "edges":
        types = _names(filters.get("type"))
        keep_from, keep_to = _end_filter(filters.get("from") or {}), _end_filter(filters.get("to") or {})

        def edges(terms: Any) -> Iterator[tuple[Any, Any]]:
            for edge in terms.graph.edges:
                if types is not None and edge.kind not in types:
                    continue
                origin, target = (edge.dst, edge.src) if edge.kind == "consumes" else (edge.src, edge.dst)
                if keep_from(terms, origin) and keep_to(terms, target):
                    yield (terms, edge), edge.path

        return edges
    flow_types = _names(filters.get("type"))

    def flows(terms: Any) -> Iterator[tuple[Any, Any]]:
        for name, route in terms.graph.routes.items():
            if flow_types is None or route.flow.type in flow_types:
                yield (terms, route), ("flows", name)

    return flows


# --- several packs ----------------------------------------------------------------------

@functools.cache
def load_packs(paths: tuple[str, ...], reserved: frozenset[str] = frozenset()) -> Pack:
    """The packs of one configuration, merged; a code defined by a built-in rule, a
    plugin (`reserved`) or two packs is an error naming both places."""
    from archlint.rules.metadata import builtin_rules

    builtin = builtin_rules()
    metas: dict[str, RuleMeta] = {}
    checks: dict[str, Callable[[Any], Iterable[Finding]]] = {}
    for path in paths:
        pack = load_pack(path)
        for code, meta in pack.metas.items():
            clash = ("a built-in rule" if code in builtin else "a plugin rule" if code in reserved
                     else f"a rule of {metas[code].pack}" if code in metas else None)
            if clash:
                raise PackError(f"{_code_place(path, code)}: {code} is already {clash}; pick another code")
            metas[code] = meta
        checks.update(pack.checks)
    return Pack(",".join(paths), metas, checks)


def _code_place(path: str, code: str) -> str:
    from archlint.input.files import PACK_MAX_BYTES, read_bounded
    from archlint.input.load import Limits, locate, parse_yaml

    data, marks = parse_yaml(read_bounded(path, PACK_MAX_BYTES).decode("utf-8"), Limits())
    for index, entry in enumerate(data):
        if entry.get("code") == code and marks is not None:
            line, column = locate(data, marks, (index, "code"))
            return f"{path}:{line + 1}:{column + 1}"
    return path
