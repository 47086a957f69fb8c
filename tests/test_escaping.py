"""Output never forges, breaks out or injects: the same hostile strings go into every
user field of every output, and each output still reads as archlint wrote it.

- text format and standard error: no line starts with `::` and none holds a raw
  control character (colours from --color always aside);
- github: exactly one workflow command per finding;
- Markdown (`--format markdown`, review, diff): parses with the string inside its
  cell, paragraph or code span, no HTML, link, image or mention from the string;
- SARIF and JSON parse and carry the string exactly; JUnit XML and the HTML review parse.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import run_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from archlint.findings import Finding
from archlint.formats import github, junit, sarif, text
from archlint.formats import json as json_format
from archlint.formats import markdown as markdown_format
from archlint.formats.escape import code_fence, code_span, markdown_text, visible, visible_path
from archlint.input.load import Source
from archlint.run.results import CheckResult, FileResult

HOSTILE = [
    "\n::error file=x.yaml,line=1::forged",
    "\r::warning::carriage return",
    "\x1b[2J\x1b]0;new title\x07cleared",
    "\x85next line \u2028line separator \u2029paragraph",
    "\u202eright-to-left override",
    "```` fence and `tick`",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "[a link](http://evil.example) ![an image](http://evil.example/x.png)",
    "@octocat and @org/team, please approve",
    "https://evil.example/x and www.evil.example",
    "| a cell | breaks the row",
    "<!-- an unclosed comment",
    "*emphasis* _under_ ~~strike~~ # heading \\ backslash &amp; &#64;",
    "",
    " ",
    "::",
]
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MARKDOWN = MarkdownIt("commonmark").enable("table")


def finding_with(value: str, **fields: str) -> Finding:
    return Finding("INP010", "error", f"unknown key {value}", ("components", value), f"remove {value}",
                   file=fields.get("file", "d.arch.yaml"), line=3, column=5)


def result_of(*findings: Finding) -> CheckResult:
    files = {}
    for finding in findings:
        files.setdefault(finding.file, []).append(finding)
    return CheckResult(files=[FileResult(name, Source(name), [], found) for name, found in files.items()])


class Text(HTMLParser):
    """The text and the tags of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    parser.close()
    return parser


def strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def github_commands(output: str) -> list[str]:
    """The runner reads one command per "\n"-ended line; a "\r" must not appear either."""
    assert "\r" not in output
    return output.split("\n")[:-1]


def assert_plain_text_lines(output: str) -> None:
    for line in output.split("\n"):
        assert not line.startswith("::"), line
        assert not CONTROL.search(line), repr(line)


# --- the helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", HOSTILE)
def test_visible_keeps_a_string_on_one_line_without_control_characters(value):
    shown = visible(value)
    assert "\n" not in shown and not CONTROL.search(shown)


def test_visible_shows_escapes_a_reader_recognises():
    assert visible("a\nb\r\tc\x1b[31m\x00\u2028") == "a\\nb\\r\\tc\\x1b[31m\\x00\\u2028"


def test_a_file_name_starting_with_a_colon_is_shown_as_relative():
    assert visible_path("::error::x.arch.yaml") == "./::error::x.arch.yaml"
    assert visible_path("docs/a.arch.yaml") == "docs/a.arch.yaml"


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_reads_literally_and_mentions_no_one(value):
    fragment = parsed(MARKDOWN.render(f"before {markdown_text(value)} after"))
    assert fragment.tags == ["p"]
    assert "".join(fragment.text).strip() == f"before {visible(value)} after".replace("@", "@\u200b").strip()


def test_markdown_text_breaks_bare_autolinks():
    assert "://" not in markdown_text("see https://evil.example").replace("\\://", "")
    assert "www\\." in markdown_text("www.evil.example")


@pytest.mark.parametrize("value", HOSTILE)
def test_code_span_holds_any_string(value):
    fragment = parsed(MARKDOWN.render(f"x {code_span(value)} y"))
    assert fragment.tags == ["p", "code"]
    assert fragment.text[1] == (visible(value) or " ")


def test_code_fence_is_longer_than_any_backtick_run_inside():
    lines = ["plain", "```` four", "`````"]
    fenced = code_fence(lines, "text")
    assert fenced[0] == "``````text" and fenced[-1] == "``````"
    fragment = parsed(MARKDOWN.render("\n".join(fenced) + "\n\nafter\n"))
    assert fragment.tags == ["pre", "code", "p"] and fragment.text[0] == "\n".join(lines) + "\n"


# --- every report format, from findings carrying the string --------------------------------------

@pytest.mark.parametrize("value", HOSTILE)
def test_text_format_lines_never_start_with_a_command_or_carry_control_characters(value):
    output = text.render(result_of(finding_with(value, file=value or "x"), finding_with("ok")))
    assert_plain_text_lines(output)


