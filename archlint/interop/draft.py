"""What an importer found, before it is written as a design: components with each value's
origin, and the text writer that turns them into a commented `*.arch.yaml`.

Every value carries where it came from (`# from deploy.replicas (compose.yaml:14)`); a
guess says so (`# inferred, check`); what the input cannot say becomes a commented
placeholder, never an invented value. The writer is a pure function of the draft, so
the same input always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from archlint.input.load import resolve_plain

GUESS = "inferred, check"
COMMENT_COLUMN = 34  # where the `# from ...` comments start, when the line allows


@dataclass(slots=True)
class Note:
    """A value and where it came from; `guess` marks an inference the user should check."""

    value: Any
    source: str
    guess: bool = False


@dataclass(slots=True)
class Edge:
    """A link to another component: `calls`, `publishes` or `consumes`."""

    target: str
    source: str
    guess: bool = False
    protocol: str | None = None
    weak: bool = False  # only start-up order (depends_on) says so


@dataclass(slots=True)
class DraftComponent:
    id: str
    origin: str  # where the component itself was declared: `services.vote (compose.yaml:5)`
    kind: Note | None = None
    tech: Note | None = None
    fields: dict[str, Note] = field(default_factory=dict)  # replicas, autoscaling, health_check, ...
    placeholders: list[tuple[str, str]] = field(default_factory=list)  # (key, why it is unknown)
    calls: dict[str, Edge] = field(default_factory=dict)
    publishes: dict[str, Edge] = field(default_factory=dict)
    consumes: dict[str, Edge] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # facts without a place in the language
    # What inference needs and the design does not show.
    has_volume: bool = False
    has_ports: bool = False
    implied_kind: str | None = None  # the kind its catalog tech implies, when `kind` is left out

    @property
    def kind_value(self) -> str | None:
        return self.implied_kind if self.kind is None else self.kind.value

    def edges(self) -> list[tuple[str, Edge]]:
        return (
            [("calls", e) for e in self.calls.values()]
            + [("publishes", e) for e in self.publishes.values()]
            + [("consumes", e) for e in self.consumes.values()]
        )


@dataclass(slots=True)
class Unmapped:
    """An input resource with no counterpart in the language, for the summary."""

    kind: str
    name: str
    where: str
    why: str = ""


@dataclass(slots=True)
class Draft:
    format: str  # compose, kubernetes, backstage, calm
    inputs: list[str]
    name: Note
    description: Note | None = None
    components: dict[str, DraftComponent] = field(default_factory=dict)
    deployment: dict[str, Note] = field(default_factory=dict)
    team: dict[str, Note] = field(default_factory=dict)
    observability: dict[str, Note] = field(default_factory=dict)
    unmapped: list[Unmapped] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # read but deliberately not imported, and why

    def summary(self) -> list[str]:
        """Lines for the user: what was imported, what was not, and what to fill in."""
        lines = [f"Imported {len(self.components)} components from {_count(len(self.inputs), 'file')} ({self.format})."]
        guesses = sum(1 for c in self.components.values() for n in _notes(c) if n.guess)
        if guesses:
            lines.append(f"{_count(guesses, 'value')} marked '# {GUESS}' are guesses: read them first.")
        if self.unmapped:
            by_kind: dict[str, list[Unmapped]] = {}
            for item in self.unmapped:
                by_kind.setdefault(item.kind, []).append(item)
            lines.append("Not mapped (no counterpart in the design language):")
            for kind in sorted(by_kind):
                items = by_kind[kind]
                names = ", ".join(sorted({i.name for i in items})[:6]) + (", ..." if len(items) > 6 else "")
                why = items[0].why
                lines.append(f"  {kind} ×{len(items)}: {names}" + (f" ({why})" if why else ""))
        for reason in self.left_out:
            lines.append(f"Left out: {reason}")
        lines.append(
            "Not in the input, left as commented placeholders: targets, scale, flows, timeouts "
            "(archlint check asks for them)."
        )
        return lines


def _notes(component: DraftComponent) -> list[Any]:
    notes: list[Any] = [n for n in (component.kind, component.tech) if n is not None]
    notes += list(component.fields.values())
    notes += [e for _, e in component.edges()]
    return notes


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --- writing ------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./@+-]*( [A-Za-z0-9_./@+()-]+)*$")


def scalar(value: Any) -> str:
    """A YAML scalar our loader reads back as the same value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and resolve_plain(text) == text and not text.startswith(("-", "/")):
        return text
    if _PLAIN.match(text) and text.startswith("/") and resolve_plain(text) == text:
        return text  # paths such as /healthz are plain scalars
    return json.dumps(text, ensure_ascii=False)


def flow_map(value: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {scalar(item)}" for key, item in value.items()) + "}"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return flow_map(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    return scalar(value)


def comment_text(text: str) -> str:
    """One line of comment: no line breaks, no control characters."""
    return " ".join(str(text).split())


def _line(body: str, comment: str | None = None) -> str:
    if not comment:
        return body
    pad = max(COMMENT_COLUMN - len(body), 2)
    return f"{body}{' ' * pad}# {comment_text(comment)}"


def _from(note: Note | Edge) -> str:
    text = note.source if note.source.startswith(("from ", "default")) else f"from {note.source}"
    return f"{text}; {GUESS}" if note.guess else text


# The order of a component's fields in the output, after kind and tech.
FIELD_ORDER = (
    "description",
    "owner",
    "replicas",
    "autoscaling",
    "stateless",
    "health_check",
    "public",
    "security",
    "data",
)


