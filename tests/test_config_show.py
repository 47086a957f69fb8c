"""`archlint config --show`: the effective configuration and where each value came from."""

import json

import pytest
import yaml
from conftest import run_process

CONFIG = """\
select: [ALL]
extend-select: OBS004
ignore: [ARC004]
per-file-ignores: {"legacy/**": [RES001, RES004], "**/old.arch.yaml": [ARC]}
options: {ARC001: {engineers_per_service: 3}, RES005: {check_p99: true}}
fail-on: warning
limits: {max-file-size: 20MB, max-depth: 32}
"""

DEFAULTS = """\
# effective configuration for .: no configuration file found, every value is the default
select: [ALL]                 # default
ignore: []                    # default
extend-select: []             # default
per-file-ignores: {}          # default
options: {}                   # default
fail-on: error                # default
exclude: []                   # default
rule-packs: []                # default
zone-availability: 99.95%     # default
region-availability: 99.99%   # default
diagram-engine: bundled       # default
cache-dir: ".archlint_cache"  # default
limits:
  max-file-size: 10MB         # default
  max-depth: 64               # default
  max-aliases: 10000          # default
  max-list-items: 100000      # default
  max-key-length: 1024        # default
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "designs").mkdir()
    (tmp_path / ".archlint.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_when_no_file_is_found(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    result = cli("config", "--show")
    assert result.exit_code == 0
    assert result.output == DEFAULTS


def test_each_value_names_its_source(project, cli):
    result = cli("config", "--show", "designs")
    assert result.exit_code == 0
    width = len('per-file-ignores: {legacy/**: [RES001, RES004], "**/old.arch.yaml": [ARC]}')
    expected = [
        ("select: [ALL]", ".archlint.yaml: select"),
        ("ignore: [ARC004]", ".archlint.yaml: ignore"),
        ("extend-select: [OBS004]", ".archlint.yaml: extend-select"),
        ('per-file-ignores: {legacy/**: [RES001, RES004], "**/old.arch.yaml": [ARC]}',
         ".archlint.yaml: per-file-ignores"),
        ("options: {ARC001: {engineers_per_service: 3}, RES005: {check_p99: true}}", ".archlint.yaml: options"),
        ("fail-on: warning", ".archlint.yaml: fail-on"),
        ("exclude: []", "default"),
        ("rule-packs: []", "default"),
        ("zone-availability: 99.95%", "default"),
        ("region-availability: 99.99%", "default"),
        ("diagram-engine: bundled", "default"),
        ('cache-dir: ".archlint_cache"', "default"),
    ]
    lines = result.output.splitlines()
    assert lines[0] == "# effective configuration for designs: from .archlint.yaml"
    assert lines[1:13] == [f"{text.ljust(width)}  # {source}" for text, source in expected]
    assert lines[13] == "limits:"
    assert [line.split("#")[1].strip() for line in lines[14:]] == [
        ".archlint.yaml: limits.max-file-size", ".archlint.yaml: limits.max-depth", "default", "default", "default",
    ]


def test_the_text_output_is_a_configuration_file(project, cli):
    """Pasted into .archlint.yaml, the output configures the same thing."""
    shown = yaml.safe_load(cli("config", "--show").output)
    assert shown["per-file-ignores"] == {"legacy/**": ["RES001", "RES004"], "**/old.arch.yaml": ["ARC"]}
    assert shown["limits"] == {"max-file-size": "20MB", "max-depth": 32, "max-aliases": 10000,
                               "max-list-items": 100000, "max-key-length": 1024}
    (project / "designs" / ".archlint.yaml").write_text(cli("config", "--show").output)
    again = cli("config", "--show", "designs").output.splitlines()
    assert again[0] == "# effective configuration for designs: from designs/.archlint.yaml"
    assert [line.split("  # ")[0].rstrip() for line in again[1:]] == [
        line.split("  # ")[0].rstrip() for line in cli("config", "--show").output.splitlines()[1:]
    ]


def test_json_format(project, cli):
    result = cli("config", "--show", "--format", "json", "designs")
    document = json.loads(result.output)
    assert (document["version"], document["path"], document["config"]) == (1, "designs", ".archlint.yaml")
    settings = document["settings"]
    assert list(settings)[:3] == ["select", "ignore", "extend-select"]
    assert settings["fail-on"] == {"value": "warning", "source": {"file": ".archlint.yaml", "key": "fail-on"}}
    assert settings["limits.max-depth"] == {
        "value": 32, "source": {"file": ".archlint.yaml", "key": "limits.max-depth"}
    }
    assert settings["limits.max-aliases"] == {"value": 10000, "source": None}
    assert settings["options"]["value"] == {"ARC001": {"engineers_per_service": 3}, "RES005": {"check_p99": True}}


def test_pyproject_keys_are_named_in_full(tmp_path, monkeypatch, cli):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.archlint]\nfail-on = "info"\n'
                                             '\n[tool.archlint.limits]\nmax-depth = 20\n')
    monkeypatch.chdir(tmp_path)
    lines = cli("config", "--show").output.splitlines()
    assert lines[0] == "# effective configuration for .: from pyproject.toml"
    assert "fail-on: info  " in lines[6] and lines[6].endswith("# pyproject.toml: tool.archlint.fail-on")
    assert lines[15].startswith("  max-depth: 20 ")
    assert lines[15].endswith("# pyproject.toml: tool.archlint.limits.max-depth")


def test_the_nearest_file_wins_and_an_explicit_file_overrides(project, cli):
    (project / "designs" / ".archlint.yaml").write_text("fail-on: info\n")
    (project / "designs" / "api.arch.yaml").write_text("archlint: 1\n")
    lines = cli("config", "--show", "designs/api.arch.yaml").output.splitlines()
    assert lines[0] == "# effective configuration for designs/api.arch.yaml: from designs/.archlint.yaml"
    # Files are not merged: the outer file's select and ignore do not apply here.
    assert lines[1].startswith("select: [ALL] ") and lines[1].endswith("# default")
    assert lines[2].startswith("ignore: [] ") and lines[2].endswith("# default")
    assert lines[6].startswith("fail-on: info ") and lines[6].endswith("# designs/.archlint.yaml: fail-on")
    (project / "ci.yaml").write_text("fail-on: error\n")
    lines = cli("config", "--show", "--config", "ci.yaml", "designs").output.splitlines()
    assert lines[0] == "# effective configuration for designs: from ci.yaml"
    assert lines[6].startswith("fail-on: error ") and lines[6].endswith("# ci.yaml: fail-on")


def test_diagram_engine_is_shown_and_checked(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".archlint.yaml").write_text("diagram-engine: system\n")
    lines = cli("config", "--show").output.splitlines()
    assert lines[11].startswith("diagram-engine: system ") and lines[11].endswith("# .archlint.yaml: diagram-engine")
    (tmp_path / ".archlint.yaml").write_text("diagram-engine: dot\n")
    result = cli("config", "--show")
    assert result.exit_code == 2
    assert ("diagram-engine must be one of bundled, system (got 'dot'): bundled is graphviz-pure, installed with "
            "archlint; system is Graphviz's dot on PATH") in result.stderr


def test_a_path_that_does_not_exist_is_a_usage_error(project):
    result = run_process("config", "--show", "nowhere", cwd=project)
    assert result.returncode == 2 and "Error: path 'nowhere' does not exist" in result.stderr


def test_show_is_required(project):
    result = run_process("config", cwd=project)
    assert result.returncode == 2
    assert "`archlint config --show [PATH]` prints the effective configuration" in result.stderr


@pytest.mark.parametrize(
    "config, message",
    [
        ("fail_on: info\n", "unknown key 'fail_on'; did you mean 'fail-on'?"),
        ("ignore: [RES0001]\n", "'RES0001' is not a rule code or prefix"),
        ("options: {ARC001: {engineers_per_servise: 3}}\n",
         "ARC001 has no option 'engineers_per_servise'; did you mean 'engineers_per_service'?"),
    ],
)
def test_a_bad_configuration_is_a_usage_error(tmp_path, config, message):
    (tmp_path / ".archlint.yaml").write_text(config)
    result = run_process("config", "--show", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and ".archlint.yaml" in result.stderr
    assert "Traceback" not in result.stderr