@pytest.mark.parametrize("value", HOSTILE)
def test_github_format_emits_exactly_one_command_per_finding(value):
    findings = [finding_with(value, file=value or "x"), finding_with("ok")]
    lines = github_commands(github.render(result_of(*findings)))
    assert len(lines) == 2 and all(re.match(r"::(error|warning|notice) file=", line) for line in lines)


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_format_keeps_each_finding_in_its_row(value):
    output = markdown_format.render(result_of(finding_with(value), finding_with("ok")))
    html = MARKDOWN.render(output)
    fragment = parsed(html)
    assert fragment.tags.count("tr") == 3  # the header and one row per finding
    assert set(fragment.tags) <= {"h3", "p", "table", "thead", "tbody", "tr", "th", "td", "a", "br"}
    assert fragment.tags.count("a") == 2  # the two docs links, none from the string
    assert visible(value).replace("@", "@\u200b") in "".join(fragment.text)


@pytest.mark.parametrize("value", HOSTILE)
def test_sarif_json_and_junit_parse_and_carry_the_string(value):
    result = result_of(finding_with(value))
    for module in (sarif, json_format):
        assert any(f"unknown key {value}" in text for text in strings(json.loads(module.render(result))))
    root = ElementTree.fromstring(junit.render(result).encode("utf-8"))
    assert root.find(".//failure") is not None


# --- the same properties for any string (hypothesis) ---------------------------------------------

@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=40))
def test_property_any_string_in_any_field_cannot_forge_output(value):
    findings = [finding_with(value, file=value or "x"), finding_with("ok")]
    result = result_of(*findings)
    assert_plain_text_lines(text.render(result))
    assert len(github_commands(github.render(result))) == 2
    fragment = parsed(MARKDOWN.render(markdown_format.render(result)))
    assert fragment.tags.count("tr") == 3 and fragment.tags.count("a") == 2
    assert fragment.tags.count("img") == 0
    json.loads(sarif.render(result))
    ElementTree.fromstring(junit.render(result).encode("utf-8"))
    span = parsed(MARKDOWN.render(f"x {code_span(value)} y"))
    assert span.tags == ["p", "code"] and span.text[1] == (visible(value) or " ")


# --- end to end: hostile designs through the command line ----------------------------------------

HOSTILE_DESIGN = (
    'archlint: 1\n'
    'name: "n\\n::error::forged name @octocat <b>x</b> `tick` [l](http://evil.example)"\n'
    'components:\n'
    '  api: {kind: service, tech: "t\\n::warning::T\\e[2J", "k\\n::error::K\\e]0;x\\a": 1}\n'
    '  "bad\\n::error::id": {kind: service}\n'
)


