"""The technology catalog: the package data validates, cross-references hold, figures match
the spec tables (tech-catalog.md), lookups behave, the committed JSON Schema is current,
and the run-time catalog (plain records, no pydantic) holds what the models validated."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from archlint.catalog import (
    Capacity,
    Catalog,
    Figure,
    KindDefaults,
    Latency,
    Retention,
    Source,
    catalog_json_schema,
    compiled,
    load_catalog,
    models,
    normalise,
    validate_catalog,
)
from archlint.language.kinds import BROKER, KINDS, STORE

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "tech-catalog.schema.json"
ALLOWED = {
    "consistency": {"strong", "read-your-writes", "eventual", "tunable", None},
    "transactions": {"none", "single_key", "single_node_acid", "distributed_acid", None},
    "ordering": {"none", "per_partition", "fifo", None},
}
DELIVERY = {"at_most_once", "at_least_once", "exactly_once", None}
COORDINATION = {"zookeeper", "etcd", "consul", "eureka", "spring-cloud-config", "nacos"}

# (id, kind, managed, read_rps, write_rps, p99 read, p99 write, availability, scope), as in
# the tables of tech-catalog.md; the last row is the eureka entry that rules.md asks for.


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    text = (resources.files("archlint.catalog") / "tech.yaml").read_bytes()
    return yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def figures(node: Any, path: str = "") -> Iterator[tuple[str, Figure | Retention]]:
    """Every figure (and retention) under a record, with its dotted path."""
    if isinstance(node, (Figure, Retention)):
        yield path, node
    elif isinstance(node, (KindDefaults, Capacity, Latency)):
        for name, value in vars(node).items():
            yield from figures(value, f"{path}.{name}" if path else name)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from figures(value, f"{path}.{key}" if path else str(key))


def all_figures(catalog: Catalog) -> list[tuple[str, Figure | Retention]]:
    found = list(figures(catalog.latency_numbers, "latency_numbers"))
    found += figures(catalog.kind_defaults, "kind_defaults")
    found += figures(catalog.tech, "tech")
    return found


# ---------------------------------------------------------------- validation

def test_file_validates_through_the_models(raw: dict[str, Any]) -> None:
    fresh = models.Catalog.model_validate(raw)
    assert fresh.catalog_version == 1
    assert fresh.reviewed == "2026-11"
    assert all(isinstance(entry, models.TechEntry) for entry in fresh.tech.values())
    assert all(isinstance(defaults, models.KindDefaults) for defaults in fresh.kind_defaults.values())


def test_catalog_file_is_small() -> None:
    size = len((resources.files("archlint.catalog") / "tech.yaml").read_bytes())
    assert size < 100_000


def test_ids_and_aliases_unique_and_lowercase(catalog: Catalog) -> None:
    names: list[str] = []
    for tech_id, entry in catalog.tech.items():
        assert entry.id == tech_id
        names.append(tech_id)
        names.extend(entry.aliases)
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert all(name == name.lower() == name.strip() for name in names)
    assert not set(names) & set(KINDS), "a kind name must resolve to kind_defaults"


def test_every_source_resolves(catalog: Catalog) -> None:
    missing = [(path, f.source) for path, f in all_figures(catalog) if f.source not in catalog.sources]
    assert not missing


def test_basis_and_source_agree(catalog: Catalog) -> None:
    for path, figure in all_figures(catalog):
        if figure.basis == "rule_of_thumb":
            assert figure.source == "RT", path
        elif figure.basis == "definition":
            assert figure.source == "DEF", path
        else:
            assert figure.source not in ("RT", "DEF"), path


def test_sources_have_titles_and_urls(catalog: Catalog) -> None:
    for key, source in catalog.sources.items():
        assert source.title
        if key not in ("RT", "DEF"):
            assert source.url and source.url.startswith("http"), key


def test_kinds(catalog: Catalog) -> None:
    assert all(entry.kind in KINDS for entry in catalog.tech.values())
    assert set(catalog.kind_defaults) == set(KINDS)


def test_value_spellings(catalog: Catalog) -> None:
    for entry in [*catalog.tech.values(), *catalog.kind_defaults.values()]:
        for field, allowed in ALLOWED.items():
            assert getattr(entry, field) in allowed
        if entry.delivery is not None:
            assert entry.delivery.value in DELIVERY


def test_brokers_state_order_replay_retention_delivery(catalog: Catalog, raw: dict[str, Any]) -> None:
    for entry in catalog.tech.values():
        written = set(raw["tech"][entry.id])  # the keys tech.yaml sets, null included
        if entry.kind in BROKER:
            assert entry.ordering is not None and entry.replay is not None, entry.id
            assert entry.retention is not None and entry.delivery is not None, entry.id
        else:
            assert entry.retention is None and entry.delivery is None, entry.id
        if entry.kind == "database":
            assert "backups" in written, entry.id
        if entry.kind in STORE | BROKER:
            assert {"partitioned", "encrypted_at_rest"} <= written, entry.id


def test_self_run_operational_figures_are_false_by_definition(catalog: Catalog) -> None:
    for entry in catalog.tech.values():
        if entry.managed:
            continue
        assert entry.availability.scope == "node", entry.id
        for name in ("autoscales", "backups", "encrypted_at_rest", "global_"):
            figure = getattr(entry, name)
            if figure is not None:
                assert (figure.value, figure.basis, figure.source) == (False, "definition", "DEF"), (
                    entry.id,
                    name,
                )


def test_coordination_role(catalog: Catalog) -> None:
    assert COORDINATION <= {e.id for e in catalog.tech.values() if e.role == "coordination"}
    eureka = catalog.tech["eureka"]
    assert (eureka.kind, eureka.managed) == ("service", False)
    assert eureka.capacity.read_rps.basis == "rule_of_thumb"


def test_figures_lie_in_plausible_ranges(catalog: Catalog) -> None:
    """Invariants over every entry rather than a copy of the file: a typo that moves a
    figure by orders of magnitude fails here."""
    for entry in catalog.tech.values():
        assert 0.9 <= entry.availability.value < 1, entry.id
        capacity = entry.capacity
        read = capacity.read_rps.value if capacity is not None and capacity.read_rps is not None else None
        write = capacity.write_rps.value if capacity is not None and capacity.write_rps is not None else None
        for value in (read, write):
            assert value is None or 1 <= value <= 10_000_000, entry.id
        for latency in (entry.latency_p99_ms.read, entry.latency_p99_ms.write):
            assert latency is None or 0 < latency.value <= 60_000, entry.id


# ---------------------------------------------------------------- spot checks

def test_failure_domains(catalog: Catalog) -> None:
    zone, region = catalog.failure_domains["zone"], catalog.failure_domains["region"]
    assert (zone.value, zone.basis) == (0.9995, "rule_of_thumb")
    assert (region.value, region.basis, region.source) == (0.9999, "sla", "REGION-SLA")


def test_single_instance_figures(catalog: Catalog) -> None:
    # Services the user provisions by node: their SLA covers only a redundant deployment.
    single = {e.id: e.availability.single_instance.value for e in catalog.tech.values()
              if e.availability.single_instance is not None}
    assert single == {"aws-rds": 0.995, "aurora": 0.995, "cloud-sql": 0.995, "elasticache": 0.995,
                      "opensearch": 0.995, "memorystore": 0.995}
    assert all(catalog.tech[tech].managed for tech in single)


def test_unknown_brokers_and_object_stores_default_to_one_self_run_node(catalog: Catalog) -> None:
    for kind in ("queue", "stream", "object_storage"):
        figure = catalog.kind_default(kind).availability
        assert (figure.value, figure.scope) == (0.995, "node"), kind


def test_dynamodb(catalog: Catalog) -> None:
    ddb = catalog.tech["dynamodb"]
    write = ddb.capacity.write_rps
    assert (write.value, write.basis, write.source) == (1000, "vendor_limit", "DDB-PART")
    assert ddb.capacity.unit == "partition"
    assert ddb.consistency == "tunable" and ddb.transactions == "distributed_acid"
    assert ddb.availability.variants == {"global_tables": 0.99999}
    assert ddb.max_item_bytes.value == 400_000
    assert ddb.encrypted_at_rest.value is True and ddb.backups.value is False


def test_kafka(catalog: Catalog) -> None:
    kafka = catalog.tech["kafka"]
    assert kafka.retention.default == 7 * 86_400 == 604_800
    assert math.isinf(kafka.retention.max)
    assert not kafka.retention.unbounded
    assert kafka.partitions.value == 1
    assert kafka.replication_factor.value == 1
    assert kafka.delivery.value == "at_least_once"
    assert (kafka.ordering, kafka.replay) == ("per_partition", True)
    assert kafka.max_item_bytes.value == 1_000_000
    assert kafka.backups is None


def test_broker_retention(catalog: Catalog) -> None:
    rabbit = catalog.tech["rabbitmq"].retention
    assert rabbit.unbounded and rabbit.default == math.inf
    assert catalog.tech["azure-service-bus"].retention.unbounded
    assert catalog.tech["sqs"].retention.default == 4 * 86_400
    assert catalog.tech["sqs"].retention.max == 14 * 86_400
    assert catalog.tech["kinesis"].retention.default == 86_400
    assert catalog.tech["nats"].retention.default == 0
    assert catalog.tech["event-hubs"].retention.default is None
    assert catalog.tech["pulsar"].retention.default is None


def test_delivery(catalog: Catalog) -> None:
    assert catalog.tech["sqs-fifo"].delivery.value == "exactly_once"
    assert catalog.tech["sqs"].delivery.value == "at_least_once"
    nats = catalog.tech["nats"].delivery
    assert nats.value == "at_most_once" and nats.variants == {"jetstream": "at_least_once"}


def test_postgres(catalog: Catalog) -> None:
    pg = catalog.tech["postgres"]
    assert pg.max_storage_per_node.value == 4e12
    backups = pg.backups
    assert (backups.value, backups.basis, backups.source) == (False, "definition", "DEF")
    assert pg.scaling == "read_replicas" and pg.transactions == "single_node_acid"


def test_sizes_are_bytes(catalog: Catalog) -> None:
    assert catalog.tech["aws-rds"].max_storage_per_node.value == 64 * 1024**4
    assert catalog.tech["etcd"].max_item_bytes.value == 1.5 * 1024**2
    assert catalog.tech["etcd"].max_storage_per_node.variants == {"suggested_max": 8 * 1024**3}
    assert catalog.tech["sqs"].max_item_bytes.value == 256 * 1024
    assert catalog.tech["s3"].max_item_bytes.variants == {"single_put": 5e9}


def test_operational_flags(catalog: Catalog) -> None:
    assert catalog.tech["s3"].encrypted_at_rest.value is True
    assert catalog.tech["cloudfront"].global_.value is True
    assert catalog.tech["route53"].global_.value is True
    assert catalog.tech["gcp-load-balancer"].global_.value is None
    assert catalog.tech["aws-rds"].backups.value is True
    assert catalog.tech["spanner"].backups.value is None
    assert catalog.tech["bigquery"].partitioned is None


def test_capacity_extras(catalog: Catalog) -> None:
    lam = catalog.tech["lambda"]
    assert lam.capacity.concurrency.value == 1000 and lam.capacity.scope == "account"
    assert lam.latency_p99_ms.read.variants == {"cold_start": 1000}
    gw = catalog.tech["api-gateway"].capacity
    assert gw.burst_rps.value == 5000 and gw.scope == "account"
    assert catalog.tech["zookeeper"].capacity.write_unit == "cluster"
    assert catalog.tech["route53"].availability.sla == 1.0


def test_value_of(catalog: Catalog) -> None:
    ddb = catalog.tech["dynamodb"]
    assert ddb.value_of("capacity.write_rps") == 1000
    assert ddb.value_of("global") is False
    assert ddb.value_of("retention.default") is None
    assert catalog.tech["kafka"].value_of("retention.default") == 604_800
    assert catalog.kind_default("client").value_of("backups") is None


# ---------------------------------------------------------------- lookup

@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PostgreSQL", "postgres"),
        ("  postgres ", "postgres"),
        ("node.js", "node"),
        ("Node.JS", "node"),
        ("c#", "dotnet"),
        ("aws_alb", "aws-alb"),
        ("AWS ALB", "aws-alb"),
        ("sqs.fifo", "sqs-fifo"),
        ("Spring Boot", "java"),
        ("eureka", "eureka"),
    ],
)
def test_lookup(catalog: Catalog, name: str, expected: str) -> None:
    entry = catalog.lookup(name)
    assert entry is not None and entry.id == expected


@pytest.mark.parametrize("name", ["nonsense", "", "cdn", "dns", "load_balancer"])
def test_lookup_misses(catalog: Catalog, name: str) -> None:
    assert catalog.lookup(name) is None


def test_kind_for_tech(catalog: Catalog) -> None:
    assert catalog.kind_for_tech("cdn") == "cdn"
    assert catalog.kind_for_tech("DNS") == "dns"
    assert catalog.kind_for_tech("load-balancer") == "load_balancer"
    assert catalog.kind_for_tech("redis") == "cache"
    assert catalog.kind_for_tech("c#") == "service"
    assert catalog.kind_for_tech("nonsense") is None


def test_suggest(catalog: Catalog) -> None:
    assert "postgres" in catalog.suggest("postgress")
    assert "dynamodb" in catalog.suggest("dynamo-db")
    assert len(catalog.suggest("kafak")) <= 3 and "kafka" in catalog.suggest("kafak")
    assert catalog.suggest("zzzzzzzz") == []


def test_normalise() -> None:
    assert normalise(" AWS_ALB ") == "aws-alb"
    assert normalise("node.js") == "node-js"


def test_kind_default(catalog: Catalog) -> None:
    db = catalog.kind_default("database")
    assert (db.capacity.read_rps.value, db.capacity.write_rps.value) == (5000, 1000)
    assert db.backups.value is False and db.max_storage_per_node.value == 2e12
    stream = catalog.kind_default("stream")
    assert stream.ordering == "per_partition" and stream.replay is True
    assert stream.retention.default is None and stream.partitions.value is None
    assert catalog.kind_default("client").availability.value is None
    with pytest.raises(KeyError):
        catalog.kind_default("mainframe")


# ---------------------------------------------------------------- rejection

def _entry(**changes: Any) -> dict[str, Any]:
    rt = {"value": 1, "basis": "rule_of_thumb", "source": "RT"}
    entry: dict[str, Any] = {
        "kind": "service",
        "managed": False,
        "consistency": None,
        "transactions": None,
        "scaling": "stateless",
        "capacity": {"unit": "replica", "read_rps": rt, "write_rps": rt},
        "latency_p99_ms": {"read": rt, "write": rt},
        "availability": {"value": 0.995, "scope": "node", "basis": "sla", "source": "VM"},
        "autoscales": None,
        "global": None,
    }
    entry.update(changes)
    return entry


def _catalog(raw: dict[str, Any], **tech: dict[str, Any]) -> dict[str, Any]:
    return {**raw, "tech": tech}


def test_minimal_entry_validates(raw: dict[str, Any]) -> None:
    models.Catalog.model_validate(_catalog(raw, thing=_entry()))


@pytest.mark.parametrize(
    "changes",
    [
        {"colour": "blue"},  # unknown key
        {"kind": "mainframe"},
        {"consistency": "read_your_writes"},
        {"transactions": False},
        {"max_storage_per_node": {"value": "4 terabytes", "basis": "rule_of_thumb", "source": "RT"}},
        {"max_item_bytes": {"value": 4096, "basis": "rule_of_thumb", "source": "RT"}},
        {"autoscales": {"value": 3, "basis": "rule_of_thumb", "source": "RT"}},
        {"availability": {"value": 99.5, "scope": "node", "basis": "sla", "source": "VM"}},
        {"kind": "queue"},  # a queue must state ordering, replay, retention and delivery
        {"kind": "function"},  # a function must state its concurrency
        {"aliases": ["Upper"]},
    ],
)
def test_invalid_entries_are_rejected(raw: dict[str, Any], changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        models.Catalog.model_validate(_catalog(raw, thing=_entry(**changes)))


def test_bad_retention_is_rejected(raw: dict[str, Any]) -> None:
    broker = _entry(
        kind="queue",
        ordering="none",
        replay=False,
        partitioned=None,
        encrypted_at_rest=None,
        delivery={"value": "at_least_once", "basis": "rule_of_thumb", "source": "RT"},
        retention={"default": "forever", "max": None, "basis": "rule_of_thumb", "source": "RT"},
    )
    with pytest.raises(ValidationError):
        models.Catalog.model_validate(_catalog(raw, q=broker))
    broker["retention"]["default"] = "unbounded"
    validated = compiled.from_models(models.Catalog.model_validate(_catalog(raw, q=broker)))
    retention = validated.tech["q"].retention
    assert retention is not None and retention.unbounded and retention.default == math.inf


def test_duplicate_alias_is_rejected(raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="names both"):
        models.Catalog.model_validate(_catalog(raw, a=_entry(aliases=["x"]), b=_entry(aliases=["x"])))


def test_missing_kind_default_is_rejected(raw: dict[str, Any]) -> None:
    defaults = dict(raw["kind_defaults"])
    del defaults["worker"]
    with pytest.raises(ValidationError, match="worker"):
        models.Catalog.model_validate({**raw, "kind_defaults": defaults})


# ---------------------------------------------------------------- JSON Schema

REGENERATE = (
    "python -c \"import json; from archlint.catalog import catalog_json_schema as s; "
    "open('schemas/tech-catalog.schema.json', 'w').write(json.dumps(s(), indent=2, sort_keys=True) + '\\n')\""
)


def test_committed_json_schema_is_current() -> None:
    expected = json.dumps(catalog_json_schema(), indent=2, sort_keys=True) + "\n"
    assert SCHEMA_PATH.exists(), f"missing {SCHEMA_PATH}; run {REGENERATE}"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == expected, f"stale schema; run {REGENERATE}"


def test_yaml_satisfies_json_schema(raw: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(raw, catalog_json_schema())


# ---------------------------------------------------------------- precompiled form (tech.json)

def _tech_yaml() -> bytes:
    return (resources.files("archlint.catalog") / "tech.yaml").read_bytes()


def test_committed_precompiled_catalog_is_current() -> None:
    source = _tech_yaml()
    path = resources.files("archlint.catalog") / compiled.FILE
    expected = compiled.dump(models.validate(source), source)
    assert path.read_text(encoding="utf-8") == expected, "stale tech.json; run python -m archlint.catalog"


def _same(a: Any, b: Any, where: str = "catalog") -> None:
    """Equal values of the same types, all the way down (run-time records)."""
    assert type(a) is type(b), where
    if isinstance(a, (Catalog, Figure, Retention, KindDefaults, Capacity, Latency, Source)):
        assert list(vars(a)) == list(vars(b)), where
        for name in vars(a):
            _same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


def _holds(record: Any, model: Any, where: str = "catalog") -> None:
    """The run-time `record` holds what the validated `model` holds: the class of the same
    name, every field of the model with an equal value, nothing else but the entries' ids
    and the catalog's index."""
    if isinstance(model, BaseModel):
        assert type(record).__name__ == type(model).__name__ and type(record).__module__ == "archlint.catalog", where
        fields = list(type(model).model_fields)
        extra = {"TechEntry": ["id"], "Catalog": ["_index"]}.get(type(record).__name__, [])
        assert list(vars(record)) == fields + extra, where
        for name in fields:
            _holds(getattr(record, name), getattr(model, name), f"{where}.{name}")
    elif isinstance(model, dict):
        assert type(record) is dict and list(record) == list(model), where
        for key in model:
            _holds(record[key], model[key], f"{where}.{key}")
    elif isinstance(model, list):
        assert type(record) is list and len(record) == len(model), where
        for index, (x, y) in enumerate(zip(record, model)):
            _holds(x, y, f"{where}[{index}]")
    else:
        assert type(record) is type(model) and record == model, where


