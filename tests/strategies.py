"""Hypothesis strategies for archlint: valid designs in the language of
design-language.md, written out as YAML (or Markdown) in varied styles, and the
mutations that turn them into bad input.

`designs()` draws plain data that must validate with no input finding: every kind,
catalog and free techs, edges of every form whose targets have the right kinds, flows
whose hops are declared edges (their synchronous hops never loop), and quantities in
every accepted unit form, including the edge values 0 and huge. `design_files()`
writes one out; `mutated()` breaks text the ways real files break.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

from archlint.catalog import load_catalog
from archlint.input import units
from archlint.language.kinds import BROKER, KINDS
from archlint.rules.metadata import builtin_rules

_CATALOG = load_catalog()
TECHS_BY_KIND: dict[str, list[str]] = {}
for _entry in _CATALOG.entries:
    TECHS_BY_KIND.setdefault(_entry.kind, []).append(_entry.id)

_METAS = builtin_rules()
SUPPRESSIBLE = sorted(code for code in _METAS if not code.startswith(("INP", "LNT", "ENG")))
OPTIONS = sorted((code, name, spec.type) for code, meta in _METAS.items() for name, spec in meta.options.items())

# --- quantities, in every form the language accepts --------------------------------------
# Strategies are built once, here: building them inside a draw costs more than drawing.

_SPACE = st.sampled_from(["", "", "", " "])
_SUFFIX = st.sampled_from(["", "", "k", "K", "M", "B"])


def _decimal(high: int) -> st.SearchStrategy[str]:
    """Decimal text as the unit grammar reads it: `5`, `1.5`, `.25`, `007`."""
    return st.one_of(
        st.integers(0, high).map(str),
        st.tuples(st.integers(0, high), st.integers(0, 999)).map(lambda pair: f"{pair[0]}.{pair[1]}"),
        st.integers(0, 99).map(lambda fraction: f".{fraction:02d}"),
        st.sampled_from(["0", "007", "0.0"]),
    )


COUNTS = st.one_of(  # 6, 2.5, '100k', '1.5 M', '3B' (1e9), and huge ones now and then
    st.integers(0, 10**6),
    st.floats(1e-12, 1e6),  # a quantity other than 0 is at least 1e-12 (archlint.input.units)
    st.tuples(_decimal(999), _SPACE, _SUFFIX).map("".join),
    st.sampled_from([0, 1, 10**12, 1e18, "999B"]),
)
PEAK_FACTORS = st.one_of(st.integers(1, 20), st.floats(1, 20), st.sampled_from(["1", "3", "1.5", 1e18]))


def _wholes(low: int) -> st.SearchStrategy[Any]:
    """Whole counts of at least `low`: 3, '3', '2k', '1.5M' (a whole number too)."""
    return st.one_of(
        st.integers(low, 64),
        st.integers(low, 64).map(str),
        st.tuples(st.integers(1, 999).map(str), _SPACE, st.sampled_from(["k", "K", "M", "B"])).map("".join),
        st.sampled_from(["1.5k", "2.25M", 10**15]),
    )


WHOLE0, WHOLE1 = _wholes(0), _wholes(1)
RATES = st.one_of(  # 1000/s, 2k / min, 50/h, 100M/day, 10B/month, 300 rps, 0/s
    st.tuples(_decimal(5000), _SUFFIX, st.one_of(
        st.tuples(_SPACE, st.just("/"), _SPACE, st.sampled_from(["s", "min", "h", "day", "month"])).map("".join),
        st.tuples(_SPACE, st.just("rps")).map("".join),
    )).map("".join),
    st.sampled_from(["0/s", "1/month", "999B/s", "0.001 rps"]),
)
SERVING = RATES.filter(lambda text: units.parse_rate(text) > 0)  # a capacity: above 0/s
DURATIONS = st.one_of(
    st.tuples(_decimal(500), _SPACE, st.sampled_from(["ms", "s", "m", "h", "d", "y"])).map("".join),
    st.sampled_from(["0ms", "1ms", "100y"]),
)
SIZES = st.tuples(_decimal(800), _SPACE, st.sampled_from(  # up to 800PiB, below 1e18 B
    ["B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB"])).map("".join)
PERCENTS = st.one_of(  # 99.95%, 10 %, 0.9995, 0, 1: a fraction in [0, 1] either way
    st.tuples(_decimal(99), _SPACE, st.just("%")).map("".join),
    st.floats(0, 1),
    st.sampled_from([0, 1, "100%", "0%", "99.999%", 0.5]),
)
_RATIO_SIDE = st.one_of(st.integers(1, 1000).map(str), st.sampled_from(["1.5", "10k", "2M"]))
RATIOS = st.one_of(
    st.tuples(_RATIO_SIDE, _SPACE, st.just(":"), _SPACE, _RATIO_SIDE).map("".join),
    st.integers(1, 1000),
    st.floats(0.01, 1000),
)
FREE_TEXT = st.one_of(  # what a person writes: ASCII, any Unicode, or a number YAML reads as one
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["no", "yes", "on", "100:1", "2027-03-31", "null-ish", "ünïcødé", "日本語", "\u202eevil"]),
)
REASONS = FREE_TEXT.map(str).filter(lambda text: text.strip() != "")
_X_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                       st.text(max_size=10))
X_VALUES = st.one_of(  # anything at all under an `x-` key: kept for the user's own tools
    _X_SCALARS, st.lists(_X_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(_X_SCALARS, st.lists(_X_SCALARS, max_size=2)), max_size=3),
)
CONSISTENCY = st.sampled_from(["strong", "read-your-writes", "eventual"])
AUTH = st.sampled_from(["none", "api_key", "jwt", "oauth", "mtls"])

# --- components -------------------------------------------------------------------------------

IDS = st.tuples(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"),
                st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=11)).map("".join)
LINK_PROPS = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "protocol": st.sampled_from(["http", "grpc", "websocket", "sql", "tcp", "amqp"]),
    "timeout": DURATIONS,
    "retries": st.one_of(WHOLE0, st.fixed_dictionaries({"max": WHOLE0}, optional={
        "backoff": st.sampled_from(["none", "fixed", "exponential"]), "jitter": st.booleans()})),
    "circuit_breaker": st.booleans(),
    "fallback": FREE_TEXT,
    "critical": st.booleans(),
    "idempotent": st.booleans(),
    "awaits_reply": st.booleans(),
    "x-note": X_VALUES,
}))
CONSUMER_PROPS = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "idempotent": st.booleans(),
    "max_retries": WHOLE0,
    "concurrency": WHOLE1,
    "group": FREE_TEXT,
    "ordering": st.sampled_from(["per_key", "fifo"]),
}))
SPREAD = st.one_of(WHOLE1, st.lists(st.sampled_from(["a", "b", "c", "eu-west-1", "us-east-1"]),
                                    min_size=1, max_size=3, unique=True))
SUPPRESSION = st.one_of(REASONS, st.fixed_dictionaries({"reason": st.just("accepted for now")}, optional={
    "until": st.sampled_from(["2020-01-01", "2099-12-31", "2026-06-30"])}))
SUPPRESSIONS = st.dictionaries(st.sampled_from(SUPPRESSIBLE), SUPPRESSION, min_size=1, max_size=3)
COMPONENT_FIELDS = st.fixed_dictionaries({}, optional={  # every field but kind, tech and the edges
    "description": FREE_TEXT,
    "owner": FREE_TEXT,
    "replicas": WHOLE1,
    "zones": SPREAD,
    "regions": SPREAD,
    "autoscaling": st.tuples(st.integers(0, 5), st.integers(0, 45)).map(
        lambda pair: {"min": pair[0], "max": max(pair[0], 1) + pair[1]}),
    "stateless": st.booleans(),
    "health_check": st.one_of(st.booleans(), st.sampled_from(["/healthz", "/ready"])),
    "public": st.booleans(),
    "security": st.fixed_dictionaries({}, optional={
        "auth": AUTH, "tls": st.booleans(), "rate_limit": RATES, "encryption_at_rest": st.booleans()}),
    "data": st.one_of(st.sampled_from(["payments", "ledger", "pii", "credentials", "orders"]),
                      st.lists(st.sampled_from(["payments", "ledger", "pii", "credentials", "orders", "x"]),
                               max_size=3)),
    "capacity": st.one_of(SERVING, st.fixed_dictionaries({}, optional={"read": SERVING, "write": SERVING})),
    "availability": PERCENTS,
    "latency_p99": DURATIONS,
    "consistency": CONSISTENCY,
    "sharding": st.fixed_dictionaries({}, optional={
        "strategy": st.sampled_from(["hash", "range", "geo", "directory"]),
        "key": st.sampled_from(["user_id", "country", "created_at", "id", "tenant"]), "shards": WHOLE1}),
    "replication": st.fixed_dictionaries({}, optional={
        "mode": st.sampled_from(["primary_replica", "multi_leader", "leaderless"]), "replicas": WHOLE0,
        "read_from_replicas": st.booleans(), "synchronous": st.booleans(),
        "conflict_resolution": st.sampled_from(["last_write_wins", "crdt", "application", "none"])}),
    "cache": st.fixed_dictionaries({}, optional={
        "ttl": DURATIONS, "eviction": st.sampled_from(["lru", "lfu", "ttl", "none"]),
        "invalidation": st.sampled_from(["ttl", "write_through", "write_behind", "explicit"]),
        "stampede": st.sampled_from(["none", "coalescing", "early_expiration", "locking"]),
        "hit_ratio": PERCENTS}),
    "backups": st.one_of(st.just(False), st.fixed_dictionaries({}, optional={
        "interval": DURATIONS, "retention": DURATIONS})),
    "lint": SUPPRESSIONS.map(lambda ignore: {"ignore": ignore}),
    "x-runbook": X_VALUES,
})
QUEUE_FIELDS = st.fixed_dictionaries({}, optional={
    "ordering": st.sampled_from(["none", "per_key", "fifo"]), "partitions": WHOLE1,
    "replication_factor": WHOLE1, "retention": DURATIONS, "max_depth": COUNTS,
    "replay": st.sampled_from(["required", "optional"])})


@dataclass
class Plan:
    """The skeleton drawn first: ids in order, each with its resolved kind."""

    ids: list[str]
    kinds: dict[str, str]

    def brokers(self) -> list[str]:
        return [cid for cid in self.ids if self.kinds[cid] in BROKER]


def edge_field(draw: st.DrawFn, targets: list[str], props: st.SearchStrategy[Any]) -> Any:
    """The same edges in one of the three written forms: `[a, b]`, `[a, {b: {...}}]`,
    or `{a: ..., b: null}`."""
    if not targets:
        return draw(st.sampled_from([[], {}]))
    chosen = {target: draw(props) for target in targets}
    form = draw(st.sampled_from(["ids", "items", "map"]))
    if form == "ids":
        return list(chosen)
    if form == "items":
        return [target if value is None else {target: value} for target, value in chosen.items()]
    return chosen


_TECH_CHOICES = ["catalog-implied", "catalog-explicit", "free", "none"]
_ALL_TECHS = sorted(entry.id for entry in _CATALOG.entries)
_FREE_TECHS = st.one_of(FREE_TEXT, st.sampled_from(["postgres", "Redis", "node.js", "c#"]))


def component(draw: st.DrawFn, cid: str, plan: Plan, index: int) -> dict[str, Any]:
    kind = plan.kinds[cid]
    body: dict[str, Any] = {}
    techs = TECHS_BY_KIND.get(kind, [])
    choice = draw(st.sampled_from(_TECH_CHOICES if techs else ["free", "none", "other-kind"]))
    if choice == "catalog-implied":
        body["tech"] = draw(st.sampled_from(techs))
    else:
        body["kind"] = kind
        if choice == "catalog-explicit":
            body["tech"] = draw(st.sampled_from(techs))
        elif choice == "free":
            body["tech"] = draw(_FREE_TECHS)
        elif choice == "other-kind":  # an explicit kind wins over the catalog's
            body["tech"] = draw(st.sampled_from(_ALL_TECHS))
    body.update(draw(COMPONENT_FIELDS))
    brokers = plan.brokers()
    if kind in BROKER or draw(st.integers(0, 6)) == 0:
        queue: dict[str, Any] = draw(QUEUE_FIELDS)
        if brokers and draw(st.booleans()):
            queue["dlq"] = draw(st.one_of(st.just(False), st.sampled_from(brokers)))
        if queue or draw(st.booleans()):
            body["queue"] = queue
    # Calls go forward in the plan (so flows never loop), to anything but a client;
    # now and then a call back closes a cycle in the graph that no flow takes.
    later = [t for t in plan.ids[index + 1:] if plan.kinds[t] != "client"]
    calls = draw(st.lists(st.sampled_from(later), max_size=4, unique=True)) if later else []
    earlier = [t for t in plan.ids[:index] if plan.kinds[t] != "client" and t not in calls]
    if earlier and draw(st.integers(0, 9)) == 0:
        calls.append(draw(st.sampled_from(earlier)))
    if calls or draw(st.integers(0, 5)) == 0:
        body["calls"] = edge_field(draw, calls, LINK_PROPS)
    if brokers:
        publishes = draw(st.lists(st.sampled_from(brokers), max_size=2, unique=True))
        if publishes:
            body["publishes"] = edge_field(draw, publishes, LINK_PROPS)
        consumes = draw(st.lists(st.sampled_from(brokers), max_size=2, unique=True))
        if consumes:
            body["consumes"] = edge_field(draw, consumes, CONSUMER_PROPS)
    keys = list(body)
    return {key: body[key] for key in draw(st.permutations(keys))}


# --- flows -------------------------------------------------------------------------------------

def flow_edges(design: dict[str, Any], plan: Plan) -> dict[str, list[str]]:
    """Hops a flow may take: calls that go forward in the plan, publishes, and consumes
    read queue -> consumer. A pair that is also called is a call (the graph prefers
    it), so a backward call rules its pair out: flows never loop."""
    order = {cid: i for i, cid in enumerate(plan.ids)}
    calls = {(cid, target) for cid, body in design["components"].items() for target in _targets(body.get("calls"))}
    out: dict[str, list[str]] = {cid: [] for cid in plan.ids}
    for cid, body in design["components"].items():
        for field in ("calls", "publishes", "consumes"):
            for target in _targets(body.get(field)):
                src, dst = (target, cid) if field == "consumes" else (cid, target)
                if (src, dst) in calls and order[dst] <= order[src]:
                    continue
                out[src].append(dst)
    return {cid: sorted(set(targets)) for cid, targets in out.items()}


def _targets(edges: Any) -> list[str]:
    if isinstance(edges, dict):
        return list(edges)
    if isinstance(edges, list):
        return [item if isinstance(item, str) else next(iter(item)) for item in edges]
    return []


def chain(draw: st.DrawFn, out: dict[str, list[str]], start: str) -> list[str]:
    hops = [start]
    for _ in range(draw(st.integers(1, 5))):
        targets = out.get(hops[-1]) or []
        if not targets:
            break
        hops.append(draw(st.sampled_from(targets)))
    return hops


SHARES = st.one_of(PERCENTS, st.sampled_from(["10%", "100%", "0%", 0.25]))
ARROWS = st.sampled_from([" -> ", "->", "  ->  "])
FLOW_NAMES = st.lists(st.one_of(IDS, st.text(min_size=1, max_size=12)), min_size=1, max_size=4, unique=True)
FLOW_FIELDS = st.fixed_dictionaries({}, optional={
    "rate": RATES, "type": st.sampled_from(["read", "write"]), "payload": SIZES, "description": FREE_TEXT,
    "availability": PERCENTS, "latency_p99": DURATIONS, "consistency": CONSISTENCY,
})


def step(draw: st.DrawFn, hops: list[str]) -> Any:
    text = draw(ARROWS).join(hops)
    form = draw(st.sampled_from(["plain", "plain", "quoted-share", "map-share"]))
    if form == "plain":
        return text
    share = draw(SHARES)
    if form == "quoted-share":
        return f"{text}: {share}"
    return {text: share}


def flows(draw: st.DrawFn, design: dict[str, Any], plan: Plan) -> dict[str, Any]:
    out = flow_edges(design, plan)
    starts = [cid for cid in plan.ids if out[cid]]
    if not starts:
        return {}
    result: dict[str, Any] = {}
    for name in draw(FLOW_NAMES):
        steps = [step(draw, chain(draw, out, draw(st.sampled_from(starts))))]
        for _ in range(draw(st.integers(0, 3))):
            hops = chain(draw, out, draw(st.sampled_from(starts)))
            if len(hops) > 1:
                steps.append(step(draw, hops))
        body = draw(FLOW_FIELDS)
        body["steps"] = steps
        result[name] = body
    return result


# --- whole designs ----------------------------------------------------------------------------

TOP_LEVEL = st.fixed_dictionaries({}, optional={
    "description": FREE_TEXT,
    "requirements": st.fixed_dictionaries({}, optional={
        "functional": st.one_of(FREE_TEXT.map(str), st.lists(FREE_TEXT, max_size=3)),
        "availability": PERCENTS, "latency_p99": DURATIONS, "consistency": CONSISTENCY, "durability": PERCENTS,
        "geography": st.one_of(st.just("global"), st.lists(st.sampled_from(["us", "eu", "apac"]), max_size=3)),
    }),
    "scale": st.fixed_dictionaries({}, optional={
        "dau": COUNTS, "peak_factor": PEAK_FACTORS, "read_write_ratio": RATIOS, "retention": DURATIONS}),
    "team": st.fixed_dictionaries({}, optional={"engineers": WHOLE0, "teams": WHOLE0}),
    "deployment": st.fixed_dictionaries({}, optional={
        "regions": st.one_of(WHOLE1, st.lists(st.sampled_from(["eu", "us"]), min_size=1, unique=True)),
        "zones": WHOLE1,
        "orchestrator": st.sampled_from(["kubernetes", "ecs", "nomad", "vm", "serverless"]),
        "service_mesh": st.sampled_from(["none", "istio", "linkerd"])}),
    "observability": st.fixed_dictionaries({}, optional={
        pillar: st.one_of(st.booleans(), st.none(), st.sampled_from(["prometheus", "loki", "otel"]))
        for pillar in ("metrics", "logs", "tracing", "alerting", "dashboards")}),
    "x-owner": X_VALUES,
})
ENDPOINTS = st.tuples(st.sampled_from(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "WS"]),
                      st.sampled_from([" /v1/items", " /{code}", "  /x/{id}/y"])).map("".join)
OPTION_VALUES = {
    "int": WHOLE0, "number": COUNTS, "rate": RATES, "percent": PERCENTS, "duration": DURATIONS, "size": SIZES,
    "bool": st.booleans(),
    "list": st.one_of(st.just("id"), st.lists(st.sampled_from(["id", "*_at", "tenant"]), max_size=3)),
}
LINT_OPTIONS = st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=4, unique=True).flatmap(
    lambda chosen: st.fixed_dictionaries({code: st.fixed_dictionaries(
        {name: OPTION_VALUES[kind] for c, name, kind in chosen if c == code}) for code, _, _ in chosen}))
LINT = st.fixed_dictionaries({}, optional={"ignore": SUPPRESSIONS, "options": LINT_OPTIONS})


@st.composite
def plans(draw: st.DrawFn, max_components: int = 8) -> Plan:
    ids = draw(st.lists(IDS, min_size=1, max_size=max_components, unique=True))
    kinds = {cid: draw(st.sampled_from(KINDS)) for cid in ids}
    return Plan(ids, kinds)


@st.composite
def designs(draw: st.DrawFn, max_components: int = 8) -> dict[str, Any]:
    """A design as plain data that validates with no input finding."""
    plan = draw(plans(max_components))
    design: dict[str, Any] = {"archlint": 1, "name": draw(FREE_TEXT)}
    design.update(draw(TOP_LEVEL))
    design["components"] = {cid: component(draw, cid, plan, index) for index, cid in enumerate(plan.ids)}
    if draw(st.integers(0, 4)):
        design["flows"] = flows(draw, design, plan) or None
        if design["flows"] is None:
            del design["flows"]
    ids = st.sampled_from(plan.ids)
    if draw(st.booleans()):
        design["apis"] = draw(st.lists(st.fixed_dictionaries({"endpoint": ENDPOINTS}, optional={
            "served_by": ids, "idempotency_key": st.booleans(), "auth": AUTH, "rate_limit": RATES,
            "description": FREE_TEXT}), max_size=3))
    if draw(st.booleans()):
        design["decisions"] = draw(st.lists(st.fixed_dictionaries(
            {"choice": st.one_of(ids, st.sampled_from(["microservices", "kafka", "postgres"]))},
            optional={"topic": FREE_TEXT, "alternatives": st.one_of(FREE_TEXT.map(str), st.lists(FREE_TEXT)),
                      "why": FREE_TEXT, "tradeoffs": FREE_TEXT}), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        design["lint"] = draw(LINT)
    keys = list(design)
    return {key: design[key] for key in draw(st.permutations(keys))}


# --- writing a design out -------------------------------------------------------------------------

# Characters YAML does not take raw (controls, surrogates), or reads as line breaks
# (NEL, LS, PS), or only at the start (BOM): JSON carries them as \u escapes. (JSON's
# own escaping of astral characters, surrogate pairs, is refused by libyaml.)
_YAML_UNPRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1: it leaves `1e5` or `91e100` unquoted, which YAML 1.2 (and
    archlint) reads as a number. Quote every string 1.2 would read as one."""


