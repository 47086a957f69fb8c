"""Reading design files: bytes -> text -> YAML events -> plain data plus marks.

The tree is built straight from libyaml's event stream (PyYAML's C parser) rather than
through `compose`: the event loop is iterative, so hostile nesting is stopped at the depth
limit instead of overflowing the C stack, and it is faster. Scalars follow YAML 1.2 core
(`no` and `100:1` stay strings). Every node keeps its start and end marks, and every
mapping key its own, so later steps can turn a YAML path into `line:col`.

Anything wrong with the input becomes an `InputProblem` (an INP finding with a place),
never an exception that escapes.

One module on purpose (about 600 lines): the event loop, the limits it enforces and the
mark bookkeeping share state on every node, and split apart they would cost a call per
event on the hottest path of a 10k-component check.
"""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml
from yaml import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from archlint.findings import Finding, Path
from archlint.input.markdown import find_fences
from archlint.input.units import format_size

# A mark node: (start_line, start_col, end_line, end_col, children), 0-based. Children
# are a dict key -> (key_line, key_col, node) for mappings, a list of nodes for
# sequences, None for scalars.
MarkNode = tuple[int, int, int, int, Any]

# The compact form `check` keeps (see `parse_places`): only the place `locate` reports for
# each node, a key's for a map entry and the item's start for a list item, as one int
# `line << PLACE_BITS | column` (0-based). A scalar's entry is that int alone; a map's or
# a list's is (place, children): a list's children are a list of entries; a map's, a
# tuple of entries in the order of its keys in the data (most maps are small), or a dict
# key -> entry past SMALL_MAP keys. A 50k-component design's marks take about 200 MB as
# MarkNode tuples and about 65 MB this way.
Place = Any  # int | tuple[int, tuple[Place, ...] | dict[str, Place] | list[Place]]
PLACE_BITS = 32
SMALL_MAP = 8
_COLUMN_MASK = (1 << PLACE_BITS) - 1

MARKDOWN_SUFFIXES = (".md", ".markdown")
YAML_MAX_KEY_LENGTH = 1024  # YAML's bound on a key written without '?'
PARSER_MAX_DEPTH = 1000  # libyaml refuses deeper nesting itself, whatever limits.max-depth says


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input cheap; the configuration may raise them."""

    max_file_size: int = 10 * 1000 * 1000
    max_depth: int = 64
    max_aliases: int = 10_000
    max_list_items: int = 100_000
    max_key_length: int = 1_024


class InputProblem(Exception):
    """An input problem found while loading; carries its INP code and 0-based place."""

    def __init__(self, code: str, message: str, line: int = 0, column: int = 0, hint: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Blocks carry their problem back from `check -j N` workers: rebuild it from
        # all its fields (Exception's default would call it with the message alone).
        return (InputProblem, (self.code, self.message, self.line, self.column, self.hint))


@dataclass(slots=True)
class Block:
    """One design: a whole YAML file, or one fenced block of a Markdown file."""

    index: int
    text: str
    line_offset: int = 0  # 0-based file line of the block's first line
    column_offset: int = 0  # characters stripped from the start of each line
    close_line: int | None = None  # Markdown: 0-based line of the closing fence
    sketch: bool = False  # an `archlint sketch` fence: validated, no rules, no figures
    prefix: str = ""  # Markdown: what the fence strips from each line (indentation, `>`), for edits adding lines
    data: Any = None
    marks: MarkNode | None = None  # the full marks, for the language server (`source_from_text`)
    places: Place | None = None  # the compact form, for `check` of files (`read_source`)
    problem: InputProblem | None = None

    def place(self, line: int, column: int) -> tuple[int, int]:
        """0-based block position -> 1-based file position."""
        return line + self.line_offset + 1, column + self.column_offset + 1

    def locate(self, path: Path) -> tuple[int, int]:
        """1-based file position of the node at `path`, or of its nearest present ancestor."""
        if self.places is not None:
            return self.place(*locate_place(self.data, self.places, path))
        if self.marks is None:
            return self.place(0, 0)
        return self.place(*locate(self.data, self.marks, path))


@dataclass(slots=True)
class Source:
    """A file as read: its display name, text and the designs found in it."""

    name: str
    text: str = ""
    is_markdown: bool = False
    blocks: list[Block] = field(default_factory=list)
    problem: Finding | None = None  # a problem with the file as a whole
    # The file's bytes between `read_raw` and `parse_source`, so that one read serves
    # both a result cache's key and the check; None once decoded.
    raw: bytes | None = None


# --- scalars (YAML 1.2 core schema, the subset the language uses) -----------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")

_UNSEEN = object()

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar: null, bool, decimal int or float, else the text."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            try:
                return int(text)
            except ValueError:  # more digits than Python converts (4300): past any float too
                return float(text)
        if _FLOAT.match(text):
            return float(text)
    return text


def _scalar_value(event: ScalarEvent) -> Any:
    tag = event.tag
    if tag is not None and tag not in ("!", "tag:yaml.org,2002:str"):
        if tag not in _CORE_TAGS:
            raise _tag_problem(tag, event)
        return resolve_plain(event.value)
    if not event.style and tag is None:  # libyaml marks plain scalars with style ''
        return resolve_plain(event.value)
    return event.value


def _tag_problem(tag: str, event: Any) -> InputProblem:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    mark = event.start_mark
    return InputProblem(
        "INP004",
        f"the YAML tag '{shown}' is refused: tags can build objects or run code, and a design "
        f"is plain data (maps, lists, strings, numbers, true/false)",
        mark.line,
        mark.column,
        hint=f"remove '{shown}' and write the value as plain YAML",
    )


# --- the tree builder ---------------------------------------------------------------

class _PlainLoader(yaml.CSafeLoader):
    """libyaml's parser with no implicit resolvers: we resolve scalars ourselves."""

    # A registry PyYAML keeps per class; the stubs call it an instance variable.
    yaml_implicit_resolvers: ClassVar[dict[str, Any]] = {}  # type: ignore[misc]


