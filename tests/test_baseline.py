"""Baselines: record today's findings; later runs report only new ones, whatever lines
were inserted above them, and name the entries that no longer match."""

import datetime as dt
import json

import pytest

from archlint.catalog import load_catalog
from archlint.input.discover import display_name
from archlint.run import baseline, fingerprints
from archlint.run.engine import Selection
from archlint.run.pipeline import run_check
from archlint.run.settings import FileSettings

SELECT = "RES001,DOC005"
DESIGN = """\
archlint: 1
name: shop
components:
  api:
    kind: service
    replicas: 2
    calls:
      db: {circuit_breaker: true}
      users: {timeout: 50ms, circuit_breaker: true}
  users: {kind: service, replicas: 2}
  db: {tech: postgres, replicas: 2}
decisions:
  - {topic: store, choice: postgres}
"""
# The same design, re-indented, with comments, a new key and a new first decision above
# both findings: RES001 moves from line 8 to 14, DOC005 from decisions[0] to decisions[1].
MOVED = """\
# Checkout system, reviewed 2026-01.
archlint: 1
name: shop
description: the shop's backend
components:
    # The public API.
    api:
        kind: service
        replicas: 2
        calls:
            # Reads and writes orders.
            db: {circuit_breaker: true}
            users: {timeout: 50ms, circuit_breaker: true}
    users: {kind: service, replicas: 2}
    db: {tech: postgres, replicas: 2}
decisions:
  - {topic: api, choice: rest, why: simple clients, tradeoffs: chattier than rpc}
  - {topic: store, choice: postgres}
"""


def _check(*paths):
    """The check pipeline with RES001 and DOC005 selected, as `archlint check --select` runs it."""
    settings = FileSettings(selection=Selection(select=tuple(SELECT.split(","))), today=dt.date(2026, 1, 1))
    return run_check([(str(p), display_name(str(p))) for p in paths], lambda path: settings, load_catalog())


def _found(result):
    return [(f.code, f.path_text, f.line) for f in result.findings]


@pytest.fixture
def recorded(tmp_path, cli):
    """A design and its baseline, recorded with the command."""
    design = tmp_path / "shop.arch.yaml"
    design.write_text(DESIGN)
    target = tmp_path / "baseline.json"
    result = cli("baseline", "--select", SELECT, "-o", str(target), str(design))
    assert result.exit_code == 0, result.output
    assert result.output == f"Recorded 2 findings of 1 file (1 design) in {target}.\n"
    return design, target


def test_recorded_findings_are_not_reported_again(recorded):
    design, target = recorded
    before = _check(design)
    assert _found(before) == [("RES001", "components.api.calls.db", 8), ("DOC005", "decisions[0]", 13)]
    after, messages = baseline.apply_file(before, str(target))
    assert after.findings == [] and messages == []
    assert not after.fails() and after.files[0].designs  # the file is still counted


def test_a_new_finding_is_still_reported(recorded):
    design, target = recorded
    design.write_text(DESIGN.replace("users: {timeout: 50ms, circuit_breaker: true}", "users: {circuit_breaker: true}"))
    after, messages = baseline.apply_file(_check(design), str(target))
    assert _found(after) == [("RES001", "components.api.calls.users", 9)]
    assert messages == []


def test_inserted_lines_and_reindenting_keep_findings_baselined(recorded):
    design, target = recorded
    design.write_text(MOVED)
    before = _check(design)
    assert _found(before) == [("RES001", "components.api.calls.db", 12), ("DOC005", "decisions[1]", 18)]
    after, messages = baseline.apply_file(before, str(target))
    assert after.findings == [] and messages == []


def test_an_edited_node_comes_back_and_its_old_entry_is_stale(recorded):
    design, target = recorded
    design.write_text(DESIGN.replace("db: {circuit_breaker: true}", "db: {circuit_breaker: true, idempotent: true}"))
    after, stale = baseline.apply(_check(design), baseline.load(str(target)), root=str(target.parent))
    assert _found(after) == [("RES001", "components.api.calls.db", 8)]
    assert [(entry.file, entry.code, entry.path) for entry in stale] == [
        ("shop.arch.yaml", "RES001", "components.api.calls.db")
    ]


