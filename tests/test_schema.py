"""The published JSON Schema is generated from the models and accepts every example."""

import json

import jsonschema
import pytest
from conftest import DATA, EXAMPLES, ROOT

from archlint.input.load import Limits, parse_yaml
from archlint.input.markdown import find_fences
from archlint.language.schema import schema_text

SCHEMA_FILE = ROOT / "schemas" / "archlint.schema.json"


def test_committed_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text() == schema_text(), "regenerate: archlint schema > schemas/archlint.schema.json"


def test_schema_command_prints_it(cli):
    result = cli("schema")
    assert result.exit_code == 0 and json.loads(result.output) == json.loads(SCHEMA_FILE.read_text())


def _designs():
    paths = sorted(EXAMPLES.glob("*.arch.yaml")) + [DATA / "every-field.arch.yaml"]
    for path in paths:
        yield path.name, parse_yaml(path.read_text(), Limits())[0]
    for path in sorted(EXAMPLES.glob("*.md")):
        for index, fence in enumerate(find_fences(path.read_text())):
            yield f"{path.name}#{index}", parse_yaml(fence.text, Limits())[0]


DESIGNS = dict(_designs())


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_examples_validate_against_the_schema(validator, name):
    errors = sorted(validator.iter_errors(DESIGNS[name]), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schema_rejects_what_the_parser_rejects(validator):
    design = dict(DESIGNS["url-shortener.arch.yaml"])
    assert not validator.is_valid({**design, "componets": {}})
    assert not validator.is_valid({**design, "scale": {"dau": "20m"}})
    assert not validator.is_valid({**design, "flows": {"f": {"rate": "100", "steps": ["a -> b"]}}})
    assert validator.is_valid({**design, "x-anything": [1, 2]})
