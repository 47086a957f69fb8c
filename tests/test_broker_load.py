"""A broker takes writes at the rate its producers publish, their peak; the consumer
behind it keeps up with the levelled rate (docs/language.md, "Queues level load").
One figure, `figures.loads`, feeds estimate, SCL001, ASY001, the review and the hover.
Figures computed by hand in the comments."""

import json

import pytest
from test_capacity import figures_of_text

from archlint.views.estimate import component_lines

# order: 1.5k/s × peak factor 4 = 6k/s at peak, for the default peak of 1h.
# api publishes 6k/s into orders: 1 Kafka partition × 5k/s (catalog rule of thumb) = 5k/s,
# 6k/s ÷ 5k/s = 120% (it used to be judged at the 1.5k/s average: 30%).
# billing keeps up with the 1.5k/s average on 2 replicas × 1k/s = 2k/s (75%) and
# drains min(2k/s, 6k/s) = 2k/s: (6k/s − 2k/s) × 3600 s = 14.4M messages at the end
# of the peak, which the last message waits 14.4M ÷ 2k/s = 7,200 s = 2h to leave.
PEAK = """\
archlint: 1
name: broker-peak
scale: {peak_factor: 4}
components:
  web: {kind: client, calls: [api]}
  api: {kind: service, capacity: 10k/s, publishes: [orders]}
  orders: {tech: kafka, queue: {partitions: 1}}
  billing:
    kind: worker
    replicas: 2
    capacity: 1k/s
    consumes: {orders: {idempotent: true}}
flows:
  order: {rate: 1.5k/s, type: write, steps: [web -> api -> orders -> billing]}
"""

# order: 600/s × 4 = 2.4k/s at peak. billing keeps up with the 600/s average on
# 2 × 400/s = 800/s (75%) and drains min(800/s, 2.4k/s) = 800/s, so it publishes
# 800/s into receipts, a stream with one consumer group (mailer): 800/s < 1k/s, the
# default ASY001.min_stream_rate. (The producer's unlevelled peak, 2.4k/s, is not what
# receipts receives.) mailer keeps up with the 600/s average and drains the 800/s.
LEVELLED = """\
archlint: 1
name: receipts
scale: {peak_factor: 4}
components:
  web: {kind: client, calls: [api]}
  api: {kind: service, capacity: 10k/s, publishes: [orders]}
  orders: {tech: sqs}
  billing:
    kind: worker
    replicas: 2
    capacity: 400/s
    consumes: {orders: {idempotent: true}}
    publishes: [receipts]
  receipts: {tech: kafka, queue: {partitions: 1}}
  mailer:
    kind: worker
    replicas: 2
    capacity: 2k/s
    consumes: {receipts: {idempotent: true}}
flows:
  order: {rate: 600/s, type: write, steps: [web -> api -> orders -> billing -> receipts -> mailer]}
"""


def run(cli, tmp_path, text, *args):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    return cli(*args[:1], str(path), *args[1:])


def test_a_broker_takes_its_producers_peak_and_its_consumer_the_average(tmp_path):
    loads = figures_of_text(tmp_path, PEAK).loads
    orders, billing = loads["orders"], loads["billing"]
    assert orders.total == pytest.approx(6000) and orders.limit == pytest.approx(5000)
    assert orders.utilisation == pytest.approx(1.2)
    assert not orders.at_average and not orders.levelled and orders.when == "at peak"
    assert billing.total == pytest.approx(1500) and billing.at_average
    assert billing.utilisation == pytest.approx(0.75)


def test_the_backlog_is_the_peak_the_consumer_cannot_drain(tmp_path):
    [backlog] = figures_of_text(tmp_path, PEAK).backlogs
    assert (backlog.inflow, backlog.drain) == (pytest.approx(6000), pytest.approx(2000))
    assert backlog.work == "(6k/s − 2k/s) × 1h = 14.4M messages"
    assert backlog.wait_work == "14.4M ÷ 2k/s = 2h"


