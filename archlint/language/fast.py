"""The fast path of validation: the compiled table (archlint.language.compiled), read
into one converter per model, builds a design's plain objects without pydantic.

Its contract: on data that pydantic accepts, it returns objects equal field by field
to what pydantic returns; on anything it is not sure of (a type that is not exactly
the expected one, an unknown key, a value a parser refuses, a construct the table marks
`giveup`, a union whose branch is not clear from the value's type) it gives up, and
archlint.language.validate runs pydantic, which reports the problem with its message
and place. So it accepts a subset of what pydantic accepts, never more: exact types
only (an int where a float is due becomes that float, as in pydantic's strict mode),
and the value parsers are pydantic's own (archlint.language.values).

A table whose sources changed since it was generated is not used (`usable()`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from archlint.input.files import package_bytes, yaml_digest
from archlint.language import values

# What the table is read off (archlint.language.compile): the models, the kinds they
# list, the mixins whose slots the plain classes take, and the generator itself.
SOURCES = ("model.py", "kinds.py", "behaviour.py", "compile.py")
FORMAT = 1

Convert = Callable[[Any], Any]
_ANY = None  # the types a spec accepts: None for any
_NUMBERS = frozenset({int, float, bool})
_STR = frozenset({str})


class GiveUp(Exception):
    """Not sure: pydantic decides."""


_state: dict[str, Any] = {}


def sources_digest(folder: str | None = None) -> str | None:
    """One SHA-256 over the sources, line ends read as in a checkout with LF (None when
    one cannot be read): this package's, or those in `folder`."""
    parts = []
    for name in SOURCES:
        try:
            if folder is None:
                source = package_bytes("archlint.language", name)
            else:
                with open(os.path.join(folder, name), "rb") as handle:
                    source = handle.read()
        except OSError:
            return None
        parts.append(f"{name} {yaml_digest(source)}")
    return yaml_digest("\n".join(parts).encode())


def usable() -> bool:
    """Whether the compiled table is current (checked once a process)."""
    if "usable" not in _state:
        from archlint.language import compiled

        _state["usable"] = compiled.FORMAT == FORMAT and compiled.SOURCES_SHA256 == sources_digest()
    return bool(_state["usable"])


def validate(data: Any) -> Any:
    """The plain Design of `data`, or None: not sure (or no usable table)."""
    convert = _state.get("design")
    if convert is None:
        if not usable():
            return None
        from archlint.language import compiled

        convert = _state["design"] = _Compiler(compiled.TABLE, compiled.CLASSES).model("Design")
    try:
        return convert(data)
    except Exception:  # GiveUp, a parser's ValueProblem, or anything unforeseen: pydantic's turn
        return None


def empty(name: str) -> Callable[[], Any]:
    """A maker of the model `name` with no key written (an edge listed without
    properties): plain when the table is current, else pydantic's."""
    if usable():
        from archlint.language import compiled

        cls: Any = compiled.CLASSES[name]
        defaults = [(default[1] if default[0] == "value" else None, default[0] == "factory")
                    for _name, _spec, default in compiled.TABLE[name]["fields"]]
        unset: frozenset[str] = frozenset()
        return lambda: cls(*[{} if fresh else value for value, fresh in defaults], unset)
    from archlint.language import model

    made: Callable[[], Any] = getattr(model, name)
    return made


def _give_up(value: Any = None) -> Any:
    raise GiveUp