def test_an_entry_that_matches_nothing_is_reported_as_stale(recorded):
    design, target = recorded
    design.write_text(DESIGN.replace("db: {circuit_breaker: true}", "db: {timeout: 40ms, circuit_breaker: true}"))
    after, messages = baseline.apply_file(_check(design), str(target))
    assert after.findings == []
    assert messages == [
        f"archlint: {target}: shop.arch.yaml: RES001 at components.api.calls.db no longer matches a finding "
        f"(fixed, or its node changed)",
        f"archlint: run `archlint baseline ... -o {target}` again to drop it",
    ]


def test_each_entry_accepts_one_finding(tmp_path):
    """Two designs in one Markdown file with the same finding: one entry covers one."""
    block = "```archlint\n" + DESIGN + "```\n"
    rfc = tmp_path / "rfc.md"
    rfc.write_text("# Option A\n\n" + block)
    document = baseline.record(_check(rfc), root=str(tmp_path))
    rfc.write_text("# Option A\n\n" + block + "\n# Option B\n\n" + block)
    after, stale = baseline.apply(_check(rfc), document, root=str(tmp_path))
    assert [(f.code, f.block, f.line) for f in after.findings] == [("RES001", 1, 29), ("DOC005", 1, 34)]
    assert stale == []


def test_the_baseline_works_from_another_working_directory(recorded, monkeypatch):
    design, target = recorded
    monkeypatch.chdir(design.parent.parent)
    relative = f"{design.parent.name}/{target.name}"
    after, messages = baseline.apply_file(_check(f"{design.parent.name}/{design.name}"), relative)
    assert after.findings == [] and messages == []


def test_output_is_deterministic_and_readable(tmp_path, cli):
    first, second = tmp_path / "b.arch.yaml", tmp_path / "a.arch.yaml"
    first.write_text(DESIGN)
    second.write_text(MOVED)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert cli("baseline", "--select", SELECT, "-o", str(one), str(first), str(second)).exit_code == 0
    assert cli("baseline", "--select", SELECT, "-o", str(two), str(second), str(first)).exit_code == 0
    text = one.read_text()
    assert text == two.read_text()
    lines = text.splitlines()
    # One finding per line, sorted by file, path and code; the digest does not depend on
    # where the node is, so both files carry the same hashes.
    assert lines[:3] == ["{", '  "version": 1,', '  "findings": [']
    assert lines[-2:] == ["  ]", "}"]
    entries = [json.loads(line.strip().rstrip(",")) for line in lines[3:-2]]
    assert [(e["file"], e["code"], e["path"]) for e in entries] == [
        ("a.arch.yaml", "RES001", "components.api.calls.db"),
        ("a.arch.yaml", "DOC005", "decisions[1]"),
        ("b.arch.yaml", "RES001", "components.api.calls.db"),
        ("b.arch.yaml", "DOC005", "decisions[0]"),
    ]
    assert entries[2] == {
        "file": "b.arch.yaml", "code": "RES001", "path": "components.api.calls.db",
        "hash": "9a1d72508d1f4277",  # fixed: a change here invalidates every user's baseline
        "message": "call api -> db has no timeout",
    }
    assert [e["hash"] for e in entries[:2]] == [e["hash"] for e in entries[2:]]
    assert json.loads(text)["version"] == 1


def test_root_findings_are_keyed_by_code_and_path(tmp_path):
    assert fingerprints.node_digest({"archlint": 1}, ()) == fingerprints.node_digest({"name": "other"}, ())
    assert fingerprints.node_digest({"a": {"b": 1}}, ("a",)) != fingerprints.node_digest({"a": {"b": 2}}, ("a",))
    # Nested maps count by name only: their content has paths and findings of its own.
    one, two = {"a": {"b": {"c": 1}}}, {"a": {"b": {"c": 2}}}
    assert fingerprints.node_digest(one, ("a",)) == fingerprints.node_digest(two, ("a",))


