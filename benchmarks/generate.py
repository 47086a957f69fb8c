#!/usr/bin/env python3
"""Generate synthetic, valid archlint designs of a chosen size, for benchmarks.

The output is deterministic: the same component count always gives the same
bytes. There is no randomness; variety comes from a small integer hash of the
group index, so designs look hand-written without depending on `random`'s
algorithms staying the same across Python versions.

Shape of a design of N components:

- 3 shared components: two clients (`web`, `mobile`) and one load balancer
  (`edge`) that routes to every group's public service;
- the other N - 3 components in groups of about 10, one per business domain:
  an API service calling its own core service, database and cache; a queue
  (SQS, with its DLQ) consumed by a worker; a Kafka stream consumed by an
  indexer that feeds a search cluster; and, in larger groups, object storage,
  an external partner, an admin service, a function and extra workers;
- each API service calls the API services of one or two groups with a lower
  index, so synchronous calls never form a cycle;
- two or three flows per group whose every hop is a declared edge, two API
  endpoints per group, and one technology decision per group.

Usage:

    python benchmarks/generate.py --components 500 --out /tmp/d.arch.yaml
    python benchmarks/generate.py --standard            # benchmarks/out/design-*.arch.yaml
    python benchmarks/generate.py --standard --self-check
    python benchmarks/generate.py --self-check FILE...  # check existing files
"""

from __future__ import annotations

import argparse
import gc
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT_DIR = HERE / "out"

# The standard set, by label; run.py uses the same labels.
STANDARD_SIZES: dict[str, int] = {
    "30": 30,
    "100": 100,
    "1k": 1_000,
    "10k": 10_000,
    "50k": 50_000,
}

SHARED = ("web", "mobile", "edge")
MIN_COMPONENTS = len(SHARED) + 1

DOMAINS = (
    "accounts", "orders", "payments", "catalog", "inventory", "profiles", "search",
    "reviews", "shipping", "billing", "notifications", "pricing", "promotions",
    "carts", "checkout", "recommendations", "media", "messaging", "ledger", "fraud",
    "loyalty", "returns", "warehouse", "suppliers", "analytics", "reports",
    "sessions", "feeds", "comments", "followers", "bookings", "tickets", "invoices",
    "subscriptions", "coupons", "geo", "drivers", "dispatch", "ratings", "support",
    "audit", "exports", "imports", "settings",
)

# Roles of a group's members, in the order they are added as the group grows.
# A group of size s has the first s roles; beyond this list, extra workers.
ROLES = (
    "api", "db", "cache", "events", "events-dlq", "worker", "core",
    "changes", "indexer", "search", "blob", "partner", "admin", "fn",
)

SERVICE_TECHS = ("go", "java", "node", "python", "dotnet")
WORKER_TECHS = ("go", "python", "java")
DB_TECHS = ("postgres", "mysql", "aurora", "dynamodb", "cassandra", "mongodb", "postgres")
CACHE_TECHS = ("redis", "memcached", "elasticache")
SEARCH_TECHS = ("elasticsearch", "opensearch")
SHARD_KEYS = ("customer_id", "account_id", "tenant_id", "order_id", "user_id", "region")


def mix(*values: int) -> int:
    """A small deterministic 32-bit hash (FNV-1a over the values' low bytes)."""
    h = 0x811C9DC5
    for value in values:
        for shift in (0, 8, 16, 24):
            h ^= (value >> shift) & 0xFF
            h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def pick(options: tuple[str, ...], *key: int) -> str:
    return options[mix(*key) % len(options)]


def label_for(n: int) -> str:
    """`design-<label>`: 30, 100, 1k, 10k, 50k; other counts as plain numbers."""
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text in STANDARD_SIZES:
        return STANDARD_SIZES[text]
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    return int(text)


def group_sizes(total: int) -> list[int]:
    """Split `total` components into groups of about 10, as evenly as possible."""
    if total <= 0:
        return []
    count = max(1, round(total / 10))
    base, extra = divmod(total, count)
    return [base + 1 if i < extra else base for i in range(count)]


def group_name(index: int) -> str:
    domain = DOMAINS[index % len(DOMAINS)]
    cycle = index // len(DOMAINS)
    return domain if cycle == 0 else f"{domain}-{cycle + 1}"