_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def to_yaml(draw: st.DrawFn, data: Any) -> str:
    """YAML text in one of several styles: block, flow, mixed; 2 or 4 spaces; escaped
    or raw Unicode; JSON (a YAML subset); with or without a schema comment."""
    style = draw(st.sampled_from(["block", "block", "mixed", "flow", "json"]))
    if style == "json":
        text = json.dumps(data, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
        return _YAML_UNPRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text) + "\n"
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style={"block": False, "mixed": None, "flow": True}[style],
        allow_unicode=draw(st.booleans()),
        indent=draw(st.sampled_from([2, 4])),
        width=draw(st.sampled_from([80, 200, 10_000])),
    )
    if draw(st.booleans()):
        text = "# yaml-language-server: $schema=../schemas/archlint.schema.json\n" + text
    return text


def to_markdown(draw: st.DrawFn, texts: list[str]) -> str:
    """Designs embedded as `archlint` fences in prose, some indented or quoted."""
    parts = ["# A design review\n", "Some prose with `code` and ~~strike~~.\n"]
    for text in texts:
        prefix = draw(st.sampled_from(["", "", "   ", "> "]))
        info = draw(st.sampled_from(["archlint", "yaml archlint", "archlint title=x"]))
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        body = "".join(prefix + line + "\n" if line else prefix.rstrip() + "\n" for line in text.splitlines())
        parts.append(f"{prefix}{fence}{info}\n{body}{prefix}{fence}\n")
        parts.append("```yaml\nnot: [a design\n```\n")
    return "\n".join(parts)


