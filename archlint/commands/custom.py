"""The rules `archlint rules` and `archlint explain` list: built-in ones, installed
plugins', and the packs of the configuration for the working directory."""

from __future__ import annotations

from typing import Any

import click


def load_custom_rules(config_path: str | None) -> dict[str, Any]:
    """Every active rule by code; a bad configuration or pack is a usage error."""
    from archlint.custom.plugins import load_plugins
    from archlint.rules.metadata import active_rules
    from archlint.run.config import ConfigError, ConfigFinder

    load_plugins()
    try:
        ConfigFinder(active_rules(), config_path).for_path(".")  # registers its packs' rules
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    return active_rules()
