"""Per-hop operation and per-component payload (docs/language.md, "Per-hop operation"):
a write flow is not writes all the way down. Figures computed by hand on small designs."""

import pytest

from archlint.catalog import load_catalog
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

DAY = 86400
YEAR = 365 * DAY

CRAWLER = """\
archlint: 1
name: crawler
scale: {peak_factor: 2, retention: 1y}
components:
  fetcher:
    kind: worker
    calls:
      dns-cache: {timeout: 10ms, retries: {max: 2, backoff: exponential, jitter: true}}
      robots-cache: {timeout: 10ms}
      seen: {timeout: 10ms}
      pages: {timeout: 200ms}
      url-db: {timeout: 50ms}
  dns-cache: {tech: redis}
  robots-cache: {tech: redis}
  seen: {tech: redis}
  pages: {tech: s3}
  url-db: {tech: postgres}
flows:
  fetch:
    rate: 1000/s
    type: write
    payload: {pages: 100KB, url-db: 500B, seen: 2B}
    steps:
      - fetcher -> dns-cache
      - fetcher -> robots-cache
      - {chain: fetcher -> seen, op: write}
      - fetcher -> pages
      - fetcher -> url-db
"""


def terms_of(tmp_path, text, **settings):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    settings_ = FileSettings(run_rules=False, **settings)
    result = check_file(str(path), path.name, settings_, load_catalog())
    assert result.findings == [], [f"{f.line}:{f.column} {f.code} {f.message}" for f in result.findings]
    design = result.designs[0]
    return design_terms(design.design, design.graph, load_catalog(), settings_, design.block.data)


def findings_of(tmp_path, text, code):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = check_file(str(path), path.name, FileSettings(selection=Selection(select=(code,))), load_catalog())
    return [f for f in result.findings if f.code == code]


def test_lookups_in_a_write_flow_read(tmp_path):
    terms = terms_of(tmp_path, CRAWLER)
    ops = {hop.edge.dst: terms.op(hop) for hop in terms.graph.routes["fetch"].hops}
    # fetcher writes durable stores (pages, url-db), so its cache calls are lookups,
    # except the one the step says writes.
    assert ops == {"dns-cache": "read", "robots-cache": "read", "seen": "write", "pages": "write", "url-db": "write"}
    # The fetcher is a worker that starts the flow: it crawls at its own pace, so its
    # 1000/s is also its peak (no users' peak factor): reads on the lookup caches,
    # writes on the stores.
    loads = terms.figures.loads
    assert (loads["dns-cache"].read, loads["dns-cache"].write) == (1000, 0)
    assert (loads["url-db"].read, loads["url-db"].write) == (0, 1000)


def test_storage_is_charged_only_to_the_hops_that_write_with_their_payload(tmp_path):
    growth = terms_of(tmp_path, CRAWLER).figures.growth
    # 1000/s x 100KB x 1y = 3.1536 PB; x 500B = 15.768 TB; x 2B = 63.072 GB; the lookup
    # caches keep nothing (they used to be charged the flow's whole payload).
    assert growth["pages"].total == pytest.approx(1000 * 100e3 * YEAR)
    assert growth["url-db"].total == pytest.approx(1000 * 500 * YEAR)
    assert growth["seen"].total == pytest.approx(1000 * 2 * YEAR)
    assert set(growth) == {"pages", "url-db", "seen"}


def test_bandwidth_of_a_payload_map_is_the_bytes_written(tmp_path):
    bandwidth = terms_of(tmp_path, CRAWLER).figures.bandwidth["fetch"]
    # 1000/s x (100KB + 500B + 2B) = 100.502 MB/s on average, and at peak (a background job).
    assert bandwidth.average == pytest.approx(1000 * 100_502)
    assert bandwidth.peak == pytest.approx(1000 * 100_502)
    assert bandwidth.work == "rate × (2B to seen + 100KB to pages + 500B to url-db)"


def test_a_step_payload_wins_over_the_flow_payload(tmp_path):
    text = CRAWLER.replace("      - fetcher -> url-db\n",
                           "      - {chain: fetcher -> url-db, payload: 1KB, share: 50%}\n")
    growth = terms_of(tmp_path, text).figures.growth
    # 1000/s x 50% x 1KB x 1y
    assert growth["url-db"].total == pytest.approx(1000 * 0.5 * 1000 * YEAR)


def test_a_written_through_cache_is_written(tmp_path):
    text = CRAWLER.replace("  robots-cache: {tech: redis}",
                           "  robots-cache: {tech: redis, cache: {invalidation: write_through}}")
    terms = terms_of(tmp_path, text)
    hop = next(h for h in terms.graph.routes["fetch"].hops if h.edge.dst == "robots-cache")
    assert terms.op(hop) == "write"


def test_a_cache_written_by_a_flow_that_writes_nothing_durable_is_written(tmp_path):
    text = CRAWLER.replace("      - fetcher -> pages\n      - fetcher -> url-db\n", "")
    terms = terms_of(tmp_path, text)
    ops = {hop.edge.dst: terms.op(hop) for hop in terms.graph.routes["fetch"].hops}
    assert ops["dns-cache"] == "write"  # no durable write in the flow: no cache-aside lookup


def test_write_load_and_scl002_count_only_hops_that_write(tmp_path):
    # A Postgres primary at 2,000 writes/s: 2500/s of writes (a background job: no peak
    # factor) would exceed it, but the flow only reads url-db (op: read), so SCL002 has
    # nothing to say.
    text = CRAWLER.replace("rate: 1000/s", "rate: 2500/s").replace(
        "      - fetcher -> url-db\n", "      - {chain: fetcher -> url-db, op: read}\n")
    assert findings_of(tmp_path, text, "SCL002") == []
    assert len(findings_of(tmp_path, CRAWLER.replace("rate: 1000/s", "rate: 2500/s"), "SCL002")) == 1


def test_res003_judges_the_hops_that_write(tmp_path):
    # dns-cache is retried (3 attempts) but only looked up: no duplicate write.
    assert findings_of(tmp_path, CRAWLER, "RES003") == []
    retried_write = CRAWLER.replace("      url-db: {timeout: 50ms}", "      url-db: {timeout: 50ms, retries: 1}")
    (finding,) = findings_of(tmp_path, retried_write, "RES003")
    assert "write flow 'fetch' writes through it" in finding.message
