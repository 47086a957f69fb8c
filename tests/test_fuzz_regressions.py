"""The bugs the fuzzer found (tests/test_fuzz.py), each kept as the smallest input
that showed it, with what a user now sees instead of a traceback or a crashed rule."""

from __future__ import annotations

import json

import pytest
from conftest import check_text, codes_at

HEAD = "archlint: 1\nname: regressions\ncomponents:\n"


@pytest.mark.parametrize("value, code, message", [
    ("1" + "0" * 5000, "INP012", "components.api.replicas: inf is too large: a count goes up to 1e18;"),
    ("-" + "9" * 5000, "INP011", "components.api.replicas: must be 1 or more (got -inf)"),
])
def test_an_integer_of_5000_digits_is_a_finding(tmp_path, value, code, message):
    # Python refuses to convert more than 4,300 digits: the loader raised ValueError.
    (finding,) = check_text(tmp_path, HEAD + f"  api: {{kind: service, replicas: {value}}}\n")
    assert codes_at([finding]) == [(code, 4, 24)]
    assert finding.message.startswith(message)


@pytest.mark.parametrize("field, value, code", [
    ("replicas", "1" + "0" * 400, "INP012"),  # an int past float's range: OverflowError in units
    ("replicas", "'1" + "0" * 400 + "'", "INP012"),  # the same as text: int(inf) in the model
    ("availability", "1" + "0" * 400, "INP012"),
    ("latency_p99", "1" + "0" * 400 + "ms", "INP012"),
    ("capacity", "1" + "0" * 400 + "/s", "INP012"),
])
def test_a_number_past_float_range_is_a_finding(tmp_path, field, value, code):
    (finding,) = check_text(tmp_path, HEAD + f"  api:\n    kind: service\n    {field}: {value}\n")
    assert (finding.code, finding.line, finding.column) == (code, 6, 5)


def test_a_peak_factor_past_float_range_in_the_ratio(tmp_path):
    text = "archlint: 1\nname: r\nscale: {read_write_ratio: " + "9" * 400 + "}\ncomponents: {a: {kind: service}}\n"
    (finding,) = check_text(tmp_path, text)
    assert codes_at([finding]) == [("INP012", 3, 9)]
    assert "is too large: a ratio goes up to 1e18;" in finding.message


def test_a_file_cut_without_a_final_newline_points_at_its_last_line(tmp_path):
    # libyaml puts the end of input on the line after the last one, which does not exist.
    (finding,) = check_text(tmp_path, HEAD + "  api: {kind: service, calls: [a")
    assert codes_at([finding]) == [("INP002", 4, 33)]  # just after its last character


def test_an_unclosed_markdown_fence_points_inside_the_file(tmp_path):
    text = "# RFC\n\n```archlint\n" + HEAD + "  api: {kind: [service"
    (finding,) = check_text(tmp_path, text, name="rfc.md")
    assert codes_at([finding]) == [("INP002", 7, 23)]


def test_a_capacity_of_zero_is_refused(tmp_path):
    # SCL001 and SCL002 divided by it (ENG001) and estimate's text report raised TypeError.
    text = HEAD + "  api: {kind: service, capacity: 0/s}\n  db: {kind: database, capacity: {read: 5/s, write: 0/day}}\n"
    findings = check_text(tmp_path, text)
    assert codes_at(findings) == [("INP011", 4, 24), ("INP011", 5, 24)]
    assert findings[0].message == (
        "components.api.capacity: a capacity of 0/s serves nothing; write what one replica carries, e.g. 500/s"
    )


def test_quantities_past_what_the_figures_can_multiply_are_refused(tmp_path):
    # A peak factor of 1e300 times 999B/s overflowed to infinity: SCL001 crashed turning
    # it into a replica count (ENG001) and estimate's JSON held Infinity, which is not JSON.
    text = (HEAD.replace("components:\n", "scale: {peak_factor: 1e300}\ncomponents:\n")
            + "  web: {kind: client, calls: [api]}\n  api: {kind: service, capacity: 0.0000000000001/s}\n")
    findings = check_text(tmp_path, text)
    assert [(f.code, f.line, f.message) for f in findings] == [
        ("INP012", 3, "scale.peak_factor: 1e+300 is too large: a count goes up to 1e18; write a number with an "
                      "optional k, M or B suffix (6, 100k, 20M, 1.5B)"),
        ("INP012", 6, "components.api.capacity: '0.0000000000001/s' is too small: a rate other than 0 is at least "
                      "1e-12/s; write a count per period: 1000/s, 2k/min, 50/h, 100M/day, 10B/month, or 300 rps"),
    ]


