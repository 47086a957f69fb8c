"""Every file archlint writes goes through here: reports (`check -o`, `estimate -o`,
`diff -o`, `review -o`), pictures (`diagram`), baselines, the Markdown that
`diagram --write` edits, and `init`'s starter design. Nothing a user wrote is lost:

- An output that names an input (a design being checked, a configuration, a rule pack,
  a baseline), directly or through a link, is refused before anything is written; so
  are two outputs naming one file. Files are compared by real path and by device and
  inode, never by spelling.
- A write goes to a temporary file in the target's folder, is flushed to disk, and is
  renamed over the target, keeping an existing file's permissions: a full disk, a
  killed process or an unwritable folder leaves the old file as it was.
- An edit of a file archlint read (`diagram --write`) lands only if the file still
  holds what was read; otherwise archlint says so and writes nothing.
- A symbolic link is written through (the link stays, its file is replaced) only when
  the file it reaches lies in the link's own folder or below: a link planted in a
  checkout (`design.png -> ~/.bashrc`) is refused, not followed out of the tree.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from typing import Any

import click

from archlint.formats.escape import visible

EXIT_USAGE = 2
_OWN_STREAMS = re.compile(r"/dev/(?:stdout|stderr|fd/\d+)|/proc/self/fd/\d+")


class OutputError(click.ClickException):
    """An output that cannot or must not be written (exit 2, no usage text)."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"archlint: {visible(self.format_message())}", err=True)


class ChangedMeanwhile(OutputError):
    """The file changed between archlint reading it and writing it."""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def same_file(first: str, second: str) -> bool:
    """Whether two names reach one file: the same real path, or (both existing) the
    same device and inode, which also catches hard links and bind mounts."""
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    one, other = _identity(first), _identity(second)
    return one is not None and one == other


def own_stream(path: str) -> bool:
    """`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the system's names for
    this process's own streams, which the user opened (a pipe, a redirect), not a file
    to replace."""
    return _OWN_STREAMS.fullmatch(os.path.abspath(path)) is not None


def escaping_link(path: str) -> str | None:
    """The file a symbolic link at `path` reaches when that lies outside the link's own
    folder (or the link is a loop), else None."""
    if not os.path.islink(path) or own_stream(path):
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return None  # a stream (/dev/stdout, a pipe): written in place, no file is replaced
    target = os.path.realpath(path)
    home = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    inside = target.startswith(home.rstrip(os.sep) + os.sep) and not os.path.islink(target)
    return None if inside else target


def refuse_escaping_link(path: str, instead: str = "write elsewhere") -> None:
    target = escaping_link(path)
    if target is not None:
        raise OutputError(f"cannot write '{path}': it is a symbolic link to '{target}', outside the folder that "
                          f"holds it; archlint writes through a link only to a file in that folder or below, so "
                          f"that a link in a checkout cannot make it replace a file elsewhere: remove the link, "
                          f"or {instead}")


def refuse_overlap(outputs: Sequence[tuple[str, str]], inputs: Iterable[tuple[str, str]]) -> None:
    """Raise OutputError when an output (flag, path) is one of the inputs (what, path)
    or when two outputs name the same file; standard output ('-' or None) is never a
    file. Called before anything is checked or written."""
    files = [(flag, path) for flag, path in outputs if path not in (None, "-")]
    for flag, path in files:
        refuse_escaping_link(path, f"choose another {flag}" if flag.startswith("-") else "choose another path with -o")
    for index, (_flag, path) in enumerate(files):
        for other_flag, other in files[:index]:
            if same_file(path, other):
                how = "it is given twice" if os.path.abspath(path) == os.path.abspath(other) else \
                    f"it is the file {other_flag} '{other}' writes too (through a link)"
                raise OutputError(f"cannot write '{path}': {how}; each output needs its own file")
    if not files:
        return
    for what, source in inputs:
        for flag, path in files:
            if same_file(path, source):
                linked = "" if os.path.abspath(path) == os.path.abspath(source) else f" '{source}' (the same file)"
                raise OutputError(f"cannot write '{path}': it is {what}{linked}; archlint never writes over an "
                                  f"input, choose another {flag}")


def digest(data: bytes) -> str:
    """What `write_file(expected=...)` compares: the content as read."""
    import hashlib  # here, as tempfile below: a check that writes no file needs neither

    return hashlib.sha256(data).hexdigest()


def write_file(path: str, data: bytes | str, *, expected: str | None = None, exclusive: bool = False) -> None:
    """Write `data` to `path` atomically (see the module's docstring).

    `expected`: the digest of the content read earlier; the write is refused
    (ChangedMeanwhile) when the file no longer holds it. `exclusive`: refuse an
    existing file (FileExistsError), also one that appears while writing."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if own_stream(path):
        # Appended where the stream stands: what `> file` opened is empty, `>> file` keeps its text.
        _write_in_place(path, path, data, append=True)
        return
    refuse_escaping_link(path)
    target = os.path.realpath(path) if os.path.islink(path) else path  # keep the link, replace its file
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _cannot(path, error, existed=False) from None
    if mode is not None and exclusive:
        raise FileExistsError(path)
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputError(f"cannot write '{path}': it is a folder")
        _write_in_place(path, target, data)  # /dev/null, /dev/stdout, a pipe: nothing to replace
        return
    folder = os.path.dirname(os.path.abspath(target))
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as error:
        raise _cannot(path, error, existed=mode is not None) from None
    try:
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fchmod(stream.fileno(), stat.S_IMODE(mode) if mode is not None else _new_file_mode())
                os.fsync(stream.fileno())
            if expected is not None:
                _still_as_read(path, target, expected)
            if exclusive:
                os.link(temporary, target)  # fails if the target appeared meanwhile
            else:
                os.replace(temporary, target)
        except OSError as error:
            if isinstance(error, FileExistsError) and exclusive:
                raise
            raise _cannot(path, error, existed=mode is not None) from None
    finally:
        if os.path.lexists(temporary):
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _still_as_read(path: str, target: str, expected: str) -> None:
    try:
        with open(target, "rb") as handle:
            now = handle.read()
    except OSError:
        now = b""
    if digest(now) != expected:
        raise ChangedMeanwhile(f"'{path}' changed while archlint was working on it (saved by an editor or "
                               f"another run?); nothing was written: run the command again")


def _write_in_place(path: str, target: str, data: bytes, append: bool = False) -> None:
    try:
        with open(target, "ab" if append else "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise _cannot(path, error, existed=False) from None


def _new_file_mode() -> int:
    """What `open()` would give a new file: read-write for all, less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _cannot(path: str, error: OSError, existed: bool) -> OutputError:
    reason = error.strerror or str(error)
    kept = "; the existing file is unchanged" if existed else ""
    return OutputError(f"cannot write '{path}': {reason}{kept}")