def _collection_tag_check(event: Any) -> None:
    tag = event.tag
    if tag is not None and tag not in _CORE_TAGS:
        raise _tag_problem(tag, event)


def parse_yaml(text: str, limits: Limits) -> tuple[Any, MarkNode | None]:
    """YAML text -> (plain data, marks). Raises InputProblem for anything invalid."""
    return _parse(text, limits, stream=False)[0]


def parse_places(text: str, limits: Limits) -> tuple[Any, Place | None]:
    """`parse_yaml` keeping the compact places (see `Place`) instead of the full marks:
    what `locate_place` needs, at half the memory. The same checks and problems."""
    return _parse(text, limits, stream=False, full=False)[0]


def parse_yaml_stream(text: str, limits: Limits) -> list[tuple[Any, MarkNode | None]]:
    """Every document of a YAML stream, with merge keys (`<<: *defaults`) applied, under
    the same limits: for the inputs of `archlint import` (Kubernetes streams, Compose
    files with `x-` anchors). Designs stay one document without merge keys."""
    return _parse(text, limits, stream=True)


def _parse(text: str, limits: Limits, stream: bool, full: bool = True) -> list[tuple[Any, Any]]:
    loader = _PlainLoader(text)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building many small containers; the collector would rescan them all
    try:
        # The fast builder swaps names in PyYAML's C module for the parse: only when no
        # other thread could be parsing YAML meanwhile (the CLI and its workers; an
        # application embedding archlint with threads takes the general loop).
        if not full and not stream and threading.active_count() == 1:
            try:
                return [_build_places(loader, limits)]
            except _Unusual:  # the general loop, from the start, says what it is
                loader.dispose()
                loader = _PlainLoader(text)
        return _build(loader, limits, stream, _line_bound(text) if full else 0, full)
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, text, limits) from None
    except yaml.YAMLError as error:
        raise _reader_problem(error, text) from None
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()


def _line_bound(text: str) -> int:
    """More than the largest line number libyaml can report in `text`: it breaks lines
    at \\n, \\r, \\r\\n, U+0085, U+2028 and U+2029 (\\r\\n counted twice here), and
    places the end of a file without a final break one line past the last."""
    return sum(text.count(mark) for mark in ("\n", "\r", "\x85", "\u2028", "\u2029")) + 2


# Frame slots: the container, its child marks, whether it is a map, the pending key
# (None while a map waits for its next key), that key's line and column, the
# collection's own line and column, its anchor, and its size in nodes. In the compact
# form (`full` False) the key's line slot holds the key's place, the collection's line
# slot its own place, and the column slots are unused.
_CONTAINER, _CHILDREN, _IS_MAP, _KEY, _KEY_LINE, _KEY_COL, _LINE, _COL, _ANCHOR, _SIZE = range(10)


