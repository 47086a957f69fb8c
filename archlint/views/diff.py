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
    figures: Any  # None for a sketch: it has no figures
    findings: list[Finding]
    raw: Any = None  # the block's YAML data as written, for changes in the user's own units
    block: int = 0  # its block index in the file (Markdown)
    sketch: bool = False  # an `archlint sketch` block: no rules, no figures

    @property
    def name(self) -> str:
        return str(self.design.name)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any  # JSON-ready; None when the field was not set
    after: Any


@dataclass(frozen=True, slots=True)
class TargetChange:
    """A target relaxed or dropped: an error can be silenced by moving the goal."""

    target: str  # "availability", "p99 latency", "durability"
    subject: str  # "the design" or "flow checkout"
    where: str  # the YAML path: requirements.availability, flows.checkout.latency_p99
    before: str  # as written
    after: str | None  # as written; None when the target was removed

    @property
    def sentence(self) -> str:
        if self.after is None:
            return f"{self.target} target of {self.subject} removed (was {self.before})"
        verb = "raised" if self.target == "p99 latency" else "lowered"
        return f"{self.target} target of {self.subject} {verb} from {self.before} to {self.after}"


@dataclass(frozen=True, slots=True)
class FigureChange:
    figure: str  # "peak load", "utilisation", "write utilisation", "availability", "latency p99", ...
    subject: str  # the flow or component
    before: float | None
    after: float | None
    unit: str  # "rps", "fraction", "seconds", "messages"


@dataclass(slots=True)
class DesignDiff:
    old_title: str | None
    new_title: str | None
    components_added: list[str] = field(default_factory=list)
    components_removed: list[str] = field(default_factory=list)
    components_changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    flows_added: list[str] = field(default_factory=list)
    flows_removed: list[str] = field(default_factory=list)
    flows_changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    requirements_changed: list[FieldChange] = field(default_factory=list)
    targets_lowered: list[TargetChange] = field(default_factory=list)
    edges_added: list[tuple[str, str, str]] = field(default_factory=list)  # (from, kind, to)
    edges_removed: list[tuple[str, str, str]] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    findings_new: list[Finding] = field(default_factory=list)
    findings_fixed: list[Finding] = field(default_factory=list)
    note: str | None = None  # a design that became a sketch: its findings are not judged, not fixed

    @property
    def unchanged(self) -> bool:
        return self.note is None and not (self.components_added or self.components_removed or self.components_changed
                    or self.flows_added or self.flows_removed or self.flows_changed or self.requirements_changed
                    or self.edges_added or self.edges_removed or self.figures or self.findings_new
                    or self.findings_fixed)


def diff_files(old: list[Side], new: list[Side]) -> list[DesignDiff]:
    """Designs paired by name first; those left on both sides are paired in block order
    (a renamed design); a design only on one side then counts as wholly added or
    removed. In the new file's block order, removed designs where they stood."""
    pairs: list[tuple[Side | None, Side | None]] = []
    left_old = list(old)
    unmatched_new: list[Side] = []
    for after in new:
        same = next((before for before in left_old if before.name == after.name), None)
        if same is not None:
            left_old.remove(same)
            pairs.append((same, after))
        else:
            unmatched_new.append(after)
    for after in unmatched_new:
        pairs.append((left_old.pop(0) if left_old else None, after))
    pairs += [(before, None) for before in left_old]
    pairs.sort(key=lambda pair: ((pair[1] or pair[0]).block, pair[1] is None))  # type: ignore[union-attr]
    return [diff_designs(before, after) for before, after in pairs]


