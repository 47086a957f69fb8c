"""Configuration files: `.archlint.yaml`, else `[tool.archlint]` in `pyproject.toml`,
found by walking up from each linted file; the nearest wins and files are not merged.

A bad configuration is a usage error (exit 2) whose message names the file, the key,
and what is accepted, with a did-you-mean.

One module (past 400 lines): finding, reading, validating and showing a configuration
change together whenever a key is added.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from archlint.findings import did_you_mean
from archlint.input import units
from archlint.input.load import InputProblem, Limits, parse_yaml
from archlint.rules.metadata import RuleMeta, parse_option

CONFIG_NAMES = (".archlint.yaml", "pyproject.toml")
KEYS = (
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "options",
    "fail-on",
    "exclude",
    "rule-packs",
    "zone-availability",
    "region-availability",
    "cache-dir",
    "limits",
    "diagram-engine",
)
DIAGRAM_ENGINES = ("bundled", "system")  # archlint.render.engine.ENGINES, without importing the renderer
LIMIT_KEYS = {
    "max-file-size": "max_file_size",
    "max-depth": "max_depth",
    "max-aliases": "max_aliases",
    "max-list-items": "max_list_items",
    "max-key-length": "max_key_length",
}
FAIL_ON = ("error", "warning", "info")


class ConfigError(Exception):
    """A configuration problem: a usage error with a message fit for the user."""


@dataclass(frozen=True, slots=True)
class Config:
    """One configuration file's settings (all optional), already validated."""

    path: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()
    rule_packs: tuple[str, ...] = ()  # as written
    pack_paths: tuple[str, ...] = ()  # the same, resolved against the configuration's folder
    zone_availability: float | None = None
    region_availability: float | None = None
    limits: Limits = field(default_factory=Limits)
    diagram_engine: str | None = None  # bundled | system; None: the default (bundled)
    cache_dir: str | None = None  # resolved against the configuration's folder
    raw: Mapping[str, Any] = field(default_factory=dict)  # the keys as written, for `config --show`

    @property
    def root(self) -> str:
        """The folder the file's globs are relative to."""
        return os.path.dirname(self.path) if self.path else os.getcwd()

    def ignored_for(self, file_path: str) -> tuple[str, ...]:
        """Codes that `per-file-ignores` switches off for this file."""
        relative = _relative(file_path, self.root)
        codes: list[str] = []
        for pattern, ignored in self.per_file_ignores:
            if glob_match(relative, pattern):
                codes.extend(ignored)
        return tuple(codes)

    def excludes(self, file_path: str) -> bool:
        relative = _relative(file_path, self.root)
        return any(glob_match(relative, pattern) for pattern in self.exclude)


def _relative(path: str, root: str) -> str:
    return os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")


def glob_match(path: str, pattern: str) -> bool:
    """Glob with `**` across folders; a pattern without `/` matches a file name at any depth."""
    if "/" not in pattern:
        return fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], pattern) or fnmatch.fnmatchcase(path, pattern)
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            continue
        char = pattern[index]
        parts.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return re.fullmatch("".join(parts), path) is not None


# --- finding and reading -------------------------------------------------------------

class ConfigFinder:
    """Finds and caches the configuration for each folder (walking up to the root)."""

    def __init__(self, metas: Mapping[str, RuleMeta], explicit: str | None = None):
        self.metas = metas
        self._cache: dict[str, Config] = {}
        self._explicit = read_config(explicit, metas) if explicit else None

    def for_file(self, path: str) -> Config:
        if self._explicit is not None:
            return self._explicit
        return self._for_dir(os.path.dirname(os.path.abspath(path)))

    def files_read(self) -> list[tuple[str, str]]:
        """(what, path) of every configuration file and rule pack read so far: inputs
        that no output may name."""
        configs = [self._explicit] if self._explicit is not None else list(self._cache.values())
        read: dict[str, str] = {}
        for config in configs:
            if config is not None and config.path:
                read.setdefault(config.path, "a configuration file")
                for pack in config.pack_paths:
                    read.setdefault(pack, "a rule pack")
        return [(what, path) for path, what in sorted(read.items())]

    def for_path(self, path: str) -> Config:
        """The configuration of a file, or of the files in a folder."""
        if self._explicit is None and os.path.isdir(path):
            return self._for_dir(os.path.abspath(path))
        return self.for_file(path)

    def _for_dir(self, folder: str) -> Config:
        cached = self._cache.get(folder)
        if cached is not None:
            return cached
        config = None
        for name in CONFIG_NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                config = read_config(candidate, self.metas)
                if config is not None:
                    break
        if config is None:
            parent = os.path.dirname(folder)
            config = Config() if parent == folder else self._for_dir(parent)
        self._cache[folder] = config
        return config