def _build(loader: Any, limits: Limits, stream: bool, line_count: int,
           full: bool = True) -> list[tuple[Any, Any]]:
    """One pass over the events, written for speed: this loop sees every node. Without
    `stream`, one document and no merge keys; with it, every document, merges applied.
    `line_count` bounds the line numbers marks hold (one past the last line). `full`:
    MarkNode trees; else the compact places (see `Place`), never with `stream`."""
    assert full or not stream, "merge keys rewrite full marks only"
    get_event = loader.get_event
    stack: list[list[Any]] = []
    frame: list[Any] | None = None
    anchors: dict[str, tuple[Any, Any, int]] = {}  # value, marks (or compact children), size
    root: Any = None
    root_marks: Any = None
    documents = 0
    expanded = 0
    finished: list[tuple[Any, MarkNode | None]] = []
    max_depth, max_items, max_key = limits.max_depth, limits.max_list_items, limits.max_key_length
    # Each distinct plain scalar is resolved once and its value shared by every repeat
    # (a 10k-component design has 305k scalars, 29k distinct): fewer calls, and one
    # object per distinct string in memory. Keys are interned for the same reason.
    plain: dict[str, Any] = {}
    intern = sys.intern
    # One int object per line, shared by every mark on it (a key, its value's start and
    # end): past 256, Python makes a new int each time a mark's line is read.
    rows = list(range(line_count))
    place = 0  # the compact form's place of the node just finished
    marks: Any = None  # its marks: a MarkNode, or in the compact form its children

    while True:
        event = get_event()
        if event is None:
            break
        cls = event.__class__
        if frame is not None and frame[_IS_MAP] and frame[_KEY] is None and cls is not MappingEndEvent:
            if cls is ScalarEvent and event.tag is None:  # the common case, inline
                key = event.value
                if len(key) <= max_key and key not in frame[_CONTAINER]:
                    mark = event.start_mark
                    if full:
                        frame[_KEY], frame[_KEY_LINE], frame[_KEY_COL] = intern(key), rows[mark.line], mark.column
                    else:
                        frame[_KEY], frame[_KEY_LINE] = intern(key), mark.line << PLACE_BITS | mark.column
                    continue
            _take_key(event, frame, max_key, full)  # anything else: check it and say what is wrong
            continue
        if cls is ScalarEvent:
            if not event.style and event.tag is None:  # libyaml marks plain scalars with style ''
                text = event.value
                value = plain.get(text, _UNSEEN)
                if value is _UNSEEN:
                    value = plain[text] = resolve_plain(text)
            else:
                value = _scalar_value(event)
            start = event.start_mark
            if full:
                end = event.end_mark
                marks = (rows[start.line], start.column, rows[end.line], end.column, None)
            else:
                marks, place = None, start.line << PLACE_BITS | start.column
            size = 1
            if event.anchor:
                anchors[event.anchor] = (value, marks, 1)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.tag is not None:
                _collection_tag_check(event)
            if len(stack) >= max_depth:
                mark = event.start_mark
                raise InputProblem(
                    "INP005",
                    f"nesting is deeper than {max_depth} levels (limit max-depth)",
                    mark.line,
                    mark.column,
                    hint="a design needs a few levels; raise limits.max-depth if this is intended",
                )
            start = event.start_mark
            is_map = cls is MappingStartEvent
            frame = [{} if is_map else [], {} if is_map and full else [], is_map, None, 0, 0,
                     rows[start.line] if full else start.line << PLACE_BITS | start.column, start.column,
                     event.anchor, 1]
            stack.append(frame)
            continue
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            done = stack.pop()
            frame = stack[-1] if stack else None
            if stream and done[_IS_MAP] and "<<" in done[_CONTAINER]:
                _apply_merge(done)
            value = done[_CONTAINER]
            if full:
                end = event.end_mark
                marks = (done[_LINE], done[_COL], rows[end.line], end.column, done[_CHILDREN])
            else:
                marks, place = done[_CHILDREN], done[_LINE]
                if done[_IS_MAP]:  # entries in key order: a tuple, or a dict for a large map
                    marks = tuple(marks) if len(marks) <= SMALL_MAP else dict(zip(value, marks))
            size = done[_SIZE]
            if done[_ANCHOR]:
                anchors[done[_ANCHOR]] = (value, marks, size)
        elif cls is AliasEvent:
            target = anchors.get(event.anchor)
            mark = event.start_mark
            if target is None:
                raise InputProblem(
                    "INP002",
                    f"the alias *{event.anchor} refers to no anchor defined before it "
                    f"(an anchor cannot contain its own alias)",
                    mark.line,
                    mark.column,
                )
            value, target_marks, size = target
            expanded += size
            if expanded > limits.max_aliases:
                raise InputProblem(
                    "INP005",
                    f"aliases expand to more than {limits.max_aliases:,} nodes (limit max-aliases); "
                    f"this looks like an alias bomb",
                    mark.line,
                    mark.column,
                    hint="write the values out, or raise limits.max-aliases if this is intended",
                )
            # The alias's own place, the anchor's structure below it.
            if full:
                end = event.end_mark
                marks = (mark.line, mark.column, end.line, end.column, target_marks[4])
            else:
                marks, place = target_marks, mark.line << PLACE_BITS | mark.column
        else:
            if stream:
                if cls is DocumentEndEvent:
                    finished.append((root, root_marks))
                    root, root_marks, anchors = None, None, {}  # anchors do not cross documents
                continue
            if cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise InputProblem(
                        "INP002",
                        "a design file holds one YAML document, but a second one starts here",
                        mark.line,
                        mark.column,
                        hint="remove the '---' separator, or put the second design in its own file",
                    )
            continue
        # Attach the finished node to its parent.
        if frame is None:
            root, root_marks = value, (marks if full else place if marks is None else (place, marks))
        elif frame[_IS_MAP]:
            key = frame[_KEY]
            frame[_CONTAINER][key] = value
            if full:
                frame[_CHILDREN][key] = (frame[_KEY_LINE], frame[_KEY_COL], marks)
            else:
                frame[_CHILDREN].append(frame[_KEY_LINE] if marks is None else (frame[_KEY_LINE], marks))
            frame[_KEY] = None
            frame[_SIZE] += size
        else:
            container = frame[_CONTAINER]
            if len(container) >= max_items:
                mark = event.start_mark
                raise InputProblem(
                    "INP005",
                    f"a list has more than {max_items:,} items (limit max-list-items)",
                    mark.line,
                    mark.column,
                    hint="split the list, or raise limits.max-list-items in the configuration",
                )
            container.append(value)
            if full:
                frame[_CHILDREN].append(marks)
            else:
                frame[_CHILDREN].append(place if marks is None else (place, marks))
            frame[_SIZE] += size
    return finished if stream else [(root, root_marks)]


class _Unusual(Exception):
    """Raised by `_build_places` at anything outside its common case."""


_HANDLED = object()  # what `_build_places`' handlers give `get_event` instead of an event
# The event classes PyYAML's C parser looks up in its module as it builds each event.
_HANDLED_EVENTS = ("ScalarEvent", "MappingStartEvent", "MappingEndEvent", "SequenceStartEvent",
                   "SequenceEndEvent", "AliasEvent", "DocumentStartEvent", "StreamStartEvent", "StreamEndEvent",
                   "DocumentEndEvent")


