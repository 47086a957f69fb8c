#!/usr/bin/env python3
"""Time `archlint diagram` as users run it: whole processes, wall clock.

For each design size and picture format this runs
`archlint diagram design-<size>.arch.yaml -f FORMAT -o <temporary file>` once to
warm up, then `--runs` times, and reports the minimum and median wall time and the
median CPU time (archlint and the Graphviz `dot` it runs, together). The target: an
SVG of the 1k-component design within 3 s.

Mermaid and DOT are pure text; SVG and PNG run Graphviz, so they need `dot` on PATH.
Any exit but 0, or a traceback, stops the run: timing a failure measures nothing.

    python benchmarks/diagram.py                              # 100 and 1k; mermaid, dot, svg
    python benchmarks/diagram.py --formats svg,png --runs 10
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
TARGET_LABEL, TARGET_FORMAT, TARGET_SECONDS = "1k", "svg", 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--sizes", default="100,1k", help="designs to draw (default %(default)s)")
    parser.add_argument("--formats", default="mermaid,dot,svg",
                        help="picture formats (default %(default)s; png is several times slower than svg)")
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
    if any(f in ("svg", "png") for f in formats) and shutil.which("dot") is None:
        print("benchmark needs Graphviz's dot for svg and png (apt-get install graphviz); "
              "or use --formats mermaid,dot", file=sys.stderr)
        return 2

    archlint = run.archlint_command(args.archlint)
    labels = [generate.label_for(generate.parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    paths = {label: run.ensure_design(label, args.out_dir) for label in labels}
    extra = ["--findings"] if args.findings else []
    rows: list[tuple[str, str, run.Row]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for label in labels:
            for picture in formats:
                out = Path(scratch) / f"diagram.{SUFFIX[picture]}"
                argv = archlint + ["diagram", str(paths[label]), "-f", picture, "-o", str(out), *extra]
                row = run.Row(f"`diagram {paths[label].name} -f {picture}{' --findings' if extra else ''}`",
                              argv, components=generate.parse_size(label), size_label=label)
                rows.append((label, picture, row))
        run.progress(f"archlint command: {shlex.join(archlint)}; {args.runs} runs + {args.warmup} warm-up each")
        try:
            for _, _, row in rows:
                run.measure(row, args.runs, args.warmup, run.OK_EXIT, run.ROOT)
        except run.BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2

    body = table([row for _, _, row in rows])
    verdicts = [
        f"- SVG of {row.components:,} components within {TARGET_SECONDS:g} s: {run.fmt_ms(row.median)} median "
        f"(CPU {run.fmt_ms(row.cpu_median)}), {'met' if row.median <= TARGET_SECONDS else '**missed**'}"
        for label, picture, row in rows
        if label == TARGET_LABEL and picture == TARGET_FORMAT
    ]
    if args.markdown:
        print(f"Measured with `python benchmarks/diagram.py --runs {args.runs} --sizes {','.join(labels)} "
              f"--formats {','.join(formats)}{' --findings' if extra else ''}`.\n")
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
