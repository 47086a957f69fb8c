"""The generated rule pages in docs/rules/ match the rule packs."""

from conftest import ROOT

from archlint.rules import metadata
from archlint.rules.metadata import COMPILED_PACKS, DOC_SECTIONS, builtin_rules, compile_packs
from archlint.views.docs import pages

DOCS = ROOT / "docs" / "rules"


def test_pages_are_up_to_date():
    wanted = pages()
    present = {p.name for p in DOCS.glob("*.md")}
    assert present == set(wanted), "regenerate: python -m archlint.views.docs"
    for name, text in wanted.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"{name} is stale: python -m archlint.views.docs"


def test_precompiled_packs_are_up_to_date():
    """rules/packs.json, which every run reads instead of the packs' YAML."""
    assert (ROOT / "rules" / COMPILED_PACKS).read_text(encoding="utf-8") == compile_packs(), (
        "rules/packs.json is stale: python -m archlint.views.docs"
    )


def test_precompiled_packs_give_the_entries_of_the_yaml():
    packs = sorted((ROOT / "rules").glob("*.yaml"))
    assert metadata._pack_entries() == {p.stem: metadata._parse_pack(p.read_bytes()) for p in packs}
    assert list(builtin_rules()) == [raw["code"] for p in packs for raw in metadata._parse_pack(p.read_bytes())]


def test_an_edited_pack_is_read_from_its_yaml(tmp_path, monkeypatch):
    """A pack whose bytes no longer match its digest in packs.json is parsed, not served stale."""
    for pack in (ROOT / "rules").glob("*.yaml"):
        (tmp_path / pack.name).write_bytes(pack.read_bytes())
    (tmp_path / COMPILED_PACKS).write_text(compile_packs(), encoding="utf-8")
    edited = (tmp_path / "security.yaml").read_text(encoding="utf-8").replace("summary:", "summary: EDITED", 1)
    (tmp_path / "security.yaml").write_text(edited, encoding="utf-8")
    monkeypatch.setattr(metadata, "_pack_folder", lambda: tmp_path)
    entries = metadata._pack_entries()
    assert entries["security"][0]["summary"].startswith("EDITED")
    assert entries["caching"] == metadata._parse_pack((ROOT / "rules" / "caching.yaml").read_bytes())


def test_damaged_precompiled_packs_or_crlf_packs(tmp_path, monkeypatch):
    """A pack checked out with CRLF line ends is the same pack, served from packs.json;
    a damaged packs.json is ignored and every pack parsed from its YAML."""
    compiled_text = (ROOT / "rules" / COMPILED_PACKS).read_text(encoding="utf-8")
    for pack in (ROOT / "rules").glob("*.yaml"):
        (tmp_path / pack.name).write_bytes(pack.read_bytes().replace(b"\n", b"\r\n"))
    (tmp_path / COMPILED_PACKS).write_text(compiled_text, encoding="utf-8")
    real_parse = metadata._parse_pack
    expected = {p.stem: real_parse(p.read_bytes()) for p in sorted((ROOT / "rules").glob("*.yaml"))}
    parsed: list[bytes] = []
    monkeypatch.setattr(metadata, "_pack_folder", lambda: tmp_path)
    monkeypatch.setattr(metadata, "_parse_pack", lambda source: parsed.append(source) or real_parse(source))
    assert metadata._pack_entries() == expected
    assert parsed == []
    (tmp_path / COMPILED_PACKS).write_text(compiled_text[:1000], encoding="utf-8")
    assert metadata._pack_entries() == expected
    assert len(parsed) == len(expected)


def test_every_page_follows_the_template():
    for code, meta in builtin_rules().items():
        text = (DOCS / f"{code}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {code} {meta.name}\n")
        for heading in ("## What it does", "## Why it matters", "## Example", "## How to fix", "## Options"):
            assert heading in text, f"{code} lacks {heading}"
        assert set(DOC_SECTIONS) <= set(meta.docs)


def test_explain_prints_the_page(cli):
    result = cli("explain", "RES001")
    assert result.exit_code == 0
    assert result.output == (DOCS / "RES001.md").read_text(encoding="utf-8")
