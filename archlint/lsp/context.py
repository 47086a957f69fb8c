"""Where the cursor is in YAML written so far, read from the text line by line: the
context completion needs, in a half-typed file that does not parse as well as in one
that does. Lines are 0-based, columns in characters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archlint.lsp.document import model_at

_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z0-9_.$-]+|\"[^\"]*\"|'[^']*')\s*:(?:\s|$)")


@dataclass(frozen=True, slots=True)
class TextContext:
    """Where the cursor is in YAML written so far: the path of the map or list it is in,
    and what is being typed: a key, a value after `key:`, or a list item."""

    path: tuple[Any, ...]
    mode: str  # "key", "value", "item"
    key: str | None  # for "value": the key whose value is typed
    prefix: str  # the word typed so far


def text_context(lines: list[str], line: int, column: int, first_line: int = 0,
                 indent_offset: int = 0) -> TextContext | None:
    """The cursor's context from indentation alone. `first_line` and `indent_offset`
    bound a Markdown fence: lines above it are not read, its prefix is not indentation."""
    if line >= len(lines):
        return None
    current = lines[line][indent_offset:column] if column >= indent_offset else ""
    if current.lstrip().startswith("#"):
        return None
    flow = re.match(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.-]+)\s*:\s*\[(?P<items>[^\]]*)$", current)
    value = re.match(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.-]+)\s*:\s+(?P<value>[^{\[#]*)$", current)
    item = re.match(r"^(?P<indent>\s*)-\s+(?P<value>[^:#{\[]*)$", current)
    key = re.match(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.-]*)$", current)
    if flow:
        depth = len(flow["indent"]) + (len(flow["dash"]) if flow["dash"] else 0)
        parents = _parents(lines, line, depth, first_line, indent_offset, bool(flow["dash"]))
        prefix = flow["items"].split(",")[-1].strip()
        return TextContext(parents + (flow["key"],), "item", flow["key"], prefix)
    if value:
        depth = len(value["indent"]) + (len(value["dash"]) if value["dash"] else 0)
        parents = _parents(lines, line, depth, first_line, indent_offset, bool(value["dash"]))
        return TextContext(parents + (value["key"],), "value", value["key"], value["value"].strip())
    if item:
        # `- ` then a word: a list item, unless the list holds maps (`apis`), where the
        # word starts a key of the item
        depth = len(item["indent"])
        parents = _parents(lines, line, depth + 2, first_line, indent_offset, True)[:-1]
        if model_at(parents + (0,)) is not None:
            return TextContext(parents + (0,), "key", None, item["value"].strip())
        return TextContext(parents, "item", parents[-1] if parents and isinstance(parents[-1], str) else None,
                           item["value"].strip())
    if key:
        depth = len(key["indent"]) + (len(key["dash"]) if key["dash"] else 0)
        parents = _parents(lines, line, depth, first_line, indent_offset, bool(key["dash"]))
        return TextContext(parents, "key", None, key["key"])
    return None


def _parents(lines: list[str], line: int, depth: int, first_line: int, indent_offset: int,
             in_item: bool) -> tuple[Any, ...]:
    """The keys (and list positions, as 0) enclosing content that starts at column
    `depth` of `line`; `in_item`: that content follows a `- ` on the line."""
    path: list[Any] = []  # innermost first
    target = depth - 2 if in_item else depth  # a parent starts left of this column
    compact = in_item  # a list may sit at its owner key's column (`key:` then `- item`)
    if in_item:
        path.append(0)
    for number in range(line - 1, first_line - 1, -1):
        text = lines[number][indent_offset:]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        dash = re.match(r"^(\s*)-(?:\s+|$)", text)
        match = _KEY_LINE.match(text)
        if dash:
            dash_col, content_col = len(dash.group(1)), len(dash.group(0))
            if dash_col >= target:
                continue
            if content_col == target and not compact:  # a key of the list item the cursor is in
                path.append(0)
            elif match is not None and content_col < target:  # `- key:` holding the cursor
                path += [match["key"].strip("'\""), 0]
            else:
                continue
            target, compact = dash_col, True
            continue
        if match is None:
            continue
        key_col = len(match["indent"])
        if key_col < target or (compact and key_col == target):
            path.append(match["key"].strip("'\""))
            target, compact = key_col, False
            if target == 0:
                break
    return tuple(reversed(path))


def declared_ids(lines: list[str], first_line: int = 0, last_line: int | None = None,
                 indent_offset: int = 0) -> list[str]:
    """Component ids declared under `components:` in block style, read from the text so
    that a half-typed file still offers them."""
    ids: list[str] = []
    end = len(lines) if last_line is None else last_line
    inside, child_indent = False, None
    for number in range(first_line, end):
        text = lines[number][indent_offset:]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if not inside:
            if re.match(r"^components\s*:\s*(#.*)?$", text):
                inside = True
            continue
        if indent == 0:
            break
        match = re.match(r"^(\s*)([\w.-]+|\"[^\"]+\"|'[^']+')\s*:", text)
        if match is None:
            continue
        if child_indent is None:
            child_indent = len(match.group(1))
        if len(match.group(1)) == child_indent:
            ids.append(match.group(2).strip("'\""))
    return ids


def sibling_keys(lines: list[str], line: int, depth: int, first_line: int = 0, indent_offset: int = 0) -> set[str]:
    """Keys already written at indentation `depth` in the map around `line`."""
    keys: set[str] = set()
    for direction in (-1, 1):
        number = line + direction
        while first_line <= number < len(lines):
            text = lines[number][indent_offset:]
            if text.strip() and not text.lstrip().startswith("#"):
                indent = len(text) - len(text.lstrip(" -"))
                if indent < depth:
                    break
                match = _KEY_LINE.match(text)
                if match and len(match["indent"]) + (len(match["dash"]) if match["dash"] else 0) == depth:
                    keys.add(match["key"].strip("'\""))
                    if match["dash"] and direction == -1:
                        break
            number += direction
    return keys
