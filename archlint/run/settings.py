"""The effective settings of a file: its configuration merged with the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archlint.input.load import Limits


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The effective settings for one file: its configuration file merged with the
    command line (see archlint.run.config)."""

    limits: Limits = field(default_factory=Limits)
    selection: Any = None  # archlint.run.engine.Selection; None = the defaults
    config_options: Any = field(default_factory=dict)
    cli_options: Any = field(default_factory=dict)
    today: Any = None  # datetime.date; None = today (UTC)
    fail_on: str = "error"
    run_rules: bool = True
    load_factor: float = 1.0  # what-if scale (`--load 10x`)
    zone_availability: float | None = None  # one zone's availability (configuration)
    rule_packs: tuple[str, ...] = ()  # custom rule packs (absolute paths), from the configuration
