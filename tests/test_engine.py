"""The engine isolates rules: a crash is one ENG001 finding, the other rules still run."""

import datetime as dt

from conftest import EXAMPLES, run_process

from archlint.analysis import derive
from archlint.catalog import load_catalog
from archlint.rules import builtin_checks
from archlint.rules.metadata import builtin_rules
from archlint.run.engine import RuleRun, Selection, run_rules
from archlint.run.pipeline import check_file
from archlint.run.settings import FileSettings


def _design():
    result = check_file(str(EXAMPLES / "naive-shop.arch.yaml"), "naive", FileSettings(run_rules=False), load_catalog())
    design = result.designs[0]
    return derive(design.design, design.graph, load_catalog())


def test_a_crashing_rule_is_one_finding_and_the_others_still_run():
    def broken(ctx):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    checks = dict(builtin_checks())
    checks["RES001"] = broken
    run = RuleRun(terms=_design(), metas=builtin_rules(), checks=checks, selection=Selection(select=("RES", "OBS")),
                  today=dt.date(2027, 1, 1))
    findings = run_rules(run)
    (crash,) = [f for f in findings if f.code == "ENG001"]
    assert "RES001" in crash.message and "ZeroDivisionError" in crash.message
    assert {"RES002", "OBS001"} <= {f.code for f in findings}


def test_crash_exits_3(tmp_path):
    probe = (
        "import sys\n"
        "from archlint.rules import builtin_checks\n"
        "import archlint.rules as r\n"
        "checks = builtin_checks()\n"
        "def broken(ctx): raise RuntimeError('boom')\n"
        "r._CHECKS['OBS001'] = broken\n"
        "r.builtin_checks.cache_clear()\n"
        "from archlint.cli import main\n"
        "sys.argv = ['archlint', 'check', '--no-cache', sys.argv[1]]  # the cache's key knows no patched rule\n"
        "main()\n"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", probe, str(EXAMPLES / "naive-shop.arch.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 3
    assert "ENG001 error rule-crashed: rule OBS001 (observability-missing) crashed: RuntimeError: boom" in result.stdout
    assert "RES001" in result.stdout  # the other rules ran


def test_options_precedence(tmp_path):
    """Rule default < configuration file < the design's lint.options < --option."""
    design = tmp_path / "d.arch.yaml"
    services = "".join(f"  s{i}: {{kind: service}}\n" for i in range(6))
    base = "archlint: 1\nname: p\nteam: {engineers: 20}\ncomponents:\n" + services

    def fires(*args, lint=""):
        design.write_text(base + lint)
        result = run_process("check", "--select", "ARC001", *args, str(design))
        return "ARC001" in result.stdout

    assert not fires()  # 6 services, 20 engineers: 20 / 2 = 10 allowed
    (tmp_path / ".archlint.yaml").write_text("options: {ARC001: {engineers_per_service: 4}}\n")
    assert fires()  # 20 / 4 = 5 < 6
    lint = "lint: {options: {ARC001: {engineers_per_service: 2}}}\n"
    assert not fires(lint=lint)  # the design beats the configuration
    assert fires("--option", "ARC001.engineers_per_service=4", lint=lint)  # the flag beats both
