"""The quick fixes' edits and the completion context, as pure functions on small texts:
each form the design language allows gets the edit a person would make by hand, and a
shape the edit is not sure of gets none."""

from __future__ import annotations

import pytest

from archlint.input.load import Limits, source_from_text
from archlint.lsp.context import text_context
from archlint.lsp.edits import Edit, add_edge_property, add_suppression, quote_line_value

HEAD = "archlint: 1\nname: x\ncomponents:\n  db: {kind: database}\n  api:\n    kind: service\n"


def _block(text: str, markdown: bool = False):
    return source_from_text(text, "d", markdown, Limits()).blocks[0]


def _apply(text: str, edit: Edit) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    start = offsets[edit.start[0]] + edit.start[1]
    end = offsets[edit.end[0]] + edit.end[1]
    return text[:start] + edit.text + text[end:]


def _selected(text: str, edit: Edit) -> str:
    after = _apply(text, edit).split("\n")
    (line, start), (_line, end) = edit.select
    return after[line][start:end]


PATH = ("components", "api", "calls", "db")


@pytest.mark.parametrize("written, expected", [
    ("    calls: [db, cache]\n", "    calls: [{db: {timeout: 1s}}, cache]\n"),
    ("    calls:\n      - db\n", "    calls:\n      - db: {timeout: 1s}\n"),
    ("    calls:\n      db:\n", "    calls:\n      db: {timeout: 1s}\n"),
    ("    calls:\n      db: ~  # later\n", "    calls:\n      db: {timeout: 1s}  # later\n"),
    ("    calls:\n      db: {retries: 2}\n", "    calls:\n      db: {timeout: 1s, retries: 2}\n"),
    ("    calls:\n      db: {}\n", "    calls:\n      db: {timeout: 1s}\n"),
    ("    calls:\n      db:\n        retries: 2\n", "    calls:\n      db:\n        timeout: 1s\n        retries: 2\n"),
    ("    calls:\n      - db: {retries: 2}\n", "    calls:\n      - db: {timeout: 1s, retries: 2}\n"),
    ("    calls: {db: {retries: 2}}\n", "    calls: {db: {timeout: 1s, retries: 2}}\n"),
])
def test_a_property_goes_into_every_form_of_an_edge(written, expected):
    text = HEAD + written
    edit = add_edge_property(_block(text), PATH, "timeout", "1s")
    assert _apply(text, edit) == HEAD + expected
    assert _selected(text, edit) == "1s"


def test_no_edit_for_an_edge_that_is_not_there():
    text = HEAD + "    calls: [cache]\n"
    assert add_edge_property(_block(text), PATH, "timeout", "1s") is None


def test_suppression_creates_lint_for_the_component():
    text = HEAD + "    replicas: 2\n  cache: {kind: cache}\n"
    edit = add_suppression(_block(text), ("components", "api", "calls", "db"), "RES004")
    assert _apply(text, edit) == HEAD + ('    replicas: 2\n    lint:\n      ignore:\n        RES004: ""\n'
                                         "  cache: {kind: cache}\n")
    (line, column), _ = edit.select
    assert _apply(text, edit).split("\n")[line][column - 1:column + 1] == '""'  # between the quotes


def test_suppression_joins_an_existing_ignore_map():
    text = HEAD + 'lint:\n  ignore:\n    OBS004: "vendor dashboards"\n'
    edit = add_suppression(_block(text), (), "DOC001")
    assert _apply(text, edit) == HEAD + 'lint:\n  ignore:\n    OBS004: "vendor dashboards"\n    DOC001: ""\n'


def test_suppression_adds_ignore_under_lint_options():
    text = HEAD + "lint:\n  options: {ARC001: {engineers_per_service: 3}}\n"
    edit = add_suppression(_block(text), (), "DOC001")
    assert _apply(text, edit) == HEAD + ('lint:\n  options: {ARC001: {engineers_per_service: 3}}\n'
                                         '  ignore:\n    DOC001: ""\n')


def test_suppression_at_the_end_of_the_design():
    edit = add_suppression(_block(HEAD), (), "DOC002")
    assert _apply(HEAD, edit) == HEAD + 'lint:\n  ignore:\n    DOC002: ""\n'


def test_no_suppression_edit_into_flow_maps():
    text = HEAD.replace("  api:\n    kind: service\n", "  api: {kind: service}\n")
    assert add_suppression(_block(text), ("components", "api"), "AVL001") is None
    text = HEAD + "lint: {ignore: {OBS004: x}}\n"
    assert add_suppression(_block(text), (), "DOC001") is None


def test_suppression_in_a_markdown_fence_keeps_its_indentation():
    text = "- design:\n\n  ```archlint\n  archlint: 1\n  name: x\n  components:\n    api: {kind: service}\n  ```\n"
    edit = add_suppression(_block(text, markdown=True), (), "DOC001")
    assert _apply(text, edit) == ("- design:\n\n  ```archlint\n  archlint: 1\n  name: x\n  components:\n"
                                  '    api: {kind: service}\n  lint:\n    ignore:\n      DOC001: ""\n  ```\n')


def test_suppression_in_a_quoted_fence_keeps_the_quote_marks():
    text = "> ```archlint\n> archlint: 1\n> name: x\n> components:\n>   api: {kind: service}\n> ```\n"
    edit = add_suppression(_block(text, markdown=True), (), "DOC001")
    assert _apply(text, edit) == ("> ```archlint\n> archlint: 1\n> name: x\n> components:\n>   api: {kind: service}\n"
                                  '> lint:\n>   ignore:\n>     DOC001: ""\n> ```\n')


@pytest.mark.parametrize("line, expected", [
    ("    why: cheap: it scales", (9, 25, '"cheap: it scales"')),
    ("  - topic: store: orders", (11, 24, '"store: orders"')),
    ("    - Check out: charge the card", (6, 32, '"Check out: charge the card"')),
    ("    - Checkout: charge the card", (6, 31, '"Checkout: charge the card"')),
    ("    why: cheap", None),
    ('    why: "cheap: it scales"', None),
])
def test_quote_the_value_yaml_read_as_a_map(line, expected):
    assert quote_line_value(line) == expected


def _context(text: str):
    lines = text.split("\n")
    return text_context(lines, len(lines) - 1, len(lines[-1]))


def test_completion_context_from_indentation():
    assert _context(HEAD + "    calls:\n      db:\n        tim").path == ("components", "api", "calls", "db")
    context = _context(HEAD + "    calls:\n      - ")
    assert (context.mode, context.path) == ("item", ("components", "api", "calls"))
    context = _context(HEAD + "apis:\n  - endpoint: GET /\n    serv")
    assert (context.mode, context.path, context.prefix) == ("key", ("apis", 0), "serv")
    context = _context(HEAD + "apis:\n  - ")
    assert (context.mode, context.path) == ("key", ("apis", 0))
    context = _context(HEAD + "    publishes: [events, q")
    assert (context.mode, context.key, context.prefix) == ("item", "publishes", "q")
    context = _context(HEAD + "flows:\n  f:\n    steps:\n    - api -> d")
    assert (context.mode, context.path, context.prefix) == ("item", ("flows", "f", "steps"), "api -> d")
