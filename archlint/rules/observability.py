"""OBS: observability. OBS001 reports a design with no `observability` section; OBS002 to
OBS006 read that section and report each missing pillar at `observability`.

A pillar is stated by a tool name or `true`; absent, `false`, an empty string or the word
`none` leave it missing (an explicit `none` records a fact, not a tool)."""

from __future__ import annotations

from collections.abc import Iterator

from archlint.findings import Finding
from archlint.language.kinds import COMPUTE
from archlint.rules import RuleContext, check, stated
from archlint.rules.phrasing import listed, percent

PATH = ("observability",)


def _missing(ctx: RuleContext, pillar: str) -> bool:
    """The section exists and leaves `pillar` missing (OBS002 to OBS006 share this guard)."""
    section = ctx.design.observability
    return section is not None and not stated(getattr(section, pillar))


def _target_note(ctx: RuleContext) -> str:
    """`, so the 99.95% availability target cannot be checked` when requirements state one."""
    requirements = ctx.design.requirements
    if requirements is not None and requirements.availability is not None:
        return f", so the {percent(requirements.availability)} availability target cannot be checked in production"
    return ", so no service level can be measured"


@check("OBS001")
def observability_missing(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.design.observability is None:
        yield ctx.finding(
            (),
            "the design has no observability section: no metrics, logs, tracing or alerting is named",
            hint="add observability: {metrics: prometheus, logs: loki, tracing: opentelemetry, alerting: alertmanager}",
        )


@check("OBS002")
def no_metrics(ctx: RuleContext) -> Iterator[Finding]:
    if _missing(ctx, "metrics"):
        yield ctx.finding(
            PATH,
            f"observability names no metrics tool{_target_note(ctx)}",
            hint="set observability.metrics to the metrics system, e.g. metrics: prometheus",
        )


@check("OBS003")
def no_logs(ctx: RuleContext) -> Iterator[Finding]:
    if _missing(ctx, "logs"):
        yield ctx.finding(
            PATH,
            "observability names no central log store, so a failure cannot be reconstructed after the fact",
            hint="set observability.logs to the log store, e.g. logs: loki (or elk)",
        )


@check("OBS004")
def no_dashboards(ctx: RuleContext) -> Iterator[Finding]:
    if _missing(ctx, "dashboards"):
        yield ctx.finding(
            PATH,
            "observability names no dashboards to show the figures at a glance",
            hint="set observability.dashboards, e.g. dashboards: grafana over the metrics",
        )


@check("OBS005")
def no_alerting(ctx: RuleContext) -> Iterator[Finding]:
    if _missing(ctx, "alerting"):
        yield ctx.finding(
            PATH,
            "observability names no alerting, so failures are noticed by users first",
            hint="set observability.alerting, e.g. alerting: alertmanager, paging on the service-level targets",
        )


@check("OBS006")
def no_tracing(ctx: RuleContext) -> Iterator[Finding]:
    if not _missing(ctx, "tracing"):
        return
    limit = ctx.options["max_untraced_services"]
    compute = [cid for cid, node in ctx.graph.nodes.items() if node.kind in COMPUTE]
    if len(compute) <= limit:
        return
    yield ctx.finding(
        PATH,
        f"observability names no tracing while requests can cross {len(compute)} compute "
        f"component{'' if len(compute) == 1 else 's'} "
        f"({listed(sorted(compute))}), more than the {limit} allowed untraced",
        hint="set observability.tracing, e.g. tracing: opentelemetry, and propagate trace ids on every call",
    )
