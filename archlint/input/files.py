"""Bounded reads of the files archlint reads besides designs: configurations, rule
packs and baselines (designs have their own limits, archlint.input.load).

Every read stops at a fixed cap while reading, not only from the size `stat` reports:
`--config /dev/zero` or a baseline linked to a device that never ends is cut at the
cap with a clear message, while an explicit pipe (`<(git show ...)`) stays readable.
Text formats that nest (TOML, JSON) are checked for depth before a recursive parser
sees them, so hostile nesting is a positioned error, not a RecursionError.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from archlint.input.units import format_size

# Caps, documented in the README ("Limits"): far above any real file of each kind.
CONFIG_MAX_BYTES = 1_000_000
PACK_MAX_BYTES = 5_000_000
BASELINE_MAX_BYTES = 100_000_000
MAX_NESTING = 64  # maps and lists inside each other in a configuration or a baseline
_CHUNK = 1 << 20


class TooLarge(Exception):
    """A file past its cap; the message says which cap."""

    def __init__(self, path: str, limit: int, size: int | None = None):
        self.path, self.limit, self.size = path, limit, size
        cap = format_size(limit)
        super().__init__(f"it is {size:,} bytes, above the {cap} a file of this kind may hold" if size is not None
                         else f"it holds more than the {cap} a file of this kind may hold")


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of `path`, at most `limit` of them: TooLarge past it (OSError when it
    cannot be read). A regular file's size is checked before reading; anything else
    (a pipe, a device) is read in chunks until the cap."""
    with open(path, "rb") as handle:
        return read_handle(handle, path, limit)


def read_handle(handle: BinaryIO, path: str, limit: int) -> bytes:
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        size = 0
    if size > limit:
        raise TooLarge(path, limit, size)
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = handle.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TooLarge(path, limit)
    return b"".join(chunks)


def nesting_error(text: str, syntax: str, limit: int = MAX_NESTING) -> tuple[int, int] | None:
    """(0-based line, column) of the first bracket that nests deeper than `limit` in
    JSON or TOML text, else None. Strings and (TOML) comments are skipped; the rest is
    left to the real parser, which this only keeps from recursing too deep."""
    toml = syntax == "toml"
    depth = 0
    line = line_start = 0
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if char == "\n":
            line, line_start = line + 1, index + 1
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, index - line_start
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "#" and toml:
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        elif char == '"' or (char == "'" and toml):
            triple = toml and text.startswith(char * 3, index)
            quote = char * 3 if triple else char
            index += len(quote)
            while index < end and not text.startswith(quote, index):
                if text[index] == "\\" and char == '"':
                    index += 1
                elif text[index] == "\n":
                    if not triple:
                        break  # an unterminated string: the parser will say so
                    line, line_start = line + 1, index + 1
                index += 1
            else:
                index += len(quote)
            continue
        index += 1
    return None


def package_bytes(package: str, name: str) -> bytes:
    """The bytes of data file `name` shipped in `package` (an imported package's name).
    Read beside the package's own files when they are on disk, as in any installation
    from a wheel or a checkout: importlib.resources would first import tempfile, zipfile
    and threading, a few milliseconds of every start. Through importlib.resources only
    when the package is not a folder (imported from a zip). OSError when it is absent."""
    import sys

    folder = os.path.dirname(getattr(sys.modules[package], "__file__", None) or "")
    if folder and os.path.isdir(folder):
        with open(os.path.join(folder, name), "rb") as handle:
            return handle.read()
    from importlib import resources

    return (resources.files(package) / name).read_bytes()


def yaml_digest(source: bytes) -> str:
    """The SHA-256 of a YAML file's bytes with its line ends read as YAML reads them (a
    checkout with CRLF is the same file): what a precompiled form of our own package
    data (tech.json, packs.json) records of the YAML it was made from."""
    return sha256_hex(source.replace(b"\r\n", b"\n"))


def sha256_hex(data: bytes, use_hashlib: bool | None = None) -> str:
    """SHA-256 of `data` in hex. Before anything has imported hashlib (the result cache
    does), through the interpreter's own SHA-256, which hashlib falls back to without
    OpenSSL: importing hashlib loads OpenSSL, about 4 ms of every start, while every
    start digests only the few hundred kB of package data whose precompiled forms it
    reads (about 1 ms that way). The same digest either way."""
    import sys

    if use_hashlib is None:
        use_hashlib = "hashlib" in sys.modules
    if not use_hashlib:
        for name in ("_sha2", "_sha256"):  # the module's name from Python 3.12 on, and before
            try:
                module = __import__(name)
            except ImportError:
                continue
            return str(module.sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()
