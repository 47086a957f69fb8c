"""A Markdown report (`--format markdown`) to post as a pull-request comment: the
summary line, then one table row per finding with its hint."""

from __future__ import annotations

import re

from archlint.findings import Finding
from archlint.formats.text import summary
from archlint.rules.metadata import RuleSet
from archlint.run.results import CheckResult

TITLE = "### archlint"
# Characters that would start emphasis, code, links or HTML, or end a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def render(result: CheckResult) -> str:
    lines = [TITLE, "", summary(result)]
    if result.findings:
        lines += ["", "| location | code | severity | message |", "| --- | --- | --- | --- |"]
        lines += [_row(finding, result.rules) for finding in result.findings]
    return "\n".join(lines) + "\n"


def _row(finding: Finding, rules: RuleSet) -> str:
    code = f"[{finding.code}]({rules.url(finding.code)}) {escape(rules.name(finding.code))}"
    message = escape(finding.message)
    if finding.hint:
        message += f"<br>hint: {escape(finding.hint)}"
    return f"| {escape(f'{finding.file}:{finding.line}')} | {code} | {finding.severity} | {message} |"


def escape(text: str) -> str:
    """Plain text for a table cell: Markdown and HTML read literally, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return " ".join(text.splitlines())
