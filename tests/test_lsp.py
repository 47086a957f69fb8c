"""`archlint lsp` end to end: a real server process driven by pytest-lsp's client, one
test per capability. Positions are counted by hand on the small designs below
(0-based lines and characters, as the protocol counts them)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_lsp
from conftest import ROOT
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

# One server for the module, as an editor keeps one: each test opens its own files.
pytestmark = pytest.mark.asyncio(loop_scope="module")
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "archlint", "lsp"])
FAST = {"debounce_ms": 20}

SHOP = """\
archlint: 1
name: shop
components:
  browser: {kind: client, calls: [api]}
  api:
    kind: service
    tech: go
    replicas: 2
    calls: [db]
    publishes: [events]
  db: {tech: postgres, replicas: 2}
  events: {tech: sqs}
  worker:
    kind: worker
    consumes: [events]
flows:
  checkout:
    rate: 100/s
    type: write
    steps:
      - browser -> api -> db
      - api -> events -> worker
"""


def _read_code_actions_as_editors_do(lsp_client: LanguageClient) -> None:
    """lsprotocol's client converter reads any code action that has a `command` as a bare
    Command; editors tell the two apart by whether `command` is a string."""
    converter = lsp_client.protocol._converter

    def structure(value: Any, _type: Any) -> Any:
        kind = types.Command if isinstance(value.get("command"), str) else types.CodeAction
        return converter.structure(value, kind)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient):
    _read_code_actions_as_editors_do(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), initialization_options=FAST))
    yield
    await lsp_client.shutdown_session()


def _uri(tmp_path: Path, name: str) -> str:
    return (tmp_path / name).as_uri()


async def _published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Wait for the next diagnostics of `uri` (the caller removed the last ones)."""
    while uri not in client.diagnostics:
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    return list(client.diagnostics[uri])


async def _open(client: LanguageClient, uri: str, text: str, language: str = "yaml") -> list[types.Diagnostic]:
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text)))
    return await _published(client, uri)


def _at(diagnostics: list[types.Diagnostic], code: str) -> types.Diagnostic:
    return next(d for d in diagnostics if d.code == code)


def _position(text: str, line: int, needle: str, offset: int = 0) -> types.Position:
    return types.Position(line, text.split("\n")[line].index(needle) + offset)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply edits given in UTF-16 units to ASCII text (where units are characters)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


# --- diagnostics ---------------------------------------------------------------------------------

async def test_diagnostics_on_open_carry_code_severity_place_and_docs(client: LanguageClient, tmp_path):
    text = SHOP.replace("    calls: [db]", "    calls:\n      db: {timout: 50ms}")
    diagnostics = await _open(client, _uri(tmp_path, "shop.arch.yaml"), text)
    typo = _at(diagnostics, "INP010")
    # line 10 is `      db: {timout: 50ms}`: six spaces, `db: {`, the key at character 11
    assert (typo.range.start.line, typo.range.start.character) == (9, 11)
    assert (typo.range.end.line, typo.range.end.character) == (9, 17)
    assert typo.severity == types.DiagnosticSeverity.Error and typo.source == "archlint"
    assert typo.message.startswith(
        "unknown-key: unknown key 'timout' in components.api.calls.db; did you mean 'timeout'?")
    assert typo.code_description.href == "https://archlint.dev/rules/INP010"


async def test_rule_findings_match_archlint_check(client: LanguageClient, tmp_path):
    diagnostics = await _open(client, _uri(tmp_path, "shop.arch.yaml"), SHOP)
    found = {(d.code, d.range.start.line, d.range.start.character) for d in diagnostics}
    # `archlint check` on the same text: RES001 and RES004 at 9:13, ASY003 at 15:16 (1-based)
    assert {("RES001", 8, 12), ("RES004", 8, 12), ("ASY003", 14, 15), ("AVL005", 4, 2)} <= found
    assert _at(diagnostics, "RES001").severity == types.DiagnosticSeverity.Warning


async def test_changes_are_debounced_and_leave_no_stale_diagnostics(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    bad = SHOP.replace("    replicas: 2\n    calls", "    replicas: 2m\n    calls")
    assert "INP012" in {d.code for d in await _open(client, uri, bad)}
    line = 7  # `    replicas: 2m`: type `x` after it, then delete `mx`, two changes in quick succession
    client.diagnostics.pop(uri)
    for version, start, end, new in ((2, 16, 16, "x"), (3, 15, 17, "")):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, start), types.Position(line, end)), text=new)]))
    codes = {d.code for d in await _published(client, uri)}
    assert "INP012" not in codes and "RES001" in codes
    client.diagnostics.pop(uri)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert await _published(client, uri) == []