def read_config(path: str, metas: Mapping[str, RuleMeta]) -> Config | None:
    """The configuration in `path`; None for a pyproject.toml without [tool.archlint]."""
    from archlint.input.files import CONFIG_MAX_BYTES, TooLarge, read_bounded

    try:
        raw_bytes = read_bounded(path, CONFIG_MAX_BYTES)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error.strerror or error}") from None
    except TooLarge as error:
        raise ConfigError(f"{path}: not read as a configuration: {error}") from None
    if path.endswith(".toml"):
        data = _read_toml(path, raw_bytes)
        if data is None:
            return None
    else:
        try:
            data, _ = parse_yaml(raw_bytes.decode("utf-8"), Limits())
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: the configuration is not UTF-8 text") from None
        except InputProblem as problem:
            raise ConfigError(f"{path}:{problem.line + 1}:{problem.column + 1}: {problem.message}") from None
        if data is None:
            return Config(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a map of keys ({', '.join(KEYS)})")
    return parse_config(data, path, metas)


def _read_toml(path: str, raw: bytes) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    from archlint.input.files import MAX_NESTING, nesting_error

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the configuration is not UTF-8 text") from None
    deep = nesting_error(text, "toml")
    if deep is not None:  # tomllib recurses: refuse before it could overflow
        raise ConfigError(f"{path}:{deep[0] + 1}:{deep[1] + 1}: arrays and tables nest deeper than "
                          f"{MAX_NESTING} levels")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    tool = document.get("tool")
    if not isinstance(tool, dict) or "archlint" not in tool:
        return None
    section = tool["archlint"]
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.archlint] must be a table")
    return section


# --- validation ------------------------------------------------------------------------

def parse_config(data: Mapping[str, Any], path: str, metas: Mapping[str, RuleMeta]) -> Config:
    where = path
    for key in data:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: unknown key '{key}'{did_you_mean(str(key), KEYS)} (keys: {', '.join(KEYS)})"
            )
    settings: dict[str, Any] = {"path": path, "raw": dict(data)}
    if "rule-packs" in data:
        # Packs first: select, ignore and options may name the codes they define.
        settings["rule_packs"] = _strings(data["rule-packs"], f"{where}: rule-packs")
        settings["pack_paths"], pack_metas = _load_packs(settings["rule_packs"], path)
        metas = {**metas, **pack_metas}
    if "select" in data:
        settings["select"] = selectors(data["select"], f"{where}: select", metas)
    if "ignore" in data:
        settings["ignore"] = selectors(data["ignore"], f"{where}: ignore", metas)
    if "extend-select" in data:
        settings["extend_select"] = selectors(data["extend-select"], f"{where}: extend-select", metas)
    if "per-file-ignores" in data:
        table = data["per-file-ignores"]
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: per-file-ignores must map a glob to a list of codes")
        settings["per_file_ignores"] = tuple(
            (str(pattern), selectors(codes, f"{where}: per-file-ignores '{pattern}'", metas))
            for pattern, codes in table.items()
        )
    if "options" in data:
        settings["options"] = rule_options(data["options"], f"{where}: options", metas)
    if "fail-on" in data:
        value = data["fail-on"]
        if value not in FAIL_ON:
            raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)} (got {value!r})")
        settings["fail_on"] = value
    if "exclude" in data:
        settings["exclude"] = _strings(data["exclude"], f"{where}: exclude")
    if "zone-availability" in data:
        try:
            settings["zone_availability"] = units.parse_percent(data["zone-availability"])
        except units.UnitError as error:
            raise ConfigError(f"{where}: zone-availability: {error}") from None
    if "region-availability" in data:
        try:
            settings["region_availability"] = units.parse_percent(data["region-availability"])
        except units.UnitError as error:
            raise ConfigError(f"{where}: region-availability: {error}") from None
    if "limits" in data:
        settings["limits"] = _limits(data["limits"], f"{where}: limits")
    if "diagram-engine" in data:
        value = data["diagram-engine"]
        if value not in DIAGRAM_ENGINES:
            raise ConfigError(f"{where}: diagram-engine must be one of {', '.join(DIAGRAM_ENGINES)} (got {value!r}): "
                              "bundled is graphviz-pure, installed with archlint; system is Graphviz's dot on PATH")
        settings["diagram_engine"] = value
    if "cache-dir" in data:
        value = data["cache-dir"]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: cache-dir must be a folder's path (got {value!r})")
        settings["cache_dir"] = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), value))
    return Config(**settings)


def _load_packs(written: tuple[str, ...], config_path: str) -> tuple[tuple[str, ...], dict[str, RuleMeta]]:
    """Load the packs a configuration lists (paths relative to its folder)."""
    from archlint.custom.packs import PackError, load_packs
    from archlint.custom.plugins import load_plugins

    folder = os.path.dirname(os.path.abspath(config_path))
    paths = tuple(os.path.normpath(os.path.join(folder, item)) for item in written)
    for item, resolved in zip(written, paths):
        if not os.path.isfile(resolved):
            raise ConfigError(f"{config_path}: rule-packs: '{item}' is not a file (looked for {resolved})")
    try:
        pack = load_packs(paths, frozenset(load_plugins().metas))
    except PackError as error:
        raise ConfigError(str(error)) from None
    return paths, pack.metas


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def selectors(value: Any, where: str, metas: Mapping[str, RuleMeta]) -> tuple[str, ...]:
    """Rule codes or prefixes (`RES`, `RES001`, `ALL`), each checked against the catalog."""
    from archlint.run.engine import selector_problem

    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    items = _strings(value, where)
    for item in items:
        problem = selector_problem(item, metas)
        if problem:
            raise ConfigError(f"{where}: {problem}")
    return items


