"""`archlint diff`: two versions of a design, or a file against a git revision."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES

GOOD = EXAMPLES / "url-shortener.arch.yaml"
NAIVE = EXAMPLES / "url-shortener-naive.arch.yaml"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_markdown_names_components_edges_figures_and_findings(cli):
    result = cli("diff", str(GOOD), str(NAIVE))
    assert result.exit_code == 1, result.stderr  # new errors: the change makes the design worse
    out = result.stdout
    assert out.startswith("## archlint diff: `examples/url-shortener.arch.yaml` → "
                          "`examples/url-shortener-naive.arch.yaml`\n\n### ⚠️ Targets lowered\n\n"
                          "- **availability target of the design removed (was 99.95%)** (`requirements.availability`)\n"
                          "- **p99 latency target of the design removed (was 100ms)** (`requirements.latency_p99`)\n\n"
                          "### Design 0: url-shortener → url-shortener-naive\n")
    assert "**22 new findings, 0 fixed**; flows: +0 −0 ~2; components: +3 −6 ~1; edges: +5 −6." in out  # + AVL001
    for added in ("new-urls", "url-writer", "urls-db"):
        assert f"- added `{added}`\n" in out
    for removed in ("analytics-worker", "clicks", "clicks-dlq", "edge", "url-cache", "url-db"):
        assert f"- removed `{removed}`\n" in out
    assert "- `api.autoscaling`: `{min: 3, max: 30}` → (unset)\n" in out
    assert "- `api.tech`: `go` → `node`\n" in out
    assert "- `shorten.rate`: `100M/month` → `20/s`\n" in out
    assert "- added `new-urls` → `url-writer` (consume)\n" in out
    assert "- removed `api` → `url-cache` (call)\n" in out
    assert "| peak load | `redirect` | 11.6k/s | 4k/s |\n" in out
    # naive: api and urls-db one copy each in one zone, one region: (99.95% × 99.5%)² × 99.99% = 98.89%
    assert "| availability | `redirect` | 99.976% | 98.89% |\n" in out
    # api's 4.04k/s is 5.05x its rule-of-thumb 800/s: within the 10x margin, a warning
    assert "- **warning SCL001** `components.api` (" in out
    assert "- **error SEC001** `components.api` (" in out
    # errors come first among the new findings
    new = out.split("#### New findings\n\n", 1)[1].splitlines()
    assert [line.split("**")[1].split()[0] for line in new if line][:2] == ["error", "warning"]


def test_the_other_way_round_the_findings_are_fixed(cli):
    out = cli("diff", str(NAIVE), str(GOOD)).stdout
    assert "**0 new findings, 22 fixed**" in out
    assert "#### Fixed findings" in out and "#### New findings" not in out
    assert "- added `url-cache`\n" in out


def test_json_format(cli):
    result = cli("diff", str(GOOD), str(NAIVE), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    design = data["designs"][0]
    assert (design["old_design"], design["new_design"]) == ("url-shortener", "url-shortener-naive")
    assert design["components"]["added"] == ["new-urls", "url-writer", "urls-db"]
    assert {"from": "browser", "kind": "calls", "to": "api"} in design["edges"]["added"]
    assert len(design["findings"]["new"]) == 22 and design["findings"]["fixed"] == []
    assert {"code": "SEC001", "severity": "error", "path": "components.api"}.items() <= \
        design["findings"]["new"][0].items()
    assert {"code": "SCL001", "severity": "warning", "path": "components.api"} in \
        [{key: f[key] for key in ("code", "severity", "path")} for f in design["findings"]["new"]]
    peak = next(f for f in design["figures"] if f["figure"] == "peak load" and f["subject"] == "redirect")
    assert peak["unit"] == "rps" and peak["after"] == pytest.approx(4000, rel=0.01)


def test_same_design_moved_lines_reports_no_change(cli, tmp_path):
    """Findings are matched by code and path: a reordered file changes nothing."""
    text = NAIVE.read_text(encoding="utf-8")
    moved = tmp_path / "moved.arch.yaml"
    moved.write_text("# a comment that shifts every line\n\n" + text, encoding="utf-8")
    out = cli("diff", str(NAIVE), str(moved)).stdout
    assert out.endswith("No change in requirements, flows, components, edges, figures or findings.\n")


SHOP = """\
archlint: 1
name: shop
requirements: {availability: 99.9%, latency_p99: 300ms}
scale: {peak_factor: 1}
components:
  web: {kind: client, calls: [api]}
  api:
    kind: service
    capacity: 1000/s
    calls:
      payments: {timeout: 3s, retries: {max: 2}}
  payments: {kind: external}
