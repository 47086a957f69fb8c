"""Every bad input of the foundation issue: a positioned INP finding, never a traceback."""

from pathlib import Path

import pytest
from conftest import check_text, codes_at

from archlint.input.load import Limits

BASE = """\
archlint: 1
name: shop
components:
  web:
    kind: client
    calls: [api]
  api:
    kind: service
    calls:
      db: {timeout: 50ms}
    publishes: [jobs]
  db:
    tech: postgres
  jobs:
    tech: sqs
    queue: {dlq: jobs-dlq}
  jobs-dlq:
    tech: sqs
  worker:
    kind: worker
    consumes: [jobs]
flows:
  buy:
    rate: 100/s
    type: write
    steps:
      - web -> api -> db
      - api -> jobs -> worker
apis:
  - endpoint: POST /v1/orders
    served_by: api
"""


def test_base_is_clean(tmp_path):
    assert check_text(tmp_path, BASE) == []


def variant(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


CASES = {
    "syntax error": (variant("calls: [api]", "calls: [api"), "INP002", 7, 6),
    "tab indentation": (variant("    kind: service", "\tkind: service"), "INP002", 8, 1),
    "duplicate key": (variant("    tech: postgres", "    tech: postgres\n    tech: mysql"), "INP003", 14, 5),
    "duplicate edge in list": (variant("calls: [api]", "calls: [api, api]"), "INP003", 6, 5),
    "unknown key": (variant("db: {timeout: 50ms}", "db: {timout: 50ms}"), "INP010", 10, 12),
    "unknown top-level key": (variant("name: shop", "name: shop\nflow: {}"), "INP010", 3, 1),
    "wrong type": (variant("    kind: service", "    kind: service\n    replicas: [3]"), "INP011", 9, 5),
    "out of range": (variant("    kind: service", "    kind: service\n    replicas: -3"), "INP011", 9, 5),
    "unknown kind": (variant("    kind: worker", "    kind: wroker"), "INP011", 20, 5),
    "map where a bool goes": (variant("    kind: service", "    kind: service\n    public: {a: 1}"), "INP011", 9, 5),
    "merge key": (variant("    kind: service", "    kind: service\n    <<: {replicas: 2}"), "INP010", 9, 5),
    "yes is not a bool": (variant("    kind: service", "    kind: service\n    public: yes"), "INP011", 9, 5),
    "lower-case m on a count": (variant("name: shop", "name: shop\nscale: {dau: 20m}"), "INP012", 3, 9),
    "unknown unit": (variant("name: shop", "name: shop\nscale: {retention: 5 parsecs}"), "INP012", 3, 9),
    "rate without unit": (variant("rate: 100/s", "rate: 100"), "INP012", 24, 5),
    "missing required key": (variant("name: shop\n", ""), "INP013", 1, 1),
    "neither kind nor tech": (variant("    tech: postgres", "    owner: data"), "INP013", 12, 3),
    "unknown call target": (variant("db: {timeout: 50ms}", "dbb: {timeout: 50ms}"), "INP020", 10, 7),
    "unknown publish target": (variant("publishes: [jobs]", "publishes: [jobz]"), "INP020", 11, 17),
    "unknown consumed broker": (variant("consumes: [jobs]", "consumes: [job]"), "INP020", 21, 16),
    "unknown dlq": (variant("{dlq: jobs-dlq}", "{dlq: jobs-dql}"), "INP020", 16, 13),
    "unknown flow hop": (variant("web -> api -> db", "web -> api -> dbx"), "INP020", 27, 9),
    "unknown api server": (variant("served_by: api", "served_by: apo"), "INP020", 31, 5),
    "hop not an edge": (variant("web -> api -> db", "web -> db"), "INP021", 27, 9),
    "share above 100%": (variant("- api -> jobs -> worker", "- api -> jobs -> worker: 150%"), "INP022", 28, 9),
    "chain of one": (variant("- api -> jobs -> worker", "- api"), "INP022", 28, 9),
    "publish to a database": (variant("publishes: [jobs]", "publishes: [db]"), "INP011", 11, 17),
    "suppression without reason": (variant("name: shop", "name: shop\nlint: {ignore: {ARC001: ''}}"), "INP030", 3, 17),
    "unsafe tag": (variant("name: shop", "name: !!python/object/apply:os.system [ls]"), "INP004", 2, 7),
    "unsafe tag on a key": (variant("name: shop", "!!python/name:os.system : x\nname: shop"), "INP004", 2, 1),
    "second document": (BASE + "---\narchlint: 1\n", "INP002", 32, 1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_a_positioned_finding(tmp_path, name):
    text, code, line, column = CASES[name]
    findings = check_text(tmp_path, text)
    assert (code, line, column) in codes_at(findings), [str(f) for f in findings]
    assert all(f.severity == "error" for f in findings)


def test_a_flow_whose_sync_hops_form_a_cycle(tmp_path):
    text = variant("      db: {timeout: 50ms}\n", "      db: {timeout: 50ms}\n      audit: {timeout: 50ms}\n")
    text = text.replace("  worker:\n", "  audit:\n    kind: service\n    calls: [api]\n  worker:\n")
    text = text.replace(
        "      - api -> jobs -> worker\n", "      - api -> jobs -> worker\n      - api -> audit -> api\n"
    )
    (finding,) = check_text(tmp_path, text)
    assert (finding.code, finding.line, finding.column) == ("INP022", 33, 9)
    assert "api -> audit -> api" in finding.message


def _audit_cycle(last_steps: str) -> str:
    """BASE with an `audit` service that calls back into `api`, and these steps after the
    two of BASE (the first of them on line 33)."""
    text = variant("      db: {timeout: 50ms}\n", "      db: {timeout: 50ms}\n      audit: {timeout: 50ms}\n")
    text = text.replace("  worker:\n", "  audit:\n    kind: service\n    calls: [api]\n  worker:\n")
    return text.replace("      - api -> jobs -> worker\n", "      - api -> jobs -> worker\n" + last_steps)


def test_a_cycle_closed_in_a_later_chain_points_at_that_chain(tmp_path):
    # api -> audit on line 33; audit -> api, the hop closing the cycle, first taken by the
    # second member of the group on line 34: "      - parallel: [api -> db, " is 30 characters.
    text = _audit_cycle("      - api -> audit\n      - parallel: [api -> db, audit -> api]\n")
    (finding,) = check_text(tmp_path, text)
    assert (finding.code, finding.line, finding.column) == ("INP022", 34, 31)
    assert "the cycle api -> audit -> api" in finding.message


def test_a_flow_with_an_undeclared_hop_is_not_also_searched_for_a_cycle(tmp_path):
    text = _audit_cycle("      - api -> audit -> api\n      - web -> db\n")
    (finding,) = check_text(tmp_path, text)
    assert (finding.code, finding.line, finding.column) == ("INP021", 34, 9)


def test_unknown_key_suggests_the_right_one(tmp_path):
    (finding,) = check_text(tmp_path, CASES["unknown key"][0])
    assert "unknown key 'timout'" in finding.message
    assert "did you mean 'timeout'?" in finding.message


def test_unknown_reference_suggests_the_right_one(tmp_path):
    (finding,) = check_text(tmp_path, CASES["unknown api server"][0])
    assert "did you mean 'api'?" in finding.message


def test_undeclared_hop_names_the_edge_to_add(tmp_path):
    (finding,) = check_text(tmp_path, CASES["hop not an edge"][0])
    assert "web -> db" in finding.message
    assert finding.hint == "add 'db' to components.web.calls"


def test_missing_consume_edge_names_the_consumer(tmp_path):
    text = variant("    consumes: [jobs]\n", "")
    (finding,) = check_text(tmp_path, text)
    assert finding.code == "INP021"
    assert finding.hint == "add 'jobs' to components.worker.consumes"


def test_bad_unit_message_lists_accepted_forms(tmp_path):
    (finding,) = check_text(tmp_path, CASES["unknown unit"][0])
    assert "5 parsecs" in finding.message and "20ms, 2s, 5m, 24h, 30d, 5y" in finding.message


def test_unknown_tech_suggests_catalog_entry(tmp_path):
    (finding,) = check_text(tmp_path, variant("tech: postgres", "tech: postgress"))
    assert finding.code == "INP013" and "did you mean 'postgres'?" in finding.message


def test_misspelt_word_suggests_the_listed_one(tmp_path):
    (finding,) = check_text(tmp_path, variant("kind: service", "kind: sevice"))
    assert finding.code == "INP011" and finding.message.endswith("(got 'sevice'); did you mean 'service'?")


def test_a_literal_false_reads_as_yaml_and_yes_gets_the_yaml_12_hint(tmp_path):
    (finding,) = check_text(tmp_path, variant("kind: service", "kind: service\n    backups: yes"))
    assert finding.code == "INP011"
    assert "backups must be false or a map (got 'yes'); YAML 1.2 reads yes/no/on/off as text" in finding.message


def test_word_far_from_every_listed_one_gets_no_guess(tmp_path):
    (finding,) = check_text(tmp_path, variant("kind: service", "kind: banana"))
    assert finding.code == "INP011" and "did you mean" not in finding.message


def test_empty_file(tmp_path):
    assert codes_at(check_text(tmp_path, "")) == [("INP001", 1, 1)]
    (finding,) = check_text(tmp_path, "# only a comment\n")
    assert finding.code == "INP001" and "only comments" in finding.message


def test_not_utf8_names_the_byte_offset(tmp_path):
    raw = BASE.encode().replace(b"name: shop", b"name: sh\xffp")
    (finding,) = check_text(tmp_path, raw)
    assert (finding.code, finding.line, finding.column) == ("INP001", 2, 9)
    assert "byte offset 20" in finding.message


def test_utf16_is_named(tmp_path):
    (finding,) = check_text(tmp_path, BASE.encode("utf-16"))
    assert finding.code == "INP001" and "UTF-16" in finding.message


def test_nul_byte(tmp_path):
    (finding,) = check_text(tmp_path, BASE.replace("name: shop", "name: sh\x00p"))
    assert codes_at([finding]) == [("INP001", 2, 9)]


def test_utf8_bom_is_accepted(tmp_path):
    assert check_text(tmp_path, b"\xef\xbb\xbf" + BASE.encode()) == []


@pytest.mark.parametrize("break_", ["\r", "\r\n", "\u2028"])
def test_lines_broken_without_newlines_are_placed(tmp_path, break_):
    # YAML also ends lines at \r and U+2028: the unknown key 'timout' is on line 10,
    # column 12 (`      db: {timout: 50ms}`) whichever break the file uses.
    text = variant("db: {timeout: 50ms}", "db: {timout: 50ms}").replace("\n", break_)
    assert codes_at(check_text(tmp_path, text)) == [("INP010", 10, 12)]


def test_a_repeated_quantity_is_judged_by_each_field_that_reads_it(tmp_path):
    # Quantities are parsed once per text and type: `50ms` stays a good timeout (line 10)
    # and is still a bad size for the payload (line 26), and each of two bad timeouts
    # (lines 6 and 10) is reported at its own place.
    text = variant("    type: write\n", "    type: write\n    payload: 50ms\n")
    (finding,) = check_text(tmp_path, text)
    assert codes_at([finding]) == [("INP012", 26, 5)] and "flows.buy.payload" in finding.message
    text = variant("calls: [api]", "calls: {api: {timeout: 5 parsecs}}").replace("timeout: 50ms", "timeout: 5 parsecs")
    assert codes_at(check_text(tmp_path, text)) == [("INP012", 6, 19), ("INP012", 10, 12)]


def test_alias_bomb_stops_early(tmp_path):
    lines = ["archlint: 1", "name: bomb", "x-lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        prev = f"*l{level - 1}"
        lines.append(f"x-lol{level}: &l{level} [{', '.join([prev] * 9)}]")
    lines.append("components: {a: {kind: service}}")
    (finding,) = check_text(tmp_path, "\n".join(lines) + "\n")
    assert finding.code == "INP005" and "alias" in finding.message
    assert finding.line == 7  # x-lol4: its first alias takes the expansion past 10,000 nodes


def test_recursive_alias_is_refused(tmp_path):
    (finding,) = check_text(tmp_path, "archlint: 1\nname: r\nx-a: &a [*a]\ncomponents: {}\n")
    assert finding.code == "INP002"


def test_syntax_error_names_where_the_construct_began(tmp_path):
    (finding,) = check_text(tmp_path, CASES["syntax error"][0])
    assert "(line 6)" in finding.message


def test_deep_nesting_stops_at_the_limit(tmp_path):
    text = "archlint: 1\nname: deep\nx-deep: " + "[" * 100_000 + "]" * 100_000 + "\ncomponents: {}\n"
    (finding,) = check_text(tmp_path, text)
    assert (finding.code, finding.line) == ("INP005", 3)
    assert "deeper than 64" in finding.message


def test_deep_block_nesting_stops_at_the_limit(tmp_path):
    nested = "".join(f"{'  ' * level}k{level}:\n" for level in range(100)) + "  " * 100 + "leaf: 1\n"
    text = "archlint: 1\nname: deep\ncomponents: {}\nx-deep:\n" + "\n".join("  " + line for line in nested.splitlines())
    (finding,) = check_text(tmp_path, text + "\n")
    assert (finding.code, finding.line) == ("INP005", 4 + 64)
    assert "deeper than 64 levels" in finding.message


def test_file_above_size_limit(tmp_path):
    (finding,) = check_text(tmp_path, BASE, limits=Limits(max_file_size=100))
    assert codes_at([finding]) == [("INP005", 1, 1)]
    assert "limit max-file-size" in finding.message


def test_long_list_and_long_key(tmp_path):
    text = variant("calls: [api]", "calls: [api]\n    x-many: [" + ", ".join(["1"] * 50) + "]")
    (finding,) = check_text(tmp_path, text, limits=Limits(max_list_items=10))
    assert finding.code == "INP005" and "max-list-items" in finding.message
    text = variant("name: shop", "name: shop\nx-" + "k" * 200 + ": 1")
    (finding,) = check_text(tmp_path, text, limits=Limits(max_key_length=100))
    assert codes_at([finding]) == [("INP005", 3, 1)]
    assert "max-key-length" in finding.message


def test_root_must_be_a_map(tmp_path):
    (finding,) = check_text(tmp_path, "- a\n- b\n")
    assert codes_at([finding]) == [("INP011", 1, 3)]


def test_unsupported_version(tmp_path):
    (finding,) = check_text(tmp_path, BASE.replace("archlint: 1", "archlint: 2"))
    assert finding.code == "INP011" and "version 2 is not supported" in finding.message


def test_several_problems_are_all_reported(tmp_path):
    text = variant("rate: 100/s", "rate: 100").replace("kind: worker", "kind: wroker")
    assert sorted(f.code for f in check_text(tmp_path, text)) == ["INP011", "INP012"]


def test_the_run_goes_on_to_the_next_file(cli, tmp_path):
    (tmp_path / "a.arch.yaml").write_text("archlint: [\n")
    (tmp_path / "b.arch.yaml").write_text(variant("served_by: api", "served_by: apo"))
    result = cli("check", str(tmp_path))
    assert result.exit_code == 1
    assert "a.arch.yaml:2:1: INP002" in result.output
    assert "b.arch.yaml:31:5: INP020" in result.output


# --- YAML traps, explained ------------------------------------------------------------------


def _problem(tmp_path, text: str, name: str = "d.arch.yaml"):
    from archlint.catalog import load_catalog
    from archlint.run.pipeline import check_file

    (tmp_path / name).write_text(text)
    (finding,) = check_file(str(tmp_path / name), name, Limits(), load_catalog()).findings
    return finding


def test_text_read_as_a_one_key_map_says_to_quote_it(tmp_path):
    finding = _problem(tmp_path, "archlint: 1\nname: t\nrequirements:\n  functional:\n"
                                 "    - Check out: charge the card\ncomponents:\n  api: {kind: service}\n")
    assert (finding.code, finding.line, finding.column) == ("INP011", 5, 7)
    assert finding.message == "requirements.functional[0] must be text (got a map)"
    assert finding.hint == ('quote the text: a colon followed by a space starts a key, so write '
                            '"Check out: charge the card"')


def test_a_second_colon_on_a_line_says_to_quote_the_value(tmp_path):
    finding = _problem(tmp_path, "archlint: 1\nname: t\ndescription: Takes orders: and keeps them\n")
    assert (finding.code, finding.line, finding.column) == ("INP002", 3, 26)
    assert finding.hint == 'quote the text: a colon followed by a space starts a key, so write ' \
                           'description: "Takes orders: and keeps them"'


def test_a_brace_in_an_unquoted_flow_value_says_to_quote_it(tmp_path):
    finding = _problem(tmp_path, "archlint: 1\nname: t\ncomponents:\n  api: {kind: service}\n"
                                 "apis: [{endpoint: GET /{code}, served_by: api}]\n")
    assert (finding.code, finding.line, finding.column) == ("INP002", 5, 24)  # the '{' of '{code}'
    assert "the value of 'endpoint' is not quoted" in finding.message
    assert finding.hint == 'quote the value, as in endpoint: "GET /{code}"'


def test_the_readme_design_example_is_valid(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## The design language in brief", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    from archlint.catalog import load_catalog
    from archlint.run.pipeline import check_file

    (tmp_path / "readme.arch.yaml").write_text(example)
    findings = check_file(str(tmp_path / "readme.arch.yaml"), "readme.arch.yaml", Limits(), load_catalog()).findings
    assert [f for f in findings if f.code.startswith("INP")] == []


def test_a_key_that_lines_up_with_nothing_is_named_plainly(tmp_path):
    finding = _problem(tmp_path, "archlint: 1\nname: t\ncomponents:\n  api:\n    kind: service\n   tech: go\n")
    assert (finding.code, finding.line, finding.column) == ("INP002", 6, 4)  # the line, at its first character
    assert finding.message == (
        "wrong indentation: this line is indented 3 spaces, which lines up with no key above it: the keys it "
        "could sit beside start at 4 ('kind'), 2 ('api'), 0 ('components') spaces")
    assert finding.hint.startswith("indent a key exactly as far as the other keys of its map")


def test_a_line_indented_past_a_value_is_named_plainly(tmp_path):
    finding = _problem(tmp_path, "archlint: 1\nname: t\ncomponents:\n  api:\n    kind: service\n      tech: go\n")
    assert (finding.code, finding.line, finding.column) == ("INP002", 6, 7)
    assert finding.message == ("wrong indentation: this line is indented 6 spaces, more than 'kind: service' above "
                               "it (4), so YAML reads it as more of that value")
    assert finding.hint.startswith("indent it like the other keys of its map (4 spaces, as 'kind')")


def test_indentation_in_a_markdown_block_points_at_the_markdown_line(tmp_path):
    finding = _problem(tmp_path, "# RFC\n\n1. Option:\n\n   ```archlint\n   archlint: 1\n   name: t\n"
                                 "   components:\n     api:\n       kind: service\n      tech: go\n   ```\n",
                       name="rfc.md")
    # Line 11 of the file; the block is indented 3, and 'tech' 3 more.
    assert (finding.code, finding.line, finding.column) == ("INP002", 11, 7)
    assert finding.message.startswith("wrong indentation: this line is indented 3 spaces")
