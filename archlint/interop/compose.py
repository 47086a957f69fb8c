"""`archlint import compose`: Compose files -> a draft design.

Files are merged as Compose merges them (`-f a.yml -f b.yml`: later files override,
maps merge key by key, lists such as `ports` add up, `command`, `entrypoint` and
`healthcheck.test` are replaced); `extends` pulls a service from the same or another
file first. Only services without `profiles`, or in a profile asked for, are imported.

One module: reading, merging and mapping share the Service type and its layers, which
say where each merged value came from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from archlint.findings import Path
from archlint.input.load import Limits
from archlint.interop import infer
from archlint.interop.draft import Draft, DraftComponent, Note, Unmapped
from archlint.interop.source import Doc, ImportProblem, read_docs, require_map, type_name

REPLACED = ("command", "entrypoint", "test")  # lists Compose replaces instead of adding up
LIST_AS_MAP = ("environment", "labels", "depends_on", "extra_hosts", "sysctls")


@dataclass(slots=True)
class Service:
    name: str
    data: dict[str, Any]
    layers: list[tuple[Doc, Path]] = field(default_factory=list)  # (document, path of the service), oldest first
    home: tuple[Doc, Path] | None = None  # where the project's first file defines it (extends aside)

    def origin(self, *keys: str) -> str:
        """`file:line` of the last layer that sets `keys` (the one whose value won); a
        `KEY=VALUE` list item counts as setting KEY."""
        for doc, path in reversed(self.layers):
            if _has(doc.get(path), keys):
                return doc.at(path + keys)
            if len(keys) == 2 and isinstance(doc.get(path + keys[:1]), list):
                for index, item in enumerate(doc.get(path + keys[:1])):
                    if str(item).partition("=")[0].strip() == keys[1] or str(item) == keys[1]:
                        return doc.at(path + (keys[0], index))
        for doc, path in reversed(self.layers):
            if keys and _has(doc.get(path), keys[:1]):
                return doc.at(path + keys[:1])
        doc, path = self.layers[-1]
        return doc.at(path)

    def problem(self, keys: Path, message: str) -> ImportProblem:
        for doc, path in reversed(self.layers):
            if _has(doc.get(path), tuple(k for k in keys if isinstance(k, str))):
                return doc.problem(path + keys, message)
        doc, path = self.layers[-1]
        return doc.problem(path, message)


def _has(value: Any, keys: tuple[Any, ...]) -> bool:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return True


def import_compose(
    paths: list[str], limits: Limits, catalog: Any, profiles: tuple[str, ...] = (), name: str | None = None
) -> Draft:
    reader = _Reader(limits)
    services: dict[str, Service] = {}
    project: Note | None = None
    unmapped: list[Unmapped] = []
    for path in paths:
        doc = reader.doc(path)
        top = require_map(doc, (), "a Compose file")
        if "services" not in top:
            raise doc.problem(
                (),
                "a Compose file needs a 'services' map; this file has none",
                hint="is this a Compose file? archlint import kubernetes reads manifests",
            )
        if isinstance(top.get("name"), str):
            project = Note(_project_name(top["name"]), f"name ({doc.at(('name',))})")
        for section in ("networks", "volumes", "secrets", "configs"):
            for key in sorted(top.get(section) or {}) if isinstance(top.get(section), dict) else []:
                unmapped.append(Unmapped(f"{section[:-1]}", str(key), doc.at((section, key))))
        for service_name in require_map(doc, ("services",), "services"):
            service = reader.service(doc, service_name, [])
            if service_name in services:
                before = services[service_name]
                service = Service(
                    service_name, merge(before.data, service.data), before.layers + service.layers, before.home
                )
            services[service_name] = service
    first = os.path.basename(os.path.dirname(os.path.abspath(paths[0]))) or "system"
    draft = Draft("compose", list(paths), project or Note(_project_name(first), "the folder of the first file"))
    if name:
        draft.name = Note(name, "--name")
    draft.unmapped = unmapped
    active = {}
    for service_name, service in services.items():
        wanted = service.data.get("profiles")
        if wanted and not set(map(str, wanted if isinstance(wanted, list) else [wanted])) & set(profiles):
            shown = ", ".join(map(str, wanted if isinstance(wanted, list) else [wanted]))
            draft.left_out.append(f"{service_name}: only in profile {shown} (pass --profile to import it)")
            continue
        active[service_name] = service
    _build(draft, active, catalog)
    return draft


def _project_name(text: str) -> str:
    return text.strip() or "system"


class _Reader:
    """Files read once each; `extends` resolved with its chain checked for cycles."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.docs: dict[str, Doc] = {}

    def doc(self, path: str) -> Doc:
        key = os.path.normpath(path)
        if key not in self.docs:
            docs = read_docs(path, self.limits)
            if not docs:
                raise ImportProblem(path, 1, 1, "the file holds no YAML document")
            self.docs[key] = docs[0]
            for extra in docs[1:]:  # Compose reads one document per file
                raise extra.problem(
                    (),
                    "a Compose file holds one YAML document; a second one starts here",
                    hint="split it into two files and pass both",
                )
        return self.docs[key]

    def service(self, doc: Doc, name: str, chain: list[tuple[str, str]]) -> Service:
        path: Path = ("services", name)
        data = doc.get(path)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise doc.problem(path, f"service '{name}' must be a map, not {type_name(data)}")
        data = normalise(doc, path, data)
        link = (doc.file, name)
        if link in chain:
            shown = " -> ".join(f"{n} ({f})" for f, n in chain + [link])
            raise doc.problem(path + ("extends",), f"extends goes round in a circle: {shown}")
        extends = data.pop("extends", None)
        if extends is None:
            return Service(name, data, [(doc, path)], (doc, path))
        if isinstance(extends, str):
            base_doc, base_name = doc, extends
        elif isinstance(extends, dict) and isinstance(extends.get("service"), str):
            base_doc, base_name = doc, extends["service"]
            if isinstance(extends.get("file"), str):
                other = os.path.join(os.path.dirname(doc.file), extends["file"])
                if not os.path.isfile(other):
                    raise doc.problem(
                        path + ("extends", "file"), f"extends names '{extends['file']}', which does not exist"
                    )
                base_doc = self.doc(other)
        else:
            raise doc.problem(path + ("extends",), "extends must be a service name or {service: NAME, file: FILE}")
        services = base_doc.get(("services",))
        if not isinstance(services, dict) or base_name not in services:
            raise doc.problem(
                path + ("extends",), f"extends names service '{base_name}', which {base_doc.file} does not define"
            )
        base = self.service(base_doc, base_name, chain + [link])
        return Service(name, merge(base.data, data), base.layers + [(doc, path)], (doc, path))