def _build_places(loader: Any, limits: Limits) -> tuple[Any, Place | None]:
    """`_build` with the compact places, for the common case only: one document of maps,
    lists and untagged scalars without anchors or aliases, within the limits, each key a
    new untagged scalar. Anything else raises `_Unusual` at its first event, before which
    `_build` would have found nothing to report either, so the caller runs `_build` over
    the text instead and gets the same data, places and problems.

    Why it is faster (about 0.45 of `_build`'s time over libyaml, 40% of the whole parse of
    design-50k): PyYAML's C parser makes each event by calling the class it finds in its
    module (`yaml._yaml.ScalarEvent`, ...), a Python class whose `__init__` is a Python
    call. For this one parse those names are our handlers, which build the node in place
    of the event and return `_HANDLED`: no event object, and no dispatch on its class. The
    names are restored before this returns; a PyYAML that does not build its events this
    way gives us its events, which raise `_Unusual`."""
    max_depth, max_items, max_key = limits.max_depth, limits.max_list_items, limits.max_key_length
    plain: dict[str, Any] = {}  # each distinct plain scalar resolved once, as `_build` does
    intern = sys.intern
    stack: list[tuple[Any, ...]] = []
    # The open collection: its container, its children's entries, whether it is a map,
    # the pending key and its place, the collection's own place. At the top, a list that
    # takes the document's root as its one item.
    top: list[Any] = []
    top_entries: list[Place] = []
    container: Any = top
    entries: list[Place] = top_entries
    is_map = False
    key: str | None = None
    key_place = own = 0

    def scalar(anchor: Any, tag: Any, implicit: Any, value: str, start: Any, end: Any, style: Any) -> object:
        nonlocal key, key_place
        if tag is not None or anchor is not None:
            raise _Unusual
        if is_map:
            if key is None:
                if len(value) > max_key or value in container:
                    raise _Unusual
                key = intern(value)
                key_place = start.line << PLACE_BITS | start.column
                return _HANDLED
            if not style:  # libyaml marks plain scalars with style ''
                resolved = plain.get(value, _UNSEEN)
                if resolved is _UNSEEN:
                    resolved = plain[value] = resolve_plain(value)
                value = resolved
            container[key] = value
            entries.append(key_place)
            key = None
            return _HANDLED
        if len(container) >= max_items:
            raise _Unusual
        if not style:
            resolved = plain.get(value, _UNSEEN)
            if resolved is _UNSEEN:
                resolved = plain[value] = resolve_plain(value)
            value = resolved
        container.append(value)
        entries.append(start.line << PLACE_BITS | start.column)
        return _HANDLED

    def open_map(anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow_style: Any) -> object:
        nonlocal container, entries, is_map, key, own
        if tag is not None or anchor is not None or len(stack) >= max_depth or (is_map and key is None):
            raise _Unusual
        stack.append((container, entries, is_map, key, key_place, own))
        container, entries, is_map, key, own = {}, [], True, None, start.line << PLACE_BITS | start.column
        return _HANDLED

    def open_list(anchor: Any, tag: Any, implicit: Any, start: Any, end: Any, flow_style: Any) -> object:
        nonlocal container, entries, is_map, key, own
        if tag is not None or anchor is not None or len(stack) >= max_depth or (is_map and key is None):
            raise _Unusual
        stack.append((container, entries, is_map, key, key_place, own))
        container, entries, is_map, key, own = [], [], False, None, start.line << PLACE_BITS | start.column
        return _HANDLED

    def close(start: Any, end: Any) -> object:
        nonlocal container, entries, is_map, key, key_place, own
        value, place = container, own
        done: Place = entries
        if is_map:  # entries in key order: a tuple, or a dict for a large map (see `Place`)
            done = tuple(entries) if len(entries) <= SMALL_MAP else dict(zip(value, entries))
        container, entries, is_map, key, key_place, own = stack.pop()
        if is_map:
            container[key] = value
            entries.append((key_place, done))
            key = None
            return _HANDLED
        if len(container) >= max_items:
            raise _Unusual
        container.append(value)
        entries.append((place, done))
        return _HANDLED

    def alias(anchor: Any, start: Any, end: Any) -> object:
        raise _Unusual

    documents = 0

    def document(*_event: Any) -> object:
        nonlocal documents
        documents += 1
        if documents > 1:
            raise _Unusual
        return _HANDLED

    def other(*_event: Any) -> object:  # the stream's start and end, the document's end
        return _HANDLED

    module = yaml._yaml
    handlers = (scalar, open_map, close, open_list, close, alias, document, other, other, other)
    saved = [getattr(module, name) for name in _HANDLED_EVENTS]
    for name, handler in zip(_HANDLED_EVENTS, handlers):
        setattr(module, name, handler)
    try:
        # Every event is handled as it is made, and what the handlers return is gathered
        # in a set, by C code, not looked at one by one. Anything there but `_HANDLED`
        # means this PyYAML builds its events some other way: the general loop reads the text.
        if set(iter(loader.get_event, None)) != {_HANDLED}:
            raise _Unusual
    finally:
        for name, saved_class in zip(_HANDLED_EVENTS, saved):
            setattr(module, name, saved_class)
    if not top:
        return None, None
    return top[0], top_entries[0]


