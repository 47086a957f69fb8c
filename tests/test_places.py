"""The compact places `check` keeps for a file place every path where the full marks
(which the language server keeps) place it: findings land on the same line and column
whichever form a design was read with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from archlint.input.load import (
    Limits,
    locate,
    locate_place,
    parse_places,
    parse_yaml,
    read_source,
    source_from_text,
)

TRICKY = """\
a:
  b: [x, {y: 1}]
  c: &shared
    d: 2
  e: *shared
  f:
    - id: one
    - {two: {z: 3}}
    - 7
  g: {}
  h: []
  big: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: [x]}
"""


def test_places_by_hand():
    data, places = parse_places(TRICKY, Limits())
    at = lambda *path: locate_place(data, places, path)  # noqa: E731
    assert at() == (0, 0)  # the root: its first key
    assert at("a") == (0, 0)
    assert at("a", "b") == (1, 2)  # a map entry: its key
    assert at("a", "b", "x") == (1, 6)  # a list item equal to the segment
    assert at("a", "b", "y") == (1, 10)  # a list item keyed by it: the key
    assert at("a", "b", 1) == (1, 9)  # an index: the item's start
    assert at("a", "b", 5) == (1, 2)  # no such item: the list's key
    assert at("a", "e") == (4, 2)
    assert at("a", "e", "d") == (3, 4)  # through an alias: the anchor's keys
    assert at("a", "f", "two", "z") == (7, 13)
    assert at("a", "f", 2) == (8, 6)
    assert at("a", "g", "nothing") == (9, 2)
    assert at("a", "h", 0) == (10, 2)
    assert at("zzz") == (0, 0)
    # A map past SMALL_MAP keys keeps a dict: each "kN: N, " is 7 characters from column 8.
    assert at("a", "big", "k5") == (11, 8 + 5 * 7)
    assert at("a", "big", "k9", 0) == (11, 8 + 9 * 7 + 5)
    assert at("a", "big", "k10") == (11, 2)


def test_a_root_without_keys_is_placed_at_its_start():
    data, places = parse_places("  []\n", Limits())
    assert locate_place(data, places, ("x",)) == (0, 2)
    data, places = parse_places("# a comment\n  just text\n", Limits())
    assert locate_place(data, places, ()) == (1, 2)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `value`, each list item also by its text or its keys, and one
    segment too many at each leaf (the nearest present ancestor)."""
    found = [path, (*path, "absent"), (*path, 99)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
            if isinstance(item, str):
                found.append((*path, item))
            elif isinstance(item, dict):
                for key, inner in item.items():
                    found += _paths(inner, (*path, key))
    return found


def _designs() -> list[Path]:
    return sorted((ROOT / "examples").glob("*.arch.yaml")) + [ROOT / "examples" / "rfc-order-service.md"]


@pytest.mark.parametrize("path", _designs(), ids=lambda path: path.name)
def test_places_agree_with_the_full_marks_on_every_path(path):
    compact = read_source(str(path), Limits())
    full = source_from_text(path.read_text(encoding="utf-8"), path.name, path.suffix == ".md", Limits())
    assert len(compact.blocks) == len(full.blocks) >= 1
    for small, big in zip(compact.blocks, full.blocks):
        assert small.marks is None and small.places is not None
        assert big.places is None and big.marks is not None
        paths = _paths(small.data)
        assert len(paths) > 40
        for where in paths:
            assert small.locate(where) == big.locate(where), where


def test_tricky_yaml_agrees_on_every_path():
    data, marks = parse_yaml(TRICKY, Limits())
    same, places = parse_places(TRICKY, Limits())
    assert same == data and marks is not None
    for where in _paths(data):
        assert locate_place(data, places, where) == locate(data, marks, where), where


@pytest.mark.parametrize("keys", [2, 12], ids=["small map", "large map"])
def test_a_duplicate_key_names_the_first_line_in_both_forms(keys):
    # keys k0..k(n-1) on lines 1..n, then k1 again on line n+1.
    text = "".join(f"k{index}: {index}\n" for index in range(keys)) + "k1: again\n"
    for parse in (parse_yaml, parse_places):
        with pytest.raises(Exception) as caught:
            parse(text, Limits())
        assert caught.value.code == "INP003"  # type: ignore[attr-defined]
        assert "duplicate key 'k1' (first set on line 2)" in str(caught.value)
        assert (caught.value.line, caught.value.column) == (keys, 0)  # type: ignore[attr-defined]


# --- the fast builder for the common case (`_build_places`) against the general loop ---

COMMON = """\
name: "quoted: not a map"
plain: [1, 2.5, -3, true, no, null, ~, '', 100:1, .5, 1e3]
block: |
  two
  lines
folded: >-
  one line
nested:
  - - deep
    - {a: 1, b: [x, {y: z}]}
  - id: first
    calls: [db, {cache: {timeout: 5ms}}]
  -
empty: {map: {}, list: []}
big: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8}
"""


def _both(text: str, limits: Limits | None = None) -> tuple[Any, Any]:
    """(the fast builder's answer, the general loop's) on the same text."""
    from archlint.input import load

    limits = limits or Limits()
    answers = []
    for build in (lambda loader: load._build_places(loader, limits),
                  lambda loader: load._build(loader, limits, False, 0, full=False)[0]):
        loader = load._PlainLoader(text)
        try:
            answers.append(build(loader))
        finally:
            loader.dispose()
    return answers[0], answers[1]


@pytest.mark.parametrize("text", [COMMON, "", "# only a comment\n", "---\n", "just text\n", "- a\n- [b]\n"],
                         ids=["common", "empty", "comment", "empty document", "scalar root", "list root"])
def test_the_fast_builder_gives_the_general_answer(text):
    fast, general = _both(text)
    assert fast == general
    assert [type(value) for value in fast] == [type(value) for value in general]


def test_the_fast_builder_reads_the_common_case_by_hand():
    (data, places), _ = _both(COMMON)
    assert data["plain"] == [1, 2.5, -3, True, "no", None, None, "", "100:1", 0.5, 1000.0]
    assert data["block"] == "two\nlines\n" and data["folded"] == "one line"
    assert data["nested"][0] == ["deep", {"a": 1, "b": ["x", {"y": "z"}]}]
    assert data["nested"][2] is None
    # line 12: "    calls: [db, {cache: {timeout", the key at column 25
    assert locate_place(data, places, ("nested", 1, "calls", "cache", "timeout")) == (11, 25)
    assert locate_place(data, places, ("big", "k8")) == (14, 6 + 8 * 7)


@pytest.mark.parametrize("design", _designs(), ids=lambda path: path.name)
def test_the_fast_builder_reads_every_example(design):
    from archlint.input.markdown import find_fences

    text = design.read_text(encoding="utf-8")
    texts = [fence.text for fence in find_fences(text)] if design.suffix == ".md" else [text]
    for text in texts:
        fast, general = _both(text)
        assert fast == general


UNUSUAL = {
    "anchor and alias": ("a: &x {b: 1}\nc: *x\n", None),
    "tag": ("a: !!str 1\n", None),
    "refused tag": ("a: !!python/object x\n", "INP004"),
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "INP003"),
    "list as a key": ("? [a]\n: 1\n", "INP011"),
    "second document": ("a: 1\n---\nb: 2\n", "INP002"),
    "too deep": ("a: {b: {c: {d: 1}}}\n", "INP005"),
    "too many items": ("a: [1, 2, 3, 4]\n", "INP005"),
    "long key": ("abcdefghijk: 1\n", "INP005"),
}


