"""The default text report: `file:line:col: CODE severity name: message`, the source
line with a caret under the column, the hint and docs lines, then one summary line.
With `statistics`, a count per code replaces the findings."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from archlint.findings import Finding, path_str
from archlint.formats.escape import visible, visible_path
from archlint.rules.metadata import RuleSet, builtin_rule_set
from archlint.run.results import CheckResult, FileResult, split_lines

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"

_WIDEST = 120  # code points of a source line shown; a longer one is cut around the caret
# Shown as U+FFFD: control characters (a file could carry terminal escapes) and the
# bidirectional overrides that make a line read other than it parses.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def render(result: CheckResult, *, color: bool = False, quiet: bool = False, statistics: bool = False,
           show_suppressed: bool = False) -> str:
    paint = _Paint(color)
    if statistics:
        lines = statistics_lines(result, paint)
    else:
        lines = []
        sources = SourceLines(result)
        shown = _FindingLines(paint, result.rules)
        for finding in result.findings:
            lines += shown(finding, sources.line(finding))
        if show_suppressed and result.suppressed:
            lines += suppressed_lines(result, sources, paint)
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")


def finding_lines(finding: Finding, source_line: str | None, paint: _Paint,
                  rules: RuleSet | None = None) -> list[str]:
    return _FindingLines(paint, rules)(finding, source_line)


class _FindingLines:
    """A finding's lines; what repeats from finding to finding (a rule's name and docs
    line, a file's name as shown) is worked out once per report."""

    def __init__(self, paint: _Paint, rules: RuleSet | None) -> None:
        self.paint = paint
        self.rules = rules or builtin_rule_set()
        self._codes: dict[str, tuple[str, str]] = {}
        self._files: dict[str, str] = {}
        self._severities = {name: paint(style, name) for name, style in _COLORS.items()}
        self._carets = {name: paint(style, "^") for name, style in _COLORS.items()}

    def __call__(self, finding: Finding, source_line: str | None) -> list[str]:
        paint = self.paint
        code = finding.code
        rule = self._codes.get(code)
        if rule is None:
            rule = self._codes[code] = (visible(self.rules.name(code)), paint(_DIM, f"  docs: {self.rules.url(code)}"))
        file = self._files.get(finding.file)
        if file is None:
            file = self._files[finding.file] = visible_path(finding.file)
        # User text (file names, ids, keys in messages and hints) is shown with its control
        # characters escaped: no line starts where the user chose, no escape reaches a terminal.
        where = paint(_BOLD, f"{file}:{finding.line}:{finding.column}:")
        lines = [f"{where} {code} {self._severities[finding.severity]} {rule[0]}: {visible(finding.message)}"]
        if source_line is not None:
            shown, pad = caret_padding(source_line, finding.column)
            gutter = str(finding.line)
            lines.append((paint(_DIM, f"  {gutter} |") + f" {shown}").rstrip())
            lines.append(paint(_DIM, f"  {' ' * len(gutter)} |") + f" {pad}" + self._carets[finding.severity])
        if finding.hint:
            lines.append(f"  hint: {visible(finding.hint)}")
        lines.append(rule[1])
        return lines


def suppressed_lines(result: CheckResult, sources: SourceLines, paint: _Paint) -> list[str]:
    """The findings the designs accept (`--show-suppressed`), each with the author's
    reason, its expiry and where the suppression is written."""
    count = len(result.suppressed)
    lines = [paint(_BOLD, f"Accepted by the design (lint.ignore), not counted: {_plural(count, 'finding')}")]
    shown = _FindingLines(paint, result.rules)
    for finding in result.suppressed:
        accepted = finding.suppression
        lines += shown(finding, sources.line(finding))[:-1]  # no docs line: it was read
        if accepted is not None:
            until = f", until {accepted.until}" if accepted.until else ""
            lines.append(f"  accepted: {visible(accepted.reason)} ({visible(path_str(accepted.path))}{until})")
    return lines