def _apply_merge(frame: list[Any]) -> None:
    """YAML's merge key: `<<: *base` or `<<: [*a, *b]` adds the keys of those maps that
    the map does not set itself (an earlier map wins over a later one). The merged maps
    are copied, never changed: an anchor is shared by every alias to it."""
    container, children = frame[_CONTAINER], frame[_CHILDREN]
    sources = container["<<"]
    key_line, key_col, source_marks = children["<<"]
    if isinstance(sources, dict):
        pairs = [(sources, source_marks[4])]
    elif isinstance(sources, list) and all(isinstance(item, dict) for item in sources):
        pairs = list(zip(sources, [item[4] for item in source_marks[4]]))
    else:
        raise InputProblem("INP011", "a merge key '<<' takes a map or a list of maps (usually aliases: <<: *name)",
                           key_line, key_col)
    merged: dict[str, Any] = {}
    merged_marks: dict[str, Any] = {}
    for key, value in container.items():
        if key != "<<":
            merged[key] = value
            merged_marks[key] = children[key]
    for source, marks in pairs:
        for key, value in source.items():
            if key not in merged:
                merged[key] = value
                merged_marks[key] = marks[key]
    frame[_CONTAINER], frame[_CHILDREN] = merged, merged_marks


def _take_key(event: Any, frame: list[Any], max_key: int, full: bool = True) -> None:
    mark = event.start_mark
    if event.__class__ is not ScalarEvent:
        what = "an alias" if event.__class__ is AliasEvent else "a list or a map"
        raise InputProblem(
            "INP011",
            f"a key must be a plain string, not {what}",
            mark.line,
            mark.column,
        )
    if event.tag is not None and event.tag not in _CORE_TAGS:
        raise _tag_problem(event.tag, event)
    key = event.value
    if len(key) > max_key:
        raise InputProblem(
            "INP005",
            f"a key is {len(key):,} characters long, above the {max_key:,} limit (limit max-key-length)",
            mark.line,
            mark.column,
        )
    if key in frame[_CONTAINER]:
        children = frame[_CHILDREN]
        first = children[key] if full else children[list(frame[_CONTAINER]).index(key)]
        first_line = first[0] if full else _place_of(first) >> PLACE_BITS
        raise InputProblem(
            "INP003",
            f"duplicate key '{key}' (first set on line {first_line + 1}); YAML would silently keep "
            f"only the last one",
            mark.line,
            mark.column,
            hint=f"merge the two '{key}' entries into one",
        )
    frame[_KEY] = key
    if full:
        frame[_KEY_LINE] = mark.line
        frame[_KEY_COL] = mark.column
    else:
        frame[_KEY_LINE] = mark.line << PLACE_BITS | mark.column


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, limits: Limits) -> InputProblem:
    mark = error.problem_mark or error.context_mark
    line, column = _within(text, mark.line, mark.column) if mark is not None else (0, 0)
    problem = (error.problem or "invalid YAML").strip()
    if "\t" in problem or "'\\t'" in problem or _tab_at(text, line, column):
        return InputProblem(
            "INP002",
            "a tab character is used for indentation; YAML indents with spaces only",
            line,
            column,
            hint="replace the tab with spaces",
        )
    if "nesting depth" in problem:  # libyaml's own guard, hit while scanning ahead
        if limits.max_depth < PARSER_MAX_DEPTH:
            message = f"nesting is deeper than {limits.max_depth} levels (limit max-depth)"
        else:
            message = (f"nesting is deeper than {PARSER_MAX_DEPTH:,} levels, the most the YAML parser reads "
                       f"(limit max-depth cannot raise it further)")
        return InputProblem("INP005", message, line, column)
    long_key = _long_key_at(text, line, column)
    if long_key is not None:
        length, start = long_key
        limit = min(limits.max_key_length, YAML_MAX_KEY_LENGTH)
        return InputProblem(
            "INP005",
            f"a key is {length:,} characters long, above the {limit:,} limit (limit max-key-length)",
            line,
            start,
            hint="shorten the key; YAML reads keys of at most 1,024 characters",
        )
    context = f" {error.context.strip()}" if error.context else ""
    explained = _explain_syntax(problem, text, line, column)
    if explained is not None:
        return explained
    where = ""
    if error.context_mark is not None and error.problem_mark is not None and error.context_mark.line != line:
        where = f" (line {error.context_mark.line + 1})"
    return InputProblem("INP002", f"YAML syntax error: {problem}{context}{where}", line, column)


# --- YAML traps, said in plain words ------------------------------------------------------


def _explain_syntax(problem: str, text: str, line: int, column: int) -> InputProblem | None:
    """The syntax errors every new user meets, explained: a '{' inside an unquoted value
    of a { } map, a second ': ' in a value, and indentation that lines up with nothing.
    None leaves libyaml's own words."""
    rows = text.split("\n")
    if line >= len(rows):
        return None
    row = rows[line].rstrip("\r")
    if problem.startswith("did not find expected ','") and column < len(row) and row[column] in "{[":
        return _brace_in_value(row, line, column)
    if problem.startswith("mapping values are not allowed"):
        before = row[:column]
        key_at = _key_colon(before)
        if key_at is not None:
            key, value = before[:key_at].strip().lstrip("- ").strip(), row[key_at + 1:].strip()
            return InputProblem(
                "INP002", f"YAML syntax error: a second ': ' on one line: the value of '{key}' holds a colon "
                          f"followed by a space, which starts a key", line, column,
                hint=f'quote the text: a colon followed by a space starts a key, so write {key}: "{_escaped(value)}"')
        return _deeper_than_value(rows, line)
    if problem.startswith(("did not find expected key", "did not find expected '-'", "expected <block end>")):
        return _misaligned(rows, line)
    return None


