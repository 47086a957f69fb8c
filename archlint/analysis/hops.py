"""Input problems that need the graph: a flow step taking a hop no edge declares
(INP021), a flow whose synchronous hops wait on themselves (INP022)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from archlint.analysis.algorithms import first_cycle
from archlint.analysis.graph import Graph, Route
from archlint.findings import Finding
from archlint.language.kinds import BROKER
from archlint.language.validate import problem, step_path

if TYPE_CHECKING:
    from archlint.language.compiled import Design


def hop_findings(design: Design, graph: Graph) -> Iterator[Finding]:
    for name, flow in (design.flows or {}).items():
        route = graph.routes[name]  # build_graph resolves every flow
        undeclared = False
        # The graph noted whether a flow takes an undeclared hop (most do not): only then
        # are its chains walked again to name the first one of each step.
        for step in flow.chains() if route.undeclared else ():
            # One finding per step (its place): the first undeclared hop from the left.
            for src, dst in zip(step.chain, step.chain[1:]):
                if graph.edge(src, dst) is not None:
                    continue
                undeclared = True
                yield problem(
                    "INP021",
                    f"flow '{name}' takes the hop {src} -> {dst}, which is not a declared edge",
                    step_path(name, step),
                    hint=_edge_to_add(graph, src, dst),
                )
                break
        if not undeclared:
            cycle = _sync_cycle(flow, route)
            if cycle is not None:
                loop, step = cycle
                yield problem(
                    "INP022",
                    f"flow '{name}' waits on itself: its synchronous hops form the cycle {' -> '.join(loop)}",
                    step_path(name, step),
                    hint="a request cannot wait for its own answer; make one of these hops asynchronous or remove it",
                )


def _sync_cycle(flow: Any, route: Route) -> tuple[list[str], Any] | None:
    """The first cycle among a flow's `calls` hops, with the first step holding its
    closing hop; None when they are acyclic. The route's hops are the flow's declared
    hops in the order its chains first take them."""
    children: dict[str, list[str]] = {}
    for hop in route.hops:
        if hop.edge.sync:
            children.setdefault(hop.edge.src, []).append(hop.edge.dst)
    loop = first_cycle(list(children), children)
    if loop is None:
        return None
    closing = (loop[-2], loop[-1])
    step = next(step for step in flow.chains() if closing in zip(step.chain, step.chain[1:]))
    return loop, step


def _edge_to_add(graph: Graph, src: str, dst: str) -> str:
    src_kind, dst_kind = graph.nodes[src].kind, graph.nodes[dst].kind
    if src_kind in BROKER and dst_kind not in BROKER:
        return f"add '{src}' to components.{dst}.consumes"
    if dst_kind in BROKER:
        return f"add '{dst}' to components.{src}.publishes (or to components.{src}.calls for a synchronous call)"
    if graph.edge(dst, src) is not None:
        return (f"the declared edge runs {dst} -> {src}; write the hop that way, "
                f"or add '{dst}' to components.{src}.calls")
    return f"add '{dst}' to components.{src}.calls"


