"""archlint import: realistic inputs become designs that validate, with every value's
origin stated, guesses marked, and problems placed at the input's line and column.

The expected components, kinds, replicas and links were read by hand off the inputs in
tests/data/interop/ (written for these tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import DATA

from archlint.catalog import load_catalog
from archlint.input.load import Limits, parse_yaml
from archlint.run.pipeline import check_design

VOTING = DATA / "interop" / "compose-voting"
SHOP = DATA / "interop" / "k8s-shop"


def _design(text: str) -> dict:
    """The imported text as data, after checking it has no input problem."""
    data, _ = parse_yaml(text, Limits())
    problems = check_design(data, load_catalog())[2]
    assert problems == [], [f"{p.code} {p.path_text}: {p.message}" for p in problems]
    return data


def _kind(component: dict) -> str:
    return component.get("kind") or load_catalog().kind_for_tech(component["tech"])


def _edges(component: dict, section: str) -> set[str]:
    return set(component.get(section) or {})


@pytest.fixture
def in_dir():
    """Run from a folder, so the `# from` comments name files as a user there sees them."""
    before = os.getcwd()

    def enter(path: Path) -> None:
        os.chdir(path)

    yield enter
    os.chdir(before)


def _line_of(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# --- compose ------------------------------------------------------------------------------


def test_compose_voting_app(cli, in_dir):
    in_dir(VOTING)
    result = cli("import", "compose", "compose.yaml", "compose.prod.yaml")
    assert result.exit_code == 0, result.stderr
    data = _design(result.stdout)
    components = data["components"]
    assert list(components) == ["vote", "result", "worker", "redis", "db"]  # adminer and prometheus: profiles
    assert {cid: _kind(c) for cid, c in components.items()} == {
        "vote": "service",
        "result": "service",
        "worker": "worker",
        "redis": "cache",
        "db": "database",
    }
    assert components["redis"]["tech"] == "redis" and components["db"]["tech"] == "postgres"
    # vote and result are built here: their Dockerfiles' last stage names the runtime
    assert components["vote"]["tech"] == "python" and components["result"]["tech"] == "node"
    assert "tech" not in components["worker"]
    # replicas: vote's deploy.replicas, result's from the production override, worker's 3
    assert {cid: c.get("replicas") for cid, c in components.items()} == {
        "vote": 2,
        "result": 2,
        "worker": 3,
        "redis": None,
        "db": None,
    }
    # result's health check comes through `extends` from common.yaml
    assert components["vote"]["health_check"] == "/healthz"
    assert components["result"]["health_check"] == "/ready"
    assert components["db"]["health_check"] is True
    assert components["vote"]["public"] is True and components["result"]["public"] is True
    assert "public" not in components["worker"]
    assert _edges(components["vote"], "calls") == {"redis"}
    assert components["result"]["calls"] == {"db": {"protocol": "sql"}}  # DATABASE_URL=postgres://...@db
    assert _edges(components["worker"], "calls") == {"db", "redis"}
    assert name_of(result.stdout) == "voting"


def name_of(text: str) -> str:
    return _design(text)["name"]


def test_compose_comments_name_each_source(cli, in_dir):
    in_dir(VOTING)
    text = cli("import", "compose", "compose.yaml", "compose.prod.yaml").stdout
    assert "# from deploy.replicas (compose.yaml:28)" in _line_of(text, "replicas: 2")
    assert "# from deploy.replicas (compose.prod.yaml:5)" in text  # result's override won
    assert "# from healthcheck.test (common.yaml:5)" in _line_of(text, "health_check: /ready")
    assert "environment REDIS_HOST (compose.yaml:19)" in text
    # `FROM base AS final` is followed to the stage it names
    assert "# from FROM python:3.12-slim (vote/Dockerfile:2), the image it is built on; inferred, check" in text
    # guesses say so; what cannot be known is a commented placeholder, not a value
    assert _line_of(text, "kind: worker").endswith("; inferred, check")
    assert _line_of(text, "public: true").endswith("; inferred, check")
    assert "# tech:" in text and "# timeout:" in text and "# flows:" in text and "#   dau:" in text


def test_compose_summary_lists_what_was_not_imported(cli, in_dir):
    in_dir(VOTING)
    stderr = cli("import", "compose", "compose.yaml").stderr
    assert "Imported 5 components from 1 file (compose)." in stderr
    assert "volume ×1: db-data" in stderr and "network ×2: back-tier, front-tier" in stderr
    assert "adminer: only in profile debug" in stderr


def test_compose_profile_brings_its_services(cli, in_dir):
    in_dir(VOTING)
    data = _design(cli("import", "compose", "compose.yaml", "--profile", "debug").stdout)
    adminer = data["components"]["adminer"]
    assert "public" not in adminer  # published on 127.0.0.1 only
    assert _edges(adminer, "calls") == {"db"}  # from depends_on: a store it starts after


def test_compose_observability_tools_fill_observability(cli, in_dir):
    in_dir(VOTING)
    data = _design(cli("import", "compose", "compose.yaml", "--profile", "monitoring").stdout)
    assert data["observability"] == {"metrics": "prometheus"}
    assert "prometheus" not in data["components"]


def test_compose_output_checks_clean_of_input_problems(tmp_path, in_dir):
    from conftest import run_process

    out = tmp_path / "voting.arch.yaml"
    made = run_process("import", "compose", str(VOTING / "compose.yaml"), "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert f"Wrote {out}" in made.stderr
    checked = run_process("check", str(out), "--select", "INP")
    assert checked.returncode == 0, checked.stdout
    full = run_process("check", str(out), "--select", "DOC")  # the placeholders are asked for
    assert {"DOC001", "DOC002", "DOC004"} <= {line.split()[1] for line in full.stdout.splitlines() if ": DOC" in line}


def test_import_is_deterministic(cli, in_dir):
    in_dir(VOTING)
    first = cli("import", "compose", "compose.yaml", "compose.prod.yaml").stdout
    assert cli("import", "compose", "compose.yaml", "compose.prod.yaml").stdout == first


def test_broker_links_are_guesses_services_publish_workers_consume(cli, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    image: example/api\n    ports: ['80:8080']\n    environment: [BROKER_URL=amqp://rabbit:5672]\n"
        "  mailer:\n    image: example/mailer\n    environment: {AMQP_URL: 'amqp://guest:guest@rabbit'}\n"
        "  rabbit:\n    image: rabbitmq:3-management\n    depends_on: [api]\n",
        encoding="utf-8",
    )
    result = cli("import", "compose", str(tmp_path / "compose.yaml"))
    data = _design(result.stdout)
    components = data["components"]
    assert _kind(components["rabbit"]) == "queue" and components["rabbit"]["tech"] == "rabbitmq"
    assert _edges(components["api"], "publishes") == {"rabbit"}
    assert _edges(components["mailer"], "consumes") == {"rabbit"}
    assert "direction is unknown, services publish; inferred, check" in _line_of(result.stdout, "      rabbit:")


def test_redis_with_a_volume_and_no_database_is_a_store(cli, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: example/app\n    environment: {REDIS_URL: 'redis://sessions:6379/0'}\n"
        "  sessions:\n    image: redis:7\n    volumes: ['data:/data']\nvolumes: {data: {}}\n",
        encoding="utf-8",
    )
    data = _design(cli("import", "compose", str(tmp_path / "compose.yaml")).stdout)
    assert data["components"]["sessions"]["kind"] == "database"
    assert data["components"]["app"]["calls"] == {"sessions": {"protocol": "redis"}}


def test_merge_keys_and_anchors_are_read_in_inputs(cli, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "x-replicated: &replicated\n  deploy: {replicas: 4}\n"
        "services:\n  api:\n    <<: *replicated\n    image: example/api\n",
        encoding="utf-8",
    )
    data = _design(cli("import", "compose", str(tmp_path / "compose.yaml")).stdout)
    assert data["components"]["api"]["replicas"] == 4


# --- kubernetes ---------------------------------------------------------------------------

SHOP_KINDS = {
    "ad": "service",
    "redis-cart": "cache",
    "catalog-db": "database",
    "orders-db": "database",
    "reviews-db": "database",
    "kafka": "stream",
    "frontend": "service",
    "cart": "service",
    "catalog": "service",
    "checkout": "service",
    "payment": "service",
    "shipping": "service",
    "currency": "service",
    "recommendation": "service",
    "reviews": "service",
    "email": "worker",
    "order-events": "worker",
    "loadgen": "worker",
    "stripe-api": "external",
    "shop": "load_balancer",
    "partners": "load_balancer",
}


def test_kubernetes_shop(cli, in_dir):
    in_dir(SHOP)
    result = cli("import", "kubernetes", ".")
    assert result.exit_code == 0, result.stderr
    data = _design(result.stdout)
    components = data["components"]
    assert {cid: _kind(c) for cid, c in components.items()} == SHOP_KINDS
    assert data["name"] == "shop" and data["deployment"]["orchestrator"] == "kubernetes"
    assert components["orders-db"]["tech"] == "postgres"  # bitnami/postgresql, through the catalog's aliases
    assert components["kafka"]["tech"] == "kafka"  # confluentinc/cp-kafka
    assert components["ad"]["tech"] == "java"  # eclipse-temurin, from ad.json (a kind: List in JSON)
    assert {cid: c.get("replicas") for cid, c in components.items() if c.get("replicas")} == {
        "ad": 1,
        "redis-cart": 1,
        "catalog-db": 3,
        "orders-db": 2,
        "reviews-db": 1,
        "kafka": 3,
        "frontend": 3,
        "cart": 2,
        "catalog": 2,
        "checkout": 2,
        "payment": 2,
        "shipping": 1,
        "currency": 2,
        "recommendation": 2,
        "reviews": 2,
        "email": 1,
        "order-events": 2,
    }  # loadgen is scaled to 0: a note, no value
    assert {cid: c["autoscaling"] for cid, c in components.items() if "autoscaling" in c} == {
        "frontend": {"min": 3, "max": 12},
        "cart": {"min": 2, "max": 8},
        "checkout": {"min": 2, "max": 10},
    }
    assert components["frontend"]["health_check"] == "/_healthz"
    assert components["shipping"]["health_check"] is True  # a tcpSocket probe
    assert {cid for cid, c in components.items() if c.get("public")} == {"shop", "partners"}
    assert components["shop"]["security"] == {"tls": True} and components["shop"]["tech"] == "nginx"
    assert components["shop"]["calls"] == {"frontend": {"protocol": "http"}}
    assert components["partners"]["calls"] == {"catalog": {"protocol": "http"}}  # HTTPRoute backendRefs
    # ConfigMap values count: AD_SERVICE_ADDR via envFrom, SHIPPING_URL via configMapKeyRef
    assert _edges(components["frontend"], "calls") == {
        "ad",
        "cart",
        "catalog",
        "checkout",
        "currency",
        "recommendation",
        "reviews",
        "shipping",
    }
    assert _edges(components["checkout"], "calls") == {"cart", "currency", "orders-db", "payment", "shipping"}
    assert _edges(components["checkout"], "publishes") == {"kafka"}  # kafka-0.kafka:9092,...
    assert _edges(components["email"], "consumes") == {"kafka"}
    assert _edges(components["order-events"], "consumes") == {"kafka"}
    assert components["payment"]["calls"] == {"stripe-api": {"protocol": "http"}}  # an ExternalName Service
    assert data["observability"] == {"metrics": "prometheus", "logs": "fluent-bit"}


def test_kubernetes_comments_and_summary(cli, in_dir):
    in_dir(SHOP)
    result = cli("import", "kubernetes", ".")
    text = result.stdout
    assert "# from HorizontalPodAutoscaler frontend (frontend.yaml:85)" in _line_of(
        text, "autoscaling: {min: 3, max: 12}"
    )
    assert "# from spec.replicas (data.yaml:58)" in _line_of(text, "replicas: 3  ")
    assert "# PodDisruptionBudget catalog-db keeps minAvailable: 2 (data.yaml:114)" in text
    assert "# replicas:" not in _line_of(text, "  frontend:")
    for kind in (
        "CronJob ×1: cart-cleanup",
        "NetworkPolicy ×1: default-deny",
        "Secret ×1: db-credentials",
        "ServiceAccount ×1: shop",
    ):
        assert kind in result.stderr
    assert "Imported 21 components from 7 files (kubernetes)." in result.stderr


def test_kubernetes_daemonset_replicas_stay_a_placeholder(cli, tmp_path):
    (tmp_path / "agent.yaml").write_text(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: edge-proxy}\n"
        "spec:\n  selector: {matchLabels: {app: edge-proxy}}\n  template:\n    metadata: {labels: {app: edge-proxy}}\n"
        "    spec:\n      containers: [{name: proxy, image: envoyproxy/envoy:v1.30}]\n",
        encoding="utf-8",
    )
    text = cli("import", "kubernetes", str(tmp_path)).stdout
    component = _design(text)["components"]["edge-proxy"]
    assert component == {"tech": "envoy"} and "    # replicas:" in text


# --- problems -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, name, text, place, message",
    [
        ("compose", "compose.yaml", "services:\n  web: [a\n", "compose.yaml:3:1", "YAML syntax error"),
        (
            "compose",
            "compose.yaml",
            "services: [web]\n",
            "compose.yaml:1:1",
            "services (services) must be a map, not a list",
        ),
        ("compose", "compose.yaml", "version: '3'\n", "compose.yaml:1:1", "needs a 'services' map"),
        (
            "compose",
            "compose.yaml",
            "services:\n  a: {extends: b}\n  b: {extends: a}\n",
            "compose.yaml:2:7",
            "extends goes round in a circle",
        ),
        (
            "compose",
            "compose.yaml",
            "services:\n  a:\n    image: x\n    deploy: {replicas: two}\n",
            "compose.yaml:4:14",
            "deploy.replicas must be a whole number, not 'two'",
        ),
        (
            "compose",
            "compose.yaml",
            "services:\n  a: {image: x}\n  a: {image: y}\n",
            "compose.yaml:3:3",
            "duplicate key 'a'",
        ),
        (
            "compose",
            "compose.yaml",
            "services:\n  a: {image: !!python/object x}\n",
            "compose.yaml:2:14",
            "is refused: tags can build objects or run code, and archlint reads inputs as plain data",
        ),
        (
            "kubernetes",
            "app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {labels: {a: b}}\n",
            "app.yaml:3:1",
            "the Deployment has no metadata.name",
        ),
        (
            "kubernetes",
            "app.yaml",
            "kind: Service\nmetadata: {name: a}\n---\n- just\n- a list\n",
            "app.yaml:4:1",
            "a manifest is a map with apiVersion and kind, not a list",
        ),
        (
            "kubernetes",
            "hpa.yaml",
            "kind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: -1\n"
            "  template: {spec: {containers: [{image: x}]}}\n",
            "hpa.yaml:4:3",
            "spec.replicas must be a whole number, not -1",
        ),
    ],
)
def test_input_problems_name_file_line_and_column(cli, tmp_path, fmt, name, text, place, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = cli("import", fmt, str(tmp_path / name))
    assert result.exit_code == 1
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / place}: error: "), first
    assert message in first


def test_unrendered_helm_template_gets_a_hint(cli, tmp_path):
    (tmp_path / "deployment.yaml").write_text(
        "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n", encoding="utf-8"
    )
    result = cli("import", "kubernetes", str(tmp_path))
    assert result.exit_code == 1
    assert "hint: this looks like an unrendered template; render it first (e.g. `helm template`)" in result.stderr


def test_alias_bomb_in_an_input_stops_at_the_limit(cli, tmp_path):
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 6):
        rows.append(f"{'abcdef'[n]}: &{'abcdef'[n]} [" + ", ".join(f"*{'abcdef'[n - 1]}" for _ in range(10)) + "]")
    (tmp_path / "bomb.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("import", "kubernetes", str(tmp_path / "bomb.yaml"))
    assert result.exit_code == 1
    assert "bomb.yaml:4:" in result.stderr and "limit max-aliases" in result.stderr


def test_never_writes_over_an_input(cli, in_dir):
    in_dir(VOTING)
    result = cli("import", "compose", "compose.yaml", "-o", "compose.yaml", "--force")
    assert result.exit_code == 2
    assert "is one of the inputs" in result.stderr


def test_an_existing_output_needs_force(cli, tmp_path, in_dir):
    out = tmp_path / "design.arch.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    in_dir(VOTING)
    result = cli("import", "compose", "compose.yaml", "-o", str(out))
    assert result.exit_code == 2 and out.read_text() == "keep me\n"
    assert cli("import", "compose", "compose.yaml", "-o", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("# Imported by `archlint import compose` from compose.yaml.")


# --- backstage ----------------------------------------------------------------------------

BACKSTAGE = DATA / "interop" / "backstage"


def test_backstage_catalog(cli, in_dir):
    in_dir(BACKSTAGE)
    result = cli("import", "backstage", "catalog-info.yaml")
    assert result.exit_code == 0, result.stderr
    data = _design(result.stdout)
    components = data["components"]
    assert data["name"] == "acme-systems"  # the root Location
    assert {cid: _kind(c) for cid, c in components.items()} == {
        "shop-web": "client",
        "storefront-bff": "service",
        "catalog": "service",
        "session-cache": "cache",
        "catalog-db": "database",
        "catalog-search": "search",
        "payments-service": "service",
        "ledger-db": "database",
        "payment-events-topic": "stream",
        "shipment-worker": "worker",
        "label-bucket": "object_storage",
    }  # ui-kit is a library: not a component
    assert components["ledger-db"]["tech"] == "aurora"  # spec.type aurora-postgres, a catalog alias
    # consumesApis meets providesApis: a call, with the API's protocol
    assert components["shop-web"]["calls"] == {"storefront-bff": {"protocol": "http"}}
    assert components["storefront-bff"]["calls"] == {
        "catalog": {"protocol": "grpc"},
        "payments-service": {"protocol": "http"},
        "session-cache": None,
    }
    assert _edges(components["payments-service"], "publishes") == {"payment-events-topic"}
    assert _edges(components["shipment-worker"], "consumes") == {"payment-events-topic"}
    assert {cid: c.get("owner") for cid, c in components.items()}["payments-service"] == "team-payments"
    assert data["team"] == {"teams": 3}
    assert "Component ×1: ui-kit (a library runs inside others)" in result.stderr
    assert "Group ×3: team-logistics, team-payments, team-storefront" in result.stderr


def test_backstage_location_to_a_missing_file_is_placed(cli, tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./gone.yaml]\n",
        encoding="utf-8",
    )
    result = cli("import", "backstage", str(tmp_path / "catalog-info.yaml"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{tmp_path / 'catalog-info.yaml'}:5:13: error: the Location points to './gone.yaml', which does not exist"
    )


# --- calm ---------------------------------------------------------------------------------


def _edge_set(data: dict) -> set[tuple[str, str, str]]:
    return {
        (cid, section, target)
        for cid, c in data["components"].items()
        for section in ("calls", "publishes", "consumes")
        for target in (c.get(section) or {})
    }


@pytest.mark.parametrize("example", ["url-shortener", "chat", "payments", "naive-shop"])
def test_calm_round_trip_keeps_components_kinds_and_links(cli, tmp_path, example):
    from conftest import EXAMPLES

    original = EXAMPLES / f"{example}.arch.yaml"
    calm = tmp_path / f"{example}.calm.json"
    assert cli("export", "calm", str(original), "-o", str(calm)).exit_code == 0
    imported = cli("import", "calm", str(calm))
    assert imported.exit_code == 0, imported.stderr
    before, after = _design(original.read_text()), _design(imported.stdout)
    assert after["name"] == before["name"]
    assert {cid: _kind(c) for cid, c in after["components"].items()} == {
        cid: _kind(c) for cid, c in before["components"].items()
    }
    assert {cid: c.get("tech") for cid, c in after["components"].items()} == {
        cid: c.get("tech") for cid, c in before["components"].items()
    }
    assert {cid: c.get("replicas") for cid, c in after["components"].items()} == {
        cid: c.get("replicas") for cid, c in before["components"].items()
    }
    assert _edge_set(after) == _edge_set(before)


def test_calm_nodes_without_archlint_metadata_map_by_node_type(cli, tmp_path):
    (tmp_path / "trading.json").write_text(
        """{
  "nodes": [
    {"unique-id": "trader", "node-type": "actor", "name": "Trader", "description": "Places orders"},
    {"unique-id": "order-api", "node-type": "service", "name": "Order API", "description": "Takes orders"},
    {"unique-id": "orders", "node-type": "database", "name": "Orders", "description": "Order book"},
    {"unique-id": "k8s", "node-type": "network", "name": "Cluster", "description": "Where it runs"}
  ],
  "relationships": [
    {"unique-id": "r1", "relationship-type": {"interacts": {"actor": "trader", "nodes": ["order-api"]}}},
    {"unique-id": "r2", "protocol": "JDBC",
     "relationship-type": {"connects": {"source": {"node": "order-api"}, "destination": {"node": "orders"}}}},
    {"unique-id": "r3", "relationship-type": {"deployed-in": {"container": "k8s", "nodes": ["order-api"]}}}
  ]
}
""",
        encoding="utf-8",
    )
    result = cli("import", "calm", str(tmp_path / "trading.json"))
    data = _design(result.stdout)
    assert {cid: _kind(c) for cid, c in data["components"].items()} == {
        "trader": "client",
        "order-api": "service",
        "orders": "database",
        "k8s": "load_balancer",
    }
    assert data["components"]["trader"]["calls"] == {"order-api": None}
    assert data["components"]["order-api"]["calls"] == {"orders": {"protocol": "jdbc"}}
    assert "deployed-in ×1: r3 (a grouping, not a link)" in result.stderr
    assert data["name"] == "trading"


def test_compose_reset_tag_is_named_as_unsupported(cli, tmp_path):
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    ports: !reset []\n", encoding="utf-8")
    result = cli("import", "compose", str(tmp_path / "compose.override.yaml"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        "compose.override.yaml:3:12: error: "
        "Compose's !reset and !override tags are not supported by archlint import yet"
    )


def test_nesting_past_the_depth_limit_is_refused_with_its_place(cli, tmp_path):
    (tmp_path / "deep.json").write_text('{"kind": "List", "items": ' + "[" * 70 + "]" * 70 + "}\n", encoding="utf-8")
    result = cli("import", "kubernetes", str(tmp_path / "deep.json"))
    assert result.exit_code == 1
    # the 65th level opens at column 27 + 63: the limit is 64 nested maps and lists
    assert result.stderr.startswith(f"{tmp_path / 'deep.json'}:1:90: error: nesting is deeper than 64 levels")
