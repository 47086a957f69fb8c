"""The `archlint` command line. Each command lives in its own module under
`archlint.commands` and is imported only when it runs, so `archlint --version` and
`archlint check` load nothing they do not use."""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import click

from archlint import __version__
from archlint.commands import common

# Command name -> its module (each defines `command`).
# A write to standard output failed: full disk or device, I/O error, file too large, quota.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT})

COMMANDS = {
    "baseline": "archlint.commands.baseline",
    "catalog": "archlint.commands.catalog",
    "check": "archlint.commands.check",
    "config": "archlint.commands.config",
    "diagram": "archlint.commands.diagram",
    "diff": "archlint.commands.diff",
    "drift": "archlint.commands.drift",
    "estimate": "archlint.commands.estimate",
    "explain": "archlint.commands.explain",
    "export": "archlint.commands.export",
    "import": "archlint.commands.import_",
    "init": "archlint.commands.init",
    "lsp": "archlint.commands.lsp",
    "review": "archlint.commands.review",
    "rules": "archlint.commands.rules",
    "schema": "archlint.commands.schema",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        return None if module is None else importlib.import_module(module).command

    # Usage errors quote what the user typed or wrote (paths, keys, values): their
    # control characters are shown as escapes, so a message can neither forge a line of
    # a CI log nor reach the terminal as an escape sequence.

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _visible_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _visible_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _visible_errors() -> Iterator[None]:
    try:
        yield
    except click.ClickException as error:
        from archlint.formats.escape import visible

        # archlint's own messages are one line; click types `message` as final, but a
        # handler may rewrite it before click shows it.
        setattr(error, "message", visible(error.message))  # noqa: B010
        raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="archlint", message="%(prog)s %(version)s")
def cli() -> None:
    """archlint: lint system designs written as YAML (architecture as code)."""


def main() -> None:
    """Entry point: click handles usage errors (exit 2); anything unexpected is a bug,
    reported in one line with no traceback (exit 3)."""
    common.FAST_EXIT = True
    try:
        try:
            cli.main(prog_name="archlint", standalone_mode=True)
        finally:
            # Here, not at interpreter exit, so a failure is ours to report; a stream
            # already closed (the language server closes its own on exit) has nothing left.
            if sys.stdout is not None and not sys.stdout.closed:
                sys.stdout.flush()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("archlint: interrupted\n")
        sys.exit(130)
    except OSError as error:
        if error.errno not in OUTPUT_ERRNOS:
            _internal_error(error)
        # Standard output is full or gone (`> /dev/full`): a problem with where the
        # output goes, not a bug. Leave at once: Python would try to flush it again.
        sys.stderr.write(f"archlint: cannot write to standard output: {error.strerror or error}\n")
        sys.stderr.flush()
        os._exit(common.EXIT_USAGE)
    except Exception as error:  # the last line of defence
        _internal_error(error)


def _internal_error(error: Exception) -> NoReturn:
    """A bug: one line asking for a report, no traceback (exit 3)."""
    from archlint.formats.escape import visible

    sys.stderr.write(
        f"archlint: internal error ({type(error).__name__}: {visible(str(error))}). This is a bug in archlint; "
        f"please report it at {common.BUG_URL} with the input that caused it.\n"
    )
    if os.environ.get("ARCHLINT_DEBUG"):
        raise error
    sys.exit(common.EXIT_INTERNAL)
