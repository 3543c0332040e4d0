"""The dependency direction is server → router → harvest; an upward import fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"harvest": 0, "router": 1, "server": 2}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def upward_imports(root: Path = ROOT) -> list[str]:
    """Every `module → package` edge that points up the layer order."""
    edges = []
    for package, level in LAYERS.items():
        for path in sorted((root / package).rglob("*.py")):
            for name in _imported_packages(path):
                if LAYERS.get(name, -1) > level:
                    edges.append(f"{path.relative_to(root)} imports {name}")
    return edges


def test_no_upward_imports() -> None:
    assert upward_imports() == []


def test_the_check_catches_an_upward_edge(tmp_path: Path) -> None:
    for package in LAYERS:
        (tmp_path / package).mkdir()
    (tmp_path / "harvest" / "bad.py").write_text("def f():\n    from server.cli import idiom\n")
    (tmp_path / "router" / "worse.py").write_text("import server\n")
    assert upward_imports(tmp_path) == ["harvest/bad.py imports server", "router/worse.py imports server"]
