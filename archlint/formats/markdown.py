"""A Markdown report (`--format markdown`) to post as a pull-request comment: the
summary line, then one table row per finding with its hint."""

from __future__ import annotations

from archlint.findings import SEVERITY_RANK, Finding
from archlint.formats.escape import markdown_text
from archlint.formats.limit import DEFAULT_MAX_LENGTH, fit, more_line
from archlint.formats.text import summary
from archlint.rules.metadata import RuleSet
from archlint.run.results import CheckResult

TITLE = "### archlint"


def render(result: CheckResult, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """The report; when longer than `max_length` characters (0: no limit), the summary
    and the most important findings that fit, then how many were left out."""
    lines = [TITLE, "", summary(result)]
    if result.findings:
        lines += ["", *_TABLE_HEAD]
        lines += [_row(finding, result.rules) for finding in result.findings]
    full = "\n".join(lines) + "\n"
    if not max_length or len(full) <= max_length:
        return full
    ranked = sorted(result.findings,
                    key=lambda f: (SEVERITY_RANK[f.severity], -_weight(f.code, result.rules), f.sort_key()))
    return fit([TITLE, "", summary(result), "", *_TABLE_HEAD], [_row(f, result.rules) for f in ranked], _footer,
               max_length)


_TABLE_HEAD = ["| location | code | severity | message |", "| --- | --- | --- | --- |"]


def _footer(left_out: int) -> list[str]:
    if not left_out:
        return []
    return ["", more_line(left_out, "For all of them run again with `--max-length 0`, or write "
                                   "`--format json` or `--format sarif` to a file.")]


def _weight(code: str, rules: RuleSet) -> int:
    meta = rules.meta(code)
    return meta.review_weight if meta is not None and meta.review_weight is not None else -1


def _row(finding: Finding, rules: RuleSet) -> str:
    code = f"[{finding.code}]({rules.url(finding.code)}) {escape(rules.name(finding.code))}"
    message = escape(finding.message)
    if finding.hint:
        message += f"<br>hint: {escape(finding.hint)}"
    return f"| {escape(f'{finding.file}:{finding.line}')} | {code} | {finding.severity} | {message} |"


def escape(text: str) -> str:
    """Plain text for a table cell: Markdown and HTML read literally, one line, no
    mention (archlint.formats.escape)."""
    return markdown_text(text)
