"""Markdown that must fit where it goes: a pull-request comment takes at most 65,536
characters, so a report past `max_length` keeps its head (the summary) and as many of
its items, most important first, as fit, then says how many were left out and how to
get them all."""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_MAX_LENGTH = 65_000  # characters; GitHub refuses a comment above 65,536


def fit(head: list[str], items: list[str], footer: Callable[[int], list[str]], max_length: int) -> str:
    """`head` lines, then the leading `items` that fit with `footer(left_out)` within
    `max_length` characters. The head and footer are always kept, even when they alone
    are longer (a report must at least say what it is and how to get the rest)."""
    text = "\n".join(head)
    kept: list[str] = []
    for count, item in enumerate(items):
        left = len(items) - count - 1
        candidate = "\n".join([text, *kept, item, *footer(left)]) + "\n"
        if len(candidate) > max_length:
            break
        kept.append(item)
    return "\n".join([text, *kept, *footer(len(items) - len(kept))]) + "\n"


def more_line(count: int, how: str) -> str:
    """The closing line of a cut report: `N more findings not shown` and the way to all."""
    word = "finding" if count == 1 else "findings"
    return f"**{count} more {word} not shown** (most important shown first). {how}"
