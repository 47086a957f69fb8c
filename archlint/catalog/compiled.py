"""The catalog's precompiled form, `tech.json`: what validating tech.yaml produced, as
plain JSON, read back without building a validator.

Validating tech.yaml means building pydantic's validator for about fifteen models and
parsing 90 kB of YAML, a fifth of a small check's run. tech.json is written by
`python -m archlint.catalog` from the validated models (every field, in declaration
order, and which were set), with the SHA-256 of the tech.yaml it came from: `load`
uses it only when that digest matches the tech.yaml beside it, so an edited tech.yaml
is validated as before until tech.json is regenerated (tests/test_catalog.py fails
meanwhile). It is archlint's own package data, never a user's file, and it is data:
JSON that names classes from this package's fixed table, nothing executable.

Each model is a JSON object with `$` (its class) and, when some fields kept their
default, `$unset` (those fields); maps and lists are JSON's own. Unbounded retention
(math.inf) is written `Infinity`, which Python's json reads back.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from archlint.input.files import yaml_digest

if TYPE_CHECKING:
    from pydantic import BaseModel

    from archlint.catalog import Catalog

FILE = "tech.json"
FORMAT = 1


def _classes() -> dict[str, type[BaseModel]]:
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


def dump(catalog: Any, source: bytes) -> str:
    """The text of tech.json for a catalog validated from `source` (tech.yaml's bytes)."""
    from pydantic import BaseModel

    known = _classes()

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
        text = (resources.files("archlint.catalog") / FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    return parse(text, source)


def parse(text: str, source: bytes) -> Catalog | None:
    """The catalog from tech.json's text (see `load`)."""
    head = text[:200]
    if f'"source_sha256":"{digest(source)}"' not in head or f'"format":{FORMAT},' not in head:
        return None
    classes = _classes()
    private = {name: cls.__private_attributes__ for name, cls in classes.items()}
    setattr_ = object.__setattr__

    def model(node: dict[str, Any]) -> Any:
        name = node.pop("$", None)
        if name is None:
            return node
        cls = classes[name]
        unset = node.pop("$unset", ())
        # What BaseModel.model_construct sets, without its per-field default logic: every
        # field is in the file, already validated.
        obj = cls.__new__(cls)
        setattr_(obj, "__dict__", node)
        setattr_(obj, "__pydantic_fields_set__", set(node).difference(unset))
        setattr_(obj, "__pydantic_extra__", None)
        attrs = private[name]
        setattr_(obj, "__pydantic_private__",
                 {key: attr.get_default() for key, attr in attrs.items()} if attrs else None)
        return obj

    try:
        catalog = json.loads(text, object_hook=model)["catalog"]
    except (ValueError, KeyError, TypeError):  # a damaged copy: validate tech.yaml instead
        return None
    from archlint.catalog import Catalog

    return catalog._link() if isinstance(catalog, Catalog) else None
