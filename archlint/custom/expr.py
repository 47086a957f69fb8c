"""The condition language of declarative rules: a small, safe expression language.

    owner == null
    kind in ['service', 'worker'] and not public
    utilisation > 80% or load >= 10k/s
    'payments' in data and tech == 'mongodb'

Parsed by hand into closures once per run; there is no `eval`, no calls, no
attribute access beyond names the caller resolves. A name is resolved at compile
time by `resolve(path)`, which returns a getter for one item, so a typo is an error
before any design is read. Comparisons with null are false except `==`/`!=`, so a
missing figure never crashes a rule.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

Getter = Callable[[Any], Any]
Resolver = Callable[[tuple[str, ...]], Getter]


class ExprError(ValueError):
    """A condition that cannot be compiled; `column` is 0-based within the text."""

    def __init__(self, message: str, column: int = 0):
        super().__init__(message)
        self.message = message
        self.column = column


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>\d+(?:\.\d+)?(?:%|/[a-z]+|[A-Za-z]+(?:/[a-z]+)?)?)
      | (?P<string>'[^'\\]*'|"[^"\\]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\.|\+|-|\*|/)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "null", "true", "false"}
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) tokens, ending with ("end", "", len(text))."""
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text[position] == "=":
                raise ExprError("'=' is not an operator: compare with '=='", position)
            raise ExprError(f"unexpected character {text[position]!r}", position)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append((kind, match.group(), position))
        position = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


def number_value(text: str) -> float:
    """`3`, `2.5`, `80%`, `100/s`, `200ms`, `10GB`, `5k`: in archlint's units (per second,
    seconds, bytes, fractions)."""
    from archlint.input import units

    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parsers = (units.parse_percent, units.parse_rate, units.parse_duration, units.parse_size, units.parse_count)
    for parse in parsers:
        try:
            return parse(text)
        except (units.UnitError, ValueError):
            continue
    raise ValueError(f"'{text}' is not a number with a known unit (e.g. 80%, 100/s, 200ms, 10GB, 5k)")


MAX_NESTING = 64  # brackets, `not` and unary minus inside each other
MAX_TOKENS = 500  # a condition's size: bounds the depth of the closures it compiles to


