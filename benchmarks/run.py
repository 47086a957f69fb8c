#!/usr/bin/env python3
"""Time `archlint check` and `archlint estimate` as users run them: whole processes, wall clock.

For each command this runs one warm-up, then `--runs` timed runs, and reports
the minimum and median wall time, the CPU time, and the peak resident memory
(RSS) of the process. The commands:

- `python -c pass`: the floor any Python CLI pays (interpreter start-up);
- `archlint --version`: start-up of the CLI itself;
- `archlint check design-<size>.arch.yaml` and `archlint estimate design-<size>.arch.yaml`
  for each size asked for;
- reference points on the same files: `yamllint` and `check-jsonschema` (with
  `schemas/archlint.schema.json`), when they are installed next to this Python.

The designs above 10 MB (50k components) need `limits.max-file-size` raised: this
script writes `.archlint.yaml` into the designs' folder to do so. Its child
processes run without `PYTHONDONTWRITEBYTECODE`, so that after the warm-up Python
loads archlint's compiled modules as in a normal installation.

`archlint` is the executable next to `sys.executable` (same virtualenv) when
there is one, else `python -m archlint` run from the repository root; use
`--archlint "CMD"` to choose. Missing designs are generated first.

`archlint check` may exit 1 (it found something): that is a normal result
here. Exit 2 (usage or configuration error), 3 (internal error), any other
code, or a Python traceback on stderr (an uncaught exception exits 1 too)
stops the run with the command's output, since timing a crash measures
nothing.

    python benchmarks/run.py                        # table on stdout, progress on stderr
    python benchmarks/run.py --runs 10 --sizes 30,100,1k,10k,50k
    python benchmarks/run.py --references none          # archlint only
    python benchmarks/run.py --markdown > results.md  # section for benchmarks/README.md
    python benchmarks/run.py --ratios --runs 5          # issue 23's goals, each against its target
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the sibling module; same labels and paths)

OK_EXIT = {0}
CHECK_OK_EXIT = {0, 1}  # 1 = findings at or above --fail-on: a normal outcome
FINDING_LINE = re.compile(r":\d+:\d+: ([A-Z]{3}\d{3}) ", re.MULTILINE)

# Targets (see benchmarks/README.md).
SMALL_LABEL, SMALL_FACTOR = "30", 3.0
LARGE_LABEL, LARGE_SECONDS = "10k", 1.5
LARGE_RSS_MIB = 300
LINEAR_TOLERANCE = 1.5  # marginal cost per component, last size step vs the one before
YAMLLINT_FACTOR = 10.0  # archlint check at least this many times faster than yamllint

# Reference tools, run on the same designs: name -> arguments before the file.
REFERENCES = {
    "yamllint": ["-f", "parsable"],
    "check-jsonschema": ["--schemafile", str(ROOT / "schemas" / "archlint.schema.json")],
}
REFERENCE_OK_EXIT = {0, 1}  # 1: the tool found something, a normal outcome
# A design of 50k components is about 19 MB, above archlint's default 10 MB limit.
CONFIG_TEXT = """\
# Written by benchmarks/run.py: the largest generated designs are above the default
# 10 MB file limit.
limits: {max-file-size: 64MB}
"""
# Children run as from a normal installation: with PYTHONDONTWRITEBYTECODE set, every
# run would compile archlint's modules again instead of loading them from __pycache__.
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


class BenchmarkError(Exception):
    """A command failed in a way that makes its timing meaningless."""


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds
    exit_code: int


@dataclass
class Row:
    label: str
    argv: list[str]
    components: int | None = None
    size_label: str = ""  # "30", "1k": the design's label, for check rows
    lines: int | None = None
    size: int | None = None
    samples: list[Sample] = field(default_factory=list)
    findings: int | None = None
    input_codes: list[str] = field(default_factory=list)
    output: str = ""
    rss_kib: int | None = None  # peak resident set size, from one extra run
    kind: str = "check"  # "check", "estimate", or a reference tool's name; "" for start-up rows

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def min(self) -> float:
        return min(self.walls)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def exit_codes(self) -> str:
        return ",".join(sorted({str(s.exit_code) for s in self.samples}))


# --------------------------------------------------------------------------- running


def run_once(argv: list[str], cwd: Path) -> tuple[Sample, str, str, int | None]:
    """Run one process to completion: its wall and CPU time, output, and ru_maxrss.

    Output goes to temporary files, like a shell redirect, so a large report
    neither blocks on a full pipe nor is timed through Python's reader threads.
    The ru_maxrss returned (KiB) is only a fallback for peak_rss(): on Linux a
    forked child inherits its parent's high-water mark, so it is never below
    this script's own peak.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=CHILD_ENV, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        rss: int | None = None
        if hasattr(os, "wait4"):
            # wait4 gives this child's own rusage (CPU time); RUSAGE_CHILDREN
            # would sum CPU over all children and take the max of their RSS.
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            rss = int(usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1))  # macOS: bytes
            cpu = usage.ru_utime + usage.ru_stime
        else:  # pragma: no cover (Windows)
            proc.wait()
            wall = time.perf_counter() - start
            cpu = float("nan")
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Sample(wall, cpu, proc.returncode), stdout, stderr, rss