class _Compiler:
    def __init__(self, table: dict[str, Any], classes: dict[str, type]):
        self.table, self.classes = table, classes
        self.models: dict[str, Convert] = {}
        self.built: dict[str, tuple[Convert, frozenset[type] | None]] = {}

    def model(self, name: str) -> Convert:
        known = self.models.get(name)
        if known is not None:
            return known
        entry = self.table[name]
        if entry["giveup"] or entry["extra"] not in ("forbid", "ignore"):
            self.models[name] = _give_up
            return _give_up
        cls: Any = self.classes[name]
        fields = entry["fields"]
        names = tuple(field[0] for field in fields)
        nameset = frozenset(names)
        position = {field_name: index for index, field_name in enumerate(names)}
        required = frozenset(field[0] for field in fields if field[2][0] == "required")
        defaults: list[Any] = []
        factories: list[int] = []
        for index, (_field_name, _spec, default) in enumerate(fields):
            if default[0] == "value":
                defaults.append(default[1])
            elif default[0] == "factory" and default[1] == "dict":
                defaults.append(None)
                factories.append(index)
            elif default[0] == "required":
                defaults.append(None)
            else:
                self.models[name] = _give_up
                return _give_up
        extensions = entry["extensions"]
        after = tuple(values.AFTER[check] for check in entry["after"])
        converters: dict[str, Convert] = {}
        interned: dict[frozenset[str], frozenset[str]] = {}

        def convert(value: Any) -> Any:
            if value.__class__ is not dict:
                if value.__class__ is cls:
                    return value  # built by a parser (a step, a capacity): pydantic keeps it too
                raise GiveUp
            keys = value.keys()
            if not keys <= nameset:
                if not extensions:
                    raise GiveUp  # pydantic forbids or drops them: its call
                for key in keys - nameset:
                    if key.__class__ is not str or not key.startswith("x-"):
                        raise GiveUp
                value = {key: item for key, item in value.items() if key in nameset}
                keys = value.keys()
            if required and not required <= keys:
                raise GiveUp
            args = defaults.copy()
            for index in factories:
                args[index] = {}
            for key, item in value.items():
                args[position[key]] = converters[key](item)
            given = frozenset(keys)
            made = cls(*args, interned.setdefault(given, given))
            for check in after:
                check(made)
            return made

        self.models[name] = convert  # before the fields: models refer to each other
        for field_name, spec, _default in fields:
            converters[field_name] = self.spec(spec)[0]
        return convert

    def spec(self, spec: list[Any]) -> tuple[Convert, frozenset[type] | None]:
        """A spec's converter, and the types of value it may accept (None: any). The
        models repeat their field types (`Optional[Text]` forty times): each is built once."""
        key = repr(spec)
        built = self.built.get(key)
        if built is None:
            leaf = _leaf(spec, nullable=False)
            built = self._spec(spec)
            if leaf is not None:
                built = leaf, built[1]
            self.built[key] = built
        return built

    def _spec(self, spec: list[Any]) -> tuple[Convert, frozenset[type] | None]:
        kind = spec[0]
        if kind == "float":
            def to_float(value: Any) -> Any:
                if value.__class__ is float:
                    return value
                if value.__class__ is int:
                    return float(value)
                raise GiveUp
            return to_float, _NUMBERS
        if kind in ("int", "bool"):
            want = int if kind == "int" else bool

            def exact(value: Any) -> Any:
                if value.__class__ is not want:
                    raise GiveUp
                return value
            # pydantic's strict bool takes true and false only (not 0, 1 or "true")
            return exact, frozenset({bool}) if kind == "bool" else _NUMBERS
        if kind == "str":
            min_length = spec[1]

            def to_str(value: Any) -> Any:
                if value.__class__ is not str or len(value) < min_length:
                    raise GiveUp
                return value
            return to_str, frozenset({str})
        if kind == "none":
            def none(value: Any) -> Any:
                if value is not None:
                    raise GiveUp
                return None
            return none, frozenset({type(None)})
        if kind == "any":
            return (lambda value: value), _ANY
        if kind == "date":
            import datetime

            def date(value: Any) -> Any:
                if value.__class__ is not datetime.date:
                    raise GiveUp
                return value
            return date, frozenset({datetime.date, datetime.datetime, str})
        if kind == "lit":
            choices = {(type(choice), choice): choice for choice in spec[1]}
            missing = object()

            def literal(value: Any) -> Any:
                found = choices.get((value.__class__, value), missing)
                if found is missing:
                    raise GiveUp
                return found
            types = frozenset(type(choice) for choice in spec[1])
            return literal, (types | _NUMBERS) if types - {str} else types
        if kind == "union":
            return self._union(spec[2])
        if kind in ("list", "tuple") and spec[1] == ["str", 0]:
            # Text items, the usual case (a chain's hops, data classes): one type check
            # each by C code (`map(type, ...)`), no call per item.
            min_length = spec[2] if kind == "list" else 0
            sequence: type[Any] = list if kind == "list" else tuple

            def texts(value: Any) -> Any:
                if value.__class__ is not sequence or len(value) < min_length or not set(map(type, value)) <= _STR:
                    raise GiveUp
                return sequence(value)  # a new list, as pydantic's; a tuple is kept
            return texts, frozenset({list, tuple})
        if kind == "list":
            item, _ = self.spec(spec[1])
            min_length = spec[2]

            def to_list(value: Any) -> Any:
                if value.__class__ is not list or len(value) < min_length:
                    raise GiveUp
                return [item(entry) for entry in value]
            return to_list, frozenset({list, tuple})
        if kind == "tuple":
            item, _ = self.spec(spec[1])

            def to_tuple(value: Any) -> Any:
                if value.__class__ is not tuple:
                    raise GiveUp
                return tuple(item(entry) for entry in value)
            return to_tuple, frozenset({list, tuple})
        if kind == "dict":
            key_of, _ = self.spec(spec[1])
            value_of, _ = self.spec(spec[2])

            def to_dict(value: Any) -> Any:
                if value.__class__ is not dict:
                    raise GiveUp
                return {key_of(key): value_of(item) for key, item in value.items()}
            return to_dict, frozenset({dict})
        if kind == "model":
            return self.model(spec[1]), frozenset({dict, self.classes[spec[1]]})
        if kind == "before":
            return self._before(spec[1], spec[2])
        return _give_up, _ANY

    def _union(self, branches: list[list[Any]]) -> tuple[Convert, frozenset[type] | None]:
        compiled = [self.spec(branch) for branch in branches]
        if len(compiled) == 2 and ["none"] in branches:
            # Optional[X]: null is null (pydantic checks it before X's validators).
            inner, accepts = compiled[1 - branches.index(["none"])]
            leaf = _leaf(branches[1 - branches.index(["none"])], nullable=True)
            if leaf is not None:
                return leaf, None if accepts is None else accepts | {type(None)}

            def optional(value: Any) -> Any:
                if value is None:
                    return None
                return inner(value)
            return optional, None if accepts is None else accepts | {type(None)}

        def union(value: Any) -> Any:
            # The one branch whose types admit the value; two (or none) is pydantic's call.
            chosen = None
            for convert, accepts in compiled:
                if accepts is None or value.__class__ in accepts:
                    if chosen is not None:
                        raise GiveUp
                    chosen = convert
            if chosen is None:
                raise GiveUp
            return chosen(value)
        everything: frozenset[type] = frozenset()
        for _convert, accepts in compiled:
            if accepts is None:
                return union, None
            everything |= accepts
        return union, everything

    def _before(self, name: str, inner_spec: list[Any]) -> tuple[Convert, frozenset[type] | None]:
        inner, _ = self.spec(inner_spec)
        if name == "step":
            make_step = self.model("Step")
            make_group_model = self.model("Parallel")

            def make_group(chains: tuple[Any, ...]) -> Any:
                return make_group_model({"parallel": chains})

            def step(value: Any) -> Any:
                return inner(values.step(value, make_step, make_group))
            return step, _ANY
        if name == "capacity":
            split = self.classes["CapacitySplit"]
            both = frozenset({"read", "write"})

            def capacity(value: Any) -> Any:
                parsed = values.capacity(value)
                if parsed.__class__ is dict:
                    return inner(parsed)
                if parsed.__class__ is not float:
                    raise GiveUp
                # pydantic's model_construct: no validation, both figures set
                return inner(split(read=parsed, write=parsed, model_fields_set=both))
            return capacity, _ANY
        parser = values.BEFORE.get(name)
        if parser is None:
            return _give_up, _ANY

        def before(value: Any) -> Any:
            return inner(parser(value))
        return before, values.ACCEPTS.get(name)


