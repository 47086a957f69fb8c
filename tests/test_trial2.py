"""A second new user's and hostile reviewer's session: trust problems found by running
archlint on designs written from scratch (a feature-flag service, a notification
fan-out, a web crawler and index), each pinned through what a user runs, the figures
worked out by hand in the comments."""

import pytest

from archlint.input.units import format_percent


def _write(tmp_path, text, name="d.arch.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- a percentage never rounds up onto the target it misses ----------------------------


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        # 99.9% × (1 − 2% × 0.01%) ... = 99.89974%: to 3 decimals that rounds to 99.900,
        # which read "99.9% against a target of 99.9% (below it)". Cut, not rounded up.
        (0.9989974, "99.899%"),
        (0.99949964, "99.9499%"),  # not 99.95%
        (0.999999999999, "99.999999999%"),  # 9 decimals round to 100.000000000: never "100%"
        # Rounding that does not carry into the nines is unchanged.
        (0.99996978, "99.99698%"),
        (0.9995, "99.95%"),
        (0.999, "99.9%"),
        (0.3472, "34.72%"),
    ],
)
def test_a_percentage_is_not_rounded_up_into_the_nines(fraction, shown):
    assert format_percent(fraction) == shown


PCT = """\
archlint: 1
name: pct
requirements: {availability: 99.95%}
components:
  user: {kind: client, calls: [fn]}
  fn: {kind: function, availability: 99.99%, calls: {provider: {timeout: 1s}}}
  provider: {kind: external, availability: 99.95996%}
flows:
  go: {rate: 1/s, steps: [user -> fn -> provider]}
"""


def test_avl006_never_says_a_figure_equal_to_the_target_is_below_it(cli, tmp_path):
    path = _write(tmp_path, PCT)
    result = cli("check", path, "--select", "AVL006")
    assert "AVL006 warning" in result.output  # providers' figures alone: a warning
    # 99.99% × 99.95996% = 99.9499640%: below the 99.95% target, and shown so; it was
    # "available 99.95% at most ..., below its 99.95% target", the provider "99.96%".
    assert "has an estimated availability of 99.9499% along" in result.output
    assert "provider 99.9599%" in result.output
    assert "of 99.95% along" not in result.output
    estimate = cli("estimate", path)
    assert "go: 99.9499% against a target of 99.95% (below it)" in estimate.output


# --- the language server leaves cleanly ------------------------------------------------


def _lsp_messages(*messages: dict) -> bytes:
    import json

    out = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        out += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return out


