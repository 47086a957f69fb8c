"""A run over many files keeps, per file, its findings and the little reports read,
not its design, graph and derived terms: what it holds does not grow with its designs."""

import gc
import shutil
import tracemalloc

from conftest import EXAMPLES

from archlint.catalog import load_catalog
from archlint.run.pipeline import check_file, run_check
from archlint.run.settings import FileSettings


def held(call):
    """Bytes still allocated after `call` returns, its result alive (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before, result
    finally:
        tracemalloc.stop()


def test_memory_held_per_file_does_not_grow_with_its_design(tmp_path):
    # url-shortener is clean: no findings, so a file should cost only its small records.
    files = []
    for index in range(60):
        target = tmp_path / f"{index:02d}.arch.yaml"
        shutil.copy(EXAMPLES / "url-shortener.arch.yaml", target)
        files.append((str(target), target.name))
    settings, catalog = FileSettings(), load_catalog()
    run_check(files[:2], lambda _path: settings, catalog)  # warm the process-wide caches
    few, few_result = held(lambda: run_check(files[:10], lambda _path: settings, catalog))
    many, many_result = held(lambda: run_check(files, lambda _path: settings, catalog))
    assert few_result.findings == many_result.findings == []
    per_file = (many - few) / 50
    one_whole, whole = held(lambda: check_file(*files[0], settings, catalog))
    assert whole.designs[0].design is not None  # what a run used to keep for every file
    assert per_file < 3_000, f"{per_file:.0f} bytes held per file"
    assert one_whole > 20 * per_file  # the test can tell the two apart


def test_compact_lines_are_read_a_piece_at_a_time(monkeypatch):
    from archlint.run import results

    monkeypatch.setattr(results, "_PIECE", 3)  # pieces end at the first \n past 3 characters
    text = "a: 1\r\nb: 2\rc: 3\u2028d: 4\n\ne: 5"
    # YAML breaks lines at \r\n, \r and U+2028 too: a, b, c, d, an empty line, e.
    assert results.lines_at(text, False, {1, 3, 4, 5, 6, 7}) == {1: "a: 1", 3: "c: 3", 4: "d: 4", 5: "", 6: "e: 5"}
    # Markdown counts \n only, and drops a \r before it.
    assert results.lines_at(text, True, {1, 2, 3, 4}) == {1: "a: 1", 2: "b: 2\rc: 3\u2028d: 4", 3: "", 4: "e: 5"}
    assert results.lines_at("", False, {1}) == {}
    # Lines broken by \n alone (str.split's path): the same numbering, in both kinds of file.
    for is_markdown in (False, True):
        assert results.lines_at("a: 1\nb: 2\n\nc: 3", is_markdown, {1, 3, 4, 5}) == {1: "a: 1", 3: "", 4: "c: 3"}


def test_a_checked_design_leaves_no_cycles_for_the_collector():
    # The collector is off while a file is checked: a design held in reference cycles
    # would stay until a collection traverses it, a design's worth of objects per file.
    settings, catalog = FileSettings(), load_catalog()
    path = str(EXAMPLES / "naive-shop.arch.yaml")  # findings of many rules: every figure computed
    check_file(path, "naive-shop.arch.yaml", settings, catalog).compact()  # warm the process-wide caches
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        result = check_file(path, "naive-shop.arch.yaml", settings, catalog).compact()
        assert len(result.findings) > 20
        assert gc.collect() == 0  # nothing unreachable: everything went by reference counting
    finally:
        if was:
            gc.enable()


def test_only_the_last_file_is_left_for_the_exit(tmp_path):
    # A real `check` process ends without freeing its heap: the last file's design need
    # not be freed object by object first. The files before it are freed as usual.
    files = []
    for name in ("a.arch.yaml", "b.arch.yaml"):
        shutil.copy(EXAMPLES / "naive-shop.arch.yaml", tmp_path / name)
        files.append((str(tmp_path / name), name))
    settings, catalog = FileSettings(), load_catalog()
    left: list = []
    kept = run_check(files, lambda _path: settings, catalog, leave=left)
    freed = run_check(files, lambda _path: settings, catalog)
    assert [f.findings for f in kept.files] == [f.findings for f in freed.files]
    assert len(kept.files[1].findings) > 20
    (full,) = left
    assert full.name == "b.arch.yaml" and full.designs[0].design is not None
