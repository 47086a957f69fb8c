"""Severity follows certainty (issue 15, point 5; docs/language.md, "Capacity"): an
overload judged against a rule-of-thumb capacity by less than `assumed_margin` (10x)
is a warning asking for a measured `capacity:`; against a stated or vendor-documented
figure, or beyond the margin, it stays an error. Figures computed by hand."""

import json

import pytest

SERVICE = """\
archlint: 1
name: certainty
components:
  web: {{kind: client, calls: [api]}}
  api: {{kind: service, replicas: 2{extra}}}
flows:
  browse: {{rate: {rate}, type: read, steps: [web -> api]}}
"""


def findings(cli, tmp_path, text, *options):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = cli("check", str(path), "--format", "json", "--select", "SCL001,SCL002", *options)
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_a_rule_of_thumb_overload_within_the_margin_is_a_warning(cli, tmp_path):
    # The service default is 500/s a replica (rule of thumb): 2 × 500/s = 1k/s;
    # 1k/s × peak factor 2 = 2k/s, 2x the capacity, under 10x.
    code, found = findings(cli, tmp_path, SERVICE.format(extra="", rate="1k/s"))
    assert code == 0  # warnings do not fail the run
    [finding] = found
    assert (finding["code"], finding["severity"]) == ("SCL001", "warning")
    assert finding["message"] == (
        "api takes 2k/s at peak, above its capacity of 1k/s (2 replicas × 500/s = 1k/s); that capacity is "
        "assumed (a rule of thumb, not a measurement), and the load is 2x it, within the 10x margin of an estimate")
    assert finding["hint"].startswith("load-test api and state the measured per-unit figure as "
                                      "components.api.capacity")
    assert "set components.api.replicas to 4" in finding["hint"]  # 4 × 500/s = 2k/s


def test_at_the_margin_it_is_an_error(cli, tmp_path):
    # 5k/s × 2 = 10k/s against 1k/s: exactly 10x, no longer within the margin.
    code, [finding] = findings(cli, tmp_path, SERVICE.format(extra="", rate="5k/s"))
    assert (code, finding["severity"]) == (1, "error")
    assert "rule of thumb" not in finding["message"]


def test_a_stated_capacity_is_a_fact(cli, tmp_path):
    # capacity: 500/s stated: 2 × 500/s = 1k/s against 2k/s is an error at 2x.
    code, [finding] = findings(cli, tmp_path, SERVICE.format(extra=", capacity: 500/s", rate="1k/s"))
    assert (code, finding["severity"]) == (1, "error")
    assert finding["message"] == "api takes 2k/s at peak, above its capacity of 1k/s (2 replicas × 500/s = 1k/s)"


def test_the_margin_is_an_option(cli, tmp_path):
    # 2x the assumed capacity, with the margin set to 2: at the margin, an error.
    code, [finding] = findings(cli, tmp_path, SERVICE.format(extra="", rate="1k/s"),
                               "--option", "SCL001.assumed_margin=2")
    assert (code, finding["severity"]) == (1, "error")


def test_a_vendor_documented_capacity_is_a_fact(cli, tmp_path):
    # Kinesis: 1,000 records/s in per shard, a vendor limit [KDS]. The stream takes what
    # api publishes at its peak, 1.5k/s × 2 = 3k/s of writes, against 1 shard × 1k/s =
    # 3x: an error.
    text = """\
archlint: 1
name: vendor
components:
  api: {kind: service, autoscaling: {min: 2, max: 20}, publishes: [events]}
  events: {tech: kinesis, queue: {partitions: 1}}
flows:
  ingest: {rate: 1.5k/s, type: write, steps: [api -> events]}
"""
    code, [finding] = findings(cli, tmp_path, text)
    assert (code, finding["code"], finding["severity"]) == (1, "SCL001", "error")
    assert finding["message"].startswith("events takes 3k/s at peak, above its capacity of 1k/s")
    assert "writes 1 shard × 1k/s = 1k/s" in finding["message"]


@pytest.mark.parametrize("capacity, severity", [("", "warning"), (", capacity: {write: 2000/s}", "error")])
def test_single_leader_writes_follow_the_same_rule(cli, tmp_path, capacity, severity):
    # Postgres: 2k writes/s on its primary, a rule of thumb unless stated. 1.5k/s × 2 =
    # 3k/s of writes, 1.5x: a warning when assumed, an error when stated.
    text = f"""\
archlint: 1
name: writes
components:
  api: {{kind: service, autoscaling: {{min: 2, max: 20}}, calls: [db]}}
  db: {{tech: postgres{capacity}}}
flows:
  save: {{rate: 1.5k/s, type: write, steps: [api -> db]}}
"""
    _, found = findings(cli, tmp_path, text)
    [finding] = [f for f in found if f["code"] == "SCL002"]
    assert finding["severity"] == severity
    assert finding["message"].startswith("db takes 3k/s of writes at peak on one primary, above its write "
                                         "capacity of 2k/s (1 node × 2k/s = 2k/s)")
    assert ("1.5x it, within the 10x margin" in finding["message"]) == (severity == "warning")


def test_estimate_json_says_whether_a_capacity_is_assumed(cli, tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(SERVICE.format(extra=", capacity: {read: 500/s}", rate="1k/s"))
    [api] = [c for c in json.loads(cli("estimate", str(path), "--format", "json").stdout)["designs"][0]["components"]
             if c["id"] == "api"]
    # read stated by the design; write left to the service default (a rule of thumb). A
    # read flow uses only the read figure: not assumed.
    assert api["capacity_basis"] == {"read": "design", "write": "rule_of_thumb"}
    assert api["capacity_assumed"] is False