flows:
  checkout:
    rate: 500/s
    type: write
    availability: 99.95%
    steps: [web -> api -> payments]
"""


def _shop_diff(cli, tmp_path, *replacements: tuple[str, str], fmt: str = "markdown", exit_code: int = 0) -> str:
    new = SHOP
    for before, after in replacements:
        new = new.replace(before, after)
    (tmp_path / "old.arch.yaml").write_text(SHOP)
    (tmp_path / "new.arch.yaml").write_text(new)
    result = cli("diff", str(tmp_path / "old.arch.yaml"), str(tmp_path / "new.arch.yaml"), "--format", fmt)
    assert result.exit_code == exit_code, result.stderr
    return result.stdout


def test_a_relaxed_target_is_called_out_at_the_top(cli, tmp_path):
    # Raising the p99 target from 300ms to 1s silences LAT001 (320ms = api 20ms +
    # payments 300ms): the diff must say the goal moved, before anything else.
    out = _shop_diff(cli, tmp_path, ("latency_p99: 300ms", "latency_p99: 1s"),
                     ("availability: 99.95%", "availability: 99.8%"))
    assert out.split("\n\n")[1:3] == [
        "### ⚠️ Targets lowered",
        "- **p99 latency target of the design raised from 300ms to 1s** (`requirements.latency_p99`)\n"
        "- **availability target of flow checkout lowered from 99.95% to 99.8%** (`flows.checkout.availability`)",
    ]
    assert "- `checkout.availability`: `99.95%` → `99.8%`\n" in out
    assert "- **error LAT001** `flows.checkout`" in out.split("#### Fixed findings", 1)[1]
    data = json.loads(_shop_diff(cli, tmp_path, ("availability: 99.95%", "availability: 99.99%"),
                                 ("    availability: 99.8%\n", ""), fmt="json"))
    assert data["targets_lowered"] == []  # a stricter target is not a lowered one
    # AVL006 moves from the flow's own target to the flow (the design's target now
    # applies): an error at a new place, so exit 1.
    dropped = json.loads(_shop_diff(cli, tmp_path, ("    availability: 99.95%\n", ""), fmt="json", exit_code=1))
    assert [(f["code"], f["path"]) for f in dropped["designs"][0]["findings"]["new"]] == [
        ("AVL006", "flows.checkout")]
    assert [t["text"] for t in dropped["targets_lowered"]] == [
        "availability target of flow checkout removed (was 99.95%)"]


def test_flows_are_compared_and_figures_are_never_capped(cli, tmp_path):
    # 1544/s at peak factor 1 on a capacity of 1000/s: 154% (was 500/1000 = 50%).
    out = _shop_diff(cli, tmp_path, ("rate: 500/s", "rate: 1544/s"), ("type: write", "type: read"),
                     ("  checkout:\n", "  browse:\n    rate: 10/s\n    steps: [web -> api]\n  checkout:\n"),
                     exit_code=1)
    # New: SCL001 on api, AVL006 on browse (api alone, 99.45%, under 99.9%); fixed:
    # RES003 (checkout is no longer a write flow).
    assert "**2 new findings, 1 fixed**; flows: +1 −0 ~1;" in out
    assert "- added `browse`\n" in out
    assert "- `checkout.rate`: `500/s` → `1544/s`\n- `checkout.type`: `write` → `read`\n" in out
    assert "| utilisation | `api` | 50% | 155% |\n" in out
    data = json.loads(_shop_diff(cli, tmp_path, ("rate: 500/s", "rate: 1544/s"), fmt="json", exit_code=1))
    utilisation = next(f for f in data["designs"][0]["figures"] if f["figure"] == "utilisation")
    assert (utilisation["before"], utilisation["after"]) == (0.5, 1.544)


def test_nested_changes_are_listed_field_by_field_in_the_authors_units(cli, tmp_path):
    out = _shop_diff(cli, tmp_path, ("timeout: 3s", "timeout: 1.5s"), ("max: 2}", "max: 2, backoff: exponential}"),
                     ("calls: [api]", "calls: {api: {timeout: 2s}}"))
    assert "- `api.calls.payments.retries.backoff`: (unset) → `exponential`\n" in out
    assert "- `api.calls.payments.timeout`: `3s` → `1.5s`\n" in out
    assert "- `web.calls.api.timeout`: (unset) → `2s`\n" in out  # a listed call given a timeout
    data = json.loads(_shop_diff(cli, tmp_path, ("timeout: 3s", "timeout: 1.5s"), fmt="json"))
    assert data["designs"][0]["components"]["changed"] == [
        {"id": "api", "fields": [{"field": "calls.payments.timeout", "before": "3s", "after": "1.5s"}]}]


def _rfc(*blocks: str) -> str:
    return "# RFC\n\n" + "".join(
        f"```{info}\narchlint: 1\nname: {name}\ncomponents:\n  {cid}: {{kind: service}}\n```\n\n"
        for info, name, cid in (block.split() for block in blocks))


def test_markdown_blocks_pair_by_design_name_then_position(cli, tmp_path):
    (tmp_path / "old.md").write_text(_rfc("archlint orders api", "archlint billing ledger", "archlint legacy old"))
    # billing moved first and kept its name; orders became orders-v2; legacy is gone.
    (tmp_path / "new.md").write_text(_rfc("archlint billing ledger", "archlint orders-v2 api"))
    out = cli("diff", str(tmp_path / "old.md"), str(tmp_path / "new.md")).stdout
    titles = [line for line in out.splitlines() if line.startswith("### Design")]
    assert titles == ["### Design 0: billing", "### Design 1: orders → orders-v2", "### Design 2: legacy (removed)"]
    billing = out.split("### Design 0: billing\n\n", 1)[1].split("###", 1)[0]
    assert billing == "No change in requirements, flows, components, edges, figures or findings.\n\n"
    renamed = out.split("### Design 1: orders → orders-v2\n\n", 1)[1].split("###", 1)[0]
    assert renamed == "No change in requirements, flows, components, edges, figures or findings.\n\n"
    # A sketch added at the end pairs like any block, and has no figures.
    newer = _rfc("archlint billing ledger", "archlint orders-v2 api", "archlint-sketch history cache")
    (tmp_path / "newer.md").write_text(newer.replace("archlint-sketch", "archlint sketch"))
    out = cli("diff", str(tmp_path / "new.md"), str(tmp_path / "newer.md")).stdout
    titles = [line for line in out.splitlines() if line.startswith("### Design")]
    assert titles == ["### Design 0: billing", "### Design 1: orders-v2", "### Design 2: history (sketch) (added)"]
    sketch = out.split("### Design 2: history (sketch) (added)\n\n", 1)[1]
    assert "components: +1 −0 ~0" in sketch and "#### Figures" not in sketch


def test_a_design_turned_into_a_sketch_has_findings_not_judged_rather_than_fixed(cli, tmp_path):
    text = (EXAMPLES / "rfc-order-service.md").read_text()
    (tmp_path / "old.md").write_text(text.replace("```yaml archlint sketch", "```yaml archlint"))
    (tmp_path / "new.md").write_text(text)
    out = cli("diff", str(tmp_path / "old.md"), str(tmp_path / "new.md")).stdout
    part = out.split("### Design 1: order-history → order-history (sketch)\n\n", 1)[1]
    # The block's five warnings (DOC001, DOC002, DOC004, DOC005, OBS001) are not "fixed".
    assert part.startswith("**0 new findings, 0 fixed**")
    assert ("**Note:** became a sketch: no rule judges it any more, so its 5 findings are not reported, "
            "not fixed.") in part
    assert "#### Fixed findings" not in part and "#### Figures" not in part


def test_a_long_diff_is_cut_to_max_length(cli):
    whole = cli("diff", str(GOOD), str(NAIVE), "--max-length", "0").stdout
    assert len(whole) > 3000
    cut = cli("diff", str(GOOD), str(NAIVE), "--max-length", "3000").stdout
    assert len(cut) <= 3000
    assert cut.startswith(whole.split("### Design 0", 1)[0])  # the lowered targets are kept
    assert "**22 new findings, 0 fixed**" in cut  # + AVL001 on url-writer (issue 16)
    shown = [line for line in cut.splitlines() if line.startswith("- **") and "target of" not in line]
    assert [line.split()[1] for line in shown[:2]] == ["**error", "**warning"]
    assert cut.splitlines()[-1].startswith(f"**{22 - len(shown)} more findings not shown**")
    assert "`--max-length 0`" in cut


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(folder), "PATH": "/usr/bin:/bin"})


@needs_git
def test_rev_head_against_the_working_copy(cli, tmp_path):
    design = tmp_path / "docs" / "shortener.arch.yaml"
    design.parent.mkdir()
    design.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "good")
    design.write_text(NAIVE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("diff", "--rev", "HEAD", str(design))
    assert result.exit_code == 1, result.stderr  # the working copy brings new errors
    assert result.stdout.startswith(f"## archlint diff: `{design}@HEAD` → `{design}`\n")
    assert "**22 new findings, 0 fixed**" in result.stdout
    # findings on the old side are named after the file at the revision, not a temporary copy
    fixed = cli("diff", "--rev", "HEAD", str(design), "--format", "json")
    back = json.loads(fixed.stdout)
    assert back["old"] == f"{design}@HEAD"


@needs_git
def test_bad_revision_and_no_repository_exit_2(cli, tmp_path):
    design = tmp_path / "d.arch.yaml"
    design.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    outside = cli("diff", "--rev", "HEAD", str(design))
    assert outside.exit_code == 2
    assert "is not inside a git repository, so --rev has nothing to compare with" in outside.stderr
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "one")
    unknown = cli("diff", "--rev", "no-such-branch", str(design))
    assert unknown.exit_code == 2
    assert unknown.stderr == ("archlint: unknown revision 'no-such-branch' (use a commit, branch or tag, "
                              "e.g. HEAD or HEAD~1)\n")
    new_file = tmp_path / "new.arch.yaml"
    new_file.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    missing = cli("diff", "--rev", "HEAD", str(new_file))
    assert missing.exit_code == 2
    assert missing.stderr == f"archlint: '{new_file}' does not exist at revision 'HEAD'\n"


def test_wrong_number_of_files_is_a_usage_error(cli):
    one = cli("diff", str(GOOD))
    assert one.exit_code == 2 and "give two files (archlint diff OLD NEW), or one file with --rev REV" in one.stderr
    two = cli("diff", "--rev", "HEAD", str(GOOD), str(NAIVE))
    assert two.exit_code == 2 and "--rev REV takes one file" in two.stderr


def test_invalid_side_prints_positioned_errors(cli, tmp_path):
    bad = tmp_path / "bad.arch.yaml"
    bad.write_text("archlint: 1\nname: bad\ncomponents:\n  api: {kind: servise}\n", encoding="utf-8")
    result = cli("diff", str(GOOD), str(bad))
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad.arch.yaml:4:9: INP011 error invalid-value: " in result.stderr


def test_exit_code_follows_new_findings_at_or_above_fail_on(cli, tmp_path):
    # GOOD -> NAIVE brings 22 new findings, errors among them (SCL001, SEC001): exit 1,
    # after the report is written. Back the other way only fixes findings: exit 0.
    worse = cli("diff", str(GOOD), str(NAIVE))
    assert worse.exit_code == 1 and "#### New findings" in worse.stdout
    assert cli("diff", str(NAIVE), str(GOOD)).exit_code == 0
    assert cli("diff", "--fail-on", "never", str(GOOD), str(NAIVE)).exit_code == 0
    # A new warning alone passes by default and fails with --fail-on warning.
    (tmp_path / "old.arch.yaml").write_text(SHOP)
    # An orphan service: DOC006, a warning.
    (tmp_path / "new.arch.yaml").write_text(SHOP.replace("  payments: {kind: external}\n",
                                                         "  payments: {kind: external}\n  unused: {kind: service}\n"))
    result = cli("diff", "--format", "json", str(tmp_path / "old.arch.yaml"), str(tmp_path / "new.arch.yaml"))
    severities = {f["severity"] for f in json.loads(result.stdout)["designs"][0]["findings"]["new"]}
    assert severities == {"warning"}
    assert result.exit_code == 0
    strict = cli("diff", "--fail-on", "warning", str(tmp_path / "old.arch.yaml"), str(tmp_path / "new.arch.yaml"))
    assert strict.exit_code == 1
