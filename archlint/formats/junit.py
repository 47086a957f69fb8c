"""JUnit XML (`--format junit`) for CI test reports: one test suite per file, one
test case per rule with findings in it, and one passing test case for a clean file, so
CI lists it as checked. A rule's case fails only when one of its findings is at or
above the file's --fail-on severity; findings below it pass, listed in the case's
system-out, so a green run shows no red tests in a CI dashboard."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from archlint.findings import SEVERITY_RANK, Finding
from archlint.rules.metadata import RuleSet
from archlint.run.results import CheckResult, FileResult

CLEAN_CASE = "no problems"
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: CheckResult) -> str:
    suites = [_suite(file, result.rules, result.fail_on.get(file.name, "error")) for file in result.files]
    tests = sum(int(suite.get("tests", "0")) for suite in suites)
    failures = sum(int(suite.get("failures", "0")) for suite in suites)
    root = ET.Element("testsuites", _counts("archlint", tests, failures))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(file: FileResult, rules: RuleSet, fail_on: str) -> ET.Element:
    by_code = groupby(sorted(file.findings, key=lambda f: f.code), key=lambda f: f.code)
    threshold = SEVERITY_RANK[fail_on]
    cases, failures = [], 0
    for code, group in by_code:
        findings = list(group)
        if any(SEVERITY_RANK[f.severity] <= threshold for f in findings):
            cases.append(_failing_case(file.name, code, findings, rules))
            failures += 1
        else:
            cases.append(_passing_case(file.name, code, findings, rules, fail_on))
    if not cases:
        cases.append(ET.Element("testcase", {"name": CLEAN_CASE, "classname": _clean(file.name),
                                             "file": _clean(file.name)}))
    suite = ET.Element("testsuite", _counts(_clean(file.name), len(cases), failures))
    suite.extend(cases)
    return suite


def _failing_case(file: str, code: str, findings: list[Finding], rules: RuleSet) -> ET.Element:
    case = ET.Element("testcase", {"name": f"{code} {rules.name(code)}", "classname": _clean(file),
                                   "file": _clean(file), "line": str(findings[0].line)})
    worst = min((f.severity for f in findings), key=SEVERITY_RANK.__getitem__)
    first = findings[0]
    message = first.message if len(findings) == 1 else f"{len(findings)} findings; the first: {first.message}"
    failure = ET.SubElement(case, "failure", {"message": _clean(message), "type": worst})
    failure.text = _clean("\n".join(_describe(f) for f in findings) + f"\ndocs: {rules.url(code)}\n")
    return case


def _passing_case(file: str, code: str, findings: list[Finding], rules: RuleSet, fail_on: str) -> ET.Element:
    case = ET.Element("testcase", {"name": f"{code} {rules.name(code)}", "classname": file, "file": file,
                                   "line": str(findings[0].line)})
    output = ET.SubElement(case, "system-out")
    output.text = _clean(f"below --fail-on {fail_on}, so not a failure:\n"
                         + "\n".join(_describe(f) for f in findings) + f"\ndocs: {rules.url(code)}\n")
    return case


def _describe(finding: Finding) -> str:
    line = f"{finding.file}:{finding.line}:{finding.column}: {finding.severity}: {finding.message}"
    return f"{line}\n  hint: {finding.hint}" if finding.hint else line


def _counts(name: str, tests: int, failures: int) -> dict[str, str]:
    return {"name": name, "tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