def test_check_text_and_stderr_of_a_hostile_design(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(HOSTILE_DESIGN)
    for args in (["check", str(path)], ["estimate", str(path)], ["review", str(path)]):
        result = run_process(*args)
        assert_plain_text_lines(result.stdout if args[0] == "check" else "")
        assert_plain_text_lines(result.stderr)
        assert "\\n::error::" in result.stdout + result.stderr


def test_estimate_and_review_of_a_valid_hostile_design(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text('archlint: 1\nname: "n\\n::error::forged\\e[2J"\n'
                    'components:\n  api: {kind: service, tech: "t\\n::warning::T\\e[2J"}\n')
    estimate = run_process("estimate", str(path))
    assert estimate.returncode == 0 and estimate.stdout.startswith("n\\n::error::forged\\x1b[2J (")
    assert_plain_text_lines(estimate.stdout)
    review = run_process("review", str(path))
    assert review.returncode == 0 and "\x1b" not in review.stdout
    assert not any(line.startswith("::") for line in review.stdout.split("\n"))


def test_a_file_name_that_is_a_workflow_command_cannot_start_a_line(tmp_path):
    folder = tmp_path / "::error::x"
    folder.mkdir()
    (folder / "::warning::d.arch.yaml").write_text("archlint: 1\nname: [\n")
    result = run_process("check", "::warning::d.arch.yaml", cwd=folder)
    assert result.returncode == 1 and result.stdout.startswith("./::warning::d.arch.yaml:")
    assert_plain_text_lines(result.stdout)


def test_usage_errors_escape_what_the_user_typed(tmp_path):
    result = run_process("check", "no\x1b[2Jsuch\n::error::file")
    assert result.returncode == 2 and "no\\x1b[2Jsuch\\n::error::file" in result.stderr
    assert_plain_text_lines(result.stderr)
    result = run_process("bogus\x1b[31m")
    assert result.returncode == 2 and "bogus\\x1b[31m" in result.stderr


def test_a_configuration_key_with_escapes_is_shown_escaped(tmp_path):
    (tmp_path / ".archlint.yaml").write_text('"sel\\e[31mect\\n::error::x": [ALL]\n')
    (tmp_path / "d.arch.yaml").write_text("archlint: 1\nname: d\ncomponents: {api: {kind: service}}\n")
    result = run_process("check", str(tmp_path / "d.arch.yaml"))
    assert result.returncode == 2 and "sel\\x1b[31mect\\n::error::x" in result.stderr
    assert_plain_text_lines(result.stderr)


def test_stale_baseline_entries_are_shown_escaped(tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: d\ncomponents: {api: {kind: service}}\n")
    # An entry of the checked file that matches nothing is named on standard error.
    entry = {"file": "d.arch.yaml", "code": "ARC001", "path": "x\n::error::forged\x1b[2J", "hash": "0"}
    (tmp_path / "b.json").write_text(json.dumps({"version": 1, "findings": [entry]}))
    result = run_process("check", str(design), "--baseline", str(tmp_path / "b.json"))
    assert "x\\n::error::forged\\x1b[2J" in result.stderr, result.stderr
    assert_plain_text_lines(result.stderr)


def test_review_markdown_and_html_of_a_hostile_name(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text('archlint: 1\nname: "<script>x</script> @octocat [l](http://e.example) ```"\n'
                    'components: {api: {kind: service}}\n')
    markdown = run_process("review", str(path))
    assert markdown.returncode == 0, markdown.stderr
    fragment = parsed(MARKDOWN.render(markdown.stdout))
    assert "script" not in fragment.tags and "img" not in fragment.tags
    assert not any(tag == "a" for tag in fragment.tags)
    assert "@\u200boctocat" in "".join(fragment.text)
    html_path = tmp_path / "r.html"
    assert run_process("review", str(path), "-o", str(html_path)).returncode == 0
    page = parsed(html_path.read_text())
    assert only_our_script(html_path.read_text()) and "<script>x</script>" in "".join(page.text)


def test_diff_markdown_of_hostile_ids_keeps_them_in_code(tmp_path):
    old = tmp_path / "old.arch.yaml"
    new = tmp_path / "new.arch.yaml"
    old.write_text("archlint: 1\nname: d\ncomponents: {api: {kind: service}}\n")
    new.write_text('archlint: 1\nname: d\ncomponents: {api: {kind: service, tech: "go` <b>@x</b>"}}\n')
    result = run_process("diff", str(old), str(new))
    assert result.returncode == 0, result.stderr
    fragment = parsed(MARKDOWN.render(result.stdout))
    assert "b" not in fragment.tags and "a" not in fragment.tags
    assert any("<b>@x</b>" in text for text in fragment.text)


# --- HTML and SVG with the same hostile strings --------------------------------------------------

def hostile_name_design(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "d.arch.yaml"
    path.write_text(f"archlint: 1\nname: {json.dumps(value)}\ncomponents:\n"
                    f"  api: {{kind: service, tech: {json.dumps(value)}}}\n")
    return path


def only_our_script(html: str) -> bool:
    """The page's only script is the review's own zoom-and-pan script, with no user text in it."""
    from archlint.views.review_html import _SCRIPT

    return html.count("<script") == html.count(f"<script>{_SCRIPT}</script>") <= 1


VISIBLE_HOSTILE = [value for value in HOSTILE if value.strip() and not CONTROL.search(value)]


@pytest.mark.parametrize("value", VISIBLE_HOSTILE)
def test_review_html_parses_with_a_hostile_name_inside(cli, tmp_path, value):
    path = hostile_name_design(tmp_path, value)
    result = cli("review", str(path), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text()
    page = parsed(html)
    assert only_our_script(html) and "img" not in page.tags
    assert any(value.strip() in text for text in page.text)


@pytest.mark.parametrize("value", VISIBLE_HOSTILE)
def test_svg_parses_with_a_hostile_name_inside(tmp_path, value):
    pytest.importorskip("diagrams")
    path = hostile_name_design(tmp_path, value)
    result = run_process("diagram", str(path), "-f", "svg", "-o", str(tmp_path / "d.svg"))
    assert result.returncode == 0, result.stderr
    root = ElementTree.parse(tmp_path / "d.svg").getroot()
    texts = [element.text or "" for element in root.iter()]
    assert any(value.strip() in text for text in texts)
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_rules_and_explain_escape_a_custom_pack_s_text(tmp_path):
    (tmp_path / "org.yaml").write_text(
        '- code: ORG001\n  name: no-owner\n  severity: warning\n  summary: "Owned.\\e[2J"\n'
        '  docs: {what: "x\\e]0;t\\a", why: "y", example: "z", fix: "f", guide: "g"}\n')
    (tmp_path / ".archlint.yaml").write_text("rule-packs: [org.yaml]\n")
    for args in (["rules"], ["explain", "ORG001"]):
        result = run_process(*args, cwd=tmp_path)
        assert "Owned.\\x1b[2J" in result.stdout, (args, result.stderr)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_a_plugin_s_load_error_is_shown_escaped(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "loud_plugin.py").write_text("raise ImportError('broken\\n::error::forged \\x1b[2J')\n")
    info = site / "loud_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: loud_plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[archlint.rules]\nloud = loud_plugin\n")
    (tmp_path / "d.arch.yaml").write_text("archlint: 1\nname: d\ncomponents: {api: {kind: service}}\n")
    import os

    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    result = run_process("check", "d.arch.yaml", cwd=tmp_path, env={"PYTHONPATH": path})
    assert "broken\\n::error::forged \\x1b[2J" in result.stderr
    assert_plain_text_lines(result.stderr)