_QUANTITIES = frozenset({"count", "rate", "duration", "size", "percent", "ratio", "peak_factor"})


def _leaf(spec: list[Any], nullable: bool) -> Convert | None:
    """The converters most values take, each in one call (`nullable`: None stays None):
    the same checks as the general path of `_Compiler.spec`, fused for speed."""
    kind = spec[0]
    if kind == "before" and spec[1] == "text" and spec[2] == ["str", 0]:
        def text(value: Any) -> Any:  # values.text, then a strict str
            cls = value.__class__
            if cls is str:
                return value
            if cls is int or cls is float:
                return str(value)
            if value is None and nullable:
                return None
            raise GiveUp
        return text
    if kind == "before" and spec[1] in _QUANTITIES and spec[2] == ["float"]:
        parse = values.BEFORE[spec[1]]

        def quantity(value: Any) -> Any:  # the unit's parser, then a strict float
            if value is None and nullable:
                return None
            number = parse(value)
            if number.__class__ is float:
                return number
            if number.__class__ is int:
                return float(number)
            raise GiveUp
        return quantity
    if kind == "before" and spec[1] in ("whole0", "whole1") and spec[2] == ["int"]:
        whole = values.BEFORE[spec[1]]

        def whole_number(value: Any) -> Any:
            if value is None and nullable:
                return None
            number = whole(value)
            if number.__class__ is not int:
                raise GiveUp
            return number
        return whole_number
    if kind == "bool":
        def boolean(value: Any) -> Any:
            if value.__class__ is bool or (value is None and nullable):
                return value
            raise GiveUp
        return boolean
    if kind == "lit" and all(type(choice) is str for choice in spec[1]):
        words = frozenset(spec[1])

        def word(value: Any) -> Any:
            if value.__class__ is str and value in words:
                return value
            if value is None and nullable:
                return None
            raise GiveUp
        return word
    return None
