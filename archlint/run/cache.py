"""The result cache: a file checked before, with the same bytes, settings, rules and
archlint, is not checked again; its compact result (archlint.run.results.FileResult.
compact) comes back from `.archlint_cache/`.

An entry is one JSON file per (file, settings, rules, archlint) in the cache folder,
named by a digest of those; inside, it echoes its full key (which adds the file's bytes)
and, when a suppression in the file has an `until` date, the day it was checked, for
which alone it holds. An entry that cannot
be read, has another shape, or echoes another key is a miss and is written again: the
cache is never trusted over a check. Entries are written to a temporary file and renamed
into place, so runs sharing a folder see whole entries or none. A cache that cannot be
written (a read-only checkout) only costs the time it would have saved.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass
from typing import Any

from archlint.findings import SEVERITIES, Finding, Suppression
from archlint.input.load import Source, read_raw
from archlint.run.results import DesignResult, FileResult, bare_block
from archlint.run.settings import FileSettings

DEFAULT_DIR = ".archlint_cache"
FORMAT = 1  # the entries' layout; a change makes every older entry a miss
_GITIGNORE = "# Written by archlint: the result cache, safe to delete.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# archlint's result cache (https://bford.info/cachedir/)\n"


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a file's result is kept (`slot`), the key it must echo (`key`: the slot and
    the file's bytes), and the file's status when it was read: a file whose status has
    changed by the time its check ends was saved meanwhile, and its result is not kept."""

    slot: str
    key: str
    status: tuple[int, int, int, int]  # device, inode, size, modification time (ns)


class ResultCache:
    """Lookups and stores for one run; `folder` is created on the first store."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._ready = False
        # The part of the slot that depends on a file's settings only, by settings object
        # (a run shares one per configuration): serialised once, not once a file.
        self._tails: dict[int, tuple[FileSettings, str]] = {}

    def probe(self, path: str, name: str, settings: FileSettings) -> tuple[Source | None, Entry | None]:
        """Read a regular file once (read_raw): its Source, bytes still undecoded, for the
        check to parse, and its Entry. (None, None) for anything else, a FIFO or a device,
        which the check reads itself and the cache never keeps; (source, None) when the
        file cannot be read or is past its size limit (the source holds the problem)."""
        try:  # stat before opening: a FIFO's data is the check's, and /dev/zero never ends
            before = os.stat(path)
        except OSError:
            return None, None
        if not stat.S_ISREG(before.st_mode):
            return None, None
        source = read_raw(path, settings.limits, name)
        if source.raw is None:
            return source, None
        slot = hashlib.sha256(self._same(path, name, settings).encode("utf-8")).hexdigest()
        return source, Entry(slot, content_key(slot, source.raw), _status(before))

    def slot(self, path: str, name: str, settings: FileSettings) -> tuple[str, str] | None:
        """(entry name, full key) for a file under these settings; None when the file
        cannot be read or is past its size limit (the check will say why)."""
        entry = self.probe(path, name, settings)[1]
        return None if entry is None else (entry.slot, entry.key)

    def _same(self, path: str, name: str, settings: FileSettings) -> str:
        """What an entry's slot is a digest of: the layout, the file, its settings, the
        rules and archlint's code, as one JSON list."""
        known = self._tails.get(id(settings))
        if known is None or known[0] is not settings:
            tail = json.dumps([settings_key(settings), rules_key(settings), code_key()], sort_keys=True, default=repr)
            known = self._tails[id(settings)] = (settings, tail)
        head = json.dumps([FORMAT, os.path.abspath(path), name])
        return f"{head[:-1]}, {known[1][1:]}"

    @staticmethod
    def unchanged(path: str, entry: Entry) -> bool:
        """Whether the file's status is still the one it had when it was read."""
        try:
            return _status(os.stat(path)) == entry.status
        except OSError:
            return False

    def load(self, slot: str, key: str, name: str, today: str) -> FileResult | None:
        """The cached result, or None for a miss (absent, unreadable, foreign or corrupt,
        or dated by a suppression's `until` and checked on another day than `today`)."""
        try:
            with open(self._entry(slot), "rb") as handle:
                document = json.loads(handle.read())  # bytes: json reads them as UTF-8
            if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("key") != key:
                return None
            checked_on = document["today"]
            if checked_on is not None and checked_on != today:
                return None
            return _result_from(document["result"], name)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            return None

    def store(self, slot: str, key: str, result: FileResult, today: str) -> None:
        """Write the compact result atomically; a file whose rules crashed is not kept."""
        if any(finding.code == "ENG001" for finding in result.findings):
            return
        compact = result.compact()
        text = json.dumps({"format": FORMAT, "key": key, "today": today if compact.dated else None,
                           "result": _result_to(compact)}, ensure_ascii=False, separators=(",", ":"))
        try:
            self._prepare()
            _write_atomic(self._entry(slot), text)
        except OSError:
            return

    def _entry(self, slot: str) -> str:
        return os.path.join(self.folder, f"{slot}.json")

    def _prepare(self) -> None:
        """Create the folder with its .gitignore and tag. A folder that holds other files
        and no tag is not a cache (`--cache-dir .` by mistake): nothing is written there,
        least of all a .gitignore that would hide a project from git."""
        if self._ready:
            return
        os.makedirs(self.folder, exist_ok=True)
        tag = os.path.join(self.folder, "CACHEDIR.TAG")
        if not os.path.exists(tag):
            if os.listdir(self.folder):
                raise FileExistsError(f"{self.folder} is not a cache folder")
            _write_atomic(os.path.join(self.folder, ".gitignore"), _GITIGNORE)
            _write_atomic(tag, _TAG)
        self._ready = True