def _key_colon(text: str) -> int | None:
    """Where the first `key: ` colon of a line is, outside quotes; None without one."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return None
        elif char == ":" and index + 1 < len(text) and text[index + 1] in " \t":
            return index
    return None


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _brace_in_value(row: str, line: int, column: int) -> InputProblem:
    """`apis: [{endpoint: GET /{code}, served_by: api}]`: inside { } or [ ], a plain
    value ends at a brace, bracket or comma, so the '{' opens a map YAML did not expect."""
    colon = row.rfind(": ", 0, column)
    key_start = max(row.rfind(c, 0, max(colon, 0)) for c in "{[, ") + 1
    key = row[key_start:colon].strip() if colon >= 0 else ""
    end, depth = max(colon + 2, 0), 0
    while end < len(row):
        char = row[end]
        if char in "{[":
            depth += 1
        elif char in "}]":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            break
        end += 1
    value = row[colon + 2:end].strip() if colon >= 0 else ""
    what = f"the value of '{key}' is not quoted, so" if key else "an unquoted value ends here:"
    hint = "quote the value"
    if key and value:
        hint += f', as in {key}: "{_escaped(value)}"'
    return InputProblem(
        "INP002", f"YAML syntax error: '{row[column]}' inside {{ }} or [ ]: {what} YAML ends it at the "
                  f"'{row[column]}' (a plain value in {{ }} or [ ] ends at a brace, a bracket or a comma)",
        line, column, hint=hint)


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _key_of(row: str) -> str:
    text = row.strip()
    colon = _key_colon(text + " ")
    return (text[:colon] if colon is not None else text).lstrip("- ").strip()


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _content(row: str) -> bool:
    stripped = row.strip()
    return bool(stripped) and not stripped.startswith("#")


def _deeper_than_value(rows: list[str], line: int) -> InputProblem | None:
    """A line indented past a `key: value` line above it: YAML reads it as more of
    that value, then trips on its colon."""
    above = next((index for index in range(line - 1, -1, -1) if _content(rows[index])), None)
    row = rows[line].rstrip("\r")
    if above is None or _indent(row) <= _indent(rows[above]):
        return None
    previous = rows[above].rstrip("\r")
    colon = _key_colon(previous)
    if colon is None or not previous[colon + 1:].strip():
        return None
    # Line numbers are left out of the text: in Markdown they would be the block's own.
    return InputProblem(
        "INP002", f"wrong indentation: this line is indented {_spaces(_indent(row))}, more than "
                  f"'{previous.strip()}' above it ({_indent(previous)}), so YAML reads it as more of that value",
        line, _indent(row),
        hint=f"indent it like the other keys of its map ({_spaces(_indent(previous))}, as '{_key_of(previous)}'); "
             f"if it really belongs to that value, quote the whole value")


def _misaligned(rows: list[str], line: int) -> InputProblem | None:
    """A key whose indentation matches no open map above it."""
    row = rows[line].rstrip("\r")
    if not _content(row):
        return None
    own = _indent(row)
    candidates: list[tuple[int, int]] = []  # (indent, line) of the enclosing keys, innermost first
    for index in range(line - 1, -1, -1):
        if not _content(rows[index]):
            continue
        indent = _indent(rows[index])
        if not candidates or indent < candidates[-1][0]:
            candidates.append((indent, index))
        if indent == 0:
            break
    if not candidates or any(indent == own for indent, _ in candidates):
        return None
    listed = ", ".join(f"{indent} ('{_key_of(rows[index])}')" for indent, index in candidates)
    return InputProblem(
        "INP002", f"wrong indentation: this line is indented {_spaces(own)}, which lines up with no key above it: "
                  f"the keys it could sit beside start at {listed} spaces",
        line, own,
        hint="indent a key exactly as far as the other keys of its map: YAML reads the indentation as the structure")


def _long_key_at(text: str, line: int, column: int) -> tuple[int, int] | None:
    """(length, start column) of the key ending at a syntax error's ':' when it is longer
    than YAML allows (libyaml then reports a puzzling syntax error instead)."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
    end = text.find("\n", start)
    row = text[start:] if end < 0 else text[start:end]
    if column >= len(row) or row[column] != ":" or column <= YAML_MAX_KEY_LENGTH:
        return None
    key_start = max(row.rfind(c, 0, column) for c in "{[,") + 1
    while key_start < column and row[key_start] in " -?":
        key_start += 1
    key = row[key_start:column].rstrip()
    if len(key) > 1 and key[0] == key[-1] and key[0] in "'\"":
        key = key[1:-1]
    return (len(key), key_start) if len(key) > YAML_MAX_KEY_LENGTH else None


def _within(text: str, line: int, column: int) -> tuple[int, int]:
    """A place inside the text. At the end of a file with no final newline, libyaml
    reports the line after the last one, which an editor cannot jump to."""
    last = text.count("\n")
    if line > last:
        return last, len(text) - (text.rfind("\n") + 1)
    return line, column


