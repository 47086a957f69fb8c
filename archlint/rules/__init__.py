"""The built-in checks, one module per area. A check is a pure function of a
`RuleContext` that yields findings pointing at YAML paths; its metadata and docs live
as data in the top-level `rules/` packs, joined to the function by code."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archlint.findings import Finding, Path

CheckFn = Callable[["RuleContext"], Iterable[Finding]]

# Area prefix -> the module holding its checks (archlint/rules/<module>.py).
AREA_MODULES: dict[str, str] = {
    "DOC": "document",
    "ARC": "architecture",
    "ASY": "messaging",
    "RES": "resilience",
    "OBS": "observability",
    "AVL": "availability",
    "DAT": "data",
    "SEC": "security",
    "CAC": "caching",
    "SCL": "scalability",
    "LAT": "latency",
}

_CHECKS: dict[str, CheckFn] = {}


def check(code: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under its rule code."""

    def register(function: CheckFn) -> CheckFn:
        if code in _CHECKS:
            raise RuntimeError(f"two checks registered for {code}")
        _CHECKS[code] = function
        return function

    return register


@functools.cache
def builtin_checks() -> dict[str, CheckFn]:
    """Every built-in check by code (imports the area modules once)."""
    for module in AREA_MODULES.values():
        importlib.import_module(f"archlint.rules.{module}")
    return dict(_CHECKS)


@dataclass(slots=True)
class RuleContext:
    """What a check reads: the design, its graph and derived terms, and its options."""

    terms: Any  # archlint.analysis.terms.Terms
    code: str
    severity: str
    options: dict[str, Any]
    all_options: Any = None  # code -> that rule's merged options (a few rules share one)

    @property
    def design(self) -> Any:
        return self.terms.design

    @property
    def graph(self) -> Any:
        return self.terms.graph

    def finding(self, path: Path, message: str, hint: str | None = None) -> Finding:
        return Finding(self.code, self.severity, message, tuple(path), hint)

    def options_of(self, code: str) -> dict[str, Any]:
        """Another rule's merged options (LAT002 reads ARC005.coordination_techs)."""
        return dict((self.all_options or {}).get(code, {}))


# Figures parsed from `99.9%` and `0.999`, or summed in another order, may differ in
# the last bits: a value exactly at a limit must read as at the limit, everywhere
# (rules and `archlint estimate` share archlint.analysis.figures' comparisons).
# Imported on first use (PEP 562): the figures pull in the language's models and
# pydantic, which a run answered from the result cache never needs.
if TYPE_CHECKING:
    from archlint.analysis.figures import over as exceeds
    from archlint.analysis.figures import under as falls_short
else:
    _FROM_FIGURES = {"exceeds": "over", "falls_short": "under"}

    def __getattr__(name: str) -> Any:
        if name not in _FROM_FIGURES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from archlint.analysis import figures

        value = globals()[name] = getattr(figures, _FROM_FIGURES[name])
        return value

_TOLERANCE = 1e-9


def reaches(value: float, limit: float) -> bool:
    """value >= limit, ignoring float noise (at the limit counts)."""
    return value >= limit * (1 - _TOLERANCE)


def stated(value: Any) -> bool:
    """A design value that says yes: `true` or a name (a tool, a path). Absent, `false`,
    an empty string or `none` say no (observability pillars, health checks)."""
    if value is True:
        return True
    if isinstance(value, str):
        text = value.strip().lower()
        return bool(text) and text not in ("none", "false")
    return False


def first(iterable: Iterable[Any]) -> Any:
    """The first item, or None."""
    for item in iterable:
        return item
    return None


def sorted_ids(ids: Iterable[str]) -> list[str]:
    """Component ids in code-point order (deterministic messages)."""
    return sorted(ids)


def joined(ids: Iterable[str]) -> str:
    """`a, b and c`."""
    items = list(ids)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


__all__ = [
    "Iterator",
    "RuleContext",
    "builtin_checks",
    "check",
    "exceeds",
    "falls_short",
    "first",
    "joined",
    "reaches",
    "sorted_ids",
    "stated",
]
