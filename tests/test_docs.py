"""The generated rule pages in docs/rules/ match the rule packs."""

from conftest import ROOT

from archlint.rules.metadata import DOC_SECTIONS, builtin_rules
from archlint.views.docs import pages

DOCS = ROOT / "docs" / "rules"


def test_pages_are_up_to_date():
    wanted = pages()
    present = {p.name for p in DOCS.glob("*.md")}
    assert present == set(wanted), "regenerate: python -m archlint.views.docs"
    for name, text in wanted.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"{name} is stale: python -m archlint.views.docs"


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
