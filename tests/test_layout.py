"""The packages' imports keep the layout the README draws: no import circle, and the rooms of
warehouse/ (files/, reports/, site/) built on the warehouse, never the other way round."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flows", "transforms", "expectations", "warehouse")
# Which package may import which (DESIGN.md: no import runs upward).
MAY_IMPORT = {
    "transforms": {"transforms"},
    "expectations": {"expectations", "transforms"},
    "warehouse": {"warehouse", "transforms"},
    "flows": set(PACKAGES),
}
# The rules' table (plain data, no GX) is read by the warehouse's figures too: ONLINE_SHARE.
SHARED_MODULES = {"expectations.rules"}
# Within warehouse/: a room may import the warehouse itself and the rooms listed here.
ROOMS_MAY_IMPORT = {"warehouse": set(), "files": set(), "reports": set(), "site": {"files"}}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Our modules a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = name.split(".")[:-node.level] if not path.name == "__init__.py" else name.split(".")
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "warehouse" else "warehouse"


def test_no_import_circle():
    state: dict[str, int] = {}  # 1: on the path, 2: done
    circles = []

    def visit(module, path):
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not circles, f"import circles: {circles}"


def test_no_package_imports_upward():
    upward = [(a, b) for a, targets in GRAPH.items() for b in targets
              if b.split(".")[0] not in MAY_IMPORT[a.split(".")[0]] and b not in SHARED_MODULES]
    assert not upward, upward


def test_warehouse_rooms_import_only_downward():
    wrong = [(a, b) for a, targets in GRAPH.items() if a.startswith("warehouse") for b in targets
             if b.startswith("warehouse") and _room(b) != "warehouse" and _room(b) != _room(a)
             and _room(b) not in ROOMS_MAY_IMPORT[_room(a)]]
    assert not wrong, f"imports against the rooms' order (README, Layout): {wrong}"
