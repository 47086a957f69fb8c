"""`archlint catalog`: the technology catalog as a table, one entry as a page, or JSON.

Pure functions of the loaded catalog. Every figure is shown with the unit it is
counted in and the key of its source; an entry's page resolves the keys to titles and
links, so a reader can see where each planning number comes from.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archlint.catalog import Catalog, Figure, KindDefaults, Retention, TechEntry
from archlint.input.units import format_count, format_duration, format_percent, format_size

BASIS_TEXT = {
    "vendor_limit": "vendor limit",
    "vendor_peak": "vendor peak",
    "sla": "SLA",
    "vendor_default": "vendor default",
    "secondary": "secondary source",
    "definition": "by definition",
    "rule_of_thumb": "rule of thumb",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of an entry: its YAML path, value as text and for tools, unit, provenance."""

    path: str
    text: str
    value: Any  # JSON value in `unit`
    unit: str
    per: str | None  # capacity figures: counted per node, partition, ...
    basis: str
    source: str
    note: str | None
    variants: dict[str, Any] | None


def _json_number(value: Any) -> Any:
    # JSON has no infinity: an unbounded retention is the word.
    return "unbounded" if isinstance(value, float) and math.isinf(value) else value


def _show(value: Any, unit: str, per: str | None = None) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "per second":
        return f"{format_count(value)}/s" + (f" per {per}" if per else "")
    if unit == "ms":
        return f"{value:g}ms"
    if unit == "bytes":
        return format_size(value)
    if unit == "seconds":
        return "unbounded" if math.isinf(value) else format_duration(value)
    if unit == "fraction":
        return format_percent(value)
    if unit == "concurrent executions":
        return f"{format_count(value)} concurrent"
    return str(value)


def _row(path: str, figure: Figure, unit: str, per: str | None = None, extra: str = "") -> Row:
    variants = None
    if figure.variants:
        variants = {name: _json_number(value) for name, value in sorted(figure.variants.items())}
    return Row(path, _show(figure.value, unit, per) + extra, _json_number(figure.value), unit, per,
               figure.basis, figure.source, figure.note, variants)


def figure_rows(entry: KindDefaults) -> Iterator[Row]:
    """Every figure an entry (or a kind's defaults) sets, in the catalog's order."""
    capacity = entry.capacity
    if capacity is not None:
        per = capacity.unit
        write_per = capacity.write_unit or per
        yield _row("capacity.read_rps", capacity.read_rps, "per second", per)
        yield _row("capacity.write_rps", capacity.write_rps, "per second", write_per)
        if capacity.concurrency is not None:
            yield _row("capacity.concurrency", capacity.concurrency, "concurrent executions")
        if capacity.burst_rps is not None:
            yield _row("capacity.burst_rps", capacity.burst_rps, "per second", per)
    if entry.latency_p99_ms is not None:
        yield _row("latency_p99_ms.read", entry.latency_p99_ms.read, "ms")
        yield _row("latency_p99_ms.write", entry.latency_p99_ms.write, "ms")
    if entry.availability is not None:
        scope = entry.availability.scope
        extra = {"node": " per node", "service": " (service)"}.get(scope or "", "")
        if entry.availability.sla is not None and entry.availability.sla != entry.availability.value:
            extra += f", SLA {format_percent(entry.availability.sla)}"
        known = entry.availability.value is not None
        yield _row("availability", entry.availability, "fraction", extra=extra if known else "")
    if entry.max_item_bytes is not None:
        yield _row("max_item_bytes", entry.max_item_bytes, "bytes")
    if entry.retention is not None:
        yield from _retention_rows(entry.retention)
    for name, unit in (("autoscales", "flag"), ("partitioned", "flag"), ("replication_model", "model"),
                       ("replica_reads", "flag"), ("in_memory", "flag"), ("partitions", "count"),
                       ("delivery", "guarantee"), ("replication_factor", "count"),
                       ("max_storage_per_node", "bytes"), ("backups", "flag"),
                       ("encrypted_at_rest", "flag"), ("global_", "flag")):
        figure = getattr(entry, name)
        if figure is not None:
            yield _row(name.rstrip("_"), figure, unit)


def _retention_rows(retention: Retention) -> Iterator[Row]:
    for name in ("default", "max"):
        value = getattr(retention, name)
        yield Row(f"retention.{name}", _show(value, "seconds"), _json_number(value), "seconds", None,
                  retention.basis, retention.source, retention.note, None)


def _traits(entry: KindDefaults) -> list[tuple[str, str]]:
    """The entry's qualitative properties that are set, as (name, value)."""
    traits = []
    for name in ("consistency", "transactions", "scaling", "ordering", "replay"):
        value = getattr(entry, name)
        if value is not None:
            traits.append((name, "yes" if value is True else "no" if value is False else str(value)))
    return traits