def normalise(doc: Doc, path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Forms Compose accepts either way, in one way: lists of `KEY=VALUE` as maps,
    `depends_on: [a]` as `{a: {}}`."""
    data = dict(data)
    for key in LIST_AS_MAP:
        value = data.get(key)
        if isinstance(value, list):
            mapped: dict[str, Any] = {}
            for index, item in enumerate(value):
                if not isinstance(item, (str, int, float)):
                    raise doc.problem(path + (key, index), f"{key} items must be text, not {type_name(item)}")
                if key == "depends_on":
                    mapped[str(item)] = {}
                else:
                    text = str(item)
                    k, sep, v = text.partition("=") if key != "extra_hosts" else text.partition(":")
                    mapped[k.strip()] = v if sep else None
            data[key] = mapped
        elif value is not None and not isinstance(value, dict):
            raise doc.problem(path + (key,), f"{key} must be a map or a list, not {type_name(value)}")
    return data


def merge(base: Any, override: Any, key: str = "") -> Any:
    """Compose's merge: maps key by key, lists add up (without repeats), scalars and the
    lists in REPLACED are replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for k, value in override.items():
            merged[k] = merge(base[k], value, k) if k in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list) and key not in REPLACED:
        return base + [item for item in override if item not in base]
    return override


# --- services -> components -------------------------------------------------------------

_ID_BAD = re.compile(r"[^a-z0-9_-]+")


def component_id(name: str) -> str:
    text = _ID_BAD.sub("-", name.lower()).strip("-_")
    return text or "component"


