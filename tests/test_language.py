"""The whole design language parses into the typed model with the values it means."""

import pytest
from conftest import DATA, EXAMPLES

from archlint.catalog import load_catalog
from archlint.input.load import Limits
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

PARSE_ONLY = FileSettings(run_rules=False)  # this file is about the language, not the rules


@pytest.fixture(scope="module")
def every():
    result = check_file(str(DATA / "every-field.arch.yaml"), "every-field.arch.yaml", PARSE_ONLY, load_catalog())
    assert result.findings == [], [str(f) for f in result.findings]
    (design_result,) = result.designs
    return design_result


def test_top_level(every):
    d = every.design
    assert d.requirements.availability == pytest.approx(0.999)
    assert d.requirements.latency_p99 == pytest.approx(0.25)
    assert d.requirements.geography == ["eu", "us"]
    assert d.requirements.durability == pytest.approx(0.99999999999)
    assert d.scale.dau == 1.5e6 and d.scale.peak_factor == 4
    assert d.scale.read_write_ratio == 20
    assert d.scale.retention == pytest.approx(2 * 365 * 86400)
    assert d.team.engineers == 12 and d.team.teams == 3
    assert d.deployment.regions == ["eu-west-1", "us-east-1"] and d.deployment.zones == 3


def test_component_fields(every):
    c = every.design.components
    shop = c["shop"]
    assert shop.autoscaling.min == 3 and shop.autoscaling.max == 12
    assert shop.capacity.read == 400 and shop.capacity.write == 100
    assert c["stock"].capacity.read == c["stock"].capacity.write == 800
    assert shop.zones == ["a", "b", "c"] and shop.regions == 2
    assert shop.latency_p99 == pytest.approx(0.04) and shop.availability == 0.995
    assert c["shop-db"].replication.replicas == 2 and c["shop-db"].consistency == "strong"
    assert c["shop-db"].security.encryption_at_rest is True
    assert c["search"].backups is False
    assert c["sessions"].cache.hit_ratio == pytest.approx(0.95)
    assert c["orders"].queue.max_depth == 1e6 and c["orders"].queue.replay == "required"
    assert c["orders-dlq"].queue.dlq is False
    assert shop.lint.ignore["RES004"].reason == "stock has its own fallback"


def test_links_and_consumers(every):
    shop = every.design.components["shop"]
    stock = shop.calls["stock"]
    assert stock.retries.max == 2 and stock.retries.backoff is None  # a bare number is max only
    assert stock.critical is False and stock.fallback.startswith("show the item")
    assert shop.calls["shop-db"].retries.backoff == "exponential"
    mailer = every.design.components["mailer"].consumes["orders"]
    assert (mailer.max_retries, mailer.concurrency, mailer.group, mailer.ordering) == (3, 4, "mail", "per_key")
    assert every.design.components["invoices"].consumes == {"orders": None}


def test_suppression_with_expiry_and_options(every):
    lint = every.design.lint
    assert str(lint.ignore["OBS004"].until) == "2027-03-31"
    assert lint.options["ARC001"] == {"engineers_per_service": 3}


def test_kinds_come_from_the_catalog(every):
    nodes = every.graph.nodes
    assert nodes["dns"].kind == "dns" and nodes["cdn"].kind == "cdn"
    assert nodes["shop-db"].kind == "database" and nodes["shop-db"].tech.id == "postgres"
    assert nodes["orders"].kind == "stream"
    assert nodes["payments-api"].tech is None  # unknown tech with an explicit kind: no finding


def test_graph_edges(every):
    g = every.graph
    assert g.edge("shop", "stock").sync
    assert g.edge("shop", "orders").kind == "publishes"
    consume = g.edge("orders", "mailer")
    assert consume.kind == "consumes" and consume.path == ("components", "mailer", "consumes", "orders")
    assert {e.dst for e in g.calls_from("app")} == {"dns", "cdn", "gw"}


def test_flows_resolve_to_hops_with_shares(every):
    route = every.graph.routes["browse"]
    hops = {(h.edge.src, h.edge.dst): h.share for h in route.hops}
    assert hops[("shop", "stock")] == pytest.approx(0.3)
    assert hops[("shop", "search")] == pytest.approx(0.25)
    assert hops[("app", "gw")] == 1.0
    assert route.entry == "app"
    checkout = every.graph.routes["checkout"]
    assert [(h.edge.src, h.edge.dst) for h in checkout.hops][-2:] == [("orders", "mailer"), ("orders", "invoices")]
    stock = next(h for h in checkout.hops if h.edge.dst == "stock")
    assert (stock.share, stock.op, stock.payload, stock.group) == (0.5, "read", 10, 1)
    assert next(h for h in checkout.hops if h.edge.dst == "payments-api").group == 1
    assert route.flow.payload == {"cdn": 2000, "sessions": 100}


def test_a_hop_named_twice_counts_once_at_its_largest_share(tmp_path):
    text = (EXAMPLES / "url-shortener.arch.yaml").read_text().replace(
        "      - api -> url-db: 10%", "      - api -> url-db: 10%\n      - browser -> edge -> api -> url-db: 30%"
    )
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = check_file(str(path), "d", PARSE_ONLY, load_catalog())
    route = result.designs[0].graph.routes["redirect"]
    shares = [(h.edge.src, h.edge.dst, h.share) for h in route.hops]
    assert ("api", "url-db", pytest.approx(0.3)) in shares
    assert len([s for s in shares if s[:2] == ("api", "url-db")]) == 1


@pytest.mark.parametrize(
    "scalar, expected",
    [("100:1", "100:1"), ("no", "no"), ("yes", "yes"), ("on", "on"), ("0x1F", "0x1F"), ("1e3", 1000.0),
     ("012", 12), ("2026-01-01", "2026-01-01"), ("~", None), ("True", True), ("'true'", "true")],
)
def test_yaml_12_core_scalars(scalar, expected):
    from archlint.input.load import parse_yaml

    data, _ = parse_yaml(f"v: {scalar}\n", Limits())
    assert data["v"] == expected and type(data["v"]) is type(expected)


def test_x_keys_are_ids_in_id_maps(tmp_path):
    path = tmp_path / "x.arch.yaml"
    path.write_text("archlint: 1\nname: x\ncomponents:\n  x-api: {kind: service}\n")
    result = check_file(str(path), "x", PARSE_ONLY, load_catalog())
    assert result.findings == [] and "x-api" in result.designs[0].graph.nodes