def test_a_what_if_load_past_a_million_times_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "design.arch.yaml"
    path.write_text(HEAD + "  api: {kind: service}\n")
    result = cli("estimate", str(path), "--load", "1e300x")
    assert result.exit_code == 2
    assert "'1e300x' is out of range; write a multiple from 0.000001x to 1000000x" in result.output


def test_estimate_json_writes_null_for_a_figure_that_is_not_finite():
    from archlint.views.estimate import render_json

    text = render_json([{"flows": [{"peak_rps": float("inf"), "average_rps": float("nan"), "work": "x"}]}])

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON report")

    assert json.loads(text, parse_constant=refuse) == {
        "version": 1, "designs": [{"flows": [{"peak_rps": None, "average_rps": None, "work": "x"}]}]
    }


def test_a_stream_larger_than_the_limit_is_refused(tmp_path):
    # A device or pipe has no size to check first; it is read up to the limit only.
    from archlint.catalog import load_catalog
    from archlint.input.load import Limits
    from archlint.run.pipeline import check_file
    from archlint.run.settings import FileSettings

    result = check_file("/dev/zero", "zero", FileSettings(limits=Limits(max_file_size=1000), run_rules=False),
                        load_catalog())
    assert [(f.code, f.message) for f in result.findings] == [
        ("INP005", "the file holds more than the 1KB limit (limit max-file-size)")
    ]


def test_an_absurd_copy_count_is_capped_not_allocated(tmp_path):
    """replication_factor 1e15 once made the zone split build a list of 1e15 items."""
    from archlint.catalog import load_catalog
    from archlint.run.pipeline import check_file, design_terms
    from archlint.run.settings import FileSettings

    path = tmp_path / "d.arch.yaml"
    path.write_text(
        "archlint: 1\nname: big\ncomponents:\n"
        "  web: {kind: client, calls: [api]}\n"
        "  api: {kind: service, replicas: 1000000000000000, zones: 1000000000000000}\n"
        "flows:\n  f: {rate: 1/s, steps: [web -> api]}\n"
    )
    settings = FileSettings(run_rules=False)
    result = check_file(str(path), "d.arch.yaml", settings, load_catalog())
    design = result.designs[0]
    figures = design_terms(design.design, design.graph, load_catalog(), settings, design.block.data).figures
    part = figures.component_availability("api")
    assert part.value is not None and "copies counted up to 1000" in part.work


def test_a_cache_that_states_replication_keeps_its_copies(tmp_path):
    """Found writing a design from scratch: a Redis primary with one replica in two zones
    was counted as one copy in one zone (AVL006 error on a sound design)."""
    from archlint.catalog import load_catalog
    from archlint.run.pipeline import check_file, design_terms
    from archlint.run.settings import FileSettings

    path = tmp_path / "d.arch.yaml"
    path.write_text(
        "archlint: 1\nname: c\ncomponents:\n"
        "  web: {kind: client, calls: [cache]}\n"
        "  cache: {tech: redis, replication: {replicas: 1}, zones: 2}\n"
        "flows:\n  f: {rate: 1/s, steps: [web -> cache]}\n"
    )
    settings = FileSettings(run_rules=False)
    design = check_file(str(path), "d.arch.yaml", settings, load_catalog()).designs[0]
    part = design_terms(design.design, design.graph, load_catalog(), settings, design.block.data).figures \
        .component_availability("cache")
    # two copies, one per zone: 1 − (1 − 0.9995 × 0.995)² = 1 − 0.0054975² = 0.99996978
    assert part.work.startswith("2 copies in 2 zones")
    assert abs(part.value - 0.99996978) < 1e-8
