"""Availability semantics (issue 16): correlated failures, the region bound, stated counts
on managed services, unknown techs and share-weighted branches. Every expected figure is
worked out by hand from the catalog's numbers: one VM 99.5%, one zone 99.95% (rule of
thumb), one region 99.99% (compute region-level SLAs), and the services' SLAs."""

import json

import pytest
from conftest import run_process

from archlint.catalog import load_catalog
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

VM, ZONE, REGION = 0.995, 0.9995, 0.9999
ONE_COPY = ZONE * VM  # one copy in one zone: 99.45025%


def _figures(tmp_path, text, **settings):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    settings_ = FileSettings(run_rules=False, **settings)
    result = check_file(str(path), path.name, settings_, load_catalog())
    assert result.findings == [], [f.message for f in result.findings]
    design = result.designs[0]
    return design_terms(design.design, design.graph, load_catalog(), settings_, design.block.data).figures


def _design(components: str, steps: str, deployment: str = "{zones: 3}") -> str:
    return (f"archlint: 1\nname: d\ndeployment: {deployment}\ncomponents:\n{components}"
            f"flows:\n  f:\n    steps:\n{steps}")


def _part(flow, cid):
    return next(part for part in flow.parts if part.cid == cid)


def test_replicas_in_one_zone_share_its_fate(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 3, zones: 1}\n",
                   "      - web -> api\n")
    flow = _figures(tmp_path, text).availability["f"]
    api = _part(flow, "api")
    # Three copies, one zone: the zone caps them. 0.9995 × (1 − 0.005³) = 0.9995 − 0.9995 × 1.25e-7.
    assert api.value == pytest.approx(0.9994998750625, abs=1e-13)
    # 99.94998750625% is below 99.95%: shown cut, 99.9499%, not rounded up onto 99.95%.
    assert api.work == "3 copies in 1 zone: 99.95% × (1 − (1 − 99.5%)^3) = 99.9499%"
    assert flow.value == pytest.approx(0.9994998750625 * REGION, abs=1e-12)


def test_a_brokers_replicas_spread_over_the_deployments_zones(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 3, calls: [events]}\n"
                   "  events: {tech: kafka, queue: {partitions: 12, replication_factor: 3}}\n",
                   "      - web -> api -> events\n")
    events = _part(_figures(tmp_path, text).availability["f"], "events")
    # Replication factor 3 is three brokers, placed over the 3 zones as any replicated
    # component is (it was counted as 3 copies in one zone, 99.95%):
    # 1 − (1 − 99.95% × 99.5%)^3 = 1 − 0.0054975^3.
    assert events.value == pytest.approx(1 - 0.0054975 ** 3, abs=1e-15)
    assert events.work == "3 copies in 3 zones: 1 − (1 − 99.95% × 99.5%)^3 = 99.9999834%"


def test_replicas_across_zones_compose_per_zone(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 5}\n",
                   "      - web -> api\n")
    api = _part(_figures(tmp_path, text).availability["f"], "api")
    # Five copies over three zones: 2, 2 and 1. A zone with k copies is up ZONE × (1 − 0.005^k);
    # the zones are independent, so the part is down only when all three groups are.
    two = ZONE * (1 - 0.005 ** 2)  # 0.9994750125
    one = ONE_COPY  # 0.9945025
    expected = 1 - (1 - two) ** 2 * (1 - one)
    assert api.value == pytest.approx(expected, abs=1e-15)
    assert api.value == pytest.approx(1 - 0.0005249875 ** 2 * 0.0054975, abs=1e-15)
    assert api.work.startswith("5 copies in 3 zones: 1 − (1 − 99.95% × (1 − (1 − 99.5%)^2))^2 × (1 − 99.95% × 99.5%)")


def test_a_single_region_design_is_bounded_by_the_region(tmp_path):
    services = "".join(f"  s{i}: {{kind: service, replicas: 3{f', calls: [s{i + 1}]' if i < 3 else ''}}}\n"
                       for i in range(4))
    text = _design("  web: {kind: client, calls: [s0]}\n" + services, "      - web -> s0 -> s1 -> s2 -> s3\n")
    flow = _figures(tmp_path, text).availability["f"]
    each = 1 - (1 - ONE_COPY) ** 3  # 3 copies in 3 zones: 99.99998338%
    assert each == pytest.approx(0.9999998338, abs=1e-10)
    # The region is counted once for the flow, not once per part: 99.99% × each⁴ = 99.98993%.
    assert flow.value == pytest.approx(REGION * each ** 4, abs=1e-12)
    assert flow.value < REGION
    assert flow.region.work == "s0, s1, s2, s3 run in one region: 99.99%"
    assert flow.region.source.detail == "one region, sla [REGION-SLA]"