def _build(draft: Draft, services: dict[str, Service], catalog: Any) -> None:
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    for service_name in services:
        cid = component_id(service_name)
        while cid in draft.components or cid in ids.values():
            cid += "-2"
        ids[service_name] = cid
    for service_name, service in services.items():
        _check_service(service)
        image = service.data.get("image")
        if isinstance(image, str):
            role = infer.observability_role(infer.interpolate(image))
            if role is not None:
                pillar, tool = role
                draft.observability.setdefault(
                    pillar, Note(tool, f"services.{service_name} image {image} ({service.origin('image')})")
                )
                draft.left_out.append(f"{service_name}: an observability tool ({tool}), listed under observability")
                continue
        draft.components[ids[service_name]] = _component(ids[service_name], service, catalog)
        for host in _hostnames(service_name, service):
            names.setdefault(host.lower(), ids[service_name])
    resolve = infer.resolver(names)
    links: list[infer.Link] = []
    entry_points: set[str] = set()
    for service_name, service in services.items():
        cid = ids[service_name]
        if cid not in draft.components:
            continue
        for key, value in (service.data.get("environment") or {}).items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                continue
            for ref in infer.host_refs(str(key), infer.interpolate(str(value))):
                target = resolve(ref.host)
                if target is not None and target != cid:
                    where = service.origin("environment", str(key))
                    links.append(infer.Link(cid, target, f"environment {key} ({where})", protocol=ref.protocol))
        for section in ("depends_on", "links"):
            targets = service.data.get(section) or {}
            for target_name in targets if isinstance(targets, (dict, list)) else []:
                target_text = str(target_name).split(":", 1)[0]
                target = ids.get(target_text) or resolve(target_text)
                if target is not None and target in draft.components:
                    where = service.origin(section)
                    links.append(infer.Link(cid, target, f"{section} {target_text} ({where})", startup_only=True))
        if draft.components[cid].fields.get("public"):
            entry_points.add(cid)
    infer.settle(draft, links, entry_points)


# The keys the importer reads, with the types Compose requires of them.
_TYPES: dict[str, tuple[type, ...]] = {
    "image": (str,),
    "build": (str, dict),
    "ports": (list,),
    "expose": (list,),
    "volumes": (list,),
    "deploy": (dict,),
    "healthcheck": (dict,),
    "profiles": (list, str),
    "networks": (list, dict),
    "container_name": (str,),
    "hostname": (str,),
    "links": (list,),
    "scale": (int, str),
}


def _check_service(service: Service) -> None:
    for key, types in _TYPES.items():
        value = service.data.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
            wanted = " or ".join({str: "text", dict: "a map", list: "a list", int: "a number"}[t] for t in types)
            raise service.problem((key,), f"services.{service.name}.{key} must be {wanted}, not {type_name(value)}")


def _hostnames(service_name: str, service: Service) -> list[str]:
    hosts = [service_name]
    for key in ("container_name", "hostname"):
        if isinstance(service.data.get(key), str):
            hosts.append(service.data[key])
    networks = service.data.get("networks")
    if isinstance(networks, dict):
        for network in networks.values():
            if isinstance(network, dict) and isinstance(network.get("aliases"), list):
                hosts += [str(alias) for alias in network["aliases"]]
    return hosts


def _component(cid: str, service: Service, catalog: Any) -> DraftComponent:
    data = service.data
    home_doc, home_path = service.home or service.layers[-1]
    component = DraftComponent(cid, f"services.{service.name} ({home_doc.at(home_path)})")
    image = data.get("image")
    if isinstance(image, str) and infer.interpolate(image).strip():
        infer.apply_image(component, infer.interpolate(image), service.origin("image"), catalog)
    else:
        built = data.get("build")
        context = built if isinstance(built, str) else built.get("context") if isinstance(built, dict) else None
        what = f"built from {context}" if context else "no image"
        component.kind = Note("service", f"build ({service.origin('build')}): {what}", guess=True)
        component.placeholders.append(("tech", f"{what}; the technology is not named"))
    if component.tech is None:
        _dockerfile_tech(component, service, catalog)
    _replicas(component, service)
    _health(component, service)
    _ports(component, service)
    volumes = data.get("volumes")
    component.has_volume = bool(volumes) and isinstance(volumes, list)
    return component


_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)
DOCKERFILE_LIMIT = 1_000_000  # bytes; a Dockerfile is a page of text


