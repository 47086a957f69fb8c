"""archlint drift: each DRF code's bad fixtures give exactly the marked findings and its
good ones stay clean, against tests/data/interop/drift/manifests.yaml; a replica change
and a missing component in the shop are found; exit codes follow check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA, expected_findings

from archlint.rules.metadata import DOC_SECTIONS, builtin_rules

FIXTURES = Path(__file__).resolve().parent / "drift"
MANIFESTS = DATA / "interop" / "drift" / "manifests.yaml"
SHOP = DATA / "interop" / "k8s-shop"
DRF_CODES = sorted(code for code in builtin_rules() if code.startswith("DRF"))


def _fixtures(prefix: str) -> list[tuple[str, Path]]:
    return [
        (d.name, f) for d in sorted(FIXTURES.iterdir()) if d.is_dir() for f in sorted(d.glob(f"{prefix}*.arch.yaml"))
    ]


def _drift(cli, design: Path, *sources: str, fmt: str = "kubernetes"):
    result = cli("drift", str(design), "--from", fmt, *(sources or (str(MANIFESTS),)), "--format", "json")
    report = json.loads(result.stdout)
    findings = report["findings"]
    return result, findings


@pytest.mark.parametrize("code, path", _fixtures("bad"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_bad_fixture_has_exactly_the_marked_findings(cli, code, path):
    _, findings = _drift(cli, path)
    actual = {(f["code"], f["line"], f["column"]) for f in findings if f["code"] == code}
    expected = expected_findings(path.read_text())
    assert expected and actual == expected


@pytest.mark.parametrize("code, path", _fixtures("good"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_good_fixture_stays_clean(cli, code, path):
    result, findings = _drift(cli, path)
    assert findings == [] and result.exit_code == 0


@pytest.mark.parametrize("code", DRF_CODES)
def test_every_drift_code_is_documented_and_has_fixtures(code):
    meta = builtin_rules()[code]
    assert not [s for s in DOC_SECTIONS if not str(meta.docs.get(s, "")).strip()]
    assert list((FIXTURES / code).glob("bad*.arch.yaml")) and list((FIXTURES / code).glob("good*.arch.yaml"))


def test_exit_codes_follow_check(cli):
    errors = cli(
        "drift", str(FIXTURES / "DRF001" / "bad-not-deployed.arch.yaml"), "--from", "kubernetes", str(MANIFESTS)
    )
    assert errors.exit_code == 1
    warnings = FIXTURES / "DRF003" / "bad-replicas.arch.yaml"
    assert cli("drift", str(warnings), "--from", "kubernetes", str(MANIFESTS)).exit_code == 0
    assert cli("drift", str(warnings), "--from", "kubernetes", str(MANIFESTS), "--fail-on", "warning").exit_code == 1


def test_text_report_names_the_manifest_place(cli):
    result = cli("drift", str(FIXTURES / "DRF003" / "bad-replicas.arch.yaml"), "--from", "kubernetes", str(MANIFESTS))
    assert (
        f"bad-replicas.arch.yaml:13:5: DRF003 warning replicas-differ: api runs 3 replicas in the manifests "
        f"(spec.replicas ({MANIFESTS}:36)); the design says 2"
    ) in result.stdout


def test_an_imported_design_has_no_drift_from_its_input(cli, tmp_path):
    design = tmp_path / "shop.arch.yaml"
    assert cli("import", "kubernetes", str(SHOP), "-o", str(design)).exit_code == 0
    result, findings = _drift(cli, design, str(SHOP))
    assert findings == [] and result.exit_code == 0


def test_shop_drift_finds_a_replica_change_and_a_missing_component(cli, tmp_path):
    design = tmp_path / "shop.arch.yaml"
    assert cli("import", "kubernetes", str(SHOP), "-o", str(design)).exit_code == 0
    deployed = tmp_path / "deployed"
    shutil.copytree(SHOP, deployed)
    services = deployed / "services.yaml"
    text = services.read_text(encoding="utf-8")
    # shipping goes from 1 replica to 2; the email worker is no longer deployed
    at = text.index("kind: Deployment\nmetadata:\n  name: shipping\n")
    replicas = text.index("  replicas: 1\n", at)
    text = text[:replicas] + "  replicas: 2\n" + text[replicas + len("  replicas: 1\n") :]
    start = text.index("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: email\n")
    end = text.index("---\n", start + 4)
    services.write_text(text[:start] + text[end:], encoding="utf-8")
    result, findings = _drift(cli, design, str(deployed))
    assert result.exit_code == 1  # a missing component is an error
    assert sorted((f["code"], f["path"]) for f in findings) == [
        ("DRF001", "components.email"),
        ("DRF003", "components.shipping.replicas"),
    ]
    replica = next(f for f in findings if f["code"] == "DRF003")
    assert replica["message"].startswith("shipping runs 2 replicas in the manifests")
    assert replica["message"].endswith("the design says 1")


def test_compose_drift(cli, tmp_path):
    voting = DATA / "interop" / "compose-voting"
    design = tmp_path / "voting.arch.yaml"
    cli("import", "compose", str(voting / "compose.yaml"), str(voting / "compose.prod.yaml"), "-o", str(design))
    _, findings = _drift(cli, design, str(voting / "compose.yaml"), fmt="compose")
    # without the production override, result runs the one instance Compose starts by default
    assert [(f["code"], f["path"]) for f in findings] == [("DRF003", "components.result.replicas")]


def test_problems_in_the_manifests_are_placed(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: Deployment\nmetadata: {name: a}\nspec:\n  template: {spec: {containers: [{image: x}]}}\n"
        "  replicas: many\n",
        encoding="utf-8",
    )
    result = cli("drift", str(FIXTURES / "DRF002" / "good-all-described.arch.yaml"), "--from", "kubernetes", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:5:3: error: spec.replicas must be a whole number, not 'many'")
