"""The import graph of Wattson's own modules, read from the source, and the rules it must keep.

Kept apart from the test module so the rules can be checked on a made-up tree
too (a rule that could not fail would prove nothing).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# From the bottom up. A module belongs to the room of the longest prefix naming it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("bot.foundation",)),
    ("claim base", ("facts",)),
    ("core", ("bot",)),
    ("adapters and benchmarks", ("adapters", "bench")),
    ("command line", ("adapters.cli",)),
)


@dataclass(frozen=True)
class Import:
    """One import of a project module by another: where it is written, what it names."""

    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} (line {self.line}) imports {self.imported}"


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of ``packages`` under ``root``, by dotted name (a package by its own)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> list[Import]:
    """What ``name`` imports of ``modules``: at the top, in a function or for type checking alike."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # ``from package import module`` names the module; ``from module import name`` the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                       for a in node.names]  # fmt: skip
        for target in targets:
            imported = known(target)
            if imported is not None and imported != name:
                found.append(Import(name, imported, node.lineno))
    return list(dict.fromkeys(found))  # ``from m import a, b`` is one import of m


def imports_of_the_tests(root: Path, package: str) -> list[Import]:
    """What ``package`` imports of the test suite (``tests.…``), wherever in a file."""
    modules = module_names(root, [package, "tests"])
    return [
        found
        for name, path in modules.items()
        if not name.startswith("tests")
        for found in imports_of(name, path, modules)
        if found.imported.split(".")[0] == "tests"
    ]


def import_graph(root: Path, packages: Iterable[str]) -> list[Import]:
    modules = module_names(root, packages)
    return [found for name, path in modules.items() for found in imports_of(name, path, modules)]


def room_of(module: str) -> tuple[int, str] | None:
    """The layer (its index, from the bottom) and the room a module lives in."""
    best: tuple[int, str] | None = None
    for index, (_layer, rooms) in enumerate(LAYERS):
        for room in rooms:
            if (module == room or module.startswith(room + ".")) and (
                best is None or len(room) > len(best[1])
            ):
                best = (index, room)
    return best


def against_the_layers(graph: Iterable[Import]) -> list[str]:
    """Imports of a higher layer, or of a sibling room on the same layer, each with why."""
    wrong: list[str] = []
    for found in graph:
        here, there = room_of(found.importer), room_of(found.imported)
        if here is None or there is None:
            wrong.append(f"{found}: a module outside every layer")
        elif there[0] > here[0]:
            wrong.append(f"{found}: {LAYERS[here[0]][0]} reaching up to {LAYERS[there[0]][0]}")
        elif there[0] == here[0] and there[1] != here[1]:
            wrong.append(
                f"{found}: {here[1]} and {there[1]} are side by side, not one on the other"
            )
    return wrong


def circles(graph: Iterable[Import]) -> list[list[str]]:
    """Every set of modules that import one another round, each sorted (Tarjan's algorithm)."""
    edges: dict[str, set[str]] = {}
    for found in graph:
        edges.setdefault(found.importer, set()).add(found.imported)
        edges.setdefault(found.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(result)