def diff_designs(old: Side | None, new: Side | None) -> DesignDiff:
    result = DesignDiff(old.title if old else None, new.title if new else None)
    old_components = _section(old, "components")
    new_components = _section(new, "components")
    result.components_added = sorted(set(new_components) - set(old_components))
    result.components_removed = sorted(set(old_components) - set(new_components))
    for cid in sorted(set(old_components) & set(new_components)):
        changes = _component_changes(old_components[cid], new_components[cid])
        if changes:
            result.components_changed[cid] = changes
    old_flows, new_flows = _section(old, "flows"), _section(new, "flows")
    result.flows_added = sorted(set(new_flows) - set(old_flows))
    result.flows_removed = sorted(set(old_flows) - set(new_flows))
    for name in sorted(set(old_flows) & set(new_flows)):
        changes = field_changes(old_flows[name], new_flows[name])
        if changes:
            result.flows_changed[name] = changes
    if old is not None and new is not None:
        result.requirements_changed = field_changes(_section(old, "requirements"), _section(new, "requirements"))
        result.targets_lowered = _lowered_targets(old, new)
    old_edges, new_edges = _edges(old), _edges(new)
    result.edges_added = sorted(new_edges - old_edges)
    result.edges_removed = sorted(old_edges - new_edges)
    result.figures = _figure_changes(old, new)
    result.findings_new = _unmatched(new.findings if new else [], old.findings if old else [])
    result.findings_fixed = _unmatched(old.findings if old else [], new.findings if new else [])
    if old is not None and new is not None and new.sketch and not old.sketch:
        count = len(result.findings_fixed)
        result.note = (f"became a sketch: no rule judges it any more, so its {count} finding"
                       f"{'' if count == 1 else 's'} are not reported, not fixed")
        result.findings_fixed = []
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


def _section(side: Side | None, key: str) -> dict[str, Any]:
    """A top-level map of the design as written (components, flows, requirements)."""
    if side is None or not isinstance(side.raw, dict):
        return {}
    section = side.raw.get(key)
    return section if isinstance(section, dict) else {}


_EDGE_KEYS = ("calls", "publishes", "consumes")


def _edges_as_maps(component: Any) -> Any:
    """`calls: [db]` and `calls: {db: {timeout: 1s}}` say the same about `db`: as maps,
    a timeout added to a listed call reads `calls.db.timeout: (unset) → 1s`."""
    if not isinstance(component, dict):
        return component
    shaped = dict(component)
    for key in _EDGE_KEYS:
        value = shaped.get(key)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            shaped[key] = {item: {} for item in value}
    return shaped


def field_changes(before: Any, after: Any, prefix: str = "") -> list[FieldChange]:
    """Every value that differs, by dotted path, as the author wrote it
    (`calls.payments.timeout: 3s → 1.5s`): maps on both sides are compared key by key;
    a map on one side only, and lists, are shown whole."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for key in sorted(set(before) | set(after), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            changes += field_changes(before.get(key, _ABSENT), after.get(key, _ABSENT), path)
        return changes
    if _canonical(before) == _canonical(after):
        return []
    return [FieldChange(prefix, None if before is _ABSENT else before, None if after is _ABSENT else after)]


def _component_changes(before: Any, after: Any) -> list[FieldChange]:
    """A component's changes, less the edges added or removed whole: the edge list says
    those already."""
    changes = field_changes(_edges_as_maps(before), _edges_as_maps(after))
    return [change for change in changes
            if not (change.field.split(".", 1)[0] in _EDGE_KEYS and change.field.count(".") == 1
                    and (change.before is None or change.after is None))]


_ABSENT: Any = object()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _edges(side: Side | None) -> set[tuple[str, str, str]]:
    if side is None:
        return set()
    return {(edge.src, edge.kind, edge.dst) for edge in side.graph.edges}


_TARGETS = (("availability", "availability", True), ("latency_p99", "p99 latency", False),
            ("durability", "durability", True))  # (field, name, higher is stricter)


def _lowered_targets(old: Side, new: Side) -> list[TargetChange]:
    """Targets of the design (`requirements`) and of each flow present on both sides
    that the new version relaxes or drops."""
    places: list[tuple[str, str, Any, Any, Any, Any]] = [
        ("the design", "requirements", old.design.requirements, new.design.requirements,
         _section(old, "requirements"), _section(new, "requirements"))]
    old_flows, new_flows = old.design.flows or {}, new.design.flows or {}
    for name in sorted(set(old_flows) & set(new_flows)):
        places.append((f"flow {name}", f"flows.{name}", old_flows[name], new_flows[name],
                       _section(old, "flows").get(name), _section(new, "flows").get(name)))
    lowered = []
    for subject, where, before, after, raw_before, raw_after in places:
        for field_name, label, higher_is_stricter in _TARGETS:
            was = getattr(before, field_name, None) if before is not None else None
            now = getattr(after, field_name, None) if after is not None else None
            if was is None or (now is not None and not _looser(was, now, higher_is_stricter)):
                continue
            lowered.append(TargetChange(label, subject, f"{where}.{field_name}", _written(raw_before, field_name, was),
                                        None if now is None else _written(raw_after, field_name, now)))
    return lowered


def _looser(was: float, now: float, higher_is_stricter: bool) -> bool:
    if _same(was, now):
        return False
    return now < was if higher_is_stricter else now > was


def _written(raw: Any, key: str, value: Any) -> str:
    """A value as the author wrote it (`99.95%`, `200ms`)."""
    if isinstance(raw, dict) and raw.get(key) is not None:
        return str(raw[key])
    return f"{value:g}" if isinstance(value, float) else str(value)


def _figure_values(side: Side | None) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(figure, subject) -> (value, unit) for the figures a pull request cares about."""
    if side is None or side.figures is None:
        return {}
    figures = side.figures
    values: dict[tuple[str, str], tuple[float | None, str]] = {}
    for name, rate in figures.rates.items():
        values[("peak load", name)] = (rate.peak, "rps")
    for cid, load in figures.loads.items():
        values[("utilisation", cid)] = (load.utilisation, "fraction")
        if load.write_limit is not None:  # a single-leader store: its writes against its primaries
            values[("write utilisation", cid)] = (load.write_utilisation, "fraction")
    for name, flow in figures.availability.items():
        if flow.value is not None:
            values[("availability", name)] = (flow.value, "fraction")
    for name, flow in figures.latency.items():
        if flow.value is not None:
            values[("latency p99", name)] = (flow.value, "seconds")
    for backlog in figures.backlogs:  # what the peak leaves in a queue (docs/language.md)
        values[("queue backlog", f"{backlog.broker} -> {backlog.consumer}")] = (backlog.messages, "messages")
    return values