async def test_half_typed_file_gets_its_parse_error_and_still_completes(client: LanguageClient, tmp_path):
    text = "archlint: 1\nname: shop\ncomponents:\n  api:\n    kind: service\n    calls: [db\n    rep"
    uri = _uri(tmp_path, "draft.arch.yaml")
    diagnostics = await _open(client, uri, text)
    assert [d.code for d in diagnostics] == ["INP002"]
    completion = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(6, 7)))
    labels = {item.label for item in completion.items}
    assert "replicas" in labels and "kind" not in labels  # `kind` is already there


async def test_markdown_fences_are_checked_in_place(client: LanguageClient, tmp_path):
    text = ("# RFC 7\n\nSome prose.\n\n```archlint\narchlint: 1\nname: x\ncomponents:\n"
            "  api: {kind: servce}\n```\n\n```yaml\nnot: checked\n```\n")
    diagnostics = await _open(client, _uri(tmp_path, "rfc.md"), text, "markdown")
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [("INP011", 8, 8)]


async def test_a_yaml_file_that_is_not_a_design_is_left_alone(client: LanguageClient, tmp_path):
    diagnostics = await _open(client, _uri(tmp_path, "other.arch.yaml"), SHOP)
    assert diagnostics  # a design
    uri = _uri(tmp_path, "ci.yaml")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, "on: push\n")))
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri)))
    assert not symbols and uri not in client.diagnostics


async def test_configuration_is_discovered_as_check_does(client: LanguageClient, tmp_path):
    (tmp_path / ".archlint.yaml").write_text("ignore: [RES]\n")
    diagnostics = await _open(client, _uri(tmp_path, "shop.arch.yaml"), SHOP)
    codes = {d.code for d in diagnostics}
    assert "ASY003" in codes and not any(code.startswith("RES") for code in codes)


async def test_saving_a_configuration_rechecks_open_designs(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    assert "RES001" in {d.code for d in await _open(client, uri, SHOP)}
    config = tmp_path / ".archlint.yaml"
    config.write_text("ignore: [RES001]\n")
    client.diagnostics.pop(uri)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config.as_uri())))
    codes = {d.code for d in await _published(client, uri)}
    assert "RES001" not in codes and "RES004" in codes


# --- positions in the editor's encoding ------------------------------------------------------------

DESIGN_WITH_EMOJI = 'archlint: 1\nname: x\ncomponents:\n  api: {description: "é😀", kind: servce}\n'


async def test_positions_count_utf16_units_by_default(client: LanguageClient, tmp_path):
    diagnostics = await _open(client, _uri(tmp_path, "e.arch.yaml"), DESIGN_WITH_EMOJI)
    # `kind` is character 27; 😀 takes two UTF-16 units: 28
    assert _at(diagnostics, "INP011").range.start.character == 28


async def test_positions_count_utf8_bytes_when_offered(tmp_path):
    from pytest_lsp import make_test_lsp_client

    lsp = make_test_lsp_client()
    await lsp.start_io(*SERVER.server_command)
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8]))
    result = await lsp.initialize_session(types.InitializeParams(capabilities=capabilities,
                                                                 initialization_options=FAST))
    try:
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        diagnostics = await _open(lsp, _uri(tmp_path, "e.arch.yaml"), DESIGN_WITH_EMOJI)
        # é is 2 bytes and 😀 4: 27 + 1 + 3 = 31
        assert _at(diagnostics, "INP011").range.start.character == 31
    finally:
        await lsp.shutdown_session()
        await lsp.stop()


# --- hover ---------------------------------------------------------------------------------------

async def _hover(client: LanguageClient, uri: str, position: types.Position) -> str:
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), position))
    assert hover is not None
    return hover.contents.value


