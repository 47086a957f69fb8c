"""The result cache (`.archlint_cache/`): what it keeps, what makes it miss, and that a
cached run prints exactly what a fresh one does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from archlint.input.load import Limits
from archlint.run import cache as cache_module
from archlint.run import pipeline
from archlint.run.cache import ResultCache
from archlint.run.engine import Selection
from archlint.run.settings import FileSettings

SUPPRESSED = """\
archlint: 1
name: s
components:
  web: {kind: client, calls: [api]}
  api:
    kind: service
    replicas: 2
lint:
  ignore:
    OBS001: {reason: the platform team owns it, until: 2027-01-14}
"""

BROKEN = "archlint: 1\nname: [unclosed\n"

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


@pytest.fixture
def designs(tmp_path):
    """Good and bad inputs: a clean design, one with findings, a Markdown RFC, an input
    problem, and a suppression with an expiry date."""
    folder = tmp_path / "designs"
    folder.mkdir()
    for name in ("url-shortener.arch.yaml", "naive-shop.arch.yaml", "rfc-order-service.md"):
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "broken.arch.yaml").write_text(BROKEN)
    (folder / "suppressed.arch.yaml").write_text(SUPPRESSED)
    return folder


def forbid_checking(monkeypatch):
    """Make any file actually checked in this process fail the test."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a file was checked although its result is cached")

    monkeypatch.setattr("archlint.run.pipeline.check_file", refuse)


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_cached_run_prints_what_a_fresh_run_prints(designs, tmp_path, cli, monkeypatch, output_format):
    args = ["check", "--today", "2027-01-10", "--show-suppressed", "--format", output_format, str(designs)]
    if output_format != "text":
        args.remove("--show-suppressed")
    store = str(tmp_path / "store")
    fresh = cli(*args, "--no-cache")
    first = cli(*args, "--cache-dir", store)
    forbid_checking(monkeypatch)
    second = cli(*args, "--cache-dir", store)
    assert fresh.exit_code == first.exit_code == second.exit_code == 1
    assert first.output == fresh.output
    assert second.output == fresh.output
    if output_format == "text":  # every kind of input was in the run
        assert "broken.arch.yaml:3:1: INP002" in fresh.output
        assert "lint.ignore.OBS001, until 2027-01-14)" in fresh.output


