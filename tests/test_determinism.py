"""Same input, byte-identical output: across runs, hash seeds (set and dict order of
strings) and the order in which files are named, for every output format of `check`
(read from `archlint check --help`, so a new format is covered the day it is added),
both formats of `estimate`, and `rules --format json`.

Each run is a real process, since the hash seed is fixed when Python starts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # dozens of processes per format and seed

SEEDS = ("0", "1", "4242", "random")
# A fixed date: suppressions with an `until` compare with it, not with the clock.
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "NO_COLOR": "1"}


def formats(cli, command: str) -> list[str]:
    """The choices of --format as `archlint COMMAND --help` lists them."""
    help_text = cli(command, "--help").output
    match = re.search(r"--format\s+\[([^\]]+)\]", help_text)
    assert match, help_text
    return [name.strip() for name in match[1].split("|")]


def run(args: list[str], cwd: Path, seed: str) -> tuple[int, bytes, bytes]:
    env = {**os.environ, **ENV, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "archlint", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def run_all(jobs: list[tuple[list[str], Path, str]]) -> list[tuple[int, bytes, bytes]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda job: run(*job), jobs))


@pytest.fixture(scope="module")
def designs(tmp_path_factory) -> Path:
    """A folder of designs with many findings of many rules, clean ones, Markdown,
    and input problems."""
    root = tmp_path_factory.mktemp("determinism")
    folder = root / "designs"
    folder.mkdir()
    for path in sorted(EXAMPLES.iterdir()):
        if path.name.endswith((".arch.yaml", ".md")):
            shutil.copy(path, folder / path.name)
    shutil.copy(DATA / "every-field.arch.yaml", folder / "every-field.arch.yaml")
    for path in sorted((ROOT / "tests" / "rules").glob("*/bad*.arch.yaml"))[::7]:
        shutil.copy(path, folder / f"{path.parent.name}-{path.name}")
    (folder / "broken.arch.yaml").write_text("archlint: 1\nname: broken\ncomponents:\n  api: {kind: servise}\n")
    return root


def test_check_output_is_identical_whatever_the_seed_and_order(cli, designs):
    names = sorted(f"designs/{p.name}" for p in (designs / "designs").iterdir())
    assert len(names) > 10
    orders = {
        "named in order": names,
        "named in reverse": names[::-1],
        "as a directory": ["designs"],
        "directory and files": ["designs", *names[:3]],
    }
    if "--jobs" in cli("check", "--help").output:  # worker processes finish in any order
        orders["as a directory"] = ["designs", "--jobs", "2"]
    chosen = formats(cli, "check")
    assert {"text", "json"} <= set(chosen)
    jobs, labels = [], []
    for output_format in chosen:
        for (label, paths), seed in zip(orders.items(), SEEDS):
            jobs.append((["check", *paths, "--format", output_format, "--no-cache"], designs, seed))
            labels.append((output_format, label, seed))
    results = run_all(jobs)
    for output_format in chosen:
        runs = [(label, result) for label, result in zip(labels, results) if label[0] == output_format]
        (first_label, first), *others = runs
        assert first[0] == 1 and first[1], (first_label, first[2].decode()[-2000:])
        for label, result in others:
            assert result == first, f"{label} differs from {first_label}"


def test_estimate_output_is_identical_whatever_the_seed(cli, designs):
    chosen = formats(cli, "estimate")
    assert {"text", "json"} <= set(chosen)
    files = ["designs/naive-shop.arch.yaml", "designs/every-field.arch.yaml"]
    jobs = [(["estimate", name, "--format", output_format], designs, seed)
            for name in files for output_format in chosen for seed in SEEDS[:3]]
    results = run_all(jobs)
    for start in range(0, len(jobs), 3):
        first = results[start]
        assert first[0] == 0 and first[1], first[2].decode()[-2000:]
        assert results[start + 1] == first and results[start + 2] == first, jobs[start]


def test_rules_json_is_identical_whatever_the_seed(designs):
    results = run_all([(["rules", "--format", "json"], designs, seed) for seed in SEEDS])
    assert results[0][0] == 0 and results[0][1].lstrip()[:1] in (b"[", b"{")
    assert all(result == results[0] for result in results[1:])
