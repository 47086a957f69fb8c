"""The rules `archlint rules` and `archlint explain` list: built-in ones, installed
plugins', and the packs of the configuration for the working directory."""

from __future__ import annotations

from typing import Any


def load_custom_rules(config_path: str | None) -> dict[str, Any]:
    """Every rule of the working directory's settings, by code; a bad configuration or
    pack is a usage error."""
    from archlint.commands.common import resolve_settings
    from archlint.run.settings import CommandLine

    return dict(resolve_settings(CommandLine(config_path=config_path), ["."]).rules.metas)
