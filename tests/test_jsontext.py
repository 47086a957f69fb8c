"""The JSON writer of the json and SARIF reports prints what the standard library's
indenting encoder prints, byte for byte, for any value."""

import json
import math

from hypothesis import given
from hypothesis import strategies as st

from archlint.formats import jsontext

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@given(VALUES)
def test_the_same_text_as_json_dumps_for_any_value(value):
    assert jsontext.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_by_hand():
    value = {"a": [1, 2.5, None, True], "é\n\"": {}, "c": [], "d": {"e": "\x1b[31m"}}
    assert jsontext.dumps(value) == (
        '{\n  "a": [\n    1,\n    2.5,\n    null,\n    true\n  ],\n  "é\\n\\"": {},\n  "c": [],\n'
        '  "d": {\n    "e": "\\u001b[31m"\n  }\n}'
    )


def test_what_it_does_not_know_is_the_librarys():
    for value in ({1: "a"}, [math.nan, math.inf], {"s": {1, 2}.__len__()}, {True: None}):
        assert jsontext.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
