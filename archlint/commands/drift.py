"""`archlint drift DESIGN --from FORMAT PATH...`: does the design still describe what is
deployed? Differences are DRF findings, reported and exiting as `check` does."""

from __future__ import annotations

import click

from archlint.commands.common import EXIT_CLEAN, EXIT_FINDINGS, finish, print_findings
from archlint.findings import Finding

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
SOURCES = {"compose": "the Compose files", "kubernetes": "the manifests"}


@click.command("drift")
@click.argument("design_path", metavar="DESIGN", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--from",
    "from_format",
    required=True,
    type=click.Choice(tuple(SOURCES)),
    metavar="FORMAT",
    help=f"What the deployment is described in: {', '.join(SOURCES)}.",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format, as for check.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write the report to FILE (default: standard output).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the run fail (exit 1).",
)
@click.option(
    "--profile", "profiles", multiple=True, metavar="NAME", help="compose: services of this profile count too."
)
@click.option("--today", metavar="YYYY-MM-DD", help="The date suppressions' `until` is compared with.")
def command(
    design_path: str,
    from_format: str,
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str,
    profiles: tuple[str, ...],
    today: str | None,
) -> None:
    """Compare DESIGN with the Compose files or Kubernetes manifests at PATH...

    Reports components on one side only (DRF001, DRF002), replicas and autoscaling that
    differ (DRF003, DRF004), links the manifests show that the design lacks (DRF005) and
    technologies that differ (DRF006). A design may accept a difference in `lint.ignore`
    with its reason, and name a component's deployed counterpart with `x-deployed-as`.
    Exit 1 when a finding is at or above --fail-on, as for check."""
    from archlint.catalog import load_catalog
    from archlint.commands.check import render_report
    from archlint.commands.common import emit
    from archlint.commands.common import today as today_of
    from archlint.commands.import_ import build_draft
    from archlint.input.discover import display_name
    from archlint.interop.drift import DRIFT_CODES, compare
    from archlint.interop.source import ImportProblem
    from archlint.rules.metadata import builtin_rules
    from archlint.run.engine import apply_suppressions
    from archlint.run.pipeline import CheckResult, check_file
    from archlint.run.settings import FileSettings

    catalog = load_catalog()
    date = today_of(today)
    name = display_name(design_path)
    result = check_file(design_path, name, FileSettings(run_rules=False), catalog)
    if result.findings:
        print_findings(result)
        finish(EXIT_FINDINGS)
        return
    try:
        draft = build_draft(from_format, list(paths), None, profiles)
    except ImportProblem as problem:
        click.echo(str(problem), err=True)
        finish(EXIT_FINDINGS)
        return
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    for design_result in result.designs:
        block = design_result.block
        found = compare(design_result.design, block.data, draft, catalog, SOURCES[from_format])
        kept = apply_suppressions(found, design_result.design, set(DRIFT_CODES), builtin_rules(), date)
        for finding in kept:
            if finding.code.startswith("DRF") or str(finding.path[-1:] and finding.path[-1]).startswith("DRF"):
                line, column = block.locate(finding.path)
                placed = finding.at(name, block.index, line, column)
                (findings if placed.suppression is None else suppressed).append(placed)
    result.findings = sorted(findings, key=lambda f: f.sort_key())
    result.suppressed = sorted(suppressed, key=lambda f: f.sort_key())  # accepted in lint.ignore
    report = CheckResult(files=[result], fail_on={name: fail_on})
    emit(render_report(output_format, report, color=False, quiet=False, statistics=False), output)
    finish(EXIT_FINDINGS if report.fails() else EXIT_CLEAN)
