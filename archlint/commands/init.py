"""`archlint init [PATH]`: write a commented starter design."""

from __future__ import annotations

import os
import shlex

import click

from archlint.templates import DEFAULT

DEFAULT_PATH = "design.arch.yaml"


@click.command("init")
@click.argument("path", required=False, default=DEFAULT_PATH, metavar="[PATH]")
@click.option("-t", "--template", "template", default=DEFAULT, show_default=True, metavar="NAME",
              help="The starter design to write; --list shows them.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
def command(path: str, template: str, force: bool, list_templates: bool) -> None:
    """Write a starter design: a commented skeleton, or a careful example.

    PATH defaults to design.arch.yaml; a directory gets design.arch.yaml inside it, and
    - writes to standard output. An existing file is replaced only with --force."""
    from archlint.templates import TEMPLATES, starter_text

    if list_templates:
        width = max(map(len, TEMPLATES))
        click.echo("".join(f"{name:<{width}}  {summary}\n" for name, summary in TEMPLATES.items()), nl=False)
        return
    if template not in TEMPLATES:
        raise click.BadParameter(_unknown_template(template, list(TEMPLATES)), param_hint="'--template'")
    text = starter_text(template)
    if path == "-":
        click.echo(text, nl=False)
        return
    target = os.path.join(path, DEFAULT_PATH) if os.path.isdir(path) else path
    _write(target, text, force)
    click.echo(f"Wrote {target} (template {template}). Next: archlint check {shlex.quote(target)}")
    if not target.endswith((".arch.yaml", ".arch.yml")):
        click.echo("Note: checking a directory finds *.arch.yaml and *.arch.yml files only; "
                   "this one is checked when named explicitly.")


def _unknown_template(name: str, names: list[str]) -> str:
    from archlint.findings import did_you_mean

    return f"'{name}' is not a template{did_you_mean(name, names) or '.'} The templates are: {', '.join(names)}."


def _write(target: str, text: str, force: bool) -> None:
    """Create `target`, refusing to replace an existing file unless `force`."""
    parent = os.path.dirname(target) or "."
    if not os.path.isdir(parent):
        raise click.UsageError(f"cannot write '{target}': directory '{parent}' does not exist")
    from archlint.commands.outputs import write_file

    try:
        # Exclusive creation: a file that appears meanwhile is not overwritten either.
        write_file(target, text, exclusive=not force)
    except FileExistsError:
        raise click.UsageError(f"'{target}' already exists; pass --force to overwrite it") from None