def caret_padding(line: str, column: int) -> tuple[str, str]:
    """The source line as shown, and the blanks that put a caret under `column`
    (1-based, in code points). Tabs stay tabs and wide characters count twice, so the
    caret lines up in a terminal; a very long line is cut to a window around it."""
    line = _UNSHOWABLE.sub("\ufffd", line.rstrip())
    index = max(column - 1, 0)
    if len(line) > _WIDEST:
        start = min(max(index - _WIDEST // 3, 0), len(line) - _WIDEST)
        head = "…" if start > 0 else ""
        tail = "…" if start + _WIDEST < len(line) else ""
        line, index = head + line[start : start + _WIDEST] + tail, index - start + len(head)
    prefix = line[:index]
    if prefix.isascii():  # neither wide nor combining: one blank a character, tabs kept (the usual case)
        blanks = "\t".join(" " * len(part) for part in prefix.split("\t")) if "\t" in prefix else " " * len(prefix)
    else:
        blanks = "".join(_blank(char) for char in prefix)
    return line, blanks + " " * max(index - len(line), 0)


def _blank(char: str) -> str:
    if char == "\t":
        return "\t"
    if unicodedata.combining(char):
        return ""
    return "  " if unicodedata.east_asian_width(char) in ("W", "F") else " "


class SourceLines:
    """The text lines of each checked file, split once, on first use."""

    def __init__(self, result: CheckResult) -> None:
        self._files: dict[str, FileResult] = {file.name: file for file in result.files}
        self._lines: dict[str, list[str] | dict[int, str]] = {}

    def line(self, finding: Finding) -> str | None:
        """The file's line the finding points at (in Markdown, the .md line), if any."""
        lines = self._lines.get(finding.file)
        if lines is None:
            file = self._files.get(finding.file)
            if file is None:
                lines = []
            elif file.lines is not None:  # a compact result keeps the lines findings need
                lines = file.lines
            else:
                lines = split_lines(file.source.text, file.source.is_markdown)
            self._lines[finding.file] = lines
        if isinstance(lines, dict):
            return lines.get(finding.line)
        return lines[finding.line - 1] if 0 < finding.line <= len(lines) else None


def statistics_lines(result: CheckResult, paint: _Paint) -> list[str]:
    """One row per code: count, code, severity, name; most frequent first."""
    counts = Counter(finding.code for finding in result.findings)
    severity = {finding.code: finding.severity for finding in result.findings}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    count_width = max((len(str(count)) for _, count in rows), default=1)
    code_width = max((len(code) for code, _ in rows), default=6)
    return [
        f"{count:>{count_width}}  {code:<{code_width}}  "
        f"{paint(_COLORS[severity[code]], severity[code].ljust(7))}  {result.rules.name(code)}".rstrip()
        for code, count in rows
    ]


class _Paint:
    """Wraps text in an ANSI style, or leaves it alone when colours are off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if self.enabled else text


def _plural(count: int, word: str) -> str:
    if count == 1 or word == "info":
        return f"{count} {word}"
    return f"{count} {word}es" if word.endswith("ch") else f"{count} {word}s"


def designs_counted(result: CheckResult) -> str:
    """`2 designs`, or `2 designs, 1 sketch`: sketches are counted apart."""
    sketches = sum(1 for f in result.files for d in f.designs if d.block.sketch)
    designs = sum(len(f.designs) for f in result.files) - sketches
    return _plural(designs, "design") + (f", {_plural(sketches, 'sketch')}" if sketches else "")


def summary(result: CheckResult) -> str:
    counts = result.counts()
    files = len(result.files)
    scope = f"{_plural(files, 'file')} ({designs_counted(result)})"
    total = sum(counts.values())
    # Say what the baseline hid, so a clean run is not mistaken for a clean design.
    accepted = "" if result.baselined is None else \
        f"; {_plural(result.baselined, 'finding')} accepted by the baseline"
    if total == 0:
        return f"No problems found in {scope}{accepted}."
    parts = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info"))
    return f"Found {_plural(total, 'problem')} ({parts}) in {scope}{accepted}."
