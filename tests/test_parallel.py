"""Checking in worker processes gives exactly the result of checking in one process."""

import shutil

from conftest import EXAMPLES

from archlint.catalog import load_catalog
from archlint.run.pipeline import run_check
from archlint.run.settings import FileSettings


def test_parallel_result_equals_sequential(tmp_path):
    files = []
    for index, source in enumerate(sorted(EXAMPLES.glob("*.arch.yaml")) * 3):
        target = tmp_path / f"{index:02d}-{source.name}"
        shutil.copy(source, target)
        files.append((str(target), target.name))
    settings = FileSettings()
    seen = []
    sequential = run_check(files, lambda _p: settings, load_catalog(), jobs=1)
    parallel = run_check(files, lambda _p: settings, load_catalog(), jobs=2,
                         progress=lambda done, total: seen.append((done, total)))
    assert [f.name for f in parallel.files] == [f.name for f in sequential.files]
    assert parallel.findings == sequential.findings
    assert [len(f.designs) for f in parallel.files] == [len(f.designs) for f in sequential.files]
    assert seen[-1] == (len(files), len(files)) and len(seen) == len(files)


def test_jobs_flag(tmp_path):
    from conftest import run_process

    for index in range(3):
        shutil.copy(EXAMPLES / "naive-shop.arch.yaml", tmp_path / f"{index}.arch.yaml")
    one = run_process("check", "--format", "json", str(tmp_path))
    two = run_process("check", "--format", "json", "-j", "2", str(tmp_path))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
