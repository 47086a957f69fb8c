"""Inference shared by the importers: technology and kind from an image name (through
the catalog's ids and aliases), references to other components in environment values,
and where a link goes (`calls`, `publishes` or `consumes`) once the kinds are known.

What is only a guess is marked as one; a value that might be wrong is left out rather
than invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archlint.interop.draft import Draft, DraftComponent, Edge, Note
from archlint.language.kinds import BROKER, COMPUTE, STORE

# Images whose names the catalog does not know but whose role is clear. Values are a
# catalog id (looked up like a `tech`) or `kind:KIND` for a role without a catalog entry.
IMAGE_HINTS = {
    "postgis": "postgres",
    "timescaledb": "postgres",
    "openjdk": "java",
    "eclipse-temurin": "java",
    "amazoncorretto": "java",
    "tomcat": "java",
    "aspnet": "dotnet",
    "minio": "kind:object_storage",
    "seaweedfs": "kind:object_storage",
    "traefik": "kind:load_balancer",
    "caddy": "kind:load_balancer",
    "redpanda": "kind:stream",
    "mosquitto": "kind:queue",
    "emqx": "kind:queue",
    "activemq": "kind:queue",
    "artemis": "kind:queue",
    "solr": "kind:search",
    "meilisearch": "kind:search",
    "typesense": "kind:search",
}
# Vendor prefixes in image names (`confluentinc/cp-kafka`).
IMAGE_PREFIXES = ("cp-", "bitnami-")

# Images that are observability tools: they fill `observability`, not `components`.
OBSERVABILITY_IMAGES = {
    "prometheus": ("metrics", "prometheus"),
    "node-exporter": ("metrics", "prometheus"),
    "victoria-metrics": ("metrics", "victoriametrics"),
    "grafana": ("dashboards", "grafana"),
    "loki": ("logs", "loki"),
    "promtail": ("logs", "loki"),
    "fluentd": ("logs", "fluentd"),
    "fluent-bit": ("logs", "fluent-bit"),
    "vector": ("logs", "vector"),
    "jaeger": ("tracing", "jaeger"),
    "all-in-one": ("tracing", "jaeger"),  # jaegertracing/all-in-one
    "tempo": ("tracing", "tempo"),
    "zipkin": ("tracing", "zipkin"),
    "opentelemetry-collector": ("tracing", "opentelemetry"),
    "opentelemetry-collector-contrib": ("tracing", "opentelemetry"),
    "otel-collector": ("tracing", "opentelemetry"),
    "alertmanager": ("alerting", "alertmanager"),
}


@dataclass(frozen=True, slots=True)
class ImageGuess:
    tech: str | None  # a catalog id, or None
    kind: str | None
    matched: str  # the part of the image name that matched
    exact: bool  # the image's own name matched, not a shortened form


def image_name(image: str) -> str:
    """`docker.io/bitnami/postgresql:16@sha256:...` -> `postgresql`."""
    ref = image.strip().split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def guess_image(image: str, catalog: Any) -> ImageGuess | None:
    """The technology an image runs, from its name: the catalog's ids and aliases first,
    then IMAGE_HINTS; then the same for the name without a vendor prefix or with trailing
    `-parts` dropped (`redis-stack-server` -> `redis`), which is only a guess."""
    name = image_name(image)
    if not name or "$" in name:
        return None
    candidates = [(name, True)]
    for prefix in IMAGE_PREFIXES:
        if name.startswith(prefix):
            candidates.append((name[len(prefix) :], True))
    parts = name.split("-")
    candidates += [("-".join(parts[:n]), False) for n in range(len(parts) - 1, 0, -1)]
    for candidate, exact in candidates:
        hint = IMAGE_HINTS.get(candidate)
        if hint is not None and hint.startswith("kind:"):
            return ImageGuess(None, hint[5:], candidate, exact)
        entry = catalog.lookup(hint or candidate)
        if entry is not None:
            return ImageGuess(entry.id, entry.kind, candidate, exact)
    return None


def observability_role(image: str) -> tuple[str, str] | None:
    return OBSERVABILITY_IMAGES.get(image_name(image))


# --- references in environment values -------------------------------------------------

_URL = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*)://(?:[^@\s/,;]*@)?([A-Za-z0-9_.-]+)(?::\d+)?")
_HOST_PORT = re.compile(r"(?:^|[\s,;=@])([A-Za-z][A-Za-z0-9_.-]*):(\d{2,5})\b")
# Keys whose whole value names a host (`DB_HOST=orders-db`).
_HOST_KEY = re.compile(
    r"(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|URL|URI|ENDPOINT|BROKER|BROKERS|DSN|"
    r"SERVICE|SERVICE_NAME|BOOTSTRAP_SERVERS)$",
    re.IGNORECASE,
)
_PROTOCOLS = {
    "http": "http",
    "https": "http",
    "grpc": "grpc",
    "grpcs": "grpc",
    "ws": "websocket",
    "wss": "websocket",
    "postgres": "sql",
    "postgresql": "sql",
    "mysql": "sql",
    "jdbc:postgresql": "sql",
    "jdbc:mysql": "sql",
    "sqlserver": "sql",
    "mongodb": "mongodb",
    "mongodb+srv": "mongodb",
    "redis": "redis",
    "rediss": "redis",
    "amqp": "amqp",
    "amqps": "amqp",
    "kafka": "kafka",
    "nats": "nats",
}


@dataclass(frozen=True, slots=True)
class HostRef:
    host: str
    protocol: str | None
    how: str  # "url", "host:port" or "value"


def host_refs(key: str, value: str) -> list[HostRef]:
    """Hosts an environment value names: in URLs, as host:port, or as the whole value of
    a key that names a host. Deterministic order, no duplicates."""
    found: dict[str, HostRef] = {}
    text = value.strip()
    for match in _URL.finditer(text):
        scheme = match.group(1).lower()
        found.setdefault(match.group(2).lower(), HostRef(match.group(2).lower(), _PROTOCOLS.get(scheme), "url"))
    # jdbc:postgresql://db:5432/x has its scheme before the ://; the URL pattern read it.
    stripped = _URL.sub(" ", text)
    for match in _HOST_PORT.finditer(" " + stripped):
        found.setdefault(match.group(1).lower(), HostRef(match.group(1).lower(), None, "host:port"))
    if not found and _HOST_KEY.search(key.strip()) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text):
        found[text.lower()] = HostRef(text.lower(), None, "value")
    return list(found.values())


# --- links, once every component is known -----------------------------------------------


@dataclass(slots=True)
class Link:
    """Evidence that `source` talks to `target`; the importer does not decide the edge type."""

    source: str
    target: str
    evidence: str  # "environment DB_HOST (compose.yaml:12)"
    startup_only: bool = False  # from depends_on: start-up order, not a call
    protocol: str | None = None
    certain: bool = False  # a route or relation that states the call outright


WORKER_WORDS = ("worker", "consumer", "processor", "scheduler", "cron", "job")


def settle(draft: Draft, links: list[Link], entry_points: set[str]) -> None:
    """Decide what the evidence says, in place: which compute components are workers,
    Redis as a store, and each link as a call, a publish or a consume.

    - A compute component with an unknown role is a worker when nothing reaches it
      (no published port, no route, no other component names it) or its name says so.
    - Redis is a cache, unless it keeps a volume and no database stands beside it.
    - depends_on counts only towards stores and brokers, and stays a guess.
    - A link to a broker has no known direction: services publish, workers consume.
    """
    components = draft.components
    referenced = {link.target for link in links if not link.startup_only and link.target in components}
    for component in components.values():
        if component.kind is None or component.kind.value != "service" or not component.kind.guess:
            continue
        named = any(word in component.id for word in WORKER_WORDS)
        unreached = component.id not in referenced and component.id not in entry_points and not component.has_ports
        if named or unreached:
            why = "its name says so" if named else "nothing reaches it (no port, route or reference)"
            component.kind = Note("worker", f"{component.kind.source}; a worker: {why}", guess=True)
    databases = any(c.kind_value == "database" for c in components.values())
    for component in components.values():
        if component.tech is not None and component.tech.value == "redis" and component.has_volume and not databases:
            component.kind = Note("database", "Redis keeping a volume with no database beside it", guess=True)
    for link in links:
        source, target = components.get(link.source), components.get(link.target)
        if source is None or target is None or source.id == target.id:
            continue
        target_kind, source_kind = target.kind_value, source.kind_value
        if source_kind in BROKER or source_kind in STORE or target_kind == "client":
            continue  # stores and brokers do not call out; nothing calls a client
        if link.startup_only and target_kind not in STORE and target_kind not in BROKER:
            source.notes.append(f"depends_on {target.id}: start-up order, not a call (add it to calls if it is one)")
            continue
        guess = link.startup_only or (not link.certain and link.protocol is None and target_kind not in STORE)
        if target_kind in BROKER:
            consumes = source_kind == "worker"
            section = source.consumes if consumes else source.publishes
            existing = section.get(target.id) or source.publishes.get(target.id) or source.consumes.get(target.id)
            if existing is None or (existing.weak and not link.startup_only):
                why = "workers consume" if consumes else "services publish"
                section[target.id] = Edge(
                    target.id,
                    f"{link.evidence}; a broker link's direction is unknown, {why}",
                    guess=True,
                    weak=link.startup_only,
                )
            continue
        existing = source.calls.get(target.id)
        if existing is not None:
            if (existing.guess and not guess) or (existing.weak and not link.startup_only):
                source.calls[target.id] = Edge(
                    target.id, link.evidence, guess, link.protocol or existing.protocol, weak=link.startup_only
                )
            continue
        source.calls[target.id] = Edge(target.id, link.evidence, guess, link.protocol, weak=link.startup_only)


def apply_image(component: DraftComponent, image: str, where: str, catalog: Any) -> None:
    """kind and tech from an image; a service with an unknown technology otherwise."""
    guess = guess_image(image, catalog)
    if guess is None:
        component.kind = Note("service", f"image {image} ({where}) names no known technology", guess=True)
        component.placeholders.append(("tech", f"image {image} names no technology archlint knows"))
        return
    source = f"image {image} ({where})"
    if guess.tech is not None:
        component.tech = Note(guess.tech, source, guess=not guess.exact)
        component.implied_kind = guess.kind
        if guess.kind in COMPUTE:
            # A language runtime image says what runs, not whether it serves or works.
            component.kind = Note("service", f"image {image} ({where}) runs an application", guess=True)
    else:
        component.kind = Note(guess.kind, source, guess=not guess.exact)
        component.placeholders.append(("tech", f"image {image}: a {guess.kind} archlint's catalog does not list"))


def resolver(names: dict[str, str]) -> Callable[[str], str | None]:
    """host -> component id: the host itself, then its first label (`db.shop.svc` -> `db`),
    then for a StatefulSet pod (`kafka-0.kafka`) its service label."""

    def resolve(host: str) -> str | None:
        host = host.lower().rstrip(".")
        if host in names:
            return names[host]
        labels = host.split(".")
        if labels[0] in names:
            return names[labels[0]]
        if len(labels) > 1 and re.fullmatch(r".+-\d+", labels[0]) and labels[1] in names:
            return names[labels[1]]
        return None

    return resolve


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: str) -> str:
    """Compose-style `${VAR:-default}` -> default; variables without a default stay empty
    (archlint reads no environment, so the output does not depend on the machine)."""
    return _VARIABLE.sub(lambda m: m.group(2) or "", value.replace("$$", "\x00")).replace("\x00", "$")
