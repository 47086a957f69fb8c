"""docs/language.md and the JSON Schema describe every key of the language from one
source (archlint/language/fields.yaml): a new model field without a description or
without a table in the reference fails here."""

from __future__ import annotations

import json
import re

from conftest import ROOT

from archlint.analysis.terms import MONEY_DATA, SENSITIVE_DATA
from archlint.language.reference import descriptions, field_docs, generated_models, models, update_document

LANGUAGE = ROOT / "docs" / "language.md"
SCHEMA = ROOT / "schemas" / "archlint.schema.json"


def test_every_model_field_has_a_description_and_no_entry_is_stale():
    texts = descriptions()
    missing, stale = [], []
    for model in models():
        fields = set(model.model_fields)
        written = set(texts.get(model.__name__, {}))
        missing += [f"{model.__name__}.{name}" for name in sorted(fields - written)]
        stale += [f"{model.__name__}.{name}" for name in sorted(written - fields)]
        for name in fields & written:
            assert texts[model.__name__][name].get("text", "").strip(), f"{model.__name__}.{name} has no text"
    assert not missing, f"describe these in archlint/language/fields.yaml: {missing}"
    assert not stale, f"fields.yaml describes fields that do not exist: {stale}"
    assert set(texts) == {model.__name__ for model in models()}


def test_every_model_has_a_table_in_the_reference():
    document = LANGUAGE.read_text(encoding="utf-8")
    present = generated_models(document)
    assert sorted(present) == sorted(model.__name__ for model in models()), \
        "add a '<!-- fields: Model -->' region for each model to docs/language.md"
    assert len(present) == len(set(present))
    # each table sits under a heading of its own section
    for name in present:
        before = document[: document.index(f"<!-- fields: {name} -->")]
        assert re.search(r"^#{2,3} ", before, re.M), name


def test_reference_tables_are_up_to_date():
    document = LANGUAGE.read_text(encoding="utf-8")
    assert update_document(document) == document, "regenerate: python -m archlint.views.docs"


def test_tables_show_type_default_and_meaning():
    document = LANGUAGE.read_text(encoding="utf-8")
    # written by hand from model.py and fields.yaml
    assert ("| `timeout` | duration (20ms, 2s, 5m, 24h, 30d, 5y) | - "
            "| How long the caller waits before giving up. |") in document
    assert "| `replicas` | whole number ≥ 1 (6, 100k) | 1 | Instances serving traffic. |" in document
    assert "| `peak_factor` | number ≥ 1 | 2 |" in document
    assert "| `calls` | list of ids, or map of id to Link | - |" in document
    assert "| `steps` | list of text 'a -> b -> c', optionally ending in ': SHARE' | required |" in document


def test_every_schema_property_has_a_description():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    undescribed = [f"$.{name}" for name, node in schema["properties"].items() if not node.get("description")]
    for definition, node in schema["$defs"].items():
        undescribed += [f"{definition}.{name}" for name, prop in node.get("properties", {}).items()
                        if not prop.get("description")]
    assert not undescribed, undescribed
    timeout = schema["$defs"]["Link"]["properties"]["timeout"]
    assert timeout["description"] == "How long the caller waits before giving up."
    assert schema["$defs"]["Component"]["properties"]["replicas"]["description"] == \
        "Instances serving traffic. Default: 1."


def test_field_docs_mark_required_keys():
    from archlint.language.model import Design

    required = {doc.name for doc in field_docs(Design) if doc.required}
    assert required == {"archlint", "name", "components"}


def test_data_classes_table_names_the_classes_rules_read():
    document = LANGUAGE.read_text(encoding="utf-8")
    section = document.split("### Data classes", 1)[1].split("\n#", 1)[0]
    named = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    assert named == MONEY_DATA | SENSITIVE_DATA


def test_the_language_server_offers_the_same_data_classes():
    from archlint.lsp.server import DATA_CLASSES

    assert set(DATA_CLASSES) == MONEY_DATA | SENSITIVE_DATA
