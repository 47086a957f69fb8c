"""A new user's and a hostile reviewer's session: trust problems found by running
archlint on designs written from scratch, each pinned through what a user runs, the
figures worked out by hand in the comments."""

import json


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
