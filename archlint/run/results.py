"""What a check produces: per design, per file and per run. Writers and views read
these types without importing the pipeline that makes them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archlint.findings import SEVERITY_RANK, Finding, Path
from archlint.input.load import Block, Source
from archlint.rules.metadata import RuleSet, builtin_rule_set

# libyaml ends a line at any of these, so YAML marks count them all; Markdown
# positions count "\n" only (archlint.input.markdown splits on it).
_YAML_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # the breaks other than \n


@dataclass(slots=True)
class DesignResult:
    """One design (a YAML file, or one Markdown block) after validation."""

    block: Block  # in a compact result, without its text, data and marks
    design: Any = None  # the validated Design (archlint.language.compiled, or model when pydantic validated it)
    graph: Any = None  # archlint.analysis.graph.Graph when it has no input problem
    name: str | None = None  # the design's name, kept when the model is dropped

    @property
    def title(self) -> str:
        """The design's name as reports show it; a sketch says so."""
        name = self.design.name if self.design is not None else self.name or f"block {self.block.index}"
        return f"{name} (sketch)" if self.block.sketch else name


@dataclass(slots=True)
class FileResult:
    name: str
    source: Source
    designs: list[DesignResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Findings the design accepts in `lint.ignore`, each with its Suppression: they
    # neither count nor fail a run, but reports can show them.
    suppressed: list[Finding] = field(default_factory=list)
    # The compact form (see `compact`): the lines findings point at, by 1-based number,
    # and each finding's node digest by (block, path); None while the source is whole
    # (digests: also in a compact result of a run whose reports read none).
    lines: dict[int, str] | None = None
    digests: dict[tuple[int, Path], str] | None = None
    # Whether a suppression in the file has an `until` date: then the findings depend on
    # the day of the check, and a cached result holds only for that day.
    dated: bool = False

    def line(self, number: int) -> str | None:
        """The file's line `number` (1-based; in Markdown, the .md line), if known."""
        if self.lines is not None:
            return self.lines.get(number)
        lines = split_lines(self.source.text, self.source.is_markdown)
        return lines[number - 1] if 0 < number <= len(lines) else None

    def digest(self, finding: Finding) -> str:
        """The digest of the node `finding` points at (archlint.run.fingerprints), which
        baselines and SARIF fingerprints use."""
        if self.digests is not None:
            known = self.digests.get((finding.block, finding.path))
            if known is not None:
                return known
        elif self.lines is not None:  # compact without digests: its data is gone too
            raise RuntimeError(f"the node digests of {self.name} were not kept")
        from archlint.run.fingerprints import node_digest

        data = {design.block.index: design.block.data for design in self.designs}
        return node_digest(data.get(finding.block), finding.path)

    def compact(self, digests: bool = True) -> FileResult:
        """This result with only what reports read: findings, the lines they point at,
        their node digests (unless `digests` is False: no report of the run reads them,
        and they cost 0.3 s on a 50k-component design), and each design's index, name and
        sketch flag. A run over many files keeps these instead of the text, data, model
        and graph of every design."""
        if self.lines is not None:
            return self
        everything = self.findings + self.suppressed
        found = lines_at(self.source.text, self.source.is_markdown, {f.line for f in everything})
        lines = {f.line: found[f.line] for f in everything if f.line in found}
        kept = {(f.block, f.path): self.digest(f) for f in everything} if digests else None
        designs = [DesignResult(bare_block(d.block.index, d.block.sketch, d.block.line_offset),
                                name=d.design.name if d.design is not None else d.name) for d in self.designs]
        dated = any(entry.until is not None for d in self.designs if d.design is not None
                    for entry in _ignore_entries(d.design))
        return FileResult(self.name, Source(self.name, "", self.source.is_markdown), designs,
                          list(self.findings), list(self.suppressed), lines, kept, dated)


def _ignore_entries(design: Any) -> list[Any]:
    """Every `lint.ignore` entry of a design, its own and its components'."""
    entries = list(design.lint.ignore.values()) if design.lint is not None else []
    for component in design.components.values():
        if component.lint is not None:
            entries += component.lint.ignore.values()
    return entries


def bare_block(index: int, sketch: bool, line_offset: int) -> Block:
    """A block as a compact result keeps it: where it is and whether it is a sketch."""
    return Block(index, "", line_offset, sketch=sketch)


_PIECE = 1 << 20  # characters of text split at a time by lines_at


def lines_at(text: str, is_markdown: bool, wanted: set[int]) -> dict[int, str]:
    """The lines numbered in `wanted` (1-based, as split_lines numbers them) that the
    text has. The text is split a piece at a time, each ending at a \\n (so a \\r\\n is
    never cut): all the lines of a large design at once (800k at 50k components) would
    be the biggest thing alive when a check ends."""
    numbers = sorted(number for number in wanted if number > 0)
    found: dict[int, str] = {}
    if not text:
        return found
    # Most files break lines with \n alone: str.split then numbers the lines as the
    # regular expression would, about ten times faster (0.43 s for design-50k's lines).
    plain = not any(mark in text for mark in _OTHER_BREAKS)
    first, start, index = 1, 0, 0  # the piece's first line number and offset; next wanted
    while index < len(numbers):
        end = text.find("\n", start + _PIECE)
        piece = text[start:] if end < 0 else text[start:end + 1]
        if plain:
            rows = piece.split("\n")
        else:
            rows = [row.rstrip("\r") for row in piece.split("\n")] if is_markdown else _YAML_BREAKS.split(piece)
        if end >= 0:
            rows.pop()  # the empty text after the piece's last break: the next piece starts there
        after = first + len(rows)
        while index < len(numbers) and numbers[index] < after:
            found[numbers[index]] = rows[numbers[index] - first]
            index += 1
        if end < 0:
            break
        first, start = after, end + 1
    return found


def split_lines(text: str, is_markdown: bool) -> list[str]:
    """A file's lines as findings number them."""
    if not text:
        return []
    if is_markdown:
        return [line.rstrip("\r") for line in text.split("\n")]
    return _YAML_BREAKS.split(text)


@dataclass(slots=True)
class CheckResult:
    files: list[FileResult] = field(default_factory=list)
    fail_on: dict[str, str] = field(default_factory=dict)  # file name -> its --fail-on
    rules: RuleSet = field(default_factory=builtin_rule_set)  # every rule of the run, for names and docs
    baselined: int | None = None  # findings a `--baseline` file accepted; None without one

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.files for finding in result.findings]

    @property
    def suppressed(self) -> list[Finding]:
        return [finding for result in self.files for finding in result.suppressed]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self) -> bool:
        """Whether any file has a finding at or above its own fail-on severity."""
        for result in self.files:
            threshold = SEVERITY_RANK[self.fail_on.get(result.name, "error")]
            if any(SEVERITY_RANK[f.severity] <= threshold for f in result.findings):
                return True
        return False

    @property
    def crashed(self) -> bool:
        """A rule crashed (ENG001): the run is incomplete, exit 3."""
        return any(f.code == "ENG001" for f in self.findings)
