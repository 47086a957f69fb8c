"""lint.ignore: reasons, expiry dates, component scope, and the findings about suppressions."""

import datetime as dt

from conftest import codes_at

from archlint.catalog import load_catalog
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

BASE = """\
archlint: 1
name: s
components:
  web: {kind: client, calls: [api, admin]}
  api:
    kind: service
    replicas: 2
  admin:
    kind: service
    replicas: 2
"""


def run(tmp_path, text, select=("OBS001", "AVL005"), today=dt.date(2027, 1, 15)):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    settings = FileSettings(selection=Selection(select=select), today=today)
    return check_file(str(path), "d.arch.yaml", settings, load_catalog()).findings


def test_unsuppressed_baseline(tmp_path):
    assert codes_at(run(tmp_path, BASE)) == [("OBS001", 1, 1), ("AVL005", 5, 3), ("AVL005", 8, 3)]


def test_file_level_suppression(tmp_path):
    text = BASE + "lint:\n  ignore:\n    OBS001: observability is the platform team's\n"
    assert [f.code for f in run(tmp_path, text)] == ["AVL005", "AVL005"]


def test_component_level_suppression_covers_only_that_component(tmp_path):
    text = BASE.replace(
        "  admin:\n    kind: service\n", "  admin:\n    kind: service\n    lint: {ignore: {AVL005: internal tool}}\n"
    )
    assert codes_at(run(tmp_path, text)) == [("OBS001", 1, 1), ("AVL005", 5, 3)]


def test_unused_suppression_is_reported(tmp_path):
    text = BASE + "observability: {metrics: true, logs: true, alerting: true}\nlint:\n  ignore:\n    OBS001: old\n"
    findings = run(tmp_path, text)
    (unused,) = [f for f in findings if f.code == "LNT001"]
    assert (unused.line, unused.column, unused.severity) == (14, 5, "warning")
    assert "OBS001" in unused.message


def test_suppression_of_a_rule_that_did_not_run_is_not_judged(tmp_path):
    text = BASE + "lint:\n  ignore:\n    RES001: calls are in-process\n"
    assert "LNT001" not in [f.code for f in run(tmp_path, text)]


def test_expired_suppression_stops_suppressing_and_says_so(tmp_path):
    text = BASE + "lint:\n  ignore:\n    OBS001: {reason: added in Q1, until: 2027-01-14}\n"
    findings = run(tmp_path, text)
    assert ("OBS001", 1, 1) in codes_at(findings)
    (expired,) = [f for f in findings if f.code == "LNT002"]
    assert expired.line == 13 and "expired on 2027-01-14" in expired.message


def test_until_is_inclusive(tmp_path):
    text = BASE + "lint:\n  ignore:\n    OBS001: {reason: added in Q1, until: 2027-01-15}\n"
    assert "OBS001" not in [f.code for f in run(tmp_path, text)]


def test_unknown_code_and_missing_reason(tmp_path):
    text = BASE + "lint:\n  ignore:\n    XYZ999: nothing\n"
    assert ("INP030", 13, 5) in codes_at(run(tmp_path, text))
    text = BASE + "lint:\n  ignore:\n    OBS001: {until: 2027-01-15}\n"
    assert [f.code for f in run(tmp_path, text)] == ["INP030"]


def test_today_comes_from_source_date_epoch(tmp_path):
    from conftest import run_process

    path = tmp_path / "d.arch.yaml"
    path.write_text(BASE + "lint:\n  ignore:\n    OBS001: {reason: x, until: 2027-01-14}\n")
    later = str(int(dt.datetime(2027, 1, 15, tzinfo=dt.timezone.utc).timestamp()))
    earlier = str(int(dt.datetime(2027, 1, 14, tzinfo=dt.timezone.utc).timestamp()))
    assert "LNT002" in run_process("check", "--select", "OBS001", str(path), env={"SOURCE_DATE_EPOCH": later}).stdout
    assert "LNT002" not in run_process("check", "--select", "OBS001", str(path),
                                       env={"SOURCE_DATE_EPOCH": earlier}).stdout
    assert "LNT002" in run_process("check", "--select", "OBS001", "--today", "2030-01-01", str(path),
                                   env={"SOURCE_DATE_EPOCH": earlier}).stdout