@dataclass
class DesignFile:
    """A drawn design and the file it was written to (name decides YAML or Markdown)."""

    name: str
    text: str
    designs: list[dict[str, Any]]


def _fence_safe(text: str) -> bool:
    return not any(line.strip(" \t>").startswith(("```", "~~~")) for line in text.splitlines())


@st.composite
def design_files(draw: st.DrawFn, max_components: int = 8) -> DesignFile:
    if draw(st.integers(0, 4)) == 0:
        datas = draw(st.lists(designs(max_components), min_size=1, max_size=3))
        texts = [to_yaml(draw, data) for data in datas]
        if all(_fence_safe(text) for text in texts):
            return DesignFile("design.md", to_markdown(draw, texts), datas)
    data = draw(designs(max_components))
    return DesignFile("design.arch.yaml", to_yaml(draw, data), [data])


# --- mutations ----------------------------------------------------------------------------------

HOSTILE_VALUES = [
    "null", "~", "[]", "{}", "-1", "0", "-0", "1e308", "1e999", "-1e999", "99999999999999999999999",
    "1" + "0" * 400, "9" * 5000, "0." + "0" * 400 + "1", "true", "yes", "'yes'", '""', "[a, b]", "{a: 1}",
    "[[[[[[[[1]]]]]]]]", "150%", "-5%", "1e3%", "ü", "\u202e", "\ufeff", "\u0085", "\u2028x", "'\\x00'",
    '"\\0"', "1/s", "0/s", "1/ms", "0ms", "-5ms", "1e9y", "5 parsecs", ".nan", ".inf", "1:0", "0:0",
    "x -> y", "a -> a", "'a -> b: 150%'", "!!str 5", "!!int x", "!!float 1e999", "!!binary aGk=", "!!set {a}",
    "!!omap [a: 1]", "!!timestamp 2001-12-14", "!!python/object:os.system {}", "!!python/name:os.system",
    "!custom x", "!<tag:yaml.org,2002:python/tuple> [1]", "&a x", "*a", "*undefined", "<<: {a: 1}",
    "|\n  block", ">-\n  folded", "'unterminated", '"unterminated', "{a: 1, a: 2}", "[a, a]",
    "x" * 3000, "\t", "2027-02-30", "99999-01-01", "-", "? complex", "@reserved", "`tick",
]
LANGUAGE_KEYS = [
    "archlint", "name", "components", "flows", "kind", "tech", "calls", "publishes", "consumes", "steps",
    "rate", "replicas", "queue", "dlq", "lint", "ignore", "options", "until", "reason", "autoscaling", "min",
    "max", "timeout", "retries", "share", "x-", "<<", "", "ünï", "Kind", "kind ",
]
UNICODE_IDS = ["ápi", "аpi", "api\u200b", "API", "a\u0301", "😀", "\u202eipa", "i̇", "ﬁ", "db\u00a0", "-api", "_"]


