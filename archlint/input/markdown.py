"""Designs embedded in Markdown: find the fenced blocks whose info string is
`archlint` (or `yaml archlint`) and remember where each sits in the file. A fence whose
info string goes on with `sketch` (`archlint sketch`, `yaml archlint sketch`) holds a
rough sketch, such as an alternative an RFC considered: it is read and validated, but
no rule, figure or verdict is drawn from it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A fence may sit inside list items or block quotes: its prefix is any mix of
# spaces, tabs and `>` markers. Backtick fences may not have backticks in the info.
_FENCE = re.compile(r"^(?P<prefix>[ \t>]*?)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


@dataclass(frozen=True, slots=True)
class Fence:
    """One `archlint` block: its YAML text and where it lies in the Markdown file."""

    text: str
    open_line: int  # 0-based line of the opening fence
    close_line: int  # 0-based line of the closing fence (= line count if unclosed)
    indent: int  # characters stripped from the start of every content line
    sketch: bool = False  # `archlint sketch`: input problems only

    @property
    def first_line(self) -> int:
        """0-based line in the Markdown file of the block's first YAML line."""
        return self.open_line + 1


def _fence_kind(info: str) -> str | None:
    """"design" for an `archlint` fence, "sketch" for `archlint sketch`, else None."""
    words = [word.lower() for word in info.split()]
    if words[:1] == ["yaml"]:
        words = words[1:]
    if words[:1] != ["archlint"]:
        return None
    return "sketch" if words[1:2] == ["sketch"] else "design"


def _strip_prefix(line: str, width: int) -> str:
    """Remove up to `width` leading indent/quote characters, as CommonMark does."""
    cut = 0
    while cut < width and cut < len(line) and line[cut] in " \t>":
        cut += 1
    return line[cut:]


_COMMENT_OPEN = re.compile(r"^[ \t>]*<!--")

# What a line of a Markdown file is, for `line_kinds`.
TEXT, FENCED, COMMENT = "text", "fenced", "comment"


def find_fences(text: str) -> list[Fence]:
    """Every `archlint` fenced block, in order. Other fences are skipped whole, so an
    `archlint` fence shown inside a `markdown` example block is not mistaken for one,
    and so are HTML comments: a fence inside `<!-- ... -->` is commented out."""
    return _scan(text)[0]


def line_kinds(text: str) -> list[str]:
    """For each line (split at "\n"): TEXT, FENCED (a fence line or inside a fenced
    block of any language) or COMMENT (inside an HTML comment that started on an
    earlier line, or that starts on this line and does not end on it)."""
    return _scan(text)[1]


def _scan(text: str) -> tuple[list[Fence], list[str]]:
    # CRLF files: match fences on the line without its "\r" (the YAML keeps it; libyaml
    # reads CRLF line breaks).
    lines = text.split("\n")
    bare = [line[:-1] if line.endswith("\r") else line for line in lines]
    kinds = [TEXT] * len(lines)
    fences: list[Fence] = []
    index = 0
    while index < len(lines):
        comment = _COMMENT_OPEN.match(bare[index])
        if comment:
            # CommonMark: an HTML comment block runs to the first line holding "-->".
            end = index
            if "-->" not in bare[index][comment.end():]:
                end += 1
                while end < len(lines) and "-->" not in bare[end]:
                    end += 1
                kinds[index : end + 1] = [COMMENT] * len(kinds[index : end + 1])
            index = end + 1
            continue
        match = _FENCE.match(bare[index])
        if not match or (match["fence"][0] == "`" and "`" in match["info"]):
            index += 1
            continue
        prefix, fence = match["prefix"], match["fence"]
        closing = re.compile(
            r"^[ \t>]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$"
        )
        end = index + 1
        while end < len(lines) and not closing.match(bare[end]):
            end += 1
        kinds[index : end + 1] = [FENCED] * len(kinds[index : end + 1])
        kind = _fence_kind(match["info"])
        if kind is not None:
            body = [_strip_prefix(line, len(prefix)) for line in lines[index + 1 : end]]
            # An unclosed fence runs to the end of the file: no line break is added
            # there, or positions at its end would point past the file's last line.
            closed = end < len(lines)
            fences.append(Fence("\n".join(body) + ("\n" if closed else ""), index, end, len(prefix),
                                kind == "sketch"))
        index = end + 1
    return fences, kinds
