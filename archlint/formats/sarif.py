"""SARIF 2.1.0 (`--format sarif`) for code-scanning services such as GitHub's.

Locations are relative URIs under `%SRCROOT%` (the directory archlint ran in, in CI the
checkout), so alerts land on the design file's lines. Each result carries a fingerprint
that ignores line numbers, so a finding keeps its alert when lines are added above it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any
from urllib.parse import quote

from archlint import __version__
from archlint.findings import Finding
from archlint.formats import jsontext
from archlint.rules.metadata import DOCS_BASE, RuleSet
from archlint.run.results import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT = "archlint/v1"  # bump the suffix if what the fingerprint hashes changes
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_DESCRIPTION_LIMIT = 1024  # the longest rule description GitHub code scanning takes


def render(result: CheckResult) -> str:
    # Findings the design accepts are results too, with a `suppressions` entry carrying
    # the author's reason: code scanning shows them as dismissed, not as gone.
    findings = [finding for file in result.files for finding in file.findings + file.suppressed]
    codes = sorted({finding.code for finding in findings})
    index = {code: position for position, code in enumerate(codes)}
    rules = [_descriptor(code, result.rules, findings) for code in codes]
    places: dict[str, dict[str, str]] = {}  # one artifactLocation per file, shared by its results
    results = [_result(finding, index[finding.code], places) for finding in findings]
    for entry, fingerprint in zip(results, fingerprints(result, with_suppressed=True)):
        entry["partialFingerprints"] = {FINGERPRINT: fingerprint}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS_BASE,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": not result.crashed}],
                "columnKind": "unicodeCodePoints",  # archlint's columns count code points
                "results": results,
            }
        ],
    }
    return jsontext.dumps(log) + "\n"


def _descriptor(code: str, rule_set: RuleSet, findings: list[Finding]) -> dict[str, Any]:
    meta = rule_set.meta(code)
    if meta is None:  # a code with no metadata: describe it by what it reported
        severity = next(f.severity for f in findings if f.code == code)
        summary = what = code
    else:
        severity, summary = meta.severity, meta.summary
        what = " ".join(str(meta.docs.get("what", "")).split()) or summary
    descriptor: dict[str, Any] = {
        "id": code,
        "name": rule_set.name(code),
        "shortDescription": {"text": _cut(summary)},
        "fullDescription": {"text": _cut(what)},
        "helpUri": rule_set.url(code),
        "defaultConfiguration": {"level": LEVELS[severity]},
    }
    if not descriptor["helpUri"]:  # a plugin's rule may have no page
        del descriptor["helpUri"]
    if meta is not None:
        from archlint.views.rules import explain_text

        # The rule's whole page, which GitHub shows under the alert.
        descriptor["help"] = {"text": f"{summary} {rule_set.url(code)}", "markdown": explain_text(meta)}
    return descriptor


def _result(finding: Finding, rule_index: int, places: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    text = finding.message if not finding.hint else f"{finding.message}\nhint: {finding.hint}"
    entry = _located(finding, rule_index, text, places)
    if finding.suppression is not None:
        accepted = finding.suppression
        until = f" (until {accepted.until})" if accepted.until else ""
        entry["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                  "justification": f"{accepted.reason}{until}"}]
    return entry


def _located(finding: Finding, rule_index: int, text: str,
             places: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    if places is None:
        place = artifact_location(finding.file)
    else:
        place = places.get(finding.file) or places.setdefault(finding.file, artifact_location(finding.file))
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": place,
                    "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
                }
            }
        ],
    }


def artifact_location(name: str) -> dict[str, str]:
    """A display name (relative to the working directory, or absolute when the file
    lies outside it) as a URI reference; only a relative one may name a base."""
    if name.startswith("/"):
        return {"uri": "file://" + quote(name)}
    if len(name) > 2 and name[1] == ":" and name[2] == "/":  # C:/... on Windows
        return {"uri": "file:///" + quote(name, safe="/:")}
    return {"uri": quote(name), "uriBaseId": SOURCE_ROOT}


def fingerprints(result: CheckResult, with_suppressed: bool = False) -> list[str]:
    """One per finding, in order: a hash of the file, design block, code, YAML path and
    the digest of the node at that path that baselines use (archlint.run.baseline), so code
    scanning and baselines agree on what is the same finding. No line number goes in:
    inserting lines above a finding keeps its alert; editing the node starts a new one.
    Identical hashes within a run are told apart by count."""
    seen: Counter[str] = Counter()
    prints = []
    for file in result.files:
        for finding in file.findings + (file.suppressed if with_suppressed else []):
            digest = file.digest(finding)
            key = "\0".join((finding.file, str(finding.block), finding.code, finding.path_text, digest))
            value = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
            seen[value] += 1
            prints.append(value if seen[value] == 1 else f"{value}:{seen[value]}")
    return prints


def _cut(text: str) -> str:
    if len(text) <= _DESCRIPTION_LIMIT:
        return text
    return text[: _DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"
