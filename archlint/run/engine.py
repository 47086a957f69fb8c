"""Running rules on one design: selection, options, isolation and suppressions.

A check that raises becomes one ENG001 finding naming it; the others still run.
Positions are added later by the pipeline; here findings carry YAML paths only.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from archlint.findings import (
    RESERVED_PREFIXES,
    SEVERITIES,
    Finding,
    Path,
    Suppression,
    did_you_mean,
    is_rule_code,
    path_str,
)
from archlint.rules.metadata import RuleMeta, parse_option

ENGINE_CODES = ("LNT001", "LNT002", "ENG001")
UNSUPPRESSIBLE_PREFIXES = RESERVED_PREFIXES


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules run: `select` replaces the default set (every rule on by default),
    `extend-select` adds, `ignore` removes. A prefix (`RES`) or `ALL` matches only
    rules that are on by default; an exact code matches any rule. The most specific
    selector wins; between equally specific ones, `ignore` wins."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def enabled(self, meta: RuleMeta) -> bool:
        best: tuple[int, int] | None = None  # (specificity, 0 = ignore wins ties, 1 = select)
        selects = ("ALL",) if self.select is None else self.select
        for selectors, on in ((selects, 1), (self.extend_select, 1), (self.ignore, 0)):
            for selector in selectors:
                specificity = _specificity(selector, meta)
                if specificity is None:
                    continue
                candidate = (specificity, 0 if not on else 1)
                if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and on == 0):
                    best = candidate
        return best is not None and best[1] == 1


def _specificity(selector: str, meta: RuleMeta) -> int | None:
    if selector == meta.code:
        return len(selector)
    if not meta.default_enabled:
        return None
    if selector == "ALL":
        return 0
    if meta.code.startswith(selector):
        return len(selector)
    return None


def selector_problem(selector: str, known: Iterable[str]) -> str | None:
    """Why a selector names no rule, with a did-you-mean; None when it is fine."""
    codes = sorted(set(known))
    if selector == "ALL" or any(code.startswith(selector) for code in codes):
        return None
    suggestion = did_you_mean(selector, codes + sorted({c[:3] for c in codes}))
    return f"'{selector}' is not a rule code or prefix{suggestion}"


@dataclass(slots=True)
class RuleRun:
    """What one design needs to run its rules."""

    terms: Any
    metas: Mapping[str, RuleMeta]
    checks: Mapping[str, Any]
    selection: Selection = field(default_factory=Selection)
    config_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # parsed
    cli_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # parsed
    today: _dt.date = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).date())


def run_rules(run: RuleRun) -> list[Finding]:
    """Findings of the selected rules, suppressions applied, plus LNT/ENG/INP findings
    about the design's own `lint` settings."""
    return [finding for finding in evaluate_rules(run) if finding.suppression is None]


def evaluate_rules(run: RuleRun) -> list[Finding]:
    """As run_rules, but the findings the design suppresses stay in the list, each
    carrying its `Suppression`, so reports can show the risks an author accepted."""
    from archlint.rules import RuleContext

    design = run.terms.design
    findings: list[Finding] = []
    design_options, option_problems = _design_options(design, run.metas)
    findings += option_problems
    ran: set[str] = set()
    all_options: dict[str, dict[str, Any]] = {}
    for code in run.metas:
        options = run.metas[code].defaults()
        for layer in (run.config_options, design_options, run.cli_options):
            options.update(layer.get(code, {}))
        all_options[code] = options
    for code in sorted(run.checks):
        meta = run.metas.get(code)
        if meta is None or not run.selection.enabled(meta):
            continue
        context = RuleContext(run.terms, code, meta.severity, dict(all_options[code]), all_options)
        ran.add(code)
        malformed: str | None = None
        try:
            for produced in run.checks[code](context):
                problem = _malformed(produced, code)
                if problem is None:
                    findings.append(produced)
                elif malformed is None:
                    malformed = problem
        except Exception as error:  # isolate the rule, keep the others
            from archlint.custom.packs import BudgetExceeded

            what = str(error) if isinstance(error, BudgetExceeded) else f"crashed: {type(error).__name__}: {error}"
            findings.append(Finding("ENG001", "error", f"rule {code} ({meta.name}) {what}", (),
                                    hint=_crash_hint(meta)))
        if malformed is not None:  # a plugin's check: its good findings stay, the bad output is named
            findings.append(Finding("ENG001", "error", f"rule {code} ({meta.name}) produced {malformed}; "
                                    f"its other findings are reported", (), hint=_crash_hint(meta)))
    return apply_suppressions(findings, design, ran, run.metas, run.today)


