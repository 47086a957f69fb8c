"""`archlint diff OLD NEW` or `archlint diff --rev REV FILE`: what changed in a design
(components, edges, figures) and which findings are new or fixed, as Markdown for a
pull-request comment or as JSON."""

from __future__ import annotations

import gc
import os
import subprocess
import tempfile
from typing import Any

import click

from archlint.commands.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, emit, finish

GIT_TIMEOUT = 60  # seconds


class DiffError(click.ClickException):
    """A problem with the command's environment (git, the revision): exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        from archlint.formats.escape import visible

        click.echo(f"archlint: {visible(self.format_message())}", err=True)


@click.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rev", metavar="REV",
              help="Compare FILE at the git revision REV (e.g. HEAD, main, a1b2c3d) with the working copy.")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the diff to FILE.")
@click.option("--max-length", type=click.IntRange(min=0), default=65_000, show_default=True, metavar="N",
              help="Longest Markdown diff in characters, to fit a pull-request comment: past it, the lowered "
                   "targets, the summaries and the most important new findings are kept. 0: no limit.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this configuration file instead of searching for one.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True,
              help="Exit 1 when the new version brings a finding at or above this severity; never: always 0.")
def command(paths: tuple[str, ...], rev: str | None, output_format: str, output: str | None,
            config_path: str | None, max_length: int = 65_000, fail_on: str = "error") -> None:
    """Compare two versions of a design: `archlint diff OLD NEW`, or
    `archlint diff --rev REV FILE` for FILE at a git revision against the working copy.

    Exit codes: 0 when the new version brings no new finding at or above --fail-on
    (default error), 1 when it does (the report is written first), 2 for a usage problem."""
    from archlint.input.discover import display_name
    from archlint.views.diff import as_data, diff_files

    gc.disable()
    if rev is None and len(paths) != 2:
        raise click.UsageError("give two files (archlint diff OLD NEW), or one file with --rev REV")
    if rev is not None and len(paths) != 1:
        raise click.UsageError("--rev REV takes one file: the working copy, compared with the file at REV")
    from archlint.commands.outputs import refuse_overlap

    outputs = [("-o", output)] if output else []
    refuse_overlap(outputs, [("a design being compared", path) for path in paths]
                   + ([("the configuration", config_path)] if config_path else []))
    if rev is None:
        old_path, new_path = paths
        old_name, new_name = display_name(old_path), display_name(new_path)
        old, _ = _sides(old_path, old_name, config_path, outputs=outputs)
    else:
        new_path = paths[0]
        if not os.path.exists(new_path):
            raise click.UsageError(f"path '{new_path}' does not exist")
        new_name = display_name(new_path)
        old_name = f"{new_name}@{rev}"
        old = _sides_at_revision(new_path, rev, old_name, config_path, outputs)
    new, rules = _sides(new_path, new_name, config_path, outputs=outputs)
    diffs = diff_files(old, new)
    if output_format == "json":
        from archlint.views.estimate import json_text

        emit(json_text(as_data(old_name, new_name, diffs)), output)
    else:
        from archlint.views.diff_markdown import render

        emit(render(old_name, new_name, diffs, max_length, rules), output)
    finish(EXIT_FINDINGS if _fails(diffs, fail_on) else EXIT_CLEAN)


def _fails(diffs: list[Any], fail_on: str) -> bool:
    """A new finding at or above `fail_on`: the change makes the design worse, and a CI
    job gating on the diff, like one gating on `check`, should stop."""
    if fail_on == "never":
        return False
    from archlint.findings import SEVERITY_RANK

    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] <= threshold for d in diffs for f in d.findings_new)


def _sides(path: str, name: str, config_path: str | None, config_for: str | None = None,
           outputs: list[tuple[str, str]] | None = None) -> tuple[list[Any], Any]:
    """Each design of the file as a diff side, and the rules of its run (RuleSet)."""
    from archlint.commands.review import checked, views
    from archlint.views.diff import Side

    result, settings = checked(path, config_path, name=name, config_for=config_for, outputs=outputs or ())
    sides = []
    for design in result.designs:
        figures, _, title = views(design, settings, None)
        own = [f for f in result.findings if f.block == design.block.index]
        sides.append(Side(title, design.design, design.graph, None if design.block.sketch else figures, own,
                          design.block.data, design.block.index, design.block.sketch))
    return sides, settings.rule_set()


def _sides_at_revision(path: str, rev: str, name: str, config_path: str | None,
                       outputs: list[tuple[str, str]] | None = None) -> list[Any]:
    """The file as it was at REV: `git show REV:./FILE` from the file's folder, written to
    a temporary file with the same suffix (Markdown or YAML) and checked like any other,
    with the working copy's configuration."""
    folder = os.path.dirname(os.path.abspath(path))
    text = _git(["rev-parse", "--is-inside-work-tree"], folder,
                f"'{path}' is not inside a git repository, so --rev has nothing to compare with")
    if text.strip() != "true":
        raise DiffError(f"'{path}' is not inside a git work tree, so --rev has nothing to compare with")
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder,
         f"unknown revision '{rev}' (use a commit, branch or tag, e.g. HEAD or HEAD~1)")
    content = _git(["show", f"{rev}:./{os.path.basename(path)}"], folder,
                   f"'{path}' does not exist at revision '{rev}'", binary=True)
    handle, temporary = tempfile.mkstemp(suffix=os.path.splitext(path)[1] or ".yaml")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        return _sides(temporary, name, config_path, config_for=path, outputs=outputs)[0]
    finally:
        os.unlink(temporary)


def _git(arguments: list[str], folder: str, failure: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", *arguments], cwd=folder, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise DiffError("--rev needs git, and no 'git' program was found on PATH") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DiffError(f"git failed: {error}") from None
    if done.returncode != 0:
        raise DiffError(failure)
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")
