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
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("## archlint diff: `examples/url-shortener.arch.yaml` → "
                          "`examples/url-shortener-naive.arch.yaml`\n\n### Design 0: url-shortener → url-shortener-naive\n")
    assert "**21 new findings, 0 fixed**; components: +3 −6 ~2; edges: +5 −6." in out
    for added in ("new-urls", "url-writer", "urls-db"):
        assert f"- added `{added}`\n" in out
    for removed in ("analytics-worker", "clicks", "clicks-dlq", "edge", "url-cache", "url-db"):
        assert f"- removed `{removed}`\n" in out
    assert "- changed `api`: `autoscaling`: `{\"max\": 30, \"min\": 3}` → (unset); " in out
    assert "- added `new-urls` → `url-writer` (consume)\n" in out
    assert "- removed `api` → `url-cache` (call)\n" in out
    assert "| peak load | `redirect` | 11.6k/s | 4k/s |\n" in out
    assert "| availability | `redirect` | 99.9775% | 98.9% |\n" in out
    assert "- **error SCL001** `components.api` (" in out
    assert "- **error SEC001** `components.api` (" in out
    # errors come first among the new findings
    new = out.split("#### New findings\n\n", 1)[1].splitlines()
    assert [line.split("**")[1].split()[0] for line in new if line][:2] == ["error", "error"]


def test_the_other_way_round_the_findings_are_fixed(cli):
    out = cli("diff", str(NAIVE), str(GOOD)).stdout
    assert "**0 new findings, 21 fixed**" in out
    assert "#### Fixed findings" in out and "#### New findings" not in out
    assert "- added `url-cache`\n" in out


def test_json_format(cli):
    result = cli("diff", str(GOOD), str(NAIVE), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    design = data["designs"][0]
    assert (design["old_design"], design["new_design"]) == ("url-shortener", "url-shortener-naive")
    assert design["components"]["added"] == ["new-urls", "url-writer", "urls-db"]
    assert {"from": "browser", "kind": "calls", "to": "api"} in design["edges"]["added"]
    assert len(design["findings"]["new"]) == 21 and design["findings"]["fixed"] == []
    assert {"code": "SCL001", "severity": "error", "path": "components.api"}.items() <= \
        design["findings"]["new"][0].items()
    peak = next(f for f in design["figures"] if f["figure"] == "peak load" and f["subject"] == "redirect")
    assert peak["unit"] == "rps" and peak["after"] == pytest.approx(4000, rel=0.01)


def test_same_design_moved_lines_reports_no_change(cli, tmp_path):
    """Findings are matched by code and path: a reordered file changes nothing."""
    text = NAIVE.read_text(encoding="utf-8")
    moved = tmp_path / "moved.arch.yaml"
    moved.write_text("# a comment that shifts every line\n\n" + text, encoding="utf-8")
    out = cli("diff", str(NAIVE), str(moved)).stdout
    assert out.endswith("No change in components, edges, figures or findings.\n")


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
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"## archlint diff: `{design}@HEAD` → `{design}`\n")
    assert "**21 new findings, 0 fixed**" in result.stdout
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