def test_the_language_server_exits_0_after_shutdown_and_exit():
    import subprocess
    import sys

    from conftest import ROOT

    # What every editor sends when it closes: initialize, shutdown, exit. pygls closes
    # standard output and exits 0; the final flush of the closed stream was reported as
    # "archlint: internal error (ValueError: I/O operation on closed file.)", exit 3.
    stdin = _lsp_messages(
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"id": 2, "method": "shutdown"},
        {"method": "exit"},
    )
    done = subprocess.run([sys.executable, "-m", "archlint", "lsp"], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"internal error" not in done.stderr
    assert b'"id": 2' in done.stdout or b'"id":2' in done.stdout  # the shutdown was answered


# --- a design named as a rule pack ------------------------------------------------------


def test_a_map_named_as_a_rule_pack_is_named_not_dumped(cli, tmp_path):
    # A configuration that lists a design among its rule packs: the pack is a map, and
    # the message quoted the whole design as a Python dict on one line (4 kB for a
    # 100-line design). It now says what a pack is.
    design = tmp_path / "d.arch.yaml"
    design.write_text("archlint: 1\nname: secret-name\ndescription: " + "x" * 2000 + "\n"
                      "components: {api: {kind: service}}\n")
    config = tmp_path / ".archlint.yaml"
    config.write_text("rule-packs: [d.arch.yaml]\n")
    result = cli("check", str(design))
    assert result.exit_code == 2
    assert "d.arch.yaml:1:1: the pack: must be a list, not a map (a rule pack is a list of rules" in result.output
    assert "secret-name" not in result.output and "xxxx" not in result.output
    assert len(result.output) < 500


# --- a percent is the fraction written -------------------------------------------------


def test_a_percent_target_reaches_json_as_the_fraction_written(cli, tmp_path):
    import json

    # 99.9% was parsed as 99.9 / 100 = 0.9990000000000001 and 99.99% as
    # 0.9998999999999999: the JSON report's target was not the one written.
    path = _write(tmp_path, """\
archlint: 1
name: targets
requirements: {availability: 99.9%}
components:
  user: {kind: client, calls: [fn]}
  fn: {kind: function}
flows:
  a: {rate: 1/s, steps: [user -> fn]}
  b: {rate: 1/s, availability: 99.99%, steps: [user -> fn]}
""")
    result = cli("estimate", path, "--format", "json")
    assert result.exit_code == 0, result.output
    targets = {flow["flow"]: flow["target"] for flow in json.loads(result.output)["designs"][0]["availability"]}
    assert targets == {"a": 0.999, "b": 0.9999}


# --- the review counts zones per region -------------------------------------------------

SPREAD = """\
archlint: 1
name: spread
deployment: {{regions: {regions}{zones}}}
components:
  user: {{kind: client, calls: [api]}}
  api: {{kind: service, replicas: 6, health_check: /healthz}}
flows:
  a: {{rate: 1/s, steps: [user -> api]}}
"""


@pytest.mark.parametrize(
    ("regions", "zones", "said"),
    [
        # A count of zones is per region: 2 regions × 3 zones = 6 zones (it said 3).
        ("2", ", zones: 3", "spread over 6 zones in 2 regions"),
        # Two regions with no zones stated are two zones, one in each (it said nothing).
        ("2", "", "spread over 2 zones in 2 regions"),
        # A list names every zone.
        ("[eu, us]", ", zones: [eu-a, eu-b, us-a]", "spread over 3 zones in 2 regions"),
        ("1", ", zones: 3", "spread over 3 zones,"),
    ],
)
def test_the_reviews_redundancy_counts_every_zone(cli, tmp_path, regions, zones, said):
    result = cli("review", _write(tmp_path, SPREAD.format(regions=regions, zones=zones)))
    assert result.exit_code == 0, result.output
    assert f"- redundancy: {said}" in result.output


# --- the saturation multiple in the units of every other figure ------------------------

TINY = """\
archlint: 1
name: tiny
scale: {peak_factor: 1.5}
components:
  user: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, calls: {db: {timeout: 1s}}}
  db: {kind: database}
flows:
  b: {rate: 3/h, type: write, steps: [user -> api -> db]}
"""


def test_saturates_first_writes_a_large_multiple_like_other_figures(cli, tmp_path):
    path = _write(tmp_path, TINY)
    # 3/h ÷ 3,600 s × 1.5 = 0.00125/s at peak; api: 2 replicas × 500/s = 1k/s, so it
    # saturates at 1,000 ÷ 0.00125 = 800,000x: "800kx", not Python's "8e+05x".
    estimate = cli("estimate", path)
    assert "Saturates first: api, at 800kx this load" in estimate.output
    review = cli("review", path)
    assert "saturates first: api, at 800kx today's load" in review.output
    assert "e+0" not in estimate.output + review.output


# --- a tiny share is not 0% -------------------------------------------------------------

RARE = """\
archlint: 1
name: rare
requirements: {latency_p99: 1s, availability: 99%}
components:
  user: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, calls: {db: {timeout: 1s}, rare: {timeout: 1s}}}
  db: {kind: database}
  rare: {kind: database}
flows:
  a:
    rate: 1/s
    steps:
      - user -> api -> db
      - "api -> rare: 0.00001%"
"""


def test_a_tiny_share_keeps_its_digits_so_the_formula_multiplies_out(cli, tmp_path):
    result = cli("estimate", _write(tmp_path, RARE))
    assert result.exit_code == 0, result.output
    # rare: one copy, 99.95% × 99.5% = 99.45%, on 0.00001% = 1e-7 of requests:
    # 1 − 1e-7 × 0.0055 = 1 − 5.5e-10 = 99.999999945%. The share read "0%", so the
    # line said "1 − 0% × (1 − 99.45%) = 99.999999945%", and the left-out hop "1e-05%".
    assert "on 0.00001% of requests: 1 − 0.00001% × (1 − 99.45%) = 99.999999945%" in result.output
    assert "left out, below 1% of requests: api -> rare (0.00001%)" in result.output
    assert " 0% of requests" not in result.output and "e-05" not in result.output


@pytest.mark.parametrize(("fraction", "shown"), [(1e-7, "0.00001%"), (1.234e-7, "0.0000123%"), (0.0, "0%"),
                                                 (0.001, "0.1%"), (0.005, "0.5%")])
def test_a_tiny_percentage_is_not_zero(fraction, shown):
    assert format_percent(fraction) == shown


# --- ASY005: a worker pool inside each instance can be accepted -------------------------

CRAWL = """\
archlint: 1
name: crawl
components:
  frontier:
    tech: kafka
    queue: {{partitions: 64, dlq: frontier-dlq}}
    {lint}
  frontier-dlq: {{tech: kafka}}
  crawler:
    kind: worker
    autoscaling: {{min: 10, max: 60}}
    consumes: {{frontier: {{idempotent: true, concurrency: 50}}}}
"""


def test_asy005_says_how_to_accept_a_worker_pool_and_the_acceptance_holds(cli, tmp_path):
    import json

    # 60 instances × concurrency 50 = 3,000 "consumers" on 64 partitions; the 60
    # instances alone fit, so the hint says how to accept a worker pool with a reason.
    result = cli("check", "--select", "ASY005", _write(tmp_path, CRAWL.format(lint="")))
    assert "runs up to 3000 consumers (max replicas x concurrency) on 64 partitions: 2936 sit idle" in result.output
    assert ("its 60 instances fit the partitions: accept the finding with the reason, "
            'components.frontier.lint.ignore: {ASY005: "<why>"}') in result.output
    accepted = cli("check", "--select", "ASY005", "--format", "json", _write(tmp_path, CRAWL.format(
        lint='lint: {ignore: {ASY005: "50 in-process fetches per instance, not group members"}}'), "ok.arch.yaml"))
    assert accepted.exit_code == 0, accepted.output
    report = json.loads(accepted.output)
    assert report["findings"] == []
    assert [s["code"] for s in report["suppressed"]] == ["ASY005"]


def test_asy005_does_not_offer_acceptance_when_the_instances_alone_overflow(cli, tmp_path):
    # 60 instances on 32 partitions: idle whatever concurrency means.
    text = CRAWL.format(lint="").replace("partitions: 64", "partitions: 32")
    result = cli("check", "--select", "ASY005", _write(tmp_path, text))
    assert "ASY005" in result.output and "accept the finding" not in result.output
