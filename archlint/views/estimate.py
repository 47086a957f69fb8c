"""`archlint estimate`: the derived figures as whiteboard tables (text) or for tools
(JSON). Every figure shows its inputs and where each came from."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from archlint.analysis.figures import HOT_UTILISATION, Figures, over, under
from archlint.formats.escape import visible
from archlint.input.units import (
    format_count,
    format_duration,
    format_percent,
    format_rate,
    format_size,
)

_ESCAPE_HOT = "!"  # marks a component above 70% of its capacity


def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _rate(value: float | None) -> str:
    return "-" if value is None else format_rate(value)


def _used(utilisation: float) -> str:
    """30%, 2.5%, 0.04%: a share of capacity, with the digits that matter."""
    return f"{utilisation:.0%}" if utilisation >= 0.1 else f"{utilisation * 100:.2g}%"


def _source(source: Any) -> str:
    return "" if source is None else f" ({source})"


def _mix(load: Any) -> str:
    """How a load that mixes reads and writes on different figures uses its capacity."""
    capacity = load.capacity
    if load.compared != "all" or load.limit is None or capacity.read == capacity.write:
        return ""
    parts = [f"{_rate(amount)} ÷ {_rate(cap)}" for amount, cap in ((load.read, capacity.read),
                                                                   (load.write, capacity.write)) if amount and cap]
    untyped = load.total - load.read - load.write
    if untyped > 1e-9:
        smallest = min(c for c in (capacity.read, capacity.write) if c)
        parts.append(f"{_rate(untyped)} ÷ {_rate(smallest)}")
    if len(parts) < 2:
        return f"; used = {parts[0]}" if parts else ""
    return f"; used = {' + '.join(parts)}, as if {_rate(load.limit)} at this mix"


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the estimate: a heading line, a table (its first row the column
    names when `header`), lines after it, and parts of its own (one per flow). The text
    and the HTML review draw the same sections."""

    heading: str
    rows: tuple[tuple[str, ...], ...] = ()
    header: bool = True
    notes: tuple[str, ...] = ()
    parts: tuple[Section, ...] = ()


def render_text(name: str, title: str, figures: Figures) -> str:
    lines = [heading(name, title, figures), ""]
    for section in sections(figures):
        lines += _section_lines(section, "")
        lines.append("")
    # Each entry is one line; a line break or escape inside comes from the design's
    # own text (a name, an id, a technology) and is shown as an escape.
    return "\n".join(visible(line) for line in lines)


def _section_lines(section: Section, indent: str) -> list[str]:
    inner = indent + "  "
    lines = [indent + section.heading]
    if section.rows:
        lines += _table([list(row) for row in section.rows], indent=inner)
    lines += [inner + note for note in section.notes]
    for part in section.parts:
        lines += _section_lines(part, inner)
    return lines


def _average_note(figures: Figures) -> list[str]:
    """Why a consumer's load reads as the average while the Queues table has it drain
    more: the two answer different questions, and the note gives both figures."""
    drains: dict[str, float] = {}
    for backlog in figures.backlogs:
        drains[backlog.consumer] = drains.get(backlog.consumer, 0.0) + backlog.drain
    shown = [f"{cid} drains {_rate(drains[cid])}" for cid, load in figures.loads.items()
             if load.at_average and cid in drains]
    if not shown:
        return []
    return ["(avg): a queue's consumer is sized against the average arrival, since the queue can hold the "
            "rest of the peak; it still takes messages as they come, up to its capacity (see Queues): "
            + ", ".join(shown)]


def heading(name: str, title: str, figures: Figures) -> str:
    load_factor = figures.terms.load_factor
    return f"{title} ({name})" + (f" at {load_factor:g}x today's load" if load_factor != 1 else "")


