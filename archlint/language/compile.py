"""The generator of archlint/language/compiled.py: the design language's validator as a
table, and the plain slotted classes it builds, both read off the pydantic models.

    python -m archlint.language.compile      # rewrites archlint/language/compiled.py

It walks `Design` and every model reachable from its fields: each field's annotation,
the `Annotated` metadata pydantic keeps (which value parser of archlint.language.values
a `BeforeValidator` runs, a minimum length, a union's mode) and each model's validators.
A construct it does not know becomes `giveup` in the table, so the fast path leaves
such a value to pydantic instead of guessing. The table carries the SHA-256 of the
files it was generated from (`SOURCES`); archlint.language.fast does not use a table
whose digest differs from those files, and tests/test_fastvalid.py fails on it.
"""

from __future__ import annotations

import datetime
import sys
import types
import typing
from pathlib import Path
from typing import Any

from archlint.language.fast import FORMAT, sources_digest

TARGET = Path(__file__).resolve().parent / "compiled.py"


class _Walk:
    def __init__(self) -> None:
        from pydantic import BaseModel

        self.base_model = BaseModel
        self.models: dict[str, Any] = {}  # name -> table entry, in the order first met
        self.classes: dict[str, Any] = {}

    # --- annotations -> specs ---------------------------------------------------------

    def spec(self, annotation: Any, metadata: list[Any] = ()) -> Any:  # type: ignore[assignment]
        """The table's spec of a value of this annotation, after `metadata` (outermost
        `Annotated` first, as pydantic applies before-validators: the last one first)."""
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            inner, *more = typing.get_args(annotation)
            return self.spec(inner, list(more) + list(metadata))
        befores: list[str] = []
        min_length = 0
        union_mode = "smart"
        for item in metadata:
            kind = type(item).__name__
            if kind == "BeforeValidator":
                name = getattr(item.func, "fast", None)
                if name is None:
                    return ["giveup"]
                befores.append(name)
            elif kind == "WithJsonSchema":
                continue  # the schema's, not validation's
            elif kind == "MinLen":
                min_length = item.min_length
            elif kind == "_PydanticGeneralMetadata" and set(vars(item)) == {"union_mode"}:
                union_mode = item.union_mode
            else:
                return ["giveup"]
        core = self._core(annotation, min_length, union_mode)
        for name in befores:  # pydantic runs the last before-validator first
            core = ["before", name, core]
        return core

    def _core(self, annotation: Any, min_length: int, union_mode: str) -> Any:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if min_length and annotation is not str and origin is not list:
            return ["giveup"]
        if annotation is Any:
            return ["any"]
        if annotation is type(None):
            return ["none"]
        if annotation is str:
            return ["str", min_length]
        if annotation in (bool, int, float):
            return [annotation.__name__]
        if annotation is datetime.date:
            return ["date"]
        if isinstance(annotation, type) and issubclass(annotation, self.base_model):
            return ["model", self.model(annotation)]
        if origin is typing.Literal:
            if not all(type(value) in (str, int, bool) for value in args):
                return ["giveup"]
            return ["lit", list(args)]
        if origin is typing.Union or origin is types.UnionType:
            return ["union", union_mode, [self.spec(arg) for arg in args]]
        if origin is list and len(args) == 1:
            return ["list", self.spec(args[0]), min_length]
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return ["tuple", self.spec(args[0])]
        if origin is dict and len(args) == 2:
            return ["dict", self.spec(args[0]), self.spec(args[1])]
        return ["giveup"]

    # --- models ------------------------------------------------------------------------

    def model(self, cls: Any) -> str:
        name = cls.__name__
        known = self.classes.get(name)
        if known is not None:
            if known is not cls:
                raise ValueError(f"two models are named {name}")
            return name
        self.classes[name] = cls
        entry: dict[str, Any] = {}
        self.models[name] = entry
        config = cls.model_config
        decorators = cls.__pydantic_decorators__
        giveup = bool(decorators.field_validators or decorators.validators or decorators.root_validators
                      or decorators.field_serializers or decorators.model_serializers
                      or decorators.computed_fields)
        extensions, after = False, []
        for decorator in decorators.model_validators.values():
            fast = getattr(decorator.func, "fast", None)
            if fast == "extensions" and decorator.info.mode == "before":
                extensions = True
            elif fast is not None and decorator.info.mode == "after":
                after.append(fast)
            else:
                giveup = True
        fields = []
        for field_name, info in cls.model_fields.items():
            if info.alias not in (None, field_name) or info.validation_alias not in (None, field_name):
                giveup = True
            if info.is_required():
                default: list[Any] = ["required"]
            elif info.default_factory is dict:
                default = ["factory", "dict"]
            elif info.default_factory is None and (info.default is None or type(info.default) in (bool, int, float,
                                                                                               str)):
                default = ["value", info.default]
            else:
                default = ["giveup"]
                giveup = True
            fields.append([field_name, self.spec(info.annotation, list(info.metadata)), default])
        entry.update({
            "fields": fields,
            "extra": config.get("extra") or "ignore",
            "extensions": extensions,
            "after": sorted(after),
            "frozen": bool(config.get("frozen")),
            "giveup": giveup,
            "mixins": [base.__name__ for base in cls.__mro__[1:]
                       if base.__module__ == "archlint.language.behaviour"],
        })
        return name

    # --- Python types for the plain classes ----------------------------------------------

    def pytype(self, annotation: Any) -> str:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            return self.pytype(args[0])
        if annotation is Any:
            return "Any"
        if annotation is type(None):
            return "None"
        if annotation is datetime.date:
            return "datetime.date"
        if isinstance(annotation, type) and (annotation in (str, int, float, bool)
                                             or issubclass(annotation, self.base_model)):
            return annotation.__name__
        if origin is typing.Literal:
            return " | ".join(dict.fromkeys(type(value).__name__ for value in args))
        if origin is typing.Union or origin is types.UnionType:
            return " | ".join(dict.fromkeys(self.pytype(arg) for arg in args))
        if origin is list:
            return f"list[{self.pytype(args[0])}]"
        if origin is tuple:
            return f"tuple[{self.pytype(args[0])}, ...]"
        if origin is dict:
            return f"dict[{self.pytype(args[0])}, {self.pytype(args[1])}]"
        return "Any"


