"""Queues level load (issue 15, point 3; docs/language.md, "Queues level load"): a
consumer must keep up with the arrival averaged over its queue's smoothing window (the
average without one), drains the lower of its capacity and that arrival (the peak
without a window), and what it calls sees the drain rate; the backlog at the end of the
peak is (peak − drain) × scale.peak_duration. Figures computed by hand."""

import json

import pytest
from test_capacity import figures_of_text

# 100/s at peak factor 3 = 300/s for 2h; notifier: 2 × 100/s (worker default) = 200/s.
DESIGN = """\
archlint: 1
name: signup
scale: {{peak_factor: 3{duration}}}
components:
  api: {{kind: service, autoscaling: {{min: 2, max: 10}}, publishes: [emails]}}
  emails: {{tech: sqs, queue: {{max_depth: 500k, dlq: false{window}}}}}
  notifier:
    kind: worker
    replicas: {replicas}
    consumes: {{emails: {{idempotent: true}}}}
    calls: {{email-provider: {{timeout: 2s}}}}
  email-provider: {{kind: {provider}, replicas: 2}}
flows:
  signup:
    rate: 100/s
    type: write
    steps: [api -> emails -> notifier -> email-provider]
"""


def design(duration=", peak_duration: 2h", window="", replicas=2, provider="external"):
    return DESIGN.format(duration=duration, window=window, replicas=replicas, provider=provider)


def check(cli, tmp_path, text, select="ASY008,SCL001,SCL005"):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    result = cli("check", str(path), "--format", "json", "--select", select)
    return json.loads(result.stdout)["findings"]


def test_a_consumer_smaller_than_the_peak_levels_what_it_calls(tmp_path):
    figures = figures_of_text(tmp_path, design())
    loads = figures.loads
    # emails takes what api publishes, at its peak: 100/s × 3 = 300/s. notifier must keep
    # up with the 100/s average (the queue holds the rest of the peak).
    assert loads["emails"].demand == pytest.approx(300) and not loads["emails"].at_average
    assert not loads["emails"].levelled
    assert loads["notifier"].demand == pytest.approx(100) and loads["notifier"].at_average
    # notifier drains min(200/s, 300/s) = 200/s: the provider sees 200/s, not 300/s.
    provider = loads["email-provider"]
    assert provider.total == pytest.approx(200) and provider.levelled and not provider.at_average
    [backlog] = figures.backlogs
    assert (backlog.broker, backlog.consumer) == ("emails", "notifier")
    assert (backlog.inflow, backlog.drain) == (pytest.approx(300), pytest.approx(200))
    # (300 − 200) × 7200 s = 720,000 messages; the last waits 720,000 ÷ 200 = 3,600 s.
    assert backlog.messages == pytest.approx(720_000) and backlog.wait == pytest.approx(3600)
    assert backlog.work == "(300/s − 200/s) × 2h = 720k messages"
    assert backlog.wait_work == "720k ÷ 200/s = 1h"


def test_the_backlog_above_max_depth_is_reported(cli, tmp_path):
    [finding] = check(cli, tmp_path, design(), select="ASY008")
    assert (finding["code"], finding["severity"], finding["path"]) == \
        ("ASY008", "warning", "components.emails.queue.max_depth")
    assert finding["message"] == (
        "queue emails holds (300/s − 200/s) × 2h = 720k messages for notifier at the end of the peak (notifier "
        "drains at its capacity, below the arrival), above its queue.max_depth of 500k: producers are pushed "
        "back or messages dropped")
    assert finding["hint"].startswith("raise components.emails.queue.max_depth to at least 720k")


def test_peak_duration_defaults_to_an_hour(cli, tmp_path):
    # (300 − 200) × 3,600 s = 360,000 messages: fits in 500k.
    [backlog] = figures_of_text(tmp_path, design(duration="")).backlogs
    assert backlog.messages == pytest.approx(360_000) and backlog.duration == 3600
    assert check(cli, tmp_path, design(duration=""), select="ASY008") == []


def test_a_smoothing_window_averages_the_arrival(tmp_path):
    # 100 + (300 − 100) × 2h ÷ 6h = 166.67/s, below notifier's 200/s: its load and its drain.
    figures = figures_of_text(tmp_path, design(window=", smoothing_window: 6h"))
    assert figures.loads["notifier"].demand == pytest.approx(500 / 3)
    assert figures.loads["notifier"].levelled
    assert figures.loads["email-provider"].total == pytest.approx(500 / 3)
    [backlog] = figures.backlogs
    # (300 − 166.67) × 7,200 s = 960,000 messages; 960,000 ÷ 166.67/s = 5,760 s = 1.6h.
    assert backlog.messages == pytest.approx(960_000) and backlog.wait == pytest.approx(5760)
    assert backlog.drains_at == ("the arrival averaged over the 6h smoothing window: "
                                 "100/s + (300/s − 100/s) × 2h ÷ 6h = 167/s")