def count_text(value: int) -> str:
    """A count or rate mantissa the way a person writes it: 1200 -> 1.2k."""
    for suffix, unit in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if value >= unit:
            scaled = value / unit
            return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
    return str(value)


class Group:
    """One domain's components; `has(role)` says whether the group got that member."""

    def __init__(self, index: int, size: int) -> None:
        self.index = index
        self.name = group_name(index)
        self.roles = list(ROLES[:size])
        self.extra_workers = max(0, size - len(ROLES))
        self.deps: list[int] = []  # indices of groups whose API this group's API calls

    def has(self, role: str) -> bool:
        return role in self.roles

    def id(self, role: str) -> str:
        return f"{self.name}-{role}"

    def ids(self) -> list[str]:
        ids = [self.id(role) for role in self.roles]
        ids += [self.id(f"job{k + 1}") for k in range(self.extra_workers)]
        return ids


def build_groups(n: int) -> list[Group]:
    groups = [Group(i, size) for i, size in enumerate(group_sizes(n - len(SHARED)))]
    for g in groups:
        if g.index == 0:
            continue
        # Prefer a nearby group and, now and then, one of the first groups
        # (accounts, orders, payments...): the "platform" services many call.
        deps = {g.index - 1 - mix(g.index, 1) % min(g.index, 8)}
        if g.index >= 3 and mix(g.index, 2) % 3 == 0:
            deps.add(mix(g.index, 3) % 3)
        g.deps = sorted(deps)
    return groups


# --------------------------------------------------------------------------- emission