def write_design(draft: Draft) -> str:
    """The draft as design text: valid, commented, deterministic."""
    out: list[str] = []
    inputs = ", ".join(draft.inputs)
    out += [
        f"# Imported by `archlint import {draft.format}` from {inputs}.",
        "# '# from ...' says where each value was read; '# inferred, check' marks a guess to confirm.",
        "# Commented keys are what the input cannot say: fill them in, then run `archlint check`.",
        "archlint: 1",
        _line(f"name: {scalar(draft.name.value)}", _from(draft.name)),
    ]
    if draft.description is not None:
        out.append(_line(f"description: {scalar(draft.description.value)}", _from(draft.description)))
    out += [
        "",
        "# requirements:                  # the targets the system must meet (DOC001)",
        "#   functional: []",
        "#   availability:                # e.g. 99.9%",
        "#   latency_p99:                 # e.g. 200ms",
        "# scale:                         # how much load it carries (DOC002)",
        "#   dau:",
        "#   peak_factor:",
    ]
    if draft.team:
        out.append("team:")
        for key, note in draft.team.items():
            out.append(_line(f"  {key}: {_value(note.value)}", _from(note)))
        out.append("  # engineers:                   # how many people build and run it (ARC001)")
    else:
        out += ["# team:", "#   engineers:                   # how many people build and run it (ARC001)"]
    if draft.deployment:
        out.append("deployment:")
        for key, note in draft.deployment.items():
            out.append(_line(f"  {key}: {_value(note.value)}", _from(note)))
        if "zones" not in draft.deployment:
            out.append("  # zones:                       # how many availability zones the nodes span (AVL004)")
    else:
        out += [
            "# deployment:",
            "#   zones:                       # how many availability zones the nodes span (AVL004)",
        ]
    out += ["", "components:"]
    if not draft.components:
        out[-1] = "components: {}                  # nothing in the input mapped to a component"
    for component in draft.components.values():
        out += _component(component)
    out += _flows_placeholder(draft)
    out.append("")
    if draft.observability:
        out.append("observability:")
        for key, note in draft.observability.items():
            out.append(_line(f"  {key}: {_value(note.value)}", _from(note)))
    else:
        out += [
            "# observability:                 # metrics, logs, tracing, alerting (OBS001)",
            "#   metrics:",
            "#   logs:",
            "#   tracing:",
            "#   alerting:",
        ]
    if draft.unmapped or draft.left_out:
        out += ["", "# Not imported:"]
        for item in sorted(draft.unmapped, key=lambda u: (u.kind, u.name, u.where)):
            why = f": {comment_text(item.why)}" if item.why else ""
            what = f"{comment_text(item.kind)} {comment_text(item.name)}"
            out.append(f"#   {what} ({comment_text(item.where)}){why}")
        for reason in draft.left_out:
            out.append(f"#   {comment_text(reason)}")
    return "\n".join(out) + "\n"


def _component(component: DraftComponent) -> list[str]:
    out = ["", _line(f"  {component.id}:", f"from {component.origin}")]
    if component.kind is not None:
        out.append(_line(f"    kind: {scalar(component.kind.value)}", _from(component.kind)))
    if component.tech is not None:
        out.append(_line(f"    tech: {scalar(component.tech.value)}", _from(component.tech)))
    ordered = sorted(
        component.fields.items(),
        key=lambda item: FIELD_ORDER.index(item[0]) if item[0] in FIELD_ORDER else len(FIELD_ORDER),
    )
    for key, note in ordered:
        out.append(_line(f"    {key}: {_value(note.value)}", _from(note)))
    for key, why in component.placeholders:
        out.append(_line(f"    # {key}:", why))
    for remark in component.notes:
        out.append(f"    # {comment_text(remark)}")
    for section in ("calls", "publishes", "consumes"):
        edges: dict[str, Edge] = getattr(component, section)
        if not edges:
            continue
        out.append(f"    {section}:")
        for target in sorted(edges):
            edge = edges[target]
            if edge.protocol:
                out.append(_line(f"      {target}: {{protocol: {scalar(edge.protocol)}}}", _from(edge)))
            else:
                out.append(_line(f"      {target}:", _from(edge)))
            if section == "calls":
                out.append("        # timeout:                 # not in the input (RES001)")
    return out


def _flows_placeholder(draft: Draft) -> list[str]:
    """A commented flow built from a real chain of calls, so the user sees the shape; its
    rate is left blank (DOC004)."""
    chain = _entry_chain(draft)
    lines = ["", "# flows:                         # the user-visible operations, their rates and hops (DOC004)"]
    lines.append("#   NAME:")
    lines.append("#     rate:                       # e.g. 100/s")
    if chain:
        lines.append(f"#     steps: [{' -> '.join(chain)}]")
    else:
        lines.append("#     steps: [a -> b]")
    return lines


def _entry_chain(draft: Draft) -> list[str]:
    """The longest chain of calls from a public component (else from any), at most 4 hops."""
    components = draft.components
    starts = [c.id for c in components.values() if c.fields.get("public") and c.fields["public"].value is True]
    starts = starts or [c.id for c in components.values() if c.calls]
    best: list[str] = []
    for start in starts:
        path = [start]
        while len(path) < 5:
            current = components.get(path[-1])
            nexts = [t for t in sorted(current.calls) if t not in path and t in components] if current else []
            if not nexts:
                break
            path.append(nexts[0])
        if len(path) > len(best):
            best = path
    return best if len(best) > 1 else []
