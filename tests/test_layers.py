"""The tree shows the pipeline: imports run one way, from the command line down to the
input, and writers never reach the pipeline. Every import counts, including the ones
inside functions (archlint imports lazily for start-up time)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "archlint"

# Lowest first: a module may import its own stage and the stages below it.
LAYERS = [
    {"findings", "__init__"},
    {"input"},
    {"language"},
    {"catalog"},
    {"analysis"},
    {"rules"},
    {"custom"},
    {"run"},
    {"render", "formats", "views", "templates"},
    {"commands", "cli", "__main__", "lsp", "interop"},
]
RANK = {stage: rank for rank, stages in enumerate(LAYERS) for stage in stages}
# Writers and views read results; they may reach these run modules and no other.
RESULT_MODULES = {"archlint.run.results", "archlint.run.fingerprints", "archlint.run.settings"}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "archlint":
                found += [(f"archlint.{alias.name}", node.lineno) for alias in node.names]
            elif node.module.startswith("archlint."):
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("archlint.")]
    return found


def _all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_stage_has_a_rank():
    stages = {_stage(_module_of(path)) for path in _all_modules()}
    assert stages <= set(RANK), f"stages without a place in LAYERS: {sorted(stages - set(RANK))}"


def test_imports_run_one_way():
    wrong = []
    for path in _all_modules():
        module = _module_of(path)
        own = RANK[_stage(module)]
        for imported, line in _imports(path):
            if imported == "archlint.__version__":
                continue
            target = _stage(imported)
            if target in RANK and RANK[target] > own:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {imported}")
    assert not wrong, "imports that run upwards:\n" + "\n".join(wrong)


def test_writers_and_views_do_not_import_the_pipeline_or_run_processes():
    wrong = []
    for stage in ("formats", "views"):
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            for imported, line in _imports(path):
                if _stage(imported) == "run" and imported not in RESULT_MODULES:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {imported}")
            text = path.read_text(encoding="utf-8")
            if "subprocess" in text:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}: uses subprocess")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles_between_modules():
    graph = {}
    for path in _all_modules():
        graph[_module_of(path)] = {imported for imported, _ in _imports(path)}
    # Resolve `from archlint.x import name` to the module when `name` is a submodule.
    modules = set(graph)
    edges = {m: {i if i in modules else i.rsplit(".", 1)[0] for i in targets} & modules for m, targets in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if nxt == node or nxt == "archlint":
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_large_modules_say_why_in_their_first_comment():
    """A module past ~400 lines explains in its docstring why it is one module."""
    unexplained = []
    for path in _all_modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 420:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if "One module" not in docstring and "one module" not in docstring:
                unexplained.append(f"{path.relative_to(PACKAGE.parent)} ({text.count(chr(10))} lines)")
    assert not unexplained, "split these or say why they are one module:\n" + "\n".join(unexplained)