def test_a_window_no_longer_than_the_peak_asks_the_consumer_for_the_peak(cli, tmp_path):
    # A 1h window inside a 2h peak holds nothing but the peak: notifier must take 300/s
    # with 200/s (1.5x its rule-of-thumb capacity: a warning), and drains 200/s.
    text = design(window=", smoothing_window: 1h")
    figures = figures_of_text(tmp_path, text)
    assert figures.loads["notifier"].demand == pytest.approx(300)
    assert figures.loads["email-provider"].total == pytest.approx(200)
    [finding] = check(cli, tmp_path, text, select="SCL001")
    assert finding["message"].startswith("notifier takes 300/s as a queue levels it, "
                                         "above its capacity of 200/s")


def test_a_consumer_with_capacity_to_spare_passes_the_peak_on(cli, tmp_path):
    # 4 × 100/s = 400/s drains the 300/s peak as it comes: no backlog, provider at peak.
    figures = figures_of_text(tmp_path, design(replicas=4))
    assert figures.loads["email-provider"].total == pytest.approx(300)
    assert not figures.loads["email-provider"].levelled
    [backlog] = figures.backlogs
    assert backlog.messages == 0 and backlog.drain == pytest.approx(300)


def test_queues_in_series(tmp_path):
    # w1 (1 × 100/s) drains 100/s of the 300/s peak; q2 gets 100/s, no more than the
    # average, so w2 (2 × 100/s) keeps up and ext sees 100/s.
    text = """\
archlint: 1
name: series
scale: {peak_factor: 3, peak_duration: 2h}
components:
  api: {kind: service, autoscaling: {min: 2, max: 10}, publishes: [q1]}
  q1: {tech: sqs}
  w1: {kind: worker, consumes: {q1: {}}, publishes: [q2]}
  q2: {tech: sqs}
  w2: {kind: worker, replicas: 2, consumes: {q2: {}}, calls: {ext: {timeout: 1s}}}
  ext: {kind: external}
flows:
  f:
    rate: 100/s
    type: write
    steps: [api -> q1 -> w1 -> q2 -> w2 -> ext]
"""
    figures = figures_of_text(tmp_path, text)
    assert figures.loads["ext"].total == pytest.approx(100)
    backlogs = {(b.broker, b.consumer): b for b in figures.backlogs}
    # (300 − 100) × 7,200 s = 1.44M messages in q1; none in q2.
    assert backlogs[("q1", "w1")].messages == pytest.approx(1_440_000) and backlogs[("q1", "w1")].capped
    assert backlogs[("q2", "w2")].messages == 0


@pytest.mark.parametrize("replicas, reported", [(2, False), (4, True)])
def test_a_service_behind_a_levelling_queue_needs_no_autoscaling(cli, tmp_path, replicas, reported):
    # Peak factor 3 is spiky (SCL005), but a provider behind a notifier that drains
    # 200/s of the 300/s peak never sees the spike; one behind 4 replicas does.
    found = check(cli, tmp_path, design(replicas=replicas, provider="service"), select="SCL005")
    assert [f["path"] for f in found if f["path"] == "components.email-provider"] == \
        (["components.email-provider"] if reported else [])


def test_estimate_prints_the_queues_with_their_arithmetic(cli, tmp_path):
    path = tmp_path / "d.arch.yaml"
    path.write_text(design())
    out = cli("estimate", str(path)).stdout
    assert "email-provider  200/s (levelled)" in out
    assert ("emails -> notifier  (300/s − 200/s) × 2h = 720k messages  720k ÷ 200/s = 1h  "
            "max_depth 500k (over), retention 4d  200/s: its capacity, below the arrival") in out
    data = json.loads(cli("estimate", str(path), "--format", "json").stdout)
    [queue] = data["designs"][0]["queues"]
    assert (queue["backlog_messages"], queue["wait_seconds"], queue["max_depth"]) == \
        (pytest.approx(720_000), pytest.approx(3600), 500_000)


def test_diff_shows_the_backlog_a_change_removes(cli, tmp_path):
    # 3 × 100/s = 300/s drains the 300/s peak: 720k messages -> 0; notifier's load,
    # the 100/s average, goes from 100/200 = 50% to 100/300 = 33.33% of its capacity.
    old, new = tmp_path / "old.arch.yaml", tmp_path / "new.arch.yaml"
    old.write_text(design())
    new.write_text(design(replicas=3))
    out = cli("diff", str(old), str(new)).stdout
    assert "| queue backlog | `emails -> notifier` | 720k messages | 0 messages |" in out
    assert "| utilisation | `notifier` | 50% | 33.33% |" in out


def test_the_hover_on_a_queue_shows_its_backlog(tmp_path):
    from archlint.views.estimate import component_lines

    figures = figures_of_text(tmp_path, design())
    assert ("- backlog for notifier at the end of the peak: (300/s − 200/s) × 2h = 720k messages; "
            "the last message waits 720k ÷ 200/s = 1h") in component_lines(figures, "emails")
    assert "- load 200/s (levelled: behind a queue); capacity unbounded: no per-replica cap" in \
        "\n".join(component_lines(figures, "email-provider"))
