"""Input problems that need the graph: a flow step taking a hop no edge declares
(INP021), a flow whose synchronous hops wait on themselves (INP022)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from archlint.analysis.algorithms import first_cycle
from archlint.analysis.graph import Graph
from archlint.findings import Finding
from archlint.language.kinds import BROKER
from archlint.language.validate import problem, step_path

if TYPE_CHECKING:
    from archlint.language.compiled import Design


def hop_findings(design: Design, graph: Graph) -> Iterator[Finding]:
    pairs = graph.pairs  # graph.edge(src, dst), without a call per hop
    for name, flow in (design.flows or {}).items():
        undeclared = False
        # The flow's `calls` hops, each with the first step holding it, for INP022 (one
        # pass with INP021's: a flow with an undeclared hop is not checked for cycles).
        children: dict[str, list[str]] = {}
        step_of: dict[tuple[str, str], Any] = {}
        for step in flow.chains():
            # One finding per step (its place): the first undeclared hop from the left.
            for src, dst in pairwise(step.chain):
                edge = pairs.get((src, dst))
                if edge is None:
                    undeclared = True
                    yield problem(
                        "INP021",
                        f"flow '{name}' takes the hop {src} -> {dst}, which is not a declared edge",
                        step_path(name, step),
                        hint=_edge_to_add(graph, src, dst),
                    )
                    break
                if edge.sync and (src, dst) not in step_of:
                    step_of[(src, dst)] = step
                    children.setdefault(src, []).append(dst)
        if not undeclared:
            cycle = _sync_cycle(children, step_of)
            if cycle is not None:
                loop, step = cycle
                yield problem(
                    "INP022",
                    f"flow '{name}' waits on itself: its synchronous hops form the cycle {' -> '.join(loop)}",
                    step_path(name, step),
                    hint="a request cannot wait for its own answer; make one of these hops asynchronous or remove it",
                )


def _sync_cycle(children: dict[str, list[str]], step_of: dict[tuple[str, str], Any]) -> tuple[list[str], Any] | None:
    """The first cycle among a flow's `calls` hops (by caller, in the order the steps
    first take them), with the first step holding its closing hop; None when they are
    acyclic."""
    loop = first_cycle(list(children), children)
    return None if loop is None else (loop, step_of[(loop[-2], loop[-1])])


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