async def test_hover_on_a_component_shows_its_figures_with_their_arithmetic(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, SHOP)
    text = await _hover(client, uri, types.Position(4, 3))  # `api:`
    # 100/s × peak factor 2 = 200/s; 2 replicas × 2k/s (go) = 4k/s; 200 ÷ 4000 = 5%;
    # two copies in one zone share its fate: 0.9995 × (1 − 0.005²) = 99.9475%
    assert text.startswith("**api**: service, go, 2 instances")
    assert ("- load 200/s at peak; capacity 4k/s = 2 replicas × 2k/s = 4k/s (catalog: go, rule of thumb [RT]), "
            "5% used") in text
    assert "- availability 99.9475%: 2 copies in 1 zone: 99.95% × (1 − (1 − 99.5%)^2) = 99.9475%" in text
    assert "- flows through it: checkout (200/s peak)" in text
    # the same figures from a use of the id in a flow step
    assert await _hover(client, uri, _position(SHOP, 20, "api")) == text


async def test_hover_on_tech_shows_the_catalog_entry(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, SHOP)
    text = await _hover(client, uri, _position(SHOP, 10, "postgres", 2))
    assert "postgres: database, self-run" in text and "10k/s per node" in text and "[VM] Per-instance SLA" in text


async def test_hover_on_a_rule_code_explains_the_rule(client: LanguageClient, tmp_path):
    text = SHOP + 'lint: {ignore: {RES001: "db calls are bounded by the driver"}}\n'
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, text)
    page = await _hover(client, uri, _position(text, 22, "RES001", 2))
    assert page.startswith("# RES001 missing-timeout") and "## How to fix" in page


async def test_hover_on_a_key_describes_it(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, SHOP)
    page = await _hover(client, uri, types.Position(7, 5))  # `replicas`
    assert page == "**replicas**: whole number ≥ 1 (6, 100k)\n\nInstances serving traffic.\n\nDefault: 1."


# --- completion ---------------------------------------------------------------------------------

async def _complete(client: LanguageClient, uri: str, text: str, line: int,
                    character: int) -> list[types.CompletionItem]:
    await _open(client, uri, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(line, character)))
    return list(result.items)


async def test_completion_of_kinds_techs_ids_and_units(client: LanguageClient, tmp_path):
    kind = SHOP.replace("    kind: worker", "    kind: ")
    labels = {i.label for i in await _complete(client, _uri(tmp_path, "a.arch.yaml"), kind, 13, 10)}
    assert {"service", "worker", "load_balancer", "object_storage"} <= labels and "postgres" not in labels

    tech = SHOP.replace("  db: {tech: postgres, replicas: 2}", "  db:\n    tech: po")
    items = await _complete(client, _uri(tmp_path, "b.arch.yaml"), tech, 11, 12)
    postgres = next(i for i in items if i.label == "postgres")
    assert postgres.detail == "database, self-run"
    assert postgres.text_edit.range.start.character == 10 and postgres.text_edit.new_text == "postgres"

    call = SHOP.replace("    calls: [db]", "    calls:\n      - ")
    labels = {i.label for i in await _complete(client, _uri(tmp_path, "c.arch.yaml"), call, 9, 8)}
    assert labels == {"browser", "db", "events", "worker"}  # every component but api itself

    mapped = SHOP.replace("    calls: [db]", "    calls:\n      db: {timeout: 1s}\n      ev")
    items = await _complete(client, _uri(tmp_path, "c2.arch.yaml"), mapped, 10, 8)
    assert {i.label for i in items} == {"browser", "events", "worker"}  # not api itself, not db again
    assert next(i for i in items if i.label == "events").text_edit.new_text == "events: "

    step = SHOP.replace("      - api -> events -> worker", "      - api -> ev")
    labels = {i.label for i in await _complete(client, _uri(tmp_path, "d.arch.yaml"), step, 21, 18)}
    assert "events" in labels

    unit = SHOP.replace("    calls: [db]", "    calls:\n      db: {timeout: 1s}\n      events2:\n        timeout: 30")
    items = await _complete(client, _uri(tmp_path, "e.arch.yaml"), unit, 11, 19)
    assert [i.label for i in items] == ["30ms", "30s", "30m", "30h", "30d", "30y"]
    assert items[0].text_edit.range.start.character == 17  # replaces the number typed


async def test_completion_of_keys_offers_what_the_model_allows(client: LanguageClient, tmp_path):
    text = SHOP.replace("    calls: [db]", "    calls:\n      db:\n        ti")
    items = await _complete(client, _uri(tmp_path, "k.arch.yaml"), text, 10, 10)
    labels = {i.label for i in items}
    assert labels == {"protocol", "timeout", "retries", "circuit_breaker", "fallback", "critical", "idempotent",
                      "awaits_reply"}
    timeout = next(i for i in items if i.label == "timeout")
    assert timeout.documentation.value == "How long the caller waits before giving up."


