"""From plain data to a checked design: pydantic errors and broken references become
INP findings that point at YAML paths, with a did-you-mean where one exists.

A design is first validated by the compiled fast path (archlint.language.fast), which
builds plain objects without pydantic; when it is not sure, pydantic validates the data
and reports what is wrong (or, when it accepts, its models are the design: downstream
code reads both forms alike). pydantic is imported only then.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from archlint.findings import Finding, Path, did_you_mean, is_rule_code, path_str
from archlint.language import fast
from archlint.language.kinds import BROKER, KINDS

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

    from archlint.language.compiled import Design

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")  # used with fullmatch: `$` would accept a final newline

# pydantic error type -> INP code; anything else is a wrong type or value (INP011).
_CODES = {
    "extra_forbidden": "INP010",
    "missing": "INP013",
    "unit": "INP012",
    "step": "INP022",
    "step_key": "INP010",
    "suppression": "INP030",
    "duplicate": "INP003",
}


def problem(code: str, message: str, path: Path, hint: str | None = None) -> Finding:
    """An input problem (always an error) at a YAML path."""
    return Finding(code, "error", message, path, hint)


_finding = problem


# --- schema errors ---------------------------------------------------------------------

def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, Any]:
    """pydantic's loc -> the YAML path of what exists in the data, plus the value there.
    Union tags and validator names in the loc are skipped; edges written as lists are
    named by id, like their map form."""
    path: list[Any] = []
    value = data
    for segment in loc:
        if isinstance(value, dict) and isinstance(segment, str) and segment in value:
            path.append(segment)
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
            path.append(segment)
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, str):
            for item in value:
                if item == segment:
                    path.append(segment)
                    value = item
                    break
                if isinstance(item, dict) and segment in item:
                    path.append(segment)
                    value = item[segment]
                    break
    return tuple(path), value


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose fields live at `loc` (for unknown-key suggestions)."""
    from archlint.language.model import Design

    current: Any = Design
    for segment in loc:
        model = _unwrap_model(current)
        if model is not None and isinstance(segment, str) and segment in model.model_fields:
            current = model.model_fields[segment].annotation
            continue
        container = _unwrap_container(current)
        if container is not None:
            current = container
    return _unwrap_model(current)


