"""`diagram` and `review` bound the layout engine: a picture past LAYOUT_MAX_NODES components is
refused before Graphviz starts (review falls back to Mermaid text), and a layout past
LAYOUT_TIMEOUT is stopped, so a huge design ends within a minute with a picture or a
message saying how to draw a part of it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, run_process

from archlint.render import engine


def test_a_picture_past_the_size_bound_is_refused_with_what_to_do(cli, tmp_path, monkeypatch):
    pytest.importorskip("diagrams")
    monkeypatch.setattr(engine, "LAYOUT_MAX_NODES", 3)
    result = cli("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-f", "svg", "-o", str(tmp_path / "d.svg"))
    assert result.exit_code == 2
    assert "more than the 3 the bundled engine (graphviz-pure) lays out in reasonable time; draw a part of it" \
        in result.stderr
    assert "-f mermaid or -f dot" in result.stderr and not (tmp_path / "d.svg").exists()


def test_a_layout_past_the_timeout_is_stopped(cli, tmp_path, monkeypatch):
    pytest.importorskip("diagrams")
    slow = tmp_path / "bin" / "dot"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{slow.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(engine, "LAYOUT_TIMEOUT", 1)
    # `dot` sleeps 30 s: the message below is only printed when the 1 s bound stopped it.
    result = cli("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-f", "png", "--engine", "system",
                 "-o", str(tmp_path / "d.png"))
    assert result.exit_code == 2
    assert "the system engine (Graphviz dot) took more than 1 s to lay out" in result.stderr
    assert "draw a part of it" in result.stderr


def test_review_html_of_a_design_past_the_bound_shows_mermaid_text(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "LAYOUT_MAX_NODES", 3)
    result = cli("review", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0
    page = (tmp_path / "r.html").read_text()
    assert '<pre class="mermaid">' in page and "<svg" not in page


def test_a_5000_component_design_is_refused_before_layout_with_a_message(tmp_path):
    pytest.importorskip("diagrams")
    design = tmp_path / "big.arch.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "-n", "5000", "-o", str(design)],
                   check=True, capture_output=True, timeout=120)
    # The size guard answers before any layout starts (run_process turns a hang into a failure).
    result = run_process("diagram", str(design), "-f", "svg", "--no-collapse", "-o", str(tmp_path / "big.svg"))
    assert result.returncode == 2 and "5,000 components, more than the 1,500" in result.stderr
