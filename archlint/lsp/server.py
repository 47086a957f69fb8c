"""`archlint lsp`: the Language Server Protocol server, over standard input and output.

It checks each open design as `archlint check` would (the same configuration
discovery, pipeline, codes, severities and messages), shortly after the last
keystroke, and answers hover, completion, definitions, references, document symbols
and quick fixes from what that check found. The catalog and the rule set are loaded
once per process; the configuration of each folder is read once until a configuration
file is saved.

One module for the protocol side: each feature is a method over the state the server
shares between requests (the open documents' analyses, the settings, the editor's
position encoding), and converts positions at its edge. What can be computed without
the protocol lives apart and is tested apart: archlint.lsp.document (a parsed
design's structure), archlint.lsp.context (the cursor's context from the text),
archlint.lsp.edits (the quick fixes' edits).
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from archlint import __version__
from archlint.input.load import MARKDOWN_SUFFIXES, Block
from archlint.lsp import edits as edit_lib
from archlint.lsp.context import declared_ids, sibling_keys, text_context
from archlint.lsp.document import (
    Analysis,
    Place,
    Span,
    component_refs,
    cursor_at,
    field_at,
    literal_values,
    model_at,
    to_file,
    type_at,
)
from archlint.run.config import CONFIG_NAMES

SELECT_COMMAND = "archlint.select"
EDGE_KEYS = ("calls", "publishes", "consumes")
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
_CODE = re.compile(r"\b[A-Z]{3}\d{3}\b")
_ARCHLINT_KEY = re.compile(r"^archlint\s*:", re.M)
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
UNITS = {
    "duration": ["ms", "s", "m", "h", "d", "y"],
    "rate": ["/s", "/min", "/h", "/day", "/month", " rps"],
    "size": ["B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"],
    "percent": ["%"],
    "count": ["k", "M", "B"],
    "whole": ["k", "M"],
}
DATA_CLASSES = {"payments": "money: read by DAT001, DAT006, CAC004, ASY004, SEC004, SEC005",
                "ledger": "money: read by DAT001, DAT006, CAC004, ASY004, SEC004, SEC005",
                "pii": "sensitive data: read by SEC004, SEC005",
                "credentials": "sensitive data: read by SEC004, SEC005"}


class ArchlintProtocol(LanguageServerProtocol):
    """Positions in UTF-8 when the client offers it (fewer conversions in the editor),
    else UTF-16, the protocol's default."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        general = params.capabilities.general
        if general is not None and general.position_encodings and \
                types.PositionEncodingKind.Utf8 in general.position_encodings:
            general.position_encodings = [types.PositionEncodingKind.Utf8]
        return (yield from super().lsp_initialize(params))


class ArchlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("archlint", __version__, protocol_cls=ArchlintProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = 0.1  # seconds after the last change; initializationOptions.debounce_ms
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: set[str] = set()
        self._settings: Any = None
        self._settings_day: Any = None
        self._catalog: Any = None

    # --- shared state, loaded once -------------------------------------------------------------

    @property
    def catalog(self) -> Any:
        if self._catalog is None:
            from archlint.catalog import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    def settings(self) -> Any:
        """The settings step every command takes (archlint.run.settings.resolve), with
        no command-line options: each file then gets its own configuration's settings."""
        import datetime as dt

        today = dt.datetime.now(dt.timezone.utc).date()
        if self._settings is None or self._settings_day != today:  # suppressions' `until` moves with the date
            from archlint.run.settings import CommandLine, resolve

            self._settings, self._settings_day = resolve(CommandLine(), []), today
        return self._settings

    def forget_configuration(self) -> None:
        self._settings = None

    # --- checking --------------------------------------------------------------------------------

    def is_design(self, uri: str, text: str) -> bool:
        path = uri.lower()
        if path.endswith(MARKDOWN_SUFFIXES) or path.endswith((".arch.yaml", ".arch.yml")):
            return True
        return path.endswith((".yaml", ".yml")) and _ARCHLINT_KEY.search(text) is not None

    def analyse(self, uri: str) -> Analysis | None:
        """The analysis of the document's current text, reusing the last one when the
        version has not changed."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        if not self.is_design(uri, text):
            return None
        known = self.analyses.get(uri)
        if known is not None and known.version == document.version and known.text == text:
            return known
        from archlint.run.pipeline import check_text
        from archlint.run.settings import FileSettings

        path = to_fs_path(uri) or uri
        problem = None
        try:
            settings = self.settings().for_file(path)
        except Exception as error:
            settings, problem = FileSettings(), str(error)
        is_markdown = path.lower().endswith(MARKDOWN_SUFFIXES)
        result = check_text(text, os.path.basename(path), is_markdown, settings, self.catalog)
        analysis = Analysis(uri, path, document.version, text, result, settings, problem)
        self.analyses[uri] = analysis
        return analysis

    def publish(self, uri: str) -> None:
        try:
            analysis = self.analyse(uri)
        except Exception as error:
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"archlint: {error!r}"))
            return
        if analysis is None:
            if uri in self.published:
                self.clear(uri)
            return
        diagnostics = [self.diagnostic(analysis, finding) for finding in analysis.result.findings]
        if analysis.config_problem:
            diagnostics.insert(0, types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                message=f"configuration: {analysis.config_problem}", severity=types.DiagnosticSeverity.Error,
                source="archlint"))
        self.published.add(uri)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=analysis.version))

    def clear(self, uri: str) -> None:
        self.published.discard(uri)
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds unless another change comes first."""
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

        async def later() -> None:
            await asyncio.sleep(delay)
            self.pending.pop(uri, None)
            self.publish(uri)

        self.pending[uri] = asyncio.ensure_future(later())

    # --- positions ------------------------------------------------------------------------------------

    def to_client(self, lines: list[str], place: Place) -> types.Position:
        line, column = place
        text = lines[line] if 0 <= line < len(lines) else ""
        return types.Position(line, self.workspace.position_codec.client_num_units(text[:column]))

    def from_client(self, lines: list[str], position: types.Position) -> Place:
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        units, column = 0, 0
        impl = self.workspace.position_codec.impl
        for character in text:
            if units >= position.character:
                break
            units += impl.code_units_for_char(character)
            column += 1
        return position.line, column

    def span_range(self, lines: list[str], span: Span) -> types.Range:
        return types.Range(self.to_client(lines, (span.line, span.start)), self.to_client(lines, (span.line, span.end)))

    def diagnostic(self, analysis: Analysis, finding: Any) -> types.Diagnostic:
        rules = analysis.settings.rule_set()
        lines = analysis.lines
        line, column = max(finding.line - 1, 0), max(finding.column - 1, 0)
        text = lines[line] if line < len(lines) else ""
        end = column
        while end < len(text) and text[end] not in " \t:,{}[]#\r":
            end += 1
        if end == column:
            end = min(column + 1, len(text)) if text else column
        message = f"{rules.name(finding.code)}: {finding.message}"
        if finding.hint:
            message += f"\nhint: {finding.hint}"
        return types.Diagnostic(
            range=types.Range(self.to_client(lines, (line, column)), self.to_client(lines, (line, end))),
            message=message,
            severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.code,
            code_description=types.CodeDescription(href=rules.url(finding.code)),
            source="archlint",
            data={"path": list(finding.path), "block": finding.block},
        )

    # --- hover ------------------------------------------------------------------------------------------

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        analysis = self.analyse(uri)
        if analysis is None:
            return None
        lines = analysis.lines
        place = self.from_client(lines, position)
        text = lines[place[0]] if place[0] < len(lines) else ""
        word = _word_at(text, place[1])
        if word and _CODE.fullmatch(word[0]):
            page = _explain(analysis.settings.rule_set(), word[0])
            if page:
                return self._hover(page, lines, Span(place[0], word[1], word[2]))
        block = analysis.block_at(place[0])
        if block is None or block.marks is None:
            return None
        for ref in component_refs(block):
            if ref.span.line == place[0] and ref.span.start <= place[1] <= ref.span.end:
                figures = analysis.figures(block, self.catalog)
                if figures is None or ref.cid not in figures.terms.graph.nodes:
                    return None
                from archlint.views.estimate import component_lines

                return self._hover("\n".join(component_lines(figures, ref.cid)), lines, ref.span)
        cursor = cursor_at(block, place)
        if cursor is None:
            return None
        if not cursor.on_key and len(cursor.path) == 3 and cursor.path[0] == "components" \
                and cursor.path[2] == "tech" and isinstance(cursor.value, str):
            entry = self.catalog.lookup(cursor.value)
            if entry is not None:
                from archlint.views.catalog import entry_text

                return self._hover(f"```text\n{entry_text(self.catalog, entry, entry.id)}```", lines, cursor.span)
            return None
        if cursor.on_key:
            found = field_at(cursor.path)
            if found is not None:
                from archlint.language.reference import field_docs

                model, name = found
                doc = next(d for d in field_docs(model) if d.name == name)
                body = f"**{name}**: {doc.type}\n\n{doc.text}"
                if doc.default not in ("-", "required"):
                    body += f"\n\nDefault: {doc.default}."
                return self._hover(body, lines, cursor.span)
        return None

    def _hover(self, markdown: str, lines: list[str], span: Span | None) -> types.Hover:
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
                           range=None if span is None else self.span_range(lines, span))

    # --- completion -----------------------------------------------------------------------------------

    def complete(self, uri: str, position: types.Position) -> list[types.CompletionItem]:
        document = self.workspace.get_text_document(uri)
        lines = document.source.split("\n")
        place = self.from_client(lines, position)
        first, indent = 0, 0
        if uri.lower().endswith(MARKDOWN_SUFFIXES):
            from archlint.input.markdown import find_fences

            fence = next((f for f in find_fences(document.source) if f.open_line < place[0] < f.close_line), None)
            if fence is None:
                return []
            first, indent = fence.first_line, fence.indent
            last = fence.close_line
        else:
            last = None
        context = text_context(lines, place[0], place[1], first, indent)
        if context is None:
            return []
        start = (place[0], place[1] - len(context.prefix))

        def item(label: str, kind: types.CompletionItemKind, detail: str | None = None, doc: str | None = None,
                 text: str | None = None) -> types.CompletionItem:
            edit = types.TextEdit(types.Range(self.to_client(lines, start), position), text or label)
            documentation = types.MarkupContent(types.MarkupKind.Markdown, doc) if doc else None
            return types.CompletionItem(label=label, kind=kind, detail=detail, documentation=documentation,
                                        text_edit=edit, filter_text=label)

        if context.mode == "key":
            model = model_at(context.path)
            if model is None:
                if len(context.path) == 3 and context.path[0] == "components" and context.path[2] in EDGE_KEYS:
                    # `calls:` written as a map: its keys are component ids
                    ids = declared_ids(lines, first, last, indent)
                    present = sibling_keys(lines, place[0], place[1] - len(context.prefix) - indent, first, indent)
                    return [item(cid, types.CompletionItemKind.Reference, "component", None, f"{cid}: ")
                            for cid in ids if cid != context.path[1] and cid not in present]
                return []
            from archlint.language.reference import field_docs

            depth = place[1] - len(context.prefix) - indent
            present = sibling_keys(lines, place[0], depth, first, indent)
            return [item(doc.name, types.CompletionItemKind.Property, doc.type, doc.text, f"{doc.name}: ")
                    for doc in field_docs(model) if doc.name not in present]
        ids = declared_ids(lines, first, last, indent)
        key = context.key
        if context.mode == "item":
            if key in ("calls", "publishes", "consumes"):
                own = context.path[1] if len(context.path) > 1 and context.path[0] == "components" else None
                return [item(cid, types.CompletionItemKind.Reference, "component") for cid in ids if cid != own]
            if key == "steps":
                hop = context.prefix.rsplit("->", 1)[-1]
                start = (place[0], place[1] - len(hop.lstrip()))
                return [item(cid, types.CompletionItemKind.Reference, "component") for cid in ids]
            if key == "data" and len(context.path) == 3:
                return [item(name, types.CompletionItemKind.EnumMember, meaning)
                        for name, meaning in DATA_CLASSES.items()]
            return []
        # a value after `key: `
        if key == "tech" and len(context.path) == 3 and context.path[0] == "components":
            return [item(entry.id, types.CompletionItemKind.Value,
                         f"{entry.kind}, {'managed' if entry.managed else 'self-run'}",
                         ", ".join(entry.aliases) or None) for entry in self.catalog.entries]
        if key in ("served_by", "dlq"):
            return [item(cid, types.CompletionItemKind.Reference, "component") for cid in ids]
        if _NUMBER.match(context.prefix):
            unit = _unit_kind(context.path)
            return [item(context.prefix + suffix, types.CompletionItemKind.Unit, unit)
                    for suffix in UNITS.get(unit or "", [])]
        values = literal_values(context.path)
        return [item(value, types.CompletionItemKind.EnumMember) for value in values]

    # --- definitions, references, symbols -----------------------------------------------------

    def refs_at(self, uri: str, position: types.Position) -> tuple[Analysis, list[Any], str] | None:
        analysis = self.analyse(uri)
        if analysis is None:
            return None
        place = self.from_client(analysis.lines, position)
        block = analysis.block_at(place[0])
        if block is None:
            return None
        refs = component_refs(block)
        hit = next((r for r in refs if r.span.line == place[0] and r.span.start <= place[1] <= r.span.end), None)
        if hit is None:
            return None
        return analysis, [r for r in refs if r.cid == hit.cid], hit.cid

    def location(self, analysis: Analysis, span: Span) -> types.Location:
        return types.Location(analysis.uri, self.span_range(analysis.lines, span))

    def symbols(self, uri: str) -> list[types.DocumentSymbol]:
        analysis = self.analyse(uri)
        if analysis is None:
            return []
        lines = analysis.lines
        result = []
        for block in analysis.result.source.blocks:
            if block.marks is None or not isinstance(block.data, dict) or not isinstance(block.marks[4], dict):
                continue
            groups = []
            for key, kind in (("components", types.SymbolKind.Class), ("flows", types.SymbolKind.Event)):
                entry = block.marks[4].get(key)
                data = block.data.get(key)
                if entry is None or not isinstance(data, dict) or not isinstance(entry[2][4], dict):
                    continue
                children = []
                for name, (line, column, node) in entry[2][4].items():
                    body = data.get(name)
                    detail = None
                    if isinstance(body, dict):
                        shown = [str(body[k]) for k in ("kind", "tech", "rate") if body.get(k) is not None]
                        detail = " ".join(shown) or None
                    children.append(self._symbol(block, lines, str(name), kind, detail, line, column, node))
                group_line, group_col, group_node = entry
                group = self._symbol(block, lines, key, types.SymbolKind.Namespace, None, group_line, group_col,
                                     group_node)
                group.children = children
                groups.append(group)
            result.extend(groups)
        return result

    def _symbol(self, block: Block, lines: list[str], name: str, kind: types.SymbolKind, detail: str | None,
                line: int, column: int, node: Any) -> types.DocumentSymbol:
        start = to_file(block, line, column)
        last = to_file(block, max(edit_lib.last_line(block, node), line), 0)[0]
        end = (last, len(lines[last]) if last < len(lines) else 0)
        selection = types.Range(self.to_client(lines, start), self.to_client(lines, (start[0], start[1] + len(name))))
        return types.DocumentSymbol(name=name, kind=kind, detail=detail,
                                    range=types.Range(self.to_client(lines, start), self.to_client(lines, end)),
                                    selection_range=selection)

    # --- quick fixes ------------------------------------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = self.analyse(uri)
        if analysis is None:
            return []
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != "archlint" or not isinstance(diagnostic.code, str):
                continue
            block = analysis.block_at(self.from_client(analysis.lines, diagnostic.range.start)[0])
            if block is None:
                continue
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            path = tuple(data.get("path") or ())
            for title, edit in self._fixes(analysis, block, diagnostic, path):
                actions.append(self._action(analysis, title, edit, diagnostic))
        return actions

    def _fixes(self, analysis: Analysis, block: Block, diagnostic: types.Diagnostic,
               path: tuple[Any, ...]) -> list[tuple[str, edit_lib.Edit]]:
        code = str(diagnostic.code)
        fixes: list[tuple[str, edit_lib.Edit | None]] = []
        if code == "RES001":
            fixes.append(("Add a timeout to this call", edit_lib.add_edge_property(block, path[:4], "timeout", "1s")))
        elif code in ("RES003", "ASY003"):
            fixes.append(("Mark it idempotent: true",
                          edit_lib.add_edge_property(block, path[:4], "idempotent", "true")))
        elif code == "INP010":
            match = re.search(r"did you mean '([^']+)'", diagnostic.message)
            if match:
                start = self.from_client(analysis.lines, diagnostic.range.start)
                end = self.from_client(analysis.lines, diagnostic.range.end)
                fixes.append((f"Change to '{match.group(1)}'", edit_lib.replace_span(start, end, match.group(1))))
        elif code in ("INP011", "INP002"):
            fixes.append(self._quote_fix(analysis, block, diagnostic, path))
        if code[:3] not in ("INP", "LNT", "ENG"):
            fixes.append((f"Suppress {code} here, with a reason to write",
                          edit_lib.add_suppression(block, path, code)))
        return [(title, edit) for title, edit in fixes if edit is not None]

    def _quote_fix(self, analysis: Analysis, block: Block, diagnostic: types.Diagnostic,
                   path: tuple[Any, ...]) -> tuple[str, edit_lib.Edit | None]:
        title = "Quote the value, so that YAML reads it as text"
        line = self.from_client(analysis.lines, diagnostic.range.start)[0]
        text = analysis.lines[line] if line < len(analysis.lines) else ""
        if str(diagnostic.code) == "INP002":
            # the parser's words, or archlint's own for this trap
            if "mapping values are not allowed" not in diagnostic.message and \
                    "colon followed by a space" not in diagnostic.message:
                return title, None
            found = edit_lib.quote_line_value(text)
            if found is None:
                return title, None
            return title, edit_lib.replace_span((line, found[0]), (line, found[1]), found[2])
        if "(got a map)" not in diagnostic.message or not path:
            return title, None
        annotation = type_at(path)
        if annotation is None or not _accepts_text(annotation):
            return title, None
        found = edit_lib.quote_line_value(text)
        if found is not None:
            return title, edit_lib.replace_span((line, found[0]), (line, found[1]), found[2])
        flow = re.match(r"^(\s*(?:-\s+)?[\w.-]+:\s+)(\{[^{}#]*\})\s*(#.*)?$", text)
        if flow:
            start = len(flow.group(1))
            value = flow.group(2)
            return title, edit_lib.replace_span((line, start), (line, start + len(value)), edit_lib.quote(value))
        return title, None

    def _action(self, analysis: Analysis, title: str, edit: edit_lib.Edit,
                diagnostic: types.Diagnostic) -> types.CodeAction:
        lines = analysis.lines
        new_text = edit.text
        text_edit = types.TextEdit(types.Range(self.to_client(lines, edit.start), self.to_client(lines, edit.end)),
                                   new_text)
        command = None
        if edit.select is not None:
            after = _apply(lines, edit)
            start, end = edit.select
            selection = types.Range(self.to_client(after, start), self.to_client(after, end))
            command = types.Command(title="Go to the value to write", command=SELECT_COMMAND,
                                    arguments=[analysis.uri, selection.start.line, selection.start.character,
                                               selection.end.line, selection.end.character])
        return types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={analysis.uri: [text_edit]}), command=command,
            is_preferred=not title.startswith("Suppress"))


