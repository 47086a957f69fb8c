"""How rule messages phrase lists, counts and percentages: one cut-off for "and N more",
one plural, one percentage (through `units.format_percent`, so 99.99999% never reads as
100%). Messages from every area read alike and change together."""

from __future__ import annotations

from collections.abc import Iterable

from archlint.input.units import format_percent

LISTED = 10  # names shown in one message before "and N more"


def joined(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def either(items: Iterable[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def listed(items: Iterable[str]) -> str:
    """`a, b and c`; past LISTED items, the first LISTED and `and N more`."""
    names = list(items)
    if len(names) > LISTED:
        return ", ".join(names[:LISTED]) + f" and {len(names) - LISTED} more"
    return joined(names)


def flows(names: Iterable[str]) -> str:
    """`flow 'a'`, `flows 'a' and 'b'`, listed as `listed` does."""
    quoted = [f"'{name}'" for name in names]
    return ("flow " if len(quoted) == 1 else "flows ") + listed(quoted)


def plural(count: float, noun: str) -> str:
    """`1 shard`, `3 shards`, `2.5 engineers`; an underscore in the noun reads as a space."""
    noun = noun.replace("_", " ")
    number = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{number} {noun}" + ("" if count == 1 else "s")


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percent(fraction: float) -> str:
    """A fraction as a percentage with the digits that matter (99.95%, 99.99999%)."""
    return format_percent(fraction)


def kind_and_id(kind: str, cid: str) -> str:
    """`service api`, `stream events`; just `search-index` where the id already says
    its kind (not `search search-index`)."""
    spoken = kind.replace("_", " ")
    return cid if kind.replace("_", "-") in cid or spoken in cid else f"{spoken} {cid}"
