"""No input makes an importer crash: random structures with the keys real inputs use
either import (and the design then validates) or give an ImportProblem with a place."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.catalog import load_catalog
from archlint.input.load import Limits, parse_yaml
from archlint.interop.draft import write_design
from archlint.interop.source import ImportProblem
from archlint.run.pipeline import check_design

# A fixed sample in the default run, the same every time (derandomized);
# ARCHLINT_FUZZ_SCALE=10 runs ten times as many, as for tests/test_fuzz.py.
SAMPLE = settings(
    max_examples=int(40 * float(os.environ.get("ARCHLINT_FUZZ_SCALE", "1"))),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

KEYS = [
    "services",
    "image",
    "deploy",
    "replicas",
    "environment",
    "depends_on",
    "ports",
    "healthcheck",
    "test",
    "extends",
    "service",
    "profiles",
    "volumes",
    "kind",
    "metadata",
    "name",
    "namespace",
    "spec",
    "template",
    "containers",
    "env",
    "value",
    "selector",
    "matchLabels",
    "labels",
    "type",
    "rules",
    "http",
    "paths",
    "backend",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "items",
    "apiVersion",
    "readinessProbe",
    "httpGet",
    "path",
    "owner",
    "providesApis",
    "consumesApis",
    "dependsOn",
    "nodes",
    "relationships",
    "unique-id",
    "node-type",
    "relationship-type",
    "connects",
    "source",
    "destination",
    "node",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5),
    st.sampled_from(
        [
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "Ingress",
            "StatefulSet",
            "DaemonSet",
            "List",
            "Component",
            "Resource",
            "API",
            "postgres:16",
            "redis",
            "http://api:80",
            "api",
            "db:5432",
            "LoadBalancer",
            "service",
            "database",
            "web",
            "x",
            "",
            "amqp://q",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=30,
)


def _run(fmt: str, data, tmp_path) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _run_file(fmt, path)


def _run_file(fmt: str, path) -> None:
    catalog = load_catalog()
    try:
        if fmt == "compose":
            from archlint.interop.compose import import_compose

            draft = import_compose([str(path)], Limits(), catalog)
        elif fmt == "kubernetes":
            from archlint.interop.kubernetes import import_kubernetes

            draft = import_kubernetes([str(path)], Limits(), catalog)
        elif fmt == "backstage":
            from archlint.interop.backstage import import_backstage

            draft = import_backstage([str(path)], Limits(), catalog)
        else:
            from archlint.interop.calm import import_calm

            draft = import_calm([str(path)], Limits(), catalog)
    except ImportProblem as problem:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
        return
    text = write_design(draft)
    design_data, _ = parse_yaml(text, Limits())
    assert check_design(design_data, catalog)[2] == [], text


@SAMPLE
@given(
    fmt=st.sampled_from(["compose", "kubernetes", "backstage", "calm"]),
    data=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6),
)
def test_importers_never_crash(tmp_path, fmt, data):
    _run(fmt, data, tmp_path)


@SAMPLE
@given(
    services=st.dictionaries(
        st.sampled_from(["api", "db", "web", "q", "worker"]),
        st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6),
        max_size=4,
    )
)
def test_compose_services_never_crash(tmp_path, services):
    _run("compose", {"services": services}, tmp_path)


@SAMPLE
@given(
    kind=st.sampled_from(
        [
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Service",
            "Ingress",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "Gateway",
            "HTTPRoute",
            "ConfigMap",
        ]
    ),
    spec=VALUES,
    others=st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4), max_size=2),
)
def test_kubernetes_resources_never_crash(tmp_path, kind, spec, others):
    items = [{"kind": kind, "metadata": {"name": "web"}, "spec": spec}] + [
        {"kind": "Deployment", "metadata": {"name": "api"}, **other} for other in others
    ]
    _run("kubernetes", {"kind": "List", "items": items}, tmp_path)


CONTAINER = st.dictionaries(
    st.sampled_from(["name", "image", "env", "envFrom", "ports", "readinessProbe", "livenessProbe"]), VALUES, max_size=5
)


@SAMPLE
@given(
    containers=st.lists(CONTAINER, min_size=1, max_size=3),
    replicas=SCALARS,
    labels=VALUES,
    service=st.dictionaries(st.sampled_from(["type", "selector", "externalName", "ports"]), VALUES, max_size=3),
    hpa=st.dictionaries(st.sampled_from(["scaleTargetRef", "minReplicas", "maxReplicas"]), VALUES, max_size=3),
)
def test_workloads_with_odd_pod_specs_never_crash(tmp_path, containers, replicas, labels, service, hpa):
    items = [
        {
            "kind": "Deployment",
            "metadata": {"name": "api"},
            "spec": {
                "replicas": replicas,
                "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}},
            },
        },
        {"kind": "Service", "metadata": {"name": "api"}, "spec": service},
        {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "api"}, "spec": hpa},
    ]
    _run("kubernetes", {"kind": "List", "items": items}, tmp_path)


@SAMPLE
@given(
    entities=st.lists(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["Component", "Resource", "API", "System", "Location"]),
                "metadata": st.fixed_dictionaries(
                    {"name": st.sampled_from(["web", "api", "db", "topic"])},
                    optional={"description": VALUES, "namespace": VALUES},
                ),
                "spec": st.dictionaries(
                    st.sampled_from(
                        ["type", "owner", "providesApis", "consumesApis", "dependsOn", "target", "targets"]
                    ),
                    VALUES,
                    max_size=5,
                ),
            }
        ),
        min_size=1,
        max_size=4,
    )
)
def test_backstage_entities_never_crash(tmp_path, entities):
    path = tmp_path / "input.json"
    path.write_text("\n---\n".join(json.dumps(e) for e in entities), encoding="utf-8")
    _run_file("backstage", path)


@SAMPLE
@given(
    nodes=st.lists(
        st.dictionaries(
            st.sampled_from(["unique-id", "node-type", "description", "metadata"]),
            st.one_of(
                VALUES,
                st.fixed_dictionaries(
                    {
                        "archlint": st.dictionaries(
                            st.sampled_from(["kind", "tech", "replicas", "autoscaling", "public"]), VALUES
                        )
                    }
                ),
            ),
        ),
        max_size=4,
    ),
    relationships=st.lists(
        st.dictionaries(st.sampled_from(["unique-id", "relationship-type", "metadata", "protocol"]), VALUES), max_size=3
    ),
)
def test_calm_documents_never_crash(tmp_path, nodes, relationships):
    _run("calm", {"nodes": nodes, "relationships": relationships}, tmp_path)