# --- accepted risks stay visible -----------------------------------------------------------

ACCEPTED = BASE.replace(
    "  admin:\n    kind: service\n",
    "  admin:\n    kind: service\n    lint: {ignore: {AVL005: {reason: internal tool, until: 2027-03-31}}}\n",
) + "lint:\n  ignore:\n    OBS001: observability is the platform team's\n"
ARGS = ("--select", "OBS001,AVL005", "--today", "2027-01-15")


def test_suppressed_findings_are_listed_in_json_with_reason_and_expiry(tmp_path, cli):
    import json

    (tmp_path / "d.arch.yaml").write_text(ACCEPTED)
    document = json.loads(cli("check", *ARGS, "--format", "json", str(tmp_path / "d.arch.yaml")).stdout)
    assert [(f["code"], f["line"]) for f in document["findings"]] == [("AVL005", 5)]
    assert [(f["code"], f["line"], f["column"], f["reason"], f["until"], f["suppressed_at"])
            for f in document["suppressed"]] == [
        ("OBS001", 1, 1, "observability is the platform team's", None, "lint.ignore.OBS001"),
        ("AVL005", 8, 3, "internal tool", "2027-03-31", "components.admin.lint.ignore.AVL005"),
    ]
    assert document["summary"]["warning"] == 1  # accepted findings are not counted


def test_suppressed_findings_are_sarif_results_with_a_justification(tmp_path, cli):
    import json

    (tmp_path / "d.arch.yaml").write_text(ACCEPTED)
    log = json.loads(cli("check", *ARGS, "--format", "sarif", str(tmp_path / "d.arch.yaml")).stdout)
    results = log["runs"][0]["results"]
    accepted = {entry["ruleId"]: entry["suppressions"] for entry in results if "suppressions" in entry}
    assert accepted == {
        "OBS001": [{"kind": "inSource", "status": "accepted", "justification": "observability is the platform team's"}],
        "AVL005": [{"kind": "inSource", "status": "accepted", "justification": "internal tool (until 2027-03-31)"}],
    }
    assert len(results) == 3 and len({entry["partialFingerprints"]["archlint/v1"] for entry in results}) == 3


def test_text_shows_suppressed_findings_only_when_asked(tmp_path, cli):
    path = str(tmp_path / "d.arch.yaml")
    (tmp_path / "d.arch.yaml").write_text(ACCEPTED)
    plain = cli("check", *ARGS, path)
    assert "accepted" not in plain.stdout.lower() and plain.exit_code == 0
    shown = cli("check", *ARGS, "--show-suppressed", path).stdout.splitlines()
    start = shown.index("Accepted by the design (lint.ignore), not counted: 2 findings")
    assert shown[start + 1].startswith(f"{path}:1:1: OBS001 warning observability-missing: ")
    assert "  accepted: observability is the platform team's (lint.ignore.OBS001)" in shown
    assert "  accepted: internal tool (components.admin.lint.ignore.AVL005, until 2027-03-31)" in shown
    assert shown[-1] == "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file (1 design)."


def test_an_expired_suppression_is_a_finding_not_an_accepted_risk(tmp_path, cli):
    import json

    (tmp_path / "d.arch.yaml").write_text(ACCEPTED)
    late = ("--select", "OBS001,AVL005", "--today", "2027-04-01")
    document = json.loads(cli("check", *late, "--format", "json", str(tmp_path / "d.arch.yaml")).stdout)
    assert [f["code"] for f in document["suppressed"]] == ["OBS001"]
    assert sorted(f["code"] for f in document["findings"]) == ["AVL005", "AVL005", "LNT002"]
