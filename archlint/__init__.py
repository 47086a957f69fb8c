"""archlint: an architecture-as-code linter for system designs written in YAML."""

__version__ = "0.1.0"