_HEADER = '''"""GENERATED by `python -m archlint.language.compile` from archlint/language/model.py:
do not edit. The design language's validator as a table (archlint.language.fast reads
it) and the plain slotted classes a validated design is made of, one per model, with
the model's name, fields and behaviour (archlint.language.behaviour).

`SOURCES_SHA256` is the digest of the files it was generated from; when they have
changed since, archlint.language.fast validates with pydantic instead. One module on
purpose: it is generated whole, as the language is one module (model.py).
"""

# ruff: noqa: E501
from __future__ import annotations

import datetime
from typing import Any

from archlint.language.behaviour import (
{mixins}
)
'''


def generate() -> str:
    """The text of compiled.py."""
    import pprint

    from archlint.language.model import Design

    walk = _Walk()
    walk.model(Design)
    mixins = sorted({"Plain"} | {mixin for entry in walk.models.values() for mixin in entry["mixins"]})
    header = _HEADER.replace("{mixins}", "\n".join(f"    {mixin}," for mixin in mixins))
    lines = [header, f"FORMAT = {FORMAT}", f"SOURCES_SHA256 = {sources_digest()!r}",
             "TABLE: dict[str, Any] = " + pprint.pformat(walk.models, width=120, sort_dicts=False), ""]
    for name, entry in walk.models.items():
        cls = walk.classes[name]
        names = [field[0] for field in entry["fields"]]
        extra_slots = [slot for mixin in entry["mixins"] for slot in getattr(_mixin(mixin), "PLAIN_SLOTS", ())]
        bases = ", ".join(["Plain"] + entry["mixins"])
        lines += ["", f"class {name}({bases}):"]
        lines.append(f'    """The plain form of archlint.language.model.{name}."""')
        lines.append(f"    __slots__ = {tuple(sorted(names + ['model_fields_set'] + extra_slots))!r}")
        lines.append(f"    model_fields = {tuple(names)!r}")
        for field_name, info in cls.model_fields.items():
            lines.append(f"    {field_name}: {walk.pytype(info.annotation)}")
        if entry["frozen"]:
            lines.append("    __hash__ = Plain._hash  # type: ignore[assignment]  # frozen, as the model")
        params = ", ".join(f"{n}: {walk.pytype(cls.model_fields[n].annotation)}" for n in names)
        lines.append("")
        lines.append(f"    def __init__(self, {params}, model_fields_set: frozenset[str]) -> None:")
        for field_name in names:
            lines.append(f"        self.{field_name} = {field_name}")
        lines.append("        self.model_fields_set = model_fields_set")
        for slot in extra_slots:
            lines.append(f"        self.{slot} = None")
        lines.append("")
    lines.append("")
    lines.append(f"CLASSES: dict[str, type[Plain]] = {{{', '.join(f'{n!r}: {n}' for n in walk.models)}}}")
    return "\n".join(lines).replace("\n\n\n\nclass", "\n\n\nclass") + "\n"


def _mixin(name: str) -> Any:
    from archlint.language import behaviour

    return getattr(behaviour, name)


def main() -> int:
    text = generate()
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text):,} characters)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
