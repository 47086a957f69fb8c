"""Write the rule documentation pages, docs/rules/<CODE>.md and an index, from the rule
packs, the key tables of docs/language.md from the models and fields.yaml, and the
packs' precompiled form, rules/packs.json (`python -m archlint.views.docs [FOLDER]`).
Tests keep the committed pages in sync."""

from __future__ import annotations

import os
import sys

from archlint.rules.metadata import builtin_rules
from archlint.views.rules import docs_index, explain_text


def pages() -> dict[str, str]:
    """File name -> content for every page."""
    metas = builtin_rules()
    result = {f"{code}.md": explain_text(meta) for code, meta in sorted(metas.items())}
    result["README.md"] = docs_index(metas.values())
    return result


def write(folder: str) -> list[str]:
    """Write the pages into `folder`, remove pages of codes that no longer exist."""
    os.makedirs(folder, exist_ok=True)
    wanted = pages()
    for name in os.listdir(folder):
        if name.endswith(".md") and name not in wanted:
            os.remove(os.path.join(folder, name))
    for name, text in wanted.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    return sorted(wanted)


def write_language_reference(path: str) -> None:
    """Regenerate the tables between the `<!-- fields: Model -->` markers of `path`."""
    from archlint.language.reference import update_document

    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    updated = update_document(text)
    if updated != text:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(updated)


def write_compiled_packs(folder: str) -> None:
    """The packs' precompiled form beside them (archlint.rules.metadata.COMPILED_PACKS)."""
    from archlint.rules.metadata import COMPILED_PACKS, compile_packs

    with open(os.path.join(folder, COMPILED_PACKS), "w", encoding="utf-8") as handle:
        handle.write(compile_packs())


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join("docs", "rules")
    print(f"wrote {len(write(target))} pages to {target}")
    packs = os.path.join(os.path.dirname(os.path.dirname(os.path.normpath(target))), "rules")
    if os.path.exists(os.path.join(packs, "architecture.yaml")):
        write_compiled_packs(packs)
        print(f"wrote the packs' precompiled form to {packs}")
    language = os.path.join(os.path.dirname(os.path.normpath(target)), "language.md")
    if os.path.exists(language):
        write_language_reference(language)
        print(f"updated the key tables of {language}")
