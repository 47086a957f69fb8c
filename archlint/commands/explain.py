"""`archlint explain CODE`: one rule's documentation."""

from __future__ import annotations

import click


@click.command("explain")
@click.argument("code")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file (its rule-packs) instead of searching for one.")
def command(code: str, config_path: str | None) -> None:
    """Print the documentation of one rule, built-in or custom."""
    from archlint.commands.custom import load_custom_rules
    from archlint.run.engine import selector_problem
    from archlint.views.rules import explain_text

    metas = load_custom_rules(config_path)
    meta = metas.get(code.upper())
    if meta is None:
        problem = selector_problem(code.upper(), metas) or f"'{code}' is a prefix, not one rule"
        raise click.UsageError(f"{problem}; `archlint rules` lists them all")
    from archlint.formats.escape import visible_lines

    click.echo(visible_lines(explain_text(meta)), nl=False)  # a custom pack's docs are user text
