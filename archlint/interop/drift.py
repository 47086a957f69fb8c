"""`archlint drift`: a hand-written design against what the manifests deploy.

Pure: a validated design (and its raw data, for `x-deployed-as`), a draft imported
from the manifests and the catalog in, DRF findings with YAML paths out. Only what
both sides state is compared, so that silence on one side is never reported as a
difference, except a component one side has and the other lacks.
"""

from __future__ import annotations

from typing import Any

from archlint.findings import Finding
from archlint.interop.draft import Draft, DraftComponent

DRIFT_CODES = ("DRF001", "DRF002", "DRF003", "DRF004", "DRF005", "DRF006")
# Kinds a Compose file or a cluster runs itself; the others (clients, DNS, CDNs, managed
# functions, third parties) are never in manifests.
DEPLOYABLE = frozenset(
    {
        "service",
        "worker",
        "database",
        "cache",
        "queue",
        "stream",
        "search",
        "object_storage",
        "load_balancer",
        "api_gateway",
    }
)
SEVERITY = {
    "DRF001": "error",
    "DRF002": "error",
    "DRF003": "warning",
    "DRF004": "warning",
    "DRF005": "warning",
    "DRF006": "warning",
}


def _finding(code: str, message: str, path: tuple[Any, ...], hint: str | None = None) -> Finding:
    return Finding(code, SEVERITY[code], message, path, hint)


def compare(design: Any, raw: dict[str, Any], draft: Draft, catalog: Any, source: str) -> list[Finding]:
    """Differences between `design` and `draft`; `source` names the manifests in messages
    (`the Compose files`, `the manifests`)."""
    findings: list[Finding] = []
    deployed_as = _deployed_names(design, raw)
    matched: dict[str, DraftComponent] = {}
    for cid, component in design.components.items():
        found = draft.components.get(deployed_as[cid])
        if found is not None:
            matched[cid] = found
            continue
        kind = _kind(component, catalog)
        entry = catalog.lookup(component.tech) if component.tech else None
        if kind not in DEPLOYABLE or (entry is not None and entry.managed):
            continue  # a managed service or an outside party: not something manifests deploy
        name = deployed_as[cid]
        also = f" (as {name})" if name != cid else ""
        findings.append(
            _finding(
                "DRF001",
                f"{cid}{also} ({kind}) is in the design but {source} deploy nothing by that name",
                ("components", cid),
                hint=f"remove it from the design, deploy it, or name its deployed counterpart with "
                f"components.{cid}.x-deployed-as",
            )
        )
    claimed = {deployed_as[cid] for cid in design.components}
    for name, found in draft.components.items():
        if name not in claimed:
            kind = found.kind_value or "component"
            findings.append(
                _finding(
                    "DRF002",
                    f"{source} deploy {kind} {name} ({found.origin}), which the design does not describe",
                    ("components",),
                    hint=f"add components.{name} to the design (archlint import shows how it reads), or set "
                    f"x-deployed-as: {name} on the component that stands for it",
                )
            )
    for cid, found in matched.items():
        component = design.components[cid]
        findings += _scale(cid, component, found, source)
        findings += _tech(cid, component, found, catalog, source)
    findings += _links(design, matched, deployed_as, source)
    return findings


def _deployed_names(design: Any, raw: dict[str, Any]) -> dict[str, str]:
    """Design id -> the name it is deployed under: `x-deployed-as`, else the id."""
    names = {}
    components = raw.get("components") if isinstance(raw, dict) else None
    for cid in design.components:
        entry = components.get(cid) if isinstance(components, dict) else None
        alias = entry.get("x-deployed-as") if isinstance(entry, dict) else None
        names[cid] = alias if isinstance(alias, str) and alias else cid
    return names


def _kind(component: Any, catalog: Any) -> str:
    if component.kind:
        return component.kind
    return (catalog.kind_for_tech(component.tech) if component.tech else None) or "component"


def _deployed_replicas(found: DraftComponent) -> int | None:
    """Replicas the manifests state; 1 when they leave it out (both Compose and Kubernetes
    run one), None when they cannot say (a DaemonSet)."""
    if "replicas" in found.fields:
        return int(found.fields["replicas"].value)
    if any(key == "replicas" for key, _ in found.placeholders):
        return None
    if any("scaled down" in note for note in found.notes):
        return None
    return 1


