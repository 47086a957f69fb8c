"""Configuration files: discovery, validation with did-you-mean, and their effect."""

import json
import shutil

from conftest import EXAMPLES, run_process

EXAMPLE = EXAMPLES / "url-shortener.arch.yaml"


def _design(folder, name="design.arch.yaml"):
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(EXAMPLE, target)
    return target


def _codes(result):
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_limits_from_the_nearest_config(tmp_path):
    design = _design(tmp_path / "team")
    (tmp_path / ".archlint.yaml").write_text("limits: {max-file-size: 1KB}\n")
    result = run_process("check", "--format", "json", "--select", "INP", str(design))
    assert result.returncode == 1 and _codes(result) == ["INP005"]
    # A nearer file wins and is not merged with the outer one.
    (tmp_path / "team" / ".archlint.yaml").write_text("fail-on: error\n")
    result = run_process("check", "--format", "json", "--select", "INP", str(design))
    assert "INP005" not in _codes(result)


def test_pyproject_section(tmp_path):
    design = _design(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.archlint.limits]\nmax-file-size = "1KB"\n')
    result = run_process("check", "--format", "json", "--select", "INP", str(design))
    assert _codes(result) == ["INP005"]


def test_pyproject_without_section_is_skipped(tmp_path):
    design = _design(tmp_path / "sub")
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / ".archlint.yaml").write_text("limits: {max-file-size: 1KB}\n")
    result = run_process("check", "--format", "json", "--select", "INP", str(design))
    assert _codes(result) == ["INP005"]


def test_unknown_key_is_a_usage_error_with_did_you_mean(tmp_path):
    design = _design(tmp_path)
    (tmp_path / ".archlint.yaml").write_text("selct: [RES]\n")
    result = run_process("check", str(design))
    assert result.returncode == 2
    assert "unknown key 'selct'; did you mean 'select'?" in result.stderr
    assert ".archlint.yaml" in result.stderr


def test_unknown_code_is_a_usage_error(tmp_path):
    design = _design(tmp_path)
    (tmp_path / ".archlint.yaml").write_text("ignore: [INP0012]\n")
    result = run_process("check", str(design))
    assert result.returncode == 2 and "'INP0012' is not a rule code or prefix" in result.stderr


def test_bad_limit_value(tmp_path):
    design = _design(tmp_path)
    (tmp_path / ".archlint.yaml").write_text("limits: {max-depth: lots}\n")
    result = run_process("check", str(design))
    assert result.returncode == 2 and "max-depth" in result.stderr


def test_broken_config_yaml_names_its_place(tmp_path):
    design = _design(tmp_path)
    (tmp_path / ".archlint.yaml").write_text("select: [RES\n")
    result = run_process("check", str(design))
    assert result.returncode == 2 and ".archlint.yaml:2:1:" in result.stderr


def test_explicit_config_file(tmp_path):
    design = _design(tmp_path / "a")
    config = tmp_path / "ci.yaml"
    config.write_text("limits: {max-file-size: 1KB}\n")
    result = run_process("check", "--format", "json", "--select", "INP", "--config", str(config), str(design))
    assert _codes(result) == ["INP005"]


def test_exclude_applies_to_directory_search(tmp_path):
    _design(tmp_path / "designs", "keep.arch.yaml")
    _design(tmp_path / "designs" / "legacy", "old.arch.yaml")
    (tmp_path / ".archlint.yaml").write_text("exclude: ['designs/legacy/**']\n")
    result = run_process("check", "--format", "json", "--select", "INP", str(tmp_path))
    assert [f["path"].rsplit("/", 1)[-1] for f in json.loads(result.stdout)["files"]] == ["keep.arch.yaml"]
