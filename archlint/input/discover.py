"""Which files a `check` covers: named files as they are, directories searched for
design files (`*.arch.yaml`, `*.arch.yml`) and Markdown carrying `archlint` fences."""

from __future__ import annotations

import os
import re
import stat

DESIGN_SUFFIXES = (".arch.yaml", ".arch.yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Folders no one keeps designs in; walking them only costs time.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_FENCE_HINT = re.compile(rb"^[ \t>]*(?:`{3,}|~{3,})[ \t]*(?:yaml[ \t]+)?archlint\b", re.MULTILINE | re.IGNORECASE)


class MissingPath(Exception):
    """A path named on the command line does not exist (a usage error)."""


def display_name(path: str) -> str:
    """A stable, readable name: relative to the working directory when below it."""
    normal = os.path.normpath(path)
    if os.path.isabs(normal):
        try:
            relative = os.path.relpath(normal)
        except ValueError:
            relative = normal
        if not relative.startswith(".."):
            normal = relative
    return normal.replace(os.sep, "/")


def has_archlint_fence(path: str, limit: int) -> bool:
    try:
        with open(path, "rb") as handle:
            return _FENCE_HINT.search(handle.read(limit)) is not None
    except OSError:
        return True  # let the loader report why it cannot be read


def _special(path: str) -> bool:
    """A named pipe, socket or device: not a design file, and opening a pipe would wait
    for a writer forever. (A broken or looping link is kept: the loader says why it
    cannot be read.)"""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def discover(paths: list[str], max_file_size: int, warnings: list[str] | None = None) -> list[tuple[str, bool]]:
    """Files to check with whether they were named explicitly (`exclude` globs apply
    only to files found in directories), sorted by display name so that output does
    not depend on the order of the arguments. In a directory, symlinked folders are
    not followed, a link to a file outside the directory is skipped, and only regular
    files are read; what is skipped that way, and folders that cannot be read, are
    added to `warnings` (one line each)."""
    if warnings is None:
        warnings = []
    found: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise MissingPath(path)
        explicit = not os.path.isdir(path)
        candidates = [path] if explicit else _walk(path, max_file_size, warnings)
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append((candidate, explicit))
    return sorted(found, key=lambda item: display_name(item[0]))


def _walk(root: str, max_file_size: int, warnings: list[str]) -> list[str]:
    matches: list[str] = []
    inside = os.path.realpath(root)

    def unreadable(error: OSError) -> None:
        where = display_name(error.filename) if error.filename else display_name(root)
        warnings.append(f"archlint: warning: cannot read the folder {where}: {error.strerror or error}; "
                        f"its files are not checked")

    for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in sorted(files):
            lower = name.lower()
            full = os.path.join(folder, name)
            if not lower.endswith(DESIGN_SUFFIXES + MARKDOWN_SUFFIXES) or _special(full):
                continue
            if os.path.islink(full) and os.path.exists(full) and not _within(os.path.realpath(full), inside):
                warnings.append(f"archlint: warning: skipped {display_name(full)}: it links to a file outside "
                                f"{display_name(root)} (name it on the command line to check it)")
                continue
            if lower.endswith(DESIGN_SUFFIXES):
                matches.append(full)
            elif lower.endswith(MARKDOWN_SUFFIXES) and has_archlint_fence(full, max_file_size):
                matches.append(full)
    return matches


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
