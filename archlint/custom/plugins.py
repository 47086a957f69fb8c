"""Python plugins: distributions that register rules under the `archlint.rules`
entry-point group.

An entry point names an object (usually a module) with two attributes, the shape of
the built-in rules:
- `RULES`: a list of rule entries in the rule-pack format (code, name, severity,
  summary, docs, ...), validated like a pack;
- `CHECKS`: a map of code -> check function, `check(context) -> Iterable[Finding]`,
  reading the same `archlint.rules.RuleContext` as the built-in checks.

A plugin that fails to load (import error, bad metadata, a clashing code) is skipped
with one warning, which the command prints; the other rules still run. A check that raises
while running is the engine's business (ENG001).

Most installations have no plugin, and importing importlib.metadata (email, csv, zipfile
and more) costs several milliseconds of every start. `entry_points()` first looks where
importlib.metadata would, for what it would read: when no distribution's
`entry_points.txt` so much as mentions the group, there is no plugin and importlib.metadata
is not imported; otherwise, or when it cannot tell, importlib.metadata answers.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from archlint.findings import Finding
from archlint.rules.metadata import RuleMeta

GROUP = "archlint.rules"


@dataclass(frozen=True)
class Plugins:
    metas: dict[str, RuleMeta] = field(default_factory=dict)
    checks: dict[str, Callable[[Any], Iterable[Finding]]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@functools.cache
def load_plugins() -> Plugins:
    """Every installed plugin's rules, read once per process (installed distributions do
    not change during a run). Nothing is printed: the warnings travel with the result."""
    from archlint.rules.metadata import builtin_rules

    metas: dict[str, RuleMeta] = {}
    checks: dict[str, Callable[[Any], Iterable[Finding]]] = {}
    warnings: list[str] = []
    for point in sorted(entry_points(), key=lambda point: (point.name, point.value)):
        try:
            plugin_metas, plugin_checks = _read(point, set(builtin_rules()) | set(metas))
        except Exception as error:
            warnings.append(f"archlint: plugin '{point.name}' ({point.value}) failed to load and its rules are "
                            f"skipped: {type(error).__name__}: {error}")
            continue
        metas.update(plugin_metas)
        checks.update(plugin_checks)
    return Plugins(metas, checks, tuple(warnings))


@functools.cache
def entry_points() -> tuple[Any, ...]:
    """The installed entry points of the `archlint.rules` group (importlib.metadata's
    EntryPoint objects), read once per process; () without importing importlib.metadata
    when no distribution can have one."""
    if not _may_have_plugins():
        return ()
    from importlib.metadata import entry_points as installed

    return tuple(installed(group=GROUP))


def _may_have_plugins() -> bool:
    """False only when importlib.metadata would find no entry point of GROUP: it finds
    distributions through the meta path finders that offer `find_distributions`, the
    standard one (PathFinder) reading `<name>.dist-info` and `<name>.egg-info` folders
    (and `EGG-INFO` in a `.egg` folder) in each folder of sys.path, and a group is a
    `[name]` section of their `entry_points.txt`. Anything else on the way (another
    finder, a zip or an unreadable folder on sys.path, a file that cannot be read
    for a reason importlib.metadata does not skip) is a maybe."""
    import importlib.machinery

    for finder in sys.meta_path:
        if finder is not importlib.machinery.PathFinder and getattr(finder, "find_distributions", None):
            return True
    needle = GROUP.encode()
    for entry in sys.path:
        if not isinstance(entry, str):
            return True
        try:
            children = os.listdir(entry or ".")
        except FileNotFoundError:
            continue  # importlib.metadata finds nothing there either
        except OSError:
            return True  # a zip (NotADirectoryError) or a folder it may read otherwise
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")) or low == "egg-info":
                try:
                    with open(os.path.join(entry, child, "entry_points.txt"), "rb") as handle:
                        if needle in handle.read():
                            return True
                except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
                    continue  # importlib.metadata skips these too (PathDistribution.read_text)
                except OSError:
                    return True
    return False


def _read(point: Any, taken: set[str]) -> tuple[dict[str, RuleMeta], dict[str, Any]]:
    from archlint.rules.metadata import meta_from_entry

    target = point.load()
    entries = getattr(target, "RULES", None)
    functions = getattr(target, "CHECKS", None)
    if not isinstance(entries, list) or not isinstance(functions, dict):
        raise TypeError("a plugin exposes RULES (a list of rule entries) and CHECKS (a map of code to check)")
    _validate(entries)
    metas: dict[str, RuleMeta] = {}
    for entry in entries:
        code = entry["code"]
        if code in taken or code in metas:
            raise ValueError(f"rule code {code} is already taken")
        metas[code] = meta_from_entry(entry, pack=f"plugin {point.name}")
    for code, function in functions.items():
        if code not in metas or not callable(function):
            raise ValueError(f"CHECKS names {code!r}, which is not one of its RULES or not a function")
    missing = sorted(set(metas) - set(functions))
    if missing:
        raise ValueError(f"no check function for {', '.join(missing)}")
    return metas, dict(functions)


def _validate(entries: list[Any]) -> None:
    """The entries against the rule-pack schema, as a pack's are. Runs only when a plugin
    is installed, so a plain `check` never imports jsonschema. The common mistakes get a
    plain message first."""
    from archlint.findings import RESERVED_PREFIXES, is_rule_code

    for entry in entries:
        if not isinstance(entry, dict) or not {"code", "name", "severity", "summary"} <= set(entry):
            raise ValueError("each RULES entry needs code, name, severity and summary")
        if not isinstance(entry["code"], str) or not is_rule_code(entry["code"]):
            raise ValueError(f"{entry['code']!r} is not a rule code: three capital letters and three digits")
        if entry["code"].startswith(RESERVED_PREFIXES):
            raise ValueError(f"{entry['code']}: {', '.join(RESERVED_PREFIXES)} codes are archlint's own")
        if entry["severity"] not in ("error", "warning", "info"):
            raise ValueError(f"{entry['code']}: severity must be error, warning or info")
    import jsonschema

    from archlint.custom.schema import SCHEMA

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(SCHEMA).iter_errors(entries))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "RULES"
        raise ValueError(f"RULES[{where}]: {error.message}" if error.absolute_path else f"RULES: {error.message}")
