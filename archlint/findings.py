"""Findings: what every step of the pipeline reports, and YAML paths that locate them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Union

Segment = Union[str, int]
Path = tuple[Segment, ...]

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

# A rule code: three capital letters and three digits (RES001). Codes with these prefixes
# are archlint's own: input problems, lint-configuration problems, engine failures. They
# cannot be suppressed, and custom rules cannot take them.
CODE_PATTERN = re.compile(r"[A-Z]{3}[0-9]{3}")
RESERVED_PREFIXES = ("INP", "LNT", "ENG")


def is_rule_code(text: str) -> bool:
    return CODE_PATTERN.fullmatch(text) is not None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or an empty string: the one
    suggestion every message that rejects a name makes."""
    import difflib  # only when there is a typo to suggest for

    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


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
class Suppression:
    """A `lint.ignore` entry that accepted a finding: a decision a reviewer must see."""

    reason: str
    until: str | None = None  # ISO date, inclusive
    path: Path = ()  # where the entry is written (`lint.ignore.ARC001`)


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
    suppression: Suppression | None = None  # set when the design accepts this finding

    @property
    def path_text(self) -> str:
        return path_str(self.path)

    def at(self, file: str, block: int, line: int, column: int) -> Finding:
        # All fields in order rather than dataclasses.replace: a third of the time, for the
        # tens of thousands of findings a large design has.
        return Finding(self.code, self.severity, self.message, self.path, self.hint, file, block, line, column,
                       self.suppression)

    def sort_key(self) -> tuple:
        return (self.file, self.block, self.line, self.column, self.code, self.path_text, self.message)
