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
    assert _heavy("check", "--no-cache", str(EXAMPLES / "url-shortener.arch.yaml")) == ["pydantic"]


def test_a_check_answered_from_the_cache_imports_no_models(tmp_path):
    """An unchanged file (a pre-commit hook's usual case) needs neither the language's
    models nor the catalog nor any check: pydantic is not imported."""
    store = str(tmp_path / "cache")
    design = str(EXAMPLES / "naive-shop.arch.yaml")
    assert _heavy("check", "--cache-dir", store, design) == ["pydantic"]
    assert _heavy("check", "--cache-dir", store, design) == []
