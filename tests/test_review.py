"""`archlint review`: the design-review report in Markdown and HTML."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES, expected_findings

from archlint.findings import Finding
from archlint.rules.metadata import builtin_rules
from archlint.views.review import (
    NEEDS_WORK,
    NOT_READY,
    READY,
    STEPS,
    build_review,
    step_of,
    top_issues,
    verdict,
)

EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.arch.yaml"), *EXAMPLES.glob("*.md")])


class _Page(HTMLParser):
    """Collects the text of a page and checks that every element it opens is closed."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input", "path", "polygon", "ellipse", "polyline", "image",
                      "stop", "use", "rect", "circle", "line"})

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.open: list[str] = []
        self.tags: set[str] = set()
        self.mismatched: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.mismatched.append(tag)
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def check_codes(cli, path: Path) -> list[str]:
    result = cli("check", str(path), "--format", "json")
    import json

    return sorted({f["code"] for f in json.loads(result.stdout)["findings"]})


def component_ids(path: Path) -> list[str]:
    from archlint.input.load import Limits, read_source

    source = read_source(str(path), Limits(), display=path.name)
    return sorted(cid for block in source.blocks for cid in block.data["components"])


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_markdown_and_html_for_every_example(cli, tmp_path, example):
    markdown = cli("review", str(example))
    assert markdown.exit_code == 0, markdown.stderr
    assert markdown.stdout.startswith("# Design review: ")
    headings = re.findall(r"^## (.+)$", markdown.stdout, flags=re.MULTILINE)
    sketches = ["Sketches"] if "archlint sketch" in example.read_text(encoding="utf-8") else []
    assert headings == ["Summary"] + [title for _, title in STEPS] + sketches
    assert "```mermaid\n" in markdown.stdout
    codes = check_codes(cli, example)
    for code in codes:
        assert f" {code}**" in markdown.stdout

    report = tmp_path / "report.html"
    html = cli("review", str(example), "-o", str(report))
    assert html.exit_code == 0 and html.stdout == ""
    text = report.read_text(encoding="utf-8")
    page = parse_page(text)
    assert page.mismatched == [] and page.open == []
    body = "".join(page.text)
    assert "Summary" in body and "Strengths" in body and "Most important issues" in body and "Verdict: " in body
    for code in codes:
        assert code in body
    for cid in component_ids(example):
        assert cid in body
    # One inline script (zoom and pan), nothing loaded from elsewhere.
    assert text.count("<script") == 1 and "<script>" in text and " src=" not in text
    assert "http://" not in text.replace("http://www.w3.org", "")
    assert "https://" not in text.replace("https://archlint.dev/", "")  # nothing fetched


