"""What a check produces: per design, per file and per run. Writers and views read
these types without importing the pipeline that makes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archlint.findings import SEVERITY_RANK, Finding
from archlint.input.load import Block, Source
from archlint.rules.metadata import RuleSet, builtin_rule_set


@dataclass(slots=True)
class DesignResult:
    """One design (a YAML file, or one Markdown block) after validation."""

    block: Block
    design: Any = None  # archlint.language.model.Design when it validated
    graph: Any = None  # archlint.analysis.graph.Graph when it has no input problem

    @property
    def title(self) -> str:
        """The design's name as reports show it; a sketch says so."""
        name = self.design.name if self.design is not None else f"block {self.block.index}"
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
