"""Rule metadata as data: the packs in the top-level `rules/` folder (shipped in the
wheel as `archlint.rulepacks`). Each entry gives a code its name, severity, summary,
options and documentation."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DOCS_BASE = "https://archlint.dev"  # the Documentation URL of pyproject.toml


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    severity: str
    summary: str
    options: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    default_enabled: bool = True
    pack: str = ""

    @property
    def url(self) -> str:
        return docs_url(self.code)


def docs_url(code: str) -> str:
    return f"{DOCS_BASE}/rules/{code}"


@functools.cache
def builtin_rules() -> dict[str, RuleMeta]:
    """Every built-in code, from every pack, by code."""
    rules: dict[str, RuleMeta] = {}
    for entry in sorted(_pack_folder().iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        pack = entry.name[: -len(".yaml")]
        for raw in yaml.load(entry.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []:
            meta = RuleMeta(
                code=raw["code"],
                name=raw["name"],
                severity=raw["severity"],
                summary=raw["summary"],
                options=dict(raw.get("options") or {}),
                docs=dict(raw.get("docs") or {}),
                default_enabled=bool(raw.get("enabled", True)),
                pack=pack,
            )
            rules[meta.code] = meta
    return rules


def _pack_folder() -> Any:
    """The built-in packs: `archlint.rulepacks` when installed (the wheel maps the
    top-level rules/ there), else rules/ beside the package in a source checkout."""
    try:
        return resources.files("archlint.rulepacks")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


def rule_name(code: str) -> str:
    meta = builtin_rules().get(code)
    return meta.name if meta else code.lower()
