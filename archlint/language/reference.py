"""The language reference as data: what each key of the models means (`fields.yaml`),
the type each accepts (read off the models), and the tables of docs/language.md and the
descriptions of the JSON Schema made from them.

The models say what is accepted; `fields.yaml` says what it means. Keeping the prose in
a data file keeps `model.py` a set of types, while the schema, the reference page and
the language server's hover read one source.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, WithJsonSchema

NOTHING = "-"


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One key of one model: its name, accepted type, default and meaning."""

    model: str
    name: str
    type: str
    default: str
    text: str
    required: bool


@functools.cache
def descriptions() -> dict[str, dict[str, dict[str, str]]]:
    """fields.yaml: model name -> field -> {text, default?}."""
    import yaml

    text = (resources.files("archlint.language") / "fields.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # trusted package data


def models() -> list[type[BaseModel]]:
    """Every model a design is made of, from `Design` down, depth first in field order."""
    from archlint.language.model import Design, Strict

    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, Strict):
            if annotation not in found:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for argument in get_args(annotation):
            visit(argument)

    visit(Design)
    return found


# --- types as a reader would write them -----------------------------------------------

# Schema descriptions of the unit types in model.py ("a rate: 1000/s, ...") -> the name
# and examples shown in the reference.
_UNIT_NAMES = {"count": "count", "rate": "rate", "duration": "duration", "size": "size",
               "percent": "percent", "ratio": "ratio"}
# Fields whose validator accepts a shorter form than the model it builds.
_SHORT_FORMS = {
    "edges": "list of ids, or map of id to {model}",
    "capacity": "rate, or {model} map",
    "retries": "whole number (max), or {model} map",
    "suppression": "text (the reason), or {model} map",
    "step": "text 'a -> b -> c', optionally ending in ': SHARE'",
    "endpoint": "text 'METHOD /path'",
    "date": "date YYYY-MM-DD",
}


def _example(description: str) -> str:
    # "a rate: 1000/s, 2k/min" -> "rate (1000/s, 2k/min)"
    head, _, examples = description.partition(": ")
    name = head.removeprefix("a ").strip()
    return f"{name} ({examples.strip()})" if examples else name


def _from_schema(schema: dict[str, Any]) -> str | None:
    description = schema.get("description")
    if isinstance(description, str):
        word = description.removeprefix("a ").split(":")[0].split()[0]
        if word in _UNIT_NAMES:
            return _example(description)
    options = schema.get("anyOf")
    if isinstance(options, list) and options and options[0].get("type") == "integer":
        return f"whole number ≥ {options[0].get('minimum', 0)} (6, 100k)"
    if schema.get("type") == "number" and "minimum" in schema:
        return f"number ≥ {schema['minimum']:g}"
    if schema.get("type") == ["string", "number"]:
        return "text"
    if schema.get("format") == "date":
        return "date YYYY-MM-DD"
    return None


