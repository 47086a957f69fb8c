"""`archlint rules` and `archlint explain`: the catalog of rules as a table, as JSON,
and one rule's documentation page as text."""

from __future__ import annotations

import json
from collections.abc import Iterable

from archlint.rules.metadata import RuleMeta

AREAS = {
    "INP": "input problems",
    "LNT": "suppressions",
    "ENG": "the engine",
    "DOC": "the document",
    "ARC": "architecture and complexity",
    "ASY": "asynchronous messaging",
    "RES": "resilience of calls",
    "AVL": "availability and single points of failure",
    "SCL": "scalability and capacity",
    "DAT": "data and consistency",
    "CAC": "caching",
    "OBS": "observability",
    "SEC": "security at the edges",
    "LAT": "latency",
    "DRF": "drift from what is deployed",
}


def _ordered(metas: Iterable[RuleMeta]) -> list[RuleMeta]:
    return sorted(metas, key=lambda meta: meta.code)


def rules_table(metas: Iterable[RuleMeta]) -> str:
    rows = _ordered(metas)
    width = max((len(meta.name) for meta in rows), default=4)
    lines = [f"{'code':<7} {'name':<{width}} {'severity':<8} summary"]
    for meta in rows:
        note = "" if meta.default_enabled else " (off by default)"
        lines.append(f"{meta.code:<7} {meta.name:<{width}} {meta.severity:<8} {meta.summary}{note}")
    lines.append(f"{len(rows)} rules; `archlint explain CODE` shows one rule's documentation.")
    return "\n".join(lines) + "\n"


def rules_json(metas: Iterable[RuleMeta]) -> str:
    document = [
        {
            "code": meta.code,
            "name": meta.name,
            "severity": meta.severity,
            "summary": meta.summary,
            "area": meta.area,
            "enabled_by_default": meta.default_enabled,
            "decision_aware": meta.decision_aware,
            "options": {
                name: {"type": spec.type, "default": spec.default_text, "description": spec.description}
                for name, spec in meta.options.items()
            },
            "docs": meta.url,
        }
        for meta in _ordered(metas)
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def explain_text(meta: RuleMeta) -> str:
    """One rule's page, following the rule documentation template of the catalog. It
    is Markdown, which reads as plain text in a terminal; docs/rules/<CODE>.md is this."""
    area = AREAS.get(meta.area, meta.area)
    if meta.custom:  # a pack's path or a plugin's name says where the rule comes from
        area = f"custom, from {meta.pack.replace(chr(92), '/').rsplit('/', 1)[-1]}"
    flags = [f"**{meta.severity}**", f"area {meta.area} ({area})"]
    if meta.decision_aware:
        flags.append("decision-aware: a documented decision on the component silences it")
    if not meta.default_enabled:
        flags.append(f"off by default: run it with `--select {meta.code}` or `--extend-select {meta.code}`")
    lines = [f"# {meta.code} {meta.name}", "", " · ".join(flags), "", meta.summary, ""]
    for title, key in (("What it does", "what"), ("Why it matters", "why"), ("Example", "example"),
                       ("How to fix", "fix")):
        text = str(meta.docs.get(key, "")).rstrip()
        if text:
            lines += [f"## {title}", "", text, ""]
    lines += ["## Options", ""]
    if meta.options:
        lines += ["| option | type | default | effect |", "| --- | --- | --- | --- |"]
        for name, spec in meta.options.items():
            lines.append(f"| `{meta.code}.{name}` | {spec.type} | `{spec.default_text}` | {spec.description} |")
        lines += ["", f"Set them in `lint.options`, in the configuration's `options`, or with "
                      f"`--option {meta.code}.NAME=VALUE`."]
    else:
        lines.append("none")
    lines.append("")
    guide = str(meta.docs.get("guide", "")).rstrip()
    if guide:
        lines += ["## Guide reference", "", guide, ""]
    lines.append(f"Online: {meta.url}")
    return "\n".join(lines) + "\n"


def docs_index(metas: Iterable[RuleMeta]) -> str:
    """docs/rules/README.md: every rule with a link to its page."""
    lines = ["# archlint rules", "",
             "Generated from the rule packs in `rules/` by `python -m archlint.views.docs`; do not edit by hand.", "",
             "| code | name | severity | summary |", "| --- | --- | --- | --- |"]
    for meta in _ordered(metas):
        off = " (off by default)" if not meta.default_enabled else ""
        lines.append(f"| [{meta.code}]({meta.code}.md) | {meta.name} | {meta.severity} | {meta.summary}{off} |")
    return "\n".join(lines) + "\n"
