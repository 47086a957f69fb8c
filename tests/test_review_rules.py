"""Issue 18's rules on a realistic design of our own: a ticketing platform where each of
DAT007, DAT008, ASY007 and SCL008 fires exactly once, at the place that deserves it,
next to a near miss that must stay clean. Every figure below is worked out by hand.

    book   1,500/s, cancel 300/s, browse 5,000/s; peak factor 3.
    booking-events (12 partitions) gets book + cancel, both asynchronous, so on average:
        1,500 + 300 = 1,800/s; ÷ 12 = 150/s per partition; 1 ÷ 150/s = 6.67ms a message.
        notifier:  email 5s × (1 + 2 retries) = 15s; 15s × 150/s = 2,250 waiting ≥ 100.
        analytics: warehouse 500ms × 1 = 0.5s;   0.5s × 150/s = 75 waiting < 100.
    bookings-db (postgres, 16 shards, one primary each at 500 writes/s): 8k writes/s.
        writes at peak: (1,500 + 300) × 3 = 5.4k/s, 67.5% of 8k/s: the total fits;
        the largest tenant, 10% by the rule of thumb: 540/s > 500/s for one shard.
    venues-db (tenant_id+venue_id): a part outside the tenant names, no assumed share.
"""

import pytest

from archlint.catalog import load_catalog
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

DESIGN = """\
archlint: 1
name: ticketing
requirements: {consistency: eventual}
scale: {peak_factor: 3}
components:
  app:
    kind: client
    calls: [booking]
  booking:
    kind: service
    replicas: 3
    calls:
      seat-cache: {timeout: 20ms}
      bookings-db: {timeout: 100ms}
      venues-db: {timeout: 100ms}
    publishes: [booking-events]
  seat-cache:
    tech: redis
    cache: {ttl: 5s, stampede: coalescing}
  bookings-db:
    tech: postgres
    capacity: {read: 10k/s, write: 500/s}
    sharding: {strategy: hash, key: tenant_id, shards: 16}
  venues-db:
    tech: postgres
    capacity: {read: 10k/s, write: 500/s}
    sharding: {strategy: hash, key: tenant_id+venue_id, shards: 16}
  booking-events:
    tech: kafka
    queue: {partitions: 12}
  notifier:
    kind: worker
    consumes:
      booking-events: {idempotent: true, ordering: per_key}
    calls:
      email: {timeout: 5s, retries: 2}
  analytics:
    kind: worker
    consumes:
      booking-events: {idempotent: true, ordering: per_key, group: analytics}
    calls:
      warehouse: {timeout: 500ms}
  email:
    kind: external
  warehouse:
    kind: external
flows:
  book:
    rate: 1500/s
    type: write
    consistency: strong
    steps:
      - app -> booking -> seat-cache
      - booking -> bookings-db
      - booking -> booking-events -> notifier -> email
      - booking-events -> analytics -> warehouse
  cancel:
    rate: 300/s
    type: write
    consistency: strong
    steps:
      - {chain: "app -> booking -> bookings-db", guard: conditional}
      - {chain: "booking -> booking-events", via: outbox}
      - booking -> venues-db
  browse:
    rate: 5000/s
    type: read
    steps:
      - app -> booking -> seat-cache
      - "booking -> venues-db: 10%"
"""

NEW = ("DAT007", "DAT008", "ASY007", "SCL008")


def _line(text: str) -> int:
    return DESIGN.splitlines().index(text) + 1


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    path = tmp_path_factory.mktemp("ticketing") / "design.arch.yaml"
    path.write_text(DESIGN, encoding="utf-8")
    settings = FileSettings(selection=Selection(select=NEW))
    result = check_file(str(path), "design.arch.yaml", settings, load_catalog())
    return {f.code: f for f in result.findings if f.code in NEW}, result.findings


def test_each_rule_fires_once_and_nothing_else_does(findings):
    _by_code, everything = findings
    assert sorted(f.code for f in everything) == sorted(NEW)


def test_dual_write_is_the_uncommitted_publish_of_book_not_the_outbox_of_cancel(findings):
    finding = findings[0]["DAT007"]
    assert (finding.line, finding.column) == (_line("      - booking -> booking-events -> notifier -> email"), 9)
    assert "in flow 'book', booking commits to bookings-db and publishes to booking-events" in finding.message
    assert 'via: outbox' in finding.hint


def test_stale_decision_is_books_seat_lookup_not_cancels_guarded_write(findings):
    finding = findings[0]["DAT008"]
    assert finding.line == _line("      - app -> booking -> seat-cache")  # book's step 0, not browse's
    assert finding.message.startswith("flow 'book' needs strong consistency, and booking writes bookings-db "
                                      "and booking-events after reading seat-cache")


def test_head_of_line_blocking_is_the_notifier_not_analytics(findings):
    finding = findings[0]["ASY007"]
    assert finding.line == _line("      booking-events: {idempotent: true, ordering: per_key}")
    assert ("1.8k/s on average ÷ 12 partitions = 150/s per partition leaves 6.67ms a message, "
            "but a message whose call to email times out takes 5s × 3 attempts = 15s, "
            "while 2.25k messages of other keys in its partition wait behind it") in finding.message


def test_hot_tenant_is_bookings_db_not_the_composite_key(findings):
    finding = findings[0]["SCL008"]
    assert finding.line == _line("    sharding: {strategy: hash, key: tenant_id, shards: 16}")
    assert ("its largest tenant's share, 10% (a rule of thumb, SCL008.largest_key_share; state "
            "sharding.largest_key_share), of 5.4k/s of writes at peak is 540/s, above one shard's 500/s "
            "(8k/s ÷ 16 shards)") in finding.message


def test_a_stated_share_replaces_the_rule_of_thumb(tmp_path):
    # 5% of 5.4k/s = 270/s fits one shard's 500/s: a measured share ends the finding.
    text = DESIGN.replace("key: tenant_id, shards: 16}", "key: tenant_id, shards: 16, largest_key_share: 5%}")
    path = tmp_path / "design.arch.yaml"
    path.write_text(text, encoding="utf-8")
    settings = FileSettings(selection=Selection(select=("SCL008",)))
    assert [f.code for f in check_file(str(path), "d", settings, load_catalog()).findings] == []


def test_the_ratio_option_moves_the_head_of_line_threshold(cli, tmp_path, monkeypatch):
    # analytics waits 75 messages: a ratio of 75 reports it too, exit 0 (warnings only).
    (tmp_path / "design.arch.yaml").write_text(DESIGN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "design.arch.yaml", "--select", "ASY007", "--option", "ASY007.ratio=75")
    assert result.exit_code == 0
    assert result.stdout.count(" ASY007 ") == 2
    assert "analytics consumes booking-events" in result.stdout and "while 75 messages" in result.stdout
