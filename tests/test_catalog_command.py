"""`archlint catalog`: the technology catalog as a table, one entry, and JSON. Expected
figures are read off tech.yaml by hand (postgres: 10,000 reads/s and 2,000 writes/s per
node, p99 5 ms read, 99.5% per node from the VM source)."""

from __future__ import annotations

import json
from importlib import resources

import yaml
from conftest import run_process


def _tech_yaml() -> dict:
    return yaml.safe_load((resources.files("archlint.catalog") / "tech.yaml").read_text(encoding="utf-8"))


def test_list_has_every_technology_with_its_figures(cli):
    result = cli("catalog")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    ids = [line.split()[0] for line in lines[2:-1]]
    assert ids == list(_tech_yaml()["tech"])
    postgres = next(line for line in lines if line.startswith("postgres "))
    assert postgres.split("  ")[0] == "postgres"
    for cell in ("database", "self-run", "10k/s per node [RT]", "2k/s per node [RT]", "5ms [RT]",
                 "99.5% per node [VM]", "postgresql, pg"):
        assert cell in postgres, cell
    dynamodb = next(line for line in lines if line.startswith("dynamodb "))
    assert "managed" in dynamodb and "3k/s per partition [DDB-PART]" in dynamodb and "99.99% (service)" in dynamodb
    assert lines[-1].startswith(f"{len(ids)} technologies.")


def test_kind_filter(cli):
    result = cli("catalog", "--kind", "cache")
    ids = [line.split()[0] for line in result.output.splitlines()[2:-1]]
    expected = [tid for tid, entry in _tech_yaml()["tech"].items() if entry["kind"] == "cache"]
    assert ids == expected and "redis" in ids


def test_one_entry_by_alias_shows_every_figure_and_its_source(cli):
    result = cli("catalog", "pg")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("postgres: database, self-run\naliases: postgresql, pg\n")
    assert "consistency: strong; transactions: single_node_acid; scaling: read_replicas" in text
    rows = {line.split()[0]: line.split(None, 1)[1] for line in text.splitlines()
            if line.startswith("  ") and "  " in line[2:]}
    read = rows["capacity.read_rps"]
    assert read.startswith("10k/s per node") and read.split()[-4:] == ["rule", "of", "thumb", "RT"]
    assert rows["availability"].startswith("99.5% per node") and rows["availability"].split()[-2:] == ["SLA", "VM"]
    # How copies share the work, with its source (docs/language.md, "Capacity").
    assert rows["replication_model"].split() == ["single_leader", "vendor", "default", "PG-STANDBY"]
    assert rows["replica_reads"].split()[0] == "no"
    assert rows["max_storage_per_node"].startswith("4TB")
    assert "[VM] Per-instance SLA of one VM" in text
    assert "<https://aws.amazon.com/legal/service-level-agreements/>" in text


def test_kind_name_shows_the_kind_defaults(cli):
    result = cli("catalog", "database")
    assert result.exit_code == 0
    assert result.output.startswith("database: the defaults of kind database")
    assert "5k/s per node" in result.output  # kind_defaults.database.capacity.read_rps = 5000


def test_unknown_tech_is_a_usage_error_with_a_suggestion():
    process = run_process("catalog", "postgress")
    assert process.returncode == 2
    assert "'postgress' is not in the technology catalog; did you mean 'postgres'" in process.stderr
    assert "Traceback" not in process.stderr


def test_json_one_entry():
    process = run_process("catalog", "kafka", "--format", "json")
    assert process.returncode == 0
    document = json.loads(process.stdout)
    (kafka,) = document["technologies"]
    assert (kafka["id"], kafka["kind"], kafka["managed"]) == ("kafka", "stream", False)
    assert kafka["ordering"] == "per_partition"
    read = kafka["figures"]["capacity.read_rps"]
    assert (read["value"], read["unit"], read["per"], read["source"]) == (5000, "per second", "partition", "RT")
    assert kafka["figures"]["latency_p99_ms.read"]["unit"] == "ms"
    assert kafka["figures"]["retention.default"]["value"] == 7 * 24 * 3600  # 7d
    assert set(document["sources"]) == {figure["source"] for figure in kafka["figures"].values()}
    assert document["sources"]["RT"]["title"].startswith("Rule of thumb")


def test_json_list_is_the_whole_catalog(cli):
    document = json.loads(cli("catalog", "--format", "json").output)
    assert [tech["id"] for tech in document["technologies"]] == list(_tech_yaml()["tech"])
    assert document["catalog_version"] == 1


def test_kind_with_a_tech_is_a_usage_error(cli):
    result = cli("catalog", "redis", "--kind", "cache")
    assert result.exit_code == 2
