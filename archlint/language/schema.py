"""The published JSON Schema of the design language, generated from the models.

`schemas/archlint.schema.json` is this output; a test keeps the two identical.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://archlint.dev/schemas/archlint.schema.json"


def design_json_schema() -> dict[str, Any]:
    from archlint.language.model import Design
    from archlint.language.reference import describe_schema

    schema = describe_schema(Design.model_json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "description": "A system design for archlint (language version 1).",
        **schema,
    }


def schema_text() -> str:
    """Deterministic text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(design_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
