"""The graph algorithms on small graphs drawn by hand."""

from archlint.analysis.algorithms import depth_first_order, first_cycle, kahn_order, reachable, strongly_connected


def test_strongly_connected_finds_each_cycle_once_and_skips_singletons():
    # a <-> b, c -> d -> e -> c, f alone, g -> g (a self-loop is not a component of two)
    successors = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["e"], "e": ["c"], "f": [], "g": ["g"]}
    found = sorted(sorted(members) for members in strongly_connected(sorted(successors), successors))
    assert found == [["a", "b"], ["c", "d", "e"]]


def test_strongly_connected_is_iterative_on_a_long_ring():
    size = 50_000  # far past the recursion limit
    successors = {i: [(i + 1) % size] for i in range(size)}
    (ring,) = strongly_connected(range(size), successors)
    assert len(ring) == size


def test_first_cycle_is_a_closed_walk():
    assert first_cycle(["a"], {"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert first_cycle(["x"], {"x": ["y"], "y": ["z"], "z": ["y"]}) == ["y", "z", "y"]


def test_first_cycle_is_none_on_a_diamond():
    assert first_cycle(["a"], {"a": ["b", "c"], "b": ["d"], "c": ["d"]}) is None


def test_depth_first_order_puts_callers_before_callees_and_ignores_back_edges():
    successors = {"api": ["db", "cache"], "cache": ["db"], "db": ["api"]}  # db -> api closes a cycle
    order = depth_first_order(["api", "cache", "db"], successors)
    assert order == ["api", "cache", "db"]
    assert sorted(order) == sorted(successors)


def test_kahn_order_leaves_out_nodes_on_a_cycle_and_counts_repeated_edges():
    # gateway -> svc twice (two hops): svc is ready only after both are taken.
    successors = {"gateway": ["svc", "svc"], "svc": ["db"], "x": ["y"], "y": ["x"]}
    assert kahn_order("gateway", successors) == ["gateway", "svc", "db"]
    assert kahn_order("x", successors) == []


def test_kahn_order_follows_the_written_order_of_successors():
    successors = {"entry": ["first", "second"]}
    assert kahn_order("entry", successors) == ["entry", "first", "second"]


def test_reachable_includes_the_starts():
    assert reachable(["a"], {"a": ["b"], "b": ["c"], "d": ["a"]}) == {"a", "b", "c"}
