"""One module per `archlint` command; each defines `command`, loaded on first use."""
