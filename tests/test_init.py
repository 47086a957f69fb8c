"""`archlint init`: starter designs that parse and check with exactly their documented
findings, written without ever replacing a file unless asked."""

import re

import pytest
from conftest import EXAMPLES, ROOT, run_process

from archlint.catalog import load_catalog
from archlint.input.load import Limits, parse_yaml
from archlint.language.schema import SCHEMA_ID
from archlint.run.pipeline import check_file
from archlint.templates import TEMPLATES, starter_text, template_text

# What the blank skeleton reports, one finding per gap it leaves for the user.
BLANK_FINDINGS = {
    ("DOC001", "requirements"),
    ("DOC002", "scale"),
    ("DOC003", "$"),
    ("DOC004", "flows.main"),
    ("DOC005", "decisions[0]"),
}
EXAMPLE_TEMPLATES = [name for name in TEMPLATES if name != "blank"]


def checked(path):
    return check_file(str(path), path.name, Limits(), load_catalog()).findings


def findings_of(path):
    return {(f.code, f.path_text) for f in checked(path)}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_each_template_writes_a_design_with_its_documented_findings(cli, tmp_path, name):
    target = tmp_path / f"{name}.arch.yaml"
    result = cli("init", "--template", name, str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {target} (template {name}). Next: archlint check {target}\n"
    assert findings_of(target) == (BLANK_FINDINGS if name == "blank" else set())


def test_blank_lists_in_its_comments_exactly_the_findings_it_reports(tmp_path):
    documented = set(re.findall(r"^#\s+(DOC\d{3})\s", template_text("blank"), flags=re.MULTILINE))
    assert documented == {code for code, _ in BLANK_FINDINGS}
    # ... and names each one in a comment on the line where archlint reports it.
    target = tmp_path / "design.arch.yaml"
    target.write_text(starter_text("blank"), encoding="utf-8")
    lines = target.read_text(encoding="utf-8").splitlines()
    for finding in checked(target):
        comment = lines[finding.line - 1].partition("#")[2]
        assert finding.code in comment, (finding.code, lines[finding.line - 1])


def test_blank_filled_in_as_its_comments_suggest_checks_clean(tmp_path):
    text = template_text("blank")
    # Uncomment the suggested targets, dau, rate, why and tradeoffs, and the example API.
    text = re.sub(r"^(\s*)# (?=(availability|latency_p99|consistency|dau|rate|why|tradeoffs): )", r"\1", text,
                  flags=re.MULTILINE)
    text = re.sub(r"^apis: \[\].*\n((?:#.*\n)+)", lambda m: "apis:\n" + re.sub(r"^#", "", m[1], flags=re.MULTILINE),
                  text, flags=re.MULTILINE)
    target = tmp_path / "filled.arch.yaml"
    target.write_text(text, encoding="utf-8")
    assert findings_of(target) == set()


@pytest.mark.parametrize("name", EXAMPLE_TEMPLATES)
def test_example_templates_are_the_examples(name):
    example = EXAMPLES / f"{name}.arch.yaml"
    assert template_text(name) == example.read_text(encoding="utf-8"), (
        f"archlint/templates/{name}.arch.yaml differs from examples/{name}.arch.yaml: copy the example over"
    )


def test_packaged_templates_are_exactly_the_listed_ones():
    packaged = {p.name for p in (ROOT / "archlint" / "templates").glob("*.arch.yaml")}
    assert packaged == {f"{name}.arch.yaml" for name in TEMPLATES}


def test_written_design_points_editors_at_the_published_schema(cli, tmp_path):
    target = tmp_path / "d.arch.yaml"
    cli("init", "-t", "news-feed", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={SCHEMA_ID}"
    assert lines[1:] == template_text("news-feed").splitlines()[1:]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_written_designs_satisfy_the_published_schema(name):
    import json

    import jsonschema

    schema = json.loads((ROOT / "schemas" / "archlint.schema.json").read_text(encoding="utf-8"))
    design = parse_yaml(starter_text(name), Limits())[0]
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(design)]
    assert errors == []


def test_default_path_and_template(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.exit_code == 0
    assert result.stdout == "Wrote design.arch.yaml (template blank). Next: archlint check design.arch.yaml\n"
    assert findings_of(tmp_path / "design.arch.yaml") == BLANK_FINDINGS


def test_a_directory_gets_the_default_file_name(cli, tmp_path):
    result = cli("init", "-t", "chat", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / "design.arch.yaml").read_text(encoding="utf-8").startswith(
        f"# yaml-language-server: $schema={SCHEMA_ID}\n# A careful design: one-to-one"
    )


def test_dash_writes_to_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "-t", "payments", "-")
    assert result.exit_code == 0
    assert result.stdout == starter_text("payments")
    assert list(tmp_path.iterdir()) == []


def test_a_name_directory_checks_would_skip_gets_a_note(cli, tmp_path):
    target = tmp_path / "design.yaml"
    result = cli("init", str(target))
    assert result.exit_code == 0 and target.exists()
    assert result.stdout.splitlines()[1] == (
        "Note: checking a directory finds *.arch.yaml and *.arch.yml files only; "
        "this one is checked when named explicitly."
    )


def test_refuses_to_overwrite_without_force(cli, tmp_path):
    target = tmp_path / "design.arch.yaml"
    target.write_text("archlint: 1\nname: mine\n", encoding="utf-8")
    result = cli("init", str(target))
    assert result.exit_code == 2
    assert f"Error: '{target}' already exists; pass --force to overwrite it" in result.stderr
    assert target.read_text(encoding="utf-8") == "archlint: 1\nname: mine\n"


def test_force_overwrites(cli, tmp_path):
    target = tmp_path / "design.arch.yaml"
    target.write_text("archlint: 1\nname: mine\n", encoding="utf-8")
    result = cli("init", "--force", "--template", "payments", str(target))
    assert result.exit_code == 0
    assert "name: payments\n" in target.read_text(encoding="utf-8")
    assert findings_of(target) == set()


def test_unknown_template_is_a_usage_error_with_a_suggestion_and_the_list(cli, tmp_path):
    target = tmp_path / "design.arch.yaml"
    result = cli("init", "--template", "url-shortner", str(target))
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--template': 'url-shortner' is not a template; did you mean 'url-shortener'? "
        "The templates are: blank, url-shortener, news-feed, video-streaming, ride-matching, chat, payments.\n"
    ) in result.stderr
    assert not target.exists()


def test_unknown_template_without_a_close_name(cli, tmp_path):
    result = cli("init", "-t", "kafka", str(tmp_path / "x.arch.yaml"))
    assert result.exit_code == 2
    assert "'kafka' is not a template. The templates are: blank, url-shortener," in result.stderr


def test_missing_directory_is_a_usage_error(cli, tmp_path):
    result = cli("init", str(tmp_path / "no" / "such" / "design.arch.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output


def test_list_names_every_template_with_a_summary(cli):
    result = cli("init", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(TEMPLATES)
    assert lines[0] == "blank            a commented skeleton of every section, with five DOC warnings to fill in"


def test_refusal_in_a_real_process(tmp_path):
    (tmp_path / "design.arch.yaml").write_text("archlint: 1\n", encoding="utf-8")
    result = run_process("init", cwd=tmp_path)
    assert result.returncode == 2
    assert "'design.arch.yaml' already exists; pass --force to overwrite it" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
