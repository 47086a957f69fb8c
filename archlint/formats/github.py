"""GitHub Actions annotations (`--format github`): one workflow command per finding,
`::error file=F,line=L,col=C,title=CODE name::message`, shown on the lines of the
pull request's diff. Warnings become `::warning`, info `::notice`."""

from __future__ import annotations

from archlint.findings import Finding
from archlint.formats.escape import visible
from archlint.rules.metadata import RuleSet, builtin_rule_set
from archlint.run.results import CheckResult

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render(result: CheckResult) -> str:
    return "".join(annotation(finding, result.rules) + "\n" for finding in result.findings)


def annotation(finding: Finding, rules: RuleSet | None = None) -> str:
    rules = rules or builtin_rule_set()
    properties = {
        "file": finding.file,
        "line": str(finding.line),
        "col": str(finding.column),
        "title": f"{finding.code} {rules.name(finding.code)}",
    }
    text = finding.message if not finding.hint else f"{finding.message}\nhint: {finding.hint}"
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {listed}::{escape_data(text)}"


def escape_data(text: str) -> str:
    """A command's message: other control characters shown as in the text report
    (`\\x1b`: the log renders ANSI escapes), then `%` first, so the escapes it adds stay
    as written, and line breaks in the command's own encoding."""
    shown = "\n".join("\r".join(visible(part) for part in line.split("\r")) for line in text.split("\n"))
    return shown.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value also ends at `,` and the message starts after `::`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
