"""The layout of src/lodpub: no import circle between its modules (imports inside functions and
under TYPE_CHECKING count too: a circle there is one a reader has to untangle all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "lodpub"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The lodpub modules that ``path`` imports (a name imported from a package that is one of
    its modules counts as that module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("lodpub")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("lodpub"):
                continue
            found.add(target)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if (SRC / Path(*sub.split("."))).with_suffix(".py").is_file() or (
                    SRC / Path(*sub.split(".")) / "__init__.py"
                ).is_file():
                    found.add(sub)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    return {name: imports(path) & modules.keys() for name, path in modules.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm), or of
    one module that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_circle_finder_finds_circles() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    edges = graph()
    assert "lodpub.build" in edges and edges["lodpub.cli"]  # the graph is read
    # a package's __init__ importing its own modules, which import the package's shared names
    # from a sibling, is not a circle; a module importing the package __init__ back would be
    assert circles(edges) == []


@pytest.mark.parametrize("module", ["lodpub.build", "lodpub.cli.app"])
def test_the_graph_sees_function_level_imports(module: str) -> None:
    assert graph()[module]


def test_test_modules_share_helpers_not_each_other() -> None:
    """Shared helpers live in conftest.py and the helper modules (stores.py, letter_edits.py,
    wikidata_fake.py), never in a test module another one imports; bench/ is the package
    ``bench``, not a folder put on sys.path."""
    tests = Path(__file__).resolve().parent
    for path in sorted(tests.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").split(".")[-1].startswith("test_"), (path.name, node.module)
            if isinstance(node, ast.Attribute) and node.attr == "path":
                assert not (isinstance(node.value, ast.Name) and node.value.id == "sys"), path.name


def test_no_module_is_much_over_400_lines() -> None:
    """A module that grows past a few hundred lines is split along the data flow (STYLE.md)."""
    sizes = {module_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 430} == {}