def test_rerecording_reports_what_changed(recorded, cli):
    design, target = recorded
    design.write_text(
        DESIGN.replace("db: {circuit_breaker: true}", "db: {timeout: 40ms, circuit_breaker: true}")
        .replace("users: {timeout: 50ms, circuit_breaker: true}", "users: {circuit_breaker: true}")
    )
    result = cli("baseline", "--select", SELECT, "-o", str(target), str(design))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Recorded 2 findings of 1 file (1 design) in {target}: 1 new, 1 no longer found.",
        "  no longer found: shop.arch.yaml: RES001 at components.api.calls.db",
    ]
    assert [e["path"] for e in json.loads(target.read_text())["findings"]] == [
        "components.api.calls.users", "decisions[0]",
    ]


def test_input_problems_are_not_recorded(tmp_path, cli):
    broken = tmp_path / "broken.arch.yaml"
    broken.write_text("archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -3}\n")
    target = tmp_path / "baseline.json"
    result = cli("baseline", "-o", str(target), str(broken))
    assert result.exit_code == 1
    assert f"Recorded 0 findings of 1 file (1 design) in {target}." in result.output
    assert "archlint: 1 finding not recorded: input problems and internal errors cannot be baselined" in result.output
    assert "broken.arch.yaml:4:24: INP011 error invalid-value" in result.output
    assert json.loads(target.read_text()) == {"version": 1, "findings": []}


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "baseline '{path}' does not exist; create it with `archlint baseline PATH... -o {path}`"),
        ("{not json", "baseline '{path}' is not valid JSON: Expecting property name enclosed in double quotes "
                      "at line 1 column 2"),
        ("[1, 2]", "'{path}' is not an archlint baseline: expected an object with \"version\": 1 and a "
                   "\"findings\" list, as written by `archlint baseline`"),
        ('{"version": 9, "findings": []}', "baseline '{path}' has version 9; this archlint reads version 1 "
                                           "(record it again with `archlint baseline`)"),
        ('{"version": 1, "findings": [{"file": "a"}]}', "baseline '{path}': findings[0] must be an object with "
                                                        "the text fields file, code, path, hash (and an optional "
                                                        "message)"),
    ],
)
def test_a_bad_baseline_file_is_named_with_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(baseline.BaselineError) as error:
        baseline.load(str(path))
    assert str(error.value) == message.format(path=path)