@st.composite
def mutated(draw: st.DrawFn, source: str) -> bytes:
    """`source` broken by one to three of: truncation, byte flips, deleted, repeated or
    swapped lines, renamed keys, hostile values and tags, Unicode look-alike ids, deep
    nesting, duplicate keys."""
    text = source
    for _ in range(draw(st.integers(1, 3))):
        text = _mutate_once(draw, text)
        if isinstance(text, bytes):
            return text
    return text.encode("utf-8", "surrogatepass")


# Line edits first: hypothesis leans to the first choices, and a byte edit mostly
# ends at the reader (INP001), a line edit deeper in.
MUTATIONS = ("value", "key", "tag", "unicode-id", "duplicate", "delete", "repeat", "swap", "indent", "deep",
             "truncate", "flip", "insert-bytes")
TAGS = ["!!python/object:x.Y", "!!str", "!!int", "!!map", "!!seq", "!x", "!", "!!set", "!<tag:yaml.org,2002:str>",
        "!!python/object/apply:os.system"]


def _mutate_once(draw: st.DrawFn, text: str) -> str | bytes:
    # Places come from a seeded Random: uniform over the file, where hypothesis's own
    # integers lean to the start (an empty file, over and over).
    rng = draw(st.randoms(use_true_random=False))
    op = draw(st.sampled_from(MUTATIONS))
    if op in ("truncate", "flip", "insert-bytes"):
        raw = bytearray(text.encode("utf-8", "surrogatepass"))
        if op == "truncate":
            return bytes(raw[: rng.randrange(len(raw) + 1)])
        if op == "flip" and raw:
            for _ in range(rng.randint(1, 3)):  # half of them ASCII, which leaves the text UTF-8
                raw[rng.randrange(len(raw))] = rng.randrange(256) if rng.random() < 0.5 else rng.randrange(32, 127)
            return bytes(raw)
        at = rng.randrange(len(raw) + 1)
        return bytes(raw[:at]) + rng.randbytes(rng.randint(1, 8)) + bytes(raw[at:])
    lines = text.split("\n")
    keyed = [n for n, line in enumerate(lines) if ":" in line]
    index = rng.choice(keyed) if keyed and op in ("value", "key", "tag", "duplicate") else rng.randrange(len(lines))
    line = lines[index]
    if op == "value" and keyed:
        lines[index] = line.partition(":")[0] + ": " + rng.choice(HOSTILE_VALUES)
    elif op == "key" and keyed:
        indent = line[: len(line) - len(line.lstrip(" -"))]
        lines[index] = indent + rng.choice(LANGUAGE_KEYS) + ":" + line.partition(":")[2]
    elif op == "tag" and keyed:
        key, _, value = line.partition(":")
        lines[index] = f"{key}: {rng.choice(TAGS)} {value.strip()}"
    elif op == "duplicate" and keyed:
        lines.insert(index + 1, line)
    elif op == "unicode-id":
        words = sorted({w for w in _words(text) if len(w) > 1})
        if words:
            new = rng.choice(UNICODE_IDS) if rng.random() < 0.7 else draw(st.text(min_size=1, max_size=4))
            return text.replace(rng.choice(words), new)
    elif op == "delete":
        del lines[index]
    elif op == "repeat":
        lines.insert(rng.randrange(len(lines) + 1), line)
    elif op == "swap":
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], line
    elif op == "indent":
        lines[index] = rng.choice(["\t", " ", "   ", ""]) + line.lstrip()
    elif op == "deep":
        depth = rng.randint(1, 200)
        opener, closer = rng.choice([("[", "]"), ("{a: ", "}")])
        lines.insert(rng.randrange(len(lines) + 1), "x-deep: " + opener * depth + "1" + closer * depth)
    return "\n".join(lines)