def test_region_availability_is_configurable(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n  api: {kind: service, replicas: 3}\n", "      - web -> api\n")
    flow = _figures(tmp_path, text, region_availability=0.999).availability["f"]
    assert flow.region.value == pytest.approx(0.999)
    assert flow.value == pytest.approx(0.999 * (1 - (1 - ONE_COPY) ** 3), abs=1e-12)
    assert str(flow.region.source) == "configuration: region-availability"


def test_copies_in_two_regions_carry_their_own_region(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 4, zones: 4, regions: 2}\n",
                   "      - web -> api\n", deployment="{zones: 4, regions: 2}")
    flow = _figures(tmp_path, text).availability["f"]
    in_region = 1 - (1 - ONE_COPY) ** 2  # two zones of one copy in each region
    expected = 1 - (1 - REGION * in_region) ** 2
    assert _part(flow, "api").value == pytest.approx(expected, abs=1e-15)
    assert flow.region is None  # no part runs in only one region
    assert flow.value == pytest.approx(expected, abs=1e-15)


def test_two_regions_without_zones_have_a_zone_each(tmp_path):
    # A count of zones is per region, one by default: 4 copies in 2 regions sit in 2
    # zones, 2 copies each, and the flow is not bounded by one region.
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 4}\n",
                   "      - web -> api\n", deployment="{regions: 2}")
    flow = _figures(tmp_path, text).availability["f"]
    zone_group = ZONE * (1 - (1 - VM) ** 2)  # 99.9475%
    expected = 1 - (1 - REGION * zone_group) ** 2  # 99.9999609%
    assert _part(flow, "api").value == pytest.approx(expected, abs=1e-15)
    assert "4 copies in 2 zones of 2 regions" in _part(flow, "api").work
    assert flow.region is None


def test_a_count_of_zones_is_per_region(tmp_path):
    # regions: 2, zones: 3 is six zones: 12 copies, 2 in each.
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 12}\n",
                   "      - web -> api\n", deployment="{regions: 2, zones: 3}")
    flow = _figures(tmp_path, text).availability["f"]
    in_region = 1 - (1 - ZONE * (1 - (1 - VM) ** 2)) ** 3
    expected = 1 - (1 - REGION * in_region) ** 2
    assert _part(flow, "api").value == pytest.approx(expected, abs=1e-15)
    assert "12 copies in 6 zones of 2 regions" in _part(flow, "api").work


def test_a_list_of_zones_names_every_zone(tmp_path):
    # Three named zones over two regions: two in one region, one in the other; 6 copies,
    # 2 in each zone.
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 6, zones: [a1, a2, b1]}\n",
                   "      - web -> api\n", deployment="{regions: 2}")
    flow = _figures(tmp_path, text).availability["f"]
    zone_group = ZONE * (1 - (1 - VM) ** 2)
    region_a, region_b = 1 - (1 - zone_group) ** 2, zone_group
    expected = 1 - (1 - REGION * region_a) * (1 - REGION * region_b)
    assert _part(flow, "api").value == pytest.approx(expected, abs=1e-15)
    assert "6 copies in 3 zones of 2 regions" in _part(flow, "api").work


def test_two_regions_are_not_a_single_zone(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(_design("  web: {kind: client, calls: [api]}\n"
                            "  api: {kind: service, replicas: 4, health_check: /healthz}\n",
                            "      - web -> api\n", deployment="{regions: 2}")
                    .replace("name: d\n", "name: d\nrequirements: {availability: 99.99%}\n"))
    out = run_process("check", str(path), "--select", "AVL", "--format", "json")
    assert json.loads(out.stdout)["findings"] == []


def test_a_single_node_managed_cache_counts_as_one_instance(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 3, calls: [sessions]}\n"
                   "  sessions: {tech: elasticache, replicas: 1}\n",
                   "      - web -> api -> sessions\n")
    flow = _figures(tmp_path, text).availability["f"]
    cache = _part(flow, "sessions")
    # Not the 99.9% Multi-AZ SLA: one node in one zone at the single-instance 99.5%.
    assert cache.value == pytest.approx(ONE_COPY, abs=1e-12)
    assert not cache.sla
    assert "single instance (replicas: 1)" in cache.source.detail
    assert flow.value == pytest.approx((1 - (1 - ONE_COPY) ** 3) * ONE_COPY * REGION, abs=1e-12)


def test_a_managed_cache_without_stated_counts_keeps_its_sla(tmp_path):
    text = _design("  web: {kind: client, calls: [sessions]}\n  sessions: {tech: elasticache}\n",
                   "      - web -> sessions\n")
    flow = _figures(tmp_path, text).availability["f"]
    assert _part(flow, "sessions").value == pytest.approx(0.999) and _part(flow, "sessions").sla
    assert flow.region is None and flow.value == pytest.approx(0.999)