# --- definition, references, symbols ------------------------------------------------------------------

async def test_definition_and_references_of_a_component(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, SHOP)
    where = types.TextDocumentPositionParams(types.TextDocumentIdentifier(uri), _position(SHOP, 20, "db"))
    (definition,) = await client.text_document_definition_async(
        types.DefinitionParams(where.text_document, where.position))
    assert (definition.range.start.line, definition.range.start.character, definition.range.end.character) == (10, 2, 4)
    refs = await client.text_document_references_async(types.ReferenceParams(
        context=types.ReferenceContext(include_declaration=True), text_document=where.text_document,
        position=types.Position(10, 3)))
    # declaration (11:3), `calls: [db]` (9:13), the step `      - browser -> api -> db` (21:27)
    assert sorted((r.range.start.line, r.range.start.character) for r in refs) == [(8, 12), (10, 2), (20, 26)]


async def test_document_symbols_list_components_and_flows(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    await _open(client, uri, SHOP)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri)))
    assert [s.name for s in symbols] == ["components", "flows"]
    assert [c.name for c in symbols[0].children] == ["browser", "api", "db", "events", "worker"]
    api = symbols[0].children[1]
    assert api.detail == "service go" and (api.range.start.line, api.range.end.line) == (4, 9)
    assert [c.name for c in symbols[1].children] == ["checkout"]


# --- quick fixes ---------------------------------------------------------------------------------------

async def _fixes(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), diagnostic.range, types.CodeActionContext(diagnostics=[diagnostic])))
    return list(actions)


async def _recheck(client: LanguageClient, uri: str, text: str, version: int) -> set[str]:
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=version, uri=uri),
        [types.TextDocumentContentChangeWholeDocument(text)]))
    return {d.code for d in await _published(client, uri)}


async def test_quick_fix_adds_a_timeout_and_selects_it(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, SHOP)
    (fix, _suppress) = await _fixes(client, uri, _at(diagnostics, "RES001"))
    assert fix.title == "Add a timeout to this call" and fix.is_preferred
    fixed = _apply(SHOP, fix.edit.changes[uri])
    assert "    calls: [{db: {timeout: 1s}}]\n" in fixed
    assert "RES001" not in await _recheck(client, uri, fixed, 2)
    assert list(fix.command.arguments) == [uri, 8, 27, 8, 29]  # `1s` selected: 4 + len("calls: [{db: {timeout: ")
    await client.workspace_execute_command_async(types.ExecuteCommandParams(fix.command.command, fix.command.arguments))
    shown = client.shown_documents[-1]
    assert shown.uri == uri and (shown.selection.start.character, shown.selection.end.character) == (27, 29)


async def test_quick_fix_marks_a_consumer_idempotent(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, SHOP)
    fix = (await _fixes(client, uri, _at(diagnostics, "ASY003")))[0]
    fixed = _apply(SHOP, fix.edit.changes[uri])
    assert "    consumes: [{events: {idempotent: true}}]\n" in fixed
    assert "ASY003" not in await _recheck(client, uri, fixed, 2)


async def test_quick_fix_in_a_block_map_adds_a_line(client: LanguageClient, tmp_path):
    text = SHOP.replace("    calls: [db]", "    calls:\n      db:\n        retries: 2")
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, text)
    fix = (await _fixes(client, uri, _at(diagnostics, "RES001")))[0]
    fixed = _apply(text, fix.edit.changes[uri])
    assert "      db:\n        timeout: 1s\n        retries: 2\n" in fixed


async def test_quick_fix_takes_the_did_you_mean(client: LanguageClient, tmp_path):
    text = SHOP.replace("    calls: [db]", "    calls:\n      db: {timout: 50ms}")
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, text)
    (fix,) = await _fixes(client, uri, _at(diagnostics, "INP010"))
    assert fix.title == "Change to 'timeout'"
    fixed = _apply(text, fix.edit.changes[uri])
    assert "      db: {timeout: 50ms}\n" in fixed
    assert "INP010" not in await _recheck(client, uri, fixed, 2)


