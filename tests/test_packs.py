"""Custom rule packs: the example pack's rules fire exactly where its bad fixture marks
them and nowhere in its good one; configuration loads packs; bad packs are usage errors
with file:line:col; custom rules reach every listing and report format."""

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, expected_findings, run_process

from archlint.catalog import load_catalog
from archlint.custom.packs import PackError, load_pack, load_packs
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

PACKS = EXAMPLES / "rule-packs"
PACK = str(PACKS / "org-standards.yaml")
CODES = ("ORG001", "ORG002", "ORG003", "ORG004", "ORG005")


def _check(path: Path, packs=(PACK,)):
    settings = FileSettings(selection=Selection(select=("ORG",)), rule_packs=tuple(packs))
    return check_file(str(path), path.name, settings, load_catalog()).findings


@pytest.mark.parametrize("path", sorted(PACKS.glob("bad*.arch.yaml")), ids=lambda p: p.name)
def test_bad_fixture_has_exactly_the_marked_findings(path):
    findings = _check(path)
    assert not [f for f in findings if f.code.startswith("INP")]
    assert {(f.code, f.line, f.column) for f in findings} == expected_findings(path.read_text())


def test_bad_fixtures_cover_every_rule_of_the_pack():
    marked = {code for path in PACKS.glob("bad*.arch.yaml") for code, _, _ in expected_findings(path.read_text())}
    assert marked == set(CODES) == set(load_pack(PACK).metas)


@pytest.mark.parametrize("path", sorted(PACKS.glob("good*.arch.yaml")), ids=lambda p: p.name)
def test_good_fixture_stays_clean(path):
    assert _check(path) == []


def test_messages_and_hints_fill_in_the_item_fields():
    findings = {(f.code, f.line): f for f in _check(PACKS / "bad.arch.yaml")}
    queue = findings[("ORG003", 26)]
    assert queue.message == "queue jobs lacks a dead-letter queue or a max_depth (dlq: jobs-dlq, max_depth: none)"
    assert queue.hint == "set components.jobs.queue.dlq and components.jobs.queue.max_depth"
    assert findings[("ORG005", 16)].message == "the call from orders to billing states no timeout"
    assert findings[("ORG001", 13)].path_text == "components.orders"


def _write_pack(tmp_path: Path, text: str, name: str = "pack.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


RULE = """\
- code: {code}
  name: {name}
  severity: warning
  summary: A rule.
  select: {select}
  condition: {condition}
  message: '{message}'
"""


def _rule(code="ABC001", name="a-rule", select="{components: {}}", condition="'owner == null'",
          message="{id} is bad"):
    return RULE.format(code=code, name=name, select=select, condition=condition, message=message)


def _pack_error(tmp_path: Path, text: str) -> str:
    load_pack.cache_clear()
    with pytest.raises(PackError) as raised:
        load_pack(_write_pack(tmp_path, text))
    return str(raised.value)


def test_a_schema_error_is_positioned(tmp_path):
    message = _pack_error(tmp_path, _rule() + "  severity_level: high\n")
    assert message.startswith(f"{tmp_path / 'pack.yaml'}:8:3: [0].severity_level: Additional properties are not "
                              f"allowed ('severity_level' was unexpected); accepted: code, name, severity,")


def test_a_bad_code_says_what_a_code_looks_like(tmp_path):
    message = _pack_error(tmp_path, _rule() + _rule(code="TEAM001"))
    assert message == (f"{tmp_path / 'pack.yaml'}:8:3: [1].code: 'TEAM001' is not a rule code: write three capital "
                       f"letters and three digits, e.g. ORG001")


def test_a_bad_selector_is_positioned(tmp_path):
    message = _pack_error(tmp_path, _rule(select="{components: {colour: red}}"))
    assert message == (f"{tmp_path / 'pack.yaml'}:5:25: [0].select.components.colour: Additional properties are "
                       f"not allowed ('colour' was unexpected); accepted: kind, tech, data")


def test_an_unknown_field_in_a_condition_is_positioned_and_lists_the_known_ones(tmp_path):
    message = _pack_error(tmp_path, _rule(condition="'ownr == null'"))
    assert message.startswith(f"{tmp_path / 'pack.yaml'}:6:3: condition: 'ownr' is not a field of components "
                              f"(known: autoscaling, availability,")
    assert message.endswith("(at character 1 of 'ownr == null')")


@pytest.mark.parametrize("condition, refusal", [
    ("owner.__class__ == null", "'__class__' is not allowed: names starting with '_' reach no field"),
    ("__import__ == null", "'__import__' is not allowed: names starting with '_' reach no field"),
    ("owner.upper() == 'X'", "calls are not allowed in conditions: compare fields and values instead"),
    ("len(data) > 2", "calls are not allowed in conditions: compare fields and values instead"),
    ("kind == 'service'; import os", "unexpected character ';'"),
])
def test_conditions_cannot_reach_python(tmp_path, condition, refusal):
    assert refusal in _pack_error(tmp_path, _rule(condition=json.dumps(condition)))


def test_a_message_placeholder_must_be_a_field(tmp_path):
    message = _pack_error(tmp_path, _rule(message="{id.__class__} is bad"))
    assert message == (f"{tmp_path / 'pack.yaml'}:7:3: message: {{id.__class__}}: 'id.__class__' is not a "
                       f"field path")


def test_a_code_of_a_builtin_rule_is_an_error(tmp_path):
    load_packs.cache_clear()
    path = _write_pack(tmp_path, _rule(code="SEC001"))
    with pytest.raises(PackError, match=r":1:3: SEC001 is already a built-in rule; pick another code$"):
        load_packs((path,))


def test_a_code_defined_by_two_packs_is_an_error(tmp_path):
    load_packs.cache_clear()
    first = _write_pack(tmp_path, _rule(), "first.yaml")
    second = _write_pack(tmp_path, _rule(name="other"), "second.yaml")
    with pytest.raises(PackError) as raised:
        load_packs((first, second))
    assert str(raised.value) == f"{second}:1:3: ABC001 is already a rule of {first}; pick another code"


def test_reserved_prefixes_are_refused(tmp_path):
    assert "codes starting with INP, LNT, ENG are reserved" in _pack_error(tmp_path, _rule(code="ENG900"))


# --- through the command line (a new process each: the registry of rules is per run) ---

def _project(tmp_path: Path) -> Path:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "org.yaml").write_text((PACKS / "org-standards.yaml").read_text())
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [packs/org.yaml]\nignore: [ORG005]\n")
    (tmp_path / "design.arch.yaml").write_text((PACKS / "bad.arch.yaml").read_text())
    return tmp_path