def _words(line: str) -> list[str]:
    word, words = "", []
    for char in line:
        if char.isalnum() or char in "-_":
            word += char
        else:
            if word:
                words.append(word)
            word = ""
    if word:
        words.append(word)
    return words


@st.composite
def mutated_data(draw: st.DrawFn, data: Any) -> Any:
    """The drawn design's data with one node replaced, renamed, nested or removed, so
    that the YAML stays well formed and the problem lies deeper."""
    paths = list(_paths(data))
    path = draw(st.sampled_from(paths))
    parent, key = _parent(data, path)
    if parent is None:
        return draw(st.sampled_from([None, [], "text", 1, [data]]))
    op = draw(st.sampled_from(["replace", "replace", "rename", "nest", "remove", "wrap"]))
    junk = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
        st.sampled_from([10**400, -(10**400), 1e308, -0.0, "1e999", "2e308/s", "1" + "0" * 400 + "ms",
                         "1" + "0" * 320 + "B", "9" * 400 + "%", "1" + "0" * 400 + "/s", "0/s", "", " "]),
        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    )
    if op == "replace":
        parent[key] = draw(junk)
    elif op == "rename" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[draw(st.one_of(st.sampled_from(LANGUAGE_KEYS + UNICODE_IDS), st.text(max_size=8)))] = value
    elif op == "nest":
        parent[key] = [[[[parent[key]]]]] if draw(st.booleans()) else {"a": {"b": parent[key]}}
    elif op == "remove":
        del parent[key]
    else:
        parent[key] = [parent[key], parent[key]]
    return data


def _paths(node: Any, path: tuple = ()) -> Any:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, path + (index,))


def _parent(data: Any, path: tuple) -> tuple[Any, Any]:
    if not path:
        return None, None
    node = data
    for segment in path[:-1]:
        node = node[segment]
    return node, path[-1]