def test_a_managed_database_in_one_zone_is_composed_from_its_nodes(tmp_path):
    text = _design("  web: {kind: client, calls: [db]}\n  db: {tech: aws-rds, replicas: 2, zones: 1}\n",
                   "      - web -> db\n")
    db = _part(_figures(tmp_path, text).availability["f"], "db")
    assert db.value == pytest.approx(ZONE * (1 - 0.005 ** 2), abs=1e-12)  # 99.9475%


def test_an_unknown_tech_gets_its_kinds_conservative_defaults(tmp_path):
    text = _design("  web: {kind: client, calls: [api]}\n"
                   "  api: {kind: service, replicas: 3, calls: [blobs]}\n"
                   "  blobs: {kind: object_storage, tech: blobby}\n",
                   "      - web -> api -> blobs\n")
    flow = _figures(tmp_path, text).availability["f"]
    blobs = _part(flow, "blobs")
    # Before issue 16 an unknown object store counted as a managed 99.9% service; now it
    # is one self-run node in one zone until the design says otherwise.
    assert blobs.value == pytest.approx(ONE_COPY, abs=1e-12)
    assert blobs.source.kind == "default" and "object_storage default" in blobs.source.detail


def test_an_unknown_tech_stated_as_managed_counts_as_a_service(tmp_path):
    text = _design("  web: {kind: client, calls: [blobs]}\n"
                   "  blobs: {kind: object_storage, tech: blobby, managed: true, availability: 99.9%}\n",
                   "      - web -> blobs\n")
    flow = _figures(tmp_path, text).availability["f"]
    assert _part(flow, "blobs").sla and flow.value == pytest.approx(0.999)


def test_a_branch_counts_for_its_share_of_requests(tmp_path):
    text = _design("  web: {kind: client, calls: [cdn]}\n"
                   "  cdn: {tech: cloudfront, calls: [origin]}\n"
                   "  origin: {kind: service}\n",
                   "      - web -> cdn\n      - cdn -> origin: 5%\n")
    flow = _figures(tmp_path, text).availability["f"]
    # The CDN serves every request (99.9% SLA); the origin (one copy, 99.45025%) only the
    # 5% of misses, and so does its region: a failure there loses 5% of requests.
    origin = 1 - 0.05 * (1 - ONE_COPY)  # 99.9725125%
    region = 1 - 0.05 * (1 - REGION)  # 99.9995%
    assert flow.shares["origin"] == pytest.approx(0.05)
    assert flow.effective(_part(flow, "origin")) == pytest.approx(0.999725125, abs=1e-12)
    assert flow.value == pytest.approx(0.999 * origin * region, abs=1e-12)
    assert flow.value != pytest.approx(0.999 * ONE_COPY * REGION)  # not the plain product