def _apply(lines: list[str], edit: edit_lib.Edit) -> list[str]:
    """The lines after an edit (to place the cursor in the editor's units)."""
    text = "\n".join(lines)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(place: Place) -> int:
        return offsets[min(place[0], len(lines))] + place[1] if place[0] < len(lines) else len(text)

    changed = text[:offset(edit.start)] + edit.text + text[offset(edit.end):]
    return changed.split("\n")


def _word_at(text: str, column: int) -> tuple[str, int, int] | None:
    for match in re.finditer(r"[A-Za-z0-9_.-]+", text):
        if match.start() <= column <= match.end():
            return match.group(0), match.start(), match.end()
    return None


def _explain(rules: Any, code: str) -> str | None:
    from archlint.views.rules import explain_text

    meta = rules.meta(code)
    return None if meta is None else explain_text(meta)


def _type_words(path: tuple[Any, ...]) -> str:
    from archlint.language.reference import type_text

    found = field_at(path)
    if found is None:
        return ""
    model, name = found
    info = model.model_fields[name]
    return type_text(info.annotation, info.metadata)


def _accepts_text(annotation: Any) -> bool:
    """Whether a value of this type may be free text (a description, a list item of
    `functional`), so that quoting what YAML read as a map gives a valid value."""
    from archlint.language.reference import type_text

    return "text" in type_text(annotation).split(" or ")


