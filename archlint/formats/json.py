"""The JSON report (`--format json`): a versioned structure for tools (cli.md)."""

from __future__ import annotations

from typing import Any

from archlint.findings import Finding, path_str
from archlint.formats import jsontext
from archlint.rules.metadata import RuleSet
from archlint.run.results import CheckResult

VERSION = 1


def _finding(f: Finding, rules: RuleSet) -> dict[str, Any]:
    return {
        "file": f.file,
        "block": f.block,
        "line": f.line,
        "column": f.column,
        "code": f.code,
        "name": rules.name(f.code),
        "severity": f.severity,
        "message": f.message,
        "hint": f.hint,
        "path": f.path_text,
        "docs": rules.url(f.code),
    }


def _suppressed(f: Finding, rules: RuleSet) -> dict[str, Any]:
    """A finding the design accepts, with the author's reason, its expiry and where the
    suppression is written."""
    accepted = f.suppression
    return {**_finding(f, rules), "reason": accepted.reason if accepted else "",
            "until": accepted.until if accepted else None,
            "suppressed_at": path_str(accepted.path) if accepted else ""}


def render(result: CheckResult) -> str:
    document = {
        "version": VERSION,
        "files": [{"path": f.name, "designs": sum(1 for d in f.designs if not d.block.sketch),
                   "sketches": sum(1 for d in f.designs if d.block.sketch)} for f in result.files],
        "findings": [_finding(f, result.rules) for f in result.findings],
        "suppressed": [_suppressed(f, result.rules) for f in result.suppressed],
        "summary": {**result.counts(), "files": len(result.files),
                    **({} if result.baselined is None else {"baselined": result.baselined})},
    }
    return jsontext.dumps(document) + "\n"