def _malformed(produced: Any, code: str) -> str | None:
    """Why what a check yielded is not a finding of its own rule, or None when it is."""
    if not isinstance(produced, Finding):
        return f"{type(produced).__name__} {_short(produced)}, which is not a finding"
    if produced.code != code:
        return f"a finding with the code {_short(produced.code)}, not its own"
    if produced.severity not in SEVERITIES:
        return f"a finding with the severity {_short(produced.severity)}"
    path = produced.path
    if not isinstance(path, tuple) or not all(
            isinstance(segment, (str, int)) and not isinstance(segment, bool) for segment in path):
        return f"a finding with the path {_short(path)}, which is not a YAML path (names and list indices)"
    if not isinstance(produced.message, str) or not isinstance(produced.hint, (str, type(None))):
        return "a finding whose message or hint is not text"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _crash_hint(meta: RuleMeta) -> str:
    if meta.custom:
        return f"the rule comes from {meta.pack}: report it to its authors; --ignore {meta.code} meanwhile"
    return "please report this as a bug; --ignore the rule meanwhile"


def _design_options(design: Any, metas: Mapping[str, RuleMeta]) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    """The design's `lint.options`, parsed by each option's type; problems are INP findings."""
    options: dict[str, dict[str, Any]] = {}
    problems: list[Finding] = []
    raw = design.lint.options if design.lint is not None else {}
    for code, values in raw.items():
        path: Path = ("lint", "options", code)
        meta = metas.get(code)
        if meta is None:
            problems.append(Finding("INP010", "error", f"lint.options names '{code}', which is not a rule code"
                                    f"{did_you_mean(code, metas)}", path))
            continue
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            spec = meta.options.get(name)
            if spec is None:
                known = ", ".join(meta.options) or "none"
                problems.append(Finding(
                    "INP010", "error",
                    f"{code} has no option '{name}'{did_you_mean(name, meta.options)}", path + (name,),
                    hint=f"options of {code}: {known}",
                ))
                continue
            try:
                parsed[name] = parse_option(spec, value)
            except ValueError as error:
                problems.append(Finding("INP011", "error", f"{code}.{name}: {error}", path + (name,)))
        options[code] = parsed
    return options, problems


def apply_suppressions(
    findings: list[Finding], design: Any, ran: set[str], metas: Mapping[str, RuleMeta], today: _dt.date
) -> list[Finding]:
    """Mark suppressed findings with their `Suppression`; report suppressions that are
    expired (LNT002), match nothing of a rule that ran (LNT001), or name an unknown code
    (INP030)."""
    scopes: list[tuple[Path, Path, Mapping[str, Any]]] = []  # (suppression path, covered prefix, entries)
    for cid, component in design.components.items():
        if component.lint is not None and component.lint.ignore:
            scopes.append((("components", cid, "lint", "ignore"), ("components", cid), component.lint.ignore))
    if design.lint is not None and design.lint.ignore:
        scopes.append((("lint", "ignore"), (), design.lint.ignore))

    used: set[tuple[Path, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        if finding.code.startswith(UNSUPPRESSIBLE_PREFIXES):
            kept.append(finding)
            continue
        for where, prefix, entries in scopes:  # components first: the most specific scope
            entry = entries.get(finding.code)
            if entry is None or finding.path[: len(prefix)] != prefix or _expired(entry, today):
                continue
            used.add((where, finding.code))
            until = entry.until.isoformat() if entry.until is not None else None
            kept.append(replace(finding, suppression=Suppression(entry.reason, until, where + (finding.code,))))
            break
        else:
            kept.append(finding)

    for where, _prefix, entries in scopes:
        for code, entry in entries.items():
            path = where + (code,)
            if code.startswith(UNSUPPRESSIBLE_PREFIXES) or not is_rule_code(code):
                continue  # validation reports these (INP030)
            if code not in metas:
                kept.append(Finding("INP030", "error", f"'{code}' is not a rule code{did_you_mean(code, metas)}", path))
            elif _expired(entry, today):
                kept.append(Finding(
                    "LNT002", "warning",
                    f"the suppression of {code} expired on {entry.until.isoformat()} and no longer applies "
                    f"(reason: {entry.reason})",
                    path, hint=f"fix the {code} finding and remove the suppression, or renew it with a new date",
                ))
            elif code in ran and (where, code) not in used:
                scope = "this file" if not where[:1] == ("components",) else f"component '{where[1]}'"
                kept.append(Finding(
                    "LNT001", "warning", f"the suppression of {code} matched no finding in {scope}", path,
                    hint=f"remove {path_str(path)}",
                ))
    return kept


def _expired(entry: Any, today: _dt.date) -> bool:
    return entry.until is not None and today > entry.until