def _run(entry: TechEntry) -> str:
    return "managed" if entry.managed else "self-run"


def _short(rows: dict[str, Row], path: str) -> str:
    row = rows.get(path)
    return "-" if row is None else f"{row.text} [{row.source}]"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def catalog_table(catalog: Catalog, entries: list[TechEntry]) -> str:
    """One line per technology: kind, who runs it, capacity, p99 and availability with
    their source keys, and aliases."""
    lines = [f"# technology catalog (reviewed {catalog.reviewed}): the figures behind a component's `tech`"]
    table = [["id", "kind", "run by", "read capacity", "write capacity", "p99 read", "availability", "aliases"]]
    for entry in entries:
        rows = {row.path: row for row in figure_rows(entry)}
        table.append([entry.id, entry.kind, _run(entry), _short(rows, "capacity.read_rps"),
                      _short(rows, "capacity.write_rps"), _short(rows, "latency_p99_ms.read"),
                      _short(rows, "availability"), ", ".join(entry.aliases) or "-"])
    lines += _table(table)
    lines.append(f"{len(entries)} technologies. [KEY] names a figure's source; `archlint catalog ID` "
                 f"shows one entry with every figure and its sources.")
    return "\n".join(lines) + "\n"


def entry_text(catalog: Catalog, entry: KindDefaults, name: str) -> str:
    """One technology's page (or a kind's defaults when `entry` is not a TechEntry): its
    properties, every figure with its basis and source, notes, and the sources resolved."""
    lines: list[str] = []
    if isinstance(entry, TechEntry):
        head = f"{entry.id}: {entry.kind}, {_run(entry)}"
        if entry.role:
            head += f", role {entry.role}"
        lines.append(head)
        if entry.aliases:
            lines.append(f"aliases: {', '.join(entry.aliases)}")
    else:
        lines.append(f"{name}: the defaults of kind {name}, used when a component's tech is absent or unknown")
    traits = _traits(entry)
    if traits:
        lines.append("; ".join(f"{key}: {value}" for key, value in traits))
    rows = list(figure_rows(entry))
    if rows:
        lines.append("")
        table = [["figure", "value", "basis", "source"]]
        for row in rows:
            table.append([row.path, row.text, BASIS_TEXT.get(row.basis, row.basis), row.source])
        lines += ["  " + line for line in _table(table)]
        notes = [(row.path, row.note) for row in rows if row.note]
        variants = [(row.path, row.variants) for row in rows if row.variants]
        for path, variant in variants:
            shown = ", ".join(f"{key} {_show(value, next(r.unit for r in rows if r.path == path))}"
                              for key, value in (variant or {}).items())
            lines.append(f"  {path} variants: {shown}")
        if notes:
            lines.append("")
            lines += [f"  {path}: {note}" for path, note in notes]
    if entry.notes:
        lines += ["", entry.notes]
    keys = sorted({row.source for row in rows})
    if keys:
        lines += ["", "Sources"]
        for key in keys:
            source = catalog.sources.get(key)
            if source is None:
                continue
            lines.append(f"  [{key}] {source.title}" + (f" <{source.url}>" if source.url else ""))
    return "\n".join(lines) + "\n"


def entry_json(entry: KindDefaults, name: str) -> dict[str, Any]:
    document: dict[str, Any] = {"id": name}
    if isinstance(entry, TechEntry):
        document.update(aliases=list(entry.aliases), kind=entry.kind, managed=entry.managed, role=entry.role)
    else:
        document.update(kind=name, defaults_of_kind=True)
    document.update(dict(_traits_json(entry)))
    document["figures"] = {
        row.path: {"value": row.value, "unit": row.unit, "per": row.per, "basis": row.basis, "source": row.source,
                   "note": row.note, "variants": row.variants}
        for row in figure_rows(entry)
    }
    document["notes"] = entry.notes
    return document


def _traits_json(entry: KindDefaults) -> Iterator[tuple[str, Any]]:
    for name in ("consistency", "transactions", "scaling", "ordering", "replay"):
        yield name, getattr(entry, name)


def catalog_json(catalog: Catalog, entries: list[tuple[str, KindDefaults]]) -> str:
    """The entries, each figure with its value in the stated unit and its provenance,
    and the sources they cite. Unbounded retention is null with unit seconds."""
    technologies = [entry_json(entry, name) for name, entry in entries]
    keys = sorted({figure["source"] for tech in technologies for figure in tech["figures"].values()})
    document = {
        "catalog_version": catalog.catalog_version,
        "reviewed": catalog.reviewed,
        "technologies": technologies,
        "sources": {
            key: {"title": catalog.sources[key].title, "url": catalog.sources[key].url,
                  "also": list(catalog.sources[key].also or [])}
            for key in keys if key in catalog.sources
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
