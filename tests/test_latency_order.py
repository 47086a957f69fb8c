"""A flow's p99 (docs/language.md, "Latency"): calls in separate steps add up, a
parallel group takes its slowest, branches under 1% of requests cannot set the p99,
and a fail-open call adds at most timeout x attempts. Figures computed by hand."""

import pytest
from conftest import run_process

from archlint.catalog import load_catalog
from archlint.run.pipeline import check_file, design_terms
from archlint.run.settings import FileSettings

# Every p99 is stated, so the arithmetic is the design's: api 10ms, psp 300ms, db 20ms,
# fraud 50ms, rare 5s, backup 40ms.
HEAD = """\
archlint: 1
name: checkout
requirements: {latency_p99: 500ms}
components:
  web: {kind: client, calls: [api]}
  api:
    kind: service
    latency_p99: 10ms
    calls:
      psp: {timeout: 1s}
      db: {timeout: 100ms}
      rare: {timeout: 10s}
      fraud: {timeout: 30ms, retries: {max: 1, backoff: exponential, jitter: true}, critical: false, fallback: backup}
      backup: {timeout: 100ms}
  psp: {kind: external, latency_p99: 300ms}
  db: {kind: database, latency_p99: 20ms}
  fraud: {kind: service, latency_p99: 50ms}
  rare: {kind: external, latency_p99: 5s}
  backup: {kind: service, latency_p99: 40ms}
flows:
  pay:
    rate: 10/s
    type: write
    steps:
"""


def latency(tmp_path, *steps):
    path = tmp_path / "d.arch.yaml"
    path.write_text(HEAD + "".join(f"      {step}\n" for step in steps))
    settings = FileSettings(run_rules=False)
    result = check_file(str(path), path.name, settings, load_catalog())
    assert result.findings == [], [f"{f.line}:{f.column} {f.code} {f.message}" for f in result.findings]
    design = result.designs[0]
    return design_terms(design.design, design.graph, load_catalog(), settings, design.block.data).figures.latency["pay"]


def test_calls_in_separate_steps_add_up(tmp_path):
    flow = latency(tmp_path, "- web -> api -> psp", "- api -> db")
    assert flow.value == pytest.approx(0.010 + 0.300 + 0.020)  # 330ms: the psp, then the database
    assert flow.work == "web 0ms + api 10ms + psp 300ms + db 20ms"


def test_a_parallel_group_takes_its_slowest(tmp_path):
    flow = latency(tmp_path, "- web -> api", "- parallel: [api -> psp, api -> db]")
    assert flow.value == pytest.approx(0.010 + 0.300)  # max(300ms, 20ms)
    assert flow.work == "web 0ms + api 10ms + max(psp 300ms, db 20ms)"


def test_a_group_then_a_step(tmp_path):
    flow = latency(tmp_path, "- web -> api", "- parallel: [api -> psp, api -> db]", "- api -> backup")
    assert flow.value == pytest.approx(0.010 + 0.300 + 0.040)


def test_a_branch_under_one_percent_cannot_set_the_p99(tmp_path):
    flow = latency(tmp_path, "- web -> api -> db", "- api -> rare: 0.001%")
    assert flow.value == pytest.approx(0.030)  # not 5.03s: 0.001% of requests
    assert flow.left_out == ["api -> rare (0.001%)"]


def test_a_branch_at_one_percent_counts(tmp_path):
    flow = latency(tmp_path, "- web -> api -> db", "- api -> rare: 1%")
    assert flow.value == pytest.approx(0.010 + 0.020 + 5.0)
    assert flow.left_out == []


def test_a_fail_open_call_adds_at_most_timeout_times_attempts_plus_its_fallback(tmp_path):
    # fraud's 50ms p99 is past its 30ms timeout: 2 attempts x 30ms = 60ms, then the
    # fallback component backup (40ms): min(50ms, 60ms + 40ms) = 50ms here...
    flow = latency(tmp_path, "- web -> api -> fraud")
    assert flow.value == pytest.approx(0.010 + 0.050)
    # ...and with fraud at 500ms, the bound holds: 10ms + 60ms + 40ms = 110ms.
    path_text = HEAD.replace("fraud: {kind: service, latency_p99: 50ms}", "fraud: {kind: service, latency_p99: 500ms}")
    path = tmp_path / "slow.arch.yaml"
    path.write_text(path_text + "      - web -> api -> fraud\n")
    settings = FileSettings(run_rules=False)
    result = check_file(str(path), path.name, settings, load_catalog())
    design = result.designs[0]
    slow = design_terms(design.design, design.graph, load_catalog(), settings,
                        design.block.data).figures.latency["pay"]
    assert slow.value == pytest.approx(0.010 + 2 * 0.030 + 0.040)
    assert slow.work == "web 0ms + api 10ms + min(fraud 500ms, 30ms × 2 attempts + backup 40ms) fail-open"


def test_estimate_and_lat001_show_the_work(tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(HEAD.replace("latency_p99: 500ms}", "latency_p99: 200ms}")
                    + "      - web -> api -> psp\n      - api -> db\n")
    out = run_process("estimate", str(path)).stdout
    assert "pay: 330ms against a target of 200ms (over it) = web 0ms + api 10ms + psp 300ms + db 20ms" in out
    check = run_process("check", "--select", "LAT001", str(path)).stdout
    assert "flow 'pay' takes 330ms at p99 (web 0ms + api 10ms + psp 300ms + db 20ms), over its 200ms target" in check