def test_scl001_judges_the_broker_at_the_peak_estimate_prints(cli, tmp_path):
    result = run(cli, tmp_path, PEAK, "check", "--format", "json", "--select", "SCL001")
    [finding] = json.loads(result.stdout)["findings"]
    # 6k/s against the 5k/s rule of thumb: 1.2x, within the 10x margin: a warning.
    assert (finding["path"], finding["severity"]) == ("components.orders", "warning")
    assert finding["message"] == (
        "orders takes 6k/s at peak, above its capacity of 5k/s (1 partition × 5k/s = 5k/s); that capacity is "
        "assumed (a rule of thumb, not a measurement), and the load is 1.2x it, within the 10x margin of an "
        "estimate")
    # 6k/s ÷ 5k/s per partition = 1.2: 2 partitions.
    assert "set components.orders.queue.partitions to 2 (2 × 5k/s = 10k/s" in finding["hint"]


def test_estimate_review_and_hover_show_the_same_figure(cli, tmp_path):
    estimate = run(cli, tmp_path, PEAK, "estimate").stdout
    table = estimate.split("Load and capacity")[1].split("\n\n")[0]
    rows = {line.split()[0]: line.split() for line in table.splitlines()[1:] if line.strip()}
    assert rows["orders"][:4] == ["orders", "6k/s", "5k/s", "120%"]
    assert rows["billing"][:5] == ["billing", "1.5k/s", "(avg)", "2k/s", "75%"]
    data = json.loads(run(cli, tmp_path, PEAK, "estimate", "--format", "json").stdout)
    [orders] = [c for c in data["designs"][0]["components"] if c["id"] == "orders"]
    assert (orders["load_rps"], orders["at_average"], orders["utilisation"]) == (6000, False, pytest.approx(1.2))
    review = run(cli, tmp_path, PEAK, "review", "--max-length", "0").stdout
    assert "- above 70% of capacity at peak: billing, orders" in review
    hover = "\n".join(component_lines(figures_of_text(tmp_path, PEAK), "orders"))
    assert "6k/s" in hover and "(average" not in hover


def test_asy001_judges_what_the_producers_publish_behind_a_queue(cli, tmp_path):
    loads = figures_of_text(tmp_path, LEVELLED).loads
    assert loads["orders"].total == pytest.approx(2400)  # api's peak
    assert loads["billing"].total == pytest.approx(600) and loads["billing"].at_average
    assert loads["receipts"].total == pytest.approx(800) and loads["receipts"].levelled
    assert loads["mailer"].total == pytest.approx(600)
    result = run(cli, tmp_path, LEVELLED, "check", "--format", "json", "--select", "ASY001")
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["path"] == "components.receipts"
    assert finding["message"] == (
        "stream receipts has one consumer group (mailer) and a publish rate of 800/s (its producers publish as "
        "fast as they drain a queue before them), below 1k/s")


def test_asy001_judges_a_producer_at_its_peak(cli, tmp_path):
    # billing on 2 × 2k/s drains the whole 2.4k/s peak, and publishes it: 2.4k/s ≥ 1k/s.
    text = LEVELLED.replace("capacity: 400/s", "capacity: 2k/s")
    assert figures_of_text(tmp_path, text).loads["receipts"].total == pytest.approx(2400)
    result = run(cli, tmp_path, text, "check", "--format", "json", "--select", "ASY001")
    assert json.loads(result.stdout)["findings"] == []
    # At a 100/s rate (400/s peak, drained as it comes), the peak is what it judges.
    slow = text.replace("rate: 600/s", "rate: 100/s")
    result = run(cli, tmp_path, slow, "check", "--format", "json", "--select", "ASY001")
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["message"] == "stream receipts has one consumer group (mailer) and a peak publish rate of 400/s, " \
                                 "below 1k/s"