def type_text(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    """`Optional[Duration]` -> `duration (20ms, 2s, ...)`; `dict[str, Link]` -> `map of id to Link`.
    `metadata`: what pydantic took out of a field's outer `Annotated`."""
    if metadata:
        return _annotated(annotation, metadata)
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        base, *inner = get_args(annotation)
        return _annotated(base, inner)
    return _plain(annotation)


def _annotated(base: Any, metadata: Any) -> str:
    for item in metadata:
        if isinstance(item, BeforeValidator):
            form = _SHORT_FORMS.get(getattr(item.func, "fast", ""))  # the parser's name (model._fast)
            if form is not None:
                return form.format(model=_model_name(base))
    for item in metadata:
        if isinstance(item, WithJsonSchema) and item.json_schema is not None:
            shown = _from_schema(item.json_schema)
            if shown is not None:
                return shown
    return type_text(base)


def _plain(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Union:
        options = [argument for argument in get_args(annotation) if argument is not type(None)]
        literals = [argument for argument in options if get_origin(argument) is Literal]
        if literals and len(literals) < len(options):  # `false`, or a map / text
            rest = [type_text(argument) for argument in options if argument not in literals]
            values = [value for literal in literals for value in get_args(literal)]
            return " or ".join(rest + [_literal(value) for value in values])
        return " or ".join(dict.fromkeys(type_text(argument) for argument in options))
    if origin is Literal:
        choices = get_args(annotation)
        return _literal(choices[0]) if len(choices) == 1 else "one of " + ", ".join(_literal(v) for v in choices)
    if origin is dict:
        _key, value = get_args(annotation)
        return f"map of id to {_element(value)}"
    if origin is list:
        (item,) = get_args(annotation)
        return f"list of {_element(item)}"
    if annotation is bool:
        return "true or false"
    if annotation is str:
        return "text"
    if annotation is int:
        return "whole number"
    if annotation is float:
        return "number"
    if annotation is Any:
        return "any value"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__} map"
    return str(annotation)


def _element(annotation: Any) -> str:
    # "map of id to Component", not "map of id to Component map"
    return type_text(annotation).removesuffix(" map")


def _model_name(annotation: Any) -> str:
    """The first model named anywhere in an annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    for argument in get_args(annotation):
        name = _model_name(argument)
        if name:
            return name
    return ""


def _literal(value: Any) -> str:
    if value is True or value is False:
        return f"`{str(value).lower()}`"
    return f"`{value}`"


# --- rows, tables, schema descriptions -------------------------------------------------

# Maps keyed by something other than an id.
_KEYED_BY = {("ComponentLint", "ignore"): "map of rule code to a reason: text, or Suppression map",
             ("Lint", "ignore"): "map of rule code to a reason: text, or Suppression map",
             ("Lint", "options"): "map of rule code to a map of option name to value"}


def field_docs(model: type[BaseModel]) -> list[FieldDoc]:
    """The documented keys of one model, in the model's order. KeyError when one lacks
    its entry in fields.yaml (the tests name it)."""
    texts = descriptions().get(model.__name__, {})
    rows = []
    for name, field in model.model_fields.items():
        entry = texts[name]
        required = field.is_required()
        default = "required" if required else str(entry.get("default", NOTHING))
        shown = _KEYED_BY.get((model.__name__, name)) or type_text(field.annotation, field.metadata)
        rows.append(FieldDoc(model.__name__, name, shown, default, entry["text"], required))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(model: type[BaseModel]) -> str:
    """The Markdown table of one model's keys for docs/language.md."""
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for doc in field_docs(model):
        lines.append(f"| `{doc.name}` | {_cell(doc.type)} | {_cell(doc.default)} | {_cell(doc.text)} |")
    return "\n".join(lines) + "\n"


def schema_description(doc: FieldDoc) -> str:
    """What an editor shows on hover: the meaning, then the default when one applies."""
    text = doc.text
    if not doc.required and doc.default != NOTHING:
        text += f" Default: {doc.default}."
    return text.replace("`", "")


def describe_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Put each field's description on its property in the generated JSON Schema."""
    from archlint.language.model import Design

    definitions = schema.get("$defs", {})
    for model in models():
        node = schema if model is Design else definitions.get(model.__name__)
        if node is None:
            continue
        properties = node.get("properties", {})
        for doc in field_docs(model):
            if doc.name in properties:
                properties[doc.name]["description"] = schema_description(doc)
    return schema


# --- docs/language.md ---------------------------------------------------------------

_REGION = re.compile(r"(<!-- fields: (?P<model>\w+) -->\n)(?P<body>.*?)(<!-- /fields -->)", re.S)


def generated_models(document: str) -> list[str]:
    """The models whose tables the document carries, in order."""
    return [match["model"] for match in _REGION.finditer(document)]


def update_document(document: str) -> str:
    """docs/language.md with every `<!-- fields: Model -->` region regenerated."""
    by_name = {model.__name__: model for model in models()}

    def table(match: re.Match[str]) -> str:
        model = by_name.get(match["model"])
        if model is None:
            raise KeyError(f"docs/language.md names a model that does not exist: {match['model']}")
        return match.group(1) + field_table(model) + match.group(4)

    return _REGION.sub(table, document)