def sections(figures: Figures) -> list[Section]:
    """The estimate's parts in reading order; a part with nothing to show is left out."""
    terms = figures.terms
    out: list[Section] = []
    rates = figures.rates
    if rates:
        background = any(terms.background(route) for route in terms.routes())
        out.append(Section(
            f"Flow rates (peak = average × peak_factor {terms.peak_factor:g}"
            + ("; a background job started by a worker peaks at its average)" if background else ")"),
            (("flow", "average", "peak", "arithmetic"),
             *((r.name, _rate(r.average), _rate(r.peak), r.work) for r in rates.values())),
        ))

    loads = figures.loads
    if loads:
        rows: list[tuple[str, ...]] = [("component", "load", "capacity", "used", "writes", "capacity from")]
        for cid, load in loads.items():
            capacity = load.capacity
            if load.limit is None:
                used, limit = "-", capacity.reason or "unknown"
            elif load.utilisation is None:  # a limit of 0/s: no share to show
                used, limit = "-", _rate(load.limit)
            else:
                used, limit = _used(load.utilisation), _rate(load.limit)
            demand = _rate(load.demand) + (" reads" if load.compared == "read" else "") + \
                (" (avg)" if load.at_average else " (levelled)" if load.levelled else "")
            if load.hot:
                used += f" {_ESCAPE_HOT}"
            writes = "-"
            if load.write_limit is not None:  # single-leader stores: writes against the primaries
                writes = f"{_rate(load.write)} of {_rate(load.write_limit)} = {_used(load.write_utilisation or 0.0)}"
            rows.append((cid, demand, limit, used, writes, f"{capacity.work}{_mix(load)}{_source(capacity.source)}"))
        notes = [f"{_ESCAPE_HOT} above {HOT_UTILISATION:.0%} of capacity at peak"] \
            if any(load.hot for load in loads.values()) else []
        notes += _average_note(figures)
        out.append(Section("Load and capacity (peak load; components fed only by queues at the average rate; "
                           "behind a queue, the rate its consumer drains)", tuple(rows), notes=tuple(notes)))

    backlogs = figures.backlogs
    if backlogs:
        rows = [("queue -> consumer", "backlog", "waits", "limits", "drains at")]
        for backlog in backlogs:
            depth, retention, _origin = figures.queue_limits(backlog.broker)
            limits = []
            if depth is not None:
                over_depth = " (over)" if over(backlog.messages, depth) else ""
                limits.append(f"max_depth {format_count(depth)}{over_depth}")
            if retention is not None:
                over_retention = " (over)" if over(backlog.wait, retention) else ""
                limits.append(f"retention {format_duration(retention) if math.isfinite(retention) else 'unbounded'}"
                              f"{over_retention}")
            rows.append((f"{backlog.broker} -> {backlog.consumer}", backlog.work, backlog.wait_work,
                         ", ".join(limits) or "-", f"{_rate(backlog.drain)}: {backlog.drains_at}"))
        out.append(Section(f"Queues (backlog at the end of the peak = (arrival − drain) × scale.peak_duration "
                           f"{format_duration(terms.peak_duration)}; the last message waits backlog ÷ drain)",
                           tuple(rows)))

    availability = [(a, a.value) for a in figures.availability.values() if a.value is not None]
    if availability:
        flows = []
        for estimate, value in availability:
            target = "" if estimate.target is None else f" against a target of {format_percent(estimate.target)}" + \
                (" (below it)" if under(value, estimate.target) else "")
            rows = [(part.cid, "-" if part.value is None else format_percent(part.value),
                     part.work + _source(part.source) + _reach(estimate, part))
                    for part in estimate.parts]
            region = estimate.region
            if region is not None and region.value is not None:
                rows.append(("region", format_percent(region.value), region.work + _source(region.source)))
            flows.append(Section(
                f"{estimate.name}: {format_percent(value)}{target} = {_product(estimate)}",
                tuple(rows),
                header=False,
                notes=(f"unknown, counted as 100%: {', '.join(estimate.unknown)}",) if estimate.unknown else (),
            ))
        out.append(Section(f"Availability (share of requests that succeed: product over each flow's critical path of "
                           f"1 − share × (1 − part); one zone = {format_percent(figures.zone_availability)}, "
                           f"one region = {format_percent(figures.region_availability)})", parts=tuple(flows)))

    latency = [(f, f.value) for f in figures.latency.values() if f.value is not None]
    if latency:
        flows = []
        for flow, value in latency:
            target = "" if flow.target is None else f" against a target of {format_duration(flow.target)}" + \
                (" (over it)" if over(value, flow.target) else "")
            notes = [f"{part.cid}: {part.work}{_source(part.source)}" for part in flow.parts if part.source is not None]
            if flow.left_out:
                notes.append(f"left out, below 1% of requests: {', '.join(flow.left_out)}")
            if flow.unknown:
                notes.append(f"unknown, counted as 0: {', '.join(flow.unknown)}")
            flows.append(Section(f"{flow.name}: {format_duration(value)}{target} = {flow.work}", notes=tuple(notes)))
        out.append(Section("Latency p99 (calls in separate steps add up, a parallel group takes its slowest; "
                           "hops under 1% of requests left out)", parts=tuple(flows)))

    growth = figures.growth
    if growth:
        rows = []
        for cid, g in growth.items():
            per_shard = f", {format_size(g.total / g.shards)} per shard" if g.shards and g.shards > 1 else ""
            rows.append((cid, f"{format_size(g.per_second)}/s × {format_duration(g.retention)} = "
                              f"{format_size(g.total)}{per_shard}", "; ".join(g.writes)))
        out.append(Section("Storage growth (average writes × payload × retention)", tuple(rows), header=False))

    bandwidth = figures.bandwidth
    if bandwidth:
        out.append(Section("Bandwidth (rate × payload)", tuple(
            (b.name, f"{format_size(b.average)}/s average", f"{format_size(b.peak)}/s peak")
            for b in bandwidth.values()), header=False))

    saturation = figures.saturation()
    if saturation is not None:
        cid, multiple = saturation
        load = loads[cid]
        if load.write_utilisation is not None and (load.utilisation is None or
                                                   load.write_utilisation > load.utilisation):
            used = f"writes: {_used(load.write_utilisation)} of {_rate(load.write_limit)}"
        else:
            used = f"{_used(load.utilisation or 0.0)} of {_rate(load.limit)}"
        when = "on average: its queue holds the rest of the peak" if load.at_average else "at peak"
        out.append(Section(f"Saturates first: {cid}, at {format_count(multiple)}x this load ({used} used {when})."))

    missing = figures.missing_inputs()
    if missing:
        out.append(Section("Missing inputs", notes=tuple(f"- {item}" for item in missing)))
    return out


