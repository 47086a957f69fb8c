"""`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, faster.

With `indent`, the standard library encodes in pure Python, through nested generators;
for a report of 42,000 findings that is most of a cached run's time (0.7 s of JSON,
2.2 s of SARIF). Here one recursive function does the same, and each string goes
through the library's C escaper, the one its own encoder calls. Anything it does not
know (another type, a key that is not a string, a float that is not finite) is left to
`json.dumps` as a whole, so the output is always the library's.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C function when the accelerator is built
from typing import Any


class _Unusual(Exception):
    """A value the fast path leaves to json.dumps."""


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`."""
    out: list[str] = []
    try:
        _encode(value, "\n", out)
    except _Unusual:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


def _encode(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` encoded, at the depth whose line break (with its indent) is `newline`."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(separator)
            out.append(encode_basestring(key))
            out.append(": ")
            if type(item) is str:  # the usual value, without a call
                out.append(encode_basestring(item))
            else:
                _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            if type(item) is str:
                out.append(encode_basestring(item))
            else:
                _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        out.append(float.__repr__(value))
    else:
        raise _Unusual
