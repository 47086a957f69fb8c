"""Input rules tightened: ids and codes match their whole pattern (no trailing newline),
`true` is not version 1, a full standard output is exit 2 with a message, and `check -j
2` gives byte for byte what `check -j 1` gives, for bad inputs too."""

from __future__ import annotations

import json
import pickle

import pytest
from conftest import EXAMPLES, check_text, codes_at, run_process

from archlint.input.load import InputProblem


def test_a_component_id_with_a_trailing_newline_is_invalid(tmp_path):
    findings = check_text(tmp_path, 'archlint: 1\nname: x\ncomponents:\n  "api\\n": {kind: service}\n')
    assert codes_at(findings) == [("INP011", 4, 3)]
    assert findings[0].message.startswith("'api\n' is not a valid component id")  # escaped when printed


def test_a_suppressed_code_with_a_trailing_newline_is_not_a_code(tmp_path):
    findings = check_text(tmp_path, 'archlint: 1\nname: x\ncomponents:\n  api: {kind: service}\n'
                                    'lint: {ignore: {"ARC001\\n": "reason"}}\n')
    assert [f.code for f in findings] == ["INP030"]


@pytest.mark.parametrize("written, shown", [("true", "true"), ("false", "false")])
def test_archlint_true_is_not_version_1(tmp_path, written, shown):
    findings = check_text(tmp_path, f"archlint: {written}\nname: x\ncomponents:\n  api: {{kind: service}}\n")
    assert codes_at(findings) == [("INP011", 1, 1)]
    assert findings[0].message == f"archlint: version {shown} is not supported; this archlint reads version 1"


def test_a_pack_code_with_a_trailing_newline_is_refused(tmp_path):
    from archlint.custom.packs import PackError, load_pack

    pack = tmp_path / "pack.yaml"
    pack.write_text('- code: "ORG001\\n"\n  name: no-owner\n  severity: warning\n  summary: Owned.\n')
    with pytest.raises(PackError, match=r"pack.yaml:1:3: code: 'ORG001\\n' ends in a line break"):
        load_pack(str(pack))


@pytest.mark.parametrize("command", [
    ["check", "--no-cache", str(EXAMPLES / "naive-shop.arch.yaml")],
    ["check", "--no-cache", str(EXAMPLES / "url-shortener.arch.yaml"), "--format", "sarif"],
    ["estimate", str(EXAMPLES / "url-shortener.arch.yaml")],
    ["rules"],
    ["schema"],
])
def test_a_full_standard_output_is_exit_2_with_a_message(command):
    import subprocess
    import sys

    from conftest import ROOT

    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "archlint", *command], stdout=full, stderr=subprocess.PIPE,
                                text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "archlint: cannot write to standard output: No space left on device\n"


def test_an_input_problem_survives_pickling():
    problem = InputProblem("INP002", "YAML syntax error", 3, 4, hint="fix it")
    copy = pickle.loads(pickle.dumps(problem))
    assert (copy.code, copy.message, copy.line, copy.column, copy.hint) == ("INP002", "YAML syntax error", 3, 4,
                                                                            "fix it")


BAD_FILES = {
    "a-syntax.arch.yaml": b"archlint: 1\nname: [\n",
    "b-tab.arch.yaml": b"archlint: 1\nname: x\ncomponents:\n\tapi: {}\n",
    "c-utf16.arch.yaml": b"\xff\xfea\x00",
    "d-not-utf8.arch.yaml": b"archlint: 1\nname: \xff\n",
    "e-nul.arch.yaml": b"archlint: 1\x00\n",
    "f-tag.arch.yaml": b"archlint: !!python/object:os.system 1\n",
    "g-deep.arch.yaml": b"a: " + b"[" * 200 + b"]" * 200 + b"\n",
    "h-alias.arch.yaml": b"a: &a [1, 2]\nb: [*a, *a, *a]\n" + b"c: *zz\n",
    "i-empty.arch.yaml": b"",
    "j-two-docs.arch.yaml": b"archlint: 1\n---\nname: x\n",
    "k-duplicate.arch.yaml": b"archlint: 1\narchlint: 1\n",
    "l-good.arch.yaml": (EXAMPLES / "url-shortener.arch.yaml").read_bytes(),
    "m-rfc.md": b"# x\n\n```archlint\narchlint: 1\nname: [\n```\n\n```archlint\narchlint: true\n```\n",
}


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_parallel_and_serial_output_are_byte_identical_for_bad_inputs(tmp_path, output_format):
    for name, content in BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    serial = run_process("check", "--format", output_format, ".", cwd=tmp_path)
    parallel = run_process("check", "--format", output_format, "-j", "2", ".", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1, parallel.stderr
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr == ""
    if output_format == "json":
        assert len(json.loads(serial.stdout)["files"]) == len(BAD_FILES)