def test_check_runs_the_configured_packs(tmp_path):
    project = _project(tmp_path)
    done = run_process("check", "design.arch.yaml", "--select", "ORG", "--format", "json", cwd=project)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    findings = json.loads(done.stdout)["findings"] if isinstance(json.loads(done.stdout), dict) else json.loads(
        done.stdout)
    assert sorted({f["code"] for f in findings}) == ["ORG001", "ORG002", "ORG003", "ORG004"]  # ORG005 ignored
    assert {f["name"] for f in findings if f["code"] == "ORG002"} == {"payments-on-mongodb"}


def test_sarif_describes_custom_rules(tmp_path):
    project = _project(tmp_path)
    done = run_process("check", "design.arch.yaml", "--select", "ORG", "--format", "sarif", cwd=project)
    rules = {rule["id"]: rule for rule in json.loads(done.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ORG001"]["name"] == "service-without-owner"
    assert rules["ORG001"]["shortDescription"]["text"] == "Every service and worker is owned by a team."
    assert rules["ORG001"]["help"]["markdown"].startswith("# ORG001 service-without-owner")


def test_rules_and_explain_list_custom_rules(tmp_path):
    project = _project(tmp_path)
    listing = run_process("rules", cwd=project)
    assert listing.returncode == 0, listing.stderr
    assert "ORG003  queue-without-limits" in listing.stdout
    assert "SEC001  public-without-tls" in listing.stdout
    page = run_process("explain", "org002", cwd=project)
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("# ORG002 payments-on-mongodb\n\n**error** · area ORG (custom, from org.yaml)\n")


def test_a_bad_pack_is_a_usage_error(tmp_path):
    project = _project(tmp_path)
    (project / "packs" / "org.yaml").write_text(_rule(condition="'owner = null'"))
    done = run_process("check", "design.arch.yaml", cwd=project)
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        f"{project / 'packs' / 'org.yaml'}:6:3: condition: '=' is not an operator: compare with '==' "
        "(at character 7 of 'owner = null')\n"
    ) in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_pack_is_a_usage_error(tmp_path):
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [nowhere.yaml]\n")
    (tmp_path / "design.arch.yaml").write_text((PACKS / "good.arch.yaml").read_text())
    done = run_process("check", "design.arch.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "rule-packs: 'nowhere.yaml' is not a file" in done.stderr


FIGURES_DESIGN = """\
archlint: 1
name: figures
components:
  web:
    kind: client
    calls: [api]
  api:
    kind: service
    replicas: 2
    capacity: 100/s
    calls: [db]
  db:
    kind: database
    tech: postgresql
flows:
  browse:
    rate: 300/s
    type: read
    availability: 99.99%
    steps: [web -> api -> db]
"""

FIGURES_PACK = """\
- code: FIG001
  name: hot-service
  severity: warning
  summary: A service runs above 80% of its capacity.
  select: {components: {kind: service}}
  condition: 'utilisation > 80%'
  message: '{id} runs at {load}/s against {capacity}/s'
- code: FIG002
  name: flow-below-four-nines
  severity: warning
  summary: A flow's estimated availability is below 99.99%.
  select: {flows: {}}
  condition: 'estimated_availability < 99.99% and peak_rate >= 300/s'
  message: '{name} is estimated below its target'
- code: FIG003
  name: database-call-from-service
  severity: info
  summary: A service calls a PostgreSQL database.
  select: {edges: {type: [calls], to: {tech: PostgreSQL}}}
  condition: "source.kind == 'service' and target.copies == 1"
  message: '{from} calls {to}, which has {target.copies} copy'
"""


def test_conditions_read_derived_figures(tmp_path):
    load_pack.cache_clear()
    load_packs.cache_clear()
    pack = _write_pack(tmp_path, FIGURES_PACK)
    design = tmp_path / "design.arch.yaml"
    design.write_text(FIGURES_DESIGN)
    settings = FileSettings(selection=Selection(select=("FIG",)), rule_packs=(pack,))
    findings = check_file(str(design), design.name, settings, load_catalog()).findings
    assert [(f.code, f.path_text, f.message) for f in findings] == [
        ("FIG001", "components.api", "api runs at 600/s against 200/s"),  # 300/s at the default peak of 2x
        ("FIG003", "components.api.calls.db", "api calls db, which has 1 copy"),
        ("FIG002", "flows.browse", "browse is estimated below its target"),
    ]


def test_the_schema_file_is_the_packaged_schema():
    from archlint.custom.schema import schema_text

    assert (Path(__file__).resolve().parent.parent / "schemas" / "rule-pack.schema.json").read_text() == schema_text()


def test_a_custom_rule_can_be_suppressed_like_a_builtin_one(tmp_path):
    design = tmp_path / "design.arch.yaml"
    design.write_text((PACKS / "bad.arch.yaml").read_text().replace(
        "  orders: # expect: ORG001\n",
        "  orders: # expect: ORG001\n    lint: {ignore: {ORG001: owned by the platform}}\n",
    ))
    findings = _check(design)
    assert ("ORG001", "components.orders") not in {(f.code, f.path_text) for f in findings}
    assert ("ORG001", "components.admin") in {(f.code, f.path_text) for f in findings}
    assert not [f for f in findings if f.code.startswith(("INP", "LNT"))]


def test_builtin_packs_are_written_in_the_format_users_write():
    """The built-in packs validate against the published rule-pack schema users' packs do."""
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "schemas" / "rule-pack.schema.json").read_text(encoding="utf-8"))
    for pack in sorted((ROOT / "rules").glob("*.yaml")):
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(pack.read_text())))
        assert not errors, f"{pack.name}: {errors[0].message}"


