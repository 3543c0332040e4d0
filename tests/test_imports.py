"""No import circle among the modules of harvest/, router/ and server/; a circle fails this test on one line.

The graph is read from the source, every `import` counted wherever it stands: at the top, inside a function
(a function-local import only postpones a circle to the first call, it does not remove it) or under
`TYPE_CHECKING`. Relative imports are resolved against the importing module's package. `from pkg.mod import
name` is an edge to `pkg.mod.name` when that is a module of ours, else to `pkg.mod` (name is something the
module defines), so a package `__init__` that re-exports from a submodule which imports the package back is
a circle too. tests/test_layering.py checks the direction between the packages; this checks within them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harvest", "router", "server")

Graph = dict[str, set[str]]


def modules_of(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every module under the packages (`pkg/__init__.py` is `pkg`)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _base_of(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names, its leading dots resolved from the importing module."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    anchor = package[: len(package) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def _targets(node: ast.AST, module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Our modules one import statement loads (outside modules are not part of the graph)."""
    if isinstance(node, ast.Import):
        targets = set()
        for alias in node.names:
            parts = alias.name.split(".")
            # `import a.b.c` runs a.b.c; the longest known prefix covers a name that is not ours past a point
            prefixes = (".".join(parts[:n]) for n in range(len(parts), 0, -1))
            targets.update(next(([name] for name in prefixes if name in known), []))
        return targets
    if isinstance(node, ast.ImportFrom):
        base = _base_of(module, path, node)
        targets = set()
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in known:
                targets.add(submodule)
            elif base in known:
                targets.add(base)
        return targets
    return set()


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> Graph:
    """Module → the modules of ours it imports, function-local and TYPE_CHECKING imports included."""
    known = modules_of(root, packages)
    graph: Graph = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            edges |= _targets(node, module, path, known)
        graph[module] = edges - {module}
    return graph


def _components(graph: Graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return sorted(found)


def _shortest_cycle(graph: Graph, members: list[str]) -> list[str]:
    """One shortest circle through the first member, staying inside its component (breadth first)."""
    inside = set(members)
    start = members[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & inside):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{start} is in a component but on no circle")


def import_cycles(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """One line per circle of modules: a shortest cycle in it, and how many modules the circle holds."""
    graph = import_graph(root, packages)
    lines = []
    for members in _components(graph):
        cycle = _shortest_cycle(graph, members)
        line = " → ".join(cycle)
        # the circle's other modules are on further cycles; the count says breaking this one may not be all
        others = len(members) - (len(cycle) - 1)
        lines.append(f"{line} (and {others} more modules in this circle)" if others else line)
    return lines


def test_no_import_cycles() -> None:
    assert import_cycles() == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_a_function_local_import_still_makes_a_cycle(tmp_path: Path) -> None:
    _write(tmp_path, {
        "harvest/__init__.py": "",
        "harvest/a.py": "from harvest.b import thing\n",
        "harvest/b.py": "thing = 1\n\ndef later():\n    from harvest import a\n    return a\n",
    })
    assert import_cycles(tmp_path, ("harvest",)) == ["harvest.a → harvest.b → harvest.a"]


def test_relative_imports_resolve_and_a_name_is_an_edge_to_its_module(tmp_path: Path) -> None:
    _write(tmp_path, {
        "router/__init__.py": "",
        "router/pkg/__init__.py": "from .one import ONE\n",
        "router/pkg/one.py": "ONE = 1\n",
        "router/pkg/two.py": "from . import one\nfrom ..pkg.one import ONE\nfrom .one import ONE as AGAIN\n",
        "router/other.py": "import router.pkg.two\nfrom router.pkg.one import ONE\n",
    })
    assert import_graph(tmp_path, ("router",)) == {
        "router": set(),
        "router.pkg": {"router.pkg.one"},
        "router.pkg.one": set(),
        "router.pkg.two": {"router.pkg.one"},
        "router.other": {"router.pkg.two", "router.pkg.one"},
    }
    assert import_cycles(tmp_path, ("router",)) == []


def test_a_package_reexporting_from_a_submodule_that_imports_it_back_is_a_cycle(tmp_path: Path) -> None:
    _write(tmp_path, {
        "server/__init__.py": "",
        "server/lsp/__init__.py": "from server.lsp.parts import PART\nSHARED = 1\n",
        # a TYPE_CHECKING import is still an edge: it is how a circle is usually hidden
        "server/lsp/parts.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from . import SHARED\n",
        "server/lsp/x.py": "from server.lsp.y import Y\nX = 1\n",
        "server/lsp/y.py": "from server.lsp.z import Z\nY = 1\n",
        "server/lsp/z.py": "import server.lsp.x\nimport server.lsp.parts\nZ = 1\n",
    })
    assert import_cycles(tmp_path, ("server",)) == [
        "server.lsp → server.lsp.parts → server.lsp",
        "server.lsp.x → server.lsp.y → server.lsp.z → server.lsp.x",
    ]