def content_key(slot: str, raw: bytes) -> str:
    """An entry's full key: its slot and the file's bytes."""
    return hashlib.sha256(slot.encode() + b"\0" + raw).hexdigest()


def _status(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def _write_atomic(path: str, text: str) -> None:
    import tempfile  # here: a run whose files all come from the cache writes nothing

    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide a shared cache from others
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- the key -------------------------------------------------------------------------

def settings_key(settings: FileSettings) -> Any:
    """Every setting that changes a file's findings (fail-on changes only the exit code)."""
    selection = settings.selection
    return {
        "limits": asdict(settings.limits),
        "select": None if selection is None else [selection.select, selection.extend_select, selection.ignore],
        "config_options": settings.config_options,
        "cli_options": settings.cli_options,
        "run_rules": settings.run_rules,
        "load": repr(settings.load_factor),
        "zone": repr(settings.zone_availability),
        "region": repr(settings.region_availability),
    }


def rules_key(settings: FileSettings) -> Any:
    """The rules a file may run: packs by content, plugins by distribution and version."""
    return {"packs": [[path, _file_digest(path)] for path in settings.rule_packs], "plugins": plugins_key()}


@functools.cache
def _file_digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "unreadable"


@functools.cache
def plugins_key() -> tuple[tuple[str, ...], ...]:
    """Each installed plugin's entry point with its distribution's name and version."""
    from archlint.custom.plugins import entry_points

    found = []
    for point in entry_points():
        dist = getattr(point, "dist", None)
        found.append((point.name, point.value, getattr(dist, "name", "") or "", getattr(dist, "version", "") or ""))
    return tuple(sorted(found))


@functools.cache
def code_key() -> tuple[str, str]:
    """archlint's version, and the size and modification time of its own files: an
    edited checkout (same version number, other code) does not read older results."""
    from archlint import __version__

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha256()
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".json")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{os.path.relpath(os.path.join(folder, name), root)}\0{stat.st_size}\0"
                              f"{stat.st_mtime_ns}\n".encode())
    return __version__, digest.hexdigest()


# --- entries ---------------------------------------------------------------------------

def _result_to(result: FileResult) -> dict[str, Any]:
    return {
        "name": result.name,
        "markdown": result.source.is_markdown,
        "designs": [[d.block.index, d.block.sketch, d.block.line_offset, d.name] for d in result.designs],
        "findings": [_finding_to(f) for f in result.findings],
        "suppressed": [_finding_to(f) for f in result.suppressed],
        "lines": sorted([number, text] for number, text in (result.lines or {}).items()),
        "digests": [[block, list(path), digest] for (block, path), digest in (result.digests or {}).items()],
    }


def _finding_to(finding: Finding) -> list[Any]:
    s = finding.suppression
    return [finding.code, finding.severity, finding.message, list(finding.path), finding.hint, finding.block,
            finding.line, finding.column, None if s is None else [s.reason, s.until, list(s.path)]]


def _result_from(data: dict[str, Any], name: str) -> FileResult:
    """The result an entry holds; ValueError (or TypeError, KeyError) when its shape is off."""
    _expect(data["name"] == name, "another file's entry")
    designs = []
    for index, sketch, offset, title in data["designs"]:
        _expect(_is_int(index) and isinstance(sketch, bool) and _is_int(offset)
                and isinstance(title, (str, type(None))), "design")
        designs.append(DesignResult(bare_block(index, sketch, offset), name=title))
    lines = {}
    for number, text in data["lines"]:
        _expect(_is_int(number) and isinstance(text, str), "line")
        lines[number] = text
    digests = {}
    for block, path, digest in data["digests"]:
        _expect(_is_int(block) and isinstance(digest, str), "digest")
        digests[(block, _path(path))] = digest
    markdown = data["markdown"]
    _expect(isinstance(markdown, bool), "markdown")
    return FileResult(name, Source(name, "", markdown), designs, [_finding(item, name) for item in data["findings"]],
                      [_finding(item, name) for item in data["suppressed"]], lines, digests)


def _finding(item: list[Any], name: str) -> Finding:
    code, severity, message, path, hint, block, line, column, suppression = item
    # type() rather than isinstance: a bool is not a line number (42,000 findings load in a blink).
    _expect(type(code) is str and severity in SEVERITIES and type(message) is str
            and (hint is None or type(hint) is str)
            and type(block) is int and type(line) is int and type(column) is int, "finding")
    accepted = None
    if suppression is not None:
        reason, until, where = suppression
        _expect(type(reason) is str and (until is None or type(until) is str), "suppression")
        accepted = Suppression(reason, until, _path(where))
    return Finding(code, severity, message, _path(path), hint, name, block, line, column, accepted)


def _path(value: Any) -> tuple[str | int, ...]:
    if type(value) is not list:
        raise ValueError("cache entry: bad path")
    for segment in value:  # checked inline: a run from the cache checks some 400,000 of them
        if type(segment) is not str and type(segment) is not int:
            raise ValueError("cache entry: bad path")
    return tuple(value)


def _is_int(value: Any) -> bool:
    return type(value) is int


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"cache entry: bad {what}")