@functools.cache
def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (it has -f and -o), else None."""
    exe = "/usr/bin/time"
    if not os.access(exe, os.X_OK):
        return None
    try:
        probe = subprocess.run([exe, "-f", "%M", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


def peak_rss(argv: list[str], cwd: Path, fallback: int | None) -> int | None:
    """Peak RSS (KiB) of one more, untimed, run under GNU time, whose own
    footprint is a couple of MB, so the figure is the command's. Without GNU
    time, the wait4 figure of the timed runs (an upper bound)."""
    exe = gnu_time()
    if exe is None:
        return fallback
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        subprocess.run([exe, "-f", "%M", "-o", report.name, *argv], cwd=cwd, env=CHILD_ENV,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        text = report.read().strip().splitlines()
    return int(text[-1]) if text and text[-1].isdigit() else fallback


def measure(row: Row, runs: int, warmup: int, ok_exit: set[int], cwd: Path) -> None:
    fallback_rss: int | None = None
    for n in range(warmup + runs):
        sample, stdout, stderr, rss = run_once(row.argv, cwd)
        # An uncaught exception also exits 1, which would pass for "findings".
        crashed = "Traceback (most recent call last)" in stderr
        if sample.exit_code not in ok_exit or crashed:
            raise BenchmarkError(failure_message(row, sample.exit_code, stdout, stderr))
        if n >= warmup:
            row.samples.append(sample)
            if rss is not None:
                fallback_rss = max(rss, fallback_rss or 0)
        row.output = stdout
    row.rss_kib = peak_rss(row.argv, cwd, fallback_rss)
    codes = FINDING_LINE.findall(row.output)
    row.findings = len(codes)
    row.input_codes = sorted({c for c in codes if c.startswith("INP")})
    progress(f"  {row.label}: min {row.min * 1000:.0f} ms, median {row.median * 1000:.0f} ms"
             + (f", peak RSS {row.rss_kib / 1024:.0f} MiB" if row.rss_kib else "")
             + f", exit {row.exit_codes}")


def failure_message(row: Row, code: int, stdout: str, stderr: str) -> str:
    meaning = {2: "usage or configuration error", 3: "internal error"}.get(
        code, "killed by a signal" if code < 0 else "unexpected exit code")
    if "Traceback (most recent call last)" in stderr:
        meaning = "uncaught exception"
    parts = [f"`{shlex.join(row.argv)}` exited {code} ({meaning})."]
    if stderr.strip():
        parts.append("--- stderr ---\n" + tail(stderr))
    if stdout.strip():
        parts.append("--- stdout ---\n" + tail(stdout))
    return "\n".join(parts)


def tail(text: str, lines: int = 60) -> str:
    kept = text.rstrip("\n").splitlines()
    cut = len(kept) - lines
    return (f"[... {cut} lines ...]\n" if cut > 0 else "") + "\n".join(kept[-lines:])


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def archlint_command(option: str | None) -> list[str]:
    if option:
        return shlex.split(option)
    exe = Path(sys.executable).parent / ("archlint.exe" if os.name == "nt" else "archlint")
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)]
    return [sys.executable, "-m", "archlint"]


# This script stays small: a child's ru_maxrss starts from its parent's peak,
# so designs are generated in a subprocess and read in chunks, never whole.


def ensure_design(label: str, out_dir: Path) -> Path:
    path = generate.standard_path(label, out_dir)
    if not path.exists():
        progress(f"generating {path.name} ...")
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--components",
                        str(generate.parse_size(label)), "--out", str(path)], check=True)
    return path


def ensure_config(out_dir: Path) -> Path:
    """`.archlint.yaml` next to the designs, raising the file size limit for 50k."""
    path = out_dir / ".archlint.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != CONFIG_TEXT:
        path.write_text(CONFIG_TEXT, encoding="utf-8")
    return path


def reference_command(name: str) -> list[str] | None:
    """A reference tool installed next to this Python (same virtualenv), or None."""
    exe = Path(sys.executable).parent / name
    return [str(exe), *REFERENCES[name]] if exe.is_file() and os.access(exe, os.X_OK) else None


def tool_version(argv: list[str]) -> str:
    try:
        done = subprocess.run([argv[0], "--version"], capture_output=True, text=True, timeout=60, env=CHILD_ENV)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (done.stdout or done.stderr).strip().splitlines()[-1] if (done.stdout or done.stderr).strip() else "?"


def describe_design(row: Row, path: Path) -> None:
    row.size = path.stat().st_size
    lines = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            lines += chunk.count(b"\n")
    row.lines = lines


# --------------------------------------------------------------------------- reporting


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def fmt_size(n: int | None) -> str:
    if n is None:
        return ""
    for unit, factor in (("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} B"


def slopes(rows: list[Row], kind: str = "check") -> dict[int, float]:
    """Marginal cost (seconds per component) of each design over the next smaller one,
    among the rows of one kind of command.

    Fixed costs (imports, the catalog) cancel out, so a flat series means
    linear growth and a rising one superlinear work.
    """
    sized = sorted((r for r in rows if r.components and r.kind == kind), key=lambda r: r.components or 0)
    return {
        int(b.components or 0): (b.median - a.median) / ((b.components or 0) - (a.components or 0))
        for a, b in itertools.pairwise(sized)
    }


def table(rows: list[Row], baseline: Row) -> str:
    head = ("| command | components | lines | size | min | median | × `python -c pass` "
            "| CPU (median) | peak RSS | µs per added component | exit | findings |")
    out = [head]
    out.append("| " + " | ".join(["---"] + ["---:"] * 10 + ["---"]) + " |")
    marginal = {kind: slopes(rows, kind) for kind in {row.kind for row in rows}}
    for row in rows:
        per_component = ""
        if row.components in marginal[row.kind]:
            per_component = f"{marginal[row.kind][row.components] * 1e6:,.1f}"
        findings = ""
        if row.findings is not None and row.components and row.kind == "check":
            findings = str(row.findings)
            if row.input_codes:
                findings += " (" + ", ".join(row.input_codes) + ")"
        out.append("| " + " | ".join([
            row.label,
            f"{row.components:,}" if row.components else "",
            f"{row.lines:,}" if row.lines else "",
            fmt_size(row.size),
            fmt_ms(row.min),
            fmt_ms(row.median),
            f"{row.median / baseline.median:.2f}",
            fmt_ms(row.cpu_median),
            f"{row.rss_kib / 1024:.0f} MiB" if row.rss_kib else "n/a",
            per_component,
            row.exit_codes,
            findings,
        ]) + " |")
    return "\n".join(out)


def targets(rows: list[Row], baseline: Row) -> list[str]:
    by_label = {r.size_label: r for r in rows if r.components and r.kind == "check"}
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    small = by_label.get(SMALL_LABEL)
    if small:
        ratio = small.median / baseline.median
        lines.append(f"- 30 components within {SMALL_FACTOR:g}× `python -c pass`: "
                     f"{ratio:.2f}× ({fmt_ms(small.median)} vs {fmt_ms(baseline.median)}), "
                     f"{verdict(ratio <= SMALL_FACTOR)}")
    large = by_label.get(LARGE_LABEL)
    if large:
        lines.append(f"- 10k components within {LARGE_SECONDS:g} s: {fmt_ms(large.median)}, "
                     f"{verdict(large.median <= LARGE_SECONDS)}")
        if large.rss_kib:
            mib = large.rss_kib / 1024
            lines.append(f"- 10k components within {LARGE_RSS_MIB} MB of peak RSS: {mib:,.0f} MiB "
                         f"({mib * 1.048576:,.0f} MB), {verdict(mib * 1.048576 <= LARGE_RSS_MIB)}")
    references = [r for r in rows if r.kind == "yamllint" and r.size_label in by_label]
    if references:
        reference = max(references, key=lambda r: r.components or 0)
        ours = by_label[reference.size_label]
        ratio = reference.median / ours.median
        lines.append(f"- at least {YAMLLINT_FACTOR:g}× faster than yamllint on the same file "
                     f"({reference.size_label} components): {ratio:.1f}× ({fmt_ms(ours.median)} vs "
                     f"{fmt_ms(reference.median)}), {verdict(ratio >= YAMLLINT_FACTOR)}")
    # Linearity: the marginal cost per component over the last step of sizes
    # against the step before it (e.g. 1k -> 10k against 100 -> 1k).
    steps = sorted(slopes(rows).items())
    if len(steps) >= 2 and steps[-1][0] >= 1000:
        (n0, before), (n1, last) = steps[-2], steps[-1]
        if before > 0:
            growth = last / before
            lines.append(
                f"- linear growth: each added component costs {before * 1e6:,.1f} µs up to "
                f"{n0:,} components and {last * 1e6:,.1f} µs from there to {n1:,} "
                f"({growth:.2f}×; within {LINEAR_TOLERANCE:g}× counts as linear), "
                f"{verdict(growth <= LINEAR_TOLERANCE)}")
    for row in by_label.values():
        if row.input_codes:
            lines.append(f"- note: {row.label} reported input problems ({', '.join(row.input_codes)});"
                         " its time is not that of a full check")
    return lines


def machine_facts(startup: Row) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        usable = os.cpu_count() or 0
    try:
        import yaml
        pyyaml = f"PyYAML {yaml.__version__} (C loader: {'yes' if yaml.__with_libyaml__ else 'no'})"
    except ImportError:  # pragma: no cover
        pyyaml = "PyYAML not importable"
    version = startup.output.strip().splitlines()[-1] if startup.output.strip() else "?"
    return [
        f"- CPUs (`nproc`): {usable}; {cpu}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"- {pyyaml}; archlint: `{version}`",
        "- peak RSS: " + ("GNU `time -f %M`, one extra untimed run" if gnu_time()
                          else "`ru_maxrss` from `wait4` (an upper bound: it includes run.py's own peak)"),
    ]


# --------------------------------------------------------------------------- main


def reference_table(rows: list[Row]) -> str:
    """archlint against the reference tools on the same files: medians, peak memory,
    and how many times longer each tool takes than `archlint check`."""
    checks = {r.size_label: r for r in rows if r.kind == "check"}
    tools = [name for name in REFERENCES if any(r.kind == name for r in rows)]
    by_tool = {(r.kind, r.size_label): r for r in rows if r.kind in REFERENCES}
    head = "| design | `archlint check` | peak RSS |" + "".join(
        f" `{name}` | peak RSS | ÷ archlint |" for name in tools)
    out = [head, "| " + " | ".join(["---"] + ["---:"] * (2 + 3 * len(tools))) + " |"]
    for label, ours in checks.items():
        if not any((name, label) in by_tool for name in tools):
            continue
        cells = [f"`design-{label}` ({ours.components:,} components)", fmt_ms(ours.median), fmt_rss(ours)]
        for name in tools:
            theirs = by_tool.get((name, label))
            if theirs is None:
                cells += ["", "", ""]
            else:
                cells += [fmt_ms(theirs.median), fmt_rss(theirs), f"{theirs.median / ours.median:,.1f}×"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def fmt_rss(row: Row) -> str:
    return f"{row.rss_kib / 1024:,.0f} MiB" if row.rss_kib else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--sizes", default="30,100,1k,10k,50k",
                        help="designs to check and estimate: labels or counts (default %(default)s)")
    parser.add_argument("--archlint", help='command to run archlint (default: the venv\'s '
                        '"archlint", else "python -m archlint")')
    parser.add_argument("--out-dir", type=Path, default=generate.DEFAULT_OUT_DIR,
                        help="where the designs are (default benchmarks/out)")
    parser.add_argument("--references", default=",".join(REFERENCES),
                        help="reference tools to run on the same designs, or 'none' (default %(default)s)")
    parser.add_argument("--reference-sizes", default="1k,10k",
                        help="designs the reference tools run on (default %(default)s; they are slow)")
    parser.add_argument("--reference-runs", type=int, default=1,
                        help="timed runs per reference command, after archlint warmed the file cache "
                             "(default %(default)s)")
    parser.add_argument("--ratios", action="store_true",
                        help="measure the goals of issue 23 instead (start-up against yamllint, 1,000 files in "
                             "parallel, from the cache, memory; with 10k/50k in --sizes, the large designs) and print "
                             "each against its target in one table; --runs is the number of pairs")
    parser.add_argument("--markdown", action="store_true",
                        help="print a Results section ready to paste into benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.reference_runs < 1:
        parser.error("--runs and --reference-runs must be at least 1, --warmup at least 0")
    references = [] if args.references.strip() == "none" else [n.strip() for n in args.references.split(",")]
    unknown = [name for name in references if name not in REFERENCES]
    if unknown:
        parser.error(f"unknown reference tool(s): {', '.join(unknown)} (known: {', '.join(REFERENCES)})")

    archlint = archlint_command(args.archlint)
    labels = [generate.label_for(generate.parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    if args.ratios:
        import ratios

        args.out_dir.mkdir(parents=True, exist_ok=True)
        ensure_config(args.out_dir)
        try:
            goals = ratios.measure_goals(archlint, args.out_dir, ensure_design, args.runs, set(labels))
        except BenchmarkError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2
        print(ratios.table(goals))
        return 0
    paths = {label: ensure_design(label, args.out_dir) for label in labels}
    ensure_config(args.out_dir)
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        progress("note: PYTHONDONTWRITEBYTECODE is set here; the commands run without it, as in a normal "
                 "installation (the warm-up run writes the compiled modules)")

    baseline = Row("`python -c pass`", [sys.executable, "-c", "pass"], kind="")
    startup = Row("`archlint --version`", archlint + ["--version"], kind="")
    rows = [baseline, startup]
    for kind in ("check", "estimate"):
        for label in labels:
            path = paths[label]
            row = Row(f"`{kind} {path.name}`", archlint + [kind, str(path)],
                      components=generate.parse_size(label), size_label=label, kind=kind)
            describe_design(row, path)
            rows.append(row)
    reference_rows = []
    reference_labels = [generate.label_for(generate.parse_size(s)) for s in args.reference_sizes.split(",")
                        if s.strip()]
    versions = {}
    for name in references:
        command = reference_command(name)
        if command is None:
            progress(f"note: {name} is not installed next to {sys.executable}; skipping it "
                     f"(pip install {name})")
            continue
        versions[name] = tool_version(command)
        for label in reference_labels:
            path = ensure_design(label, args.out_dir)
            row = Row(f"`{name} {path.name}`", command + [str(path)], components=generate.parse_size(label),
                      size_label=label, kind=name)
            describe_design(row, path)
            reference_rows.append(row)

    progress(f"archlint command: {shlex.join(archlint)}; {args.runs} runs + {args.warmup} warm-up each")
    try:
        for row in rows:
            ok = {"check": CHECK_OK_EXIT, "estimate": OK_EXIT}.get(row.kind, OK_EXIT)
            measure(row, args.runs, args.warmup, ok, ROOT)
        for row in reference_rows:
            measure(row, args.reference_runs, 0, REFERENCE_OK_EXIT, ROOT)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2

    body = table(rows, baseline)
    compared = reference_table(rows + reference_rows) if reference_rows else ""
    verdicts = targets(rows + reference_rows, baseline)
    if args.markdown:
        print("## Results\n")
        print(f"Measured with `python benchmarks/run.py --runs {args.runs} --sizes {','.join(labels)}`"
              f" ({args.runs} runs after {args.warmup} warm-up; archlint run as "
              f"`{shlex.join(Path(a).name if i == 0 else a for i, a in enumerate(archlint))}`).\n")
        print("\n".join(machine_facts(startup)))
        if versions:
            print("- reference tools: " + "; ".join(versions.values())
                  + f" ({args.reference_runs} run each, after archlint's runs warmed the file cache)")
        print()
        print(body)
        if compared:
            print()
            print(compared)
        print()
        print("Targets:\n")
        print("\n".join(verdicts))
    else:
        print(body)
        if compared:
            print()
            print(compared)
        if verdicts:
            print()
            print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
