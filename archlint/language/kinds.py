"""The component kinds of the design language and the families rules reason about."""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "client",
    "dns",
    "cdn",
    "load_balancer",
    "api_gateway",
    "service",
    "worker",
    "function",
    "database",
    "cache",
    "queue",
    "stream",
    "object_storage",
    "search",
    "external",
)

COMPUTE = frozenset({"service", "worker", "function"})
EDGE = frozenset({"load_balancer", "api_gateway", "cdn", "dns"})
STORE = frozenset({"database", "cache", "search", "object_storage"})
BROKER = frozenset({"queue", "stream"})
