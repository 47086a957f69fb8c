"""The reports of `archlint check`: text (carets, colours, statistics), json, sarif,
junit, github and markdown; several at once with --format/--output pairs.

Snapshots live in tests/snapshots/formats/; after a reviewed change of output, rewrite
them with `ARCHLINT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_formats.py`.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, EXAMPLES, ROOT, assert_snapshot

from archlint.findings import Finding
from archlint.formats.github import annotation, escape_data, escape_property
from archlint.formats.markdown import escape
from archlint.formats.text import caret_padding

SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
TODAY = ("--today", "2027-01-01")
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "txt", "markdown": "md"}

# Two calls without timeouts on one line (two carets), one without a breaker, and no
# observability section: four findings of three codes with --select below.
SHOP = """archlint: 1
name: shop
components:
  api:
    kind: service
    calls: [db, cache]
  db: {tech: postgres}
  cache: {tech: redis}
"""
SHOP_RULES = ("--select", "RES,OBS001")
BROKEN = "archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -3}\n"
# Snapshots cover the renderers on three fixed inputs: errors, warnings and info; a clean
# file; Markdown with two blocks, one indented. Every example is also run through every
# format (test_every_example_in_every_format_parses), and test_examples asserts the
# findings of each, so a new example needs no snapshot here.
# Every example, as a user names it from the project root.
SNAPSHOT_EXAMPLES = tuple(
    f"examples/{path.name}" for path in sorted((ROOT / "examples").iterdir())
    if path.name.endswith((".arch.yaml", ".md"))
)


@pytest.fixture
def in_root(monkeypatch):
    """Run from the project root, so files are named `examples/...` as a user sees them."""
    monkeypatch.chdir(ROOT)


def example_paths() -> list[str]:
    found = sorted(EXAMPLES.glob("*.arch.yaml")) + sorted(EXAMPLES.glob("*.md"))
    return [path.relative_to(ROOT).as_posix() for path in found]


def write(tmp_path: Path, text: str, name: str = "shop.arch.yaml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def sarif_of(cli, *args: str) -> dict:
    result = cli("check", "--format", "sarif", *args)
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    return log


# --- snapshots ------------------------------------------------------------------


@pytest.mark.parametrize("output_format", sorted(FORMATS))
@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_snapshot(cli, in_root, example, output_format):
    result = cli("check", "--format", output_format, *TODAY, example)
    assert result.exit_code in (0, 1), result.output
    stem = Path(example).name.removesuffix(".arch.yaml").removesuffix(".md")
    assert_snapshot("formats", f"{output_format}/{stem}.{FORMATS[output_format]}", result.stdout)


@pytest.mark.parametrize("example", example_paths())
def test_every_example_in_every_format_parses(cli, in_root, tmp_path, example):
    outputs = {name: tmp_path / f"report.{name}" for name in FORMATS if name != "text"}
    args = ["--format", "text"] + [arg for name in outputs for arg in ("--format", name)]
    args += ["-o", "-"] + [arg for path in outputs.values() for arg in ("-o", str(path))]
    result = cli("check", *args, *TODAY, example)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(outputs["json"].read_text(encoding="utf-8"))
    count, accepted = len(document["findings"]), len(document["suppressed"])
    assert result.stdout.count("\n  docs: ") == count
    log = json.loads(outputs["sarif"].read_text(encoding="utf-8"))
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert len(results) == count + accepted  # accepted ones carry `suppressions`
    assert sum(1 for entry in results if entry.get("suppressions")) == accepted
    suites = ET.fromstring(outputs["junit"].read_text(encoding="utf-8"))
    assert int(suites.get("tests")) >= 1 and int(suites.get("failures")) <= count
    annotations = outputs["github"].read_text(encoding="utf-8").splitlines()
    assert len(annotations) == count and all(line.startswith("::") for line in annotations)
    table = outputs["markdown"].read_text(encoding="utf-8").splitlines()
    assert len([line for line in table if line.startswith("| ")]) == (count + 2 if count else 0)


def test_snapshot_of_statistics(cli, in_root):
    result = cli("check", "--statistics", *TODAY, "examples/naive-shop.arch.yaml")
    assert_snapshot("formats", "statistics/naive-shop.txt", result.stdout)


def test_every_format_is_deterministic(in_root, tmp_path):
    def run(seed: str) -> dict[str, str]:
        outputs = [str(tmp_path / f"{seed}.{name}") for name in FORMATS]
        args = [arg for name in FORMATS for arg in ("--format", name)] + [arg for out in outputs for arg in ("-o", out)]
        subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache", *args, *TODAY, *example_paths()],
                       env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, check=False, cwd=ROOT)
        return {name: Path(out).read_text(encoding="utf-8") for name, out in zip(FORMATS, outputs)}

    assert run("1") == run("2")


# --- text: carets, colours, statistics ----------------------------------------------


def test_caret_under_the_column_of_each_finding(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", *SHOP_RULES, write(tmp_path, SHOP))
    lines = result.stdout.splitlines()
    assert lines[5:9] == [
        "shop.arch.yaml:6:13: RES001 warning missing-timeout: call api -> db has no timeout",
        "  6 |     calls: [db, cache]",
        "    |             ^",
        "  hint: set components.api.calls.db.timeout to the longest api can afford to wait for db",
    ]
    assert lines[15:18] == [
        "shop.arch.yaml:6:17: RES001 warning missing-timeout: call api -> cache has no timeout",
        "  6 |     calls: [db, cache]",
        "    |                 ^",
    ]


def test_caret_in_an_indented_markdown_block_points_at_the_md_line(cli, tmp_path):
    rfc = tmp_path / "rfc.md"  # the example's sketch, made a full design (it sits in a list item)
    example = (EXAMPLES / "rfc-order-service.md").read_text()
    rfc.write_text(example.replace("```yaml archlint sketch", "```yaml archlint"))
    result = cli("check", "--select", "OBS001", str(rfc))
    assert result.stdout.splitlines()[:3] == [
        f"{rfc}:69:4: OBS001 warning observability-missing: the design has no "
        "observability section: no metrics, logs, tracing or alerting is named",
        "  69 |    archlint: 1",
        "     |    ^",
    ]


def test_caret_lines_up_after_tabs_and_wide_characters():
    assert caret_padding("\tx: 名前: y", 8) == ("\tx: 名前: y", "\t    " + "    ")
    assert caret_padding("ab  ", 5) == ("ab", "    ")  # past the end of a line with trailing blanks


def test_a_long_line_is_cut_around_the_caret():
    line = "k: [" + ", ".join(f"item{i:03}" for i in range(60)) + "]"
    shown, pad = caret_padding(line, line.index("item050") + 1)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) == 122
    assert shown[len(pad):].startswith("item050")


def test_no_source_line_when_the_file_has_no_text(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "utf16.arch.yaml").write_bytes("archlint: 1\n".encode("utf-16"))
    lines = cli("check", "utf16.arch.yaml").stdout.splitlines()
    assert lines[0].startswith("utf16.arch.yaml:1:1: INP001 error unreadable-file:")
    assert lines[1].startswith("  hint: ")


def test_source_line_shows_no_terminal_escapes(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "esc.arch.yaml").write_bytes(b"archlint: 1\nname: \"\x1b[2Jx\"\n")
    lines = cli("check", "esc.arch.yaml").stdout.splitlines()
    assert lines[0].startswith(
        "esc.arch.yaml:2:8: INP001 error unreadable-file: the file contains the character U+001B"
    )
    assert lines[1:3] == ['  2 | name: "\ufffd[2Jx"', "    |        ^"]


def test_statistics_count_each_code(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--statistics", *SHOP_RULES, write(tmp_path, SHOP))
    assert result.stdout == (
        "2  RES001  warning  missing-timeout\n"
        "1  OBS001  warning  observability-missing\n"
        "1  RES004  warning  missing-circuit-breaker\n"
        "Found 4 problems (0 errors, 4 warnings, 0 info) in 1 file (1 design).\n"
    )
    quiet = cli("check", "--statistics", "--quiet", *SHOP_RULES, "shop.arch.yaml")
    assert quiet.stdout == result.stdout.split("Found")[0]


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """stdout of `archlint check ARGS` run on a pseudo-terminal."""
    import pty

    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen([sys.executable, "-m", "archlint", "check", "--no-cache", *args], stdout=follower,
                               stderr=subprocess.DEVNULL, cwd=ROOT, env={**environment, **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colours_only_on_a_terminal_and_never_with_no_color(cli, in_root):
    args = ["--select", "OBS001", "examples/naive-shop.arch.yaml"]
    assert "\033[1;33mwarning\033[0m" in _on_a_terminal(args, {})
    assert "\033[" not in _on_a_terminal(args, {"NO_COLOR": "1"})
    assert "\033[" not in _on_a_terminal(["--color", "never", *args], {})
    assert "\033[" not in cli("check", *args).stdout  # a pipe
    assert "\033[1;33mwarning\033[0m" in cli("check", "--color", "always", *args).stdout


# --- sarif ----------------------------------------------------------------------------


def test_sarif_of_the_examples_is_valid_and_points_at_relative_files(cli, in_root):
    log = sarif_of(cli, *TODAY, *example_paths())
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("examples/")
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["RES001"]["helpUri"] == "https://archlint.dev/rules/RES001"
    assert by_id["RES001"]["shortDescription"]["text"] == "A synchronous call has no timeout."
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert (levels["ARC003"], levels["RES001"], levels["SCL005"]) == ("error", "warning", "note")


def test_sarif_result_carries_message_hint_and_position(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (result,) = sarif_of(cli, "--select", "RES004", write(tmp_path, SHOP))["runs"][0]["results"]
    assert result["message"]["text"] == (
        "call api -> db (database) is critical and has no circuit breaker or fallback\n"
        "hint: set components.api.calls.db.circuit_breaker: true, or give it a fallback and critical: false "
        "if api can answer without db"
    )
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "shop.arch.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 6, "startColumn": 13},
    }


def test_sarif_names_a_file_outside_the_working_directory_by_file_uri(cli, tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    path = tmp_path / "my designs" / "shop.arch.yaml"
    path.parent.mkdir()
    path.write_text(SHOP, encoding="utf-8")
    results = sarif_of(cli, *SHOP_RULES, str(path))["runs"][0]["results"]
    expected = "file://" + str(path).replace(" ", "%20")
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {expected}


def _fingerprints(cli, tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    write(tmp_path, text)
    results = sarif_of(cli, *SHOP_RULES, "shop.arch.yaml")["runs"][0]["results"]
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["partialFingerprints"]["archlint/v1"]) for r in results]


def test_fingerprints_survive_lines_inserted_above(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = _fingerprints(cli, tmp_path, SHOP)
    after = _fingerprints(cli, tmp_path, SHOP.replace("components:\n", "\n\n# the parts\ncomponents:\n"))
    assert [line for _, line, _ in after] == [line + 3 if line > 3 else line for _, line, _ in before]
    assert [(code, fingerprint) for code, _, fingerprint in after] == [(c, f) for c, _, f in before]
    assert len({fingerprint for _, _, fingerprint in before}) == len(before)


def test_fingerprints_are_the_same_checked_afresh_or_from_the_cache(cli, tmp_path, monkeypatch):
    # A run keeps node digests only when a report reads them (SARIF here) or a cache
    # stores them: each way, the same fingerprints.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)

    def fingerprints(*args: str) -> list[str]:
        log = sarif_of(cli, *SHOP_RULES, *args, "shop.arch.yaml")
        return [r["partialFingerprints"]["archlint/v1"] for r in log["runs"][0]["results"]]

    fresh = fingerprints("--no-cache")
    assert len(fresh) > 3
    assert fingerprints("--cache-dir", "kept") == fresh  # checked, then stored
    assert fingerprints("--cache-dir", "kept") == fresh  # read from the cache
    result = cli("check", "--no-cache", *SHOP_RULES, "--format", "text", "--format", "sarif",
                 "-o", "-", "-o", "out.sarif", "shop.arch.yaml")
    assert result.exit_code == 0
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert [r["partialFingerprints"]["archlint/v1"] for r in log["runs"][0]["results"]] == fresh


def test_a_run_without_digests_refuses_to_invent_one(tmp_path):
    from archlint.catalog import load_catalog
    from archlint.run.pipeline import run_check
    from archlint.run.settings import FileSettings

    path = str(tmp_path / write(tmp_path, SHOP))
    settings = FileSettings()
    kept = run_check([(path, "shop.arch.yaml")], lambda _path: settings, load_catalog()).files[0]
    bare = run_check([(path, "shop.arch.yaml")], lambda _path: settings, load_catalog(), digests=False).files[0]
    assert bare.findings == kept.findings and bare.lines == kept.lines
    assert kept.digests and bare.digests is None
    with pytest.raises(RuntimeError, match=r"node digests of shop\.arch\.yaml were not kept"):
        bare.digest(bare.findings[0])


def test_fingerprint_changes_when_the_flagged_node_does(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def res004(text: str) -> str:
        (fingerprint,) = [fp for code, _, fp in _fingerprints(cli, tmp_path, text) if code == "RES004"]
        return fingerprint

    listed = res004(SHOP)
    assert res004(SHOP.replace("[db, cache]", "[db, cache, queue]") + "  queue: {tech: sqs}\n") == listed
    assert res004(SHOP.replace("[db, cache]", "{db: {timeout: 50ms}, cache: {timeout: 5ms}}")) != listed


# --- junit ----------------------------------------------------------------------------


def test_junit_has_a_case_per_file_and_rule_and_one_for_a_clean_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)
    (tmp_path / "clean.arch.yaml").write_text((EXAMPLES / "url-shortener.arch.yaml").read_text(), encoding="utf-8")
    root = ET.fromstring(cli("check", "--format", "junit", "--fail-on", "warning", *SHOP_RULES, ".").stdout)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "4", "3")
    clean, shop = root.findall("testsuite")
    assert (clean.get("name"), clean.get("tests"), clean.get("failures")) == ("clean.arch.yaml", "1", "0")
    assert [case.get("name") for case in clean] == ["no problems"] and clean[0].find("failure") is None
    assert [case.get("name") for case in shop] == [
        "OBS001 observability-missing", "RES001 missing-timeout", "RES004 missing-circuit-breaker"]
    failure = shop[1].find("failure")
    assert failure.get("type") == "warning"
    assert failure.get("message") == "2 findings; the first: call api -> db has no timeout"
    assert failure.text.splitlines()[0::2] == [
        "shop.arch.yaml:6:13: warning: call api -> db has no timeout",
        "shop.arch.yaml:6:17: warning: call api -> cache has no timeout",
        "docs: https://archlint.dev/rules/RES001",
    ]


def test_junit_findings_below_fail_on_are_passing_cases_with_their_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)  # three warnings' rules; the default --fail-on is error
    result = cli("check", "--format", "junit", *SHOP_RULES, "shop.arch.yaml")
    assert result.exit_code == 0
    root = ET.fromstring(result.stdout)
    assert (root.get("tests"), root.get("failures")) == ("3", "0")
    (suite,) = root.findall("testsuite")
    assert [case.find("failure") for case in suite] == [None, None, None]
    timeouts = suite[1].find("system-out").text.splitlines()
    assert timeouts[0] == "below --fail-on error, so not a failure:"
    assert timeouts[1] == "shop.arch.yaml:6:13: warning: call api -> db has no timeout"
    # An error among them fails its rule's case only.
    (tmp_path / "shop.arch.yaml").write_text(SHOP.replace("name: shop", "name: shop\nbogus: 1"))
    root = ET.fromstring(cli("check", "--format", "junit", "shop.arch.yaml").stdout)
    assert root.get("failures") == "1" and root.find("testsuite")[0].get("name").startswith("INP010")


def test_markdown_past_max_length_keeps_the_summary_and_the_most_important_findings(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)  # 4 warnings: OBS001 (weight 3), RES001 twice (7), RES004 (6)
    whole = cli("check", "--format", "markdown", "--max-length", "0", *SHOP_RULES, "shop.arch.yaml").stdout
    assert whole == cli("check", "--format", "markdown", *SHOP_RULES, "shop.arch.yaml").stdout  # under 65,000
    assert len([line for line in whole.splitlines() if line.startswith("| shop")]) == 4 and "not shown" not in whole
    # The head is 152 characters and each RES001 row about 220: 700 leave room for one
    # row and the closing line, 900 for two.
    for limit, shown in ((700, 1), (900, 2)):
        result = cli("check", "--format", "markdown", "--max-length", str(limit), *SHOP_RULES, "shop.arch.yaml")
        text = result.stdout
        assert len(text) <= limit
        assert text.startswith("### archlint\n\nFound 4 problems (0 errors, 4 warnings, 0 info) in 1 file "
                               "(1 design).\n")
        rows = [line for line in text.splitlines() if line.startswith("| shop")]
        assert [row.split("[", 1)[1][:6] for row in rows] == ["RES001"] * shown
        assert text.splitlines()[-1].startswith(f"**{4 - shown} more findings not shown**")
        assert "`--max-length 0`" in text and "`--format json`" in text


# --- github ---------------------------------------------------------------------------


def test_github_annotations(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "github", write(tmp_path, BROKEN, name="a,b.arch.yaml"))
    assert result.stdout == (
        "::error file=a%2Cb.arch.yaml,line=4,col=24,title=INP011 invalid-value::"
        "components.api.replicas: must be 1 or more (got -3)\n"
    )


def test_github_escaping():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("dir: a,b%\n") == "dir%3A a%2Cb%25%0A"
    finding = Finding("LNT001", "info", "x: 1%", hint="y", file="d.arch.yaml", line=2, column=3)
    assert annotation(finding) == (
        "::notice file=d.arch.yaml,line=2,col=3,title=LNT001 unused-suppression::x: 1%25%0Ahint: y")
    assert annotation(Finding("RES001", "warning", "m", file="f", line=1, column=1)).startswith("::warning ")


# --- markdown -------------------------------------------------------------------------


def test_markdown_table_and_clean_form(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "markdown", "--select", "RES004", write(tmp_path, SHOP))
    assert result.stdout == (
        "### archlint\n\n"
        "Found 1 problem (0 errors, 1 warning, 0 info) in 1 file (1 design).\n\n"
        "| location | code | severity | message |\n"
        "| --- | --- | --- | --- |\n"
        "| shop.arch.yaml:6 | [RES004](https://archlint.dev/rules/RES004) missing-circuit-breaker | warning | "
        "call api -&gt; db (database) is critical and has no circuit breaker or fallback<br>hint: set "
        "components.api.calls.db.circuit\\_breaker: true, or give it a fallback and critical: false if api can "
        "answer without db |\n"
    )
    clean = cli("check", "--format", "markdown", str(EXAMPLES / "url-shortener.arch.yaml"))
    assert clean.stdout == "### archlint\n\nNo problems found in 1 file (1 design).\n"


def test_markdown_cell_escaping():
    # A line break is shown as the escape \n (a backslash, itself escaped, and n).
    assert escape("read|write <b> *x* [y]\nz") == "read\\|write &lt;b&gt; \\*x\\* \\[y\\]\\\\nz"


# --- several reports in one run -----------------------------------------------------


def test_repeated_format_pairs_with_outputs_in_order(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)
    both = cli("check", *SHOP_RULES, "--format", "text", "--format", "sarif", "--format", "junit",
               "--output", "-", "--output", "results.sarif", "--output", "results.xml", "shop.arch.yaml")
    assert both.exit_code == 0
    assert both.stdout == cli("check", *SHOP_RULES, "shop.arch.yaml").stdout
    assert (tmp_path / "results.sarif").read_text() == cli("check", *SHOP_RULES, "--format", "sarif",
                                                           "shop.arch.yaml").stdout
    ET.fromstring((tmp_path / "results.xml").read_text())


def test_a_format_without_an_output_goes_to_stdout(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)
    result = cli("check", *SHOP_RULES, "--format", "github", "--format", "json", "-o", "out.github",
                 "shop.arch.yaml")
    assert json.loads(result.stdout)["summary"]["warning"] == 4
    assert (tmp_path / "out.github").read_text().startswith("::warning file=shop.arch.yaml,line=1,col=1,")


def test_text_written_to_a_file_has_no_colours(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)
    cli("check", *SHOP_RULES, "-o", "report.txt", "shop.arch.yaml")
    assert "\033[" not in (tmp_path / "report.txt").read_text() and "    |             ^" in (
        tmp_path / "report.txt").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "text", "--format", "sarif"),
     "--format text and --format sarif would both write to standard output, which takes one report: give all "
     "but one an --output FILE in the same position (e.g. --format text --format sarif --output - --output "
     "report.sarif)"),
    (("--format", "json", "-o", "a.json", "-o", "b.json"),
     "2 --output values for 1 --format value: each --output pairs with the --format in the same position, so "
     "give one --format per --output"),
    (("-o", "a.txt", "-o", "b.txt"), "2 --output values for no --format:"),
    (("--format", "json", "--format", "sarif", "-o", "r", "-o", "./r"),
     "--output './r' is given twice; each report needs its own file"),
    (("--format", "json", "--statistics"), "--statistics applies to the text format; add --format text"),
    (("--format", "yaml",), "'yaml' is not one of 'text', 'json', 'sarif', 'junit', 'github', 'markdown'"),
])
def test_outputs_that_do_not_pair_are_usage_errors(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, SHOP)
    result = cli("check", *args, "shop.arch.yaml")
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert result.stdout == "" and sorted(p.name for p in tmp_path.iterdir()) == ["shop.arch.yaml"]


def test_unwritable_output_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "sarif", "-o", "no/such/dir/r.sarif", write(tmp_path, SHOP))
    assert result.exit_code == 2 and "cannot write 'no/such/dir/r.sarif'" in result.output


def test_formats_load_only_when_asked_for():
    probe = ("import sys\nfrom archlint.cli import cli\n"
             "try:\n    cli.main(args=sys.argv[1:], prog_name='archlint', standalone_mode=False)\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('archlint.formats.') or m == 'xml.etree'))\n")
    escape = "archlint.formats.escape"  # the escaping every output shares, not a format

    def loaded(*args: str) -> str:
        run = subprocess.run([sys.executable, "-c", probe, "check", *args, str(EXAMPLES / "url-shortener.arch.yaml")],
                             capture_output=True, text=True, check=True)
        return set(ast.literal_eval(run.stdout.splitlines()[-1])) - {escape}

    assert loaded() == {"archlint.formats.text"}
    assert loaded("--format", "junit") == {"archlint.formats.junit", "xml.etree"}
    sarif = loaded("--format", "sarif")
    assert "archlint.formats.sarif" in sarif and not sarif & {"archlint.formats.junit", "archlint.formats.json"}