def test_the_folder_has_its_own_gitignore_and_one_entry_per_file(designs, tmp_path, cli):
    store = tmp_path / "store"
    cli("check", "--cache-dir", str(store), str(designs))
    assert (store / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(list(store.glob("*.json"))) == 5
    assert not list(store.glob(".tmp-*"))


def test_a_folder_that_is_not_a_cache_is_left_alone(designs, tmp_path, cli):
    """`--cache-dir .` by mistake writes no .gitignore over a project (nor anything else)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("# a project\n")
    fresh = cli("check", "--no-cache", str(designs))
    assert cli("check", "--cache-dir", str(project), str(designs)).output == fresh.output
    assert sorted(p.name for p in project.iterdir()) == ["README.md"]


def test_the_default_folder_is_in_the_working_directory(designs, tmp_path, cli, monkeypatch):
    monkeypatch.setattr("archlint.run.cache.DEFAULT_DIR", ".archlint_cache")
    monkeypatch.chdir(tmp_path)
    cli("check", "designs")
    assert len(list((tmp_path / ".archlint_cache").glob("*.json"))) == 5


def test_the_configuration_names_the_folder_relative_to_itself(designs, tmp_path, cli, monkeypatch):
    (tmp_path / ".archlint.yaml").write_text("cache-dir: build/lint-cache\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    cli("check", str(designs))
    assert len(list((tmp_path / "build" / "lint-cache").glob("*.json"))) == 5


def test_a_bad_cache_dir_in_the_configuration_is_a_usage_error(designs, tmp_path, cli, monkeypatch):
    (tmp_path / ".archlint.yaml").write_text("cache-dir: 3\n")
    monkeypatch.chdir(tmp_path)
    result = cli("check", str(designs))
    assert result.exit_code == 2
    assert "cache-dir must be a folder's path" in result.output


def test_no_cache_neither_reads_nor_writes(designs, tmp_path, cli):
    store = tmp_path / "store"
    clean = designs / "url-shortener.arch.yaml"
    cli("check", "--cache-dir", str(store), str(clean))
    (entry,) = store.glob("*.json")
    # A forged entry with the right key: a cached run reports what it says, which
    # shows the entry is read; --no-cache does not read it.
    document = json.loads(entry.read_text())
    document["result"]["findings"] = [["OBS001", "warning", "forged", [], None, 0, 1, 1, None]]
    entry.write_text(json.dumps(document))
    assert "forged" in cli("check", "--cache-dir", str(store), str(clean)).output
    fresh = cli("check", "--no-cache", "--cache-dir", str(store), str(clean))
    assert fresh.output == "No problems found in 1 file (1 design).\n"
    other = tmp_path / "other"
    cli("check", "--no-cache", "--cache-dir", str(other), str(clean))
    assert not other.exists()


@pytest.mark.parametrize("damage", [
    "not json at all {",
    "",
    "[1, 2, 3]",
    '{"format": 1, "key": "another key", "result": {}}',
    "a truncated entry",
    "a bad severity",
    "another file's entry",
    "a path that is not a path",
])
def test_a_corrupt_or_foreign_entry_is_ignored_and_written_again(designs, tmp_path, cli, damage):
    store = tmp_path / "store"
    design = designs / "naive-shop.arch.yaml"
    fresh = cli("check", "--no-cache", str(design)).output
    cli("check", "--cache-dir", str(store), str(design))
    (entry,) = store.glob("*.json")
    good = entry.read_text()
    document = json.loads(good)
    if damage == "a truncated entry":
        text = good[: len(good) // 2]
    elif damage == "a bad severity":
        document["result"]["findings"][0][1] = "fatal"
        text = json.dumps(document)
    elif damage == "another file's entry":
        document["result"]["name"] = "elsewhere.arch.yaml"
        text = json.dumps(document)
    elif damage == "a path that is not a path":
        document["result"]["findings"][0][3] = {"components": 1}
        text = json.dumps(document)
    else:
        text = damage
    entry.write_text(text)
    assert cli("check", "--cache-dir", str(store), str(design)).output == fresh
    assert entry.read_text() == good  # rewritten


def test_a_file_whose_rule_crashed_is_not_cached(designs, tmp_path, cli, monkeypatch):
    from archlint.rules.metadata import builtin_rule_set

    def crash(_context):
        raise RuntimeError("boom")

    monkeypatch.setitem(builtin_rule_set().checks, "OBS001", crash)
    store = tmp_path / "store"
    result = cli("check", "--cache-dir", str(store), str(designs / "naive-shop.arch.yaml"))
    assert result.exit_code == 3 and "ENG001" in result.output
    assert not list(store.glob("*.json"))


# --- the key: a change to any part of it is a miss -------------------------------------

def key_of(tmp_path, settings=None, text="archlint: 1\nname: s\n", name="d.arch.yaml"):
    path = tmp_path / "d.arch.yaml"
    path.write_text(text)
    found = ResultCache(str(tmp_path / "store")).slot(str(path), name, settings or BASE_SETTINGS)
    assert found is not None
    return found


BASE_SETTINGS = FileSettings(today=dt.date(2027, 1, 10))


@pytest.mark.parametrize("change", [
    {"selection": Selection(select=("OBS",))},
    {"selection": Selection(extend_select=("OBS004",))},
    {"selection": Selection(ignore=("ARC001",))},
    {"config_options": {"ARC001": {"engineers_per_service": 3}}},
    {"cli_options": {"ARC001": {"engineers_per_service": 3}}},
    {"load_factor": 10.0},
    {"zone_availability": 0.999},
    {"region_availability": 0.999},
    {"limits": Limits(max_depth=20)},
    {"run_rules": False},
])
def test_each_setting_that_changes_findings_is_in_the_key(tmp_path, change):
    assert key_of(tmp_path, dataclasses.replace(BASE_SETTINGS, **change)) != key_of(tmp_path)


def test_fail_on_is_not_in_the_key(tmp_path):
    """It changes the exit code, which is computed from the findings on every run."""
    assert key_of(tmp_path, dataclasses.replace(BASE_SETTINGS, fail_on="info")) == key_of(tmp_path)


def test_the_bytes_and_the_name_are_in_the_key(tmp_path):
    slot, key = key_of(tmp_path)
    other_slot, other_key = key_of(tmp_path, text="archlint: 1\nname: t\n")
    assert other_slot == slot and other_key != key  # the same entry, rewritten on change
    assert key_of(tmp_path, name="./d.arch.yaml")[0] != slot


def test_a_result_holds_on_other_days_unless_a_suppression_has_a_date(designs, tmp_path, cli, monkeypatch):
    store = str(tmp_path / "store")
    undated, dated = str(designs / "naive-shop.arch.yaml"), str(designs / "suppressed.arch.yaml")
    cli("check", "--cache-dir", store, "--today", "2027-01-10", undated, dated)
    checked = []
    real = pipeline.check_file
    monkeypatch.setattr(pipeline, "check_file", lambda path, *rest: checked.append(path) or real(path, *rest))
    cli("check", "--cache-dir", store, "--today", "2027-01-10", undated, dated)
    assert checked == []
    cli("check", "--cache-dir", store, "--today", "2027-01-11", undated, dated)
    assert checked == [dated]


def test_an_escaped_until_dates_the_result_too(tmp_path, cli):
    """The date is read from the design, not searched in its bytes."""
    design = tmp_path / "d.arch.yaml"
    design.write_text(SUPPRESSED.replace("until:", '"\\u0075ntil":'))
    store = str(tmp_path / "store")
    assert "LNT002" not in cli("check", "--cache-dir", store, "--today", "2027-01-14", str(design)).output
    assert "LNT002" in cli("check", "--cache-dir", store, "--today", "2027-01-15", str(design)).output


def test_pack_content_is_in_the_key(tmp_path):
    pack = tmp_path / "pack.yaml"
    shutil.copy(EXAMPLES / "rule-packs" / "org-standards.yaml", pack)
    with_pack = dataclasses.replace(BASE_SETTINGS, rule_packs=(str(pack),))
    before = key_of(tmp_path, with_pack)
    assert before != key_of(tmp_path)
    pack.write_text(pack.read_text() + "\n# edited\n")
    cache_module._file_digest.cache_clear()  # a new process reads the pack again
    assert key_of(tmp_path, with_pack) != before


def test_plugins_and_archlint_itself_are_in_the_key(tmp_path, monkeypatch):
    before = key_of(tmp_path)
    monkeypatch.setattr(cache_module, "plugins_key", lambda: (("acme", "acme_rules:PLUGIN", "acme-rules", "1.2.0"),))
    with_plugin = key_of(tmp_path)
    monkeypatch.setattr(cache_module, "plugins_key", lambda: (("acme", "acme_rules:PLUGIN", "acme-rules", "1.3.0"),))
    upgraded = key_of(tmp_path)
    monkeypatch.setattr(cache_module, "code_key", lambda: ("9.9.9", "other code"))
    other_archlint = key_of(tmp_path)
    assert len({before, with_plugin, upgraded, other_archlint}) == 4


def test_a_changed_option_reads_no_stale_result(designs, tmp_path, cli):
    store = str(tmp_path / "store")
    design = str(designs / "naive-shop.arch.yaml")
    cli("check", "--cache-dir", store, design)
    for extra in (["--select", "OBS"], ["--ignore", "ARC"], ["--load", "100x"],
                  ["--option", "ARC001.engineers_per_service=3"]):
        assert cli("check", "--cache-dir", store, *extra, design).output == \
            cli("check", "--no-cache", *extra, design).output, extra


def test_an_expired_suppression_is_reported_the_day_after(designs, tmp_path, cli):
    store = str(tmp_path / "store")
    design = str(designs / "suppressed.arch.yaml")
    assert "LNT002" not in cli("check", "--cache-dir", store, "--today", "2027-01-14", design).output
    assert "LNT002" in cli("check", "--cache-dir", store, "--today", "2027-01-15", design).output


# --- concurrent runs ----------------------------------------------------------------------

def test_concurrent_runs_share_a_cache(designs, tmp_path):
    """Four processes start together on one folder and one cache: each prints what a
    run without the cache prints, and every entry left behind is whole and used."""
    for index in range(12):  # enough files that the runs overlap while writing
        shutil.copy(EXAMPLES / "naive-shop.arch.yaml", designs / f"copy-{index}.arch.yaml")
    store = tmp_path / "store"
    command = [sys.executable, "-m", "archlint", "check", "--format", "json", "--jobs", "1", str(designs)]
    fresh = subprocess.run(command + ["--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    runs = [subprocess.Popen(command + ["--cache-dir", str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [1] * 4
    assert all(out == fresh.stdout and err == "" for out, err in outputs)
    entries = list(store.glob("*.json"))
    assert len(entries) == 17
    assert not list(store.glob(".tmp-*"))
    for entry in entries:
        assert json.loads(entry.read_text())["format"] == cache_module.FORMAT
    again = subprocess.run(command + ["--cache-dir", str(store)], capture_output=True, text=True, cwd=ROOT,
                           timeout=120)
    assert again.stdout == fresh.stdout


def test_a_file_edited_while_it_is_checked_is_not_cached(designs, tmp_path, cli, monkeypatch):
    """The key comes from the bytes read before the check; an editor saving meanwhile
    means the findings may belong to either version, so none is kept."""
    target = designs / "naive-shop.arch.yaml"
    real = pipeline.check_file

    def check_then_edit(path, *args, **kwargs):
        checked = real(path, *args, **kwargs)
        target.write_text(target.read_text() + "\n# saved by an editor\n")
        return checked

    monkeypatch.setattr("archlint.run.pipeline.check_file", check_then_edit)
    store = tmp_path / "store"
    result = cli("check", "--jobs", "1", "--cache-dir", str(store), str(target))
    assert result.exit_code == 1 and "ARC001" in result.output
    assert not list(store.glob("*.json"))


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]])
def test_a_miss_reads_each_file_once(designs, tmp_path, cli, monkeypatch, jobs):
    """The bytes read for the key are the bytes checked, and the file is not read again
    to confirm the key before storing (its status is compared instead); by default too,
    for files too few to repay workers."""
    import builtins

    opened = []
    real_open = builtins.open

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    store = tmp_path / "store"
    cli("check", *jobs, "--cache-dir", str(store), str(designs))
    # (Markdown files are also opened while discovering, to look for archlint fences.)
    designs_read = sorted(path for path in opened if path.startswith(str(designs)) and path.endswith(".yaml"))
    assert designs_read == sorted(str(path) for path in designs.glob("*.yaml"))  # each once
    assert len(list(store.glob("*.json"))) == 5


def test_bytes_read_again_are_compared_with_the_key(tmp_path):
    """A worker reads the file itself: when those bytes are not the ones the key was
    taken from (rewritten in place, same size, same modification time), the result is
    not stored, since it belongs to other bytes than its key says."""
    import os

    from archlint.catalog import load_catalog

    path = tmp_path / "d.arch.yaml"
    path.write_text("archlint: 1\nname: s\n")
    cache = ResultCache(str(tmp_path / "store"))
    _source, entry = cache.probe(str(path), "d.arch.yaml", BASE_SETTINGS)
    assert entry is not None
    task = pipeline._Task(0, str(path), "d.arch.yaml", BASE_SETTINGS, None, entry)
    assert pipeline._check_task(task, load_catalog())[1] is True
    before = os.stat(path)
    path.write_text("archlint: 1\nname: t\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.unchanged(str(path), entry)  # the status cannot tell
    assert pipeline._check_task(task, load_catalog())[1] is False


def test_results_checked_by_workers_are_cached_and_read_back(designs, tmp_path, cli, monkeypatch):
    """Workers read their files themselves; what they checked is stored (their bytes
    match the keys) and a second run, parallel too, checks nothing and prints the same."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES_PER_WORKER", 1)
    monkeypatch.setattr(pipeline, "usable_cores", lambda: 2)
    store = tmp_path / "store"
    args = ["check", "--today", "2027-01-10", "--format", "json", "--cache-dir", str(store), str(designs)]
    fresh = cli("check", "--today", "2027-01-10", "--format", "json", "--no-cache", "--jobs", "1", str(designs))
    first = cli(*args)
    assert len(list(store.glob("*.json"))) == 5
    forbid_checking(monkeypatch)
    second = cli(*args)
    assert first.output == second.output == fresh.output
