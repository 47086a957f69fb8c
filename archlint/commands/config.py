"""`archlint config --show [PATH]`: the effective configuration and where each value
came from."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import click

# A string YAML reads back as the same string, unquoted, inside a flow collection.
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.%/*-]*\Z")


@click.command("config")
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("--show", is_flag=True, help="Print the effective configuration for PATH (default: here).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Show this configuration file instead of the one found for PATH.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def command(path: str, show: bool, config_path: str | None, output_format: str) -> None:
    """Show the effective configuration and where each value came from.

    With --show, prints the configuration that applies to PATH (a file or a folder):
    each key's value and its source, the configuration file's key or `default`."""
    from archlint.commands.common import resolve_settings
    from archlint.input.discover import display_name
    from archlint.run.config import effective
    from archlint.run.settings import CommandLine

    if not show:
        raise click.UsageError("say what to do: `archlint config --show [PATH]` prints the effective configuration")
    if not os.path.lexists(path):
        raise click.UsageError(f"path '{path}' does not exist")
    config = resolve_settings(CommandLine(config_path=config_path), [path]).config_for(path)
    file = display_name(config.path) if config.path else None
    settings = [(setting.key, setting.value, setting.source) for setting in effective(config)]
    if output_format == "json":
        click.echo(_json(display_name(path), file, settings), nl=False)
    else:
        click.echo(_text(display_name(path), file, settings), nl=False)


def _json(path: str, file: str | None, settings: list[tuple[str, Any, str | None]]) -> str:
    document = {
        "version": 1,
        "path": path,
        "config": file,
        "settings": {
            key: {"value": value, "source": None if source is None else {"file": file, "key": source}}
            for key, value, source in settings
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def _text(path: str, file: str | None, settings: list[tuple[str, Any, str | None]]) -> str:
    """YAML a reader could paste into .archlint.yaml, each line commented with its source."""
    found = f"from {file}" if file else "no configuration file found, every value is the default"
    rows: list[tuple[str, str]] = []
    limits_started = False
    for key, value, source in settings:
        origin = "default" if source is None else f"{file}: {source}"
        if key.startswith("limits."):
            if not limits_started:
                rows.append(("limits:", ""))
                limits_started = True
            rows.append((f"  {key[len('limits.'):]}: {_flow(value)}", origin))
        else:
            rows.append((f"{key}: {_flow(value)}", origin))
    width = max(len(text) for text, origin in rows if origin)
    lines = [f"# effective configuration for {path}: {found}"]
    lines += [f"{text.ljust(width)}  # {origin}" if origin else text for text, origin in rows]
    from archlint.formats.escape import visible

    return "\n".join(visible(line) for line in lines) + "\n"  # paths and values as written, escaped


def _flow(value: Any) -> str:
    """A value in YAML flow style: `[RES, ARC001]`, `{legacy/**: [RES001]}`."""
    from archlint.input.load import resolve_plain

    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(str(key))}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, str):
        plain = _PLAIN.match(value) is not None and resolve_plain(value) == value
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, default=str)
