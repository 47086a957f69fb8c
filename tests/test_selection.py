"""Rule selection: codes and prefixes, off-by-default rules, most specific selector wins."""

import pytest

from archlint.rules.metadata import RuleMeta
from archlint.run.engine import Selection, selector_problem

RES001 = RuleMeta("RES001", "missing-timeout", "warning", "")
RES002 = RuleMeta("RES002", "retry-storm", "warning", "")
OBS004 = RuleMeta("OBS004", "no-dashboards", "info", "", default_enabled=False)
ALL = [RES001, RES002, OBS004]


def enabled(selection: Selection) -> list[str]:
    return [meta.code for meta in ALL if selection.enabled(meta)]


@pytest.mark.parametrize(
    "selection, codes",
    [
        (Selection(), ["RES001", "RES002"]),
        (Selection(select=("RES001",)), ["RES001"]),
        (Selection(select=("RES",)), ["RES001", "RES002"]),
        (Selection(select=("OBS",)), []),  # a prefix never turns on an off-by-default rule
        (Selection(select=("OBS004",)), ["OBS004"]),
        (Selection(extend_select=("OBS004",)), ["RES001", "RES002", "OBS004"]),
        (Selection(ignore=("RES",)), []),
        (Selection(select=("RES",), ignore=("RES002",)), ["RES001"]),  # the code is more specific
        (Selection(select=("RES002",), ignore=("RES",)), ["RES002"]),
        (Selection(select=("RES001",), ignore=("RES001",)), []),  # a tie goes to ignore
        (Selection(select=("ALL",)), ["RES001", "RES002"]),
    ],
)
def test_selection(selection, codes):
    assert enabled(selection) == codes


def test_unknown_selector_suggests_a_code():
    known = ["RES001", "RES002", "OBS004"]
    assert selector_problem("RES", known) is None
    assert selector_problem("RES00", known) is None
    assert "did you mean 'RES001'?" in selector_problem("RES01", known)
    assert selector_problem("ALL", known) is None
