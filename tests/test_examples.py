"""Every example in examples/ is linted with its expected findings, marked in the file
itself by a trailing `# expect: CODE[, CODE]` on the line each finding reports."""

import pytest
from conftest import EXAMPLES, expected_findings

from archlint.catalog import load_catalog
from archlint.input.load import Limits
from archlint.run.pipeline import check_file

EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.name.endswith((".arch.yaml", ".arch.yml", ".md")))
def test_there_are_examples():
    assert any(p.name == "url-shortener.arch.yaml" for p in EXAMPLE_FILES)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_has_exactly_its_expected_findings(path):
    result = check_file(str(path), path.name, Limits(), load_catalog())
    actual = {(f.code, f.line, f.column) for f in result.findings}
    assert actual == expected_findings(path.read_text())
