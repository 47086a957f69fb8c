"""`archlint import backstage`: a Backstage software catalog (`catalog-info.yaml` files,
several entities per file, `Location` entities followed to local files) -> a draft.

Components of type service (and worker, function) and Resources (databases, buckets,
queues, caches) become components; `consumesApis` paired with the component that
`providesApis` gives a call, as does `dependsOn`; owners fill `owner`, and their number
`team.teams`. Groups, Users, Domains, Systems and APIs inform the draft without being
components of their own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from archlint.input.load import Limits
from archlint.interop import infer
from archlint.interop.draft import Draft, DraftComponent, Note, Unmapped
from archlint.interop.source import Doc, ImportProblem, read_docs, type_name

# Component spec.type -> kind; types not listed are services, marked as a guess.
COMPONENT_TYPES = {
    "service": "service",
    "backend": "service",
    "api": "service",
    "worker": "worker",
    "job": "worker",
    "function": "function",
    "lambda": "function",
    "website": "client",
    "frontend": "client",
    "mobile-app": "client",
    "gateway": "api_gateway",
}
# Resource spec.type -> kind (a catalog tech in the type, `postgres`, wins).
RESOURCE_TYPES = {
    "database": "database",
    "db": "database",
    "rdbms": "database",
    "cache": "cache",
    "queue": "queue",
    "topic": "stream",
    "kafka-topic": "stream",
    "stream": "stream",
    "s3-bucket": "object_storage",
    "bucket": "object_storage",
    "storage": "object_storage",
    "object-storage": "object_storage",
    "search": "search",
    "search-index": "search",
    "load-balancer": "load_balancer",
    "cdn": "cdn",
    "dns": "dns",
}
NOT_COMPONENTS = {
    "Group": "people, not a part of the system",
    "User": "people, not a part of the system",
    "Domain": "a grouping of systems",
    "System": "a grouping; its name names the design",
    "API": "read for providesApis and consumesApis",
    "Template": "a scaffolder template",
    "Location": "read for the files it points to",
}


@dataclass(slots=True)
class Entity:
    doc: Doc
    kind: str
    name: str
    namespace: str
    data: dict[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"

    def at(self, *keys: Any) -> str:
        return self.doc.at(keys)

    def spec(self, key: str) -> Any:
        spec = self.data.get("spec")
        return spec.get(key) if isinstance(spec, dict) else None


_REF = re.compile(r"^(?:(?P<kind>[A-Za-z]+):)?(?:(?P<namespace>[^/:]+)/)?(?P<name>[^/:]+)$")


def parse_ref(text: str, default_kind: str, namespace: str = "default") -> str | None:
    """`[kind:][namespace/]name` -> `kind:namespace/name`, lower-cased kinds."""
    match = _REF.match(text.strip())
    if not match:
        return None
    return f"{(match['kind'] or default_kind).lower()}:{match['namespace'] or namespace}/{match['name']}"


def read_entities(files: list[str], limits: Limits) -> tuple[list[Entity], list[str]]:
    entities: list[Entity] = []
    read: list[str] = []
    queue = list(files)
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        read.append(path)
        for doc in read_docs(path, limits):
            entity = _entity(doc)
            entities.append(entity)
            if entity.kind == "Location":
                targets = entity.spec("targets")
                places: list[tuple[tuple[str | int, ...], Any]] = [(("spec", "target"), entity.spec("target"))]
                places += [
                    (("spec", "targets", i), t) for i, t in enumerate(targets if isinstance(targets, list) else [])
                ]
                for where, item in places:
                    if not isinstance(item, str) or "://" in item:
                        continue  # remote locations are not fetched
                    local = os.path.normpath(os.path.join(os.path.dirname(path), item))
                    if not os.path.isfile(local):
                        raise doc.problem(where, f"the Location points to '{item}', which does not exist")
                    queue.append(local)
    return entities, read


def _entity(doc: Doc) -> Entity:
    data = doc.data
    if not isinstance(data, dict):
        raise doc.problem((), f"a catalog entity is a map with apiVersion, kind and metadata, not {type_name(data)}")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise doc.problem(("kind",), "a catalog entity needs a 'kind' (Component, Resource, API, System, ...)")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
        raise doc.problem(("metadata",) if isinstance(metadata, dict) else (), f"the {kind} has no metadata.name")
    namespace = metadata["namespace"] if isinstance(metadata.get("namespace"), str) else "default"
    spec = data.get("spec")
    if spec is not None and not isinstance(spec, dict):
        raise doc.problem(("spec",), f"the {kind}'s spec must be a map, not {type_name(spec)}")
    for key in ("providesApis", "consumesApis", "dependsOn", "targets"):
        value = (spec or {}).get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise doc.problem(("spec", key), f"spec.{key} must be a list of entity references, not {type_name(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise doc.problem(("spec", key, index), f"spec.{key} items must be text, not {type_name(item)}")
    for key in ("type", "owner", "target"):
        value = (spec or {}).get(key)
        if value is not None and not isinstance(value, str):
            raise doc.problem(("spec", key), f"spec.{key} must be text, not {type_name(value)}")
    return Entity(doc, kind, metadata["name"], namespace, data)


_ID_BAD = re.compile(r"[^a-z0-9_-]+")


def import_backstage(files: list[str], limits: Limits, catalog: Any, name: str | None = None) -> Draft:
    entities, read = read_entities(files, limits)
    if not entities:
        raise ImportProblem(files[0] if files else ".", 1, 1, "no catalog entity found")
    systems = [e for e in entities if e.kind == "System"]
    if name:
        title = Note(name, "--name")
    elif len(systems) == 1:
        title = Note(systems[0].name, f"System {systems[0].name} ({systems[0].at('metadata', 'name')})")
    elif entities[0].kind == "Location":
        title = Note(entities[0].name, f"Location {entities[0].name} ({entities[0].at('metadata', 'name')})")
    else:
        base = os.path.basename(os.path.dirname(os.path.abspath(files[0]))) or "system"
        title = Note(base, "the folder of the catalog" + (f" ({len(systems)} Systems)" if systems else ""))
    draft = Draft("backstage", read, title)
    by_ref: dict[str, str] = {}
    owners: dict[str, str] = {}
    mapped = [e for e in entities if e.kind in ("Component", "Resource")]
    for entity in mapped:
        kind = entity.spec("type")
        if entity.kind == "Component" and kind == "library":
            draft.unmapped.append(Unmapped("Component", entity.name, entity.at(), "a library runs inside others"))
            continue
        cid = _ID_BAD.sub("-", entity.name.lower()).strip("-_") or "component"
        if cid in draft.components:
            cid = f"{cid}-{entity.kind.lower()}"
        component = DraftComponent(cid, f"{entity.kind} {entity.name} ({entity.at()})")
        _kind(component, entity, catalog)
        description = entity.data["metadata"].get("description")
        if isinstance(description, str) and description.strip():
            component.fields["description"] = Note(
                " ".join(description.split()), f"metadata.description ({entity.at('metadata', 'description')})"
            )
        owner = entity.spec("owner")
        if isinstance(owner, str) and owner.strip():
            shown = owner.split(":")[-1].split("/")[-1]
            component.fields["owner"] = Note(shown, f"spec.owner ({entity.at('spec', 'owner')})")
            owners.setdefault(shown, entity.at("spec", "owner"))
        draft.components[cid] = component
        by_ref[entity.ref] = cid
    for entity in entities:
        if entity.kind not in ("Component", "Resource") and entity.kind != "Location":
            draft.unmapped.append(Unmapped(entity.kind, entity.name, entity.at(), NOT_COMPONENTS.get(entity.kind, "")))
    if owners:
        draft.team["teams"] = Note(len(owners), f"{len(owners)} distinct spec.owner values")
    links = _relations(entities, by_ref, draft)
    infer.settle(draft, links, {c.id for c in draft.components.values() if c.kind_value == "client"})
    return draft


def _kind(component: DraftComponent, entity: Entity, catalog: Any) -> None:
    spec_type = entity.spec("type")
    where = f"spec.type {spec_type} ({entity.at('spec', 'type')})"
    if isinstance(spec_type, str):
        entry = catalog.lookup(spec_type)
        if entry is not None:
            component.tech = Note(entry.id, where)
            component.implied_kind = entry.kind
            return
        table = COMPONENT_TYPES if entity.kind == "Component" else RESOURCE_TYPES
        if spec_type.lower() in table:
            component.kind = Note(table[spec_type.lower()], where, guess=spec_type.lower() in ("website", "frontend"))
            component.placeholders.append(("tech", "the catalog entry names no technology"))
            return
    fallback = "service" if entity.kind == "Component" else "database"
    component.kind = Note(
        fallback, f"{where if isinstance(spec_type, str) else 'no spec.type'}, so a {fallback}", guess=True
    )
    component.placeholders.append(("tech", "the catalog entry names no technology"))


def _relations(entities: list[Entity], by_ref: dict[str, str], draft: Draft) -> list[infer.Link]:
    providers: dict[str, list[tuple[str, str]]] = {}
    api_types: dict[str, str] = {}
    for entity in entities:
        if entity.kind == "API" and isinstance(entity.spec("type"), str):
            api_types[entity.ref] = entity.spec("type").lower()
    for entity in entities:
        provider = by_ref.get(entity.ref)
        if provider is None:
            continue
        for index, api in enumerate(entity.spec("providesApis") or []):
            ref = parse_ref(str(api), "api", entity.namespace)
            if ref:
                providers.setdefault(ref, []).append((provider, entity.at("spec", "providesApis", index)))
    links: list[infer.Link] = []
    for entity in entities:
        cid = by_ref.get(entity.ref)
        if cid is None:
            continue
        for index, api in enumerate(entity.spec("consumesApis") or []):
            ref = parse_ref(str(api), "api", entity.namespace)
            if ref is None:
                continue
            for provider, _ in providers.get(ref, []):
                where = f"consumesApis {api} ({entity.at('spec', 'consumesApis', index)})"
                if api_types.get(ref) == "asyncapi":
                    draft.components[cid].notes.append(
                        f"consumes events of {provider} through the AsyncAPI {api}: add the broker between them"
                    )
                    continue
                protocol = (
                    "grpc" if api_types.get(ref) == "grpc" else "http" if api_types.get(ref) == "openapi" else None
                )
                links.append(infer.Link(cid, provider, where, protocol=protocol, certain=True))
        for index, dependency in enumerate(entity.spec("dependsOn") or []):
            ref = parse_ref(str(dependency), "component", entity.namespace)
            target = by_ref.get(ref or "")
            if target is not None:
                links.append(
                    infer.Link(
                        cid, target, f"dependsOn {dependency} ({entity.at('spec', 'dependsOn', index)})", certain=True
                    )
                )
    return links
