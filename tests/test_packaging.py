"""The built wheel carries what the package reads at run time: rule packs, the catalog."""

import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # builds a wheel in a fresh environment


def test_wheel_carries_rule_packs_and_catalog(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "out", ".mypy_cache", ".ruff_cache"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("archlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert packs and {f"archlint/rulepacks/{name}" for name in packs} <= names
    assert "archlint/catalog/tech.yaml" in names
    assert "archlint/catalog/tech.json" in names  # the precompiled catalog, read by every check
    assert "archlint/language/fields.yaml" in names
    packages = {str(init.parent.relative_to(ROOT)) for init in (ROOT / "archlint").rglob("__init__.py")}
    missing = sorted(p for p in packages if f"{p}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel (add them to pyproject.toml): {missing}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "archlint = archlint.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
