#!/usr/bin/env python3
"""Custom rules: what conditions cost, and what a pack adds to `archlint check`.

1. Evaluations per second of one condition over the components of the 10k design,
   for archlint's own condition language (archlint.custom.expr) and, when they are
   importable, the two CEL libraries on PyPI: `cel-python` (module `celpy`, pure
   Python) and `common-expression-language` (module `cel`, Rust bindings). Each gets
   the same plain map per component (the fields as written, plus `id`).
2. `archlint check design-10k.arch.yaml` as whole processes, with a configuration
   that lists no pack and with one listing a pack of 20 declarative rules.

    python benchmarks/custom_rules.py                 # both parts
    python benchmarks/custom_rules.py --runs 7
    PYTHONPATH=/path/to/site-packages-with-cel python benchmarks/custom_rules.py --part expr
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DESIGN = HERE / "out" / "design-10k.arch.yaml"

OURS = "owner == null or (kind in ['service', 'worker'] and replicas < 3)"
CEL = ("!has(c.owner) || (has(c.kind) && c.kind in ['service', 'worker'] && has(c.replicas) && "
       "c.replicas < 3)")

# Twenty rules over components, edges and flows, each touching fields or figures.
PACK_RULES = [
    ("components: {kind: [service, worker]}", "owner == null"),
    ("components: {kind: [service]}", "replicas == null or replicas < 2"),
    ("components: {kind: [queue]}", "queue.dlq == null or queue.max_depth == null"),
    ("components: {data: [payments]}", "tech == 'mongodb'"),
    ("components: {}", "public == true and security.auth == null"),
    ("components: {}", "utilisation > 70%"),
    ("components: {}", "load > 5k/s and copies < 2"),
    ("components: {kind: [database]}", "backups == null"),
    ("components: {kind: [database]}", "zones < 2"),
    ("components: {kind: [cache]}", "cache.ttl == null"),
    ("components: {}", "description == null and kind == 'service'"),
    ("components: {}", "managed and rmin < 1"),
    ("components: {kind: [service]}", "autoscaling != null and rmax > 50"),
    ("edges: {type: calls}", "timeout == null"),
    ("edges: {type: calls}", "retries.max > 3"),
    ("edges: {type: calls, to: {kind: [database]}}", "source.kind != 'service'"),
    ("edges: {type: publishes}", "target.queue.dlq == null"),
    ("edges: {type: consumes}", "idempotent != true"),
    ("flows: {}", "latency_p99 == null"),
    ("flows: {}", "estimated_availability < 99.9%"),
]


def pack_text() -> str:
    entries = []
    for number, (select, condition) in enumerate(PACK_RULES, start=1):
        entries.append(
            f"- code: BEN{number:03d}\n  name: bench-rule-{number}\n  severity: info\n"
            f"  summary: Benchmark rule {number}.\n  select: {{{select}}}\n"
            f"  condition: {condition!r}\n  message: 'rule {number} fires'\n"
        )
    return "".join(entries)


def component_maps() -> list[dict]:
    import yaml

    data = yaml.load(DESIGN.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    maps = []
    for cid, component in (data.get("components") or {}).items():
        item = {key: value for key, value in (component or {}).items() if isinstance(value, (str, int, float, bool))}
        item["id"] = cid
        maps.append(item)
    return maps


def rate(evaluate, items: list, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            evaluate(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def expr_part() -> None:
    items = component_maps()
    print(f"{len(items)} components; evaluations per second (best of 3 passes):")
    from archlint.custom.expr import compile_condition

    def resolve(path):
        name = ".".join(path)
        return lambda item: item.get(name)

    ours = compile_condition(OURS, resolve)
    print(f"  archlint.custom.expr             {rate(ours, items):>12,.0f}/s  fired {sum(map(ours, items))}")
    try:
        import celpy
        from celpy import celtypes

        environment = celpy.Environment()
        program = environment.program(environment.compile(CEL))
        activations = [{"c": celpy.json_to_cel(item)} for item in items]
        fired = sum(bool(program.evaluate(a)) for a in activations)
        print(f"  cel-python (celpy)        {rate(program.evaluate, activations):>12,.0f}/s  fired {fired}")
        del celtypes
    except ImportError:
        print("  cel-python: not installed")
    try:
        import cel

        try:
            compiled = cel.compile(CEL)
            run = lambda item: compiled.execute({"c": item})  # noqa: E731
        except AttributeError:
            run = lambda item: cel.evaluate(CEL, {"c": item})  # noqa: E731
        fired = sum(bool(run(item)) for item in items)
        print(f"  common-expression-language {rate(run, items):>11,.0f}/s  fired {fired}")
    except ImportError:
        print("  common-expression-language: not installed")


def archlint_command() -> list[str]:
    beside = Path(sys.executable).with_name("archlint")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "archlint"]


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for index in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
        if index:  # the first run warms the caches
            times.append(elapsed)
    return times


def pack_part(runs: int) -> None:
    if not DESIGN.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--standard"], check=True)
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder, "plain.archlint.yaml")
        plain.write_text("limits: {max-file-size: 100MB}\n")
        packed = Path(folder, ".archlint.yaml")
        Path(folder, "bench-pack.yaml").write_text(pack_text())
        packed.write_text("limits: {max-file-size: 100MB}\nrule-packs: [bench-pack.yaml]\n")
        base = archlint_command() + ["check", str(DESIGN), "-q", "--statistics"]
        without = timed(base + ["--config", str(plain)], runs)
        with_pack = timed(base + ["--config", str(packed)], runs)
    low, high = statistics.median(without), statistics.median(with_pack)
    print(f"check design-10k, median of {runs}: without pack {low * 1000:,.0f} ms, with 20 rules "
          f"{high * 1000:,.0f} ms (+{(high / low - 1) * 100:.1f}%); min {min(without) * 1000:,.0f} / "
          f"{min(with_pack) * 1000:,.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["expr", "pack", "all"], default="all")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    os.chdir(ROOT)
    if options.part in ("expr", "all"):
        expr_part()
    if options.part in ("pack", "all"):
        pack_part(options.runs)


if __name__ == "__main__":
    main()
