"""`archlint rules`: every rule with its code, name, severity and summary."""

from __future__ import annotations

import click

@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(output_format: str) -> None:
    """List every rule: code, name, severity and summary."""
    from archlint.report.rules import rules_json, rules_table
    from archlint.rulepack import builtin_rules

    metas = list(builtin_rules().values())
    click.echo(rules_json(metas) if output_format == "json" else rules_table(metas), nl=False)
