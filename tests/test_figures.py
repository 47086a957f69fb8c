"""The derived figures against arithmetic done by hand, and properties that must hold
for any design (more replicas never lower availability; more traffic never lowers load)."""

import json

import pytest
from conftest import EXAMPLES, run_process
from hypothesis import given, settings
from hypothesis import strategies as st

from archlint.catalog import load_catalog
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

MONTH = 30 * 86400
YEAR = 365 * 86400


def figures_of(path, load_factor=1.0, zone_availability=None):
    settings_ = FileSettings(run_rules=False, load_factor=load_factor, zone_availability=zone_availability)
    result = check_file(str(path), path.name, settings_, load_catalog())
    assert result.findings == []
    design = result.designs[0]
    return design_terms(design.design, design.graph, load_catalog(), settings_, design.block.data).figures


@pytest.fixture(scope="module")
def url():
    return figures_of(EXAMPLES / "url-shortener.arch.yaml")


def test_flow_rates_by_hand(url):
    redirect = 10e9 / MONTH * 3  # 10B/month at peak_factor 3
    assert url.rates["redirect"].peak == pytest.approx(redirect)
    assert url.rates["redirect"].work == "10B/month ÷ 2.59M s × 3 peak = 11.6k/s"
    assert url.rates["shorten"].peak == pytest.approx(100e6 / MONTH * 3)


def test_load_and_capacity_by_hand(url):
    redirect, shorten = 10e9 / MONTH * 3, 100e6 / MONTH * 3
    api = url.loads["api"]
    assert api.total == pytest.approx(redirect + shorten)
    assert api.limit == 30 * 2000  # autoscaling max 30 x go's 2,000/s per replica
    assert api.utilisation == pytest.approx((redirect + shorten) / 60000)
    assert url.loads["url-db"].total == pytest.approx(redirect * 0.10 + shorten)  # misses only
    # A Redis primary and its replica: replicas copy the primary and serve no reads by
    # default (catalog replica_reads, REDIS-REPL), so one node's 50k/s serves.
    assert url.loads["url-cache"].limit == 50000
    assert url.loads["url-cache"].capacity.work == "1 primary × 50k/s = 50k/s"
    worker = url.loads["analytics-worker"]
    assert worker.at_average and worker.demand == pytest.approx(10e9 / MONTH)  # the queue absorbs the peak
    assert not url.loads["url-db"].capacity.checked  # dynamodb adds partitions by itself
    # url-cache takes the 11.6k/s of redirects: 23% of 50k/s, busier than api's 19%.
    assert url.saturation()[0] == "url-cache" and url.saturation()[1] == pytest.approx(50000 / redirect)


def test_availability_by_hand(url):
    # A zone of 99.95% holding one 99.5% copy is up 99.95% × 99.5% = 99.45025%; copies in
    # separate zones are independent: 1 − (1 − 0.9945025)^zones. The region (99.99%) is
    # counted once for the self-run parts; the managed parts count their SLA.
    api = 1 - (1 - 0.9995 * 0.995) ** 3  # 3 replicas in 3 zones
    cache = 1 - (1 - 0.9995 * 0.995) ** 2  # 2 replicas in 2 zones
    misses = 1 - 0.10 * (1 - 0.9999)  # dynamodb on the 10% of requests that miss the cache
    expected = 0.9999 * api * cache * misses * 0.9999  # alb, api, redis, dynamodb, region
    flow = url.availability["redirect"]
    assert flow.value == pytest.approx(expected, abs=1e-12)
    assert flow.value == pytest.approx(0.99975963, abs=1e-8)
    assert flow.target == pytest.approx(0.9995)
    assert [p.cid for p in flow.parts] == ["browser", "edge", "api", "url-cache", "url-db"]
    assert flow.region.value == pytest.approx(0.9999)


def test_zone_availability_is_configurable():
    figures = figures_of(EXAMPLES / "url-shortener.arch.yaml", zone_availability=0.99)
    api = next(p for p in figures.availability["redirect"].parts if p.cid == "api")
    assert api.value == pytest.approx(1 - (1 - 0.99 * 0.995) ** 3)


def test_latency_by_hand(url):
    redirect = url.latency["redirect"]
    # alb + go, then the cache and, on the 10% of misses (above 1%), dynamodb: api's
    # calls are in separate steps, so they add up.
    assert redirect.value == pytest.approx(0.005 + 0.010 + 0.001 + 0.010)
    assert redirect.chain == ["browser", "edge", "api", "url-cache", "url-db"]
    assert url.latency["shorten"].value == pytest.approx(0.005 + 0.010 + 0.020)  # dynamodb writes
    # The arithmetic is written when first read, by the same walk: the same text twice.
    assert redirect.work == "browser 0ms + edge 5ms + api 10ms + url-cache 1ms + url-db 10ms"
    assert redirect.work is redirect.work


