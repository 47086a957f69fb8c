"""Rule metadata as data: the packs in the top-level `rules/` folder (shipped in the
wheel as `archlint.rulepacks`). Each entry gives a code its name, severity, summary,
options (type, default, effect), documentation sections, and where its findings go in
a review (`review: {step, weight}`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from archlint.input import units

DOCS_BASE = "https://archlint.dev"  # the Documentation URL of pyproject.toml
DOC_SECTIONS = ("what", "why", "example", "fix", "guide")
OPTION_TYPES = ("int", "number", "rate", "percent", "duration", "size", "bool", "list")
# The steps of a design review, in the order a reviewer walks them: a rule's
# `review.step` names one, and archlint.views.review lays its findings out by them.
REVIEW_STEPS = ("requirements", "estimation", "api", "high-level", "deep-dives", "bottlenecks", "trade-offs",
                "observability")
MAX_WEIGHT = 10


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    type: str
    default: Any  # already parsed: per second, fraction, seconds, bytes, …
    description: str
    default_text: str = ""  # as written in the pack (`100/s`), for docs and listings


@dataclass(frozen=True, slots=True)
class RuleMeta:
    code: str
    name: str
    severity: str
    summary: str
    options: dict[str, OptionSpec] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    default_enabled: bool = True
    decision_aware: bool = False
    pack: str = ""
    link: str = ""  # a custom rule's documentation; built-in rules' pages are under DOCS_BASE
    custom: bool = False  # from a configured pack or a plugin
    # The review step its findings belong to and how much they weigh among the most
    # important issues (0-10, higher first); None when the pack does not say.
    review_step: str | None = None
    review_weight: int | None = None

    @property
    def url(self) -> str:
        if self.link:
            return self.link
        if self.custom:
            from pathlib import Path

            return Path(self.pack).resolve().as_uri() if self.pack.endswith((".yaml", ".yml")) else ""
        return f"{DOCS_BASE}/rules/{self.code}"

    @property
    def area(self) -> str:
        return self.code[:3]

    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.options.items()}


def parse_option(spec: OptionSpec, value: Any) -> Any:
    """A user's value for an option, in the option's unit; ValueError says what is accepted."""
    kind = spec.type
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError("must be true or false")
        if kind == "list":
            if isinstance(value, str):
                return [value]
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return list(value)
            raise ValueError("must be a list of names")
        if isinstance(value, bool):
            raise ValueError(f"must be a {kind}, not true/false")
        if kind == "int":
            number = units.parse_count(value)
            if number != int(number):
                raise ValueError("must be a whole number")
            return int(number)
        if kind == "number":
            return units.parse_count(value)
        parser = {"rate": units.parse_rate, "percent": units.parse_percent,
                  "duration": units.parse_duration, "size": units.parse_size}[kind]
        return parser(value)
    except units.UnitError as error:
        raise ValueError(str(error)) from None


@functools.cache
def builtin_rules() -> dict[str, RuleMeta]:
    """Every built-in code, from every pack, by code."""
    import yaml

    rules: dict[str, RuleMeta] = {}
    for entry in sorted(_pack_folder().iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        pack = entry.name[: -len(".yaml")]
        for raw in yaml.load(entry.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []:
            meta = _meta(raw, pack)
            if meta.code in rules:
                raise RuntimeError(f"rule code {meta.code} appears twice in the built-in packs")
            rules[meta.code] = meta
    return rules


def meta_from_entry(raw: dict[str, Any], pack: str) -> RuleMeta:
    """A custom rule's metadata (a pack entry or a plugin's), already validated."""
    from dataclasses import replace

    return replace(_meta(raw, pack), pack=pack, link=str(raw.get("url") or ""), custom=True)


def _meta(raw: dict[str, Any], pack: str) -> RuleMeta:
    options = {}
    for name, spec in (raw.get("options") or {}).items():
        option = OptionSpec(name, spec["type"], None, spec.get("description", ""))
        default = spec.get("default")
        options[name] = OptionSpec(
            name, spec["type"], None if default is None else parse_option(option, default), option.description,
            _option_text(default),
        )
    review = raw.get("review") or {}
    return RuleMeta(
        code=raw["code"],
        name=raw["name"],
        severity=raw["severity"],
        summary=raw["summary"],
        options=options,
        docs=dict(raw.get("docs") or {}),
        default_enabled=bool(raw.get("enabled", True)),
        decision_aware=bool(raw.get("decision_aware", False)),
        pack=pack,
        review_step=review.get("step"),
        review_weight=review.get("weight"),
    )


def _option_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _pack_folder() -> Any:
    """The built-in packs: `archlint.rulepacks` when installed (the wheel maps the
    top-level rules/ there), else rules/ beside the package in a source checkout."""
    try:
        return resources.files("archlint.rulepacks")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


# --- the rules of one run: a value passed down, never a registry ------------------------

CheckFn = Callable[[Any], Iterable[Any]]


@dataclass(frozen=True)
class RuleSet:
    """Every rule a run knows, by code: the built-in ones, installed plugins' and the
    configured packs' (`packs` are their paths). Checks, listings and every report read
    names, docs and descriptors from here, so they agree whatever was loaded first."""

    metas: Mapping[str, RuleMeta]
    checks: Mapping[str, CheckFn] = field(default_factory=dict)
    packs: tuple[str, ...] = ()
    recipe: Any = None  # a picklable callable of `packs` that rebuilds this set in a worker

    def __reduce__(self) -> Any:
        # Pack checks are closures: a worker process rebuilds the set from its recipe.
        if self.recipe is None:
            return (builtin_rule_set, ())
        return (self.recipe, (self.packs,))

    def meta(self, code: str) -> RuleMeta | None:
        return self.metas.get(code)

    def name(self, code: str) -> str:
        meta = self.metas.get(code)
        return meta.name if meta else code.lower()

    def url(self, code: str) -> str:
        meta = self.metas.get(code)
        return meta.url if meta is not None else f"{DOCS_BASE}/rules/{code}"


@functools.cache
def builtin_rule_set() -> RuleSet:
    """The built-in rules alone (what reports use when no run says otherwise)."""
    return RuleSet(builtin_rules(), _BuiltinChecks())


class _BuiltinChecks(MutableMapping[str, CheckFn]):
    """The built-in checks, imported on first use: names, docs and selection need only
    the metadata, and a run answered from the result cache runs no check at all."""

    def _checks(self) -> dict[str, CheckFn]:
        from archlint.rules import builtin_checks

        return builtin_checks()  # one dict per process (cached), so tests may replace a check in it

    def __getitem__(self, code: str) -> CheckFn:
        return self._checks()[code]

    def __setitem__(self, code: str, check: CheckFn) -> None:
        self._checks()[code] = check

    def __delitem__(self, code: str) -> None:
        del self._checks()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks())

    def __len__(self) -> int:
        return len(self._checks())