def _tab_at(text: str, line: int, column: int) -> bool:
    """Whether the line of a syntax error is indented with a tab."""
    rows = text.split("\n")
    if line >= len(rows):
        return False
    row = rows[line]
    indent = row[: len(row) - len(row.lstrip(" \t"))]
    return "\t" in indent and column <= len(indent)


def _reader_problem(error: yaml.YAMLError, text: str) -> InputProblem:
    position = getattr(error, "position", None)
    line, column = _line_col(text, position) if isinstance(position, int) else (0, 0)
    character = getattr(error, "character", None)
    if isinstance(character, int):
        character = chr(character)
    if isinstance(character, str) and character:
        message = (
            f"the file contains the character U+{ord(character):04X}, which YAML does not allow "
            f"(control characters are refused)"
        )
    else:
        message = f"the file cannot be read as YAML text: {getattr(error, 'reason', error)}"
    hint = "remove the character or write it as an escape in a quoted string"
    return InputProblem("INP001", message, line, column, hint=hint)


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return line, index - start


# --- files ------------------------------------------------------------------------------

def read_source(path: str, limits: Limits, display: str | None = None) -> Source:
    """Read one file into a Source: decoded text and its designs, each parsed (with the
    compact places, `Block.places`) or with a problem."""
    return parse_source(read_raw(path, limits, display), limits)


def read_raw(path: str, limits: Limits, display: str | None = None) -> Source:
    """The first half of `read_source`: a Source holding the file's bytes in `raw`, not
    yet decoded, or the problem that kept them from being read."""
    name = display or path
    is_markdown = path.lower().endswith(MARKDOWN_SUFFIXES)
    source = Source(name=name, is_markdown=is_markdown)
    try:
        size = os.stat(path).st_size
        raw = None
        if size <= limits.max_file_size:
            with open(path, "rb") as handle:
                raw = _read_at_most(handle, size, limits.max_file_size)
    except OSError as error:
        source.problem = Finding(
            "INP001", "error", f"the file cannot be read: {error.strerror or error}", file=name, line=1, column=1
        )
        return source
    if raw is None:
        source.problem = Finding(
            "INP005",
            "error",
            f"the file is {format_size(size)}, above the {format_size(limits.max_file_size)} limit "
            f"(limit max-file-size)" if size > limits.max_file_size else
            f"the file holds more than the {format_size(limits.max_file_size)} limit (limit max-file-size)",
            hint="split the design, or raise limits.max-file-size in the configuration",
            file=name,
            line=1,
            column=1,
        )
        return source
    source.raw = raw
    return source


def parse_source(source: Source, limits: Limits) -> Source:
    """The second half of `read_source`: decode `raw` (dropped then) and parse the designs."""
    raw, source.raw = source.raw, None
    if source.problem is not None or raw is None:
        return source
    text, problem = decode(raw)
    if problem is not None:
        source.problem = problem.__class__(
            problem.code, problem.severity, problem.message, hint=problem.hint,
            file=source.name, line=problem.line, column=problem.column,
        )
        return source
    return _fill(source, text, limits, full=False)


def source_from_text(text: str, name: str, is_markdown: bool, limits: Limits) -> Source:
    """A Source from text already in memory (an editor's buffer): the same checks and
    blocks as `read_source`, from the text instead of the file's bytes, with the full
    marks (`Block.marks`) the language server reads."""
    source = Source(name=name, is_markdown=is_markdown)
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_file_size:
        source.problem = Finding(
            "INP005", "error",
            f"the file is {format_size(size)}, above the {format_size(limits.max_file_size)} limit "
            f"(limit max-file-size)",
            hint="split the design, or raise limits.max-file-size in the configuration", file=name, line=1, column=1,
        )
        return source
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_col(text, nul)
        source.problem = Finding(
            "INP001", "error", f"the file contains a NUL byte at character offset {nul}; design files are text",
            file=name, line=line + 1, column=column + 1,
        )
        return source
    return _fill(source, text.removeprefix("\ufeff"), limits, full=True)


def _fill(source: Source, text: str, limits: Limits, full: bool) -> Source:
    """Split the text into blocks and parse them; `full`: keep the full marks (the
    language server reads them), else the compact places (`check` needs no more)."""
    source.text = text
    if source.is_markdown:
        lines = text.split("\n")
        for index, fence in enumerate(find_fences(text)):
            block = Block(index, fence.text, fence.first_line, fence.indent, fence.close_line, sketch=fence.sketch,
                          prefix=lines[fence.open_line][:fence.indent])
            _parse_block(block, limits, "the archlint block", full)
            source.blocks.append(block)
    else:
        block = Block(0, text)
        _parse_block(block, limits, "the file", full)
        source.blocks.append(block)
    return source


