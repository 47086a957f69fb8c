"""`archlint catalog [TECH]`: the technology catalog, or one entry of it."""

from __future__ import annotations

import click

from archlint.language.kinds import KINDS


@click.command("catalog")
@click.argument("tech", required=False)
@click.option("--kind", "kinds", type=click.Choice(KINDS), multiple=True,
              help="List only technologies of this kind (repeatable).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(tech: str | None, kinds: tuple[str, ...], output_format: str) -> None:
    """List the technologies a component's `tech` may name: ids, aliases, kind, managed
    or self-run, and their figures with sources. With TECH (an id, an alias, or a kind
    for the defaults of an unknown tech), show that entry in full."""
    from archlint.catalog import KindDefaults, load_catalog
    from archlint.views.catalog import catalog_json, catalog_table, entry_text

    catalog = load_catalog()
    if tech is None:
        entries = [entry for entry in catalog.entries if not kinds or entry.kind in kinds]
        if output_format == "json":
            click.echo(catalog_json(catalog, [(entry.id, entry) for entry in entries]), nl=False)
        else:
            click.echo(catalog_table(catalog, entries), nl=False)
        return
    if kinds:
        raise click.UsageError("--kind filters the list; it does not apply to one entry")
    found = catalog.lookup(tech)
    entry: KindDefaults
    if found is not None:
        name, entry = found.id, found
    else:
        kind = catalog.kind_for_tech(tech)
        if kind is None:
            close = catalog.suggest(tech)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ";"
            raise click.UsageError(f"'{tech}' is not in the technology catalog{hint} `archlint catalog` lists "
                                   f"them all; an unknown tech falls back to its kind's defaults "
                                   f"(`archlint catalog KIND`)")
        name, entry = kind, catalog.kind_default(kind)
    if output_format == "json":
        click.echo(catalog_json(catalog, [(name, entry)]), nl=False)
    else:
        click.echo(entry_text(catalog, entry, name), nl=False)