async def test_quick_fix_quotes_a_value_yaml_read_as_a_map(client: LanguageClient, tmp_path):
    text = SHOP.replace("    tech: go\n", "    tech: go\n    description: checkout: takes orders\n")
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, text)
    (fix,) = await _fixes(client, uri, _at(diagnostics, "INP002"))
    fixed = _apply(text, fix.edit.changes[uri])
    assert '    description: "checkout: takes orders"\n' in fixed
    assert "INP002" not in await _recheck(client, uri, fixed, 2)
    item = SHOP.replace("name: shop\n", "name: shop\nrequirements:\n  functional:\n    - Check out: charge the card\n")
    diagnostics = await _open(client, _uri(tmp_path, "item.arch.yaml"), item)
    (fix,) = await _fixes(client, _uri(tmp_path, "item.arch.yaml"), _at(diagnostics, "INP011"))
    assert '    - "Check out: charge the card"\n' in _apply(item, fix.edit.changes[_uri(tmp_path, "item.arch.yaml")])


async def test_quick_fix_suppression_leaves_the_reason_to_write(client: LanguageClient, tmp_path):
    uri = _uri(tmp_path, "shop.arch.yaml")
    diagnostics = await _open(client, uri, SHOP)
    actions = await _fixes(client, uri, _at(diagnostics, "RES004"))
    (suppress,) = [a for a in actions if a.title.startswith("Suppress")]
    assert suppress.title == "Suppress RES004 here, with a reason to write" and not suppress.is_preferred
    fixed = _apply(SHOP, suppress.edit.changes[uri])
    assert '    publishes: [events]\n    lint:\n      ignore:\n        RES004: ""\n  db:' in fixed
    assert list(suppress.command.arguments) == [uri, 12, 17, 12, 17]  # between the quotes: 8 + len('RES004: "')
    codes = await _recheck(client, uri, fixed, 2)
    assert "INP030" in codes  # the empty reason is reported until someone writes one
    written = fixed.replace('RES004: ""', 'RES004: "the database driver breaks the circuit"')
    codes = await _recheck(client, uri, written, 3)
    assert "INP030" not in codes and "RES004" not in codes and "RES001" in codes


async def test_examples_open_without_errors_the_check_does_not_report(client: LanguageClient):
    path = ROOT / "examples" / "url-shortener.arch.yaml"
    assert await _open(client, path.as_uri(), path.read_text(encoding="utf-8")) == []


async def test_markdown_fences_get_hover_completion_and_definitions(client: LanguageClient, tmp_path):
    text = "# RFC 8\n\nProse.\n\n```archlint\n" + SHOP + "```\n"
    uri = _uri(tmp_path, "rfc8.md")
    await _open(client, uri, text, "markdown")
    lines = text.split("\n")
    api = lines.index("  api:")
    assert (await _hover(client, uri, types.Position(api, 3))).startswith("**api**: service, go, 2 instances")
    step = next(n for n, line in enumerate(lines) if line.endswith("browser -> api -> db"))
    (definition,) = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri), types.Position(step, lines[step].index("db"))))
    assert definition.range.start.line == lines.index("  db: {tech: postgres, replicas: 2}")
    typing = text.replace("    kind: worker", "    kind: wor")
    uri = _uri(tmp_path, "rfc9.md")
    await _open(client, uri, typing, "markdown")
    worker = typing.split("\n").index("    kind: wor")
    completion = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(worker, 13)))
    assert "worker" in {item.label for item in completion.items}
    outside = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(2, 3)))
    assert list(outside.items) == []  # prose is not YAML


@pytest.mark.slow
async def test_no_position_of_a_half_typed_design_makes_the_server_fail(client: LanguageClient, tmp_path):
    """Every prefix of a design, cut at the end of each line, with hover, completion,
    definition, symbols and quick fixes asked at its end: answers or nothing, never an
    error (a crash in a handler comes back as an error response and fails the test)."""
    full = (ROOT / "examples" / "url-shortener.arch.yaml").read_text(encoding="utf-8").split("\n")
    for cut in range(1, len(full), 7):
        text = "\n".join(full[:cut]) + "\n  x"
        uri = _uri(tmp_path, f"cut{cut}.arch.yaml")
        diagnostics = await _open(client, uri, text)
        document = types.TextDocumentIdentifier(uri)
        end = types.Position(cut, 3)
        await client.text_document_completion_async(types.CompletionParams(document, end))
        for line in range(0, cut, 3):
            position = types.Position(line, 4)
            await client.text_document_hover_async(types.HoverParams(document, position))
            await client.text_document_definition_async(types.DefinitionParams(document, position))
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(document))
        for diagnostic in diagnostics[:5]:
            await _fixes(client, uri, diagnostic)
        client.text_document_did_close(types.DidCloseTextDocumentParams(document))
