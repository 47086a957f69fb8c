"""DOC008: `via` and `guard` count only on the write they describe (docs/language.md,
"Flow steps"). A design of our own where each fact is stated once where it means
something and once where it changes nothing."""

from archlint.catalog import load_catalog
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

DESIGN = """\
archlint: 1
name: uploads
components:
  app:
    kind: client
    calls: [uploader]
  uploader:
    kind: service
    calls:
      blobs: {timeout: 1s}
      meta-db: {timeout: 100ms}
      quota: {timeout: 20ms}
      scanner: {timeout: 2s}
    publishes: [uploaded]
  scanner:
    kind: service
    calls:
      verdicts: {timeout: 100ms}
  verdicts:
    tech: postgres
  blobs:
    tech: s3
  meta-db:
    tech: postgres
  quota:
    tech: redis
  uploaded:
    tech: sqs
  ingest:
    kind: service
    publishes: [raw]
  raw:
    tech: kafka
flows:
  upload:
    rate: 10/s
    type: write
    payload: 4MB
    steps:
      - {chain: "app -> uploader -> meta-db", via: outbox}
      - parallel:
          - {chain: "uploader -> quota", guard: unique}
          - {chain: "uploader -> blobs", guard: conditional}
      - uploader -> uploaded
      - {chain: "uploader -> scanner -> verdicts", via: cdc}
  firehose:
    rate: 100/s
    type: write
    payload: 1KB
    steps:
      - {chain: "ingest -> raw", via: outbox}
"""


def _run(tmp_path, text: str = DESIGN):
    path = tmp_path / "design.arch.yaml"
    path.write_text(text, encoding="utf-8")
    settings = FileSettings(selection=Selection(select=("DOC008",)))
    return check_file(str(path), "design.arch.yaml", settings, load_catalog()).findings


def _position(text: str, line_text: str, key: str) -> tuple[int, int]:
    line = text.splitlines().index(line_text)
    return line + 1, text.splitlines()[line].index(key) + 1


def test_facts_without_their_write_are_reported_at_the_key(tmp_path):
    findings = _run(tmp_path)
    got = {(f.line, f.column): f for f in findings}
    # quota is a cache-aside lookup in a write flow (its caller writes meta-db): it reads.
    quota = _position(DESIGN, '          - {chain: "uploader -> quota", guard: unique}', "guard")
    # ingest publishes to raw, but commits to no database in this flow: no outbox to speak of.
    raw = _position(DESIGN, '      - {chain: "ingest -> raw", via: outbox}', "via")
    assert sorted(got) == sorted([quota, raw])
    assert got[quota].message == (
        "in flow 'upload', the chain uploader -> quota states guard: unique, but none of its hops is a write "
        "to a database, object storage, a queue or a stream; DAT008 reads guard only on such a write, "
        "so here it changes nothing")
    # The hint names another chain of the flow where the fact would count.
    # The hint names a write of the same component where the fact would count.
    assert got[quota].hint == ('state it on the chain that makes the write, e.g. {chain: "uploader -> blobs", '
                               'guard: unique}, or remove it')
    assert got[raw].hint == "remove it, or give the chain the write it describes (op: write)"


def test_facts_on_their_write_are_quiet(tmp_path):
    # via on the commit (uploader -> meta-db), guard on the object write (blobs), via on
    # a call to a service that writes a store (scanner -> verdicts, by a committer).
    findings = _run(tmp_path)
    lines = {f.line for f in findings}
    for text in ('      - {chain: "app -> uploader -> meta-db", via: outbox}',
                 '          - {chain: "uploader -> blobs", guard: conditional}',
                 '      - {chain: "uploader -> scanner -> verdicts", via: cdc}'):
        assert DESIGN.splitlines().index(text) + 1 not in lines


def test_a_read_flow_says_why_its_hops_do_not_write(tmp_path):
    text = DESIGN.replace("    type: write\n    payload: 1KB\n", "    type: read\n")
    [finding] = [f for f in _run(tmp_path, text) if "firehose" in f.message]
    assert "but the flow is a read flow, so its hops read unless a step says op: write" in finding.message


def test_stating_the_write_makes_the_fact_count(tmp_path):
    # In a read flow the object write is a read, so its guard is reported; op: write on
    # the chain makes it the write the guard describes. A cache write never is one.
    text = DESIGN.replace("    rate: 10/s\n    type: write\n", "    rate: 10/s\n    type: read\n")
    assert any("uploader -> blobs states guard" in f.message for f in _run(tmp_path, text))
    stated = text.replace('{chain: "uploader -> blobs", guard: conditional}',
                          '{chain: "uploader -> blobs", guard: conditional, op: write}')
    assert not any("uploader -> blobs" in f.message for f in _run(tmp_path, stated))
    cache = DESIGN.replace('{chain: "uploader -> quota", guard: unique}',
                           '{chain: "uploader -> quota", guard: unique, op: write}')
    assert any("uploader -> quota states guard" in f.message for f in _run(tmp_path, cache))