def as_data(name: str, title: str, block: int, figures: Figures) -> dict[str, Any]:
    terms = figures.terms
    saturation = figures.saturation()
    return {
        "file": name,
        "block": block,
        "design": title,
        "load_factor": terms.load_factor,
        "peak_factor": terms.peak_factor,
        "flows": [
            {"name": r.name, "average_rps": r.average, "peak_rps": r.peak, "work": r.work}
            for r in figures.rates.values()
        ],
        "components": [
            {
                "id": cid, "load_rps": load.total, "compared": load.compared, "demand_rps": load.demand,
                "at_average": load.at_average, "levelled": load.levelled, "capacity_rps": load.limit,
                "utilisation": load.utilisation,
                "read_rps": load.read, "write_rps": load.write, "read_capacity_rps": load.capacity.read,
                "write_capacity_rps": load.capacity.write, "write_limit_rps": load.write_limit,
                "write_utilisation": load.write_utilisation,
                "units": load.capacity.units, "unit": load.capacity.unit, "capacity_work": load.capacity.work,
                "capacity_source": _source_data(load.capacity.source), "not_checked": load.capacity.reason or None,
                "capacity_basis": {"read": load.capacity.read_basis or None,
                                   "write": load.capacity.write_basis or None},
                "capacity_assumed": load.assumed,
            }
            for cid, load in figures.loads.items()
        ],
        "availability": [
            {"flow": a.name, "value": a.value, "target": a.target, "unknown": a.unknown,
             "parts": [{**item, "share": a.shares.get(item["id"], 1.0), "effective": a.effective(part)}
                       for item, part in zip(_parts(a.parts), a.parts)],
             "region": None if a.region is None else
             {"value": a.region.value, "work": a.region.work, "source": _source_data(a.region.source)}}
            for a in figures.availability.values() if a.value is not None
        ],
        "latency": [
            {"flow": f.name, "seconds": f.value, "target": f.target, "chain": f.chain, "unknown": f.unknown,
             "work": f.work, "left_out": f.left_out,
             "parts": _parts(f.parts)}
            for f in figures.latency.values() if f.value is not None
        ],
        "storage": [
            {"id": g.cid, "bytes_per_second": g.per_second, "retention_seconds": g.retention,
             "total_bytes": g.total, "shards": g.shards, "writes": g.writes}
            for g in figures.growth.values()
        ],
        "bandwidth": [
            {"flow": b.name, "average_bytes_per_second": b.average, "peak_bytes_per_second": b.peak}
            for b in figures.bandwidth.values()
        ],
        "queues": [
            {"broker": b.broker, "consumer": b.consumer, "arrival_rps": b.inflow, "drain_rps": b.drain,
             "peak_duration_seconds": b.duration, "smoothing_window_seconds": b.window,
             "backlog_messages": b.messages, "wait_seconds": b.wait, "work": b.work, "wait_work": b.wait_work,
             "drains_at": b.drains_at,
             "max_depth": figures.queue_limits(b.broker)[0], "retention_seconds": figures.queue_limits(b.broker)[1]}
            for b in figures.backlogs
        ],
        "saturates_first": None if saturation is None else {"id": saturation[0], "at_load_factor": saturation[1]},
        "missing_inputs": figures.missing_inputs(),
    }


