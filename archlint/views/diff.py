"""`archlint diff`: what changed between two versions of a design, as data. Pure
functions over checked designs and their `Figures`; archlint.views.diff_markdown and the
command render the result.

Findings are matched by code and YAML path, never by line: moving a component down
the file neither fixes nor raises anything.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archlint.findings import SEVERITY_RANK, Finding


@dataclass(slots=True)
class Side:
    """One version of one design: the validated model, its graph, figures and findings."""

    title: str
    design: Any
    graph: Any
    figures: Any
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any  # JSON-ready; None when the field was not set
    after: Any


@dataclass(frozen=True, slots=True)
class FigureChange:
    figure: str  # "peak load", "utilisation", "availability", "latency p99"
    subject: str  # the flow or component
    before: float | None
    after: float | None
    unit: str  # "rps", "fraction", "seconds"


@dataclass(slots=True)
class DesignDiff:
    old_title: str | None
    new_title: str | None
    components_added: list[str] = field(default_factory=list)
    components_removed: list[str] = field(default_factory=list)
    components_changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    edges_added: list[tuple[str, str, str]] = field(default_factory=list)  # (from, kind, to)
    edges_removed: list[tuple[str, str, str]] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    findings_new: list[Finding] = field(default_factory=list)
    findings_fixed: list[Finding] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.components_added or self.components_removed or self.components_changed
                    or self.edges_added or self.edges_removed or self.figures or self.findings_new
                    or self.findings_fixed)


def diff_files(old: list[Side], new: list[Side]) -> list[DesignDiff]:
    """Designs paired by position (block order in Markdown); a design only on one side
    counts as wholly added or removed."""
    diffs = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        diffs.append(diff_designs(before, after))
    return diffs


def diff_designs(old: Side | None, new: Side | None) -> DesignDiff:
    result = DesignDiff(old.title if old else None, new.title if new else None)
    old_components = _components(old)
    new_components = _components(new)
    result.components_added = sorted(set(new_components) - set(old_components))
    result.components_removed = sorted(set(old_components) - set(new_components))
    for cid in sorted(set(old_components) & set(new_components)):
        changes = _field_changes(old_components[cid], new_components[cid])
        if changes:
            result.components_changed[cid] = changes
    old_edges, new_edges = _edges(old), _edges(new)
    result.edges_added = sorted(new_edges - old_edges)
    result.edges_removed = sorted(old_edges - new_edges)
    result.figures = _figure_changes(old, new)
    result.findings_new = _unmatched(new.findings if new else [], old.findings if old else [])
    result.findings_fixed = _unmatched(old.findings if old else [], new.findings if new else [])
    return result


def finding_key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.path_text


def _unmatched(findings: list[Finding], others: list[Finding]) -> list[Finding]:
    """The findings of one side with no counterpart (same code and path) on the other;
    a key found twice here and once there leaves one unmatched."""
    available = Counter(finding_key(f) for f in others)
    left = []
    for finding in sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 3), f.code, f.path_text,
                                                   f.message)):
        key = finding_key(finding)
        if available[key]:
            available[key] -= 1
        else:
            left.append(finding)
    return left


def _components(side: Side | None) -> dict[str, dict[str, Any]]:
    if side is None:
        return {}
    return {cid: component.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            for cid, component in side.design.components.items()}


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if _canonical(old) != _canonical(new):
            changes.append(FieldChange(name, old, new))
    return changes


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _edges(side: Side | None) -> set[tuple[str, str, str]]:
    if side is None:
        return set()
    return {(edge.src, edge.kind, edge.dst) for edge in side.graph.edges}


def _figure_values(side: Side | None) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(figure, subject) -> (value, unit) for the figures a pull request cares about."""
    if side is None:
        return {}
    figures = side.figures
    values: dict[tuple[str, str], tuple[float | None, str]] = {}
    for name, rate in figures.rates.items():
        values[("peak load", name)] = (rate.peak, "rps")
    for cid, load in figures.loads.items():
        values[("utilisation", cid)] = (load.utilisation, "fraction")
    for name, flow in figures.availability.items():
        if flow.value is not None:
            values[("availability", name)] = (flow.value, "fraction")
    for name, flow in figures.latency.items():
        if flow.value is not None:
            values[("latency p99", name)] = (flow.value, "seconds")
    return values


_FIGURE_ORDER = {"peak load": 0, "availability": 1, "latency p99": 2, "utilisation": 3}


def _figure_changes(old: Side | None, new: Side | None) -> list[FigureChange]:
    before, after = _figure_values(old), _figure_values(new)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: (_FIGURE_ORDER[k[0]], k[1])):
        old_value, unit = before.get(key, (None, ""))
        new_value, new_unit = after.get(key, (None, ""))
        if not _same(old_value, new_value):
            changes.append(FigureChange(key[0], key[1], old_value, new_value, unit or new_unit))
    return changes


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1.0)


def as_data(old_name: str, new_name: str, diffs: list[DesignDiff]) -> dict[str, Any]:
    return {
        "version": 1,
        "old": old_name,
        "new": new_name,
        "designs": [
            {
                "old_design": d.old_title,
                "new_design": d.new_title,
                "components": {
                    "added": d.components_added,
                    "removed": d.components_removed,
                    "changed": [{"id": cid, "fields": [{"field": c.field, "before": c.before, "after": c.after}
                                                       for c in changes]}
                                for cid, changes in d.components_changed.items()],
                },
                "edges": {
                    "added": [{"from": s, "kind": k, "to": t} for s, k, t in d.edges_added],
                    "removed": [{"from": s, "kind": k, "to": t} for s, k, t in d.edges_removed],
                },
                "figures": [{"figure": f.figure, "subject": f.subject, "before": f.before, "after": f.after,
                             "unit": f.unit} for f in d.figures],
                "findings": {"new": [_finding_data(f) for f in d.findings_new],
                             "fixed": [_finding_data(f) for f in d.findings_fixed]},
            }
            for d in diffs
        ],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "severity": finding.severity, "path": finding.path_text,
            "message": finding.message, "file": finding.file, "line": finding.line, "column": finding.column}
