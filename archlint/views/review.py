"""`archlint review`: a checked file walked through the design-review framework, step
by step (requirements, estimation, API, high-level design, deep dives, bottlenecks,
trade-offs, observability), with a summary and a readiness verdict.

Pure functions over a `FileResult` and each design's `Figures`: nothing here prints,
reads files or draws; archlint.views.review_markdown and review_html render the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from archlint.analysis.figures import over, under
from archlint.findings import SEVERITY_RANK, Finding
from archlint.input.units import format_count
from archlint.rules.metadata import RuleMeta

# The framework's steps, in the order a reviewer walks them: (key, title). The keys
# are the `review.step` values a rule pack may give (archlint.rules.metadata).
STEPS: tuple[tuple[str, str], ...] = (
    ("requirements", "Requirements"),
    ("estimation", "Estimation"),
    ("api", "API"),
    ("high-level", "High-level design"),
    ("deep-dives", "Deep dives"),
    ("bottlenecks", "Bottlenecks"),
    ("trade-offs", "Trade-offs"),
    ("observability", "Observability and failure handling"),
)
# Findings of a rule whose pack names no step (a custom rule, a plugin) are listed in a
# section of their own rather than filed silently under some step.
OTHER_STEP = ("other", "Other findings (rules that name no review step)")
_STEP_KEYS = frozenset(key for key, _ in STEPS)
TOP_ISSUES = 3

# Readiness verdict: any error -> not ready; more than WARNINGS_FOR_NEEDS_WORK
# warnings -> needs work; otherwise ready for review. Info findings never count.
WARNINGS_FOR_NEEDS_WORK = 3
READY, NEEDS_WORK, NOT_READY = "ready for review", "needs work", "not ready"


@dataclass(slots=True)
class StepReview:
    key: str
    title: str
    covers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class DesignView:
    """What the renderers need of one design: its name, block, figures and picture."""

    title: str
    block: int
    figures: Any  # archlint.analysis.figures.Figures
    model: Any  # archlint.render.model.RenderModel


@dataclass(slots=True)
class SketchView:
    """A rough sketch (`archlint sketch` fence) shown beside the review, never judged."""

    title: str
    line: int  # 1-based line of its first YAML line in the file
    components: int
    model: Any  # archlint.render.model.RenderModel


@dataclass(slots=True)
class Review:
    name: str  # the file as shown to the user
    designs: list[DesignView]
    findings: list[Finding]
    strengths: list[str]
    top_issues: list[Finding]
    verdict: str
    verdict_reason: str
    steps: list[StepReview]
    sketches: list[SketchView] = field(default_factory=list)
    # Findings the author accepts in lint.ignore, each with its Suppression (reason, until).
    accepted: list[Finding] = field(default_factory=list)
    # Every finding, most important first (what top_issues takes its head from, info last).
    ranked: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts


def step_of(code: str, metas: Mapping[str, RuleMeta]) -> str:
    """The review step of a rule's findings, from its pack's `review.step`."""
    meta = metas.get(code)
    step = meta.review_step if meta is not None else None
    return step if step in _STEP_KEYS else OTHER_STEP[0]


def weight_of(code: str, metas: Mapping[str, RuleMeta]) -> int:
    """A rule's `review.weight`; a rule whose pack gives none ranks below every weighted
    one of the same severity."""
    meta = metas.get(code)
    return -1 if meta is None or meta.review_weight is None else meta.review_weight


def rank(findings: list[Finding], metas: Mapping[str, RuleMeta]) -> list[Finding]:
    """By severity, then by the weight of the rule (what breaks the system before what
    is missing from the document), then by place."""
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], -weight_of(f.code, metas), f.sort_key()))


def top_issues(findings: list[Finding], metas: Mapping[str, RuleMeta], count: int = TOP_ISSUES) -> list[Finding]:
    """The first of `rank`, info never."""
    return [f for f in rank(findings, metas) if f.severity != "info"][:count]


def verdict(findings: list[Finding]) -> tuple[str, str]:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if errors:
        return NOT_READY, f"{errors} error{_s(errors)}: fix every error before the review"
    if warnings > WARNINGS_FOR_NEEDS_WORK:
        return NEEDS_WORK, f"{warnings} warnings (more than {WARNINGS_FOR_NEEDS_WORK})"
    if warnings:
        return READY, f"no errors and {warnings} warning{_s(warnings)} to discuss"
    return READY, "no errors and no warnings"


def build_review(name: str, designs: list[tuple[Any, Any, Any, Any]], findings: list[Finding],
                 metas: Mapping[str, RuleMeta], sketches: Sequence[tuple[Any, Any]] = (),
                 accepted: Sequence[Finding] = ()) -> Review:
    """`designs`: (DesignResult, Figures, RenderModel, title) for each design of the file,
    in block order; `findings`: the file's findings (rules included); `metas`: the rules
    of the run, whose packs say where their findings go; `sketches`: (DesignResult,
    RenderModel) of each sketch, listed as such and counting toward nothing; `accepted`:
    the findings the author suppressed, shown with their reasons."""
    ordered = sorted(findings, key=Finding.sort_key)
    several = len(designs) > 1
    steps = {key: StepReview(key, title) for key, title in STEPS}
    strengths: list[str] = []
    views = []
    for design_result, figures, model, title in designs:
        design, graph = design_result.design, design_result.graph
        block = design_result.block.index
        own = [f for f in ordered if f.block == block]
        prefix = f"{title}: " if several else ""
        for key, (covers, missing) in _coverage(design, design_result.block.data, graph, figures).items():
            steps[key].covers += [prefix + text for text in covers]
            steps[key].missing += [prefix + text for text in missing]
        strengths += [prefix + text for text in _strengths(design, graph, figures, own)]
        views.append(DesignView(title, block, figures, model))
    for finding in ordered:
        key = step_of(finding.code, metas)
        if key not in steps:
            steps[key] = StepReview(*OTHER_STEP)
        steps[key].findings.append(finding)
    outcome, reason = verdict(ordered)
    shown = [SketchView(result.title, result.block.line_offset + 1, len(result.design.components), model)
             for result, model in sketches]
    return Review(name, views, ordered, strengths, top_issues(ordered, metas), outcome, reason,
                  list(steps.values()), shown, sorted(accepted, key=Finding.sort_key), rank(ordered, metas))


# --- what each step covers ------------------------------------------------------------


def _coverage(design: Any, raw: Any, graph: Any, figures: Any) -> dict[str, tuple[list[str], list[str]]]:
    return {
        "requirements": _requirements(design, raw, graph),
        "estimation": _estimation(design, raw, graph, figures),
        "api": _apis(design, graph),
        "high-level": _high_level(design, graph),
        "deep-dives": _deep_dives(graph),
        "bottlenecks": _bottlenecks(figures),
        "trade-offs": _decisions(design),
        "observability": _observability(design, graph),
    }


# What each missing item is asked for on: the review lists as missing only what the
# design has a use for (no write payload for a design without write flows).
_DATA_KINDS = frozenset({"database", "cache", "search", "object_storage"})
_COMPUTE_KINDS = frozenset({"service", "worker", "function"})
UNTRACED_COMPUTE = 2  # compute components a design may have before tracing is missing (OBS006's default)


def _kinds(graph: Any) -> set[str]:
    return {node.kind for node in graph.nodes.values()}


def _users(design: Any, graph: Any) -> bool:
    """Whether people use the system: a client component, or a public one."""
    return "client" in _kinds(graph) or any(getattr(c, "public", False) for c in design.components.values())


def _requirements(design: Any, raw: Any, graph: Any) -> tuple[list[str], list[str]]:
    covers: list[str] = []
    missing: list[str] = []
    req = design.requirements
    functional = (req.functional if req else None) or []
    if functional:
        covers.append(f"{len(functional)} functional requirement{_s(len(functional))}: " + "; ".join(functional))
    else:
        missing.append("functional requirements (requirements.functional)")
    flows = list((design.flows or {}).values())
    for field_name, label in (("availability", "availability target"), ("latency_p99", "p99 latency target"),
                              ("consistency", "consistency model"), ("durability", "durability target")):
        value = getattr(req, field_name, None) if req else None
        if value is not None:
            covers.append(f"{label}: {_quantity(raw, ('requirements', field_name), value)}")
        elif field_name in ("availability", "latency_p99") and not (flows and all(
                getattr(flow, field_name, None) is not None for flow in flows)):  # a target on every flow will do
            missing.append(f"{label} (requirements.{field_name})")
        elif field_name == "consistency" and _kinds(graph) & _DATA_KINDS:
            missing.append(f"{label} (requirements.{field_name})")
    return covers, missing


def _estimation(design: Any, raw: Any, graph: Any, figures: Any) -> tuple[list[str], list[str]]:
    covers: list[str] = []
    missing: list[str] = []
    scale = design.scale
    for field_name, label in (("dau", "daily active users"), ("peak_factor", "peak factor"),
                              ("read_write_ratio", "read/write ratio"), ("retention", "retention")):
        value = getattr(scale, field_name, None) if scale else None
        if value is not None:
            covers.append(f"{label}: {_quantity(raw, ('scale', field_name), value)}")
        elif field_name == "dau" and _users(design, graph):
            missing.append(f"{label} (scale.{field_name})")
    flows = design.flows or {}
    rated = sorted(name for name, flow in flows.items() if flow.rate is not None)
    if rated:
        covers.append(f"{len(rated)} flow{_s(len(rated))} with a rate: {', '.join(rated)}")
    missing += figures.missing_inputs()  # flows, rates, peak factor, retention, payloads: each where used
    return covers, missing


def _apis(design: Any, graph: Any) -> tuple[list[str], list[str]]:
    apis = design.apis or []
    if not apis:
        return [], ["an API (apis: endpoints and the components serving them)"] if _users(design, graph) else []
    covers = [f"{api.endpoint}" + (f" (served by {api.served_by})" if api.served_by else "") for api in apis]
    return covers, []


def _high_level(design: Any, graph: Any) -> tuple[list[str], list[str]]:
    kinds: dict[str, list[str]] = {}
    for cid, node in graph.nodes.items():
        kinds.setdefault(node.kind, []).append(cid)
    summary = (f"{len(graph.nodes)} component{_s(len(graph.nodes))}, {len(graph.sync_edges())} synchronous and "
               f"{len(graph.async_edges())} asynchronous connection{_s(len(graph.async_edges()))}")
    covers = [summary]
    covers += [f"{kind}: {', '.join(sorted(ids))}" for kind, ids in sorted(kinds.items())]
    flows = sorted(graph.routes)
    missing: list[str] = []
    if flows:
        covers.append(f"flows: {', '.join(flows)}")
    else:
        missing.append("flows tracing requests through the components")
    return covers, missing


def _deep_dives(graph: Any) -> tuple[list[str], list[str]]:
    covers: list[str] = []
    sharded = sorted(cid for cid, node in graph.nodes.items() if node.component.sharding is not None)
    replicated = sorted(cid for cid, node in graph.nodes.items() if node.component.replication is not None)
    cached = sorted(cid for cid, node in graph.nodes.items() if node.component.cache is not None)
    backed_up = sorted(cid for cid, node in graph.nodes.items() if node.component.backups)
    for label, ids in (("sharding", sharded), ("replication", replicated), ("cache settings", cached),
                       ("backups", backed_up)):
        if ids:
            covers.append(f"{label}: {', '.join(ids)}")
    return covers, []


def _bottlenecks(figures: Any) -> tuple[list[str], list[str]]:
    covers: list[str] = []
    missing: list[str] = []
    hot = sorted(cid for cid, load in figures.loads.items() if load.hot)
    if hot:
        covers.append(f"above 70% of capacity at peak: {', '.join(hot)}")
    saturation = figures.saturation()
    if saturation is not None:
        covers.append(f"saturates first: {saturation[0]}, at {format_count(saturation[1])}x today's load")
    # A component that scales by itself, or has no per-unit cap, needs no figure.
    unchecked = sorted(cid for cid, load in figures.loads.items()
                       if load.limit is None and load.capacity.reason not in ("autoscales", "unbounded"))
    if unchecked:
        missing.append(f"capacity not known for: {', '.join(unchecked)}")
    return covers, missing


def _decisions(design: Any) -> tuple[list[str], list[str]]:
    decisions = design.decisions or []
    if not decisions:
        return [], ["decisions (the choices made, the alternatives and why)"]
    covers = []
    for decision in decisions:
        text = (f"{decision.topic}: " if decision.topic else "") + decision.choice
        if decision.alternatives:
            text += f" (over {', '.join(decision.alternatives)})"
        covers.append(text)
    return covers, []


_PILLARS = ("metrics", "logs", "tracing", "alerting", "dashboards")


def _observability(design: Any, graph: Any) -> tuple[list[str], list[str]]:
    """Metrics, logs and alerting are missing from any design; tracing only once requests
    can cross more than UNTRACED_COMPUTE compute components; dashboards never (optional)."""
    observability = design.observability
    covers, missing = [], []
    compute = sum(1 for node in graph.nodes.values() if node.kind in _COMPUTE_KINDS)
    for pillar in _PILLARS:
        value = getattr(observability, pillar, None) if observability else None
        if value:
            covers.append(pillar if value is True else f"{pillar}: {value}")
        elif pillar == "tracing" and compute <= UNTRACED_COMPUTE:
            continue
        elif pillar != "dashboards":
            missing.append(pillar)
    return covers, missing


# --- strengths ------------------------------------------------------------------------


def _strengths(design: Any, graph: Any, figures: Any, findings: list[Finding]) -> list[str]:
    codes = {f.code for f in findings}
    strengths: list[str] = []
    targets = [a for a in figures.availability.values() if a.value is not None and a.target is not None]
    targets += [f for f in figures.latency.values() if f.value is not None and f.target is not None]
    if targets and not any(under(a.value, a.target) for a in figures.availability.values()
                           if a.value is not None and a.target is not None) \
            and not any(over(f.value, f.target) for f in figures.latency.values()
                        if f.value is not None and f.target is not None):
        strengths.append("availability and latency targets are stated, and every flow meets them")
    calls = [edge for edge in graph.sync_edges() if graph.nodes[edge.src].kind != "client"]
    if calls and all(getattr(edge.props, "timeout", None) is not None for edge in calls):
        strengths.append(f"every synchronous call has a timeout ({len(calls)} call{_s(len(calls))})")
    zones, regions = _spread(design.deployment)
    if not codes & {"AVL001", "AVL002"} and zones > 1:
        where = f"{zones} zones in {regions} regions" if regions > 1 else f"{zones} zones"
        strengths.append(f"redundancy: spread over {where}, no single point of failure flagged")
    observability = design.observability
    pillars = [p for p in _PILLARS if observability is not None and getattr(observability, p, None)]
    if len(pillars) >= 3:
        strengths.append(f"observability: {', '.join(pillars)}")
    loads = [load for load in figures.loads.values() if load.limit is not None]
    if loads and not any(load.hot for load in loads):
        strengths.append(f"capacity headroom: every component with a known capacity ({len(loads)}) stays "
                         f"under 70% at peak")
    queues = [edge for edge in graph.async_edges()]
    if queues and not codes & {"ASY002", "ASY003"}:
        strengths.append("asynchronous work has dead-letter queues and idempotent consumers")
    decisions = design.decisions or []
    if decisions and "DOC005" not in codes:
        strengths.append(f"{len(decisions)} decision{_s(len(decisions))} recorded with "
                         f"{'its reason' if len(decisions) == 1 else 'their reasons'}")
    return strengths


def _spread(deployment: Any) -> tuple[int, int]:
    """(zones in all, regions) of the deployment: a count of zones is per region and a
    list names every zone (regions: 2, zones: 3 is six zones); no zones is one a region."""
    if deployment is None:
        return 0, 1
    regions = _count(deployment.regions) or 1
    zones = deployment.zones
    if isinstance(zones, (list, tuple)):
        return len(zones), regions
    return (_count(zones) or 1) * regions, regions


def _count(spread: Any) -> int:
    """`zones: 3` or `zones: [a, b, c]` -> 3; anything else -> 0."""
    if isinstance(spread, int):
        return spread
    if isinstance(spread, (list, tuple)):
        return len(spread)
    return 0


def _quantity(raw: Any, path: tuple[str, str], value: Any) -> str:
    """The value as the author wrote it in the block's YAML (`99.95%`, `20M`)."""
    if isinstance(raw, dict):
        section = raw.get(path[0])
        if isinstance(section, dict) and path[1] in section:
            return str(section[path[1]])
    return f"{value:g}" if isinstance(value, float) else str(value)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