class _Parser:
    def __init__(self, text: str, resolve: Resolver):
        self.text = text
        self.tokens = tokenize(text)
        if len(self.tokens) > MAX_TOKENS:
            raise ExprError(f"the condition has {len(self.tokens) - 1} tokens, above the {MAX_TOKENS - 1} a "
                            f"condition may hold; split the rule", self.tokens[MAX_TOKENS - 1][2])
        self.index = 0
        self.resolve = resolve
        self.depth = 0

    def nest(self) -> None:
        """Take the token that opens one more level (a bracket, `not`, a unary minus):
        the parser recurses, so the depth is bounded, with the place that crossed it."""
        column = self.take()[2]
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprError(f"the condition nests deeper than {MAX_NESTING} levels", column)

    @property
    def token(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        kind, text, _ = self.token
        return kind in ("op", "name") and text in texts

    def expect(self, text: str) -> None:
        if not self.at(text):
            self.fail(f"expected '{text}'")
        self.take()

    def fail(self, message: str) -> None:
        kind, text, column = self.token
        found = "the end of the condition" if kind == "end" else f"'{text}'"
        raise ExprError(f"{message}, found {found}", column)

    def parse(self) -> Getter:
        function = self.disjunction()
        if self.token[0] != "end":
            self.fail("expected an operator ('and', 'or', '==', 'in', ...)")
        return function

    def disjunction(self) -> Getter:
        parts = [self.conjunction()]
        while self.at("or"):
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return _kinded(lambda item: any(part(item) for part in parts), "bool")

    def conjunction(self) -> Getter:
        parts = [self.negation()]
        while self.at("and"):
            self.take()
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return _kinded(lambda item: all(part(item) for part in parts), "bool")

    def negation(self) -> Getter:
        if self.at("not"):
            self.nest()
            inner = self.negation()
            self.depth -= 1
            return _kinded(lambda item: not inner(item), "bool")
        return self.comparison()

    def comparison(self) -> Getter:
        left = self.sum()
        if self.at(*_COMPARE):
            _, symbol, column = self.take()
            right = self.sum()
            _check_comparison(symbol, left, right, column)
            return _compare(symbol, left, right)
        negated = False
        if self.at("not") and self.tokens[self.index + 1][1] == "in":
            self.take()
            negated = True
        if self.at("in"):
            column = self.take()[2]
            right = self.sum()
            if _kind(right) in ("number", "bool"):
                raise ExprError(f"'in' looks inside a list, a map or a text, not inside {_a(_kind(right))}",
                                column)
            return (lambda item: not _contains(right(item), left(item))) if negated else (
                lambda item: _contains(right(item), left(item)))
        if negated:
            self.fail("expected 'in' after 'not'")
        return left

    def sum(self) -> Getter:
        left = self.product()
        while self.at("+", "-"):
            _, symbol, column = self.take()
            left = _arithmetic(symbol, left, self.product(), column)
        return left

    def product(self) -> Getter:
        left = self.atom()
        while self.at("*", "/"):
            _, symbol, column = self.take()
            left = _arithmetic(symbol, left, self.atom(), column)
        return left

    def atom(self) -> Getter:
        kind, text, column = self.token
        if kind == "number":
            self.take()
            try:
                value: Any = number_value(text)
            except ValueError as error:
                raise ExprError(str(error), column) from None
            return _constant(value)
        if kind == "string":
            self.take()
            return _constant(text[1:-1])
        if self.at("-") and self.tokens[self.index + 1][0] == "number":
            self.nest()
            inner = self.atom()
            self.depth -= 1
            return _kinded(lambda item: -inner(item), "number")
        if self.at("("):
            self.nest()
            inner = self.disjunction()
            self.expect(")")
            self.depth -= 1
            return inner
        if self.at("["):
            return self.list_literal()
        if kind == "name":
            if text in ("null", "true", "false"):
                self.take()
                return _constant({"null": None, "true": True, "false": False}[text])
            if text in KEYWORDS:
                self.fail("expected a value")
            return self.field()
        self.fail("expected a value (a field, number, 'text', [list], null, true or false)")
        raise AssertionError  # fail() raises

    def list_literal(self) -> Getter:
        self.nest()
        items: list[Getter] = []
        while not self.at("]"):
            items.append(self.sum())
            if not self.at("]"):
                self.expect(",")
        self.take()
        self.depth -= 1
        if all(hasattr(part, "constant") for part in items):  # built once per rule, not once per item
            return _constant([part.constant for part in items])  # type: ignore[attr-defined]
        return _kinded(lambda item: [part(item) for part in items], "list")

    def field(self) -> Getter:
        start = self.token[2]
        names = [self._name()]
        while self.at("."):
            self.take()
            if self.token[0] != "name":
                self.fail("expected a field name after '.'")
            names.append(self._name())
        if self.at("("):
            raise ExprError("calls are not allowed in conditions: compare fields and values instead",
                            self.token[2])
        try:
            return self.resolve(tuple(names))
        except ExprError as error:
            raise ExprError(error.message, start) from None

    def _name(self) -> str:
        _, text, column = self.take()
        if text.startswith("_"):
            raise ExprError(f"'{text}' is not allowed: names starting with '_' reach no field", column)
        return text


def _constant(value: Any) -> Getter:
    """A getter that always returns `value`, marked so a list of constants is built once."""
    def get(item: Any) -> Any:
        return value

    get.constant = value  # type: ignore[attr-defined]
    kind = ("null" if value is None else "bool" if isinstance(value, bool) else "number"
            if isinstance(value, (int, float)) else "text" if isinstance(value, str) else "list")
    return _kinded(get, kind)


# --- types, checked when a pack loads ------------------------------------------------
# A getter may carry `kind`: "number", "text", "bool", "list", "map" or "null" (the
# resolver of fields sets it for fields, archlint.custom.fields); None is unknown, and
# an unknown kind is never an error.

def _kinded(getter: Getter, kind: str | None) -> Getter:
    getter.kind = kind  # type: ignore[attr-defined]
    return getter


def _kind(getter: Getter) -> str | None:
    return getattr(getter, "kind", None)


def _a(kind: str | None) -> str:
    return {"number": "a number", "text": "a text", "bool": "true/false", "list": "a list", "map": "a map",
            "null": "null"}.get(kind or "", "a value")


def _check_comparison(symbol: str, left: Getter, right: Getter, column: int) -> None:
    """A comparison that can never hold is a mistake in the rule: say so at load time."""
    one, other = _kind(left), _kind(right)
    if one is None or other is None or "null" in (one, other):
        return
    if symbol in ("==", "!="):
        if one != other:
            raise ExprError(f"'{symbol}' compares {_a(one)} with {_a(other)}, which are never equal", column)
        return
    for kind in (one, other):
        if kind not in ("number", "text"):
            raise ExprError(f"'{symbol}' orders numbers or texts, not {_a(kind)}", column)
    if one != other:
        raise ExprError(f"'{symbol}' compares {_a(one)} with {_a(other)}", column)


def _check_arithmetic(symbol: str, left: Getter, right: Getter, column: int) -> None:
    for kind in (_kind(left), _kind(right)):
        if kind not in (None, "number", "null"):
            raise ExprError(f"'{symbol}' works on numbers, not on {_a(kind)}", column)


def _compare(symbol: str, left: Getter, right: Getter) -> Getter:
    compare = _COMPARE[symbol]
    if symbol in ("==", "!="):
        return _kinded(lambda item: compare(left(item), right(item)), "bool")

    def ordered(item: Any) -> bool:
        a, b = left(item), right(item)
        if isinstance(a, str) and isinstance(b, str):
            return compare(a, b)
        if _number(a) and _number(b):
            return compare(a, b)
        return False  # an unknown figure, or values that have no order: not a finding

    return _kinded(ordered, "bool")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _contains(container: Any, value: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, str):
        return isinstance(value, str) and value in container
    return value in container


def _arithmetic(symbol: str, left: Getter, right: Getter, column: int = 0) -> Getter:
    _check_arithmetic(symbol, left, right, column)
    apply = _ARITHMETIC[symbol]

    def calculate(item: Any) -> Any:
        a, b = left(item), right(item)
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or isinstance(a, bool) or \
                isinstance(b, bool) or (symbol == "/" and b == 0):
            return None  # unknown stays unknown
        return apply(a, b)

    return _kinded(calculate, "number")


def compile_condition(text: str, resolve: Resolver) -> Getter:
    """A closure `item -> truthy`; ExprError (with a column) when `text` is not a condition."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("the condition is empty")
    parser = _Parser(text, resolve)
    function = parser.parse()
    condition = _kinded(lambda item: bool(function(item)), "bool")
    condition.cost = len(parser.tokens) - 1  # type: ignore[attr-defined]  # steps of one evaluation: its tokens
    return condition


def parse_field_path(text: str) -> tuple[str, ...]:
    """`queue.dlq` -> ('queue', 'dlq') for message templates; ExprError when it is not one."""
    names = tuple(text.split("."))
    for name in names:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ExprError(f"'{text}' is not a field path")
    return names
