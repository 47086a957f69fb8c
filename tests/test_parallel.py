"""Checking in worker processes gives exactly the result of checking in one process."""

import shutil

import pytest
from conftest import EXAMPLES

from archlint.catalog import load_catalog
from archlint.run import pipeline
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
    one = run_process("check", "--format", "json", "--no-cache", str(tmp_path))
    two = run_process("check", "--format", "json", "--no-cache", "-j", "2", str(tmp_path))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout


@pytest.fixture
def mixed(tmp_path):
    """Good and bad inputs side by side: clean designs, designs with findings and
    suppressions, a Markdown RFC, a YAML syntax error, a file that is not a design."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for index, source in enumerate(sorted(EXAMPLES.glob("*.arch.yaml"))):
        shutil.copy(source, folder / f"{index:02d}-{source.name}")
    shutil.copy(EXAMPLES / "rfc-order-service.md", folder / "rfc.md")
    (folder / "broken.arch.yaml").write_text("archlint: 1\nname: [unclosed\n")
    (folder / "list.arch.yaml").write_text("- not\n- a design\n")
    (folder / "expired.arch.yaml").write_text(
        "archlint: 1\nname: s\ncomponents:\n  api: {kind: service, replicas: 2}\n"
        "lint:\n  ignore:\n    OBS001: {reason: later, until: 2020-01-01}\n")
    return folder


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_workers_print_byte_for_byte_what_one_process_prints(mixed, cli, output_format):
    serial = cli("check", "--no-cache", "--jobs", "1", "--format", output_format, str(mixed))
    parallel = cli("check", "--no-cache", "--jobs", "2", "--format", output_format, str(mixed))
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.output == serial.output
    if output_format == "text":
        assert "broken.arch.yaml:3:1: INP002" in serial.output and "LNT002" in serial.output


@pytest.mark.parametrize(("sizes", "cores", "expected"), [
    ([10_000] * 50, 8, 1),  # many small files: 0.5 MB in all, less than the workers cost
    ([5_000_000], 8, 1),  # one file: nothing to share
    ([800_000, 800_000], 8, 2),  # 1.6 MB: two workers' worth
    ([400_000] * 10, 8, 5),  # 4 MB: five workers' worth of 750 kB
    ([400_000] * 10, 2, 2),  # never more than the cores
    ([400_000] * 10, 1, 1),
])
def test_workers_by_default_only_when_the_work_repays_them(tmp_path, monkeypatch, sizes, cores, expected):
    monkeypatch.setattr(pipeline, "usable_cores", lambda: cores)
    paths = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"{index}.arch.yaml"
        with open(path, "wb") as out:
            out.truncate(size)  # a sparse file: only its size counts here
        paths.append(str(path))
    assert pipeline.auto_jobs(paths) == expected


def test_check_uses_workers_by_default_and_jobs_1_forces_one_process(mixed, cli, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES_PER_WORKER", 1)
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)
    used = []
    real = pipeline._check_parallel

    def spy(tasks, jobs):
        used.append(jobs)
        return real(tasks, jobs)

    monkeypatch.setattr(pipeline, "_check_parallel", spy)
    default = cli("check", "--no-cache", str(mixed))
    assert used == [2]
    forced = cli("check", "--no-cache", "--jobs", "1", str(mixed))
    assert used == [2]
    assert default.output == forced.output


def test_workers_take_files_in_chunks_of_consecutive_files(tmp_path):
    """10 files of 100 kB for 2 workers: a chunk is min(160 kB, 1,000 kB / (4 x 2) =
    125 kB) or more, so two files (200 kB) a chunk, five chunks, in order."""
    tasks = []
    for index in range(10):
        path = tmp_path / f"{index}.arch.yaml"
        with open(path, "wb") as out:
            out.truncate(100_000)
        tasks.append(pipeline._Task(index, str(path), path.name, FileSettings()))
    grouped = pipeline.chunks(tasks, 2)
    assert [[task.index for task in chunk] for chunk in grouped] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert pipeline.chunks(tasks[:1], 2) == [tasks[:1]]
