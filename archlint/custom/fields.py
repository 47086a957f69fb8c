"""What a declarative rule's condition and message can read about one selected item.

Three kinds of item, each with its own names:
- a component `(terms, cid)`: its fields as written (`owner`, `queue.dlq`,
  `security.auth`, ...), its `id`, resolved `kind`, and the derived figures `rmin`,
  `rmax`, `copies`, `zones`, `regions`, `managed`, `stateful`, `load`, `read_load`,
  `write_load`, `utilisation`, `capacity` (read capacity), `write_capacity`;
- an edge `(terms, edge)`: `type` (calls, publishes, consumes), `from`, `to`, the
  edge's properties (`timeout`, `retries.max`, `idempotent`, ...), and `source.X` /
  `target.X` for any component name of either end;
- a flow `(terms, route)`: `name`, its fields (`rate`, `type`, `availability`,
  `latency`, ...; targets as written) and `estimated_availability`,
  `estimated_latency`, `peak_rate`, `average_rate`.

Every name is checked against the model when the rule is compiled, so a typo is a
pack error, not a silent null. Fields are read from pydantic models only by their
declared names: there is no route to Python attributes.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from archlint.custom.expr import ExprError, Getter

if TYPE_CHECKING:
    from pydantic import BaseModel

SCOPES = ("components", "edges", "flows")


def _component_figures() -> dict[str, Callable[[Any, str], Any]]:
    def loads(terms: Any, cid: str) -> Any:
        return terms.figures.loads.get(cid)

    def utilisation(terms: Any, cid: str) -> Any:
        load = loads(terms, cid)
        return None if load is None else load.utilisation

    return {
        "id": lambda terms, cid: cid,
        "kind": lambda terms, cid: terms.kind(cid),
        "rmin": lambda terms, cid: terms.rmin(cid),
        "rmax": lambda terms, cid: terms.rmax(cid),
        "copies": lambda terms, cid: terms.copies(cid),
        "zones": lambda terms, cid: terms.zones(cid),
        "regions": lambda terms, cid: terms.regions(cid),
        "managed": lambda terms, cid: terms.managed(cid),
        "stateful": lambda terms, cid: terms.stateful(cid),
        # The loads estimate prints and SCL001 compares: levelled behind queues.
        "load": lambda terms, cid: getattr(loads(terms, cid), "total", None),
        "read_load": lambda terms, cid: getattr(loads(terms, cid), "read", None),
        "write_load": lambda terms, cid: getattr(loads(terms, cid), "write", None),
        "utilisation": utilisation,
        "capacity": lambda terms, cid: terms.figures.capacity(cid).read,
        "write_capacity": lambda terms, cid: terms.figures.capacity(cid).write,
    }


def _flow_figures() -> dict[str, Callable[[Any, Any], Any]]:
    def rate(terms: Any, route: Any) -> Any:
        return terms.figures.rates.get(route.name)

    return {
        "name": lambda terms, route: route.name,
        "estimated_availability": lambda terms, route: _attr(terms.figures.availability.get(route.name), "value"),
        "estimated_latency": lambda terms, route: _attr(terms.figures.latency.get(route.name), "value"),
        "peak_rate": lambda terms, route: _attr(rate(terms, route), "peak"),
        "average_rate": lambda terms, route: _attr(rate(terms, route), "average"),
    }


def _edge_figures() -> dict[str, Callable[[Any, Any], Any]]:
    return {
        "type": lambda terms, edge: edge.kind,
        "from": lambda terms, edge: edge.dst if edge.kind == "consumes" else edge.src,
        "to": lambda terms, edge: edge.src if edge.kind == "consumes" else edge.dst,
    }


def _attr(value: Any, name: str) -> Any:
    return None if value is None else getattr(value, name, None)


def _models() -> dict[str, list[type[BaseModel]]]:
    from archlint.language import model

    return {"components": [model.Component], "edges": [model.Link, model.Consumer], "flows": [model.Flow]}


def resolver(scope: str) -> Callable[[tuple[str, ...]], Getter]:
    """`path -> getter` for items of `scope`; ExprError names what is known."""
    models = _models()[scope]
    derived = {"components": _component_figures, "edges": _edge_figures, "flows": _flow_figures}[scope]()

    def resolve(path: tuple[str, ...]) -> Getter:
        head = path[0]
        if scope == "edges" and head in ("source", "target") and len(path) > 1:
            inner = resolver("components")(path[1:])
            end = _edge_figures()["from" if head == "source" else "to"]
            return _typed(lambda item: inner((item[0], end(item[0], item[1]))), getattr(inner, "kind", None))
        if head in derived and len(path) == 1:
            figure = derived[head]
            return _typed(lambda item: figure(item[0], item[1]), DERIVED_KINDS.get(head))
        if not _declared(models, path):
            known = sorted(set(derived) | {name for m in models for name in m.model_fields}
                           | ({"source", "target"} if scope == "edges" else set()))
            dotted, names = ".".join(path), ", ".join(known)
            raise ExprError(f"'{dotted}' is not a field of {scope} (known: {names})")
        read = {"components": lambda item: item[0].component(item[1]),
                "edges": lambda item: item[1].props,
                "flows": lambda item: item[1].flow}[scope]

        def get(item: Any) -> Any:
            value = read(item)
            for name in path:
                value = _field(value, name)
                if value is None:
                    return None
            return value

        return _typed(get, _declared_kind(models, path))

    return resolve


# What a value read by a condition is, for the type checks done when a pack loads
# (archlint.custom.expr): "number", "text", "bool", "list", "map"; None when a field
# may hold more than one of them.
DERIVED_KINDS = {
    "id": "text", "kind": "text", "type": "text", "from": "text", "to": "text", "name": "text",
    "managed": "bool", "stateful": "bool",
    **{name: "number" for name in ("rmin", "rmax", "copies", "zones", "regions", "load", "read_load", "write_load",
                                   "utilisation", "capacity", "write_capacity", "estimated_availability",
                                   "estimated_latency", "peak_rate", "average_rate")},
}


def _typed(getter: Getter, kind: str | None) -> Getter:
    getter.kind = kind  # type: ignore[attr-defined]
    return getter


def _declared_kind(models: list[type], path: tuple[str, ...]) -> str | None:
    """The kind of the field at `path` when every model that declares it agrees."""
    kinds = set()
    for root in models:
        current: Any = root
        annotation: Any = None
        for name in path:
            fields = getattr(current, "model_fields", None)
            if current is dict or fields is None or name not in fields:
                annotation = None
                break
            annotation = fields[name].annotation
            current = _nested(annotation)
        if annotation is not None:
            kinds.add(_kind(annotation))
    return kinds.pop() if len(kinds) == 1 else None


def _kind(annotation: Any) -> str | None:
    """One kind for an annotation, looking through Optional, Annotated and Literal."""
    found: set[str] = set()
    pending = [annotation]
    while pending:
        current = pending.pop()
        origin = typing.get_origin(current)
        if current is type(None):
            continue
        if origin is typing.Annotated:
            pending.append(typing.get_args(current)[0])
        elif origin is typing.Union or (origin is not None and str(origin) == "types.UnionType"):
            pending.extend(typing.get_args(current))
        elif origin is typing.Literal:
            found.update("bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float))
                         else "text" for value in typing.get_args(current))
        elif origin in (list, tuple, set, frozenset) or current in (list, tuple):
            found.add("list")
        elif origin is dict or current is dict or hasattr(current, "model_fields"):
            found.add("map")
        elif current is bool:
            found.add("bool")
        elif current in (int, float):
            found.add("number")
        elif current is str:
            found.add("text")
        else:
            return None
    return found.pop() if len(found) == 1 else None


def _field(value: Any, name: str) -> Any:
    """A declared pydantic field, or a key of a plain map; nothing else."""
    if isinstance(value, dict):
        return value.get(name)
    fields = getattr(type(value), "model_fields", None)
    if fields is None or name not in fields:
        return None
    return getattr(value, name)


def _declared(models: list[type[BaseModel]], path: tuple[str, ...]) -> bool:
    """Whether some model declares this chain of fields (maps end the check)."""
    for root in models:
        current: Any = root
        for name in path:
            if current is dict:
                break  # a map's keys are data, not fields
            fields = getattr(current, "model_fields", None)
            if fields is None or name not in fields:
                current = None
                break
            current = _nested(fields[name].annotation)
        else:
            return True
        if current is dict:
            return True
    return False


def _nested(annotation: Any) -> Any:
    """The model (or `dict`) a field holds, looking through Optional/Union/Annotated."""
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    if typing.get_origin(annotation) is dict:
        return dict
    for argument in typing.get_args(annotation):
        found = _nested(argument)
        if found is not None:
            return found
    return None
