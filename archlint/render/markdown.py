"""Pictures kept inside a Markdown file: a region right after each `archlint` block,
between two markers, that `archlint diagram --write` fills and later replaces.

Pure text in, text out. Running it again with the same pictures gives the same text, so
a second `--write` changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from archlint.input.load import Block
from archlint.input.markdown import TEXT, line_kinds

START = "<!-- archlint:diagram:start -->"
END = "<!-- archlint:diagram:end -->"
_PREFIX = " \t>"  # what may stand before a fence in lists and block quotes


class MarkerError(ValueError):
    """Markers whose regions are unclear: a start without its end (or the reverse),
    two starts in a row, or a region holding a design. Nothing is guessed."""


def update(text: str, regions: Sequence[tuple[Block, Sequence[str]]]) -> str:
    """`text` with each block's region set to its lines (between the markers, indented
    like the block's fence). An existing region, right after the block save for blank
    lines, is replaced; otherwise a new one is inserted after a blank line. Blocks
    without a closing fence are left alone: anything after them is inside the block.

    Markers count only on lines of plain text (not in a fenced block, not inside an
    HTML comment); they must pair up, start then end, and no region may hold a design.
    Anything else is a MarkerError naming the line, raised before any change."""
    lines = text.split("\n")
    pairs = _regions(lines, line_kinds(text))
    blocks = [block for block, _ in regions]
    for opens, closes in pairs.items():
        inside = [block for block in blocks if opens < block.line_offset - 1 <= closes]
        if inside:
            raise MarkerError(f"line {opens + 1} has {START} and line {closes + 1} its {END}, but the design block on "
                              f"line {inside[0].line_offset} lies between them; move the markers or remove them")
    for block, content in sorted(regions, key=lambda region: region[0].close_line or 0, reverse=True):
        close = block.close_line
        if close is None or close >= len(lines):
            continue
        opening = lines[block.line_offset - 1]
        prefix = opening[: block.column_offset]
        eol = "\r" if lines[close].endswith("\r") else ""
        region = [_indent(prefix, line) + eol for line in (START, *content, END)]
        start = _existing_start(lines, close + 1)
        if start is not None and start in pairs:
            lines[start : pairs[start] + 1] = region
        else:
            blank = prefix.rstrip() + eol
            after = [blank] if close + 1 < len(lines) and _bare(lines[close + 1]) else []
            lines[close + 1 : close + 1] = [blank, *region, *after]
    return "\n".join(lines)


def _regions(lines: list[str], kinds: list[str]) -> dict[int, int]:
    """Start line -> end line (0-based) of every region; MarkerError when they do not
    pair up."""
    pairs: dict[int, int] = {}
    open_at: int | None = None
    for index, line in enumerate(lines):
        if kinds[index] != TEXT:
            continue
        bare = _bare(line)
        if bare == START:
            if open_at is not None:
                raise MarkerError(f"line {index + 1} has {START}, but the region started on line {open_at + 1} "
                                  f"has no {END} before it; add the missing end marker")
            open_at = index
        elif bare == END:
            if open_at is None:
                raise MarkerError(f"line {index + 1} has {END} without a {START} before it; remove it or add "
                                  f"the start marker")
            pairs[open_at] = index
            open_at = None
    if open_at is not None:
        raise MarkerError(f"line {open_at + 1} has {START} without a matching {END} after it")
    return pairs


def _existing_start(lines: list[str], index: int) -> int | None:
    while index < len(lines) and not _bare(lines[index]):
        index += 1
    return index if index < len(lines) and _bare(lines[index]) == START else None


def _bare(line: str) -> str:
    return line.rstrip("\r").lstrip(_PREFIX).strip()


def _indent(prefix: str, line: str) -> str:
    return prefix + line if line else prefix.rstrip()
