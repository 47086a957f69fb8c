"""`archlint schema`: the JSON Schema of the design language."""

from __future__ import annotations

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of the design language."""
    from archlint.language.schema import schema_text

    click.echo(schema_text(), nl=False)