def _unit_kind(path: tuple[Any, ...]) -> str | None:
    if type_at(path) is None:
        return None
    words = _type_words(path)
    for unit in ("duration", "rate", "size", "percent", "count"):
        if words.startswith(unit):
            return unit
    if words.startswith("whole number") or words.startswith("number"):
        return "whole"
    return None


# --- wiring --------------------------------------------------------------------------------------------

def make_server() -> ArchlintServer:
    server = ArchlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ArchlintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce_ms"), (int, float)):
            ls.debounce = max(0.0, float(options["debounce_ms"]) / 1000)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ArchlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ArchlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ArchlintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.rsplit("/", 1)[-1] in CONFIG_NAMES:
            ls.forget_configuration()
            ls.analyses.clear()
            for other in list(ls.published):
                ls.schedule(other, 0)
            return
        ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ArchlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.clear(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: ArchlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.rsplit("/", 1)[-1] in CONFIG_NAMES for change in params.changes):
            ls.forget_configuration()
            ls.analyses.clear()
            for other in list(ls.published):
                ls.schedule(other, 0)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ArchlintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[":", ">", ",", "-"]))
    def completion(ls: ArchlintServer, params: types.CompletionParams) -> types.CompletionList:
        return types.CompletionList(is_incomplete=False, items=ls.complete(params.text_document.uri, params.position))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: ArchlintServer, params: types.DefinitionParams) -> list[types.Location]:
        found = ls.refs_at(params.text_document.uri, params.position)
        if found is None:
            return []
        analysis, refs, _cid = found
        return [ls.location(analysis, r.span) for r in refs if r.role == "definition"]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: ArchlintServer, params: types.ReferenceParams) -> list[types.Location]:
        found = ls.refs_at(params.text_document.uri, params.position)
        if found is None:
            return []
        analysis, refs, _cid = found
        include = params.context.include_declaration
        return [ls.location(analysis, r.span) for r in refs if include or r.role != "definition"]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: ArchlintServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        return ls.symbols(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: ArchlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.command(SELECT_COMMAND)
    async def select(ls: ArchlintServer, uri: str, start_line: int, start_character: int, end_line: int,
                     end_character: int) -> None:
        selection = types.Range(types.Position(start_line, start_character), types.Position(end_line, end_character))
        await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, selection=selection, take_focus=True))

    return server


def main() -> None:
    make_server().start_io()