def _product(flow: Any) -> str:
    """`edge 99.99% × api 99.99998% × region 99.99%`: the factors the flow's figure multiplies."""
    factors = [f"{part.cid} {format_percent(flow.effective(part))}" for part in flow.parts
               if part.value is not None and part.source is not None]
    if flow.region is not None:
        factors.append(f"region {format_percent(flow.region.value)}")
    return " × ".join(factors) or "100%"


def _reach(flow: Any, part: Any) -> str:
    """`; on 10% of requests: 1 − 10% × (1 − 99.99%) = 99.999%` for a part that not every request reaches."""
    share = flow.shares.get(part.cid, 1.0)
    if share >= 1 or part.value is None:
        return ""
    return (f"; on {format_percent(share)} of requests: 1 − {format_percent(share)} × "
            f"(1 − {format_percent(part.value)}) = {format_percent(flow.effective(part))}")


def _parts(parts: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"id": p.cid, "value": p.value, "work": p.work, "source": _source_data(p.source)} for p in parts]


def _source_data(source: Any) -> dict[str, str] | None:
    return None if source is None else {"kind": source.kind, "detail": source.detail}


def render_json(documents: list[dict[str, Any]]) -> str:
    return json_text({"version": 1, "designs": documents})


def json_text(document: Any) -> str:
    """A document of figures as JSON text (estimate, diff): strict JSON, two-space indent."""
    return json.dumps(_finite(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    """JSON has no infinity or NaN: a figure that is not a finite number is written as
    null, like any figure that cannot be given (archlint.input.units bounds the inputs so
    that none should overflow; this keeps the report JSON if one ever does)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def component_lines(figures: Figures, cid: str) -> list[str]:
    """One component's figures, each with its arithmetic and source, as Markdown list
    items: what a hover on the component in an editor shows."""
    terms = figures.terms
    kind = terms.kind(cid)
    lines = [f"**{cid}**: {kind}, {terms.tech_name(cid)}, {terms.rmin(cid)}"
             + (f"–{terms.rmax(cid)}" if terms.rmax(cid) != terms.rmin(cid) else "")
             + (" instance" if terms.rmax(cid) == 1 else " instances")]
    load = figures.loads.get(cid)
    if load is not None:
        capacity = load.capacity
        drain = sum(backlog.drain for backlog in figures.backlogs if backlog.consumer == cid)
        demand = _rate(load.demand) + (" reads" if load.compared == "read" else "") + \
            (" (average: fed by queues only" + (f"; it drains up to {_rate(drain)} as messages come)"
                                                 if drain else ")") if load.at_average else
             " (levelled: behind a queue)" if load.levelled else " at peak")
        if load.limit is None:
            used = f"capacity {capacity.reason or 'unknown'}: {capacity.work}{_source(capacity.source)}"
        else:
            share = "" if load.utilisation is None else f", {_used(load.utilisation)} used"
            hot = f" (above {HOT_UTILISATION:.0%})" if load.hot else ""
            used = f"capacity {_rate(load.limit)} = {capacity.work}{_source(capacity.source)}{share}{hot}"
        lines.append(f"- load {demand}; {used}")
    else:
        lines.append("- load: no flow enters it")
    availability = figures.component_availability(cid)
    if availability.value is not None and kind != "client":
        lines.append(f"- availability {format_percent(availability.value)}: {availability.work}"
                     f"{_source(availability.source)}")
    latency = figures.component_latency(cid, None)
    if latency.value is not None and kind != "client":
        lines.append(f"- p99 latency {latency.work}{_source(latency.source)}")
    flows = []
    for route in terms.routes():
        if cid == route.entry or any(hop.edge.dst == cid or hop.edge.src == cid for hop in route.hops):
            rate = figures.rates.get(route.name)
            peak = "" if rate is None or rate.peak is None else f" ({_rate(rate.peak)} peak)"
            flows.append(f"{route.name}{peak}")
    for backlog in figures.backlogs:  # a broker: what each consumer leaves in it at the end of the peak
        if backlog.broker == cid:
            lines.append(f"- backlog for {backlog.consumer} at the end of the peak: {backlog.work}; "
                         f"the last message waits {backlog.wait_work}")
    lines.append(f"- flows through it: {', '.join(flows)}" if flows else "- flows through it: none")
    return lines
