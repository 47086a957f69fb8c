"""The goals of issue 23, each a ratio or a bound measured in one run: `python
benchmarks/run.py --ratios` prints them in one table against their targets.

Every ratio is taken pair by pair (A, B, A, B, ...: the two commands run in turn) and
the median of the pairs' ratios is reported, so that a machine whose speed drifts
(other work starting or ending) moves both sides of a pair alike. Peak memory is GNU
`time`'s figure for one extra run when it is installed, else `ru_maxrss` (an upper bound).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from run import CHECK_OK_EXIT, REFERENCES, BenchmarkError, failure_message, peak_rss, progress, run_once

MANY_FILES, MANY_SIZE = 1000, "100"


@dataclass
class Goal:
    name: str
    measured: str
    value: float
    target: float
    at_most: bool  # True: value <= target is met; False: value >= target
    unit: str = "×"

    @property
    def met(self) -> bool:
        return self.value <= self.target if self.at_most else self.value >= self.target

    def row(self) -> str:
        unit = self.unit if self.unit == "×" else f" {self.unit}"
        shown = f"{self.value:.2f}{unit}" if self.unit == "×" else f"{self.value:,.1f}{unit}"
        bound = f"{'≤' if self.at_most else '≥'} {self.target:g}{unit}"
        return f"| {self.name} | {self.measured} | {shown} | {bound} | {'met' if self.met else '**missed**'} |"


def timed(argv: list[str], cwd: Path) -> tuple[float, float, int | None]:
    """(wall, cpu, ru_maxrss KiB) of one run; a crash or a usage error stops the benchmark."""
    sample, stdout, stderr, rss = run_once(argv, cwd)
    if sample.exit_code not in CHECK_OK_EXIT or "Traceback (most recent call last)" in stderr:
        from run import Row

        raise BenchmarkError(failure_message(Row(" ".join(argv), argv), sample.exit_code, stdout, stderr))
    return sample.wall, sample.cpu, rss


def paired(a: list[str], b: list[str], pairs: int, cwd: Path, cpu: list[float] | None = None
           ) -> tuple[float, float, float]:
    """(median of A/B wall ratios, median A wall, median B wall), one warm-up pair first.
    `cpu`, when given, receives the median CPU time (user + system, the workers' included)
    of A and of B: on a shared machine the wall ratio of a parallel run against a serial
    one says how busy the other cores were, the CPU figures what the workers cost."""
    timed(a, cwd)
    timed(b, cwd)
    ratios, walls_a, walls_b, cpus_a, cpus_b = [], [], [], [], []
    for _ in range(pairs):
        wall_a, cpu_a, _rss = timed(a, cwd)
        wall_b, cpu_b, _rss = timed(b, cwd)
        ratios.append(wall_a / wall_b)
        walls_a.append(wall_a)
        walls_b.append(wall_b)
        cpus_a.append(cpu_a)
        cpus_b.append(cpu_b)
    if cpu is not None:
        cpu[:] = [statistics.median(cpus_a), statistics.median(cpus_b)]
    return statistics.median(ratios), statistics.median(walls_a), statistics.median(walls_b)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def many_files(out_dir: Path, ensure_design) -> Path:
    """MANY_FILES copies of the 100-component design in one folder (36 MB)."""
    folder = out_dir / f"many-{MANY_FILES}x{MANY_SIZE}"
    source = ensure_design(MANY_SIZE, out_dir)
    if not folder.is_dir() or len(list(folder.glob("*.arch.yaml"))) != MANY_FILES:
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(MANY_FILES):
            shutil.copyfile(source, folder / f"design-{index:04d}.arch.yaml")
    return folder


def measure_goals(archlint: list[str], out_dir: Path, ensure_design, pairs: int, sizes: set[str]) -> list[Goal]:
    """Each goal of the issue: those needing a 10k or 50k design only when `sizes` has it."""
    goals: list[Goal] = []
    yamllint = Path(sys.executable).parent / "yamllint"
    cwd = out_dir
    with tempfile.TemporaryDirectory() as scratch:
        cache = ["--cache-dir", str(Path(scratch) / "cache")]
        small = str(ensure_design("30", out_dir))
        if yamllint.exists():
            progress("start-up: check design-30 against yamllint, paired ...")
            lint = [str(yamllint), *REFERENCES["yamllint"], small]
            ratio, ours, theirs = paired(archlint + ["check", "--no-cache", small], lint, pairs, cwd)
            goals.append(Goal("start-up: `check` on 30 components ÷ yamllint on the same file",
                              f"{ms(ours)} vs {ms(theirs)}", ratio, 1.2, True))
            ratio, ours, theirs = paired(archlint + ["check", *cache, small], lint, pairs, cwd)
            goals.append(Goal("the same, file unchanged since the last run (result cache)",
                              f"{ms(ours)} vs {ms(theirs)}", ratio, 1.2, True))
        else:
            progress(f"note: yamllint is not installed next to {yamllint.parent}; start-up ratios left out")

        folder = str(many_files(out_dir, ensure_design))
        progress(f"{MANY_FILES} files of {MANY_SIZE} components: default (parallel when it pays) against --jobs 1 ...")
        cpu: list[float] = []
        ratio, parallel, serial = paired(archlint + ["check", "--no-cache", folder],
                                         archlint + ["check", "--no-cache", "--jobs", "1", folder], pairs, cwd, cpu)
        goals.append(Goal(f"{MANY_FILES:,} files of {MANY_SIZE} components: default ÷ `--jobs 1`",
                          f"{ms(parallel)} vs {ms(serial)} (CPU {ms(cpu[0])} vs {ms(cpu[1])})", ratio, 0.6, True))
        rss = peak_rss(archlint + ["check", "--no-cache", folder], cwd, None)
        if rss is None:
            rss = timed(archlint + ["check", "--no-cache", folder], cwd)[2]
        if rss is not None:
            goals.append(Goal(f"{MANY_FILES:,} files: peak memory", "peak RSS of one run", rss * 1024 / 1e6,
                              300, True, "MB"))
        timed(archlint + ["check", *cache, folder], cwd)  # fills the cache
        again = statistics.median(timed(archlint + ["check", *cache, folder], cwd)[0] for _ in range(pairs))
        goals.append(Goal(f"{MANY_FILES:,} files again, from the cache", "median wall time", again, 2, True, "s"))

    if "10k" in sizes:
        large, mid = str(ensure_design("10k", out_dir)), str(ensure_design("1k", out_dir))
        if yamllint.exists():
            progress("10k components against yamllint, paired ...")
            ratio, ours, theirs = paired(archlint + ["check", "--no-cache", large],
                                         [str(yamllint), *REFERENCES["yamllint"], large], max(1, pairs // 2), cwd)
            goals.append(Goal("10k components: yamllint ÷ `check`", f"{ms(theirs)} vs {ms(ours)}", 1 / ratio,
                              12, False))
        progress("growth from 1k to 10k components, paired ...")
        ratio, ten, one = paired(archlint + ["check", "--no-cache", large], archlint + ["check", "--no-cache", mid],
                                 pairs, cwd)
        goals.append(Goal("growth: `check` on 10k ÷ on 1k components", f"{ms(ten)} vs {ms(one)}", ratio, 11, True))
    if "50k" in sizes:
        huge = str(ensure_design("50k", out_dir))
        progress("50k components ...")
        walls = [timed(archlint + ["check", "--no-cache", huge], cwd)[0] for _ in range(max(1, pairs // 2))]
        goals.append(Goal("50k components: time", "median wall time", statistics.median(walls), 10, True, "s"))
        rss = peak_rss(archlint + ["check", "--no-cache", huge], cwd, None)
        if rss is not None:
            goals.append(Goal("50k components: peak memory", "peak RSS of one run", rss * 1024 / 1e6, 700, True,
                              "MB"))
    return goals


def table(goals: list[Goal]) -> str:
    lines = ["| goal (issue 23) | measured | value | target | verdict |", "| --- | --- | ---: | ---: | --- |"]
    return "\n".join(lines + [goal.row() for goal in goals])