_FIGURE_ORDER = {"peak load": 0, "availability": 1, "latency p99": 2, "utilisation": 3, "write utilisation": 4,
                 "queue backlog": 5}


def _figure_changes(old: Side | None, new: Side | None) -> list[FigureChange]:
    if (old is not None and old.figures is None) or (new is not None and new.figures is None):
        return []  # a sketch has no figures to compare
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


def _fields(changes: list[FieldChange]) -> list[dict[str, Any]]:
    return [{"field": c.field, "before": c.before, "after": c.after} for c in changes]


def as_data(old_name: str, new_name: str, diffs: list[DesignDiff]) -> dict[str, Any]:
    """Values are as the author wrote them (`3s`, `99.95%`), never converted."""
    return {
        "version": 1,
        "old": old_name,
        "new": new_name,
        "targets_lowered": [{"design": d.new_title, "target": t.target, "subject": t.subject, "path": t.where,
                             "before": t.before, "after": t.after, "text": t.sentence}
                            for d in diffs for t in d.targets_lowered],
        "designs": [
            {
                "old_design": d.old_title,
                "new_design": d.new_title,
                "components": {
                    "added": d.components_added,
                    "removed": d.components_removed,
                    "changed": [{"id": cid, "fields": _fields(changes)}
                                for cid, changes in d.components_changed.items()],
                },
                "flows": {
                    "added": d.flows_added,
                    "removed": d.flows_removed,
                    "changed": [{"name": name, "fields": _fields(changes)}
                                for name, changes in d.flows_changed.items()],
                },
                "requirements": _fields(d.requirements_changed),
                "edges": {
                    "added": [{"from": s, "kind": k, "to": t} for s, k, t in d.edges_added],
                    "removed": [{"from": s, "kind": k, "to": t} for s, k, t in d.edges_removed],
                },
                "figures": [{"figure": f.figure, "subject": f.subject, "before": f.before, "after": f.after,
                             "unit": f.unit} for f in d.figures],
                "note": d.note,
                "findings": {"new": [_finding_data(f) for f in d.findings_new],
                             "fixed": [_finding_data(f) for f in d.findings_fixed]},
            }
            for d in diffs
        ],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "severity": finding.severity, "path": finding.path_text,
            "message": finding.message, "file": finding.file, "line": finding.line, "column": finding.column}
