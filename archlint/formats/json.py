"""The JSON report (`--format json`): a versioned structure for tools (cli.md)."""

from __future__ import annotations

import json

from archlint.run.results import CheckResult

VERSION = 1


def render(result: CheckResult) -> str:
    document = {
        "version": VERSION,
        "files": [{"path": f.name, "designs": sum(1 for d in f.designs if not d.block.sketch),
                   "sketches": sum(1 for d in f.designs if d.block.sketch)} for f in result.files],
        "findings": [
            {
                "file": f.file,
                "block": f.block,
                "line": f.line,
                "column": f.column,
                "code": f.code,
                "name": result.rules.name(f.code),
                "severity": f.severity,
                "message": f.message,
                "hint": f.hint,
                "path": f.path_text,
                "docs": result.rules.url(f.code),
            }
            for f in result.findings
        ],
        "summary": {**result.counts(), "files": len(result.files)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
