"""Text edits for the quick fixes: small, exact changes to a parsed block, each made only
where the YAML around it has a shape the edit is sure of (otherwise no fix is offered:
a wrong edit is worse than none).

An edit is (start, end, new text) in 0-based file (line, column) places, columns in
characters; `select` is the place the editor's cursor should go after the edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from archlint.input.load import Block, MarkNode
from archlint.lsp.document import Place, to_file

INDENT = "  "


@dataclass(frozen=True, slots=True)
class Edit:
    start: Place
    end: Place
    text: str
    select: tuple[Place, Place] | None = None  # what to select after the edit, in the new text


def _lines(block: Block) -> list[str]:
    return block.text.split("\n")


def _is_flow(block: Block, node: MarkNode) -> bool:
    lines = _lines(block)
    return node[0] < len(lines) and lines[node[0]][node[1]:node[1] + 1] in ("{", "[")


def last_line(block: Block, node: MarkNode) -> int:
    """The last block line with content of a node (a block collection's end mark lies on
    the next token, possibly lines below)."""
    children = node[4]
    if children is None or _is_flow(block, node):
        return node[2]
    if isinstance(children, dict):
        return max((max(key_line, last_line(block, child)) for key_line, _c, child in children.values()),
                   default=node[0])
    return max((last_line(block, child) for child in children), default=node[0])


def _prefix(block: Block, line: int) -> str:
    """What a Markdown fence strips from each line (list indentation, `>`), kept on new lines."""
    return block.prefix


def _insert_line(block: Block, after: int, indent: int, text: str, select: tuple[int, int] | None = None) -> Edit:
    """A new line below block line `after`, at `indent`; `select` (start, end) columns
    within `text` to select."""
    file_line, _ = to_file(block, after + 1, 0)
    prefix = _prefix(block, after)
    new = prefix + " " * indent + text + "\n"
    chosen = None
    if select is not None:
        base = len(prefix) + indent
        chosen = ((file_line, base + select[0]), (file_line, base + select[1]))
    return Edit((file_line, 0), (file_line, 0), new, chosen)


# --- a property on an edge entry --------------------------------------------------------------

def add_edge_property(block: Block, edge_path: tuple[Any, ...], key: str, value: str) -> Edit | None:
    """Add `key: value` to the entry of `components.<src>.<calls|publishes|consumes>.<dst>`,
    in whichever of the forms the design uses; the value is selected afterwards."""
    if len(edge_path) != 4 or block.marks is None or not isinstance(block.data, dict):
        return None
    node, data = block.marks, block.data
    for segment in edge_path[:3]:
        if not isinstance(node[4], dict) or not isinstance(data, dict) or segment not in node[4]:
            return None
        node, data = node[4][segment][2], data[segment]
    target = edge_path[3]
    pair = f"{key}: {value}"
    if isinstance(data, dict) and isinstance(node[4], dict) and target in node[4]:
        key_line, key_col, child = node[4][target]
        return _into_value(block, key_line, key_col, target, child, data[target], key, value)
    if isinstance(data, list) and isinstance(node[4], list):
        flow = _is_flow(block, node)
        for item, child in zip(data, node[4]):
            if item == target and child[4] is None and child[0] == child[2]:
                start, end = to_file(block, child[0], child[1]), to_file(block, child[2], child[3])
                text = f"{{{target}: {{{pair}}}}}" if flow else f"{target}: {{{pair}}}"
                offset = text.index(pair) + len(key) + 2
                select = ((start[0], start[1] + offset), (start[0], start[1] + offset + len(value)))
                return Edit(start, end, text, select)
            if isinstance(item, dict) and target in item and isinstance(child[4], dict):
                key_line, key_col, inner = child[4][target]
                return _into_value(block, key_line, key_col, target, inner, item[target], key, value)
    return None


def _into_value(block: Block, key_line: int, key_col: int, name: str, child: MarkNode, value: Any,
                key: str, text: str) -> Edit | None:
    lines = _lines(block)
    pair = f"{key}: {text}"
    if value is None:
        line = lines[key_line]
        colon = line.find(":", key_col + len(name))
        if colon < 0:
            return None
        rest = line[colon + 1:]
        comment = rest.find(" #")
        written = (rest if comment < 0 else rest[:comment]).rstrip()
        if written.strip() not in ("", "~", "null", "Null", "NULL"):
            return None
        start = to_file(block, key_line, colon + 1)
        end = to_file(block, key_line, colon + 1 + len(written))
        new = f" {{{pair}}}"
        at = start[1] + 2 + len(key) + 2
        return Edit(start, end, new, ((start[0], at), (start[0], at + len(text))))
    if not isinstance(value, dict) or not isinstance(child[4], dict):
        return None
    if _is_flow(block, child):
        start = to_file(block, child[0], child[1] + 1)
        new = pair + (", " if value else "")
        at = start[1] + len(key) + 2
        return Edit(start, start, new, ((start[0], at), (start[0], at + len(text))))
    first = next(iter(child[4].values()), None)
    if first is None or first[0] <= key_line:
        return None
    return _insert_line(block, key_line, first[1], pair, (len(key) + 2, len(pair)))


# --- quoting and renaming -----------------------------------------------------------------------

def replace_span(start: Place, end: Place, text: str) -> Edit:
    return Edit(start, end, text)


def quote(text: str) -> str:
    """A YAML double-quoted scalar with the same characters (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


_VALUE = r"(?P<value>[^'\"{\[#&*!|>%@`\s-][^#]*?)\s*$"
_KEYED_VALUE = re.compile(r"^(?P<head>\s*(?:-\s+)?[\w.-]+:\s+)" + _VALUE)
_ITEM_VALUE = re.compile(r"^(?P<head>\s*-\s+)" + _VALUE)
_STARTS_WITH_KEY = re.compile(r"^\s*(?:-\s+)?[\w.-]+:\s")


def quote_line_value(line: str) -> tuple[int, int, str] | None:
    """`why: cheap: it is` -> the columns of `cheap: it is` and its quoted form: the value
    YAML read as a second mapping. None when the line is not that shape."""
    match = (_KEYED_VALUE if _STARTS_WITH_KEY.match(line) else _ITEM_VALUE).match(line)
    if match is None or (": " not in match["value"] and not match["value"].endswith(":")):
        # `- Checkout: charge the card`: the whole item is the text YAML read as a map
        match = _ITEM_VALUE.match(line)
        if match is None or ": " not in match["value"]:
            return None
    start = len(match["head"])
    value = match["value"]
    return start, start + len(value), quote(value)


# --- suppressions ---------------------------------------------------------------------------------

def add_suppression(block: Block, path: tuple[Any, ...], code: str) -> Edit | None:
    """Insert `CODE: ""` into the `lint.ignore` of the component the finding is about (else
    of the design), creating `lint` and `ignore` when absent. The reason is left empty on
    purpose: the design keeps failing (INP030) until someone writes why; the cursor goes
    between the quotes."""
    if block.marks is None or not isinstance(block.data, dict) or not isinstance(block.marks[4], dict):
        return None
    entry = f'{code}: ""'
    reason = (len(code) + 3, len(code) + 3)
    owner_node, owner_data, owner_indent = block.marks, block.data, 0
    if len(path) >= 2 and path[0] == "components" and "components" in block.marks[4]:
        components = block.marks[4]["components"][2]
        if isinstance(components[4], dict) and path[1] in components[4] and not _is_flow(block, components):
            _key_line, _key_col, body = components[4][path[1]]
            data = block.data["components"][path[1]]
            if not isinstance(data, dict) or not isinstance(body[4], dict) or _is_flow(block, body) or not body[4]:
                return None
            owner_node, owner_data = body, data
            owner_indent = next(iter(body[4].values()))[1]
    children = owner_node[4]
    if "lint" not in children:
        last = last_line(block, owner_node)
        text = f"lint:\n{' ' * owner_indent}{INDENT}ignore:\n{' ' * owner_indent}{INDENT * 2}{entry}"
        edit = _insert_line(block, last, owner_indent, text)
        file_line = edit.start[0] + 2
        column = len(_prefix(block, last)) + owner_indent + len(INDENT) * 2 + reason[0]
        return Edit(edit.start, edit.end, edit.text.replace("\n", "\n" + _prefix(block, last), 2),
                    ((file_line, column), (file_line, column)))
    _lint_line, _lint_col, lint = children["lint"]
    lint_data = owner_data.get("lint")
    if not isinstance(lint_data, dict) or not isinstance(lint[4], dict) or _is_flow(block, lint) or not lint[4]:
        return None
    lint_indent = next(iter(lint[4].values()))[1]
    if "ignore" not in lint[4]:
        last = last_line(block, lint)
        edit = _insert_line(block, last, lint_indent, f"ignore:\n{' ' * lint_indent}{INDENT}{entry}")
        file_line = edit.start[0] + 1
        column = len(_prefix(block, last)) + lint_indent + len(INDENT) + reason[0]
        return Edit(edit.start, edit.end, edit.text.replace("\n", "\n" + _prefix(block, last), 1),
                    ((file_line, column), (file_line, column)))
    ignore_line, _ignore_col, ignore = lint[4]["ignore"]
    ignore_data = lint_data.get("ignore")
    if code in (ignore_data or {}):
        return None
    if ignore_data is None or ignore_data == {}:
        if ignore_data == {} and _is_flow(block, ignore):
            start = to_file(block, ignore[0], ignore[1] + 1)
            return Edit(start, start, entry, ((start[0], start[1] + reason[0]),) * 2)
        if ignore_data is None:
            return _insert_line(block, ignore_line, lint_indent + len(INDENT), entry, reason)
        return None
    if not isinstance(ignore[4], dict) or _is_flow(block, ignore):
        return None
    first = next(iter(ignore[4].values()))
    return _insert_line(block, last_line(block, ignore), first[1], entry, reason)