def _dockerfile_tech(component: DraftComponent, service: Service, catalog: Any) -> None:
    """A service built here: the image its Dockerfile's last stage starts FROM names the
    runtime (`FROM python:3.12-slim`), a guess since the stage may only copy a binary."""
    build = service.data.get("build")
    context = build if isinstance(build, str) else build.get("context", ".") if isinstance(build, dict) else None
    if not isinstance(context, str) or "://" in context:
        return
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    doc, _ = service.layers[-1]
    for layer_doc, layer_path in reversed(service.layers):
        if _has(layer_doc.get(layer_path), ("build",)):
            doc = layer_doc
            break
    path = os.path.join(os.path.dirname(doc.file), context, str(dockerfile))
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > DOCKERFILE_LIMIT:
            return
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(DOCKERFILE_LIMIT)
    except OSError:
        return
    stages = list(_FROM.finditer(text))
    if not stages:
        return
    named = {m.group(2).lower(): m for m in stages if m.group(2)}
    stage = stages[-1]
    for _ in range(len(stages)):  # `FROM base AS final` names an earlier stage: follow it
        earlier = named.get(stage.group(1).lower())
        if earlier is None or earlier is stage:
            break
        stage = earlier
    image = stage.group(1)
    line = text.count("\n", 0, stage.start(1)) + 1
    guess = infer.guess_image(image, catalog)
    if guess is None or guess.tech is None or guess.kind not in ("service", "worker", "function"):
        return
    shown = os.path.normpath(os.path.join(os.path.dirname(doc.file), context, str(dockerfile)))
    component.tech = Note(guess.tech, f"FROM {image} ({shown}:{line}), the image it is built on", guess=True)
    component.placeholders = [(key, why) for key, why in component.placeholders if key != "tech"]


def _replicas(component: DraftComponent, service: Service) -> None:
    deploy = service.data.get("deploy")
    replicas: Any = None
    keys: tuple[str, ...] = ()
    if isinstance(deploy, dict) and "replicas" in deploy:
        replicas, keys = deploy["replicas"], ("deploy", "replicas")
    elif "scale" in service.data:
        replicas, keys = service.data["scale"], ("scale",)
    if replicas is None:
        return
    if isinstance(replicas, str):
        replicas = infer.interpolate(replicas).strip()
        replicas = int(replicas) if replicas.isdigit() else replicas
    where = f"{'.'.join(keys)} ({service.origin(*keys)})"
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise service.problem(keys, f"{'.'.join(keys)} must be a whole number, not {replicas!r}")
    if replicas == 0:
        component.notes.append(f"{where} is 0: the service is scaled down")
        return
    component.fields["replicas"] = Note(replicas, where)


_PATH_IN_TEST = re.compile(r"https?://[^/\s\"']+(/[A-Za-z0-9_./-]*)")


def _health(component: DraftComponent, service: Service) -> None:
    check = service.data.get("healthcheck")
    if not isinstance(check, dict):
        return
    if check.get("disable") is True:
        component.fields["health_check"] = Note(
            False, f"healthcheck.disable ({service.origin('healthcheck', 'disable')})"
        )
        return
    test = check.get("test")
    if test is None or test == ["NONE"] or test == "NONE":
        return
    where = f"healthcheck.test ({service.origin('healthcheck', 'test')})"
    text = " ".join(map(str, test)) if isinstance(test, list) else str(test)
    match = _PATH_IN_TEST.search(text)
    component.fields["health_check"] = Note(match.group(1) if match and match.group(1) != "/" else True, where)


def _ports(component: DraftComponent, service: Service) -> None:
    published: list[str] = []
    for port in service.data.get("ports") or []:
        component.has_ports = True
        if isinstance(port, dict):
            host_ip = str(port.get("host_ip") or "")
            shown = f"{port.get('published', '')}:{port.get('target', '')}"
            is_published = port.get("published") is not None
        else:
            text = str(port)
            parts = text.split(":")
            host_ip = parts[0] if len(parts) == 3 else ""
            shown, is_published = text, len(parts) >= 2
        if is_published and host_ip not in ("127.0.0.1", "localhost", "::1", "[::1]"):
            published.append(shown)
    if service.data.get("expose"):
        component.has_ports = True
    if published:
        where = f"ports {', '.join(published)} ({service.origin('ports')})"
        component.fields["public"] = Note(
            True, f"{where}: published on the host; check it faces the internet", guess=True
        )
