"""The language server (`archlint lsp`): diagnostics, hover, completion, definitions,
references, symbols and quick fixes for designs in an editor. pygls and lsprotocol
are imported only here, and only when the server runs."""
