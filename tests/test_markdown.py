"""Designs embedded in Markdown: fences found, positions in the .md file's lines."""

from conftest import EXAMPLES, check_text, codes_at

from archlint.input.markdown import find_fences


def test_finds_archlint_fences_only():
    text = (EXAMPLES / "rfc-order-service.md").read_text()
    fences = find_fences(text)
    assert len(fences) == 2
    assert fences[0].text.startswith("archlint: 1\nname: order-service\n")
    assert fences[1].indent == 3  # inside a numbered list item
    assert fences[1].text.startswith("archlint: 1\nname: order-history\n")
    assert [fence.sketch for fence in fences] == [False, True]


def test_info_string_variants():
    text = "```archlint\na: 1\n```\n```yaml archlint\nb: 2\n```\n```yaml\nc: 3\n```\n~~~ archlint title\nd: 4\n~~~\n"
    assert [f.text for f in find_fences(text)] == ["a: 1\n", "b: 2\n", "d: 4\n"]
    sketches = "```archlint sketch\na: 1\n```\n```yaml archlint Sketch\nb: 2\n```\n```archlint sketchy\nc: 3\n```\n"
    assert [(f.text, f.sketch) for f in find_fences(sketches)] == [("a: 1\n", True), ("b: 2\n", True),
                                                                    ("c: 3\n", False)]


def test_fence_inside_another_fence_is_not_a_design():
    text = "````markdown\n```archlint\na: 1\n```\n````\n"
    assert find_fences(text) == []


def test_example_rfc_checks_clean(cli):
    result = cli("check", str(EXAMPLES / "rfc-order-service.md"))
    assert result.exit_code == 0, result.output
    assert "1 file (1 design, 1 sketch)" in result.output


def test_positions_point_into_the_markdown_file(tmp_path):
    text = (
        "# Title\n\nSome prose.\n\n"
        "- item\n\n"
        "  ```archlint\n"
        "  archlint: 1\n"
        "  name: x\n"
        "  components:\n"
        "    api: {kind: service, calls: [dbx]}\n"
        "  ```\n"
        "\n```archlint\narchlint: 1\nname: y\ncomponents: {a: {kind: service, tiemout: 1s}}\n```\n"
    )
    findings = check_text(tmp_path, text, name="rfc.md")
    assert codes_at(findings) == [("INP020", 11, 34), ("INP010", 17, 33)]
    assert [f.block for f in findings] == [0, 1]


def test_quoted_fence(tmp_path):
    text = "> ```archlint\n> archlint: 1\n> name: q\n> components: {a: {kind: servce}}\n> ```\n"
    (finding,) = check_text(tmp_path, text, name="quote.md")
    assert (finding.code, finding.line, finding.column) == ("INP011", 4, 20)


def test_empty_block(tmp_path):
    (finding,) = check_text(tmp_path, "```archlint\n```\n", name="empty.md")
    assert finding.code == "INP001" and "archlint block is empty" in finding.message


def test_crlf_markdown(tmp_path):
    text = "# RFC\r\n\r\n```archlint\r\narchlint: 1\r\nname: c\r\ncomponents: {a: {kind: servce}}\r\n```\r\nafter\r\n"
    (finding,) = check_text(tmp_path, text.encode(), name="crlf.md")
    assert (finding.code, finding.line, finding.column) == ("INP011", 6, 18)
