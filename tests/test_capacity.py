"""Capacity counts every unit that serves (docs/language.md, "Capacity"): shards for
every store that can be sharded, the copies that serve reads, one primary per shard
for writes. Figures computed by hand; the capacity text always multiplies out to the
figure, on every example and fixture."""

import re
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_process

from archlint.catalog import load_catalog
from archlint.input import units
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

FIXTURES = Path(__file__).resolve().parent / "rules"


def figures_of_text(tmp_path, text):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    return figures_of(path)


def figures_of(path):
    settings = FileSettings(run_rules=False)
    result = check_file(str(path), path.name, settings, load_catalog())
    if result.findings or not result.designs:
        return None
    design = result.designs[0]
    return design_terms(design.design, design.graph, load_catalog(), settings, design.block.data).figures


def store(tmp_path, component: str, rate: str = "1000/s", kind: str = "read"):
    text = f"""\
archlint: 1
name: c
components:
  api: {{kind: service, calls: [store]}}
  store: {component}
flows:
  f: {{rate: {rate}, type: {kind}, steps: [api -> store]}}
"""
    return figures_of_text(tmp_path, text).capacity("store")


def test_redis_with_8_shards_serves_8_primaries(tmp_path):
    # 8 shards x 1 primary x 50k/s = 400k/s for reads and writes; its replicas copy the
    # primary and serve no reads unless the client is sent to them.
    capacity = store(tmp_path, "{tech: redis, replicas: 2, sharding: {shards: 8}}")
    assert (capacity.read, capacity.write) == (400_000, 400_000)
    assert capacity.work == "8 shards × 1 primary × 50k/s = 400k/s"


def test_replicas_count_per_shard_and_serve_reads_when_asked(tmp_path):
    # 4 shards x 3 copies x 10k/s = 120k/s of reads; writes 4 primaries x 2k/s = 8k/s.
    capacity = store(tmp_path, "{tech: postgres, replicas: 3, sharding: {shards: 4}, "
                               "replication: {read_from_replicas: true}}")
    assert (capacity.read, capacity.write) == (120_000, 8_000)
    assert capacity.work == ("reads 4 shards × 3 copies × 10k/s = 120k/s; "
                             "writes 4 shards × 1 primary × 2k/s = 8k/s")


def test_leaderless_store_with_12_shards_is_not_one_node(tmp_path):
    # Cassandra: every copy takes reads; each write lands on every copy of its shard.
    # reads 12 x 3 x 5k/s = 180k/s, writes 12 x 10k/s = 120k/s.
    capacity = store(tmp_path, "{tech: cassandra, replicas: 3, sharding: {shards: 12}}")
    assert (capacity.read, capacity.write) == (180_000, 120_000)
    assert capacity.work == "reads 12 shards × 3 copies × 5k/s = 180k/s; writes 12 shards × 10k/s = 120k/s"


def test_a_leaderless_cluster_applies_each_write_on_every_copy(tmp_path):
    # Cassandra, 6 nodes sharing the keys by themselves at replication 3: a write lands
    # on 3 nodes. reads 6 x 5k/s = 30k/s; writes 6 x 10k/s / 3 = 20k/s.
    capacity = store(tmp_path, "{tech: cassandra, replicas: 6, replication: {mode: leaderless, replicas: 3}}")
    assert (capacity.read, capacity.write) == (30_000, 20_000)
    assert capacity.work == "reads 6 nodes × 5k/s = 30k/s; writes 6 nodes × 10k/s ÷ 3 copies per write = 20k/s"
    # Without a stated replication the factor is unknown: each node counts once.
    capacity = store(tmp_path, "{tech: cassandra, replicas: 6}")
    assert (capacity.read, capacity.write) == (30_000, 60_000)