@pytest.mark.parametrize("case", sorted(UNUSUAL), ids=str)
def test_anything_unusual_is_left_to_the_general_loop(case):
    from archlint.input import load
    from archlint.input.load import InputProblem

    text, code = UNUSUAL[case]
    limits = Limits(max_depth=3, max_list_items=3, max_key_length=10)
    loader = load._PlainLoader(text)
    try:
        with pytest.raises(load._Unusual):
            load._build_places(loader, limits)
    finally:
        loader.dispose()
    answers = []
    for parse in (parse_yaml, parse_places):
        try:
            answers.append(parse(text, limits)[0])
        except InputProblem as problem:
            answers.append((problem.code, problem.line, problem.column, problem.message))
    assert answers[0] == answers[1]
    assert (answers[1][0] if code else None) == code


def test_the_parser_event_classes_are_put_back():
    import yaml

    from archlint.input.load import InputProblem

    module = yaml._yaml
    before = {name: getattr(module, name) for name in ("ScalarEvent", "MappingStartEvent", "AliasEvent")}
    for text in (COMMON, "a: &x 1\nb: *x\n", "a: [1,\n"):
        try:
            parse_places(text, Limits())
        except InputProblem:  # the alias is fine; the third one's syntax error is reported
            pass
        assert {name: getattr(module, name) for name in before} == before
    assert yaml.load("a: [1]\n", Loader=yaml.CSafeLoader) == {"a": [1]}


def test_a_parser_that_makes_its_events_another_way_is_read_by_the_general_loop(monkeypatch):
    # As if PyYAML stopped looking its event classes up by name: the handlers are put
    # where the parser never calls them, it returns its own events, and the answer is
    # still the general loop's.
    import yaml

    from archlint.input import load

    expected = _both(COMMON)[1]
    names = tuple(f"Unused{index}" for index in range(len(load._HANDLED_EVENTS)))
    for name in names:
        monkeypatch.setattr(yaml._yaml, name, None, raising=False)
    monkeypatch.setattr(load, "_HANDLED_EVENTS", names)
    loader = load._PlainLoader(COMMON)
    try:
        with pytest.raises(load._Unusual):
            load._build_places(loader, Limits())
    finally:
        loader.dispose()
    assert parse_places(COMMON, Limits()) == expected


def test_the_fast_builder_waits_for_a_process_without_other_threads(monkeypatch):
    """It swaps names in PyYAML's C module for its parse: with another thread alive
    (an application embedding archlint), the general loop parses instead."""
    import threading

    from archlint.input import load

    def refused(loader: Any, limits: Limits) -> Any:
        raise AssertionError("the fast builder ran beside another thread")

    monkeypatch.setattr(load, "_build_places", refused)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        data, places = load.parse_places(COMMON, Limits())
    finally:
        release.set()
        other.join()
    assert data["nested"][1]["calls"][1] == {"cache": {"timeout": "5ms"}}
    assert places is not None