def test_a_file_that_is_not_a_baseline_is_not_overwritten(tmp_path):
    from conftest import run_process

    design = tmp_path / "shop.arch.yaml"
    design.write_text(DESIGN)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    result = run_process("baseline", "-o", str(notes), str(design))
    assert result.returncode == 2
    assert (
        f"Error: baseline '{notes}' is not valid JSON: Expecting value at line 1 column 1; not overwriting it "
        f"(delete it, or choose another file with -o)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert notes.read_text() == "my notes\n"


def test_unknown_selector_is_a_usage_error(tmp_path):
    from conftest import run_process

    design = tmp_path / "shop.arch.yaml"
    design.write_text(DESIGN)
    result = run_process("baseline", "--select", "RES0001", "-o", str(tmp_path / "b.json"), str(design))
    assert result.returncode == 2 and "'RES0001' is not a rule code or prefix" in result.stderr
    assert not (tmp_path / "b.json").exists()


def test_check_baseline_flag_end_to_end(tmp_path):
    from conftest import EXAMPLES, run_process

    design = tmp_path / "shop.arch.yaml"
    design.write_text((EXAMPLES / "naive-shop.arch.yaml").read_text())
    recorded = tmp_path / "baseline.json"
    assert run_process("baseline", str(design), "-o", str(recorded)).returncode == 0
    clean = run_process("check", "--baseline", str(recorded), str(design))
    assert clean.returncode == 0 and "No problems found" in clean.stdout
    # Lines inserted above the findings: still accepted.
    design.write_text("# a new comment\n# and another\n" + design.read_text())
    assert run_process("check", "--baseline", str(recorded), str(design)).returncode == 0
    # A new problem is reported; a fixed one is named as stale on stderr.
    text = design.read_text().replace("    tech: nginx\n", "    tech: nginx\n    replicas: -1\n")
    design.write_text(text.replace("  retention: 3y\n", "  retention: 3y\n  bogus: 1\n"))
    broken = run_process("check", "--baseline", str(recorded), str(design))
    assert broken.returncode == 1 and "INP0" in broken.stdout
    bad = run_process("check", "--baseline", str(tmp_path / "missing.json"), str(design))
    assert bad.returncode == 2 and "does not exist" in bad.stderr


# --- only what was checked ------------------------------------------------------------------


@pytest.fixture
def two_files(tmp_path, cli):
    """shop.arch.yaml and other.arch.yaml (the same design), 2 entries each, in one baseline."""
    for name in ("shop.arch.yaml", "other.arch.yaml"):
        (tmp_path / name).write_text(DESIGN)
    target = tmp_path / "baseline.json"
    result = cli("baseline", "--select", SELECT, "-o", str(target), str(tmp_path / "shop.arch.yaml"),
                 str(tmp_path / "other.arch.yaml"))
    assert result.output == f"Recorded 4 findings of 2 files (2 designs) in {target}.\n"
    return tmp_path, target


def test_entries_of_files_not_checked_are_not_stale(two_files):
    folder, target = two_files
    # As pre-commit runs it: only the staged file is checked.
    after, messages = baseline.apply_file(_check(folder / "shop.arch.yaml"), str(target))
    assert after.findings == [] and messages == []
    # A fix in the checked file still makes its entry stale, and only that one.
    (folder / "shop.arch.yaml").write_text(DESIGN.replace("db: {circuit_breaker: true}",
                                                          "db: {timeout: 40ms, circuit_breaker: true}"))
    after, stale = baseline.apply(_check(folder / "shop.arch.yaml"), baseline.load(str(target)), root=str(folder))
    assert [(entry.file, entry.code) for entry in stale] == [("shop.arch.yaml", "RES001")]


def test_recording_one_file_keeps_the_entries_of_the_others(two_files, cli):
    folder, target = two_files
    result = cli("baseline", "--select", SELECT, "-o", str(target), str(folder / "shop.arch.yaml"))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Recorded 2 findings of 1 file (1 design) in {target}: 0 new, 0 no longer found.",
        "Kept 2 entries of 1 file not checked in this run.",
    ]
    assert sorted(e["file"] for e in json.loads(target.read_text())["findings"]) == [
        "other.arch.yaml", "other.arch.yaml", "shop.arch.yaml", "shop.arch.yaml"]


def test_prune_drops_the_entries_of_files_that_no_longer_exist(two_files, cli):
    folder, target = two_files
    (folder / "other.arch.yaml").unlink()
    result = cli("baseline", "--prune", "-o", str(target))
    assert result.exit_code == 0
    assert result.output == "Pruned 2 entries of 1 file that no longer exist: other.arch.yaml.\n"
    assert [e["file"] for e in json.loads(target.read_text())["findings"]] == ["shop.arch.yaml"] * 2
    again = cli("baseline", "--prune", "-o", str(target))
    assert again.output == f"Nothing to prune: every file named in {target} exists.\n"
    assert cli("baseline", "-o", str(target)).exit_code == 2  # neither PATHS nor --prune
    assert cli("baseline", "--prune", "-o", str(folder / "missing.json")).exit_code == 2


def test_baseline_counts_sketches_apart(tmp_path, cli):
    from conftest import EXAMPLES

    result = cli("baseline", "-o", str(tmp_path / "b.json"), str(EXAMPLES / "rfc-order-service.md"))
    assert result.output == f"Recorded 0 findings of 1 file (1 design, 1 sketch) in {tmp_path / 'b.json'}.\n"


def test_check_says_how_many_findings_the_baseline_accepted(two_files, cli):
    folder, target = two_files
    shop = str(folder / "shop.arch.yaml")
    # The baseline holds 2 entries for shop: both match, nothing new is left.
    text = cli("check", "--select", SELECT, "--baseline", str(target), shop)
    assert text.exit_code == 0
    assert text.output.endswith("No problems found in 1 file (1 design); 2 findings accepted by the baseline.\n")
    report = json.loads(cli("check", "--select", SELECT, "--baseline", str(target), "--format", "json", shop).output)
    assert report["summary"]["baselined"] == 2
    # Without --baseline the summary has no such count: nothing was hidden.
    plain = json.loads(cli("check", "--select", SELECT, "--format", "json", shop).output)
    assert "baselined" not in plain["summary"]
