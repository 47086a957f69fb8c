"""`archlint explain CODE`: one rule's documentation."""

from __future__ import annotations

import click

@click.command("explain")
@click.argument("code")
def command(code: str) -> None:
    """Print the documentation of one rule."""
    from archlint.engine import selector_problem
    from archlint.report.rules import explain_text
    from archlint.rulepack import builtin_rules

    metas = builtin_rules()
    meta = metas.get(code.upper())
    if meta is None:
        problem = selector_problem(code.upper(), metas) or f"'{code}' is a prefix, not one rule"
        raise click.UsageError(f"{problem}; `archlint rules` lists them all")
    click.echo(explain_text(meta), nl=False)