def test_precompiled_catalog_is_the_validated_one() -> None:
    source = _tech_yaml()
    loaded, validated = compiled.load(source), models.validate(source)
    assert loaded is not None
    _holds(loaded, validated)
    _same(loaded, validate_catalog(source))
    assert loaded == validate_catalog(source)
    assert loaded.tech["postgres"].id == "postgres" and loaded.lookup("PostgreSQL") is loaded.tech["postgres"]
    assert loaded.names() == validate_catalog(source).names()
    assert loaded.tech["kafka"].retention is not None
    with pytest.raises(AttributeError, match="read-only"):  # frozen, as the validated models are
        loaded.tech["postgres"].kind = "cache"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        del loaded.tech["postgres"].kind


def test_records_compare_and_hash_by_value() -> None:
    catalog = load_catalog()
    zone, region = catalog.failure_domains["zone"], catalog.failure_domains["region"]
    assert zone == compiled.from_models(models.validate(_tech_yaml())).failure_domains["zone"]
    assert zone != region and hash(zone) != hash(region)
    assert repr(zone).startswith("Figure(value=0.9995, basis=")


def test_a_run_never_imports_pydantic_for_the_catalog() -> None:
    import subprocess
    import sys

    code = ("import sys; from archlint.catalog import load_catalog; c = load_catalog(); "
            "assert c.lookup('pg').id == 'postgres' and c.suggest('postgress'); "
            "print(sorted(m for m in sys.modules if 'pydantic' in m))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_precompiled_catalog_of_other_bytes_is_not_used() -> None:
    """An edited tech.yaml is validated until tech.json is regenerated from it."""
    edited = _tech_yaml() + b"# edited\n"
    assert compiled.load(edited) is None
    assert compiled.load(_tech_yaml()) is not None


def test_a_damaged_precompiled_catalog_is_not_used() -> None:
    source = _tech_yaml()
    text = compiled.dump(models.validate(source), source)
    assert compiled.parse(text, source) is not None
    assert compiled.parse(text[: len(text) // 2], source) is None  # cut short
    assert compiled.parse(text.replace('"$":"TechEntry"', '"$":"Nothing"', 1), source) is None
    assert compiled.parse(text.replace('"format":1,', '"format":2,', 1), source) is None


def test_crlf_line_ends_are_the_same_catalog() -> None:
    source = _tech_yaml()
    assert compiled.digest(source.replace(b"\n", b"\r\n")) == compiled.digest(source)
    assert compiled.digest(source + b"\n") != compiled.digest(source)


def test_without_the_precompiled_form_the_catalog_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "FILE", "missing.json")
    assert compiled.load(_tech_yaml()) is None
    fallback = load_catalog.__wrapped__()  # type: ignore[attr-defined]
    _same(fallback, load_catalog())  # the same records, from pydantic's validation
    _holds(fallback, models.validate(_tech_yaml()))
    assert fallback.lookup("pg") is fallback.tech["postgres"]


@pytest.mark.parametrize("name", ["redis", "valkey", "keydb", "dragonfly", "memcached", "elasticache"])
def test_in_memory_stores_say_so_with_a_source(catalog: Catalog, name: str) -> None:
    entry = catalog.lookup(name)
    assert entry is not None and entry.in_memory is not None
    assert entry.in_memory.value is True
    assert entry.in_memory.basis == "vendor_default" and catalog.sources[entry.in_memory.source].url


@pytest.mark.parametrize("name", ["postgres", "cassandra", "dynamodb", "elasticsearch"])
def test_disk_stores_are_not_in_memory(catalog: Catalog, name: str) -> None:
    entry = catalog.lookup(name)
    assert entry is not None and entry.value_of("in_memory") is not True
