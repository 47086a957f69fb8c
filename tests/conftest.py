"""Shared helpers: run the CLI in-process (fast) or as a real process (exit codes, start-up)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archlint.catalog import load_catalog
from archlint.input.load import Limits
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


_MARKER = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)\s*$")


def expected_findings(text: str) -> set[tuple[str, int, int]]:
    """(code, line, column) from `# expect: CODE[, CODE]` markers; the column is where
    the marked line's key or list item starts (a list item's content, not its dash)."""
    expected = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.search(line)
        if not match:
            continue
        content = line.lstrip(" >")
        column = len(line) - len(content) + 1
        if content.startswith("- "):
            column += 2
        for code in re.split(r"\s*,\s*", match["codes"]):
            expected.add((code, number, column))
    return expected


SNAPSHOT_ROOT = Path(__file__).resolve().parent / "snapshots"


def assert_snapshot(folder: str, name: str, text: str) -> None:
    """Compare output with tests/snapshots/<folder>/<name>; ARCHLINT_UPDATE_SNAPSHOTS=1
    rewrites the snapshots (review the diff)."""
    path = SNAPSHOT_ROOT / folder / name
    if os.environ.get("ARCHLINT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"no snapshot {folder}/{name}; create it with ARCHLINT_UPDATE_SNAPSHOTS=1"
    assert text == path.read_bytes().decode("utf-8"), f"output differs from snapshot {folder}/{name}"


def check_text(tmp_path: Path, text: str | bytes, name: str = "design.arch.yaml", limits: Limits | None = None):
    """Write `text` to a file and check it as input (no rules); returns the file's findings."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    settings = FileSettings(limits=limits or Limits(), run_rules=False)
    return check_file(str(path), name, settings, load_catalog()).findings


def codes_at(findings) -> list[tuple[str, int, int]]:
    return [(f.code, f.line, f.column) for f in findings]


@pytest.fixture(autouse=True)
def _from_the_project_root(monkeypatch):
    """Tests name files relative to the project, as a user in a clone does: run each
    from the root whatever folder pytest was started in."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True)
def _own_result_cache(monkeypatch, tmp_path):
    """In-process checks keep their result cache in the test's own folder, so no test
    reads what another wrote (tests replace checks, which the cache key cannot see)."""
    monkeypatch.setattr("archlint.run.cache.DEFAULT_DIR", str(tmp_path / ".archlint_cache"))


@pytest.fixture
def cli():
    from archlint.cli import cli as command

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(command, list(args), catch_exceptions=False)

    return invoke


def run_process(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """archlint as a user runs it: a new process, real exit code, real stderr. A `check`
    neither reads nor writes the result cache unless the test names one (--cache-dir):
    each run really checks, and nothing is left in the working directory."""
    if args[:1] == ("check",) and not {"--no-cache", "--cache-dir"} & set(args):
        args = (*args, "--no-cache")
    return subprocess.run(
        [sys.executable, "-m", "archlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def parse_json(text: str):
    return json.loads(text)
