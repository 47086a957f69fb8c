"""Graph algorithms over plain adjacency maps (node -> successors), shared by validation,
the derived terms and the rules. All iterative (designs reach 10k+ components, deeper
than Python's recursion limit) and deterministic (successors are visited in the order
given; callers sort where order matters)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def strongly_connected(nodes: Iterable[Node], successors: Mapping[Node, Sequence[Node]]) -> list[list[Node]]:
    """Tarjan's strongly connected components with two or more members, each in the order
    its members leave the stack; components in the order their roots finish."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    found: list[list[Node]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors.get(root, ())))]
        while work:
            node, children = work[-1]
            descended = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    descended = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) >= 2:
                    found.append(members)
    return found


def first_cycle(roots: Iterable[Node], successors: Mapping[Node, Sequence[Node]]) -> list[Node] | None:
    """The first cycle a depth-first search from `roots` meets, as a closed walk
    (`[a, b, a]`); None when the graph is acyclic."""
    state: dict[Node, int] = {}  # 1 on the current path, 2 finished
    for root in roots:
        if root in state:
            continue
        path = [root]
        iterators = [iter(successors.get(root, ()))]
        state[root] = 1
        while iterators:
            for child in iterators[-1]:
                if state.get(child) == 1:
                    return path[path.index(child):] + [child]
                if child not in state:
                    state[child] = 1
                    path.append(child)
                    iterators.append(iter(successors.get(child, ())))
                    break
            else:
                state[path.pop()] = 2
                iterators.pop()
    return None


def depth_first_order(roots: Iterable[Node], successors: Mapping[Node, Sequence[Node]]) -> list[Node]:
    """A topological order (reverse post-order of a depth-first search from each root in
    turn); an edge that closes a cycle is ignored, so every node appears once."""
    order: list[Node] = []
    state: dict[Node, int] = {}
    for root in roots:
        if root in state:
            continue
        if root not in successors:  # a leaf: finished at once (most nodes of a large design)
            state[root] = 2
            order.append(root)
            continue
        stack = [(root, iter(successors[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in state:
                    if child not in successors:  # a leaf: entered and finished in one step
                        state[child] = 2
                        order.append(child)
                        continue
                    state[child] = 1
                    stack.append((child, iter(successors[child])))
                    break
            else:
                stack.pop()
                state[node] = 2
                order.append(node)
    order.reverse()
    return order


def kahn_order(start: Node, successors: Mapping[Node, Sequence[Node]]) -> list[Node]:
    """The nodes reachable from `start` in a topological order (Kahn's algorithm; a
    successor listed twice counts twice). Nodes on a cycle, and those reached only
    through one, are left out. Among ready nodes the one made ready last goes first,
    successors in reverse of the order given: a depth-first feel that keeps a flow's
    steps in the order written."""
    indegree: dict[Node, int] = {start: 0}
    for node, targets in successors.items():
        indegree.setdefault(node, 0)
        for target in targets:
            indegree[target] = indegree.get(target, 0) + 1
    order: list[Node] = []
    ready = [start] if indegree[start] == 0 else []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in reversed(successors.get(node, ())):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return order


def reachable(starts: Iterable[Node], successors: Mapping[Node, Sequence[Node]]) -> set[Node]:
    """Every node reachable from `starts`, the starts included."""
    seen = set(starts)
    frontier = list(seen)
    while frontier:
        node = frontier.pop()
        for child in successors.get(node, ()):
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return seen
