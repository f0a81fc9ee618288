"""The package's own import graph, read from the source (module-level and function-level
imports alike, TYPE_CHECKING ones too): no module imports itself back through others, and no
stage imports a later one (docs/ARCHITECTURE.md draws the map)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "lstmdiag").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not node.level:
        target = node.module or ""
    else:
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    return [f"{target}.{a.name}" for a in node.names] + [target]


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            *named, target = _targets(module, path, node)
            # "from . import x" imports the submodule x; "from .x import y" the module x
            hits = [n for n in named if n in modules] or ([target] if target in modules else [])
            ancestors = {module.rsplit(".", i)[0] for i in range(1, module.count(".") + 1)}
            deps.update(h for h in hits if h != module and h not in ancestors)
        graph[module] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# Each stage may import its own and earlier stages only. Modules directly in lstmdiag/ that
# are not listed (api, cli/, settings, pyproject) are the surface, as is render/.
STAGES = {
    "errors": 0,
    "text": 0,
    "model": 1,
    "data": 1,
    "judge": 2,
    "transform": 3,
    "distribute": 4,
}
SURFACE = 5


def stage(module: str) -> int:
    parts = module.split(".")
    return SURFACE if len(parts) == 1 else STAGES.get(parts[1], SURFACE)


def arrows_up(graph: dict[str, set[str]]) -> list[str]:
    return [f"{m} -> {d}" for m in sorted(graph) for d in sorted(graph[m]) if stage(d) > stage(m)]


def test_no_arrows_up() -> None:
    graph = import_graph()
    assert stage("lstmdiag.judge.checks") == 2 and stage("lstmdiag.render.table") == SURFACE
    assert "lstmdiag.data.discover" in graph["lstmdiag.judge.checks"]  # down: allowed
    assert arrows_up(graph) == []


def test_the_arrow_finder_finds_arrows_up() -> None:
    graph = {
        "lstmdiag.judge.checks": {"lstmdiag.render.grouping", "lstmdiag.data.info"},
        "lstmdiag.transform.padding": {"lstmdiag.distribute.cluster", "lstmdiag.judge.stats"},
        "lstmdiag.data.info": {"lstmdiag.errors"},
    }
    assert arrows_up(graph) == [
        "lstmdiag.judge.checks -> lstmdiag.render.grouping",
        "lstmdiag.transform.padding -> lstmdiag.distribute.cluster",
    ]


def test_every_module_has_a_place() -> None:
    """A new top-level module or package is placed on purpose: a stage, or the surface."""
    tops = {m.split(".")[1] for m in import_graph() if m.count(".") >= 1}
    assert tops - set(STAGES) == {
        "__main__",
        "api",
        "cli",
        "display",
        "live_errors",
        "notebook",
        "pyproject",
        "render",
        "settings",
    }


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert (
        "lstmdiag.judge.checks" in graph
        and "lstmdiag.data.discover" in graph["lstmdiag.judge.checks"]
    )
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
