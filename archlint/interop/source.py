"""Reading what teams already have: files and folders of YAML or JSON, several documents
per file and merge keys allowed (Kubernetes streams, Helm output, Compose `x-` anchors
with `<<`), under the same limits as designs (size, depth, alias expansion).

Every problem is an `ImportProblem` naming the input's file, line and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archlint.findings import Path, path_str
from archlint.input.load import InputProblem, Limits, MarkNode, decode, locate, parse_yaml_stream
from archlint.input.units import format_size

INPUT_SUFFIXES = (".yaml", ".yml", ".json")


class ImportProblem(Exception):
    """Input an importer cannot read; `file:line:col` 1-based, ready to print."""

    def __init__(self, file: str, line: int, column: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.file, self.line, self.column, self.message, self.hint = file, line, column, message, hint

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: error: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass(slots=True)
class Doc:
    """One YAML document of an input file, with the marks that place its nodes."""

    file: str
    index: int  # 0-based document number in the file
    data: Any
    marks: MarkNode

    def place(self, path: Path) -> tuple[int, int]:
        """1-based line and column of `path`, or of its nearest present ancestor; the
        document itself is where it starts."""
        if not path:
            return self.marks[0] + 1, self.marks[1] + 1
        line, column = locate(self.data, self.marks, path)
        return line + 1, column + 1

    def at(self, path: Path) -> str:
        """`file:line` of `path`, for `# from` comments."""
        return f"{self.file}:{self.place(path)[0]}"

    def problem(self, path: Path, message: str, hint: str | None = None) -> ImportProblem:
        line, column = self.place(path)
        return ImportProblem(self.file, line, column, message, hint)

    def get(self, path: Path) -> Any:
        value = self.data
        for segment in path:
            if isinstance(value, dict) and isinstance(segment, str):
                value = value.get(segment)
            elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
                value = value[segment]
            else:
                return None
        return value


def expand(paths: list[str]) -> list[str]:
    """Files as given; folders walked (sorted, hidden entries and symlinked folders
    skipped) for *.yaml, *.yml and *.json. A missing path is a usage problem."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
                for name in sorted(names):
                    if name.endswith(INPUT_SUFFIXES) and not name.startswith("."):
                        files.append(os.path.normpath(os.path.join(root, name)))
        else:
            files.append(path)
    return files


def read_docs(path: str, limits: Limits, display: str | None = None) -> list[Doc]:
    """Every non-empty document of one file."""
    name = display or path
    try:
        size = os.stat(path).st_size
        if size > limits.max_file_size:
            raise ImportProblem(
                name,
                1,
                1,
                f"the file is {format_size(size)}, above the "
                f"{format_size(limits.max_file_size)} limit (limit max-file-size)",
            )
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_file_size + 1)
    except OSError as error:
        raise ImportProblem(name, 1, 1, f"the file cannot be read: {error.strerror or error}") from None
    if len(raw) > limits.max_file_size:
        raise ImportProblem(
            name, 1, 1, f"the file holds more than the {format_size(limits.max_file_size)} limit (limit max-file-size)"
        )
    text, bad = decode(raw)
    if bad is not None:
        raise ImportProblem(name, bad.line, bad.column, bad.message, bad.hint)
    try:
        documents = parse_yaml_stream(text, limits)
    except InputProblem as problem:
        hint = problem.hint
        if "{{" in text:
            hint = (
                "this looks like an unrendered template; render it first (e.g. `helm template`) and import the output"
            )
        message = problem.message.replace("a design is plain data", "archlint reads inputs as plain data")
        if problem.code == "INP004" and ("'!reset'" in message or "'!override'" in message):
            message = "Compose's !reset and !override tags are not supported by archlint import yet"
            hint = "apply the override by hand (drop the key, or write its final value) and import again"
        raise ImportProblem(name, problem.line + 1, problem.column + 1, message, hint) from None
    return [Doc(name, index, data, marks) for index, (data, marks) in enumerate(documents)
            if data is not None and marks is not None]


def require_map(doc: Doc, path: Path, what: str) -> dict[str, Any]:
    value = doc.get(path)
    if not isinstance(value, dict):
        raise doc.problem(path, f"{what} ({path_str(path)}) must be a map, not {type_name(value)}")
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "a map", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def walk_strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_strings(item, path + (index,))
