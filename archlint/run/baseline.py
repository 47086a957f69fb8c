"""Baselines: accept today's findings so that only new ones fail a run.

An entry names a finding by file, YAML path, code and a digest of the node the path
names, never by line: inserting lines above a finding, re-indenting, reordering keys or
editing comments keeps it baselined, while editing the node itself brings the finding
back for a fresh look. Input problems (INP) and crashes (ENG) are never recorded: a file
that cannot be read is not checked at all, so accepting that would hide everything.

Nothing here prints or exits; `load` is the only function that reads a file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from archlint.findings import Finding
from archlint.run.results import CheckResult, FileResult

VERSION = 1
UNRECORDED_PREFIXES = ("INP", "ENG")
_FIELDS = ("file", "code", "path", "hash")
_INDEX = re.compile(r"\[\d+\]")


class BaselineError(Exception):
    """A baseline file that cannot be used: a usage error with a message for the user."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One accepted finding. `message` is for people reading the file, not for matching."""

    file: str
    code: str
    path: str
    hash: str
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.file, self.code, self.path, self.hash)

    @property
    def loose_key(self) -> tuple[str, str, str, str]:
        """The key with list indices blurred: an item that moved in its list still matches."""
        return (self.file, self.code, _INDEX.sub("[*]", self.path), self.hash)

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "code": self.code, "path": self.path, "hash": self.hash, "message": self.message}


# An entry of the baseline that no finding matched any more (fixed, or its node changed).
StaleEntry = Entry


def recordable(finding: Finding) -> bool:
    """Whether a finding may be baselined: not an input problem, not a crash."""
    return not finding.code.startswith(UNRECORDED_PREFIXES)


def _relative(name: str, root: str) -> str:
    """A file's name relative to the baseline's folder, so the baseline works from any
    working directory."""
    return os.path.relpath(os.path.abspath(name), os.path.abspath(root)).replace(os.sep, "/")


def _entries_of(file_result: FileResult, root: str) -> list[tuple[int, Entry]]:
    """Each recordable finding of a file (by its index) with the entry that would accept it."""
    file = _relative(file_result.name, root)
    pairs = []
    for index, finding in enumerate(file_result.findings):
        if recordable(finding):
            digest = file_result.digest(finding)
            pairs.append((index, Entry(file, finding.code, finding.path_text, digest, finding.message)))
    return pairs


# --- recording, reading, applying ----------------------------------------------------------

def record(result: CheckResult, root: str = ".") -> dict[str, Any]:
    """The baseline document accepting every recordable finding of `result`; file names
    are relative to `root`, the folder the baseline file will live in."""
    return document_of(entry for file_result in result.files for _, entry in _entries_of(file_result, root))


def render(document: dict[str, Any]) -> str:
    """JSON text with one finding per line, so that a change to the baseline reads as
    one added or removed line per finding in a review."""
    lines = ["{", f'  "version": {json.dumps(document["version"])},', '  "findings": [']
    findings = document["findings"]
    for index, entry in enumerate(findings):
        comma = "," if index < len(findings) - 1 else ""
        lines.append("    " + json.dumps(entry, ensure_ascii=False) + comma)
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def load(path: str) -> dict[str, Any]:
    """Read and validate a baseline file; BaselineError says what is wrong with it."""
    from archlint.input.files import BASELINE_MAX_BYTES, MAX_NESTING, TooLarge, nesting_error, read_bounded

    try:
        raw = read_bounded(path, BASELINE_MAX_BYTES)
    except FileNotFoundError:
        raise BaselineError(
            f"baseline '{path}' does not exist; create it with `archlint baseline PATH... -o {path}`"
        ) from None
    except OSError as error:
        raise BaselineError(f"cannot read baseline '{path}': {error.strerror or error}") from None
    except TooLarge as error:
        raise BaselineError(f"baseline '{path}' not read: {error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BaselineError(f"baseline '{path}' is not UTF-8 text") from None
    deep = nesting_error(text, "json")
    if deep is not None:  # the JSON parser recurses: refuse before it could overflow
        raise BaselineError(f"baseline '{path}' nests deeper than {MAX_NESTING} levels at line {deep[0] + 1} "
                            f"column {deep[1] + 1}; a baseline is two levels deep")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"baseline '{path}' is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    shape = 'an object with "version": 1 and a "findings" list, as written by `archlint baseline`'
    if not isinstance(document, dict) or "version" not in document or "findings" not in document:
        raise BaselineError(f"'{path}' is not an archlint baseline: expected {shape}")
    if type(document["version"]) is not int or document["version"] != VERSION:  # true and 1.0 equal 1 in Python
        raise BaselineError(
            f"baseline '{path}' has version {json.dumps(document['version'])}; this archlint reads version {VERSION} "
            f"(record it again with `archlint baseline`)"
        )
    findings = document["findings"]
    if not isinstance(findings, list):
        raise BaselineError(f"'{path}' is not an archlint baseline: expected {shape}")
    for index, entry in enumerate(findings):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(name), str) for name in _FIELDS):
            raise BaselineError(
                f"baseline '{path}': findings[{index}] must be an object with the text fields "
                f"{', '.join(_FIELDS)} (and an optional message)"
            )
    return document