def _read_at_most(handle: Any, size: int, limit: int) -> bytes | None:
    """The file's bytes, or None past `limit`. `size` (from stat) sizes the one read a
    regular file needs; a pipe or a device reports 0, so it is read in chunks."""
    raw = handle.read(size + 1)  # one byte more notices a file that grew since stat
    if len(raw) > size:
        chunks = [raw]
        total = len(raw)
        while total <= limit:
            chunk = handle.read(min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        raw = b"".join(chunks)
    return None if len(raw) > limit else raw


# Byte-order marks of the encodings people save by mistake; UTF-32's first, since
# UTF-32LE's starts with UTF-16LE's.
_WIDE_BOMS = (((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "UTF-32"), ((b"\xff\xfe", b"\xfe\xff"), "UTF-16"))


def decode(raw: bytes) -> tuple[str, Finding | None]:
    """Bytes -> text. UTF-8 only (a UTF-8 BOM is dropped); NUL bytes are refused."""
    for boms, encoding in _WIDE_BOMS:
        if raw.startswith(boms):
            return "", Finding(
                "INP001", "error", f"the file is {encoding} encoded; design files must be UTF-8",
                hint="save the file as UTF-8", line=1, column=1,
            )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8", errors="replace")
        line, column = _line_col(good, len(good))
        return "", Finding(
            "INP001", "error",
            f"the file is not valid UTF-8: byte 0x{raw[error.start]:02x} at byte offset {error.start}",
            hint="save the file as UTF-8", line=line + 1, column=column + 1,
        )
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_col(text, nul)
        return "", Finding(
            "INP001", "error", f"the file contains a NUL byte at character offset {nul}; design files are text",
            line=line + 1, column=column + 1,
        )
    return text, None


def _parse_block(block: Block, limits: Limits, what: str, full: bool) -> None:
    if not block.text.strip():
        block.problem = InputProblem(
            "INP001", f"{what} is empty; a design needs at least 'archlint', 'name' and 'components'"
        )
        return
    try:
        if full:
            block.data, block.marks = parse_yaml(block.text, limits)
        else:
            block.data, block.places = parse_places(block.text, limits)
    except InputProblem as problem:
        block.problem = problem
        return
    if block.data is None:
        block.problem = InputProblem(
            "INP001", f"{what} holds only comments; a design needs at least 'archlint', 'name' and 'components'"
        )


# --- paths -> places ----------------------------------------------------------------------

def locate(data: Any, marks: MarkNode, path: Path) -> tuple[int, int]:
    """0-based place of `path`: a key's place for map entries, the item's for list items.

    Walks data and marks together so that an edge named by id finds its list item
    (`calls: [db]` or `calls: [{db: {...}}]`). Stops at the nearest present ancestor.
    The root (`$`) is the document's first key."""
    node = marks
    children = node[4]
    if isinstance(children, dict) and children:
        first = next(iter(children.values()))
        place = (first[0], first[1])
    elif isinstance(children, list) and children:
        place = (children[0][0], children[0][1])
    else:
        place = (node[0], node[1])
    value = data
    for segment in path:
        children = node[4]
        if isinstance(children, dict) and isinstance(segment, str) and segment in children:
            key_line, key_col, node = children[segment]
            place = (key_line, key_col)
            value = value[segment]
        elif isinstance(children, list) and isinstance(value, list):
            if isinstance(segment, int):
                if not 0 <= segment < len(children):
                    break
                node = children[segment]
                value = value[segment]
                place = (node[0], node[1])
                continue
            for item, item_marks in zip(value, children):
                if item == segment:
                    node, value = item_marks, item
                    place = (node[0], node[1])
                    break
                if isinstance(item, dict) and segment in item and isinstance(item_marks[4], dict):
                    key_line, key_col, node = item_marks[4][segment]
                    value = item[segment]
                    place = (key_line, key_col)
                    break
            else:
                break
        else:
            break
    return place


def _place_of(entry: Place) -> int:
    return entry if entry.__class__ is int else entry[0]


def _split(entry: Place) -> tuple[tuple[int, int], Any]:
    """A compact entry -> ((line, column), its children or None)."""
    if entry.__class__ is int:
        return (entry >> PLACE_BITS, entry & _COLUMN_MASK), None
    return (entry[0] >> PLACE_BITS, entry[0] & _COLUMN_MASK), entry[1]


def _key_entry(children: Any, value: Any, key: str) -> Place | None:
    """The entry of `key` in a map's compact children (`value`: the map's data), or None."""
    if children.__class__ is dict:
        return children.get(key)
    for index, name in enumerate(value):  # a small map: entries in the order of its keys
        if name == key:
            return children[index]
    return None


def locate_place(data: Any, root: Place, path: Path) -> tuple[int, int]:
    """`locate` over the compact places of `parse_places`: the same walk, the same answers."""
    place, children = _split(root)
    if isinstance(children, dict) and children:
        place = _split(next(iter(children.values())))[0]
    elif isinstance(children, (list, tuple)) and children:
        place = _split(children[0])[0]
    value = data
    for segment in path:
        entry = None
        if isinstance(children, (dict, tuple)) and isinstance(segment, str) and isinstance(value, dict):
            entry = _key_entry(children, value, segment)
        if entry is not None:
            place, children = _split(entry)
            value = value[segment]
        elif isinstance(children, list) and isinstance(value, list):
            if isinstance(segment, int):
                if not 0 <= segment < len(children):
                    break
                place, children = _split(children[segment])
                value = value[segment]
                continue
            for item, entry in zip(value, children):
                if item == segment:
                    place, children = _split(entry)
                    value = item
                    break
                item_children = _split(entry)[1]
                if isinstance(item, dict) and segment in item and isinstance(item_children, (dict, tuple)):
                    place, children = _split(_key_entry(item_children, item, segment))
                    value = item[segment]
                    break
            else:
                break
        else:
            break
    return place