def test_verdicts_of_naive_shop_and_url_shortener(cli):
    naive = cli("review", str(EXAMPLES / "naive-shop.arch.yaml")).stdout
    assert "**Verdict: ❌ not ready** (5 errors: fix every error before the review)." in naive
    good = cli("review", str(EXAMPLES / "url-shortener.arch.yaml")).stdout
    assert "**Verdict: ✅ ready for review** (no errors and no warnings)." in good
    strengths = good.split("### Strengths\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "- availability and latency targets are stated, and every flow meets them" in strengths
    assert "- redundancy: spread over 3 zones, no single point of failure flagged" in strengths


def test_top_issues_put_errors_first_then_what_breaks_the_system():
    def finding(code: str, severity: str) -> Finding:
        return Finding(code, severity, "m", ("components", code.lower()), file="d.yaml", line=1, column=1)

    metas = builtin_rules()
    findings = [finding("DOC001", "warning"), finding("OBS001", "warning"), finding("DAT003", "warning"),
                finding("SCL001", "error"), finding("CAC001", "info")]
    assert [f.code for f in top_issues(findings, metas)] == ["SCL001", "DAT003", "OBS001"]
    # A synchronous cycle and a single point of failure on a critical flow outrank a
    # missing document section of the same severity, whatever order they come in.
    gaps = [finding("DOC003", "warning"), finding("DOC005", "warning"), finding("OBS002", "warning"),
            finding("AVL001", "warning"), finding("ARC003", "warning")]
    assert [f.code for f in top_issues(gaps, metas)] == ["ARC003", "AVL001", "OBS002"]
    assert verdict(findings)[0] == NOT_READY
    assert verdict(findings[:3])[0] == READY
    assert verdict(findings[:3] * 2)[0] == NEEDS_WORK


def test_the_review_step_and_weight_of_each_rule_come_from_its_pack():
    metas = builtin_rules()
    assert [step_of(code, metas) for code in ("DOC001", "DOC002", "DOC003", "ARC002", "ASY002", "ASY003", "RES001",
                                              "AVL001", "DOC005", "OBS003")] == [
        "requirements", "estimation", "api", "high-level", "high-level", "deep-dives", "deep-dives",
        "bottlenecks", "trade-offs", "observability"]
    # Every built-in rule says where it goes: no Python table fills the gaps.
    steps = {key for key, _ in STEPS}
    for code, meta in metas.items():
        assert meta.review_step in steps, code
        assert meta.review_weight is not None and 0 <= meta.review_weight <= 10, code
    # A rule that names no step (a custom rule) is not filed under a step silently.
    assert step_of("XYZ123", metas) == "other"


def test_a_custom_rule_is_ranked_and_filed_by_its_pack_review_fields(tmp_path):
    from archlint.custom.packs import load_packs

    (tmp_path / "org.yaml").write_text(
        "- code: ORG001\n  name: service-without-owner\n  severity: warning\n  summary: Services have owners.\n"
        "  review: {step: trade-offs, weight: 10}\n  select: {components: {kind: service}}\n"
        "  condition: 'owner == null'\n  message: '{id} has no owner'\n"
        "- code: ORG002\n  name: no-step\n  severity: warning\n  summary: Anything.\n"
        "  select: {components: {kind: service}}\n  condition: 'owner == null'\n  message: '{id} again'\n")
    metas = {**builtin_rules(), **load_packs((str(tmp_path / "org.yaml"),), frozenset()).metas}
    findings = [Finding(code, "warning", "m", ("components", "api"), file="d.yaml", line=4, column=3)
                for code in ("AVL001", "ORG002", "ORG001")]
    review = build_review("d.yaml", [], findings, metas)
    assert [f.code for f in review.top_issues] == ["ORG001", "AVL001", "ORG002"]
    filed = {step.key: [f.code for f in step.findings] for step in review.steps}
    assert filed["trade-offs"] == ["ORG001"] and filed["bottlenecks"] == ["AVL001"] and filed["other"] == ["ORG002"]


def test_a_pack_with_a_wrong_review_step_is_refused(tmp_path, cli):
    (tmp_path / "org.yaml").write_text(
        "- code: ORG001\n  name: o\n  severity: warning\n  summary: S.\n  review: {step: deep-dive, weight: 3}\n"
        "  select: {components: {kind: service}}\n  condition: 'owner == null'\n  message: 'm'\n")
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [org.yaml]\n")
    (tmp_path / "d.arch.yaml").write_text("archlint: 1\nname: d\ncomponents:\n  api: {kind: service}\n")
    result = cli("check", str(tmp_path / "d.arch.yaml"))
    assert result.exit_code == 2
    assert "org.yaml:5" in result.stderr and "deep-dive" in result.stderr


def test_rfc_is_reviewed_as_one_document_with_positions_in_the_markdown(cli, tmp_path):
    # The RFC's sketch made a full design: both are reviewed, as one document.
    rfc = tmp_path / "rfc.md"
    example = (EXAMPLES / "rfc-order-service.md").read_text()
    rfc.write_text(example.replace("```yaml archlint sketch", "```yaml archlint"))
    result = cli("review", str(rfc))
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Design review: order-service, order-history\n")
    assert out.count("## Summary") == 1 and out.count("```mermaid") == 2
    assert "**Verdict: ⚠️ needs work** (5 warnings (more than 3))." in out
    # positions are lines of the Markdown file (the block's first line is line 69,
    # indented 3 in a list item), not of the block
    assert f"**warning OBS001** `{rfc}:69:4` `$`: " in out
    # covered items of the second design carry its name
    assert "- order-history: " in out


def test_a_sketch_in_the_rfc_is_listed_and_leaves_the_verdict_alone(cli, tmp_path):
    out = cli("review", str(EXAMPLES / "rfc-order-service.md")).stdout
    assert out.startswith("# Design review: order-service\n")
    assert "**Verdict: ✅ ready for review** (no errors and no warnings)." in out
    assert "- order-history (sketch): 2 components (`examples/rfc-order-service.md:69`)" in out
    assert 'title: "order-history (sketch)"' in out.split("## Sketches\n", 1)[1]
    # The same RFC without its "Alternatives considered" section gets the same verdict.
    text = (EXAMPLES / "rfc-order-service.md").read_text()
    alone = tmp_path / "alone.md"
    alone.write_text(text[: text.index("## Alternatives considered")])
    verdict_line = [line for line in out.splitlines() if line.startswith("**Verdict")]
    assert [line for line in cli("review", str(alone)).stdout.splitlines()
            if line.startswith("**Verdict")] == verdict_line


def test_a_sketch_gets_input_problems_only(cli, tmp_path):
    rfc = tmp_path / "rfc.md"
    rfc.write_text("# RFC\n\n```archlint sketch\narchlint: 1\nname: rough\ncomponents:\n"
                   "  api: {kind: service, calls: [db]}\n  db: {tech: postgres}\n```\n")
    clean = cli("check", str(rfc), "--format", "json")
    assert clean.exit_code == 0
    document = json.loads(clean.stdout)
    assert document["findings"] == [] and document["files"][0]["designs"] == 0
    assert document["files"][0]["sketches"] == 1
    assert cli("estimate", str(rfc)).stdout == f"rough (sketch) ({rfc}): a sketch, so no figures\n"
    # An input problem in a sketch is still an error, at its line of the Markdown.
    rfc.write_text("# RFC\n\n```archlint sketch\narchlint: 1\nname: rough\ncomponents:\n"
                   "  api: {kind: service, calls: [dbb]}\n  db: {tech: postgres}\n```\n")
    broken = cli("check", str(rfc))
    assert broken.exit_code == 1
    assert broken.stdout.startswith(f"{rfc}:7:") and "INP020" in broken.stdout
    assert broken.stdout.endswith("in 1 file (0 designs, 1 sketch).\n")


def test_output_is_deterministic(cli, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    cli("review", str(EXAMPLES / "naive-shop.arch.yaml"), "-o", str(first))
    cli("review", str(EXAMPLES / "naive-shop.arch.yaml"), "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    chat = str(EXAMPLES / "chat.arch.yaml")
    assert cli("review", chat).stdout == cli("review", chat).stdout


def test_html_escapes_text_from_the_design(cli, tmp_path):
    design = tmp_path / "evil.arch.yaml"
    design.write_text(
        "archlint: 1\nname: '<script>alert(1)</script>'\n"
        "requirements: {functional: ['<b>bold</b> & more']}\n"
        "components:\n  web: {kind: client, calls: [api]}\n  api: {kind: service}\n",
        encoding="utf-8")
    report = tmp_path / "r.html"
    assert cli("review", str(design), "-o", str(report)).exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text
    page = parse_page(text)
    assert page.mismatched == [] and page.open == []


def test_html_without_an_engine_carries_the_mermaid_text(cli, tmp_path, monkeypatch):
    from archlint.render import engine

    monkeypatch.setattr(engine, "bundled_program", lambda: None)
    report = tmp_path / "r.html"
    assert cli("review", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(report)).exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "<svg" not in text and "<script" not in text
    assert '<pre class="mermaid">---\ntitle: &quot;url-shortener&quot;\n---\nflowchart LR\n' in text


def test_html_inlines_the_svg_with_zoom_and_the_estimate_as_tables(cli, tmp_path):
    report = tmp_path / "r.html"
    cli("review", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(report))
    text = report.read_text(encoding="utf-8")
    assert text.count("<svg") == 1 and "<?xml" not in text and "<!DOCTYPE svg" not in text
    assert '<div class="zoom"><div class="canvas"><svg' in text and 'data-zoom="fit"' in text
    assert "<pre>" not in text  # the estimate is not a preformatted block any more
    assert ('<table class="figures"><thead><tr><th>flow</th><th>average</th><th>peak</th><th>arithmetic</th></tr>'
            "</thead>") in text
    estimate = cli("estimate", str(EXAMPLES / "url-shortener.arch.yaml")).stdout
    first_flow = estimate.splitlines()[4].split()  # the first row under the flow-rates header: redirect
    assert f"<tr><td>{first_flow[0]}</td><td>{first_flow[1]}</td><td>{first_flow[2]}</td>" in text


def test_invalid_design_prints_positioned_errors_and_no_report(cli, tmp_path):
    design = tmp_path / "bad.arch.yaml"
    design.write_text("archlint: 1\nname: bad\ncomponents:\n  api: {kind: servise}\n", encoding="utf-8")
    result = cli("review", str(design))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "bad.arch.yaml:4:9: INP011 error invalid-value: " in result.stderr


def test_unknown_report_suffix_is_a_usage_error(cli):
    result = cli("review", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", "report.pdf")
    assert result.exit_code == 2
    assert "cannot tell the report format from 'report.pdf'; end it in .md, .markdown, .html or .htm" in result.stderr


def test_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("review", str(tmp_path / "nope.arch.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_risks_accepted_by_the_author_are_listed_with_reason_and_expiry(cli, tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: d\ncomponents:\n  web: {kind: client, calls: [admin]}\n"
                      "  admin:\n    kind: service\n    replicas: 2\n"
                      "    lint: {ignore: {AVL005: {reason: internal tool, until: 2099-03-31}}}\n")
    out = cli("review", str(design)).stdout
    section = out.split("### Risks accepted by the author\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(section) == 1
    assert section[0].startswith(f"- **warning AVL005** `{design}:5:3` `components.admin`: ")
    assert section[0].endswith("Accepted: internal tool (`components.admin.lint.ignore.AVL005`, until 2099-03-31).")
    # An accepted finding is shown, not judged: it is not among the issues.
    assert "AVL005" not in out.split("### Most important issues", 1)[1].split("### Risks", 1)[0]
    page = tmp_path / "r.html"
    cli("review", str(design), "-o", str(page))
    assert "Risks accepted by the author" in page.read_text() and "until 2099-03-31" in page.read_text()


def test_a_long_review_keeps_its_summary_and_most_important_findings(cli):
    naive = str(EXAMPLES / "naive-shop.arch.yaml")
    whole = cli("review", naive, "--max-length", "0").stdout
    assert whole == cli("review", naive).stdout  # 38k characters: under the 65,000 default
    cut = cli("review", naive, "--max-length", "5000").stdout
    assert len(cut) <= 5000
    summary = whole.split("## Requirements", 1)[0]
    assert cut.startswith(summary + "## Findings, most important first\n\n")
    shown = [line for line in cut.split("## Findings, most important first\n\n", 1)[1].splitlines()
             if line.startswith("- **")]
    # The synchronous cycle (weight 10) leads, then the other errors; every finding the
    # example marks is either shown or counted.
    total = len(expected_findings((EXAMPLES / "naive-shop.arch.yaml").read_text()))
    assert shown[0].startswith("- **error ARC003**")
    assert [line.split()[1] for line in shown[:5]] == ["**error"] * 5
    assert cut.splitlines()[-1].startswith(f"**{total - len(shown)} more findings not shown**")
    assert "`--max-length 0`" in cut and "-o review.html" in cut


def _missing(out: str) -> list[str]:
    """Every 'Missing:' item of a review, in step order."""
    items: list[str] = []
    for section in out.split("Missing:\n\n")[1:]:
        items += [line[2:] for line in section.split("\n\n", 1)[0].splitlines()]
    return items


def test_what_is_missing_is_asked_only_of_what_the_design_has(cli, tmp_path):
    # A back-office pipeline: no client, nothing public, two compute components, one
    # read flow; every flow carries its own targets.
    design = tmp_path / "d.arch.yaml"
    design.write_text(
        "archlint: 1\nname: reports\nrequirements: {functional: [Build the nightly report]}\n"
        "components:\n  cron: {kind: worker, replicas: 2, calls: {builder: {timeout: 1s}}}\n"
        "  builder: {kind: service, replicas: 2}\n"
        "flows:\n  nightly: {rate: 1/day, type: read, availability: 99%, latency_p99: 2s, steps: [cron -> builder]}\n"
        "observability: {metrics: prometheus, logs: loki, alerting: alertmanager}\n"
        "decisions: [{topic: runtime, choice: python, why: the team knows it, tradeoffs: slower}]\n")
    out = cli("review", str(design)).stdout
    # No payload or retention (no write flow), no daily users or API (no client, nothing
    # public), no consistency model (no data store), no tracing (2 compute components),
    # no requirement-level targets (the only flow has its own): only the peak factor.
    assert _missing(out) == ["scale.peak\\_factor: the default of 2 is used"]
    # A write flow without a payload is named; a store asks for a consistency model.
    design.write_text(design.read_text().replace("type: read", "type: write").replace(
        "  builder: {kind: service, replicas: 2}\n",
        "  builder: {kind: service, replicas: 2, calls: {db: {timeout: 1s}}}\n"
        "  db: {tech: postgres, replication: {replicas: 1}}\n").replace("cron -> builder", "cron -> builder -> db"))
    assert _missing(cli("review", str(design)).stdout) == [
        "consistency model (requirements.consistency)", "scale.peak\\_factor: the default of 2 is used",
        "scale.retention: needed for storage growth",
        "a payload on write flow nightly: needed for storage growth and bandwidth"]


def test_a_configured_pack_places_its_findings_by_its_review_fields(cli, tmp_path):
    (tmp_path / "org.yaml").write_text(
        "- code: ORG001\n  name: service-without-owner\n  severity: warning\n  summary: Services have owners.\n"
        "  review: {step: trade-offs, weight: 10}\n  select: {components: {kind: service}}\n"
        "  condition: 'owner == null'\n  message: '{id} has no owner'\n")
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [org.yaml]\n")
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: d\ncomponents:\n  web: {kind: client, calls: [api]}\n"
                      "  api: {kind: service, replicas: 2}\n")
    out = cli("review", str(design)).stdout
    top = out.split("### Most important issues\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert top[0].startswith("1. **warning ORG001**")  # weight 10 leads the warnings
    assert "ORG001" in out.split("## Trade-offs\n", 1)[1].split("\n## ", 1)[0]


def test_the_html_review_draws_with_the_configured_engine(cli, tmp_path, monkeypatch):
    """`diagram-engine: system` in the configuration is the review's engine too: with no
    `dot` on PATH the page shows the Mermaid text; the default engine draws the SVG."""
    pytest.importorskip("diagrams")
    design = tmp_path / "url-shortener.arch.yaml"
    design.write_text((EXAMPLES / "url-shortener.arch.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    import shutil

    which = shutil.which
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: None if name == "dot" else which(name, *args,
                                                                                                         **kwargs))
    assert cli("review", str(design), "-o", "default.html").exit_code == 0
    assert "<svg" in (tmp_path / "default.html").read_text()
    (tmp_path / ".archlint.yaml").write_text("diagram-engine: system\n")
    assert cli("review", str(design), "-o", "system.html").exit_code == 0
    page = (tmp_path / "system.html").read_text()
    assert "<svg" not in page and '<pre class="mermaid">' in page
