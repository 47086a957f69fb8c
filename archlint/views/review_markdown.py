"""`archlint review` as Markdown: the summary, then one section per review step, with
the estimate tables in a code block and the diagram as a Mermaid block."""

from __future__ import annotations

from typing import Any

from archlint.findings import Finding, path_str
from archlint.formats.escape import code_fence, code_span, markdown_text
from archlint.formats.limit import DEFAULT_MAX_LENGTH, fit, more_line
from archlint.rules.phrasing import plural

SKETCH_NOTE = ("Checked for input problems only: no rules, figures or verdict come from a sketch "
               "(an `archlint sketch` fence).")
VERDICT_MARK = {"ready for review": "✅", "needs work": "⚠️", "not ready": "❌"}


def render(review: Any, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """The report; past `max_length` characters (0: no limit), the summary and then the
    findings, most important first, as many as fit."""
    full, summary_end = _render(review)
    if not max_length or len(full) <= max_length:
        return full
    head = full.splitlines()[:summary_end] + ["## Findings, most important first", ""]
    return fit(head, [f"- {finding_line(f)}" for f in review.ranked], _footer, max_length)


def _footer(left_out: int) -> list[str]:
    how = ("The review steps, figures and diagrams are left out too. For the whole review run again with "
           "`--max-length 0`, or write it as one page with `-o review.html`.")
    if not left_out:
        return ["", "Shortened to fit `--max-length`. " + how]
    return ["", more_line(left_out, how)]


def _render(review: Any) -> tuple[str, int]:
    """The whole report, and the number of lines of its summary."""
    from archlint.render import mermaid
    from archlint.views.estimate import render_text as estimate_text

    counts = review.counts()
    lines = [f"# Design review: {_inline(', '.join(d.title for d in review.designs))}", "",
             f"File: {code_span(review.name)}", "", "## Summary", "",
             f"**Verdict: {VERDICT_MARK.get(review.verdict, '')} {review.verdict}** "
             f"({_inline(review.verdict_reason)}).",
             "", f"Findings: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
                 f"{counts['info']} info.", "",
             "### Strengths", ""]
    lines += [f"- {_inline(text)}" for text in review.strengths] or ["- none recorded yet"]
    lines += ["", "### Most important issues", ""]
    lines += [f"{i}. {finding_line(f)}" for i, f in enumerate(review.top_issues, 1)] or ["- none"]
    lines.append("")
    if review.accepted:
        lines += ["### Risks accepted by the author", ""]
        lines += [f"- {finding_line(f)} {accepted_text(f)}" for f in review.accepted]
        lines.append("")
    if review.sketches:
        lines += ["### Sketches", "", SKETCH_NOTE, ""]
        lines += [f"- {_inline(s.title)}: {s.components} component{'' if s.components == 1 else 's'} "
                  f"({code_span(review.name + ':' + str(s.line))})" for s in review.sketches]
        lines.append("")
    summary_end = len(lines)
    for step in review.steps:
        lines += [f"## {step.title}", ""]
        if step.covers:
            lines += ["Covered:", ""] + [f"- {_inline(text)}" for text in step.covers] + [""]
        if step.missing:
            lines += ["Missing:", ""] + [f"- {_inline(text)}" for text in step.missing] + [""]
        if step.key == "estimation":
            for design in review.designs:
                lines += [*code_fence(estimate_text(review.name, design.title, design.figures).rstrip().splitlines(),
                                      "text"), ""]
        if step.key == "high-level":
            for design in review.designs:
                lines += [*code_fence(mermaid.render(design.model).rstrip().splitlines(), "mermaid"), ""]
        if step.findings:
            lines += ["Findings:", ""] + [f"- {finding_line(f)}" for f in step.findings] + [""]
        elif not step.covers and not step.missing:
            lines += ["Nothing to report.", ""]
    if review.sketches:
        lines += ["## Sketches", ""]
        for sketch in review.sketches:
            lines += [*code_fence(mermaid.render(sketch.model).rstrip().splitlines(), "mermaid"), ""]
    return "\n".join(lines).rstrip() + "\n", summary_end


def accepted_text(finding: Finding) -> str:
    """Why the author accepts a finding, and until when."""
    accepted = finding.suppression
    if accepted is None:
        return ""
    until = f", until {accepted.until}" if accepted.until else ""
    return f"Accepted: {_inline(accepted.reason)} ({code_span(path_str(accepted.path))}{until})."


def finding_line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    hint = f" (hint: {_inline(finding.hint)})" if finding.hint else ""
    return (f"**{finding.severity} {finding.code}** {code_span(where)} {code_span(finding.path_text)}: "
            f"{_inline(finding.message)}{hint}")


def _inline(text: str) -> str:
    """Text from the design, safe in a Markdown paragraph: no raw HTML, no accidental
    emphasis, links or mentions (archlint.formats.escape)."""
    return markdown_text(text)