def test_a_leaderless_cluster_overloaded_by_its_copies_is_reported(tmp_path):
    # 30k writes/s at peak (15k/s x 2) on 6 nodes at replication 3: 20k/s, 150% used.
    # The figure is a rule of thumb, 1.5x under the 10x margin: a warning. 9 nodes take
    # 9 x 10k/s / 3 = 30k/s, exactly the load.
    path = tmp_path / "d.arch.yaml"
    path.write_text("archlint: 1\nname: c\ncomponents:\n  api: {kind: service, replicas: 20, calls: [db]}\n"
                    "  db: {tech: cassandra, replicas: 6, replication: {mode: leaderless, replicas: 3}}\n"
                    "flows:\n  f: {rate: 15000/s, type: write, steps: [api -> db]}\n")
    result = run_process("check", "--select", "SCL001", str(path))
    assert "d.arch.yaml:5:3: SCL001 warning capacity-exceeded: db takes 30k/s at peak, above its capacity of 20k/s" \
           " (reads 6 nodes × 5k/s = 30k/s; writes 6 nodes × 10k/s ÷ 3 copies per write = 20k/s)" in result.stdout
    # One node takes 10k/s ÷ 3 = 3.33k/s of writes.
    assert "set components.db.replicas to 9 (9 × 3.33k/s = 30k/s, which carries the 30k/s)" in result.stdout


def test_search_replicas_serve_queries(tmp_path):
    # Elasticsearch: replica shards answer searches. 2 x 2 x 500/s = 2k/s of queries;
    # documents are indexed on each shard's primary: 2 x 2k/s = 4k/s.
    capacity = store(tmp_path, "{tech: elasticsearch, replicas: 2, sharding: {shards: 2}}")
    assert (capacity.read, capacity.write) == (2_000, 4_000)


def test_memcached_nodes_are_its_shards(tmp_path):
    capacity = store(tmp_path, "{tech: memcached, replicas: 3}")
    assert (capacity.read, capacity.write) == (150_000, 150_000)  # 3 nodes x 50k/s, no copies
    assert capacity.work == "3 nodes × 50k/s = 150k/s"


def test_single_leader_writes_column_and_what_saturates_first(tmp_path):
    # 3,000/s x 2 = 6,000 writes/s at peak on one Postgres primary of 2,000/s: 300%,
    # while the api (10 replicas x 2k/s = 20k/s) is at 30%.
    text = """\
archlint: 1
name: w
components:
  api: {kind: service, tech: go, replicas: 10, calls: [db]}
  db: {tech: postgres, replicas: 2}
flows:
  f: {rate: 3000/s, type: write, steps: [api -> db]}
"""
    figures = figures_of_text(tmp_path, text)
    db = figures.loads["db"]
    assert (db.write, db.write_limit, db.write_utilisation) == (6000, 2000, 3.0)
    assert figures.saturation() == ("db", pytest.approx(1 / 3))
    path = tmp_path / "d.arch.yaml"
    out = run_process("estimate", str(path)).stdout
    assert "6k/s of 2k/s = 300%" in out
    assert "Saturates first: db, at 0.333x this load (writes: 300% of 2k/s used at peak)." in out


_STEP = re.compile(r"((?:\d+ [a-z ]+? × )+)([\d.]+[kMB]?/s)(?: ÷ (\d+) copies per write)? = ([\d.]+[kMB]?/s)")


def _designs():
    paths = sorted(EXAMPLES.glob("*.arch.yaml")) + sorted(FIXTURES.glob("*/*.arch.yaml"))
    return [p for p in paths]


@pytest.mark.parametrize("path", _designs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_capacity_text_multiplies_out_to_the_figure(path):
    figures = figures_of(path)
    if figures is None:
        return  # a fixture with input problems has no figures
    for cid, load in figures.loads.items():
        capacity = load.capacity
        if capacity.read is None and capacity.write is None:
            continue
        products = _STEP.findall(capacity.work)
        assert products, f"{cid}: {capacity.work}"
        totals = []
        for counts, per, landings, total in products:
            product = units.parse_rate(per)
            for count in re.findall(r"(\d+) [a-z ]+? × ", counts):
                product *= int(count)
            product /= int(landings or 1)
            assert units.format_rate(product) == total, f"{cid}: {capacity.work}"
            totals.append(product)
        figures_shown = {c for c in (capacity.read, capacity.write) if c is not None}
        assert {units.format_rate(t) for t in totals} == {units.format_rate(f) for f in figures_shown}, \
            f"{cid}: {capacity.work} vs read {capacity.read}, write {capacity.write}"
