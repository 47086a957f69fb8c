"""What the language server knows about one open document, without any protocol types.

Positions here are 0-based lines and columns in characters (code points) of the file's
text; the server converts them to the editor's encoding. A document is checked by
`archlint.run.pipeline.check_text`, so an editor sees what `archlint check` prints.
Features that need the document's structure (hover, definitions, symbols) read the
marks of a design that parsed; completion reads the text line by line
(archlint.lsp.context), so it works in a half-typed file that does not parse.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from archlint.input.load import Block, MarkNode
from archlint.run.results import FileResult

Place = tuple[int, int]  # 0-based (line, column) in the file


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    start: int
    end: int  # exclusive column


@dataclass(frozen=True, slots=True)
class Ref:
    """A place that names a component: its declaration, or a use of it."""

    cid: str
    span: Span
    role: str  # "definition", "calls", "publishes", "consumes", "served_by", "dlq", "step"
    block: int


@dataclass(slots=True)
class Analysis:
    """One check of one version of a document."""

    uri: str
    path: str
    version: int | None
    text: str
    result: FileResult
    settings: Any  # archlint.run.settings.FileSettings
    config_problem: str | None = None
    _figures: dict[int, Any] = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def block_at(self, line: int) -> Block | None:
        """The design block holding file line `line`."""
        for block in self.result.source.blocks:
            end = block.close_line if block.close_line is not None else block.line_offset + block.text.count("\n") + 1
            if block.line_offset <= line < max(end, block.line_offset + 1):
                return block
        return None

    def design(self, block: Block) -> Any:
        for design in self.result.designs:
            if design.block is block:
                return design
        return None

    def figures(self, block: Block, catalog: Any) -> Any:
        """The figures of a block's design (archlint.analysis.figures.Figures), computed
        once per analysis; None when the design has input problems."""
        if block.index not in self._figures:
            from archlint.run.pipeline import design_terms

            design = self.design(block)
            figures = None
            if design is not None and design.graph is not None:
                figures = design_terms(design.design, design.graph, catalog, self.settings, block.data).figures
            self._figures[block.index] = figures
        return self._figures[block.index]


# --- positions in a parsed block ---------------------------------------------------------

def to_file(block: Block, line: int, column: int) -> Place:
    return line + block.line_offset, column + block.column_offset


def to_block(block: Block, place: Place) -> Place:
    return place[0] - block.line_offset, place[1] - block.column_offset


def _key_end(block: Block, line: int, column: int, key: str) -> int:
    lines = block.text.split("\n")
    text = lines[line] if line < len(lines) else ""
    if text[column:column + 1] in ("'", '"'):
        closing = text.find(text[column], column + 1)
        return closing + 1 if closing > column else column + len(key) + 2
    return column + len(key)


def _inside(node: MarkNode, line: int, column: int) -> bool:
    return (node[0], node[1]) <= (line, column) <= (node[2], node[3])


@dataclass(frozen=True, slots=True)
class Cursor:
    """The YAML node under a position: its path, whether the position is on a key or on
    a value, and the value (for a scalar)."""

    path: tuple[Any, ...]
    on_key: bool
    value: Any
    span: Span | None  # of the key or scalar under the position, in file coordinates


def cursor_at(block: Block, place: Place) -> Cursor | None:
    """The deepest node of a parsed block at a file position."""
    if block.marks is None:
        return None
    line, column = to_block(block, place)
    path: tuple[Any, ...] = ()
    node, data = block.marks, block.data
    while True:
        children = node[4]
        if isinstance(children, dict) and isinstance(data, dict):
            for key, (key_line, key_col, _child) in children.items():
                end = _key_end(block, key_line, key_col, str(key))
                if key_line == line and key_col <= column <= end:
                    file_line, file_col = to_file(block, key_line, key_col)
                    return Cursor(path + (key,), True, key, Span(file_line, file_col, file_col + end - key_col))
            for key, (_key_line, _key_col, child) in children.items():
                if _inside(child, line, column) and child[4] is not None:
                    node, data, path = child, data[key], path + (key,)
                    break
                if _inside(child, line, column):
                    return _scalar(block, path + (key,), data[key], child)
            else:
                return Cursor(path, False, data, None)
            continue
        if isinstance(children, list) and isinstance(data, list):
            for index, child in enumerate(children):
                if _inside(child, line, column):
                    if child[4] is None:
                        return _scalar(block, path + (index,), data[index], child)
                    node, data, path = child, data[index], path + (index,)
                    break
            else:
                return Cursor(path, False, data, None)
            continue
        return Cursor(path, False, data, None)


def _scalar(block: Block, path: tuple[Any, ...], value: Any, node: MarkNode) -> Cursor:
    line, column = to_file(block, node[0], node[1])
    end = node[3] + block.column_offset if node[2] == node[0] else column + len(str(value))
    return Cursor(path, False, value, Span(line, column, end))


# --- component references ------------------------------------------------------------------

_EDGE_KEYS = ("calls", "publishes", "consumes")


def _span(block: Block, line: int, column: int, length: int) -> Span:
    file_line, file_col = to_file(block, line, column)
    return Span(file_line, file_col, file_col + length)


def component_refs(block: Block) -> list[Ref]:
    """Every place in a parsed block that names a component: the `components` keys, the
    entries of calls/publishes/consumes, `served_by`, `queue.dlq`, and the hops of flow
    steps. Names that are not declared components are skipped."""
    data, marks = block.data, block.marks
    if not isinstance(data, dict) or marks is None or not isinstance(marks[4], dict):
        return []
    refs: list[Ref] = []
    components = data.get("components")
    comp_marks = marks[4].get("components")
    if not isinstance(components, dict) or comp_marks is None or not isinstance(comp_marks[2][4], dict):
        return []
    ids = {cid for cid in components if isinstance(cid, str)}
    for cid, (line, column, node) in comp_marks[2][4].items():
        refs.append(Ref(cid, _span(block, line, column, len(cid)), "definition", block.index))
        body = components.get(cid)
        if not isinstance(body, dict) or not isinstance(node[4], dict):
            continue
        for key in _EDGE_KEYS:
            if key in node[4]:
                refs += _edge_refs(block, body[key], node[4][key][2], key, ids)
        queue = body.get("queue")
        if isinstance(queue, dict) and isinstance(queue.get("dlq"), str) and "queue" in node[4]:
            queue_node = node[4]["queue"][2]
            if isinstance(queue_node[4], dict) and "dlq" in queue_node[4]:
                dlq = queue_node[4]["dlq"][2]
                if queue["dlq"] in ids:
                    refs.append(Ref(queue["dlq"], _span(block, dlq[0], dlq[1], dlq[3] - dlq[1]), "dlq", block.index))
    refs += _api_refs(block, data, marks, ids)
    refs += _step_refs(block, data, marks, ids)
    return refs


def _edge_refs(block: Block, value: Any, node: MarkNode, role: str, ids: set[str]) -> list[Ref]:
    refs = []
    children = node[4]
    if isinstance(value, dict) and isinstance(children, dict):
        for target, (line, column, _child) in children.items():
            if target in ids:
                refs.append(Ref(target, _span(block, line, column, len(target)), role, block.index))
    elif isinstance(value, list) and isinstance(children, list):
        for item, child in zip(value, children):
            if isinstance(item, str) and item in ids:
                refs.append(Ref(item, _span(block, child[0], child[1], child[3] - child[1]), role, block.index))
            elif isinstance(item, dict) and isinstance(child[4], dict):
                for target, (line, column, _c) in child[4].items():
                    if target in ids:
                        refs.append(Ref(target, _span(block, line, column, len(target)), role, block.index))
    return refs


def _api_refs(block: Block, data: dict[str, Any], marks: MarkNode, ids: set[str]) -> list[Ref]:
    apis, node = data.get("apis"), marks[4].get("apis")
    if not isinstance(apis, list) or node is None or not isinstance(node[2][4], list):
        return []
    refs = []
    for api, child in zip(apis, node[2][4]):
        if isinstance(api, dict) and api.get("served_by") in ids and isinstance(child[4], dict):
            served = child[4].get("served_by")
            if served is not None:
                scalar = served[2]
                refs.append(Ref(api["served_by"], _span(block, scalar[0], scalar[1], scalar[3] - scalar[1]),
                                "served_by", block.index))
    return refs


_HOP = re.compile(r"[^\s>:'\"-][^\s>:'\"]*")


def _step_refs(block: Block, data: dict[str, Any], marks: MarkNode, ids: set[str]) -> list[Ref]:
    flows, node = data.get("flows"), marks[4].get("flows")
    if not isinstance(flows, dict) or node is None or not isinstance(node[2][4], dict):
        return []
    lines = block.text.split("\n")
    refs = []
    for name, (_l, _c, flow_node) in node[2][4].items():
        flow = flows.get(name)
        if not isinstance(flow, dict) or not isinstance(flow_node[4], dict) or "steps" not in flow_node[4]:
            continue
        steps_node = flow_node[4]["steps"][2]
        if not isinstance(steps_node[4], list):
            continue
        for child in steps_node[4]:
            line, start = child[0], child[1]
            end = child[3] if child[2] == line else len(lines[line]) if line < len(lines) else start
            if isinstance(child[4], dict):  # `a -> b: 10%` read as a one-key map: the key holds the chain
                for _key, (key_line, key_col, _v) in child[4].items():
                    line, start = key_line, key_col
                    end = lines[line].find(":", start) if line < len(lines) else start
            text = lines[line][start:end] if line < len(lines) else ""
            for hop in _hops(text):
                hop_id, offset = hop
                if hop_id in ids:
                    refs.append(Ref(hop_id, _span(block, line, start + offset, len(hop_id)), "step", block.index))
    return refs


def _hops(text: str) -> list[tuple[str, int]]:
    """`"a -> b: 10%"` -> [("a", 1), ("b", 6)]: each hop id and its offset in the text."""
    hops = []
    position = 0
    body = text.split(":", 1)[0] if "->" in text else text
    for part in body.split("->"):
        stripped = part.strip().strip("'\"")
        if stripped:
            hops.append((stripped, position + part.index(stripped)))
        position += len(part) + 2
    return hops


# --- the models, by YAML path ----------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated; from a union, the member that holds structure."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin is Union:
            members = [a for a in get_args(annotation) if a is not type(None)]
            structured = [a for a in members if _is_model(a) or get_origin(a) in (dict, list)]
            annotation = (structured or members)[0]
            continue
        return annotation


def _is_model(annotation: Any) -> bool:
    """A map with fixed keys a user writes (not `Step`, which is written as a string)."""
    from archlint.language.model import Strict

    return isinstance(annotation, type) and issubclass(annotation, Strict)


def type_at(path: tuple[Any, ...]) -> Any:
    """The annotation the node at `path` is validated against, or None when the path
    leaves the language (an unknown key, an `x-` extension)."""
    from archlint.language.model import Design

    annotation: Any = Design
    for segment in path:
        current = _unwrap(annotation)
        if _is_model(current):
            field_info = current.model_fields.get(segment) if isinstance(segment, str) else None
            if field_info is None:
                return None
            annotation = field_info.annotation
        elif get_origin(current) is dict:
            if not isinstance(segment, str):  # `calls: [db]`: a list written for a map of ids
                return None
            annotation = get_args(current)[1]
        elif get_origin(current) is list:
            annotation = get_args(current)[0]
        else:
            return None
    return annotation


def model_at(path: tuple[Any, ...]) -> Any:
    """The model whose keys are allowed at `path`, or None (a map of ids, a scalar)."""
    annotation = type_at(path)
    current = _unwrap(annotation) if annotation is not None else None
    return current if current is not None and _is_model(current) else None


def field_at(path: tuple[Any, ...]) -> tuple[Any, str] | None:
    """(model, field name) of the key at the end of `path`."""
    if not path or not isinstance(path[-1], str):
        return None
    parent = model_at(path[:-1])
    if parent is None or path[-1] not in parent.model_fields:
        return None
    return parent, path[-1]


def literal_values(path: tuple[Any, ...]) -> list[str]:
    """The fixed values a scalar at `path` may take (`kind`, `backoff`, booleans)."""
    annotation = type_at(path)
    values: list[str] = []

    def visit(node: Any) -> None:
        origin = get_origin(node)
        if origin is Literal:
            values.extend("true" if v is True else "false" if v is False else str(v) for v in get_args(node))
        elif origin is typing.Annotated:
            visit(get_args(node)[0])
        elif origin is Union:
            for member in get_args(node):
                visit(member)
        elif node is bool:
            values.extend(["true", "false"])

    if annotation is not None:
        visit(annotation)
    return list(dict.fromkeys(values))
