"""Findings: what every step of the pipeline reports, and YAML paths that locate them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

Segment = Union[str, int]
Path = tuple[Segment, ...]

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def path_str(path: Path) -> str:
    """`('components', 'api', 'calls', 'db')` -> `components.api.calls.db`; `()` -> `$`."""
    if not path:
        return "$"
    parts: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif parts:
            parts.append("." + segment)
        else:
            parts.append(segment)
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. Rules fill code, message, hint and path; the pipeline adds the place."""

    code: str
    severity: str
    message: str
    path: Path = ()
    hint: str | None = None
    file: str = ""
    block: int = 0
    line: int = 0
    column: int = 0

    @property
    def path_text(self) -> str:
        return path_str(self.path)

    def at(self, file: str, block: int, line: int, column: int) -> "Finding":
        return replace(self, file=file, block=block, line=line, column=column)

    def sort_key(self) -> tuple:
        return (self.file, self.block, self.line, self.column, self.code, self.path_text, self.message)
