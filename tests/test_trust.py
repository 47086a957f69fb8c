"""Issue 16 as a reviewer checks it: small designs, each figure worked out by hand in the
comments, asserted through what a user runs (`archlint estimate --format json`, `archlint
check`). Catalog figures used: one VM 99.5%, one zone 99.95%, one region 99.99%."""

import json

import pytest

ZONE, VM, REGION = 0.9995, 0.995, 0.9999
TWO_IN_ONE_ZONE = ZONE * (1 - (1 - VM) ** 2)  # 0.9995 × 0.999975 = 0.9994750125


def _write(tmp_path, text, name="d.arch.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _estimate(cli, path):
    result = cli("estimate", "--format", "json", path)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["designs"][0]


def _by_flow(rows, flow):
    return next(row for row in rows if row["flow"] == flow)


def _codes(cli, path, *extra):
    result = cli("check", "--format", "json", *extra, path)
    return result, [(f["code"], f["line"]) for f in json.loads(result.output)["findings"]]


# --- critical per flow ----------------------------------------------------------------

PER_FLOW_CRITICAL = """\
archlint: 1
name: per-flow-critical
requirements: {availability: 99.9%, latency_p99: 1s}
components:
  browser: {kind: client, calls: [web]}
  web:
    kind: service
    replicas: 2
    latency_p99: 20ms
    calls:
      cart: {timeout: 100ms, critical: false, fallback: hide the cart badge}
  cart: {kind: external, availability: 99%, latency_p99: 300ms}
flows:
  home:
    steps:
      - browser -> web -> cart
  add-to-cart:
    type: write
    steps:
      - browser -> web
      - {chain: "web -> cart", critical: true}
"""


def test_a_flow_that_needs_a_call_another_flow_can_skip_keeps_it(cli, tmp_path):
    figures = _estimate(cli, _write(tmp_path, PER_FLOW_CRITICAL))
    home = _by_flow(figures["availability"], "home")
    cart = _by_flow(figures["availability"], "add-to-cart")
    # home: the link's critical: false leaves cart out: web 99.9475% × region 99.99%.
    assert home["value"] == pytest.approx(TWO_IN_ONE_ZONE * REGION, abs=1e-12)
    assert [p["id"] for p in home["parts"]] == ["browser", "web"]
    # add-to-cart states critical: true: web × cart 99% (a provider's figure, no region) × region.
    assert cart["value"] == pytest.approx(TWO_IN_ONE_ZONE * 0.99 * REGION, abs=1e-12)  # 98.938%
    # Latency: both flows stop waiting at the 100ms timeout (20ms + 100ms = 120ms); home
    # falls back (fail-open), add-to-cart fails the request (a critical call).
    assert _by_flow(figures["latency"], "home")["seconds"] == pytest.approx(0.120)
    assert _by_flow(figures["latency"], "home")["work"] == "browser 0ms + web 20ms + min(cart 300ms, 100ms) fail-open"
    assert _by_flow(figures["latency"], "add-to-cart")["seconds"] == pytest.approx(0.120)
    assert _by_flow(figures["latency"], "add-to-cart")["work"] == \
        "browser 0ms + web 20ms + min(cart 300ms, 100ms) timeout"


def test_the_flow_that_needs_the_call_gets_avl006(cli, tmp_path):
    _, codes = _codes(cli, _write(tmp_path, PER_FLOW_CRITICAL))
    # 98.94% < 99.9% on add-to-cart (line 17); home at 99.94% meets it.
    assert ("AVL006", 17) in codes
    assert ("AVL006", 14) not in codes


def test_a_step_critical_that_is_not_a_boolean_is_inp011(cli, tmp_path):
    text = PER_FLOW_CRITICAL.replace("critical: true}", "critical: yes}")
    result, codes = _codes(cli, _write(tmp_path, text))
    assert result.exit_code == 1
    assert codes == [("INP011", 21)]
    finding = json.loads(result.output)["findings"][0]
    assert finding["column"] == 32
    assert "must be true or false" in finding["message"]


# --- background jobs and the peak factor ------------------------------------------------

BACKGROUND = """\
archlint: 1
name: background
scale: {peak_factor: 4}
components:
  web: {kind: client, calls: [api]}
  api:
    kind: service
    replicas: 2
    calls: {db: {timeout: 100ms}}
    publishes: [jobs]
  cron:
    kind: worker
    calls: {db: {timeout: 1s}}
    publishes: [jobs]
  db: {kind: database}
  jobs: {kind: queue}
  mailer:
    kind: worker
    consumes: [jobs]
flows:
  save:
    rate: 10/s
    type: write
    steps: [web -> api -> db, api -> jobs -> mailer]
  nightly:
    rate: 3600/h
    type: write
    steps: [cron -> db, cron -> jobs -> mailer]
"""


def test_a_scheduled_job_is_not_multiplied_by_the_users_peak_factor(cli, tmp_path):
    figures = _estimate(cli, _write(tmp_path, BACKGROUND))
    rates = {row["name"]: row for row in figures["flows"]}
    # Users: 10/s × 4 = 40/s. The cron job: 3600/h ÷ 3600 s = 1/s, and 1/s at its peak.
    assert rates["save"]["peak_rps"] == pytest.approx(40)
    assert rates["nightly"]["peak_rps"] == pytest.approx(1)
    assert rates["nightly"]["work"] == ("3600/h ÷ 3.6k s = 1/s, no peak factor: a background job "
                                        "started by worker cron")
    text = cli("estimate", _write(tmp_path, BACKGROUND, "text.arch.yaml")).output
    assert "Flow rates (peak = average × peak_factor 4; a background job started by a worker peaks at its average)" \
        in text
    loads = {row["id"]: row for row in figures["components"]}
    # db, entered synchronously: 40/s + 1/s = 41/s at peak.
    assert loads["db"]["load_rps"] == pytest.approx(41)
    # mailer, fed only by the queue, is sized at the average: 10/s + 1/s = 11/s (the cron's
    # 1/s is not divided by 4 a second time).
    assert loads["mailer"]["load_rps"] == pytest.approx(11)


# --- RES007: a timeout below the callee's p99 -------------------------------------------

PSP = """\
archlint: 1
name: psp
components:
  web:
    kind: service
    calls:
      psp:
        timeout: 800ms
        retries: {max: 1, backoff: exponential, jitter: true}
        idempotent: true
  psp: {kind: external, latency_p99: 1.5s}
"""


def test_a_payment_call_that_gives_up_before_the_providers_p99_is_reported(cli, tmp_path):
    result = cli("check", "--select", "RES007", "--format", "json", _write(tmp_path, PSP))
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("RES007", 8, 9)
    # 800ms < 1.5s; 1 + 1 retry = 2 attempts.
    assert finding["message"] == (
        "call web -> psp gives up after 800ms, below the 1.5s p99 of psp (stated in the design): more than 1% "
        "of calls fail while psp is healthy; its retry sends them again, so a slow psp also gets up to 2x the calls")
    assert result.exit_code == 0  # a warning
    fixed = cli("check", "--select", "RES007", "--format", "json",
                _write(tmp_path, PSP.replace("timeout: 800ms", "timeout: 1.5s"), "fixed.arch.yaml"))
    assert json.loads(fixed.output)["findings"] == []


# --- DAT006: an endpoint judged by its own flows ----------------------------------------

SHOP = """\
archlint: 1
name: shop
components:
  browser: {kind: client, calls: [web]}
  web:
    kind: service
    calls:
      carts: {timeout: 50ms}
      orders-db: {timeout: 200ms}
  carts: {tech: dynamodb}
  orders-db: {tech: postgres, data: [payments]}
flows:
  add-to-cart: {type: write, steps: [browser -> web -> carts]}
  checkout: {type: write, steps: [browser -> web -> orders-db]}
apis:
  - {endpoint: POST /cart/items, served_by: web}
  - {endpoint: POST /checkout, served_by: web, idempotency_key: true}
"""


def test_an_endpoint_that_names_its_flows_is_judged_by_them(cli, tmp_path):
    # Without flows, web reaches orders-db (payments) through checkout: the cart endpoint
    # (line 16) gets DAT006, whose hint names the way out.
    result = cli("check", "--select", "DAT006", "--format", "json", _write(tmp_path, SHOP))
    (finding,) = json.loads(result.output)["findings"]
    assert (finding["line"], result.exit_code) == (16, 1)
    assert finding["hint"].endswith("list the flows it starts in apis[0].flows so that only their hops count")
    # Naming the flow: add-to-cart writes carts only, so no finding and exit 0.
    named = SHOP.replace("served_by: web}", "served_by: web, flows: [add-to-cart]}")
    clean = cli("check", "--select", "DAT006", "--format", "json", _write(tmp_path, named, "named.arch.yaml"))
    assert (json.loads(clean.output)["findings"], clean.exit_code) == ([], 0)
    # A misspelt flow name is an input error with a did-you-mean.
    typo = SHOP.replace("served_by: web}", "served_by: web, flows: [add-to-crt]}")
    bad = cli("check", "--format", "json", _write(tmp_path, typo, "typo.arch.yaml"))
    (problem,) = [f for f in json.loads(bad.output)["findings"] if f["code"].startswith("INP")]
    assert (problem["code"], problem["line"]) == ("INP020", 16)
    assert problem["message"] == "'add-to-crt' in apis[0].flows is not a declared flow; did you mean 'add-to-cart'?"


# --- a critical call's wait is bounded by its timeout too --------------------------------

def test_a_critical_call_adds_at_most_timeout_times_attempts(cli, tmp_path):
    text = PSP + "flows:\n  pay: {type: write, steps: [web -> psp]}\n"
    text = text.replace("    kind: service\n", "    kind: service\n    latency_p99: 20ms\n", 1)
    latency = _by_flow(_estimate(cli, _write(tmp_path, text))["latency"], "pay")
    # psp answers in 1.5s at p99, but web gives up after 800ms × 2 attempts = 1.6s > 1.5s: 20ms + 1.5s.
    assert latency["seconds"] == pytest.approx(1.52)
    # With no retry the wait stops at 800ms: 20ms + 800ms = 820ms (those calls fail: RES007).
    once = text.replace("        retries: {max: 1, backoff: exponential, jitter: true}\n", "")
    latency = _by_flow(_estimate(cli, _write(tmp_path, once, "once.arch.yaml"))["latency"], "pay")
    assert latency["seconds"] == pytest.approx(0.82)
    assert latency["work"] == "web 20ms + min(psp 1.5s, 800ms) timeout"
