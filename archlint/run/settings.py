"""The one settings step every command takes: (the configuration files found for the
paths, the command-line options) -> the rules this run knows and each file's settings.

`check`, `baseline`, `review`, `diagram`, `diff`, `estimate`, `config --show`, `rules`
and `explain` all call `resolve`, so a rule pack or a plugin counts in each of them the
same way. Problems are `ConfigError`s (usage errors) raised before anything is checked.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from archlint.input.load import Limits
from archlint.rules.metadata import RuleMeta, RuleSet


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The effective settings for one file: its configuration file merged with the
    command line (see archlint.run.config). Picklable: workers receive it."""

    limits: Limits = field(default_factory=Limits)
    selection: Any = None  # archlint.run.engine.Selection; None = the defaults
    config_options: Any = field(default_factory=dict)
    cli_options: Any = field(default_factory=dict)
    today: Any = None  # datetime.date; None = today (UTC)
    fail_on: str = "error"
    run_rules: bool = True
    load_factor: float = 1.0  # what-if scale (`--load 10x`)
    zone_availability: float | None = None  # one zone's availability (configuration)
    region_availability: float | None = None  # one region's availability (configuration)
    diagram_engine: str | None = None  # bundled | system (configuration); None: the default
    rule_packs: tuple[str, ...] = ()  # custom rule packs (absolute paths), from the configuration
    rules: RuleSet | None = None  # the rules that may run on this file; None = built-in and plugins

    def rule_set(self) -> RuleSet:
        return self.rules if self.rules is not None else rule_set_for(self.rule_packs)


@dataclass(frozen=True, slots=True)
class CommandLine:
    """What a command's options say about settings; every field is optional."""

    select: tuple[str, ...] = ()  # comma-separated values, as given
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # CODE.name=value
    fail_on: str | None = None
    config_path: str | None = None
    today: dt.date | None = None
    load_factor: float = 1.0
    run_rules: bool = True


@dataclass
class Settings:
    """The outcome of the settings step for a set of paths."""

    rules: RuleSet  # every rule of this run: built-in, plugins, and every configured pack
    warnings: tuple[str, ...]  # for the command to print (plugins that failed to load)
    finder: Any  # archlint.run.config.ConfigFinder
    cli: CommandLine
    _select: tuple[str, ...] | None = None
    _extend: tuple[str, ...] = ()
    _ignore: tuple[str, ...] = ()
    _options: dict[str, dict[str, Any]] = field(default_factory=dict)
    _cache: dict[str, FileSettings] = field(default_factory=dict)

    def config_for(self, path: str) -> Any:
        """The configuration (archlint.run.config.Config) that applies to a file or folder."""
        return self.finder.for_path(path)

    def for_file(self, path: str) -> FileSettings:
        """The file's configuration with the command line on top (cached per configuration)."""
        from archlint.run.engine import Selection

        config = self.finder.for_file(path)
        per_file = config.ignored_for(path)
        key = f"{config.path}|{','.join(per_file)}"
        cached = self._cache.get(key)
        if cached is None:
            cli = self.cli
            cached = self._cache[key] = FileSettings(
                limits=config.limits,
                selection=Selection(
                    select=self._select if self._select is not None else config.select,
                    extend_select=config.extend_select + self._extend,
                    ignore=config.ignore + self._ignore + per_file,
                ),
                config_options=config.options,
                cli_options=self._options,
                today=cli.today or _today(),
                fail_on=cli.fail_on or config.fail_on or "error",
                run_rules=cli.run_rules,
                load_factor=cli.load_factor,
                zone_availability=config.zone_availability,
                region_availability=config.region_availability,
                diagram_engine=config.diagram_engine,
                rule_packs=config.pack_paths,
                rules=rule_set_for(config.pack_paths),
            )
        return cached


def resolve(cli: CommandLine, paths: Iterable[str]) -> Settings:
    """Read the configuration of every path (and the packs each lists), load plugins,
    and validate the command line against the rules that exist for this run."""
    from archlint.custom.plugins import load_plugins
    from archlint.run.config import ConfigFinder, parse_option_flags, selectors

    plugins = load_plugins()
    known = {**_builtin_metas(), **plugins.metas}
    finder = ConfigFinder(known, cli.config_path)
    packs: list[str] = []
    for path in paths:
        for pack in finder.for_path(path).pack_paths:
            if pack not in packs:
                packs.append(pack)
    rules = rule_set_for(tuple(packs))
    metas = rules.metas
    return Settings(
        rules=rules,
        warnings=plugins.warnings,
        finder=finder,
        cli=cli,
        _select=selectors(list(_split(cli.select)), "--select", metas) if cli.select else None,
        _extend=selectors(list(_split(cli.extend_select)), "--extend-select", metas),
        _ignore=selectors(list(_split(cli.ignore)), "--ignore", metas),
        _options=parse_option_flags(cli.options, metas),
    )


@functools.cache
def rule_set_for(packs: tuple[str, ...] = ()) -> RuleSet:
    """Built-in rules, installed plugins' and these packs' (each read once per process:
    a run never sees a pack change under it)."""
    from archlint.custom.plugins import load_plugins
    from archlint.rules.metadata import builtin_rule_set

    builtin = builtin_rule_set()
    plugins = load_plugins()
    if not plugins.metas and not packs:
        return builtin
    metas = {**builtin.metas, **plugins.metas}
    checks = {**builtin.checks, **plugins.checks}
    if packs:
        from archlint.custom.packs import load_packs

        pack = load_packs(packs, frozenset(plugins.metas))
        metas.update(pack.metas)
        checks.update(pack.checks)
    return RuleSet(metas, checks, packs, recipe=rule_set_for)


def _builtin_metas() -> dict[str, RuleMeta]:
    from archlint.rules.metadata import builtin_rules

    return builtin_rules()


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeatable, comma-separated flag values: `--select RES,OBS --select ARC001`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()
