"""The package's floor plan holds: layers point one way, no import cycles, the handout never reaches
for widget code. docs/ordliste.md describes the layers; this test is what keeps them true."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "labkit"

# Lower layers never import higher ones. Layers on the same level do not import each other.
LAYERS = {
    "core": 0,  # labkit/*.py: problems, numbers, files, resources
    "data": 1,
    "workspace": 2,
    "analysis": 2,
    "figures": 3,
    "views": 4,
    "workshop": 5,
    "handout": 5,
    "room": 6,
    "commands": 7,  # cli, check, __main__: the command line on top of everything
}
COMMANDS = {"cli", "check", "click_da", "__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    if len(parts) == 2 and parts[1] in COMMANDS:
        return "commands"
    if len(parts) == 2 and parts[1] not in LAYERS:
        return "core"
    return parts[1]


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported labkit module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "labkit":
            for alias in node.names:  # `from labkit.views import display` imports a module
                candidate = f"{node.module}.{alias.name}"
                target = candidate if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() else node.module
                found.append((target, node.lineno, id(node) in top))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, id(node) in top) for alias in node.names
                      if alias.name.split(".")[0] == "labkit"]
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[str, int, bool]]]:
    return {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_subpackage_has_a_layer(graph: dict[str, list[tuple[str, int, bool]]]) -> None:
    assert {layer_of(module) for module in graph} <= set(LAYERS)
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert subpackages <= set(LAYERS), subpackages - set(LAYERS)


def test_imports_point_down_the_layers(graph: dict[str, list[tuple[str, int, bool]]]) -> None:
    wrong = []
    for module, imports in graph.items():
        here = layer_of(module)
        for target, line, _ in imports:
            there = layer_of(target)
            if there == here or there == "core":
                continue
            if LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{module}:{line} ({here}) imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


def test_the_handout_never_imports_widget_code(graph: dict[str, list[tuple[str, int, bool]]]) -> None:
    for module, imports in graph.items():
        if layer_of(module) in ("handout", "views", "figures", "analysis", "data", "workspace", "core"):
            assert not [t for t, _, _ in imports if layer_of(t) == "workshop"], module
            source = (PACKAGE.parent / (module.replace(".", "/") + ".py"))
            if source.exists():
                assert "ipywidgets" not in source.read_text(encoding="utf-8"), module


def test_there_are_no_import_cycles(graph: dict[str, list[tuple[str, int, bool]]]) -> None:
    edges = {m: sorted({t for t, _, _ in imports if t in graph and t != m}) for m, imports in graph.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in edges[module]:
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target]
                pytest.fail("Importkreds: " + " → ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)


def test_imports_sit_at_the_top_except_in_the_command_line(graph: dict[str, list[tuple[str, int, bool]]]) -> None:
    """The command line loads a command's modules only when that command runs (`labkit --version` stays
    instant); everywhere else an import inside a function hides a dependency."""
    hidden = [f"{module}:{line} {target}" for module, imports in graph.items() if layer_of(module) != "commands"
              for target, line, at_top in imports if not at_top]
    assert not hidden, "\n".join(hidden)
