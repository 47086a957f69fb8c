"""Rule precision (issue 16): what the changed rules tell the user, beyond their fixtures
(tests/rules/<CODE>/): the way out each hint names, and the deadline RES005 applies."""

from pathlib import Path

from archlint.catalog import load_catalog
from archlint.run.engine import Selection
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings

RULES = Path(__file__).resolve().parent / "rules"


def _findings(path: Path, code: str):
    settings = FileSettings(selection=Selection(select=(code,)))
    return [f for f in check_file(str(path), path.name, settings, load_catalog()).findings if f.code == code]


def test_asy002_hint_shows_the_suppression_with_a_reason():
    finding = _findings(RULES / "ASY002" / "bad.arch.yaml", "ASY002")[0]
    assert 'components.jobs.lint.ignore: {ASY002: "<why losing it is fine>"}' in finding.hint


def test_dat003_hint_shows_the_suppression_with_a_reason():
    finding = _findings(RULES / "DAT003" / "bad.arch.yaml", "DAT003")[0]
    assert "lint.ignore: {DAT003: \"<where the data is rebuilt from>\"}" in finding.hint


def test_cac003_says_how_to_state_ephemeral_data():
    held, written = _findings(RULES / "CAC003" / "bad-ephemeral-false.arch.yaml", "CAC003")
    for finding in (held, written):
        assert "components.sessions.cache.ephemeral: true if losing it is acceptable by nature" in finding.hint


def test_dat005_says_an_unknown_broker_counts_as_self_run():
    (finding,) = _findings(RULES / "DAT005" / "bad-unknown-broker.arch.yaml", "DAT005")
    assert finding.message == ("queue jobs keeps 1 copy (no replication factor, 1 instance; no tech is named, "
                               "so it counts as self-run), fewer than 2")
    assert finding.hint.endswith("or set components.jobs.managed: true if a provider runs it and keeps the copies")


def test_res005_names_the_caller_and_flow_whose_deadline_applies():
    (finding,) = _findings(RULES / "RES005" / "bad-flow-deadline.arch.yaml", "RES005")
    assert finding.message == ("api may wait 300ms x 2 attempts = 600ms on search, longer than api's own 500ms "
                               "deadline (the timeout gw gives it on flow 'find')")
