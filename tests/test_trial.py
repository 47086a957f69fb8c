"""A new user's and a hostile reviewer's session: trust problems found by running
archlint on designs written from scratch, each pinned through what a user runs, the
figures worked out by hand in the comments."""

import json

import pytest
from conftest import ROOT


def _write(tmp_path, text, name="d.arch.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- figures past the largest suffix ---------------------------------------------------

HUGE = """\
archlint: 1
name: huge
scale: {peak_factor: 1}
components:
  c: {kind: client, calls: [api]}
  api: {kind: service, calls: [db, blob]}
  db: {kind: database}
  blob: {kind: object_storage}
flows:
  a: {rate: 10B/s, type: read, steps: [c -> api -> db]}
  b: {rate: 999B/s, type: write, payload: 999PB, steps: [c -> api -> blob]}
"""


def test_huge_rates_and_sizes_read_as_powers_of_ten_in_estimate(cli, tmp_path):
    result = cli("estimate", _write(tmp_path, HUGE))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # api takes both flows: 10B/s + 999B/s = 1009B/s = 1.009e12/s -> 1.01e12/s.
    api = next(line for line in lines if line.startswith("  api "))
    assert "1.01e12/s" in api and "1009B/s" not in api
    # b's bandwidth: 999e9/s × 999e15 B = 9.98e29 B/s, not "998001000000000PB/s".
    bandwidth = next(line for line in lines if line.startswith("  b ") and "average" in line)
    assert "9.98e29B/s average" in bandwidth
    assert "PB/s" not in result.output


# --- a queue's consumer: sized at the average, drains the peak --------------------------

QUEUED = """\
archlint: 1
name: queued
scale: {peak_factor: 2}
components:
  api: {kind: service, replicas: 2, publishes: [jobs]}
  jobs: {tech: sqs, queue: {dlq: jobs-dlq}}
  jobs-dlq: {tech: sqs}
  worker: {kind: worker, replicas: 2, capacity: 10k/s, consumes: {jobs: {idempotent: true}}}
flows:
  work: {rate: 5k/s, type: write, steps: [api -> jobs -> worker]}
"""


def test_a_consumer_at_the_average_says_what_it_drains(cli, tmp_path):
    result = cli("estimate", _write(tmp_path, QUEUED))
    assert result.exit_code == 0, result.output
    table = result.output.split("Load and capacity")[1].split("\n\n")[0]
    # Sized at the average, 5k/s, against 2 × 10k/s = 20k/s: 25%.
    rows = {line.split()[0]: line.split() for line in table.splitlines()[2:]}
    assert rows["worker"][:5] == ["worker", "5k/s", "(avg)", "20k/s", "25%"]
    # It drains min(20k/s, the peak 5k/s × 2 = 10k/s) = 10k/s, which the Queues table
    # shows; the load table says why its figure is the average and gives the drain.
    queues = result.output.split("\nQueues (")[1]
    assert "10k/s: the arrival, as fast as it comes" in queues
    [note] = [line for line in table.splitlines() if line.strip().startswith("(avg):")]
    assert "sized against the average arrival" in note and note.endswith("worker drains 10k/s")
    # 20k/s ÷ 5k/s = 4x; the 25% is of the average, not "used at peak" (at peak it drains
    # 10k/s, 50%).
    assert "Saturates first: worker, at 4x this load (25% of 20k/s used on average: its queue holds " \
        "the rest of the peak)." in result.output


# --- stripe and memorystore in the catalog ----------------------------------------------

STRIPE = """\
archlint: 1
name: pay
components:
  c: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, calls: {psp: {timeout: 1s}}}
  psp: {tech: stripe}
flows:
  pay: {rate: 80/s, type: write, steps: [c -> api -> psp]}
"""


def test_stripe_needs_no_kind_and_its_rate_limit_is_checked(cli, tmp_path):
    result = cli("check", "--format", "json", "--select", "SCL001,INP", _write(tmp_path, STRIPE))
    [finding] = json.loads(result.output)["findings"]  # no INP013: the tech implies kind external
    # 80/s × peak factor 2 (the default) = 160/s against Stripe's 100/s per account in
    # live mode, a vendor limit: an error, and no design field adds accounts.
    assert (finding["code"], finding["severity"], finding["path"]) == ("SCL001", "error", "components.psp")
    assert "160/s at peak, above its capacity of 100/s (1 account × 100/s = 100/s)" in finding["message"]
    assert finding["hint"].startswith("ask the provider of psp to raise the account's limit to at least 160/s "
                                      "and state the granted rate as components.psp.capacity")


MEMORYSTORE = """\
archlint: 1
name: cache
deployment: {zones: 2}
components:
  c: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, availability: 99.5%, calls: {standard: {timeout: 50ms}, basic: {timeout: 50ms}}}
  standard: {tech: memorystore}
  basic: {tech: memorystore, replicas: 1}
flows:
  standard-read: {rate: 10/s, type: read, steps: [c -> api -> standard]}
  basic-read: {rate: 10/s, type: read, steps: [c -> api -> basic]}
"""


def test_memorystore_counts_its_sla_and_one_node_as_one_vm(cli, tmp_path):
    result = cli("estimate", "--format", "json", _write(tmp_path, MEMORYSTORE))
    assert result.exit_code == 0, result.output
    design = json.loads(result.output)["designs"][0]
    parts = {part["id"]: part for flow in design["availability"] for part in flow["parts"]}
    # Standard Tier: the Memorystore SLA, 99.9%, replicas not counted.
    assert parts["standard"]["value"] == 0.999
    # replicas: 1 is a Basic Tier node, outside the SLA: one zone 99.95% × one VM 99.5%
    # = 0.994502 (99.45%).
    assert abs(parts["basic"]["value"] - 0.9995 * 0.995) < 1e-12


# --- DAT007: a relay drawn in a background flow of its own ------------------------------

RELAY = """\
archlint: 1
name: relay
components:
  app: {kind: client, calls: [api]}
  api: {kind: service, calls: {ledger-db: {timeout: 100ms}}}
  ledger-db: {tech: postgres}
  outbox-relay:
    kind: worker
    calls: {ledger-db: {timeout: 100ms}}
    publishes: [movements]
  movements: {tech: sqs, queue: {dlq: dead}}
  dead: {tech: sqs}
  cron:
    kind: worker
    calls: {report-db: {timeout: 100ms}}
    publishes: [movements]
  report-db: {tech: postgres}
flows:
  pay: {rate: 10/s, type: write, steps: [app -> api -> ledger-db]}
  relay:
    rate: 10/s
    type: write
    steps: [outbox-relay -> ledger-db, outbox-relay -> movements]
  report:
    rate: 1/h
    type: write
    steps: [cron -> report-db, cron -> movements]
"""


def test_a_relay_in_its_own_flow_is_no_dual_write(cli, tmp_path):
    result = cli("check", "--format", "json", "--select", "DAT007", _write(tmp_path, RELAY))
    findings = json.loads(result.output)["findings"]
    # outbox-relay starts its own chain (nothing enters it) on ledger-db, which api
    # commits to in flow pay: it polls the outbox, as docs/language.md describes.
    # cron is the only writer of report-db: its commit and publish are a dual write.
    assert [(f["code"], f["path"]) for f in findings] == [("DAT007", "flows.report.steps[1]")]


# --- AVL006 does not call a rule of thumb an SLA ----------------------------------------

PROVIDERS = """\
archlint: 1
name: providers
requirements: {availability: 99.95%}
components:
  c: {kind: client, calls: [api]}
  api:
    kind: service
    replicas: 3
    calls: {psp: {timeout: 1s}, mail: {timeout: 1s}, queue: {timeout: 1s}, partner: {timeout: 1s}}
  psp: {tech: stripe}
  mail: {kind: external}
  queue: {tech: sqs}
  partner: {kind: external, availability: 99.9%}
flows:
  pay: {steps: [c -> api -> psp]}
  notify: {steps: [c -> api -> mail]}
  enqueue: {steps: [c -> api -> queue]}
  partner: {steps: [c -> api -> partner]}
"""


def test_avl006_names_what_a_providers_figure_rests_on(cli, tmp_path):
    result = cli("check", "--format", "json", "--select", "AVL006", _write(tmp_path, PROVIDERS))
    hints = {f["path"]: f["hint"] for f in json.loads(result.output)["findings"]}
    # Each flow: api's 3 copies in one zone ≈ 99.95% (1 − 0.005³ ≈ 1) × region 99.99%
    # × the provider's 99.9% ≈ 99.84%, below 99.95%: all four are reported.
    assert len(hints) == 4
    # Stripe and an external with no tech: 99.9% by rule of thumb, not an SLA.
    for cid in ("psp", "mail"):
        [hint] = [h for h in hints.values() if f"weakest part is {cid}," in h]
        assert f"counted at 99.9%, a rule of thumb and not a published SLA (state the figure its provider " \
               f"or your contract gives as components.{cid}.availability)" in hint
    # SQS: AWS's published 99.9%.
    [hint] = [h for h in hints.values() if "weakest part is queue," in h]
    assert "counted at its 99.9% SLA" in hint
    [hint] = [h for h in hints.values() if "weakest part is partner," in h]
    assert "counted at the 99.9% the design states" in hint


# --- control characters in a picture ----------------------------------------------------

CONTROLS = (
    'archlint: 1\n'
    'name: "shop \\e[31mred"\n'
    'components:\n'
    '  c: {kind: client, calls: [api]}\n'
    '  api: {kind: service, tech: "go\\e]8;;http://evil\\a"}\n'
    'flows:\n'
    '  f: {rate: 1/s, steps: [c -> api]}\n'
)


def test_control_characters_in_names_leave_the_svg_well_formed(cli, tmp_path):
    import xml.dom.minidom

    design = _write(tmp_path, CONTROLS)
    svg, dot = tmp_path / "d.svg", tmp_path / "d.dot"
    assert cli("diagram", design, "-f", "svg", "-o", str(svg)).exit_code == 0
    assert cli("diagram", design, "-f", "dot", "-o", str(dot)).exit_code == 0
    # An ESC (0x1b) or BEL (0x07) byte is not allowed in XML 1.0: the picture would not
    # open. Both are shown as escapes instead, as in the text report.
    text = svg.read_text(encoding="utf-8")
    xml.dom.minidom.parseString(text)
    assert "\x1b" not in text and "\x07" not in text
    assert "shop \\x1b[31mred" in text and "go\\x1b]8;;http://evil\\x07" in text
    assert "\x1b" not in dot.read_text(encoding="utf-8")


# --- diagram -o FOLDER on a Markdown file with several designs --------------------------

TWO_BLOCKS = """\
# RFC

```archlint
archlint: 1
name: one
components:
  api: {kind: service}
```

```archlint
archlint: 1
name: two
components:
  api: {kind: service}
```
"""


def test_diagram_refuses_a_folder_as_output_for_several_designs_too(tmp_path):
    from conftest import run_process

    rfc = tmp_path / "rfc.md"
    rfc.write_text(TWO_BLOCKS)
    (tmp_path / "out").mkdir()
    result = run_process("diagram", str(rfc), "-f", "mermaid", "-o", str(tmp_path / "out"), cwd=tmp_path)
    # One design and -o FOLDER is refused; two were written beside the folder as
    # 'out-0' and 'out-1', without a suffix.
    assert result.returncode == 2, result.stderr
    assert "it is a folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "rfc.md"]


# --- diff: a single-leader store's write utilisation ------------------------------------

LEDGER = """\
archlint: 1
name: ledger
scale: {peak_factor: 2}
components:
  app: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, calls: {db: {timeout: 100ms}}}
  db: {tech: postgres, replication: {replicas: 1}}
flows:
  pay: {rate: RATE, type: write, steps: [app -> api -> db]}
  history: {rate: 100/s, type: read, steps: [app -> api -> db]}
"""


def test_diff_shows_a_single_leader_stores_writes_moving(cli, tmp_path):
    old = _write(tmp_path, LEDGER.replace("RATE", "200/s"), "old.arch.yaml")
    new = _write(tmp_path, LEDGER.replace("RATE", "1200/s"), "new.arch.yaml")
    result = cli("diff", old, new)
    # Writes: 200/s × 2 = 400/s, then 1200/s × 2 = 2.4k/s, against postgres's one primary
    # at 2k/s: 20% -> 120% (SCL002). Reads stay 100/s × 2 = 200/s of 10k/s = 2%, so the
    # utilisation row alone never showed the writes passing the primary.
    assert "| write utilisation | `db` | 20% | 120% |" in result.output
    assert "| utilisation | `db` |" not in result.output
    data = json.loads(cli("diff", "--format", "json", old, new).output)
    figures = [f for d in data["designs"] for f in d["figures"] if f["figure"] == "write utilisation"]
    assert [(f["subject"], round(f["before"], 6), round(f["after"], 6)) for f in figures] == [("db", 0.2, 1.2)]


# --- export: a design's name cannot end the diagram or inject a directive ---------------

INJECTED_NAME = (
    'archlint: 1\n'
    'name: "shop\\e[31m\\n@enduml\\n!include /etc/passwd\\r!include /etc/hosts"\n'
    'components:\n'
    '  c: {kind: client, calls: [api]}\n'
    '  api: {kind: service, description: "d\\e[0m\\r!include x"}\n'
    'flows:\n'
    '  f: {rate: 1/s, steps: [c -> api]}\n'
)


@pytest.mark.parametrize("target", ["plantuml", "d2", "likec4", "structurizr", "calm"])
def test_export_keeps_a_hostile_name_on_its_own_line(cli, tmp_path, target):
    design = _write(tmp_path, INJECTED_NAME)
    out = tmp_path / f"out.{target}"
    result = cli("export", target, design, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    # The name went raw into PlantUML's `title` line and the d2 and LikeC4 header
    # comments: its line breaks ended the diagram (@enduml) and started a preprocessor
    # directive (!include reads a file). Now no line starts with either but archlint's
    # own, and no escape or carriage-return byte is written.
    lines = text.splitlines()
    assert not [line for line in lines if line.startswith("!include /etc")]
    assert sum(line.startswith("@enduml") for line in lines) == (1 if target == "plantuml" else 0)
    assert "\x1b" not in text and "\r" not in text


def test_review_html_shows_control_characters_as_escapes(cli, tmp_path):
    design = _write(tmp_path, CONTROLS)
    page = tmp_path / "review.html"
    assert cli("review", design, "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    # The title, the heading and the estimate's heading carried the raw ESC byte; the
    # Markdown review already showed it as \x1b, and so does the page now.
    assert "\x1b" not in text and "\x07" not in text
    assert "<h1>Design review: shop \\x1b[31mred</h1>" in text


def test_github_annotations_show_control_characters_as_escapes(cli, tmp_path):
    design = _write(tmp_path, 'archlint: 1\nname: x\ncomponents:\n  "a\\eb\\u202ec": {kind: service}\n')
    result = cli("check", "--format", "github", design)
    # The id reached the log as raw ESC and RIGHT-TO-LEFT OVERRIDE bytes (the Actions
    # log renders ANSI escapes); the text report shows them as \x1b and \u202e.
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "::error " in result.output and "'a\\x1bb\\u202ec' is not a valid component id" in result.output


# --- SCL001 on a store behind a cache whose hit ratio the step does not apply -----------

HIT_RATIO = """\
archlint: 1
name: hr
components:
  c: {kind: client, calls: [api]}
  api: {kind: service, replicas: 20, capacity: 2k/s, calls: {cache: {timeout: 10ms}, db: {timeout: 50ms}}}
  cache: {tech: redis, replicas: 2, cache: {ttl: 1h, hit_ratio: 95%, stampede: coalescing}}
  db: {tech: postgres, replication: {replicas: 1}}
flows:
  read: {rate: 10k/s, type: read, steps: [c -> api -> cache, api -> db]}
"""


def test_scl001_behind_a_cache_points_at_the_step_not_at_a_new_cache(cli, tmp_path):
    result = cli("check", "--format", "json", "--select", "SCL001", _write(tmp_path, HIT_RATIO))
    [finding] = json.loads(result.output)["findings"]
    # 10k/s × peak factor 2 = 20k/s of reads reach db: the step sends every read on,
    # whatever the 95% hit ratio says; 20k/s against one primary's 10k/s.
    assert finding["path"] == "components.db"
    assert "db takes 20k/s of reads at peak" in finding["message"]
    # The hint said "or put a cache in front of db", which the design has. Now it says
    # the 5% = 1 − 95% of misses belong on the step.
    assert "put a cache in front" not in finding["hint"]
    assert finding["hint"].endswith('or, if only the misses of cache (hit_ratio 95%) reach db, say so on the step: '
                                    '"api -> db: 5%" (a hit ratio alone changes no load)')
    # Written that way: 20k/s × 5% = 1k/s of 10k/s, no finding.
    fixed = HIT_RATIO.replace("api -> db]", '"api -> db: 5%"]')
    result = cli("check", "--format", "json", "--select", "SCL001", _write(tmp_path, fixed, "fixed.arch.yaml"))
    assert json.loads(result.output)["findings"] == []


def test_the_hover_of_a_consumer_at_the_average_gives_its_drain(tmp_path):
    from test_capacity import figures_of_text

    from archlint.views.estimate import component_lines

    figures = figures_of_text(tmp_path, QUEUED)
    [load_line] = [line for line in component_lines(figures, "worker") if line.startswith("- load")]
    # The same two figures as the estimate: 5k/s to keep up with, 10k/s drained at peak.
    assert load_line.startswith("- load 5k/s (average: fed by queues only; it drains up to 10k/s as messages come)")


# --- outputs: a link planted in a checkout is not followed out of its folder ------------

SMALL = "archlint: 1\nname: s\ncomponents:\n  api: {kind: service}\n"
PRECIOUS = '{"version": 1, "findings": []}\n'


def _planted(tmp_path, link_name):
    """A checkout holding a design and a link at `link_name` to a file outside it."""
    outside = tmp_path / "home"
    outside.mkdir()
    precious = outside / "precious.txt"
    precious.write_text(PRECIOUS)  # valid JSON: baseline refuses to replace anything else
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "d.arch.yaml").write_text(SMALL)
    (checkout / "compose.yaml").write_text("services:\n  web: {image: nginx}\n")
    (checkout / link_name).symlink_to(precious)
    return checkout, precious


@pytest.mark.parametrize("command, link_name", [
    (["diagram", "d.arch.yaml", "-f", "svg"], "d.svg"),          # the default picture path
    (["check", "d.arch.yaml", "--format", "sarif", "-o", "report.sarif"], "report.sarif"),
    (["baseline", "d.arch.yaml", "-o", "baseline.json"], "baseline.json"),
    (["init", "--force", "new.arch.yaml"], "new.arch.yaml"),
    (["import", "compose", "compose.yaml", "--force", "-o", "imported.arch.yaml"], "imported.arch.yaml"),
])
def test_a_link_to_a_file_outside_its_folder_is_not_written_through(tmp_path, command, link_name):
    from conftest import run_process

    checkout, precious = _planted(tmp_path, link_name)
    result = run_process(*command, cwd=checkout)
    # Before, `diagram d.arch.yaml -f svg` replaced home/precious.txt with the picture:
    # a pull request could plant d.svg -> ~/.bashrc for a CI job to overwrite.
    assert result.returncode == 2, result.stderr
    assert f"cannot write '{link_name}': it is a symbolic link to '{precious}'" in result.stderr
    assert precious.read_text() == PRECIOUS
    assert (checkout / link_name).is_symlink()


def test_a_link_to_a_file_beside_it_is_still_written_through(tmp_path):
    from conftest import run_process

    (tmp_path / "d.arch.yaml").write_text(SMALL)
    (tmp_path / "reports").mkdir()
    (tmp_path / "report.json").symlink_to("reports/latest.json")
    result = run_process("check", "d.arch.yaml", "--format", "json", "-o", "report.json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert (tmp_path / "report.json").is_symlink()
    assert json.loads((tmp_path / "reports" / "latest.json").read_text())["version"] == 1


# --- three designs a senior reviewer would pass, written in this session ----------------

TRIAL = ROOT / "tests" / "data" / "trial"


@pytest.mark.parametrize("name", ["wallet-ledger.arch.yaml", "video-pipeline.arch.yaml", "rfc-presence.md"])
def test_the_sessions_good_designs_check_clean(cli, name):
    # Each drew a false alarm or a wrong figure before this session's fixes: the relay in
    # its own flow (DAT007), Stripe unknown (INP013), Memorystore as one self-run node.
    result = cli("check", "--format", "json", str(TRIAL / name))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def _estimate_of(cli, name):
    result = cli("estimate", "--format", "json", str(TRIAL / name))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["designs"][0]


def test_the_wallet_ledgers_figures_by_hand(cli):
    design = _estimate_of(cli, "wallet-ledger.arch.yaml")
    db = next(c for c in design["components"] if c["id"] == "ledger-db")
    # Writes at peak: top-up 2M/day ÷ 86,400 s × 4 = 92.59/s, pay 4M/day ÷ 86,400 × 4 =
    # 185.19/s, and the relay's poll 6M/day ÷ 86,400 = 69.44/s (a background flow: no
    # peak factor): 347.22/s.
    assert abs(db["write_rps"] - (2e6 * 4 + 4e6 * 4 + 6e6) / 86400) < 1e-6
    assert abs(db["write_rps"] - 347.2222) < 1e-3
    [storage] = design["storage"]
    # (2M + 4M)/day ÷ 86,400 s × 1,000 B × 7 × 365 × 86,400 s = 6M × 1,000 × 2,555 B
    # = 1.533e13 B (15.3TB).
    assert abs(storage["total_bytes"] - 6e6 * 1000 * 7 * 365) < 1
    # Stripe's 100/s per account saturates first: 100 ÷ 92.59 = 1.08x today's load
    # (ledger-db's primary only at 2,000 ÷ 347.22 = 5.76x).
    assert design["saturates_first"] == {"id": "card-processor", "at_load_factor": 1.08}


def test_the_video_pipelines_queue_by_hand(cli):
    [queue] = _estimate_of(cli, "video-pipeline.arch.yaml")["queues"]
    # 500k/day ÷ 86,400 s = 5.787/s on average, × 3 = 17.361/s at peak. Averaged over the
    # 12h window, a 3h peak: 5.787 + (17.361 − 5.787) × 3 ÷ 12 = 8.681/s drained, and
    # (17.361 − 8.681) × 10,800 s = 93,750 messages left at the end of the peak.
    average = 500e3 / 86400
    assert abs(queue["drain_rps"] - (average + (3 * average - average) * 3 / 12)) < 1e-9
    assert abs(queue["backlog_messages"] - 93750) < 1e-6
    assert abs(queue["wait_seconds"] - 3 * 3600) < 1e-6
