"""`python -m archlint.catalog`: validate tech.yaml and write its precompiled form,
tech.json, beside it (archlint.catalog.compiled). Run it after editing tech.yaml;
tests/test_catalog.py fails while the two disagree."""

from __future__ import annotations

from pathlib import Path

from archlint.catalog import models
from archlint.catalog.compiled import FILE, dump


def main() -> None:
    folder = Path(__file__).resolve().parent
    source = (folder / "tech.yaml").read_bytes()
    (folder / FILE).write_text(dump(models.validate(source), source), encoding="utf-8")
    print(f"wrote {folder / FILE}")


if __name__ == "__main__":
    main()
