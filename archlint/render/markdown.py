"""Pictures kept inside a Markdown file: a region right after each `archlint` block,
between two markers, that `archlint diagram --write` fills and later replaces.

Pure text in, text out. Running it again with the same pictures gives the same text, so
a second `--write` changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from archlint.input.load import Block

START = "<!-- archlint:diagram:start -->"
END = "<!-- archlint:diagram:end -->"
_PREFIX = " \t>"  # what may stand before a fence in lists and block quotes


class MarkerError(ValueError):
    """A start marker without its end marker: the region's extent is unknown."""


def update(text: str, regions: Sequence[tuple[Block, Sequence[str]]]) -> str:
    """`text` with each block's region set to its lines (between the markers, indented
    like the block's fence). An existing region, right after the block save for blank
    lines, is replaced; otherwise a new one is inserted after a blank line. Blocks
    without a closing fence are left alone: anything after them is inside the block."""
    lines = text.split("\n")
    for block, content in sorted(regions, key=lambda region: region[0].close_line or 0, reverse=True):
        close = block.close_line
        if close is None or close >= len(lines):
            continue
        opening = lines[block.line_offset - 1]
        prefix = opening[: block.column_offset]
        eol = "\r" if lines[close].endswith("\r") else ""
        region = [_indent(prefix, line) + eol for line in (START, *content, END)]
        start = _existing_start(lines, close + 1)
        if start is not None:
            end = next((i for i in range(start + 1, len(lines)) if _bare(lines[i]) == END), None)
            if end is None:
                raise MarkerError(f"line {start + 1} has {START} without a matching {END} after it")
            lines[start : end + 1] = region
        else:
            blank = prefix.rstrip() + eol
            after = [blank] if close + 1 < len(lines) and _bare(lines[close + 1]) else []
            lines[close + 1 : close + 1] = [blank, *region, *after]
    return "\n".join(lines)


def _existing_start(lines: list[str], index: int) -> int | None:
    while index < len(lines) and not _bare(lines[index]):
        index += 1
    return index if index < len(lines) and _bare(lines[index]) == START else None


def _bare(line: str) -> str:
    return line.rstrip("\r").lstrip(_PREFIX).strip()


def _indent(prefix: str, line: str) -> str:
    return prefix + line if line else prefix.rstrip()
