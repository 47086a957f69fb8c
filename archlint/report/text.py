"""The default text report: `file:line:col: CODE severity name: message`, then the
hint and docs lines, then one summary line."""

from __future__ import annotations

from archlint.check import CheckResult
from archlint.rulepack import docs_url, rule_name

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


def render(result: CheckResult, *, color: bool = False, quiet: bool = False) -> str:
    lines: list[str] = []
    for finding in result.findings:
        severity = finding.severity
        where = f"{finding.file}:{finding.line}:{finding.column}:"
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[severity]}{severity}{_RESET}"
        lines.append(f"{where} {finding.code} {severity} {rule_name(finding.code)}: {finding.message}")
        if finding.hint:
            lines.append(f"  hint: {finding.hint}")
        docs = f"  docs: {docs_url(finding.code)}"
        lines.append(f"{_DIM}{docs}{_RESET}" if color else docs)
    if not quiet:
        lines.append(summary(result))
    return "\n".join(lines) + ("\n" if lines else "")


def summary(result: CheckResult) -> str:
    counts = result.counts()
    files = len(result.files)
    designs = sum(len(f.designs) for f in result.files)
    scope = f"{_plural(files, 'file')} ({_plural(designs, 'design')})"
    total = sum(counts.values())
    if total == 0:
        return f"No problems found in {scope}."
    parts = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info"))
    return f"Found {_plural(total, 'problem')} ({parts}) in {scope}."
