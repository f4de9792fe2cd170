"""The layering the code relies on, read from the source's import statements.

Only ``store`` talks to the database; veille's subpackages import each other without a
cycle (data flows one way); the model imports nothing of veille, so every stage can use it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "veille"


@dataclass(frozen=True)
class Import:
    importer: str  # module path relative to src/, "veille/nlp/entities.py"
    target: str  # dotted module imported, "veille.resolve.resolver"
    top_level: bool  # run on import: not inside a function or an ``if TYPE_CHECKING:`` block


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve_from(path: Path, node: ast.ImportFrom) -> list[str]:
    """The dotted modules a ``from X import a, b`` names: X.a when that is a module, else X."""
    if node.level:  # relative: from the importing module's package
        package = module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        is_module = (SRC / sub.replace(".", "/")).with_suffix(".py").is_file() or (
            SRC / sub.replace(".", "/") / "__init__.py"
        ).is_file()
        targets.append(sub if is_module else base)
    return targets


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def walk_imports(path: Path, body: list[ast.stmt], top_level: bool) -> Iterator[Import]:
    importer = path.relative_to(SRC).as_posix()
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(importer, alias.name, top_level)
        elif isinstance(node, ast.ImportFrom):
            for target in resolve_from(path, node):
                yield Import(importer, target, top_level)
        elif isinstance(node, ast.If):
            yield from walk_imports(path, node.body, top_level and not is_type_checking(node))
            yield from walk_imports(path, node.orelse, top_level)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from walk_imports(path, block, top_level)
        elif isinstance(node, ast.With):
            yield from walk_imports(path, node.body, top_level)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            # a class body runs on import; a function body only when called
            yield from walk_imports(path, node.body, top_level and isinstance(node, ast.ClassDef))


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.extend(walk_imports(path, tree.body, top_level=True))
    return found


def unit_of(module: str) -> str | None:
    """The part of veille a module belongs to: its subpackage ("nlp"), or a top-level module ("model")."""
    parts = module.split(".")
    if parts[0] != "veille" or len(parts) < 2:
        return None
    return parts[1]


def package_graph(imports: list[Import]) -> dict[str, set[str]]:
    """Subpackage (or top-level module) -> those it imports at module level, itself excluded."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        source = unit_of(module_name(SRC / imp.importer))
        target = unit_of(imp.target)
        if source is None:
            continue
        graph.setdefault(source, set())
        if imp.top_level and target is not None and target != source:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def edges_within(component: list[str], imports: list[Import]) -> list[str]:
    """The module imports that make a cycle, to say in the failure what to move."""
    members = set(component)
    return sorted(
        {
            f"{imp.importer} -> {imp.target}"
            for imp in imports
            if imp.top_level
            and unit_of(module_name(SRC / imp.importer)) in members
            and unit_of(imp.target) in members
            and unit_of(imp.target) != unit_of(module_name(SRC / imp.importer))
        }
    )


def test_only_the_store_imports_the_database_layer() -> None:
    database = [
        imp
        for imp in all_imports()
        if imp.target.split(".")[0] == "sqlalchemy" or imp.target.startswith("veille.store.schema")
    ]
    assert any(imp.importer.startswith("veille/store/") for imp in database)  # the walk sees them
    offenders = sorted(
        f"{imp.importer} -> {imp.target}" for imp in database if not imp.importer.startswith("veille/store/")
    )
    assert not offenders, (
        "only veille.store talks to the database; add a Store method instead:\n" + "\n".join(offenders)
    )


def test_no_import_cycle_between_packages() -> None:
    imports = all_imports()
    graph = package_graph(imports)
    assert {"model", "nlp", "resolve", "store"} <= graph.keys()  # the walk saw the package
    found = cycles(graph)
    assert not found, "\n".join(
        f"cycle between {', '.join(c)}:\n  " + "\n  ".join(edges_within(c, imports)) for c in found
    )


def test_the_model_imports_nothing_of_veille() -> None:
    own = [
        imp.target
        for imp in all_imports()
        if imp.importer == "veille/model.py" and imp.target.startswith("veille")
    ]
    assert not own, f"veille.model must stay the foundation every stage imports: {own}"


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_in_functions_and_type_checking_blocks_are_not_module_level(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import veille.model\n"
        "if TYPE_CHECKING:\n    from veille.store import Store\n"
        "def f():\n    from veille.nlp import entities\n"
        "class C:\n    from veille import config\n"
    )
    tree = ast.parse(source)
    found = {(i.target, i.top_level) for i in walk_imports(PACKAGE / "x.py", tree.body, top_level=True)}
    assert ("veille.model", True) in found
    assert ("veille.store", False) in found
    assert ("veille.nlp.entities", False) in found
    assert ("veille.config", True) in found


if __name__ == "__main__":  # python tests/test_architecture.py: the package graph and its cycles
    all_found = all_imports()
    package_imports = package_graph(all_found)
    for unit, targets in sorted(package_imports.items()):
        print(f"{unit} -> {', '.join(sorted(targets))}")
    for component in cycles(package_imports):
        print(f"CYCLE {', '.join(component)}:\n  " + "\n  ".join(edges_within(component, all_found)))
