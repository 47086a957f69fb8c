"""The one grammar for per-hop facts inside a flow's `steps` (docs/language.md, "Flow
steps"): the string forms, the map with named keys, `parallel:` groups, a payload per
component; typos are positioned INP findings with a did-you-mean."""

import pytest
from conftest import check_text

from archlint.catalog import load_catalog
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

HEAD = """\
archlint: 1
name: crawler
components:
  parser:
    kind: worker
    calls: [url-db, bloom, dns-cache]
  url-db: {tech: postgres}
  bloom: {tech: redis}
  dns-cache: {tech: redis}
flows:
  crawl:
    rate: 100/s
    type: write
    steps:
"""


def design(*steps: str, flow_extra: str = "") -> str:
    return HEAD + "".join(f"      {step}\n" for step in steps) + flow_extra


def route_of(tmp_path, text: str):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = check_file(str(path), "d", FileSettings(run_rules=False), load_catalog())
    assert result.findings == [], [f"{f.line}:{f.column} {f.code} {f.message}" for f in result.findings]
    return result.designs[0].graph.routes["crawl"]


def test_every_form_of_a_chain_reads_the_same(tmp_path):
    route = route_of(tmp_path, design(
        "- parser -> url-db",                            # a string
        "- parser -> bloom: 20%",                        # a one-key map: the share form
        '- "parser -> dns-cache: 5%"',                   # the quoted share form
    ))
    assert [(h.edge.dst, h.share, h.op) for h in route.hops] == [
        ("url-db", 1.0, None), ("bloom", 0.2, None), ("dns-cache", 0.05, None)]


def test_map_with_named_keys_states_share_op_and_payload(tmp_path):
    route = route_of(tmp_path, design(
        '- {chain: "parser -> url-db", share: 20%, op: write, payload: 2KB}',
        "- chain: parser -> bloom",
        "  op: read",
    ))
    db, bloom = route.hops
    assert (db.share, db.op, db.payload, db.step) == (pytest.approx(0.2), "write", 2000.0, 0)
    assert (bloom.share, bloom.op, bloom.payload, bloom.step) == (1.0, "read", None, 1)


def test_parallel_group_marks_its_chains(tmp_path):
    route = route_of(tmp_path, design(
        "- parser -> url-db",
        '- parallel: ["parser -> bloom", {chain: "parser -> dns-cache", op: read}]',
    ))
    hops = {h.edge.dst: h for h in route.hops}
    assert hops["url-db"].group is None
    assert (hops["bloom"].group, hops["bloom"].step) == (1, 1)
    assert (hops["dns-cache"].group, hops["dns-cache"].op) == (1, "read")


def test_payload_per_component(tmp_path):
    route = route_of(tmp_path, design("- parser -> url-db", "- parser -> bloom",
                                      flow_extra="    payload: {url-db: 500B, bloom: 2B}\n"))
    assert route.flow.payload_for("url-db") == 500 and route.flow.payload_for("bloom") == 2
    assert route.flow.payload_for("dns-cache") is None


def test_chains_that_state_different_ops_do_both(tmp_path):
    route = route_of(tmp_path, design("- {chain: parser -> bloom, op: read}", "- {chain: parser -> bloom, op: write}"))
    (hop,) = route.hops
    assert hop.op == "read+write"


def test_via_and_guard_are_facts_of_every_hop_of_their_chain(tmp_path):
    route = route_of(tmp_path, design(
        '- {chain: "parser -> url-db", guard: unique}',
        '- {chain: "parser -> bloom", via: outbox}',
        "- parser -> bloom",  # the same hop again: a fact one chain states still holds
    ))
    db, bloom = route.hops
    assert (db.guard, db.via) == ("unique", None)
    assert (bloom.guard, bloom.via) == (None, "outbox")


# --- typos and bad values: (steps, code, line, column, words in the message) ----------------

STEP_LINE = 15  # the line of the first step item in HEAD + steps

CASES = {
    "key typo in a map": (['- {chian: "parser -> url-db", share: 20%}'], "INP010", STEP_LINE, 10,
                          ["unknown key 'chian' in flows.crawl.steps[0]", "did you mean 'chain'?"]),
    "one-key typo": (['- {chian: "parser -> url-db"}'], "INP010", STEP_LINE, 10, ["did you mean 'chain'?"]),
    "share typo": (['- chain: parser -> url-db', '  shar: 10%'], "INP010", STEP_LINE + 1, 9,
                   ["unknown key 'shar'", "did you mean 'share'?"]),
    "group typo": (['- paralel: [parser -> url-db, parser -> bloom]'], "INP010", STEP_LINE, 9,
                   ["did you mean 'parallel'?"]),
    "typo inside a group": (['- parallel:', '  - parser -> url-db', '  - {chain: parser -> bloom, opp: read}'],
                            "INP010", STEP_LINE + 2, 36, ["unknown key 'opp' in flows.crawl.steps[0].parallel[1]",
                                                          "did you mean 'op'?"]),
    "bad op": (['- {chain: parser -> url-db, op: wrte}'], "INP011", STEP_LINE, 35,
               ["flows.crawl.steps[0].op: must be read or write (got 'wrte')"]),
    "via typo": (['- {chain: parser -> url-db, via: outbx}'], "INP011", STEP_LINE, 35,
                 ["flows.crawl.steps[0].via: must be outbox or cdc (got 'outbx'); did you mean 'outbox'?"]),
    "guard typo": (['- {chain: parser -> url-db, guard: uniqe}'], "INP011", STEP_LINE, 35,
                   ["must be conditional or unique (got 'uniqe'); did you mean 'unique'?"]),
    "guard key typo": (['- {chain: parser -> url-db, gaurd: unique}'], "INP010", STEP_LINE, 35,
                       ["unknown key 'gaurd'", "did you mean 'guard'?"]),
    "bad payload": (['- {chain: parser -> url-db, payload: 2kb}'], "INP012", STEP_LINE, 35, ["did you mean KB?"]),
    "bad share": (['- {chain: parser -> url-db, share: 150%}'], "INP022", STEP_LINE, 35, ["share"]),
    "no chain": (['- {share: 10%, op: read}'], "INP022", STEP_LINE, 9, ["needs 'chain'"]),
    "group of one": (['- parallel: [parser -> url-db]'], "INP022", STEP_LINE, 9, ["two or more chains"]),
    "undeclared hop in a group": (['- parallel: [parser -> url-db, url-db -> bloom]'], "INP021", STEP_LINE, 38,
                                  ["url-db -> bloom, which is not a declared edge"]),
    "unknown id in a payload map": (['- parser -> url-db'], "INP020", STEP_LINE + 1, 15,
                                    ["'url_db' in flows.crawl.payload is not a declared component",
                                     "did you mean 'url-db'?"]),
}


@pytest.mark.parametrize("name", CASES)
def test_step_problems_are_positioned(tmp_path, name):
    steps, code, line, column, words = CASES[name]
    extra = "    payload: {url_db: 1KB}\n" if name == "unknown id in a payload map" else ""
    findings = check_text(tmp_path, design(*steps, flow_extra=extra))
    assert [(f.code, f.line, f.column) for f in findings] == [(code, line, column)], \
        [f"{f.line}:{f.column} {f.code} {f.message}" for f in findings]
    for word in words:
        assert word in findings[0].message


def test_key_typo_hint_lists_the_keys(tmp_path):
    (finding,) = check_text(tmp_path, design('- {chain: parser -> url-db, payloud: 1KB}'))
    assert finding.hint.startswith("keys allowed in a step: chain, share, op, payload")
