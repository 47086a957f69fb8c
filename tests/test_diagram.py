"""`archlint diagram` as users run it: where pictures go, PNG and SVG of the examples,
`--write` into Markdown (idempotent), findings on the picture, determinism, and the
messages for a missing Graphviz, an unwritable output and an invalid design."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, run_process

needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None,
                                    reason="Graphviz's dot is not installed (apt-get install graphviz)")
# .ci/run runs the diagram tests once more with `dot` hidden from PATH and this set, so
# that run shows the default engine needs no system Graphviz.
if os.environ.get("ARCHLINT_TEST_NO_DOT"):
    assert shutil.which("dot") is None, "ARCHLINT_TEST_NO_DOT is set but dot is on PATH"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.arch.yaml")) + sorted(EXAMPLES.glob("*.md"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
BROKEN = "archlint: 1\nname: x\ncomponents:\n  api: {kind: service, replicas: -3}\n"


def copy_example(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(EXAMPLES / name, target)
    return target


def component_ids(path: Path) -> list[list[str]]:
    """The component ids of each design in a file, in order (from the loader)."""
    from archlint.input.load import Limits, read_source

    return [list(block.data["components"]) for block in read_source(str(path), Limits()).blocks]


def svg_texts(data: bytes) -> set[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return {"".join(element.itertext()) for element in root.iter(f"{SVG}text")}


def check_codes(path: Path) -> list[tuple[int, str]]:
    report = run_process("check", "--format", "json", "--today", "2027-01-01", str(path)).stdout
    return sorted((finding["block"], finding["code"]) for finding in json.loads(report)["findings"])


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


# --- text formats ---------------------------------------------------------------------


def test_mermaid_and_dot_print_to_standard_output(cli, tmp_path):
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    mermaid = cli("diagram", str(design), "-f", "mermaid")
    assert mermaid.exit_code == 0
    # Laid out left to right its plain shapes come out wider than 2.2:1, so auto flows down.
    assert mermaid.stdout.startswith('---\ntitle: "url-shortener"\n---\nflowchart TB\n')
    across = cli("diagram", str(design), "-f", "mermaid", "--direction", "LR").stdout
    assert across == mermaid.stdout.replace("flowchart TB", "flowchart LR", 1)
    assert mermaid.stderr == ""
    graph = cli("diagram", str(design), "-f", "dot")
    assert graph.exit_code == 0 and graph.stdout.startswith('digraph "url-shortener" {\n')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["url-shortener.arch.yaml"]  # nothing written


def test_text_format_to_a_file_and_its_suffix_chooses_the_format(cli, tmp_path):
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = cli("diagram", str(design), "-o", str(tmp_path / "pic.mmd"))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"archlint: wrote {tmp_path / 'pic.mmd'}\n"
    assert (tmp_path / "pic.mmd").read_text(encoding="utf-8").startswith("---\ntitle: \"url-shortener\"")


def test_several_designs_never_make_one_invalid_mermaid_document(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    both = cli("diagram", "examples/rfc-order-service.md", "-f", "mermaid")
    assert both.exit_code == 2 and both.stdout == ""
    assert both.stderr.endswith(
        "\nError: 'examples/rfc-order-service.md' has 2 designs and a Mermaid document holds one; choose one with "
        "--block N (0 to 1), or write them all with -o FILE.mmd (FILE-N.mmd for block N) or --write\n")
    first = cli("diagram", "examples/rfc-order-service.md", "-f", "mermaid", "--block", "0").stdout
    second = cli("diagram", "examples/rfc-order-service.md", "-f", "mermaid", "--block", "1").stdout
    assert first.count("flowchart ") == 1 and second.count("flowchart ") == 1
    assert 'title: "order-service"' in first and 'title: "order-history (sketch)"' in second
    cli("diagram", "examples/rfc-order-service.md", "-o", str(tmp_path / "rfc.mmd"))
    assert (tmp_path / "rfc-0.mmd").read_text(encoding="utf-8") == first
    assert (tmp_path / "rfc-1.mmd").read_text(encoding="utf-8") == second
    # DOT allows several graphs in one file: they still print one after another.
    dots = cli("diagram", "examples/rfc-order-service.md", "-f", "dot").stdout
    assert dots.count("digraph ") == 2


def test_mermaid_never_imports_diagrams_or_graphviz():
    probe = (
        "import sys\nfrom archlint.cli import cli\n"
        "try:\n    cli.main(args=sys.argv[1:], prog_name='archlint', standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('HEAVY=' + ','.join(m for m in ('diagrams', 'graphviz') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, "diagram", str(EXAMPLES / "url-shortener.arch.yaml"),
                          "-f", "mermaid"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "HEAVY="


# --- PNG and SVG --------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_svg_of_each_example_parses_and_names_every_component(cli, tmp_path, example):
    design = copy_example(tmp_path, example.name)
    result = cli("diagram", str(design), "-f", "svg")
    assert result.exit_code == 0, result.output
    stem = example.name.removesuffix(".arch.yaml").removesuffix(".md")
    designs = component_ids(design)
    names = [f"{stem}.svg"] if example.suffix == ".yaml" else [f"{stem}-{n}.svg" for n in range(len(designs))]
    for name, components in zip(names, designs):
        data = (tmp_path / name).read_bytes()
        texts = svg_texts(data)
        titles = {text.split(" ×")[0] for text in texts}
        assert set(components) <= titles, f"{name} misses {set(components) - titles}"
        assert b"site-packages" not in data and str(ROOT).encode() not in data  # icons embedded, no local paths
        root = ET.fromstring(data)
        width, height = (float(root.get(side, "0").removesuffix("pt")) for side in ("width", "height"))
        assert width <= 2.5 * height, f"{name} is {width / height:.2f}:1, wider than 2.5:1"


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_png_of_each_example_is_a_png_of_sane_size(cli, tmp_path, example):
    design = copy_example(tmp_path, example.name)
    result = cli("diagram", str(design))  # PNG is the default
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.png"))
    assert len(written) == len(component_ids(design))
    for picture in written:
        width, height = png_size(picture.read_bytes())
        assert 200 <= width <= 20_000 and 100 <= height <= 20_000, (picture.name, width, height)


def test_default_names_next_to_the_design(cli, tmp_path):
    yaml_design = copy_example(tmp_path, "url-shortener.arch.yaml")
    rfc = copy_example(tmp_path, "rfc-order-service.md")
    assert cli("diagram", str(yaml_design)).stderr == f"archlint: wrote {tmp_path / 'url-shortener.png'}\n"
    assert cli("diagram", str(rfc), "-f", "svg").stderr == (
        f"archlint: wrote {tmp_path / 'rfc-order-service-0.svg'}\n"
        f"archlint: wrote {tmp_path / 'rfc-order-service-1.svg'}\n"
    )
    out = tmp_path / "out.svg"
    cli("diagram", str(rfc), "-o", str(out))  # several designs: the block index before the suffix
    assert (tmp_path / "out-0.svg").exists() and (tmp_path / "out-1.svg").exists() and not out.exists()
    cli("diagram", str(rfc), "--block", "1", "-o", str(out))  # one design: OUT as given
    assert "order-history (sketch)" in svg_texts(out.read_bytes())


def test_png_to_standard_output(cli, tmp_path):
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = cli("diagram", str(design), "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(PNG_SIGNATURE)


def test_findings_are_drawn_with_a_legend(cli, tmp_path):
    design = copy_example(tmp_path, "naive-shop.arch.yaml")
    result = cli("diagram", str(design), "-f", "svg", "--findings", "-o", str(tmp_path / "shop.svg"))
    assert result.exit_code == 0
    texts = svg_texts((tmp_path / "shop.svg").read_bytes())
    assert {"naive-shop", "error: outlined, with its codes", "warning: outlined, with its codes"} <= texts
    assert any("ARC003" in text for text in texts)  # the sync cycle inventory <-> orders


def test_findings_in_mermaid_outline_the_cycle_in_red(cli, tmp_path):
    design = copy_example(tmp_path, "naive-shop.arch.yaml")
    lines = cli("diagram", str(design), "-f", "mermaid", "--findings").stdout.splitlines()
    links = [line for line in lines if "-->" in line or "-.->" in line]
    cycle = next(
        i for i, line in enumerate(links) if line.strip().startswith("c_inventory -->|") and "c_orders" in line
    )
    assert "ARC003" in links[cycle]
    error_style = next(line for line in lines if line.strip().startswith("linkStyle") and "#d32f2f" in line)
    assert str(cycle) in error_style.split()[1].split(",")
    assert '  subgraph legend["Legend"]' in lines


# --- --write into Markdown --------------------------------------------------------------


def test_write_mermaid_into_markdown_is_idempotent(cli, tmp_path):
    rfc = copy_example(tmp_path, "rfc-order-service.md")
    original = rfc.read_text(encoding="utf-8")
    first = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert first.exit_code == 0 and first.stderr == f"archlint: updated {rfc} (2 diagrams)\n"
    written = rfc.read_text(encoding="utf-8")
    assert written.split("\n").count("<!-- archlint:diagram:start -->") == 1  # the top-level block
    assert written.count("   <!-- archlint:diagram:start -->\n   ```mermaid\n") == 1  # the indented one
    assert written.count("```mermaid") == 2 and written.count("<!-- archlint:diagram:end -->") == 2
    second = cli("diagram", str(rfc), "-f", "mermaid", "--write")
    assert second.exit_code == 0 and second.stderr == f"archlint: {rfc} is up to date\n"
    assert rfc.read_text(encoding="utf-8") == written
    # Removing the inserted lines gives the original back: nothing else was touched.
    kept, inside = [], False
    for line in written.split("\n"):
        if line.strip() == "<!-- archlint:diagram:start -->":
            inside = True
        elif line.strip() == "<!-- archlint:diagram:end -->":
            inside = False
        elif not inside:
            kept.append(line)
    assert "\n".join(kept).replace("```\n\n\n", "```\n\n") == original
    # The designs still check the same (the second block's findings one region lower).
    assert check_codes(rfc) == check_codes(EXAMPLES / "rfc-order-service.md")


def test_write_svg_links_the_pictures(cli, tmp_path):
    rfc = copy_example(tmp_path, "rfc-order-service.md")
    result = cli("diagram", str(rfc), "-f", "svg", "--write")
    assert result.exit_code == 0
    written = rfc.read_text(encoding="utf-8")
    assert "<!-- archlint:diagram:start -->\n![order-service](rfc-order-service-0.svg)\n" in written
    assert "   <!-- archlint:diagram:start -->\n   ![order-history (sketch)](rfc-order-service-1.svg)\n" in written
    assert (tmp_path / "rfc-order-service-0.svg").exists() and (tmp_path / "rfc-order-service-1.svg").exists()
    cli("diagram", str(rfc), "-f", "svg", "--write")
    assert rfc.read_text(encoding="utf-8") == written


def test_write_needs_markdown_and_a_picture_markdown_shows(cli, tmp_path):
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = cli("diagram", str(design), "--write")
    assert result.exit_code == 2 and "--write updates Markdown files (.md, .markdown)" in result.stderr
    rfc = copy_example(tmp_path, "rfc-order-service.md")
    result = cli("diagram", str(rfc), "-f", "dot", "--write")
    assert result.exit_code == 2 and "choose -f mermaid, png or svg" in result.stderr


def test_block_out_of_range_is_a_usage_error(cli, tmp_path):
    rfc = copy_example(tmp_path, "rfc-order-service.md")
    result = cli("diagram", str(rfc), "-f", "mermaid", "--block", "2")
    assert result.exit_code == 2
    assert f"--block 2: '{rfc}' has 2 designs (blocks 0 to 1)" in result.stderr


# --- bad input and environment ----------------------------------------------------------


def test_png_and_svg_need_no_graphviz_on_path(tmp_path):
    """The bundled engine is found beside the interpreter (a venv or pipx that is not on
    PATH): with an empty PATH, so no `dot` and no `graphviz-pure` on it, both draw."""
    empty = tmp_path / "empty"
    empty.mkdir()
    for picture_format in ("png", "svg"):
        out = tmp_path / f"x.{picture_format}"
        result = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(out), "--verbose",
                             env={"PATH": str(empty)})
        assert result.returncode == 0, result.stderr
        assert ("url-shortener: laid out by the bundled engine (graphviz-pure), graphviz-pure version 0.2.2"
                in result.stderr)
        assert out.read_bytes().startswith(PNG_SIGNATURE if picture_format == "png" else b"<?xml")


def test_system_engine_without_graphviz_says_how_to_install_it(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(tmp_path / "x.png"),
                         "--engine", "system", env={"PATH": str(empty)})
    assert result.returncode == 2
    assert result.stderr == (
        "archlint: the system engine is Graphviz's `dot` program, which was not found on PATH. Install Graphviz "
        "(Debian or Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`), or use the bundled engine "
        "(`--engine bundled`, the default)\n"
    )
    assert not (tmp_path / "x.png").exists()
    (tmp_path / ".archlint.yaml").write_text("diagram-engine: system\n")  # the configuration chooses it too
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = run_process("diagram", str(design), "-f", "svg", env={"PATH": str(empty)})
    assert result.returncode == 2 and "the system engine is Graphviz's `dot` program" in result.stderr
    mermaid = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-f", "mermaid",
                          env={"PATH": str(empty)})
    assert mermaid.returncode == 0 and mermaid.stdout.startswith("---\ntitle:")


def test_bundled_engine_is_looked_for_beside_the_interpreter_then_on_path(tmp_path, monkeypatch):
    from archlint.render import engine

    venv_bin, elsewhere = tmp_path / "venv" / "bin", tmp_path / "elsewhere"
    venv_bin.mkdir(parents=True)
    elsewhere.mkdir()
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    monkeypatch.setattr(engine.sysconfig, "get_path", lambda name: str(tmp_path / "nothing"))
    monkeypatch.setenv("PATH", str(elsewhere))
    with pytest.raises(engine.EngineMissing, match="installs with archlint but was not found next to"):
        engine.find_engine("bundled")
    on_path = elsewhere / "graphviz-pure"
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    assert engine.find_engine("bundled").program == str(on_path)
    beside = venv_bin / "graphviz-pure"
    beside.write_text("#!/bin/sh\n")
    beside.chmod(0o755)
    assert engine.find_engine("bundled") == engine.Engine("bundled", str(beside))


def test_missing_diagrams_package_says_how_to_install_it(tmp_path):
    shadow = tmp_path / "shadow" / "diagrams"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('simulated: not installed')\n")
    result = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-o", str(tmp_path / "x.png"),
                         env={"PYTHONPATH": str(shadow.parent)})
    assert result.returncode == 2
    assert result.stderr == (
        "archlint: PNG and SVG pictures need the `diagrams` package for their icons, which is not installed. "
        "Install it (`pip install diagrams`), or draw with `-f mermaid` or `-f dot`, which need nothing installed.\n"
    )


def test_unwritable_output_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for picture_format in ("mermaid", "svg"):
        target = blocker / f"out.{picture_format}"
        result = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-f", picture_format,
                             "-o", str(target))
        assert result.returncode == 2
        assert result.stderr == f"archlint: cannot write '{target}': the folder '{blocker}' does not exist\n"
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = run_process("diagram", str(design), "-f", "mermaid", "-o", str(design))
    assert result.returncode == 2
    assert result.stderr == (f"archlint: cannot write '{design}': it is the design being drawn; archlint never "
                             f"writes over an input, choose another -o\n")
    folder = tmp_path / "folder.png"
    folder.mkdir()
    result = run_process("diagram", str(EXAMPLES / "url-shortener.arch.yaml"), "-f", "mermaid", "-o", str(folder))
    assert result.returncode == 2 and result.stderr == f"archlint: cannot write '{folder}': it is a folder\n"


def test_invalid_design_prints_the_check_errors_and_draws_nothing(tmp_path):
    design = tmp_path / "broken.arch.yaml"
    design.write_text(BROKEN, encoding="utf-8")
    result = run_process("diagram", str(design), "-f", "svg", "-o", str(tmp_path / "x.svg"))
    check = run_process("check", str(design))
    assert result.returncode == 1 and check.returncode == 1
    assert result.stdout == ""
    assert result.stderr == check.stdout
    assert "broken.arch.yaml:4:24: INP011 error invalid-value" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_missing_file_is_a_usage_error(tmp_path):
    result = run_process("diagram", str(tmp_path / "nope.arch.yaml"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr


# --- determinism ------------------------------------------------------------------------


@pytest.mark.parametrize("picture_format", ["mermaid", "dot"])
def test_two_runs_are_byte_identical(tmp_path, picture_format):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.{picture_format}"
        result = run_process("diagram", str(EXAMPLES / "naive-shop.arch.yaml"), "--findings", "-f", picture_format,
                             "-o", str(out), env={"PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1800000000"})
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 1000


@pytest.mark.slow  # four processes per example; .ci/run runs it, with and without dot on PATH
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_draws_the_same_png_and_svg_bytes_twice(tmp_path, example):
    """Two processes with different hash seeds, the default engine: the same SVG and PNG
    bytes, with the icons in them (PNG and SVG of every example, as the issue asks)."""
    drawn: dict[str, list[bytes]] = {}
    for seed in ("1", "2"):
        folder = tmp_path / seed
        folder.mkdir()
        for picture_format in ("svg", "png"):
            result = run_process("diagram", str(example), "--findings", "-f", picture_format, "-o",
                                 str(folder / f"x.{picture_format}"), env={"PYTHONHASHSEED": seed})
            assert result.returncode == 0, result.stderr
            for picture in sorted(folder.glob(f"*.{picture_format}")):
                drawn.setdefault(picture.name, []).append(picture.read_bytes())
    assert len(drawn) == 2 * len(component_ids(example))
    for name, (first, second) in drawn.items():
        assert first == second, f"{example.name}: {name} differs between two runs"
    for name, (svg, _) in drawn.items():
        if name.endswith(".svg"):
            root = ET.fromstring(svg)
            width, height = (float(root.get(side, "0").removesuffix("pt")) for side in ("width", "height"))
            assert width <= 2.5 * height, f"{name} is {width / height:.2f}:1, wider than 2.5:1"
            assert svg.count(b"<use xlink:href=\"#icon") >= len(component_ids(example)[0]) // 2, name
            assert b'href="/' not in svg and b"site-packages" not in svg


def test_auto_direction_gives_up_left_to_right_only_for_a_narrower_picture():
    from archlint.render.diagrams_png import choose_direction

    def drawer(sizes: dict[str, tuple[int, int]], calls: list[str]):
        def draw(rankdir: str) -> str:
            calls.append(rankdir)
            width, height = sizes[rankdir]
            return f'<svg width="{width}pt" height="{height}pt" viewBox="0 0 {width} {height}"></svg>'
        return draw

    calls: list[str] = []
    # 220 x 100 is 2.2:1, the widest kept: top to bottom is not even drawn.
    assert choose_direction(drawer({"LR": (220, 100)}, calls)).rankdir == "LR" and calls == ["LR"]
    calls = []
    # 300 x 100 is 3:1; 100 x 400 is 0.25:1, narrower: top to bottom.
    picture = choose_direction(drawer({"LR": (300, 100), "TB": (100, 400)}, calls))
    assert (picture.rankdir, picture.width, picture.height, calls) == ("TB", 100, 400, ["LR", "TB"])
    # 300 x 100 against 400 x 100 (4:1): left to right stays.
    assert choose_direction(drawer({"LR": (300, 100), "TB": (400, 100)}, [])).rankdir == "LR"
    # Asked for, a direction is drawn once, whatever its ratio.
    calls = []
    assert choose_direction(drawer({"TB": (900, 100)}, calls), "TB").rankdir == "TB" and calls == ["TB"]


# --- large designs: overview and one group --------------------------------------------------


def big_design(tmp_path: Path, count: int) -> Path:
    """`count` services in groups of 10 (g0, g1, …), each calling the previous one."""
    lines = ["archlint: 1", "name: big", "components:"]
    for number in range(count):
        lines.append(f"  s{number}: {{kind: service, group: g{number // 10}"
                     + (f", calls: [s{number - 1}]}}" if number else "}"))
    path = tmp_path / "big.arch.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_design_above_the_threshold_is_drawn_as_an_overview(cli, tmp_path):
    design = big_design(tmp_path, 151)  # one more than COLLAPSE_ABOVE
    result = cli("diagram", str(design), "-f", "dot")
    assert result.exit_code == 0
    assert result.stderr == ("archlint: note: big has 151 components, more than 150: drawn as an overview, one node "
                             "per group; --group NAME draws one group, --no-collapse every component\n")
    # 16 groups (g0 … g14 of 10, g15 of 1), 15 links between neighbouring groups.
    assert result.stdout.count("shape=folder") == 16 and result.stdout.count(" -> ") == 15
    assert 'g_g15 [label="g15\\n1 component: 1 service", shape=folder];' in result.stdout
    whole = cli("diagram", str(design), "-f", "dot", "--no-collapse")
    assert whole.stderr == "" and whole.stdout.count(" -> ") == 150 and "shape=folder" not in whole.stdout
    small = big_design(tmp_path, 150)
    assert cli("diagram", str(small), "-f", "dot").stderr == ""  # at the threshold: every component
    asked = cli("diagram", str(small), "-f", "dot", "--collapse")
    assert asked.stderr == "" and asked.stdout.count("shape=folder") == 15


def test_group_draws_one_group_with_its_neighbours(cli, tmp_path):
    design = big_design(tmp_path, 30)
    result = cli("diagram", str(design), "-f", "mermaid", "--group", "g1", "--direction", "LR")
    assert result.exit_code == 0
    # g1 is s10 … s19; s10 calls s9 (g0) and s20 (g2) calls s19.
    nodes = [line.split("[")[0].strip() for line in result.stdout.splitlines() if line.startswith("    c_")]
    assert nodes == ["c_s9", *[f"c_s{n}" for n in range(10, 20)], "c_s20"]
    unknown = cli("diagram", str(design), "-f", "mermaid", "--group", "g9")
    assert unknown.exit_code == 2
    assert "--group 'g9': big has no such group (groups: 'g0', 'g1', 'g2')" in unknown.stderr


# --- the system engine --------------------------------------------------------------------


@needs_graphviz
def test_system_engine_draws_with_the_same_icons_and_fonts(cli, tmp_path):
    design = copy_example(tmp_path, "url-shortener.arch.yaml")
    result = cli("diagram", str(design), "-f", "svg", "--engine", "system", "-v", "-o", str(tmp_path / "s.svg"))
    assert result.exit_code == 0, result.output
    assert "laid out by the system engine (Graphviz dot)" in result.stderr
    data = (tmp_path / "s.svg").read_bytes()
    assert set(component_ids(design)[0]) <= {text.split(" ×")[0] for text in svg_texts(data)}
    assert b"site-packages" not in data and b'font-family="Arimo,Arial,Helvetica,sans-serif"' in data
    png = cli("diagram", str(design), "--engine", "system", "-o", str(tmp_path / "s.png"))
    assert png.exit_code == 0 and png_size((tmp_path / "s.png").read_bytes())[0] > 200