def test_storage_and_bandwidth_by_hand(url):
    growth = url.growth["url-db"]
    assert growth.total == pytest.approx(100e6 / MONTH * 500 * 5 * YEAR)  # about 3.04 TB
    assert url.bandwidth["shorten"].average == pytest.approx(100e6 / MONTH * 500)


def test_what_if_load():
    tenfold = figures_of(EXAMPLES / "url-shortener.arch.yaml", load_factor=10)
    assert tenfold.loads["api"].total == pytest.approx((10e9 + 100e6) / MONTH * 3 * 10)
    assert tenfold.saturation()[1] == pytest.approx(50000 / (10e9 / MONTH * 30))


def test_estimate_command_text_and_json():
    text = run_process("estimate", "examples/url-shortener.arch.yaml")
    assert text.returncode == 0
    assert "10B/month ÷ 2.59M s × 3 peak = 11.6k/s" in text.stdout
    assert "api               11.7k/s        60k/s       19%   -       30 replicas × 2k/s = 60k/s" in text.stdout
    assert "Saturates first: url-cache, at 4.32x this load" in text.stdout
    data = json.loads(run_process("estimate", "--format", "json", "examples/url-shortener.arch.yaml").stdout)
    (design,) = data["designs"]
    assert design["saturates_first"]["id"] == "url-cache"
    latency = {f["flow"]: f["seconds"] for f in design["latency"]}
    assert latency["redirect"] == pytest.approx(0.026)


def test_estimate_marks_hot_components():
    result = run_process("estimate", "--load", "6x", "examples/url-shortener.arch.yaml")
    assert "117% !" in result.stdout and "above 70% of capacity" in result.stdout


def test_estimate_says_what_is_missing(tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: bare\ncomponents:\n  api: {kind: service}\n")
    result = run_process("estimate", str(design))
    assert result.returncode == 0
    assert "flows (with rate, type and steps)" in result.stdout


def test_estimate_of_an_invalid_design_gives_the_check_errors(tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -1}\n")
    result = run_process("estimate", str(design))
    assert result.returncode == 1 and "d.arch.yaml:4:24: INP011" in result.stderr


# --- properties -------------------------------------------------------------------------

def _chain_design(replicas, zones, rate):
    services = [f"s{i}" for i in range(len(replicas))]
    lines = ["archlint: 1", "name: p", f"deployment: {{zones: {zones}}}",
             "requirements: {availability: 99.9%}", "components:", "  web: {kind: client, calls: [s0]}"]
    for i, (name, count) in enumerate(zip(services, replicas)):
        calls = f", calls: [{services[i + 1]}]" if i + 1 < len(services) else ""
        lines.append(f"  {name}: {{kind: service, replicas: {count}{calls}}}")
    lines += ["flows:", "  f:", f"    rate: {rate}/s", "    steps:", "      - " + " -> ".join(["web"] + services)]
    return "\n".join(lines) + "\n"


def _figures_from_text(tmp_path, text):
    path = tmp_path / "p.arch.yaml"
    path.write_text(text)
    return figures_of(path)


replica_lists = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None)
@given(replicas=replica_lists, zones=st.integers(1, 3), which=st.integers(0, 3))
def test_adding_a_replica_never_lowers_availability(tmp_path_factory, replicas, zones, which):
    tmp = tmp_path_factory.mktemp("p")
    before = _figures_from_text(tmp, _chain_design(replicas, zones, 10)).availability["f"].value
    more = list(replicas)
    more[which % len(more)] += 1
    after = _figures_from_text(tmp, _chain_design(more, zones, 10)).availability["f"].value
    assert after >= before


@settings(max_examples=40, deadline=None)
@given(replicas=replica_lists, rate=st.integers(1, 10_000), extra=st.integers(0, 10_000))
def test_raising_a_rate_never_lowers_load(tmp_path_factory, replicas, rate, extra):
    tmp = tmp_path_factory.mktemp("p")
    before = _figures_from_text(tmp, _chain_design(replicas, 2, rate)).loads
    after = _figures_from_text(tmp, _chain_design(replicas, 2, rate + extra)).loads
    for cid, load in before.items():
        assert after[cid].total >= load.total
