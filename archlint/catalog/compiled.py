"""The catalog's precompiled form, `tech.json`: what validating tech.yaml produced, as
plain JSON, read back into the run-time classes of archlint.catalog without pydantic.

Validating tech.yaml means importing pydantic, building its validator for about fifteen
models and parsing 90 kB of YAML, more than a third of a small check's run. tech.json is
written by `python -m archlint.catalog` from the validated models (archlint.catalog.models:
every field, in declaration order, and which were set), with the SHA-256 of the tech.yaml
it came from: `load` uses it only when that digest matches the tech.yaml beside it, so an
edited tech.yaml is validated as before until tech.json is regenerated (tests/test_catalog.py
fails meanwhile). It is archlint's own package data, never a user's file, and it is data:
JSON that names classes from this package's fixed table, nothing executable.

Each model is a JSON object with `$` (its class) and, when some fields kept their
default, `$unset` (those fields, which only the models' validation reads); maps and lists
are JSON's own. Unbounded retention (math.inf) is written `Infinity`, which Python's json
reads back. `from_models` turns validated models into the same run-time records, for a
tech.json that is stale.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archlint.input.files import package_bytes, yaml_digest

if TYPE_CHECKING:
    from pydantic import BaseModel

    from archlint.catalog import Catalog
    from archlint.catalog import models as models_

FILE = "tech.json"
FORMAT = 1


def _models() -> dict[str, type[BaseModel]]:
    from archlint.catalog import models

    return {cls.__name__: cls for cls in (
        models.Availability, models.Capacity, models.Catalog, models.DeliveryFigure, models.Figure,
        models.KindDefaults, models.Latency, models.ReplicationFigure, models.Retention,
        models.SizeFigure, models.Source, models.TechEntry,
    )}


def _records() -> dict[str, type]:
    """The run-time class of each model, by the name both share."""
    from archlint import catalog

    return {cls.__name__: cls for cls in (
        catalog.Availability, catalog.Capacity, catalog.Catalog, catalog.DeliveryFigure, catalog.Figure,
        catalog.KindDefaults, catalog.Latency, catalog.ReplicationFigure, catalog.Retention,
        catalog.SizeFigure, catalog.Source, catalog.TechEntry,
    )}


def digest(source: bytes) -> str:
    """tech.yaml's SHA-256, its line ends read as YAML reads them (a checkout with CRLF
    is the same catalog)."""
    return yaml_digest(source)


def dump(catalog: models_.Catalog, source: bytes) -> str:
    """The text of tech.json for the models validated from `source` (tech.yaml's bytes)."""
    from pydantic import BaseModel

    known = _models()

    def encode(node: Any) -> Any:
        if isinstance(node, BaseModel):
            cls = type(node)
            if known.get(cls.__name__) is not cls:
                raise TypeError(f"{cls.__name__} is not a catalog model")
            out: dict[str, Any] = {"$": cls.__name__}
            unset = [name for name in cls.model_fields if name not in node.model_fields_set]
            if unset:
                out["$unset"] = unset
            for name in cls.model_fields:
                out[name] = encode(getattr(node, name))
            return out
        if isinstance(node, dict):
            if any(not isinstance(key, str) or key.startswith("$") for key in node):
                raise ValueError("a map key of the catalog is not text or starts with $")
            return {key: encode(value) for key, value in node.items()}
        if isinstance(node, list):
            return [encode(value) for value in node]
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        raise TypeError(f"cannot precompile a {type(node).__name__}")

    document = {"format": FORMAT, "source_sha256": digest(source), "catalog": encode(catalog)}
    # One line per top-level key would not make diffs readable anyway: compact, newline-ended.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def load(source: bytes) -> Catalog | None:
    """The catalog from tech.json, or None when tech.json is missing, damaged, of another
    format, or made from other bytes than `source`."""
    try:
        text = package_bytes("archlint.catalog", FILE).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse(text, source)


def parse(text: str, source: bytes) -> Catalog | None:
    """The catalog from tech.json's text (see `load`)."""
    head = text[:200]
    if f'"source_sha256":"{digest(source)}"' not in head or f'"format":{FORMAT},' not in head:
        return None
    record = _maker()
    try:
        catalog = json.loads(text, object_hook=record)["catalog"]
    except (ValueError, KeyError, TypeError):  # a damaged copy: validate tech.yaml instead
        return None
    from archlint.catalog import Catalog

    return catalog._link() if isinstance(catalog, Catalog) else None


def from_models(catalog: models_.Catalog) -> Catalog:
    """The run-time catalog for validated models: the records tech.json would give."""
    from pydantic import BaseModel

    record = _maker()

    def convert(node: Any) -> Any:
        if isinstance(node, BaseModel):
            fields = {name: convert(getattr(node, name)) for name in type(node).model_fields}
            return record({"$": type(node).__name__, **fields})
        if isinstance(node, dict):
            return {key: convert(value) for key, value in node.items()}
        if isinstance(node, list):
            return [convert(value) for value in node]
        return node

    linked: Catalog = convert(catalog)._link()
    return linked


def _maker() -> Any:
    """json's object hook: an object with `$` becomes that record, its fields the object's
    own dict (no copy, no per-field call); any other object stays a map."""
    classes = _records()
    new, setattr_ = object.__new__, object.__setattr__

    def record(node: dict[str, Any]) -> Any:
        if "$" not in node:  # most objects are maps: test before touching them
            return node
        cls = classes[node.pop("$")]
        node.pop("$unset", None)
        obj: Any = new(cls)
        setattr_(obj, "__dict__", node)
        return obj

    return record
