"""Custom rules cannot hang a run or corrupt a report: conditions are type-checked when
the pack loads (with the pack's line and column), literals are built once per rule,
evaluation has a budget per rule per design, and a plugin's output that is not a
finding of its own rule is one ENG001 naming it while its good findings stay."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from conftest import run_process

from archlint.analysis.terms import Terms
from archlint.catalog import load_catalog
from archlint.custom import packs
from archlint.custom.expr import _Parser
from archlint.custom.fields import resolver
from archlint.findings import Finding
from archlint.rules.metadata import RuleMeta
from archlint.run.engine import RuleRun, Selection, run_rules
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

# Five components without an owner: a rule `owner == null` finds each one.
DESIGN = ("archlint: 1\nname: five\ncomponents:\n"
          + "".join(f"  c{n}: {{kind: service}}\n" for n in range(5)))


def pack_text(condition: str) -> str:
    return ("- code: ORG001\n  name: no-owner\n  severity: warning\n  summary: Every component is owned.\n"
            "  select: {components: {}}\n"
            f"  condition: '{condition}'\n"
            "  message: '{id} has no owner'\n")


def project(tmp_path, condition: str):
    (tmp_path / "org.yaml").write_text(pack_text(condition))
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [org.yaml]\n")
    (tmp_path / "d.arch.yaml").write_text(DESIGN)


@pytest.mark.parametrize("condition, column, message", [
    ("security > 3", 10, "'>' orders numbers or texts, not a map"),
    ("security == 3", 10, "'==' compares a map with a number, which are never equal"),
    ("owner < 3", 7, "'<' compares a text with a number"),
    ("replicas + owner > 1", 10, "'+' works on numbers, not on a text"),
    ("replicas in 3", 10, "'in' looks inside a list, a map or a text, not inside a number"),
    ("data == 3", 6, "'==' compares a list with a number, which are never equal"),
])
def test_a_type_error_in_a_condition_is_found_when_the_pack_loads(tmp_path, condition, column, message):
    project(tmp_path, condition)
    result = run_process("check", "d.arch.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert f"org.yaml:6:3: condition: {message} (at character {column} of '{condition}')" in result.stderr


@pytest.mark.parametrize("condition", ["owner == null", "replicas > 2 and owner == 'x'", "backups == null",
                                       "kind in ['service', 'worker']", "utilisation > 80%", "'pii' in data"])
def test_well_typed_conditions_still_load(condition):
    packs._compile_rule({"select": {"components": {}}, "condition": condition, "message": "m"}, 0,
                        lambda at: "pack.yaml:1:1")


def test_a_list_literal_is_built_once_per_rule():
    getter = _Parser("['service', 'worker']", resolver("components")).parse()
    assert getter(None) is getter(None) == ["service", "worker"]


def test_a_rule_past_its_evaluation_budget_is_eng001_naming_it(cli, tmp_path, monkeypatch):
    # 'owner == null' is 3 tokens: 3 steps per component. A budget of 10 steps takes
    # c0, c1 and c2 (9 steps); c3 would make 12, so the rule stops after 3 items.
    project(tmp_path, "owner == null")
    monkeypatch.setattr(packs, "EVALUATION_BUDGET", 10)
    monkeypatch.chdir(tmp_path)
    result = cli("check", "d.arch.yaml", "--select", "ORG001", "--format", "json")
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["message"]) for f in findings] == [
        ("ENG001", "rule ORG001 (no-owner) stopped after 3 items: evaluating its condition on this design takes "
                   "more than its budget of 10 steps (one step per token of the condition, per item)"),
        ("ORG001", "c0 has no owner"), ("ORG001", "c1 has no owner"), ("ORG001", "c2 has no owner"),
    ]


def test_the_default_budget_covers_a_large_condition_on_a_large_design():
    assert packs.EVALUATION_BUDGET >= 499 * 20_000


def _terms(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(DESIGN)
    design = check_file(str(path), "d.arch.yaml", FileSettings(run_rules=False), load_catalog()).designs[0]
    return Terms(design.design, design.graph, load_catalog())


def _meta(code: str) -> RuleMeta:
    from archlint.rules.metadata import meta_from_entry

    return meta_from_entry({"code": code, "name": f"rule-{code.lower()}", "severity": "warning", "summary": "s"},
                           pack="plugin team")


@pytest.mark.parametrize("bad, shown", [
    ("not a finding", "str 'not a finding', which is not a finding"),
    (None, "NoneType None, which is not a finding"),
    (Finding("PLG001", "warning", "m", ({"a": 1},)), "a finding with the path ({'a': 1},), which is not a YAML path"),
    (Finding("PLG001", "warning", "m", "components.c0"), "a finding with the path 'components.c0', which is not a "
                                                         "YAML path"),
    (Finding("ARC001", "warning", "m", ()), "a finding with the code 'ARC001', not its own"),
    (Finding("PLG001", "fatal", "m", ()), "a finding with the severity 'fatal'"),
])
def test_a_plugin_yielding_something_that_is_not_its_finding_is_eng001(tmp_path, bad, shown):
    def plg001(context):
        yield context.finding(("components", "c0"), "good one")
        yield bad
        yield context.finding(("components", "c1"), "good two")

    def plg002(context):
        yield context.finding(("components", "c2"), "other rule")

    metas = {"PLG001": _meta("PLG001"), "PLG002": _meta("PLG002")}
    run = RuleRun(terms=_terms(tmp_path), metas=metas, checks={"PLG001": plg001, "PLG002": plg002},
                  selection=Selection(), today=dt.date(2027, 1, 1))
    findings = run_rules(run)
    assert sorted((f.code, f.message) for f in findings if f.code != "ENG001") == [
        ("PLG001", "good one"), ("PLG001", "good two"), ("PLG002", "other rule")]
    (crash,) = [f for f in findings if f.code == "ENG001"]
    assert crash.message.startswith(f"rule PLG001 (rule-plg001) produced {shown}")
    assert crash.message.endswith("its other findings are reported")


def test_a_plugin_with_a_bad_path_exits_3_and_reports_its_good_findings(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad_plugin.py").write_text(
        "RULES = [{'code': 'PLG001', 'name': 'bad-paths', 'severity': 'info', 'summary': 'Bad paths.'}]\n"
        "def check(context):\n"
        "    yield context.finding(('components', 'c0'), 'fine')\n"
        "    yield context.finding([{'not': 'a path'}], 'bad')\n"
        "CHECKS = {'PLG001': check}\n")
    info = site / "bad_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad_plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[archlint.rules]\nbad_plugin = bad_plugin\n")
    (tmp_path / "d.arch.yaml").write_text(DESIGN)
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    result = run_process("check", "d.arch.yaml", "--select", "PLG", "--format", "json", cwd=tmp_path,
                         env={"PYTHONPATH": path})
    assert result.returncode == 3, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["ENG001", "PLG001"]
    assert findings[1]["message"] == "fine" and "not a YAML path" in findings[0]["message"]
