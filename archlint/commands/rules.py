"""`archlint rules`: every rule with its code, name, severity and summary."""

from __future__ import annotations

import click


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file (its rule-packs) instead of searching for one.")
def command(output_format: str, config_path: str | None) -> None:
    """List every rule: code, name, severity and summary; custom rules (the
    configuration's rule-packs, installed plugins) beside the built-in ones."""
    from archlint.commands.custom import load_custom_rules
    from archlint.views.rules import rules_json, rules_table

    metas = list(load_custom_rules(config_path).values())
    from archlint.formats.escape import visible_lines

    # The table shows custom packs' names and summaries: user text, escaped.
    click.echo(rules_json(metas) if output_format == "json" else visible_lines(rules_table(metas)), nl=False)