def entries(baseline: dict[str, Any]) -> list[Entry]:
    return [
        Entry(item["file"], item["code"], item["path"], item["hash"], str(item.get("message", "")))
        for item in baseline["findings"]
    ]


def apply(result: CheckResult, baseline: dict[str, Any], root: str = ".") -> tuple[CheckResult, list[StaleEntry]]:
    """`result` without the findings the baseline accepts, and the baseline's entries
    that matched nothing (to report, so the file can shrink). Each entry accepts one
    finding: first by exact key, then allowing list indices to differ. File names are
    taken relative to `root`, the baseline file's folder. Only entries of files checked
    in this run can be stale: pre-commit checks the staged files alone, and an entry of
    another file says nothing about it."""
    pending = entries(baseline)
    used = [False] * len(pending)
    by_key: dict[tuple[str, ...], list[int]] = {}
    by_loose: dict[tuple[str, ...], list[int]] = {}
    for index, entry in enumerate(pending):
        by_key.setdefault(entry.key, []).append(index)
        by_loose.setdefault(entry.loose_key, []).append(index)

    def take(candidates: list[int] | None) -> bool:
        for index in candidates or ():
            if not used[index]:
                used[index] = True
                return True
        return False

    accepted: set[tuple[int, int]] = set()  # (file, finding) positions
    per_file = [_entries_of(file_result, root) for file_result in result.files]
    for loose in (False, True):  # exact keys first, so a moved item cannot take another's entry
        index_of = by_loose if loose else by_key
        for file_index, pairs in enumerate(per_file):
            for finding_index, entry in pairs:
                place = (file_index, finding_index)
                key = entry.loose_key if loose else entry.key
                if place not in accepted and take(index_of.get(key)):
                    accepted.add(place)
    files = [
        replace(file_result, findings=[finding for index, finding in enumerate(file_result.findings)
                                       if (file_index, index) not in accepted])
        for file_index, file_result in enumerate(result.files)
    ]
    checked = checked_files(result, root)
    stale = [entry for index, entry in enumerate(pending) if not used[index] and entry.file in checked]
    return CheckResult(files=files, fail_on=dict(result.fail_on), rules=result.rules, baselined=len(accepted)), stale


def checked_files(result: CheckResult, root: str = ".") -> set[str]:
    """The files of a run as baseline entries name them (relative to `root`)."""
    return {_relative(file_result.name, root) for file_result in result.files}


def carried_over(baseline: dict[str, Any], result: CheckResult, root: str = ".") -> list[Entry]:
    """Entries of files this run did not check: re-recording some files keeps them."""
    checked = checked_files(result, root)
    return [entry for entry in entries(baseline) if entry.file not in checked]


def prune(baseline: dict[str, Any], root: str = ".") -> tuple[dict[str, Any], list[Entry]]:
    """The baseline without entries whose file no longer exists (relative to `root`, the
    baseline's folder), and those entries."""
    kept: list[Entry] = []
    gone: list[Entry] = []
    for entry in entries(baseline):
        (kept if os.path.isfile(os.path.join(root, entry.file)) else gone).append(entry)
    return document_of(kept), gone


def document_of(items: Iterable[Entry]) -> dict[str, Any]:
    ordered = sorted(items, key=lambda entry: (entry.file, entry.path, entry.code, entry.hash, entry.message))
    return {"version": VERSION, "findings": [entry.as_dict() for entry in ordered]}


def stale_messages(stale: Iterable[StaleEntry], baseline_path: str) -> list[str]:
    """One line per stale entry, for standard error of `check --baseline`: they do not
    fail the run (a fixed finding should never break CI), they ask for a re-record."""
    lines = [
        f"archlint: {baseline_path}: {entry.file}: {entry.code} at {entry.path} no longer matches a finding "
        f"(fixed, or its node changed)"
        for entry in stale
    ]
    if lines:
        lines.append(f"archlint: run `archlint baseline ... -o {baseline_path}` again to drop "
                     f"{'it' if len(lines) == 1 else 'them'}")
    return lines


def apply_file(result: CheckResult, baseline_path: str) -> tuple[CheckResult, list[str]]:
    """What `check --baseline FILE` needs in one call: the result without the accepted
    findings, and the lines to print about stale entries. Raises BaselineError."""
    document = load(baseline_path)
    kept, stale = apply(result, document, root=os.path.dirname(baseline_path) or ".")
    return kept, stale_messages(stale, baseline_path)