def test_option_types_of_the_schema_are_the_engine_s():
    from archlint.custom.schema import SCHEMA
    from archlint.rules.metadata import OPTION_TYPES

    assert tuple(SCHEMA["$defs"]["option"]["properties"]["type"]["enum"]) == OPTION_TYPES


def test_a_declarative_rule_still_takes_no_options(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "- code: ORG001\n  name: x\n  severity: info\n  summary: s\n"
        "  select: {components: {}}\n  condition: 'true'\n  message: m\n"
        "  options: {limit: {type: int, default: 3, description: d}}\n"
    )
    from archlint.custom.packs import PackError, load_pack

    with pytest.raises(PackError, match=r"pack\.yaml:8:"):
        load_pack(str(pack))


def test_the_built_in_packs_review_fields_fit_the_pack_schema():
    import jsonschema
    import yaml

    from archlint.custom.schema import SCHEMA
    from archlint.rules.metadata import REVIEW_STEPS
    from archlint.views.review import STEPS

    review = SCHEMA["$defs"]["rule"]["properties"]["review"]
    assert review["properties"]["step"]["enum"] == list(REVIEW_STEPS) == [key for key, _ in STEPS]
    root = Path(__file__).resolve().parent.parent / "rules"
    for pack in sorted(root.glob("*.yaml")):
        for entry in yaml.safe_load(pack.read_text(encoding="utf-8")):
            assert set(entry["review"]) == {"step", "weight"}, (pack.name, entry["code"])
            jsonschema.validate(entry["review"], review)