def _scale(cid: str, component: Any, found: DraftComponent, source: str) -> list[Finding]:
    findings: list[Finding] = []
    auto = component.autoscaling
    deployed_auto = found.fields.get("autoscaling")
    if auto is not None or deployed_auto is not None:
        if auto is None and deployed_auto is not None:
            low, high = deployed_auto.value["min"], deployed_auto.value["max"]
            findings.append(
                _finding(
                    "DRF004",
                    f"{cid} autoscales from {low} to {high} in {source} ({deployed_auto.source}); the design "
                    f"states no autoscaling",
                    ("components", cid),
                    hint=f"set components.{cid}.autoscaling: {{min: {low}, max: {high}}}",
                )
            )
        elif deployed_auto is None:
            findings.append(
                _finding(
                    "DRF004",
                    f"{cid} autoscales from {auto.min} to {auto.max} in the design; {source} set up no "
                    f"autoscaler for it",
                    ("components", cid, "autoscaling"),
                    hint=f"add the autoscaler to {source}, or remove autoscaling from the design",
                )
            )
        elif (auto.min, auto.max) != (deployed_auto.value["min"], deployed_auto.value["max"]):
            low, high = deployed_auto.value["min"], deployed_auto.value["max"]
            findings.append(
                _finding(
                    "DRF004",
                    f"{cid} autoscales from {auto.min} to {auto.max} in the design, from {low} to {high} in "
                    f"{source} ({deployed_auto.source})",
                    ("components", cid, "autoscaling"),
                    hint=f"set components.{cid}.autoscaling to {{min: {low}, max: {high}}}, or change {source}",
                )
            )
        return findings  # under an autoscaler, replicas is only the starting count
    if component.replication is not None:
        return findings  # copies stated as replication; the pods' count reads differently
    deployed = _deployed_replicas(found)
    stated = component.replicas if component.replicas is not None else 1
    if deployed is not None and deployed != stated:
        where = f" ({found.fields['replicas'].source})" if "replicas" in found.fields else " (none stated: one)"
        said = f"{stated}" if component.replicas is not None else "1 (none stated)"
        path = ("components", cid, "replicas") if component.replicas is not None else ("components", cid)
        findings.append(
            _finding(
                "DRF003",
                f"{cid} runs {deployed} replica{'' if deployed == 1 else 's'} in {source}{where}; the design "
                f"says {said}",
                path,
                hint=f"set components.{cid}.replicas: {deployed}, or change {source}",
            )
        )
    return findings


def _tech(cid: str, component: Any, found: DraftComponent, catalog: Any, source: str) -> list[Finding]:
    if not component.tech or found.tech is None:
        return []
    stated, deployed = catalog.lookup(component.tech), catalog.lookup(found.tech.value)
    if stated is None or deployed is None or stated.id == deployed.id:
        return []
    return [
        _finding(
            "DRF006",
            f"{cid} is {stated.id} in the design but runs {deployed.id} in {source} ({found.tech.source})",
            ("components", cid, "tech"),
            hint=f"set components.{cid}.tech: {deployed.id}, or change {source}",
        )
    ]


def _links(design: Any, matched: dict[str, DraftComponent], deployed_as: dict[str, str], source: str) -> list[Finding]:
    """Links the manifests show between two components both sides have, which the design
    lacks in any form (a call, or a publish or consume either way for a broker)."""
    by_name = {deployed_as[cid]: cid for cid in matched}
    findings: list[Finding] = []
    for cid, found in matched.items():
        for section, edge in found.edges():
            if edge.weak:
                continue  # start-up order only
            other = by_name.get(edge.target)
            if other is None:
                continue
            if _linked(design, cid, other):
                continue
            # A broker link's direction is a guess on the manifests' side: say only that they are linked.
            doing = "calling" if section == "calls" else "linked to"
            findings.append(
                _finding(
                    "DRF005",
                    f"{source} show {cid} {doing} {other} ({edge.source}); the design has no such link",
                    ("components", cid),
                    hint=f"add {other} to components.{cid}.{section}, or correct {source}",
                )
            )
    return findings


def _linked(design: Any, a: str, b: str) -> bool:
    first, second = design.components[a], design.components[b]
    return (
        b in first.calls
        or b in first.publishes
        or b in first.consumes
        or a in second.publishes
        or a in second.consumes
        or a in second.calls
    )
