"""SEC: security at the edges. Plaintext, anonymous or unlimited entry points, data
stores open to the internet, and sensitive data stored without encryption at rest
(rules.md, "SEC: security at the edges").

SEC002 and SEC003 judge route(P) of each public component P: P plus every component
reached from it by `calls` while the component just left is an edge kind (load
balancer, gateway, CDN, DNS). Each route is one breadth-first walk that stops at the
first component of another kind, so the cost is the edge layer behind each public
component, not the paths of the design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archlint.analysis.terms import SENSITIVE_DATA
from archlint.findings import Finding
from archlint.language.kinds import EDGE
from archlint.rules import RuleContext, check, joined

if TYPE_CHECKING:
    from archlint.language.compiled import Api

# Kinds that hold data and must never face the internet themselves (SEC004); object
# storage only when it holds sensitive data (public static assets are its normal use).
_PUBLIC_NEVER = ("database", "cache", "search", "queue", "stream")
_READ_METHODS = frozenset({"GET", "HEAD"})
# Where SEC001 does not apply: clients are the internet's side, and DNS answers lookups.
_NO_TLS_KINDS = frozenset({"client", "dns"})


# --- private helpers (route(P) and the entries served on it are candidates for Terms) -----

@dataclass(slots=True)
class _PublicRoute:
    """route(P) of one public component, with R(P) and the `apis` entries served on it."""

    entry: str                       # P
    members: list[str]               # route(P) in walk order, P first
    compute: list[str]               # R(P)
    entries: list[tuple[int, Api]]   # (index in `apis`, entry) served on route(P), in order


def _served(ctx: RuleContext) -> dict[str, list[tuple[int, Api]]]:
    """served_by id -> its `apis` entries with their index, in declaration order."""
    served: dict[str, list[tuple[int, Api]]] = {}
    for index, api in enumerate(ctx.design.apis or ()):
        if api.served_by is not None:
            served.setdefault(api.served_by, []).append((index, api))
    return served


def _route(ctx: RuleContext, start: str) -> list[str]:
    """route(P): P, then what `calls` reaches through edge-kind components only."""
    terms = ctx.terms
    members = [start]
    seen = {start}
    position = 0
    while position < len(members):
        cid = members[position]
        position += 1
        if terms.kind(cid) not in EDGE:
            continue  # the walk goes on only from load balancers, gateways, CDNs and DNS
        for edge in ctx.terms.calls_from(cid):
            if edge.dst not in seen:
                seen.add(edge.dst)
                members.append(edge.dst)
    return members


def _public_routes(ctx: RuleContext) -> Iterator[_PublicRoute]:
    """route(P) for every public component P with R(P) non-empty, in declaration order."""
    terms = ctx.terms
    served: dict[str, list[tuple[int, Api]]] | None = None
    for cid, node in ctx.graph.nodes.items():
        if node.component.public is not True:
            continue
        members = _route(ctx, cid)
        compute = [member for member in members if terms.is_compute(member)]
        if not compute:
            continue  # static content on a CDN or a bucket: nothing runs behind it
        if served is None:
            served = _served(ctx)
        entries = sorted(entry for member in members for entry in served.get(member, ()))
        yield _PublicRoute(cid, members, compute, entries)


def _security_sets(ctx: RuleContext, members: list[str], field: str) -> bool:
    """Some component on the route sets `security.<field>` (any value, `none` included)."""
    for cid in members:
        security = ctx.terms.component(cid).security
        if security is not None and getattr(security, field) is not None:
            return True
    return False


def _gateways(ctx: RuleContext, members: list[str]) -> list[str]:
    return [cid for cid in members if ctx.terms.kind(cid) == "api_gateway"]


def _entries_phrase(missing: list[tuple[int, Api]], what: str, field: str) -> str:
    """`2 non-GET apis entries served there set no auth, such as 'POST /orders'`."""
    first = missing[0][1]
    if len(missing) == 1:
        return f"the {what}apis entry '{first.endpoint}' served by {first.served_by} sets no {field}"
    return (f"{len(missing)} {what}apis entries served there set no {field}, "
            f"such as '{first.endpoint}' served by {first.served_by}")


def _reached(route: _PublicRoute) -> str:
    """The compute behind P, for messages: `it` when P is compute itself (the walk
    never goes past a component that is not an edge kind, so R(P) is then just P)."""
    return "it" if route.compute == [route.entry] else joined(route.compute)


def _sensitive(ctx: RuleContext, cid: str) -> list[str]:
    """The sensitive data classes a component holds, in declaration order."""
    return [name for name in dict.fromkeys(ctx.terms.component(cid).data or ()) if name in SENSITIVE_DATA]


# --- SEC001 ---------------------------------------------------------------------------

@check("SEC001")
def public_without_tls(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        component = node.component
        if component.public is not True or terms.kind(cid) in _NO_TLS_KINDS:
            continue
        security = component.security
        if security is not None and security.tls is True:
            continue
        path = ("components", cid, "security") if security is not None else ("components", cid)
        said = "sets tls: false" if security is not None and security.tls is False else "does not enable TLS"
        yield ctx.finding(
            path,
            f"public {terms.kind(cid).replace('_', ' ')} {cid} accepts traffic from the internet "
            f"and {said}, so requests and credentials travel in plaintext",
            hint=f"set components.{cid}.security.tls: true (terminate TLS at {cid})",
        )


# --- SEC002 ---------------------------------------------------------------------------

@check("SEC002")
def public_without_auth(ctx: RuleContext) -> Iterator[Finding]:
    for route in _public_routes(ctx):
        if _security_sets(ctx, route.members, "auth"):
            continue  # authentication, or `auth: none` written down, somewhere on the route
        if route.entries:
            missing = [(i, api) for i, api in route.entries if api.method not in _READ_METHODS and api.auth is None]
            if not missing:
                continue  # every non-GET entry says how it authenticates, or all are reads
            reason = _entries_phrase(missing, "non-GET ", "auth")
        else:
            reason = "no apis entry is served there"
        gateways = _gateways(ctx, route.members)
        where = gateways[0] if gateways else route.entry
        or_entries = ", or auth on each non-GET apis entry served there" if route.entries else ""
        yield ctx.finding(
            ("components", route.entry),
            f"public {route.entry} lets anyone reach {_reached(route)}: no component on its route "
            f"sets security.auth and {reason}",
            hint=f"set components.{where}.security.auth (jwt, oauth, api_key or mtls; none if anonymous "
                 f"access is intended){or_entries}",
        )


# --- SEC003 ---------------------------------------------------------------------------

@check("SEC003")
def public_without_rate_limit(ctx: RuleContext) -> Iterator[Finding]:
    for route in _public_routes(ctx):
        if _security_sets(ctx, route.members, "rate_limit"):
            continue
        if route.entries:
            missing = [(i, api) for i, api in route.entries if api.rate_limit is None]
            if not missing:
                continue  # every entry served on the route caps its own rate
            reason = _entries_phrase(missing, "", "rate_limit")
        else:
            reason = "no apis entry is served there"
        gateways = _gateways(ctx, route.members)
        if gateways:
            named = ("api gateway " if len(gateways) == 1 else "api gateways ") + joined(gateways)
            setter = f"no component on its route sets security.rate_limit, {named} included,"
        else:
            setter = "no component on its route sets security.rate_limit"
        where = gateways[0] if gateways else route.entry
        or_entries = ", or a rate_limit on every apis entry served there" if route.entries else ""
        yield ctx.finding(
            ("components", route.entry),
            f"public {route.entry} lets any client send to {_reached(route)} without limit: {setter} "
            f"and {reason}",
            hint=f"set components.{where}.security.rate_limit to what one client may send "
                 f"(such as 100/s){or_entries}",
        )


# --- SEC004 ---------------------------------------------------------------------------

@check("SEC004")
def public_datastore(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        if node.component.public is not True:
            continue
        kind = terms.kind(cid)
        if kind in _PUBLIC_NEVER:
            held = ""
        elif kind == "object_storage" and terms.sensitive_data(cid):
            held = f" and holds {joined(_sensitive(ctx, cid))}"
        else:
            continue
        if kind == "object_storage":
            instead = "serve its files through a service or short-lived signed URLs"
        else:
            instead = f"let clients reach {cid} only through a service that authenticates them"
        yield ctx.finding(
            ("components", cid, "public"),
            f"{kind.replace('_', ' ')} {cid} is reachable from the internet{held}",
            hint=f"remove components.{cid}.public and {instead}",
        )


# --- SEC005 ---------------------------------------------------------------------------

@check("SEC005")
def sensitive_data_unencrypted(ctx: RuleContext) -> Iterator[Finding]:
    terms = ctx.terms
    for cid, node in ctx.graph.nodes.items():
        if not terms.stateful(cid) or not terms.sensitive_data(cid):
            continue
        security = node.component.security
        if security is not None and security.encryption_at_rest is True:
            continue
        if terms.figure(cid, "encrypted_at_rest") is not False:
            continue  # encrypted by default, or unknown: an unknown figure never fires
        held = joined(_sensitive(ctx, cid))
        kept = f"keeps {held} as state (stateless: false)" if terms.is_compute(cid) else f"stores {held}"
        if security is not None and security.encryption_at_rest is False:
            said = "with security.encryption_at_rest: false"
        elif node.tech is not None:
            said = f"with no encryption at rest declared, and {node.tech.id} does not encrypt by default"
        else:
            kind = terms.kind(cid).replace("_", " ")
            said = f"with no encryption at rest declared, and the catalog's default for a {kind} is unencrypted"
        yield ctx.finding(
            ("components", cid, "data"),
            f"{cid} {kept} {said}",
            hint=f"enable storage encryption for {cid} and set components.{cid}.security.encryption_at_rest: true",
        )
