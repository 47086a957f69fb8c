"""The condition language of custom rules: what it computes, and what it refuses."""

import pytest

from archlint.custom.expr import ExprError, compile_condition

ITEM = {"owner": None, "kind": "service", "replicas": 3, "data": ["payments", "users"], "tech": "mongodb",
        "load": 1500.0, "latency": 0.25, "public": True}


def resolve(path):
    name = ".".join(path)
    if name not in ITEM:
        raise ExprError(f"'{name}' is not a field")
    return lambda item: item.get(name)


def holds(text: str) -> bool:
    return compile_condition(text, resolve)(ITEM)


@pytest.mark.parametrize("text, expected", [
    ("owner == null", True),
    ("owner != null", False),
    ("kind == 'service' and replicas >= 3", True),
    ("kind == \"worker\" or replicas < 2", False),
    ("not public", False),
    ("not (kind == 'service' and owner == null)", False),
    ("'payments' in data", True),
    ("'orders' not in data", True),
    ("tech in ['mongodb', 'cassandra']", True),
    ("kind in ['worker']", False),
    ("load > 1k/s", True),  # 1k/s is 1000 per second
    ("latency > 200ms", True),
    ("latency <= 0.25", True),
    ("replicas * 500 >= load", True),
    ("load / replicas == 500", True),
    ("owner > 3", False),  # an unknown value is not a finding
    ("owner < 3", False),
    ("kind > 3", False),  # text against a number: not a finding
    ("replicas - -2 == 5", True),
    ("true and not false", True),
    ("public == true", True),
])
def test_conditions_evaluate(text, expected):
    assert holds(text) is expected


def test_percent_is_a_fraction():
    assert compile_condition("latency == 25%", resolve)(ITEM)


def test_a_condition_is_compiled_once_and_reused():
    condition = compile_condition("replicas > 2", resolve)
    assert [condition({"replicas": n}) for n in (1, 3, None)] == [False, True, False]


@pytest.mark.parametrize("text, message, column", [
    ("owner.__class__ == null", "'__class__' is not allowed: names starting with '_' reach no field", 6),
    ("__import__('os')", "'__import__' is not allowed: names starting with '_' reach no field", 0),
    ("kind.__doc__", "'__doc__' is not allowed: names starting with '_' reach no field", 5),
    ("_private == 1", "'_private' is not allowed: names starting with '_' reach no field", 0),
    ("open('x')", "calls are not allowed in conditions: compare fields and values instead", 4),
    ("kind.lower() == 'x'", "calls are not allowed in conditions: compare fields and values instead", 10),
    ("owner = null", "'=' is not an operator: compare with '=='", 6),
    ("kind == 'a' ;", "unexpected character ';'", 12),
    ("owner ==", "expected a value (a field, number, 'text', [list], null, true or false), found the end of "
                 "the condition", 8),
    ("owner == null replicas", "expected an operator ('and', 'or', '==', 'in', ...), found 'replicas'", 14),
    ("colour == 'red'", "'colour' is not a field", 0),
    ("load > 5 parsecs", "expected an operator ('and', 'or', '==', 'in', ...), found 'parsecs'", 9),
    ("load > 5zz", "'5zz' is not a number with a known unit (e.g. 80%, 100/s, 200ms, 10GB, 5k)", 7),
    ("(owner == null", "expected ')', found the end of the condition", 14),
    ("", "the condition is empty", 0),
])
def test_refusals_say_what_and_where(text, message, column):
    with pytest.raises(ExprError) as raised:
        compile_condition(text, resolve)
    assert (raised.value.message, raised.value.column) == (message, column)
