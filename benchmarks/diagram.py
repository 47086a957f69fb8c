#!/usr/bin/env python3
"""Time `archlint diagram` as users run it: whole processes, wall clock.

For each design size, picture format and layout engine this runs
`archlint diagram design-<size>.arch.yaml -f FORMAT --engine ENGINE -o <temporary file>`
once to warm up, then `--runs` times, and reports the minimum and median wall time and
the median CPU time (archlint and the engine it runs, together). Targets: the
1k-component design (drawn as an overview) within 3 s as SVG and 10 s as PNG with
the bundled engine; up to 500 components, the bundled engine within 2x of the system
one.

Mermaid and DOT are pure text (the engine only measures them for `--direction auto`);
the system engine needs Graphviz's `dot` on PATH and is left out without it. Any exit
but 0, or a traceback, stops the run: timing a failure measures nothing.

    python benchmarks/diagram.py                              # 30, 100, 500, 1k; svg, png; both engines
    python benchmarks/diagram.py --formats mermaid,svg --engines bundled --runs 10
    python benchmarks/diagram.py --findings --markdown         # with --findings; a README section
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (sibling modules: the same designs and the same timing)
import run  # noqa: E402

FORMATS = ("mermaid", "dot", "svg", "png")
SUFFIX = {"mermaid": "mmd", "dot": "dot", "svg": "svg", "png": "png"}
TARGET_LABEL = "1k"
TARGET_SECONDS = {"svg": 3.0, "png": 10.0}
ENGINES = ("bundled", "system")
MAX_SLOWDOWN, SLOWDOWN_UP_TO = 2.0, 500  # bundled against system, up to this many components


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--sizes", default="30,100,500,1k", help="designs to draw (default %(default)s)")
    parser.add_argument("--formats", default="svg,png",
                        help="picture formats (default %(default)s; also mermaid, dot)")
    parser.add_argument("--engines", default="bundled,system", help="layout engines (default %(default)s)")
    parser.add_argument("--findings", action="store_true", help="draw with --findings (runs the checks too)")
    parser.add_argument("--archlint", help='command to run archlint (default: the venv\'s "archlint")')
    parser.add_argument("--out-dir", type=Path, default=generate.DEFAULT_OUT_DIR,
                        help="where the designs are (default benchmarks/out)")
    parser.add_argument("--markdown", action="store_true", help="print a section for benchmarks/README.md")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or args.runs < 1 or args.warmup < 0:
        parser.error(f"formats are {', '.join(FORMATS)}; --runs at least 1, --warmup at least 0")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if any(e not in ENGINES for e in engines) or not engines:
        parser.error(f"engines are {', '.join(ENGINES)}")
    if "system" in engines and shutil.which("dot") is None:
        run.progress("no Graphviz dot on PATH: the system engine is left out (apt-get install graphviz)")
        engines.remove("system")

    archlint = run.archlint_command(args.archlint)
    labels = [generate.label_for(generate.parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    paths = {label: run.ensure_design(label, args.out_dir) for label in labels}
    extra = ["--findings"] if args.findings else []
    rows: list[tuple[str, str, str, run.Row]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for label in labels:
            for picture in formats:
                for engine in engines:
                    out = Path(scratch) / f"diagram.{SUFFIX[picture]}"
                    argv = archlint + ["diagram", str(paths[label]), "-f", picture, "--engine", engine, "-o", str(out),
                                       *extra]
                    row = run.Row(f"`diagram {paths[label].name} -f {picture} --engine {engine}"
                                  f"{' --findings' if extra else ''}`",
                                  argv, components=generate.parse_size(label), size_label=label)
                    rows.append((label, picture, engine, row))
        run.progress(f"archlint command: {shlex.join(archlint)}; {args.runs} runs + {args.warmup} warm-up each")
        try:
            for _, _, _, row in rows:
                run.measure(row, args.runs, args.warmup, run.OK_EXIT, run.ROOT)
        except run.BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2

    body = table([row for _, _, _, row in rows])
    verdicts = [
        f"- {picture.upper()} of {row.components:,} components within {TARGET_SECONDS[picture]:g} s: "
        f"{run.fmt_ms(row.median)} median (CPU {run.fmt_ms(row.cpu_median)}), "
        f"{'met' if row.median <= TARGET_SECONDS[picture] else '**missed**'}"
        for label, picture, engine, row in rows
        if label == TARGET_LABEL and picture in TARGET_SECONDS and engine == "bundled"
    ]
    system = {(label, picture): row for label, picture, engine, row in rows if engine == "system"}
    for label, picture, engine, row in rows:
        other = system.get((label, picture))
        if engine != "bundled" or other is None or row.components > SLOWDOWN_UP_TO:
            continue
        ratio = row.cpu_median / other.cpu_median if other.cpu_median else 0.0
        verdicts.append(f"- {picture} of {row.components:,} components, bundled against system (CPU): {ratio:.2f}x, "
                        f"{'met' if ratio <= MAX_SLOWDOWN else '**missed**'} (at most {MAX_SLOWDOWN:g}x)")
    if args.markdown:
        print(f"Measured with `python benchmarks/diagram.py --runs {args.runs} --sizes {','.join(labels)} "
              f"--formats {','.join(formats)} --engines {','.join(engines)}{' --findings' if extra else ''}`.\n")
    print(body)
    if verdicts:
        print()
        print("\n".join(verdicts))
    return 0


def table(rows: list[run.Row]) -> str:
    out = ["| command | components | min | median | CPU (median) | peak RSS |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        out.append(f"| {row.label} | {row.components:,} | {run.fmt_ms(row.min)} | {run.fmt_ms(row.median)} | "
                   f"{run.fmt_ms(row.cpu_median)} | "
                   f"{f'{row.rss_kib / 1024:.0f} MiB' if row.rss_kib else 'n/a'} |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