def rule_options(value: Any, where: str, metas: Mapping[str, RuleMeta]) -> dict[str, dict[str, Any]]:
    """`{CODE: {option: value}}`, each value parsed by its option's type."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map rule codes to their options")
    parsed: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        meta = metas.get(code)
        if meta is None:
            raise ConfigError(f"{where}: '{code}' is not a rule code{did_you_mean(str(code), metas)}")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}.{code} must map option names to values")
        parsed[code] = {}
        for name, raw in options.items():
            spec = meta.options.get(name)
            if spec is None:
                known = ", ".join(meta.options) or "none"
                raise ConfigError(
                    f"{where}: {code} has no option '{name}'{did_you_mean(str(name), meta.options)} "
                    f"(options: {known})"
                )
            try:
                parsed[code][name] = parse_option(spec, raw)
            except ValueError as error:
                raise ConfigError(f"{where}: {code}.{name}: {error}") from None
    return parsed


def _limits(value: Any, where: str) -> Limits:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a map ({', '.join(LIMIT_KEYS)})")
    limits = Limits()
    for key, raw in value.items():
        field_name = LIMIT_KEYS.get(key)
        if field_name is None:
            raise ConfigError(f"{where}: unknown limit '{key}'{did_you_mean(str(key), LIMIT_KEYS)}")
        try:
            number = units.parse_size(raw) if key == "max-file-size" else units.parse_count(raw)
        except units.UnitError as error:
            raise ConfigError(f"{where}: {key}: {error}") from None
        if number < 1 or number != int(number):
            raise ConfigError(f"{where}: {key} must be a whole number of 1 or more (got {raw!r})")
        limits = replace(limits, **{field_name: int(number)})
    return limits


def parse_option_flags(flags: Iterable[str], metas: Mapping[str, RuleMeta]) -> dict[str, dict[str, Any]]:
    """`--option CODE.name=value` flags; values are read as YAML scalars (`3`, `true`, `100/s`)."""
    from archlint.input.load import resolve_plain

    options: dict[str, dict[str, Any]] = {}
    for flag in flags:
        name, sep, raw = flag.partition("=")
        code, dot, option = name.strip().partition(".")
        if not sep or not dot:
            raise ConfigError(f"--option {flag!r}: write CODE.option=value, e.g. ARC001.free_services=5")
        value: Any = resolve_plain(raw.strip())
        if isinstance(value, str) and "," in value:
            value = [part.strip() for part in value.split(",") if part.strip()]
        parsed = rule_options({code: {option: value}}, "--option", metas)
        options.setdefault(code, {}).update(parsed[code])
    return options


# --- where each value comes from (`archlint config --show`) -----------------------------

@dataclass(frozen=True, slots=True)
class Setting:
    """One effective value: `key` is dotted below `limits`; `source` is the key in the
    configuration file that set it, None for a default."""

    key: str
    value: Any
    source: str | None = None


def effective(config: Config) -> list[Setting]:
    """Every key in KEYS order (limits one by one): the value the file set, else the
    default. Lists of codes and globs are shown normalised, quantities as written."""
    from archlint.catalog import load_catalog

    domains = load_catalog().failure_domains

    written = config.raw
    prefix = "tool.archlint." if config.path and config.path.endswith(".toml") else ""
    parsed = {
        "select": list(config.select) if config.select is not None else ["ALL"],
        "ignore": list(config.ignore),
        "extend-select": list(config.extend_select),
        "per-file-ignores": {pattern: list(codes) for pattern, codes in config.per_file_ignores},
        "options": written.get("options", {}),
        "fail-on": config.fail_on or "error",
        "exclude": list(config.exclude),
        "rule-packs": list(config.rule_packs),
        "zone-availability": written.get("zone-availability", f"{(domains['zone'].value or 0) * 100:g}%"),
        "region-availability": written.get("region-availability", f"{(domains['region'].value or 0) * 100:g}%"),
        "diagram-engine": config.diagram_engine or DIAGRAM_ENGINES[0],
        "cache-dir": written.get("cache-dir", ".archlint_cache"),
    }
    settings = [Setting(key, value, prefix + key if key in written else None) for key, value in parsed.items()]
    written_limits = written.get("limits") or {}
    defaults = Limits()
    for key, field_name in LIMIT_KEYS.items():
        if key in written_limits:
            settings.append(Setting(f"limits.{key}", written_limits[key], f"{prefix}limits.{key}"))
        else:
            number = getattr(defaults, field_name)
            settings.append(Setting(f"limits.{key}", _size_text(number) if key == "max-file-size" else number))
    return settings


def _size_text(size: int) -> str:
    """Bytes in the largest unit that divides them (as the configuration would write them)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"
