"""`archlint import kubernetes`: manifests (files, folders, multi-document streams,
`kind: List`, rendered Helm output) -> a draft design.

Workloads (Deployment, StatefulSet, DaemonSet, Argo Rollout) become components; a
Service gives its workload a name other workloads reach it by, and a LoadBalancer one
makes it public; an Ingress or a Gateway (with its HTTPRoutes and GRPCRoutes) becomes a
public load balancer calling its backends; a HorizontalPodAutoscaler gives
`autoscaling`, probes give `health_check`, a PodDisruptionBudget a note. Environment
values, ConfigMaps included, that name another Service give links.

One module: each step (workloads, Services, entry points, autoscalers) reads and
extends the same index of resources and names, which a split would pass around.
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
from archlint.interop.source import Doc, ImportProblem, read_docs, type_name

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout")
SIDECARS = ("istio-proxy", "linkerd-proxy", "envoy", "cloud-sql-proxy", "cloudsql-proxy", "vault-agent")
# Kinds read for what they tell about others, not mapped to components of their own.
READ_FOR_OTHERS = {"ConfigMap": "read for environment values", "Namespace": "names the system"}


@dataclass(slots=True)
class Resource:
    doc: Doc
    path: Path  # () for a document, ("items", i) inside a List
    kind: str
    name: str
    namespace: str
    data: dict[str, Any]

    def at(self, *keys: Any) -> str:
        return self.doc.at(self.path + keys)

    def get(self, *keys: Any) -> Any:
        value: Any = self.data
        for key in keys:
            if isinstance(value, dict) and isinstance(key, str):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return None
        return value

    def problem(self, keys: Path, message: str) -> ImportProblem:
        return self.doc.problem(self.path + keys, message)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(slots=True)
class _Index:
    resources: list[Resource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def of(self, *kinds: str) -> list[Resource]:
        return [r for r in self.resources if r.kind in kinds]


def read_resources(files: list[str], limits: Limits) -> _Index:
    index = _Index()
    for path in files:
        for doc in read_docs(path, limits):
            if not isinstance(doc.data, dict):
                raise doc.problem((), f"a manifest is a map with apiVersion and kind, not {type_name(doc.data)}")
            if "kind" not in doc.data and "apiVersion" not in doc.data:
                index.skipped.append(f"{doc.file} document {doc.index + 1}: not a Kubernetes manifest (no kind)")
                continue
            items = doc.data.get("items")
            if str(doc.data.get("kind", "")).endswith("List") and isinstance(items, list):
                for number, item in enumerate(items):
                    index.resources.append(_resource(doc, ("items", number), item))
            else:
                index.resources.append(_resource(doc, (), doc.data))
    return index


def _resource(doc: Doc, path: Path, data: Any) -> Resource:
    if not isinstance(data, dict):
        raise doc.problem(path, f"a manifest is a map with apiVersion and kind, not {type_name(data)}")
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise doc.problem(path + ("kind",), "a manifest needs a 'kind' (Deployment, Service, ...)")
    metadata = data.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
        where = path + ("metadata",) if isinstance(metadata, dict) else path
        raise doc.problem(where, f"the {kind} has no metadata.name")
    namespace = metadata.get("namespace")
    return Resource(doc, path, kind, metadata["name"], namespace if isinstance(namespace, str) else "default", data)


def import_kubernetes(files: list[str], limits: Limits, catalog: Any, name: str | None = None) -> Draft:
    index = read_resources(files, limits)
    if not index.resources:
        raise ImportProblem(files[0] if files else ".", 1, 1, "no Kubernetes manifest found (no document has a kind)")
    draft = Draft("kubernetes", list(files), _name(index, files, name))
    first = index.resources[0]
    draft.deployment["orchestrator"] = Note("kubernetes", f"{first.label} ({first.at('kind')})")
    draft.left_out += index.skipped
    builder = _Builder(draft, index, catalog)
    builder.run()
    return draft


def _name(index: _Index, files: list[str], name: str | None) -> Note:
    if name:
        return Note(name, "--name")
    spaces = sorted({r.namespace for r in index.resources} - {"default"})
    if len(spaces) == 1:
        holder = next(r for r in index.resources if r.namespace == spaces[0])
        return Note(spaces[0], f"metadata.namespace ({holder.at('metadata', 'namespace')})")
    base = files[0] if os.path.isdir(files[0]) else os.path.dirname(os.path.abspath(files[0]))
    return Note(os.path.basename(os.path.abspath(base)) or "system", "the folder of the manifests")


_ID_BAD = re.compile(r"[^a-z0-9_-]+")


def _id(text: str) -> str:
    return _ID_BAD.sub("-", text.lower()).strip("-_") or "component"


def _selector_labels(selector: Any) -> dict[str, Any]:
    """The labels a selector requires: a Service's plain map, or `matchLabels`.
    `matchExpressions` alone are not evaluated: no match is safer than a wrong one."""
    if not isinstance(selector, dict) or not selector:
        return {}
    if "matchLabels" in selector or "matchExpressions" in selector:
        labels = selector.get("matchLabels")
        return labels if isinstance(labels, dict) else {}
    return selector


class _Builder:
    def __init__(self, draft: Draft, index: _Index, catalog: Any):
        self.draft, self.index, self.catalog = draft, index, catalog
        self.workload_ids: dict[tuple[str, str], str] = {}  # (namespace, workload name) -> id
        self.by_service: dict[tuple[str, str], str] = {}  # (namespace, Service name) -> id
        self.names: dict[str, str] = {}
        self.links: list[infer.Link] = []
        self.entry_points: set[str] = set()
        self.config_maps = {(r.namespace, r.name): r for r in index.of("ConfigMap")}
        self.mapped: set[int] = set()
        self.gateways: dict[tuple[str, str], str] = {}  # (namespace, Gateway name) -> id
        self.by_label: dict[tuple[str, str, str], list[tuple[int, str]]] | None = None

    def run(self) -> None:
        workloads = self.index.of(*WORKLOADS)
        names = [w.name for w in workloads]
        for workload in workloads:
            cid = _id(workload.name if names.count(workload.name) == 1 else f"{workload.namespace}-{workload.name}")
            self.workload_ids[(workload.namespace, workload.name)] = cid
        for workload in workloads:
            self._workload(workload)
        for service in self.index.of("Service"):
            self._service(service)
        for workload in workloads:
            self._environment(workload)
        for ingress in self.index.of("Ingress"):
            self._ingress(ingress)
        for gateway in self.index.of("Gateway"):
            self._gateway(gateway)
        for route in self.index.of("HTTPRoute", "GRPCRoute"):
            self._route(route)
        for hpa in self.index.of("HorizontalPodAutoscaler"):
            self._autoscaler(hpa)
        for budget in self.index.of("PodDisruptionBudget"):
            self._budget(budget)
        for resource in self.index.resources:
            if id(resource) not in self.mapped:
                why = READ_FOR_OTHERS.get(resource.kind, "")
                if resource.kind in ("Job", "CronJob"):
                    why = "a batch job: it runs and exits, so it serves no traffic"
                self.draft.unmapped.append(Unmapped(resource.kind, resource.name, resource.at(), why))
        infer.settle(self.draft, self.links, self.entry_points)

    # --- workloads --------------------------------------------------------------------

    def _workload(self, workload: Resource) -> None:
        self.mapped.add(id(workload))
        containers = workload.get("spec", "template", "spec", "containers")
        image = (
            containers[0].get("image")
            if isinstance(containers, list) and containers and isinstance(containers[0], dict)
            else None
        )
        role = infer.observability_role(image) if isinstance(image, str) else None
        if role is not None:
            pillar, tool = role
            self.draft.observability.setdefault(pillar, Note(tool, f"{workload.label} image {image} ({workload.at()})"))
            self.draft.left_out.append(f"{workload.label}: an observability tool ({tool}), listed under observability")
            del self.workload_ids[(workload.namespace, workload.name)]
            return
        cid = self.workload_ids[(workload.namespace, workload.name)]
        component = DraftComponent(cid, f"{workload.label} ({workload.at()})")
        self.draft.components[cid] = component
        self.names.setdefault(workload.name.lower(), cid)
        containers = workload.get("spec", "template", "spec", "containers")
        if not isinstance(containers, list) or not containers:
            raise workload.problem(
                ("spec", "template", "spec", "containers"),
                f"the {workload.kind} has no spec.template.spec.containers list",
            )
        for number, item in enumerate(containers):
            _check_container(workload, ("spec", "template", "spec", "containers", number), item)
        main = next((i for i, c in enumerate(containers) if c.get("name") not in SIDECARS), 0)
        container = containers[main]
        keys = ("spec", "template", "spec", "containers", main)
        image = container.get("image")
        if isinstance(image, str) and image.strip():
            infer.apply_image(component, image, workload.at(*keys, "image"), self.catalog)
        else:
            component.kind = Note("service", f"container {container.get('name')} has no image", guess=True)
            component.placeholders.append(("tech", "the container names no image"))
        self._replicas(component, workload)
        self._probe(component, workload, container, keys)
        if workload.kind == "StatefulSet":
            component.has_volume = bool(workload.get("spec", "volumeClaimTemplates"))
            if component.kind_value in ("service", "worker"):
                component.fields["stateless"] = Note(False, f"StatefulSet ({workload.at('kind')})", guess=True)
        elif any(
            isinstance(v, dict) and "persistentVolumeClaim" in v
            for v in workload.get("spec", "template", "spec", "volumes") or []
        ):
            component.has_volume = True
        self._mesh(workload)

    def _replicas(self, component: DraftComponent, workload: Resource) -> None:
        if workload.kind == "DaemonSet":
            component.placeholders.append(
                ("replicas", "a DaemonSet runs one per node; the node count is not in the manifests")
            )
            return
        replicas = workload.get("spec", "replicas")
        if replicas is None:
            return  # Kubernetes' default is 1, the language's too; an autoscaler may set it
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            raise workload.problem(("spec", "replicas"), f"spec.replicas must be a whole number, not {replicas!r}")
        if replicas == 0:
            component.notes.append(f"spec.replicas is 0 ({workload.at('spec', 'replicas')}): scaled down")
            return
        component.fields["replicas"] = Note(replicas, f"spec.replicas ({workload.at('spec', 'replicas')})")

    def _probe(self, component: DraftComponent, workload: Resource, container: dict[str, Any], keys: Path) -> None:
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            spec = container.get(probe)
            if not isinstance(spec, dict):
                continue
            http = spec.get("httpGet")
            path = http.get("path") if isinstance(http, dict) else None
            value: Any = path if isinstance(path, str) and path.startswith("/") and path != "/" else True
            component.fields["health_check"] = Note(value, f"{probe} ({workload.at(*keys, probe)})")
            return

    def _mesh(self, workload: Resource) -> None:
        annotations = _map(workload.get("spec", "template", "metadata", "annotations"))
        labels = _map(workload.get("spec", "template", "metadata", "labels"))
        containers = workload.get("spec", "template", "spec", "containers") or []
        names = {c.get("name") for c in containers if isinstance(c, dict)}
        mesh = None
        if (
            str(annotations.get("sidecar.istio.io/inject", labels.get("sidecar.istio.io/inject", ""))) == "true"
            or "istio-proxy" in names
        ):
            mesh = "istio"
        elif str(annotations.get("linkerd.io/inject", "")) == "enabled" or "linkerd-proxy" in names:
            mesh = "linkerd"
        if mesh and "service_mesh" not in self.draft.deployment:
            self.draft.deployment["service_mesh"] = Note(mesh, f"{workload.label} ({workload.at('spec', 'template')})")

    def _environment(self, workload: Resource) -> None:
        cid = self.workload_ids.get((workload.namespace, workload.name))
        if cid is None:
            return
        resolve = infer.resolver(self.names)
        for number, container in enumerate(workload.get("spec", "template", "spec", "containers") or []):
            if not isinstance(container, dict) or container.get("name") in SIDECARS:
                continue
            keys = ("spec", "template", "spec", "containers", number)
            for key, value, where in self._env_values(workload, container, keys):
                for ref in infer.host_refs(key, value):
                    target = resolve(ref.host)
                    if target is not None and target != cid:
                        self.links.append(
                            infer.Link(cid, target, f"environment {key} ({where})", protocol=ref.protocol)
                        )

    def _env_values(self, workload: Resource, container: dict[str, Any], keys: Path) -> list[tuple[str, str, str]]:
        values: list[tuple[str, str, str]] = []
        for number, entry in enumerate(container.get("env") or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            where = workload.at(*keys, "env", number)
            if isinstance(entry.get("value"), (str, int)) and not isinstance(entry.get("value"), bool):
                values.append((entry["name"], str(entry["value"]), where))
            ref = (
                (entry.get("valueFrom") or {}).get("configMapKeyRef")
                if isinstance(entry.get("valueFrom"), dict)
                else None
            )
            if isinstance(ref, dict):
                config = self.config_maps.get((workload.namespace, str(ref.get("name"))))
                value = (config.get("data") or {}).get(str(ref.get("key"))) if config else None
                if config is not None and isinstance(value, str):
                    values.append(
                        (entry["name"], value, f"ConfigMap {config.name} ({config.at('data', str(ref.get('key')))})")
                    )
        for entry in container.get("envFrom") or []:
            ref = entry.get("configMapRef") if isinstance(entry, dict) else None
            config = self.config_maps.get((workload.namespace, str(ref.get("name")))) if isinstance(ref, dict) else None
            if config is None:
                continue
            for key, value in sorted((config.get("data") or {}).items()):
                if isinstance(value, str):
                    values.append((key, value, f"ConfigMap {config.name} ({config.at('data', key)})"))
        return values

    # --- services and entry points ---------------------------------------------------------

    def _selected(self, namespace: str, selector: Any) -> list[str]:
        """The workloads whose pod labels a selector matches, in declaration order; an
        index of (namespace, label, value) keeps this linear in the manifests' size."""
        if self.by_label is None:
            self.by_label = {}
            for order, workload in enumerate(self.index.of(*WORKLOADS)):
                cid = self.workload_ids.get((workload.namespace, workload.name))
                labels = workload.get("spec", "template", "metadata", "labels")
                if cid is None or not isinstance(labels, dict):
                    continue
                for key, value in labels.items():
                    if isinstance(value, (str, int, float, bool)):
                        self.by_label.setdefault((workload.namespace, key, str(value)), []).append((order, cid))
        wanted = _selector_labels(selector)
        if not wanted:
            return []
        found: set[tuple[int, str]] | None = None
        for key, value in wanted.items():
            matches = set(self.by_label.get((namespace, key, str(value)), ()))
            found = matches if found is None else found & matches
        return [cid for _, cid in sorted(found or ())]

    def _service(self, service: Resource) -> None:
        kind = service.get("spec", "type") or "ClusterIP"
        if kind == "ExternalName":
            self.mapped.add(id(service))
            cid = _id(service.name)
            if cid in self.draft.components:
                cid = _id(f"{service.name}-external")
            host = service.get("spec", "externalName")
            component = DraftComponent(
                cid,
                f"{service.label} ({service.at()})",
                kind=Note("external", f"spec.type ExternalName ({service.at('spec', 'type')})"),
            )
            if isinstance(host, str):
                component.fields["description"] = Note(
                    f"external host {host}", f"spec.externalName ({service.at('spec', 'externalName')})"
                )
            self.draft.components[cid] = component
            self.names.setdefault(service.name.lower(), cid)
            self.by_service[(service.namespace, service.name)] = cid
            return
        selected = self._selected(service.namespace, service.get("spec", "selector"))
        if not selected:
            return  # listed as unmapped: its endpoints are managed elsewhere
        self.mapped.add(id(service))
        for cid in selected:
            self.draft.components[cid].has_ports = True
        target = selected[0]
        self.by_service[(service.namespace, service.name)] = target
        self.names.setdefault(service.name.lower(), target)
        component = self.draft.components[target]
        if kind == "LoadBalancer":
            component.fields["public"] = Note(
                True, f"Service {service.name} of type LoadBalancer ({service.at('spec', 'type')})"
            )
            self.entry_points.add(target)
        elif kind == "NodePort" and "public" not in component.fields:
            component.fields["public"] = Note(
                True,
                f"Service {service.name} of type NodePort ({service.at('spec', 'type')}): open on every node",
                guess=True,
            )
            self.entry_points.add(target)

    def _entry(self, resource: Resource, tech_name: Any, tls: bool, tls_where: str) -> DraftComponent:
        self.mapped.add(id(resource))
        cid = _id(resource.name)
        if cid in self.draft.components:
            cid = _id(f"{resource.name}-{resource.kind.lower()}")
        component = DraftComponent(cid, f"{resource.label} ({resource.at()})")
        entry = self.catalog.lookup(tech_name) if isinstance(tech_name, str) else None
        if entry is not None and entry.kind == "load_balancer":
            component.tech = Note(entry.id, f"class {tech_name} ({resource.at('spec')})")
        else:
            component.kind = Note("load_balancer", f"{resource.kind} ({resource.at('kind')})")
            if isinstance(tech_name, str):
                component.placeholders.append(("tech", f"class {tech_name} names no load balancer archlint knows"))
        component.fields["public"] = Note(True, f"{resource.kind} ({resource.at('kind')})")
        if tls:
            component.fields["security"] = Note({"tls": True}, tls_where)
        else:
            component.placeholders.append(("security", f"the {resource.kind} terminates no TLS (SEC001)"))
        self.draft.components[cid] = component
        self.entry_points.add(cid)
        return component

    def _ingress(self, ingress: Resource) -> None:
        annotations = ingress.get("metadata", "annotations") or {}
        tech = ingress.get("spec", "ingressClassName") or annotations.get("kubernetes.io/ingress.class")
        component = self._entry(
            ingress, tech, bool(ingress.get("spec", "tls")), f"spec.tls ({ingress.at('spec', 'tls')})"
        )
        backends: list[tuple[str, Path]] = []
        default = ingress.get("spec", "defaultBackend") or ingress.get("spec", "backend")
        if isinstance(default, dict):
            backends.append((_backend_name(default), ("spec", "defaultBackend")))
        for r, rule in enumerate(ingress.get("spec", "rules") or []):
            paths = (
                rule.get("http", {}).get("paths")
                if isinstance(rule, dict) and isinstance(rule.get("http"), dict)
                else None
            )
            for p, item in enumerate(paths or []):
                if isinstance(item, dict) and isinstance(item.get("backend"), dict):
                    backends.append(
                        (_backend_name(item["backend"]), ("spec", "rules", r, "http", "paths", p, "backend"))
                    )
        self._calls(component, ingress, backends, "http")

    def _gateway(self, gateway: Resource) -> None:
        listeners = gateway.get("spec", "listeners") or []
        tls = any(isinstance(item, dict) and item.get("protocol") in ("HTTPS", "TLS") for item in listeners)
        component = self._entry(
            gateway,
            gateway.get("spec", "gatewayClassName"),
            tls,
            f"an HTTPS listener ({gateway.at('spec', 'listeners')})",
        )
        self.gateways[(gateway.namespace, gateway.name)] = component.id

    def _route(self, route: Resource) -> None:
        self.mapped.add(id(route))
        protocol = "grpc" if route.kind == "GRPCRoute" else "http"
        for parent in route.get("spec", "parentRefs") or []:
            if not isinstance(parent, dict):
                continue
            cid = self.gateways.get((str(parent.get("namespace", route.namespace)), str(parent.get("name"))))
            if cid is None:
                continue
            backends: list[tuple[str, Path]] = []
            for r, rule in enumerate(route.get("spec", "rules") or []):
                for b, ref in enumerate((rule.get("backendRefs") if isinstance(rule, dict) else None) or []):
                    if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                        backends.append((ref["name"], ("spec", "rules", r, "backendRefs", b)))
            self._calls(self.draft.components[cid], route, backends, protocol)

    def _calls(
        self, component: DraftComponent, resource: Resource, backends: list[tuple[str, Path]], protocol: str
    ) -> None:
        for service_name, keys in backends:
            target = self.by_service.get((resource.namespace, service_name))
            if target is None:
                continue
            self.links.append(
                infer.Link(
                    component.id,
                    target,
                    f"{resource.label} backend {service_name} ({resource.at(*keys)})",
                    protocol=protocol,
                    certain=True,
                )
            )

    # --- scaling ---------------------------------------------------------------------------

    def _autoscaler(self, hpa: Resource) -> None:
        ref = hpa.get("spec", "scaleTargetRef")
        if not isinstance(ref, dict):
            raise hpa.problem(("spec", "scaleTargetRef"), "a HorizontalPodAutoscaler needs spec.scaleTargetRef")
        cid = self.workload_ids.get((hpa.namespace, str(ref.get("name"))))
        if cid is None:
            return  # its target is not in the manifests: listed as unmapped
        self.mapped.add(id(hpa))
        low, high = hpa.get("spec", "minReplicas"), hpa.get("spec", "maxReplicas")
        if low is None:
            low = 1
        for value, key in ((low, "minReplicas"), (high, "maxReplicas")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise hpa.problem(("spec", key), f"spec.{key} must be a whole number, not {value!r}")
        if high < max(low, 1):
            raise hpa.problem(("spec", "maxReplicas"), f"spec.maxReplicas ({high}) is below spec.minReplicas ({low})")
        where = f"HorizontalPodAutoscaler {hpa.name} ({hpa.at('spec', 'maxReplicas')})"
        self.draft.components[cid].fields["autoscaling"] = Note({"min": low, "max": high}, where)

    def _budget(self, budget: Resource) -> None:
        selected = self._selected(budget.namespace, budget.get("spec", "selector"))
        if not selected:
            return
        self.mapped.add(id(budget))
        for key in ("minAvailable", "maxUnavailable"):
            if budget.get("spec", key) is not None:
                for cid in selected:
                    self.draft.components[cid].notes.append(
                        f"PodDisruptionBudget {budget.name} keeps {key}: {budget.get('spec', key)} "
                        f"({budget.at('spec', key)})"
                    )


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _check_container(workload: Resource, path: Path, container: Any) -> None:
    """The parts of a container the importer reads, with the types Kubernetes requires."""
    if not isinstance(container, dict):
        raise workload.problem(path, f"a container must be a map, not {type_name(container)}")
    for key in ("name", "image"):
        if key in container and not isinstance(container[key], str):
            raise workload.problem(path + (key,), f"a container's {key} must be text, not {type_name(container[key])}")
    for key in ("env", "envFrom", "ports"):
        if container.get(key) is not None and not isinstance(container[key], list):
            raise workload.problem(
                path + (key,), f"a container's {key} must be a list, not {type_name(container[key])}"
            )
    for key in ("readinessProbe", "livenessProbe", "startupProbe"):
        if container.get(key) is not None and not isinstance(container[key], dict):
            raise workload.problem(path + (key,), f"{key} must be a map, not {type_name(container[key])}")


def _backend_name(backend: dict[str, Any]) -> str:
    service = backend.get("service")
    if isinstance(service, dict):
        return str(service.get("name"))
    return str(backend.get("serviceName"))
