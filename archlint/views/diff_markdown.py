"""`archlint diff` as Markdown, short enough for a pull-request comment: targets that
were lowered first, then the change in requirements, flows, components, edges, figures
and findings, before -> after, values as the author wrote them."""

from __future__ import annotations

from typing import Any

from archlint.findings import SEVERITY_RANK
from archlint.formats.escape import code_span, markdown_text
from archlint.formats.limit import DEFAULT_MAX_LENGTH, fit, more_line
from archlint.input.units import format_count, format_duration, format_percent, format_rate
from archlint.rules.metadata import RuleSet, builtin_rule_set


def render(old_name: str, new_name: str, diffs: list[Any], max_length: int = DEFAULT_MAX_LENGTH,
           rules: RuleSet | None = None) -> str:
    """The diff; past `max_length` characters (0: no limit) the lowered targets, each
    design's summary and the new findings, most important first by `rules`' weights."""
    rules = rules or builtin_rule_set()
    head = [f"## archlint diff: {code_span(old_name)} → {code_span(new_name)}", ""]
    head += _lowered(diffs)
    lines = list(head)
    several = len(diffs) > 1
    for index, diff in enumerate(diffs):
        if several or diff.old_title != diff.new_title:
            lines += [f"### Design {index}: {_title(diff)}", ""]
        if diff.unchanged:
            lines += ["No change in requirements, flows, components, edges, figures or findings.", ""]
            continue
        lines += _summary(diff) + [""]
        if diff.note:
            lines += [f"**Note:** {_text(diff.note)}.", ""]
        lines += (_requirements(diff) + _flows(diff) + _components(diff) + _edges(diff) + _figures(diff)
                  + _findings(diff))
    full = "\n".join(lines).rstrip() + "\n"
    if not max_length or len(full) <= max_length:
        return full
    # Too long for a comment: the lowered targets, each design's summary, then the new
    # findings, most important first, as many as fit.
    for index, diff in enumerate(diffs):
        head += [f"### Design {index}: {_title(diff)}", "", *_summary(diff), ""]
    new = sorted((f for diff in diffs for f in diff.findings_new),
                 key=lambda f: (SEVERITY_RANK.get(f.severity, 3), -_weight(f.code, rules), f.sort_key()))
    head += ["#### New findings, most important first", ""]
    return fit(head, [_finding(f) for f in new], _footer, max_length)


def _footer(left_out: int) -> list[str]:
    how = ("The changes to requirements, flows, components, edges and figures are left out too. "
           "For the whole diff run again with `--max-length 0`, or write `--format json` to a file.")
    if not left_out:
        return ["", "Shortened to fit `--max-length`. " + how]
    return ["", more_line(left_out, how)]


def _weight(code: str, rules: RuleSet) -> int:
    meta = rules.meta(code)
    return meta.review_weight if meta is not None and meta.review_weight is not None else -1


def _lowered(diffs: list[Any]) -> list[str]:
    """Relaxed or dropped targets, before anything else: moving the goal can silence
    an error, and a reviewer must see that it moved."""
    lowered = [change for diff in diffs for change in diff.targets_lowered]
    if not lowered:
        return []
    lines = ["### ⚠️ Targets lowered", ""]
    lines += [f"- **{_text(change.sentence)}** ({code_span(change.where)})" for change in lowered]
    return lines + [""]


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
            f"{len(diff.findings_fixed)} fixed**; flows: +{len(diff.flows_added)} −{len(diff.flows_removed)} "
            f"~{len(diff.flows_changed)}; components: +{len(diff.components_added)} "
            f"−{len(diff.components_removed)} ~{len(diff.components_changed)}; edges: +{len(diff.edges_added)} "
            f"−{len(diff.edges_removed)}.")
    return [line]


def _requirements(diff: Any) -> list[str]:
    if not diff.requirements_changed:
        return []
    return ["#### Requirements", "", *[f"- {_change('requirements', c)}" for c in diff.requirements_changed], ""]


def _flows(diff: Any) -> list[str]:
    if not (diff.flows_added or diff.flows_removed or diff.flows_changed):
        return []
    lines = ["#### Flows", ""]
    lines += [f"- added {code_span(name)}" for name in diff.flows_added]
    lines += [f"- removed {code_span(name)}" for name in diff.flows_removed]
    for name, changes in diff.flows_changed.items():
        lines += [f"- {_change(name, c)}" for c in changes]
    return lines + [""]


def _change(owner: str, change: Any) -> str:
    """`api.calls.payments.timeout`: `3s` → `1.5s`"""
    return f"{code_span(owner + '.' + change.field)}: {_value(change.before)} → {_value(change.after)}"


def _components(diff: Any) -> list[str]:
    if not (diff.components_added or diff.components_removed or diff.components_changed):
        return []
    lines = ["#### Components", ""]
    lines += [f"- added {code_span(cid)}" for cid in diff.components_added]
    lines += [f"- removed {code_span(cid)}" for cid in diff.components_removed]
    for cid, changes in diff.components_changed.items():
        lines += [f"- {_change(cid, c)}" for c in changes]
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
    return f"{code_span(src)} → {code_span(dst)} ({_EDGE_KIND.get(kind, kind)})"


_EDGE_KIND = {"calls": "call", "publishes": "publish", "consumes": "consume"}


def _figures(diff: Any) -> list[str]:
    if not diff.figures:
        return []
    lines = ["#### Figures", "", "| figure | of | before | after |", "|---|---|---|---|"]
    for change in diff.figures:
        lines.append(f"| {change.figure} | {code_span(change.subject, in_table=True)} | "
                     f"{_figure(change.before, change.unit)} | "
                     f"{_figure(change.after, change.unit)} |")
    return lines + [""]


def _findings(diff: Any) -> list[str]:
    lines: list[str] = []
    for heading, findings in (("New findings", diff.findings_new), ("Fixed findings", diff.findings_fixed)):
        if findings:
            lines += [f"#### {heading}", ""]
            lines += [_finding(f) for f in findings]
            lines.append("")
    return lines


def _finding(f: Any) -> str:
    return (f"- **{f.severity} {f.code}** {code_span(f.path_text)} ({markdown_text(f.file)}:{f.line}): "
            f"{_text(f.message)}")


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rps":
        return format_rate(value)
    if unit == "seconds":
        return format_duration(value)
    if unit == "messages":
        return f"{format_count(value)} messages"
    if unit == "fraction" and value < 0.1:
        return f"{value * 100:.2g}%"
    if unit == "fraction" and value >= 1:  # a utilisation past capacity: shown as it is, never capped
        return f"{value * 100:.0f}%"
    return format_percent(value)


def _value(value: Any) -> str:
    if value is None:
        return "(unset)"
    return code_span(_inline(value))


def _inline(value: Any) -> str:
    """A value in YAML flow style, as the author would write it: `3s`, `[a, b]`,
    `{max: 3, backoff: exponential}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_inline(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _text(text: str) -> str:
    return markdown_text(text)  # no HTML, links or mentions from the design (archlint.formats.escape)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