def _walk_types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _walk_types(arg)


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel

    for candidate in _walk_types(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _unwrap_container(annotation: Any) -> Any:
    for candidate in _walk_types(annotation):
        origin = typing.get_origin(candidate)
        if origin in (list, dict):
            return typing.get_args(candidate)[-1]
    return None


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "literal_error":
        # pydantic lists Python's False; the reader writes YAML's false.
        expected = str(error.get("ctx", {}).get("expected", "the listed values"))
        expected = re.sub(r"\b(True|False)\b", lambda m: m.group(1).lower(), expected)
        if expected == "false":
            return "false"
        return "one of " + expected
    return {
        "bool_type": "true or false",
        "string_type": "text",
        "int_type": "a whole number",
        "float_type": "a number",
        "dict_type": "a map",
        "model_type": "a map",
        "model_attributes_type": "a map",
        "list_type": "a list",
    }.get(kind, error["msg"].lower())


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"  # as written in YAML
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"}


def schema_findings(error: ValidationError, data: Any) -> list[Finding]:
    """One finding per (code, path); several union branches at one path merge into one."""
    grouped: dict[tuple[str, Path], list[ErrorDetails]] = {}
    for item in error.errors(include_url=False):
        code = _CODES.get(item["type"], "INP011")
        path, value = _data_path(data, item["loc"])
        path = _step_place(path, value, item.get("ctx") or {})
        grouped.setdefault((code, path), []).append(item)
    findings = []
    for (code, path), items in grouped.items():
        findings.append(_message(code, path, items, data))
    return findings


def _step_place(path: Path, value: Any, context: dict[str, Any]) -> Path:
    """A problem inside a flow step points at the chain of a parallel group and at the
    key it is about, where the step's validator names them."""
    member, key = context.get("step_member"), context.get("step_key")
    if member is not None and isinstance(value, dict) and isinstance(value.get("parallel"), list):
        members = value["parallel"]
        if 0 <= member < len(members):
            path, value = path + ("parallel", member), members[member]
    if key is not None and isinstance(value, dict) and key in value:
        path = path + (key,)
    return path


_STEP_KEYS_HINT = ("keys allowed in a step: chain, share, op, payload, via, guard, critical (a map such as "
                   "{chain: \"api -> db\", op: read}), or parallel: a list of chains; "
                   "keys starting with 'x-' are kept for your own tools")


def _message(code: str, path: Path, items: list[ErrorDetails], data: Any) -> Finding:
    first = items[0]
    where = path_str(path)
    if first["type"] == "step_key":
        parent = path_str(path[:-1]) if path and path[-1] == (first.get("ctx") or {}).get("step_key") else where
        text = first["msg"].replace(" in a step", f" in {parent}", 1)
        return _finding(code, text, path, _STEP_KEYS_HINT)
    if code == "INP010":
        key = path[-1] if path else first["loc"][-1]
        parent = path_str(path[:-1])
        model = _model_at(first["loc"][:-1])
        allowed = sorted(model.model_fields) if model else []
        hint = None
        if allowed:
            hint = f"keys allowed here: {', '.join(allowed)}; keys starting with 'x-' are kept for your own tools"
        if key == "<<":
            return _finding(
                code, f"'<<' merge keys are not part of YAML 1.2, which archlint reads; write the keys out in {parent}",
                path, hint,
            )
        return _finding(code, f"unknown key '{key}' in {parent}{did_you_mean(str(key), allowed)}", path, hint)
    if code == "INP013":
        missing = first["loc"][-1]
        if not path:
            return _finding(
                code, f"missing required key '{missing}'; a design needs 'archlint: 1', 'name' and 'components'", path
            )
        return _finding(code, f"missing required key '{missing}' in {where}", path)
    custom = {"unit", "step", "suppression", "range", "invalid", "duplicate", "type"}
    if first["type"] in custom:
        return _finding(code, f"{where}: {first['msg']}", path)
    if first["type"] == "literal_error" and path == ("archlint",):
        return _finding(
            code, f"archlint: version {_got(first['input'])} is not supported; this archlint reads version 1", path,
            hint="write 'archlint: 1'",
        )
    expected = []
    for item in items:
        text = _describe(item)
        if text not in expected:
            expected.append(text)
    value = first["input"]
    message = f"{where} must be {' or '.join(expected)} (got {_got(value)})"
    if any(word in text for text in expected for word in ("true", "false")) and isinstance(value, str) \
            and value in _YAML11_BOOLS:
        message += "; YAML 1.2 reads yes/no/on/off as text, write true or false"
    if "text" in expected and isinstance(value, dict) and len(value) == 1:
        return _finding(code, message, path, hint=_colon_hint(value))
    if first["type"] == "literal_error" and isinstance(value, str):
        # `kind: sevice`: the listed words are the only ones accepted, so the closest is a fair guess.
        message += did_you_mean(value, re.findall(r"'([^']*)'", str((first.get("ctx") or {}).get("expected", ""))))
    return _finding(code, message, path)


def _colon_hint(value: dict[Any, Any]) -> str:
    """Text that YAML read as a one-key map: `- Check out: charge the card`."""
    hint = "quote the text: a colon followed by a space starts a key"
    key, item = next(iter(value.items()))
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        text = f"{key}: {item}".replace("\\", "\\\\").replace('"', '\\"')
        hint += f', so write "{text}"'
    return hint


# --- references ---------------------------------------------------------------------------

def validate_design(data: Any, catalog: Any) -> tuple[Design | None, dict[str, str], dict[str, Any], list[Finding]]:
    """Validate plain data as a design: (the model when it parsed, each component's
    resolved kind and catalog entry, the input problems). Problems that need the graph
    (a flow's hop with no edge) are the analysis stage's (archlint.analysis.hops)."""
    if not isinstance(data, dict):
        return None, {}, {}, [
            _finding(
                "INP011",
                f"a design is a map with keys such as 'archlint', 'name' and 'components' (got {_got(data)})",
                (),
            )
        ]
    design = fast.validate(data)
    if design is None:  # not sure, or not current: pydantic decides, and explains
        from pydantic import ValidationError

        from archlint.language.model import Design as Model

        try:
            design = Model.model_validate(data)
        except ValidationError as error:
            return None, {}, {}, schema_findings(error, data)
    kinds, techs, findings = _resolve_kinds(design, catalog)
    findings += list(_reference_findings(design, kinds))
    return design, kinds, techs, findings


def suppression_findings(design: Design) -> list[Finding]:
    """`lint.ignore` entries that are not rule codes, or that name input problems."""
    return list(_suppression_findings(design))


def _resolve_kinds(design: Design, catalog: Any) -> tuple[dict[str, str], dict[str, Any], list[Finding]]:
    kinds: dict[str, str] = {}
    techs: dict[str, Any] = {}
    findings: list[Finding] = []
    known: dict[str, tuple[Any, str | None]] = {}  # tech -> (entry, kind): designs repeat their techs
    for cid, component in design.components.items():
        path = ("components", cid)
        if not _ID.fullmatch(cid):
            findings.append(
                _finding(
                    "INP011",
                    f"'{cid}' is not a valid component id; use lower-case letters, digits, '-' and '_'",
                    path,
                    hint=f"rename it, e.g. '{_suggest_id(cid)}'",
                )
            )
        tech = component.tech
        if tech:
            found = known.get(tech)
            if found is None:
                found = known[tech] = (catalog.lookup(tech), catalog.kind_for_tech(tech))
            entry, tech_kind = found
            if entry is not None:
                techs[cid] = entry
        else:
            tech_kind = None
        kind = component.kind or tech_kind
        if kind is None:
            if component.tech:
                suggestion = did_you_mean(component.tech.lower(), catalog.suggest(component.tech))
                message = (
                    f"component '{cid}' has no kind, and its tech '{component.tech}' is not in the "
                    f"technology catalog{suggestion}"
                )
            else:
                message = f"component '{cid}' has neither a kind nor a tech"
            findings.append(
                _finding("INP013", message, path, hint=f"add 'kind:' with one of: {', '.join(KINDS)}")
            )
            continue
        kinds[cid] = kind
    return kinds, techs, findings


def _suggest_id(cid: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", cid.lower()).strip("-") or "component"


def _reference_findings(design: Design, kinds: dict[str, str]) -> Iterator[Finding]:
    ids = design.components.keys()

    def unknown(target: str, path: Path, where: str) -> Finding:
        return _finding(
            "INP020",
            f"'{target}' in {where} is not a declared component{did_you_mean(target, ids)}",
            path,
            hint=f"declare '{target}' under components, or correct the id",
        )

    for cid, component in design.components.items():
        for field, targets in (("calls", component.calls), ("publishes", component.publishes),
                               ("consumes", component.consumes)):
            for target in targets:
                if target not in ids:
                    yield unknown(target, ("components", cid, field, target), f"components.{cid}.{field}")
                    continue
                kind = kinds.get(target)
                if kind is None:
                    continue
                if field == "calls" and kind == "client":
                    yield _finding(
                        "INP011", f"{cid} calls '{target}', a client; clients call services, not the reverse",
                        ("components", cid, field, target),
                        hint="for server push, model the socket as a call from the client",
                    )
                elif field != "calls" and kind not in BROKER:
                    yield _finding(
                        "INP011",
                        f"{cid} {field} '{target}', a {kind}; {field} must name a queue or a stream",
                        ("components", cid, field, target),
                        hint=f"use 'calls' for a synchronous request to {target}",
                    )
        queue = component.queue
        if queue is not None and isinstance(queue.dlq, str):
            path = ("components", cid, "queue", "dlq")
            if queue.dlq not in ids:
                yield unknown(queue.dlq, path, f"components.{cid}.queue.dlq")
            elif kinds.get(queue.dlq) not in BROKER and queue.dlq in kinds:
                yield _finding(
                    "INP011", f"the dlq of '{cid}' is '{queue.dlq}', a {kinds[queue.dlq]}; a dlq is a queue or stream",
                    path,
                )
    flow_names = tuple(design.flows or ())
    for index, api in enumerate(design.apis or ()):
        if api.served_by is not None and api.served_by not in ids:
            yield unknown(api.served_by, ("apis", index, "served_by"), f"apis[{index}].served_by")
        for position, name in enumerate(api.flows or ()):
            if name not in flow_names:
                yield _finding(
                    "INP020", f"'{name}' in apis[{index}].flows is not a declared flow{did_you_mean(name, flow_names)}",
                    ("apis", index, "flows", position), hint=f"declare '{name}' under flows, or correct the name",
                )
    for name, flow in (design.flows or {}).items():
        for step in flow.chains():
            # One finding per step (its place): the first unknown hop from the left.
            for hop in step.chain:
                if hop not in ids:
                    yield unknown(hop, step_path(name, step), f"flow '{name}'")
                    break
        if isinstance(flow.payload, dict):
            for target in flow.payload:
                if target not in ids:
                    yield unknown(target, ("flows", name, "payload", target), f"flows.{name}.payload")


def step_path(flow: str, step: Any) -> Path:
    """The YAML path of a chain of a flow: its item of `steps`, and its place in a
    `parallel:` group when it is in one."""
    path: Path = ("flows", flow, "steps", step.item)
    return path if step.member is None else path + ("parallel", step.member)


def _suppression_findings(design: Design) -> Iterator[Finding]:
    scopes: list[tuple[Path, dict[str, Any]]] = []
    if design.lint is not None:
        scopes.append((("lint", "ignore"), design.lint.ignore))
    for cid, component in design.components.items():
        if component.lint is not None:
            scopes.append((("components", cid, "lint", "ignore"), component.lint.ignore))
    for base, ignore in scopes:
        for code in ignore:
            path = base + (code,)
            if code.startswith("INP"):
                yield _finding("INP030", f"{code} cannot be suppressed: input problems must be fixed", path)
            elif not is_rule_code(code):
                yield _finding(
                    "INP030", f"'{code}' is not a rule code; codes look like RES001 (three letters, three digits)", path
                )