def emit_header(out: list[str], n: int, groups: list[Group]) -> None:
    label = label_for(n)
    dau = max(50_000, n * 20_000)
    engineers = max(4, n // 8)
    out += [
        "# yaml-language-server: $schema=../../schemas/archlint.schema.json",
        f"# Synthetic benchmark design: {n} components in {len(groups)} domain groups.",
        "# Generated by benchmarks/generate.py; do not edit by hand.",
        "archlint: 1",
        f"name: synthetic-{label}",
        "description: >-",
        "  A marketplace split into domain groups, each with its own API, storage,",
        "  cache, queue and workers. Generated for archlint's benchmarks.",
        "",
        "requirements:",
        "  functional:",
        "    - Browse and search the catalog",
        "    - Place, pay for and track orders",
        "    - Notify customers of changes to their orders",
        "  availability: 99.9%",
        "  latency_p99: 300ms",
        "  consistency: eventual",
        "  durability: 99.999%",
        "",
        "scale:",
        f"  dau: {count_text(dau)}",
        "  peak_factor: 3",
        '  read_write_ratio: "20:1"',
        "  retention: 3y",
        "",
        "team:",
        f"  engineers: {engineers}",
        f"  teams: {max(1, len(groups) // 2)}",
        "",
        "deployment:",
        "  regions: 1",
        "  zones: 3",
        "  orchestrator: kubernetes",
        "  service_mesh: istio",
        "",
    ]


def emit_shared(out: list[str], groups: list[Group]) -> None:
    out += [
        "components:",
        "  web:",
        "    kind: client",
        "    description: Browser single-page app",
        "    calls: [edge]",
        "  mobile:",
        "    kind: client",
        "    description: iOS and Android apps",
        "    calls: [edge]",
        "  edge:",
        "    tech: aws-alb",
        "    public: true",
        "    security: {tls: true, auth: jwt, rate_limit: 200/s}",
        "    calls:",
    ]
    for g in groups:
        out.append(f"      {g.id('api')}: {{timeout: 2s}}")
    out.append("")


def emit_group(out: list[str], g: Group) -> None:
    start = len(out)
    _emit_group(out, g)
    # Every member names its group, which `archlint diagram` draws as a cluster (and as
    # one node in the overview of a large design).
    headers = {f"  {cid}:" for cid in g.ids()}
    for index in range(len(out) - 1, start - 1, -1):
        if out[index] in headers:
            out.insert(index + 1, f"    group: {g.name}")


def _emit_group(out: list[str], g: Group) -> None:
    i = g.index
    a = out.append
    a(f"  # --- {g.name} ---")

    # The public API service.
    a(f"  {g.id('api')}:")
    a("    kind: service")
    a(f"    description: Public API of {g.name}")
    a(f"    tech: {pick(SERVICE_TECHS, i, 10)}")
    a(f"    owner: team-{g.name}")
    replicas = 2 + mix(i, 11) % 4
    a(f"    replicas: {replicas}")
    a(f"    autoscaling: {{min: {replicas}, max: {replicas * 5}}}")
    a("    health_check: /healthz")
    a("    calls:")
    if g.has("cache"):
        a(f"      {g.id('cache')}: {{timeout: 20ms, fallback: read from the database}}")
    if g.has("db"):
        a(f"      {g.id('db')}:")
        a(f"        timeout: {40 + 10 * (mix(i, 12) % 4)}ms")
        a("        retries: {max: 2, backoff: exponential, jitter: true}")
        a("        circuit_breaker: true")
        a("        idempotent: true")
    if g.has("core"):
        a(f"      {g.id('core')}: {{timeout: 250ms, retries: 1, circuit_breaker: true, idempotent: true}}")
    if g.has("search"):
        a(f"      {g.id('search')}: {{timeout: 150ms, critical: false, fallback: browse without search}}")
    for d in g.deps:
        a(f"      {group_name(d)}-api:")
        a("        protocol: grpc")
        a("        timeout: 300ms")
        a("        circuit_breaker: true")
        a("        critical: false")
    if not (g.has("cache") or g.has("db") or g.has("core") or g.has("search") or g.deps):
        out.pop()  # a lone API: no `calls:` key
    if g.has("events"):
        a(f"    publishes: [{g.id('events')}]")

    if g.has("db"):
        tech = pick(DB_TECHS, i, 20)
        a(f"  {g.id('db')}:")
        a(f"    tech: {tech}")
        a(f"    owner: team-{g.name}")
        a("    zones: 3")
        a(f"    data: [{g.name.replace('-', '_')}, pii]")
        key = pick(SHARD_KEYS, i, 21)
        if tech == "dynamodb":
            a(f"    sharding: {{strategy: hash, key: {key}}}")
        elif tech == "cassandra":
            a("    replicas: 3")
            a("    replication: {mode: leaderless, replicas: 3}")
            a(f"    sharding: {{strategy: hash, key: {key}}}")
        else:
            a("    replication:")
            a("      mode: primary_replica")
            a(f"      replicas: {1 + mix(i, 22) % 2}")
            a("      read_from_replicas: true")
            if tech == "mongodb" or mix(i, 23) % 4 == 0:
                a(f"    sharding: {{strategy: hash, key: {key}, shards: {4 << (mix(i, 24) % 3)}}}")
        a(f"    backups: {{interval: 24h, retention: {pick(('14d', '30d', '35d'), i, 25)}}}")

    if g.has("cache"):
        a(f"  {g.id('cache')}:")
        a(f"    tech: {pick(CACHE_TECHS, i, 30)}")
        a(f"    owner: team-{g.name}")
        a("    replicas: 2")
        a("    cache:")
        a(f"      ttl: {pick(('5m', '15m', '1h', '24h'), i, 31)}")
        a(f"      eviction: {pick(('lru', 'lfu'), i, 32)}")
        a("      invalidation: ttl")
        a(f"      stampede: {pick(('coalescing', 'early_expiration', 'locking'), i, 33)}")

    if g.has("events"):
        a(f"  {g.id('events')}:")
        a("    tech: sqs")
        a(f"    description: {g.name} domain events for asynchronous work")
        if g.has("events-dlq"):
            a(f"    queue: {{dlq: {g.id('events-dlq')}, retention: 4d, max_depth: 1M}}")
        else:
            a("    queue: {retention: 4d, max_depth: 1M}")
    if g.has("events-dlq"):
        a(f"  {g.id('events-dlq')}:")
        a("    tech: sqs")
        a(f"    description: {g.name} events that failed five times, kept for replay")
        a("    queue: {retention: 14d}")

    if g.has("worker"):
        a(f"  {g.id('worker')}:")
        a("    kind: worker")
        a(f"    tech: {pick(WORKER_TECHS, i, 40)}")
        a(f"    owner: team-{g.name}")
        a("    replicas: 2")
        a("    autoscaling: {min: 2, max: 20}")
        a("    consumes:")
        a(f"      {g.id('events')}: {{idempotent: true, max_retries: 5, concurrency: 8}}")
        if g.has("db"):
            a("    calls:")
            a(f"      {g.id('db')}:")
            a("        timeout: 500ms")
            a("        retries: {max: 3, backoff: exponential, jitter: true}")
            a("        idempotent: true")
        if g.has("changes"):
            a(f"    publishes: [{g.id('changes')}]")

    if g.has("core"):
        a(f"  {g.id('core')}:")
        a("    kind: service")
        a(f"    tech: {pick(SERVICE_TECHS, i, 50)}")
        a(f"    owner: team-{g.name}")
        a("    replicas: 3")
        a("    autoscaling: {min: 3, max: 12}")
        a("    health_check: /ready")
        callees = [r for r in ("db", "blob", "partner") if g.has(r)]
        if callees:
            a("    calls:")
        if g.has("db"):
            a(f"      {g.id('db')}: {{timeout: 80ms, circuit_breaker: true}}")
        if g.has("blob"):
            a(f"      {g.id('blob')}: {{timeout: 1s, retries: {{max: 2, backoff: exponential, jitter: true}}, "
              "idempotent: true}")
        if g.has("partner"):
            a(f"      {g.id('partner')}:")
            a("        protocol: http")
            a("        timeout: 800ms")
            a("        circuit_breaker: true")
            a("        fallback: queue the request and confirm later")

    if g.has("changes"):
        a(f"  {g.id('changes')}:")
        a("    tech: kafka")
        a(f"    owner: team-{g.name}")
        a("    replicas: 3")
        a("    queue:")
        a("      ordering: per_key")
        a(f"      partitions: {6 * (1 + mix(i, 60) % 4)}")
        a("      replication_factor: 3")
        a("      retention: 7d")

    if g.has("indexer"):
        a(f"  {g.id('indexer')}:")
        a("    kind: worker")
        a("    tech: java")
        a(f"    owner: team-{g.name}")
        a("    replicas: 2")
        a("    consumes:")
        a(f"      {g.id('changes')}: {{idempotent: true, group: {g.name}-indexer}}")
        if g.has("search"):
            a("    calls:")
            a(f"      {g.id('search')}: {{timeout: 2s, retries: 3, idempotent: true}}")

    if g.has("search"):
        a(f"  {g.id('search')}:")
        a(f"    tech: {pick(SEARCH_TECHS, i, 70)}")
        a(f"    owner: team-{g.name}")
        a("    replicas: 3")
        a(f"    description: Full-text index of {g.name}")

    if g.has("blob"):
        a(f"  {g.id('blob')}:")
        a("    tech: s3")
        a(f"    data: [{g.name.replace('-', '_')}_documents]")
        a("    backups: false")

    if g.has("partner"):
        a(f"  {g.id('partner')}:")
        a("    kind: external")
        a(f"    description: Third-party provider used by {g.name}")
        a("    availability: 99.9%")
        a("    latency_p99: 400ms")

    if g.has("admin"):
        a(f"  {g.id('admin')}:")
        a("    kind: service")
        a("    tech: python")
        a("    replicas: 2")
        a("    health_check: true")
        if g.has("core"):
            a("    calls:")
            a(f"      {g.id('core')}: {{timeout: 2s}}")

    if g.has("fn"):
        a(f"  {g.id('fn')}:")
        a("    kind: function")
        a("    tech: lambda")
        a("    description: Sends notifications for new events")
        a("    consumes:")
        a(f"      {g.id('events')}: {{idempotent: true, max_retries: 3}}")

    for k in range(g.extra_workers):
        a(f"  {g.id(f'job{k + 1}')}:")
        a("    kind: worker")
        a("    tech: go")
        a("    replicas: 2")
        a("    consumes:")
        a(f"      {g.id('events')}: {{idempotent: true, group: {g.name}-job{k + 1}}}")
    a("")


def emit_flows(out: list[str], groups: list[Group]) -> None:
    a = out.append
    a("flows:")
    for g in groups:
        i = g.index
        api = g.id("api")
        read_rate = 1 + mix(i, 80) % 40
        write_rate = 1 + mix(i, 81) % 20
        steps: list[str] = [f"web -> edge -> {api}"]
        if g.has("cache"):
            steps[0] += f" -> {g.id('cache')}"
        if g.has("db"):
            steps.append(f"{api} -> {g.id('db')}: {5 + 5 * (mix(i, 82) % 4)}%")
        if g.has("search"):
            steps.append(f"{api} -> {g.id('search')}: 30%")
        for d in g.deps[:1]:
            steps.append(f"{api} -> {group_name(d)}-api: 20%")
        a(f"  {g.name}-read:")
        a(f"    rate: {read_rate}M/day")
        a("    type: read")
        a("    steps:")
        out.extend(f"      - {s}" for s in steps)

        steps = [f"mobile -> edge -> {api}"]
        if g.has("core"):
            steps[0] += f" -> {g.id('core')}"
            if g.has("db"):
                steps[0] += f" -> {g.id('db')}"
        elif g.has("db"):
            steps[0] += f" -> {g.id('db')}"
        if g.has("worker"):
            chain = f"{api} -> {g.id('events')} -> {g.id('worker')}"
            if g.has("indexer"):
                chain += f" -> {g.id('changes')} -> {g.id('indexer')}"
                if g.has("search"):
                    chain += f" -> {g.id('search')}"
            steps.append(chain)
        elif g.has("events"):
            steps.append(f"{api} -> {g.id('events')}")
        if g.has("partner"):
            steps.append(f"{g.id('core')} -> {g.id('partner')}: 10%")
        if g.has("blob"):
            steps.append(f"{g.id('core')} -> {g.id('blob')}: 25%")
        a(f"  {g.name}-write:")
        a(f"    rate: {count_text(write_rate * 100_000)}/day")
        a("    type: write")
        a(f"    payload: {pick(('500B', '1KB', '2KB', '4KB'), i, 83)}")
        if mix(i, 84) % 3 == 0:
            a("    latency_p99: 500ms")
        a("    steps:")
        out.extend(f"      - {s}" for s in steps)
    a("")


def emit_apis(out: list[str], groups: list[Group]) -> None:
    a = out.append
    a("apis:")
    for g in groups:
        path = g.name.replace("-", "/v")  # orders-2 -> orders/v2
        a(f"  - endpoint: GET /v1/{path}/{{id}}")
        a(f"    served_by: {g.id('api')}")
        a(f"  - endpoint: POST /v1/{path}")
        a(f"    served_by: {g.id('api')}")
        a("    idempotency_key: true")
        a("    auth: jwt")
    a("")


def emit_tail(out: list[str], groups: list[Group]) -> None:
    a = out.append
    out += [
        "observability:",
        "  metrics: prometheus",
        "  logs: loki",
        "  tracing: opentelemetry",
        "  alerting: alertmanager",
        "  dashboards: grafana",
        "",
        "decisions:",
        "  - topic: Load balancer",
        "    choice: aws-alb",
        "    alternatives: [nginx, envoy]",
        "    why: Managed, zone-redundant, and terminates TLS for every group.",
        "    tradeoffs: Per-request cost and fewer routing features than a mesh gateway.",
    ]
    for g in groups:
        if not g.has("db"):
            continue
        tech = pick(DB_TECHS, g.index, 20)
        others = [t for t in ("postgres", "dynamodb", "cassandra", "mongodb") if t != tech][:2]
        a(f"  - topic: {g.name} store")
        a(f"    choice: {tech}")
        a(f"    alternatives: [{', '.join(others)}]")
        a(f"    why: Fits how {g.name} is read and written, mostly by {pick(SHARD_KEYS, g.index, 21)}.")
        a("    tradeoffs: Cross-group queries go through the APIs, never through this store.")
    a("")


def generate(n: int) -> str:
    """The YAML text of a design with exactly `n` components."""
    if n < MIN_COMPONENTS:
        raise ValueError(f"need at least {MIN_COMPONENTS} components, got {n}")
    groups = build_groups(n)
    out: list[str] = []
    emit_header(out, n, groups)
    emit_shared(out, groups)
    for g in groups:
        emit_group(out, g)
    emit_flows(out, groups)
    emit_apis(out, groups)
    emit_tail(out, groups)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- self-check

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
QUEUE_TECHS = {"sqs", "kafka"}
KIND_BY_TECH = {
    "sqs": "queue", "kafka": "stream", "aws-alb": "load_balancer", "redis": "cache",
    "memcached": "cache", "elasticache": "cache", "postgres": "database",
    "mysql": "database", "aurora": "database", "dynamodb": "database",
    "cassandra": "database", "mongodb": "database", "elasticsearch": "search",
    "opensearch": "search", "s3": "object_storage", "lambda": "function",
}
BOOL_KEYS = {
    "public", "tls", "read_from_replicas", "synchronous", "jitter", "circuit_breaker",
    "critical", "idempotent", "idempotency_key", "backups", "stateless", "health_check",
}


def _strict_loader() -> type:
    """A safe loader (C if available) that refuses duplicate keys, as archlint does."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> dict:
            seen: set = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _names(value: Any) -> list[str]:
    """Ids of a `calls`/`publishes`/`consumes` value: a list or a map."""
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return list(value)
    raise TypeError(f"expected a list or a map, got {type(value).__name__}")


def _walk_bools(value: Any, path: str) -> Iterator[str]:
    """Booleans outside known boolean keys: a YAML 1.1 `yes`/`on` slipped in."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, bool) and k not in BOOL_KEYS:
                yield f"{path}.{k}"
            yield from _walk_bools(v, f"{path}.{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _walk_bools(v, f"{path}[{n}]")


def check_design(data: Any, expect_components: int | None = None) -> list[str]:
    """Problems with a generated design; an empty list means valid."""
    errors: list[str] = []
    err = errors.append
    if not isinstance(data, dict):
        return ["the document is not a map"]
    for key in ("archlint", "name", "requirements", "scale", "team", "deployment",
                "components", "flows", "apis", "observability", "decisions"):
        if key not in data:
            err(f"missing top-level key {key}")
    if data.get("archlint") != 1:
        err("archlint: must be 1")
    comps = data.get("components") or {}
    if expect_components is not None and len(comps) != expect_components:
        err(f"{len(comps)} components, expected {expect_components}")

    kinds: dict[str, str] = {}
    for cid, c in comps.items():
        if not isinstance(cid, str) or not ID_RE.match(cid):
            err(f"bad component id {cid!r}")
        if not isinstance(c, dict):
            err(f"component {cid} is not a map")
            continue
        kind = c.get("kind") or KIND_BY_TECH.get(c.get("tech", ""))
        if kind is None:
            err(f"component {cid}: no kind and unknown tech {c.get('tech')!r}")
        kinds[cid] = kind or "?"

    sync: dict[str, set[str]] = {cid: set() for cid in comps}
    edges: set[tuple[str, str]] = set()
    for cid, c in comps.items():
        if not isinstance(c, dict):
            continue
        for field in ("calls", "publishes", "consumes"):
            for target in _names(c.get(field)):
                if target not in comps:
                    err(f"components.{cid}.{field}: unknown component {target!r}")
                    continue
                tkind = kinds[target]
                if field == "calls":
                    if tkind == "client":
                        err(f"components.{cid}.calls: {target} is a client")
                    sync[cid].add(target)
                    edges.add((cid, target))
                elif tkind not in ("queue", "stream"):
                    err(f"components.{cid}.{field}: {target} is a {tkind}, not a queue or stream")
                elif field == "publishes":
                    edges.add((cid, target))
                else:
                    edges.add((target, cid))
        dlq = (c.get("queue") or {}).get("dlq")
        if dlq not in (None, False):
            if dlq not in comps:
                err(f"components.{cid}.queue.dlq: unknown component {dlq!r}")
            elif kinds[dlq] not in ("queue", "stream"):
                err(f"components.{cid}.queue.dlq: {dlq} is not a queue")

    for name, flow in (data.get("flows") or {}).items():
        for n, step in enumerate(flow.get("steps") or []):
            where = f"flows.{name}.steps[{n}]"
            if isinstance(step, dict):
                if len(step) != 1:
                    err(f"{where}: a step with a share must be a one-key map")
                    continue
                (chain, share), = step.items()
                if not (isinstance(share, str) and re.fullmatch(r"\d+(\.\d+)?%", share)
                        and 0 < float(share[:-1]) <= 100):
                    err(f"{where}: bad share {share!r}")
            else:
                chain = step
            hops = [h.strip() for h in str(chain).split("->")]
            if len(hops) < 2:
                err(f"{where}: not a chain: {chain!r}")
            for src, dst in itertools.pairwise(hops):
                if src not in comps or dst not in comps:
                    err(f"{where}: unknown component in hop {src} -> {dst}")
                elif (src, dst) not in edges:
                    err(f"{where}: hop {src} -> {dst} is not a declared edge")

    for n, api in enumerate(data.get("apis") or []):
        if api.get("served_by") not in comps:
            err(f"apis[{n}].served_by: unknown component {api.get('served_by')!r}")
        if not re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE|WS|RPC) \S+", str(api.get("endpoint"))):
            err(f"apis[{n}].endpoint: malformed {api.get('endpoint')!r}")
    for n, d in enumerate(data.get("decisions") or []):
        for key in ("topic", "choice", "why", "tradeoffs"):
            if not d.get(key):
                err(f"decisions[{n}]: missing {key}")

    cycle = find_cycle(sync)
    if cycle:
        err("synchronous call cycle: " + " -> ".join(cycle))
    for path in _walk_bools(data, "$"):
        err(f"{path}: a boolean where text was meant (YAML 1.1 yes/no/on/off?)")
    return errors


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, or None. Iterative DFS (no recursion limit)."""
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(graph, WHITE)
    for root in graph:
        if color[root] != WHITE:
            continue
        color[root] = GREY
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if color.get(child, BLACK) == GREY:
                    path = [n for n, _ in stack]
                    return path[path.index(child):] + [child]
                if color.get(child) == WHITE:
                    color[child] = GREY
                    stack.append((child, iter(sorted(graph[child]))))
                    break
            else:
                color[node] = BLACK
                stack.pop()
    return None


def check_file(path: Path, expect_components: int | None = None) -> list[str]:
    import yaml  # only the self-check needs PyYAML; generating does not

    text = path.read_text(encoding="utf-8")
    if "\t" in text:
        return ["tab character in the file"]
    gc.disable()  # building a large tree with the collector on is ~3x slower
    try:
        data = yaml.load(text, Loader=_strict_loader())
    except yaml.YAMLError as exc:
        return [f"YAML error: {exc}"]
    finally:
        gc.enable()
    return check_design(data, expect_components)


# --------------------------------------------------------------------------- command line


def write_design(n: int, out: Path) -> tuple[int, int]:
    text = generate(n)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8")), text.count("\n")


def standard_path(label: str, out_dir: Path = DEFAULT_OUT_DIR) -> Path:
    return out_dir / f"design-{label}.arch.yaml"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", "-n", type=parse_size,
                        help="number of components (exact); accepts 1k, 10k")
    parser.add_argument("--out", "-o", type=Path, help="file to write ('-' for stdout)")
    parser.add_argument("--standard", action="store_true",
                        help="write the standard set design-{30,100,1k,10k,50k}.arch.yaml")
    parser.add_argument("--sizes", default=",".join(STANDARD_SIZES),
                        help="with --standard: which sizes (default: %(default)s)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help="with --standard: folder (default: benchmarks/out)")
    parser.add_argument("--self-check", action="store_true",
                        help="validate what was written, or the FILEs given")
    parser.add_argument("files", nargs="*", type=Path,
                        help="with --self-check alone: existing designs to validate")
    args = parser.parse_args(list(argv) if argv is not None else None)

    targets: list[tuple[Path, int | None]] = []
    if args.standard:
        for token in args.sizes.split(","):
            n = parse_size(token)
            path = standard_path(label_for(n), args.out_dir)
            size, lines = write_design(n, path)
            print(f"{path}: {n} components, {lines} lines, {size:,} bytes", file=sys.stderr)
            targets.append((path, n))
    elif args.components is not None:
        if args.components < MIN_COMPONENTS:
            parser.error(f"--components must be at least {MIN_COMPONENTS}")
        if args.out is None or str(args.out) == "-":
            if args.self_check:
                parser.error("--self-check needs --out FILE")
            sys.stdout.write(generate(args.components))
            return 0
        size, lines = write_design(args.components, args.out)
        print(f"{args.out}: {args.components} components, {lines} lines, {size:,} bytes",
              file=sys.stderr)
        targets.append((args.out, args.components))
    elif args.self_check and args.files:
        targets = [(p, None) for p in args.files]
    else:
        parser.error("give --components N --out FILE, --standard, or --self-check FILE...")

    if not args.self_check:
        return 0
    failed = 0
    for path, n in targets:
        problems = check_file(path, n)
        if problems:
            failed += 1
            print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
            for p in problems[:50]:
                print(f"  {p}", file=sys.stderr)
        else:
            print(f"{path}: ok", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
