"""`archlint diff` as Markdown, short enough for a pull-request comment: the change
in components, edges, figures and findings, before -> after."""

from __future__ import annotations

import json
from typing import Any

from archlint.input.units import format_duration, format_percent, format_rate


def render(old_name: str, new_name: str, diffs: list[Any]) -> str:
    lines = [f"## archlint diff: `{_code(old_name)}` → `{_code(new_name)}`", ""]
    several = len(diffs) > 1
    for index, diff in enumerate(diffs):
        if several or diff.old_title != diff.new_title:
            lines += [f"### Design {index}: {_title(diff)}", ""]
        if diff.unchanged:
            lines += ["No change in components, edges, figures or findings.", ""]
            continue
        lines += _summary(diff) + [""]
        lines += _components(diff) + _edges(diff) + _figures(diff) + _findings(diff)
    return "\n".join(lines).rstrip() + "\n"


def _title(diff: Any) -> str:
    if diff.old_title is None:
        return f"{_text(diff.new_title)} (added)"
    if diff.new_title is None:
        return f"{_text(diff.old_title)} (removed)"
    if diff.old_title == diff.new_title:
        return _text(diff.new_title)
    return f"{_text(diff.old_title)} → {_text(diff.new_title)}"


def _summary(diff: Any) -> list[str]:
    line = (f"**{len(diff.findings_new)} new finding{_s(len(diff.findings_new))}, "
            f"{len(diff.findings_fixed)} fixed**; components: +{len(diff.components_added)} "
            f"−{len(diff.components_removed)} ~{len(diff.components_changed)}; edges: +{len(diff.edges_added)} "
            f"−{len(diff.edges_removed)}.")
    return [line]


def _components(diff: Any) -> list[str]:
    if not (diff.components_added or diff.components_removed or diff.components_changed):
        return []
    lines = ["#### Components", ""]
    lines += [f"- added `{_code(cid)}`" for cid in diff.components_added]
    lines += [f"- removed `{_code(cid)}`" for cid in diff.components_removed]
    for cid, changes in diff.components_changed.items():
        parts = [f"`{_code(c.field)}`: {_value(c.before)} → {_value(c.after)}" for c in changes]
        lines.append(f"- changed `{_code(cid)}`: " + "; ".join(parts))
    return lines + [""]


def _edges(diff: Any) -> list[str]:
    if not (diff.edges_added or diff.edges_removed):
        return []
    lines = ["#### Edges", ""]
    lines += [f"- added {_edge(edge)}" for edge in diff.edges_added]
    lines += [f"- removed {_edge(edge)}" for edge in diff.edges_removed]
    return lines + [""]


def _edge(edge: tuple[str, str, str]) -> str:
    """In the direction work moves: `api` → `db` (call), `queue` → `worker` (consume)."""
    src, kind, dst = edge
    return f"`{_code(src)}` → `{_code(dst)}` ({_EDGE_KIND.get(kind, kind)})"


_EDGE_KIND = {"calls": "call", "publishes": "publish", "consumes": "consume"}


def _figures(diff: Any) -> list[str]:
    if not diff.figures:
        return []
    lines = ["#### Figures", "", "| figure | of | before | after |", "|---|---|---|---|"]
    for change in diff.figures:
        lines.append(f"| {change.figure} | `{_code(change.subject)}` | {_figure(change.before, change.unit)} | "
                     f"{_figure(change.after, change.unit)} |")
    return lines + [""]


def _findings(diff: Any) -> list[str]:
    lines: list[str] = []
    for heading, findings in (("New findings", diff.findings_new), ("Fixed findings", diff.findings_fixed)):
        if findings:
            lines += [f"#### {heading}", ""]
            lines += [f"- **{f.severity} {f.code}** `{_code(f.path_text)}` ({_code(f.file)}:{f.line}): "
                      f"{_text(f.message)}" for f in findings]
            lines.append("")
    return lines


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rps":
        return format_rate(value)
    if unit == "seconds":
        return format_duration(value)
    if unit == "fraction" and value < 0.1:
        return f"{value * 100:.2g}%"
    return format_percent(value)


def _value(value: Any) -> str:
    if value is None:
        return "(unset)"
    return f"`{_code(json.dumps(value, sort_keys=True, ensure_ascii=False))}`"


def _text(text: str) -> str:
    out = []
    for char in text.replace("\n", " "):
        out.append("\\" + char if char in "\\`*_[]<>|#" else char)
    return "".join(out)


def _code(text: str) -> str:
    return text.replace("`", "'").replace("\n", " ").replace("|", "\\|")


def _s(count: int) -> str:
    return "" if count == 1 else "s"