def test_estimate_shows_the_formulas_with_numbers(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(_design("  web: {kind: client, calls: [cdn]}\n"
                            "  cdn: {tech: cloudfront, calls: [origin]}\n"
                            "  origin: {kind: service, replicas: 2}\n",
                            "      - web -> cdn\n      - cdn -> origin: 5%\n"))
    text = run_process("estimate", str(path)).stdout
    assert "one zone = 99.95%, one region = 99.99%" in text
    # origin: 1 − 0.0054975² = 99.99698%; on 5%: 1 − 0.05 × 3.02225e-5 = 99.999849%;
    # the flow: 99.9% × 99.999849% × 99.9995% = 99.899%.
    assert "f: 99.899% = cdn 99.9% × origin 99.999849% × region 99.9995%" in text
    assert ("origin  99.99698%  2 copies in 2 zones: 1 − (1 − 99.95% × 99.5%)^2 = 99.99698% "
            "(default: service default, rule of thumb [RT]); on 5% of requests: 1 − 5% × (1 − 99.99698%) = 99.999849%"
            ) in text
    assert ("region  99.9995%   origin run in one region, reached by 5% of requests: 1 − 5% × (1 − 99.99%) = 99.9995% "
            "(catalog: one region, sla [REGION-SLA])") in text
    data = json.loads(run_process("estimate", "--format", "json", str(path)).stdout)
    (flow,) = data["designs"][0]["availability"]
    origin = next(part for part in flow["parts"] if part["id"] == "origin")
    assert origin["share"] == pytest.approx(0.05)
    assert origin["effective"] == pytest.approx(1 - 0.05 * (1 - (1 - 0.0054975 ** 2)), abs=1e-12)
    assert flow["region"]["value"] == pytest.approx(1 - 0.05 * 0.0001)


def test_avl006_says_a_figure_is_a_kind_default_and_how_to_state_it(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text("archlint: 1\nname: d\nrequirements: {availability: 99.9%}\ndeployment: {zones: 3}\n"
                    "components:\n  web: {kind: client, calls: [api]}\n"
                    "  api: {kind: service, replicas: 3, calls: [blobs]}\n"
                    "  blobs: {kind: object_storage, tech: blobby}\n"
                    "flows:\n  f:\n    steps:\n      - web -> api -> blobs\n")
    result = check_file(str(path), path.name, FileSettings(), load_catalog())
    (finding,) = [f for f in result.findings if f.code == "AVL006"]
    # api 99.99998338% × blobs 99.45025% × region 99.99% = 99.44%
    assert "has an estimated availability of 99.44% along its synchronous hops" in finding.message
    assert "(api 99.9999834% × blobs 99.45% × one region 99.99%)" in finding.message
    assert "its figure is the object storage kind default (tech 'blobby' is not in the catalog)" in finding.hint
    assert "managed: true if a provider runs it" in finding.hint


PROVIDER_FLOORS = """\
archlint: 1
name: checkout-on-providers
requirements:
  availability: 99.95%
deployment:
  zones: 3
components:
  browser: {kind: client, calls: [api]}
  api: {kind: service, replicas: REPLICAS, availability: 99.9%, calls: [db, pay]}
  db: {tech: postgres, managed: true, availability: 99.95%}
  pay: {kind: external, availability: 99.9%}
flows:
  checkout:
    type: write
    steps:
      - browser -> api -> db
      - api -> pay
"""


def _avl006(tmp_path, text: str) -> dict:
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = run_process("check", "--format", "json", "--select", "AVL006", str(path))
    (finding,) = json.loads(result.stdout)["findings"]
    return finding


def test_avl006_a_shortfall_made_by_provider_slas_alone_is_a_warning(tmp_path):
    finding = _avl006(tmp_path, PROVIDER_FLOORS.replace("REPLICAS", "3"))
    # api: 3 copies in 3 zones, 1 − (1 − 99.95% × 99.9%)^3 = 1 − 0.0014995^3 = 99.99999966%;
    # with db 99.95%, pay 99.9% and the region 99.99%: 0.9995 × 0.999 × 0.9999 ≈ 99.84%.
    # Without db and pay: 99.99999966% × 99.99% = 99.989999966% (shown cut, 99.9899%, not
    # rounded up onto 99.99%), above 99.95%: only the
    # providers' SLAs, floors and not expectations, bring the flow under its target.
    assert finding["severity"] == "warning"
    assert (finding["line"], finding["column"]) == (13, 3)  # flows.checkout
    assert finding["message"].startswith(
        "flow 'checkout' has an estimated availability of 99.84% along its synchronous hops "
        "(api 99.999999663% × db 99.95% × pay 99.9% × one region 99.99%), below its 99.95% target "
        "only through the providers' figures of db and pay: without them the design's own parts come to 99.9899%")
    assert 'accept the risk with a reason: lint.ignore: {AVL006: "<why>"}' in finding["hint"]


def test_avl006_stays_an_error_when_the_designs_own_parts_fall_short(tmp_path):
    finding = _avl006(tmp_path, PROVIDER_FLOORS.replace("REPLICAS", "1"))
    # api: one copy, 99.95% × 99.9% = 99.85005%; with db, pay and the region:
    # 0.9985005 × 0.9995 × 0.999 × 0.9999 ≈ 99.69%. Without the providers:
    # 0.9985005 × 0.9999 ≈ 99.84%, still under 99.95%: the design's own shortfall.
    assert finding["severity"] == "error"
    assert "has an estimated availability of 99.69%" in finding["message"]
    assert "providers' figures" not in finding["message"]
    assert "the weakest part is api, 1 copy in 1 zone: 99.95% × 99.9% = 99.85%" in finding["hint"]


def test_avl006_accepted_with_a_reason_is_silent(tmp_path):
    text = PROVIDER_FLOORS.replace("REPLICAS", "3") + 'lint:\n  ignore:\n    AVL006: "both run above 99.99%"\n'
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = run_process("check", "--select", "AVL006", str(path))
    assert result.returncode == 0, result.stdout


def test_kinds_only_a_provider_runs_stay_provider_run(tmp_path):
    text = _design("  web: {kind: client, calls: [cdn]}\n"
                   "  cdn: {kind: cdn, tech: edgy, calls: [fn]}\n"
                   "  fn: {kind: function}\n",
                   "      - web -> cdn -> fn\n")
    figures = _figures(tmp_path, text)
    flow = figures.availability["f"]
    # The kinds' provider figures (cdn 99.9%, function 99.9%), with no region of ours to count.
    assert [(p.cid, p.sla) for p in flow.parts[1:]] == [("cdn", True), ("fn", True)]
    assert flow.region is None and flow.value == pytest.approx(0.999 * 0.999)
    assert figures.terms.managed("cdn") and figures.terms.managed("fn")
