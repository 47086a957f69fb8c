"""`archlint check` imports only what it uses: never diagrams or jsonschema."""

import subprocess
import sys

from conftest import EXAMPLES

PROBE = """
import sys
from archlint.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="archlint", standalone_mode=False)
except SystemExit:
    pass
heavy = sorted(m for m in ("diagrams", "jsonschema", "graphviz", "pydantic") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


def _heavy(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True).stdout
    line = [probe for probe in out.splitlines() if probe.startswith("HEAVY=")][-1]
    return [m for m in line[len("HEAVY="):].split(",") if m]


def test_version_imports_no_models():
    assert _heavy("--version") == []


def test_check_imports_neither_diagrams_nor_jsonschema():
    """Nor pydantic: the catalog is read from tech.json, the design validated by the
    compiled table (archlint.language.fast); pydantic only when a design has a problem."""
    assert _heavy("check", "--no-cache", str(EXAMPLES / "url-shortener.arch.yaml")) == []


def test_a_check_answered_from_the_cache_imports_no_models(tmp_path):
    """An unchanged file (a pre-commit hook's usual case) needs neither the language's
    models nor the catalog nor any check: pydantic is not imported."""
    store = str(tmp_path / "cache")
    design = str(EXAMPLES / "naive-shop.arch.yaml")
    assert _heavy("check", "--cache-dir", store, design) == []  # checked: no pydantic either
    assert _heavy("check", "--cache-dir", store, design) == []


# Standard-library modules a start needs none of when no file is written, no plugin is
# installed and no name is misspelt (each costs from 1 to 5 ms to import).
EXTRAS = ("hashlib", "tempfile", "shutil", "zipfile", "importlib.resources", "importlib.metadata", "email",
          "difflib")
EXTRAS_PROBE = PROBE.replace('("diagrams", "jsonschema", "graphviz", "pydantic")', repr(EXTRAS))


def _extras(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", EXTRAS_PROBE, *args], capture_output=True, text=True,
                         check=True).stdout
    line = [probe for probe in out.splitlines() if probe.startswith("HEAVY=")][-1]
    return [m for m in line[len("HEAVY="):].split(",") if m]


def test_listing_the_rules_imports_no_stdlib_extras():
    """The rule packs are read as files, the plugins looked for without importlib.metadata
    (none is installed here), the package data digested without OpenSSL."""
    assert _extras("rules") == []
    assert _extras("--version") == []


def test_sha256_without_hashlib_is_sha256():
    from archlint.input.files import sha256_hex, yaml_digest

    abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2, "abc"
    assert sha256_hex(b"abc", use_hashlib=False) == sha256_hex(b"abc", use_hashlib=True) == abc
    assert yaml_digest(b"a\r\nb\n") == yaml_digest(b"a\nb\n") != yaml_digest(b"a\nb")


def test_package_data_is_read_beside_the_package():
    from importlib import resources

    import pytest

    from archlint.input.files import package_bytes

    expected = (resources.files("archlint.catalog") / "tech.yaml").read_bytes()
    assert package_bytes("archlint.catalog", "tech.yaml") == expected
    with pytest.raises(OSError):
        package_bytes("archlint.catalog", "no-such-file.json")


def test_package_data_inside_a_zip_is_read_through_importlib_resources(tmp_path, monkeypatch):
    import importlib
    import zipfile

    from archlint.input.files import package_bytes

    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped_data/__init__.py", "")
        bundle.writestr("zipped_data/table.json", '{"a": 1}')
    monkeypatch.syspath_prepend(str(archive))
    importlib.import_module("zipped_data")
    try:
        assert package_bytes("zipped_data", "table.json") == b'{"a": 1}'
    finally:
        monkeypatch.delitem(sys.modules, "zipped_data")
