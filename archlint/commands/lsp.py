"""`archlint lsp`: the language server, for editors."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def command(stdio: bool) -> None:
    """Run the Language Server Protocol server over standard input and output, for
    diagnostics as you type, hover, completion, go to definition and quick fixes in an
    editor (docs/editors.md shows how to set up VS Code, Neovim, Helix and JetBrains)."""
    from archlint.lsp.server import main

    main()
