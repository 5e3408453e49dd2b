"""Imports flow one way, and the folders show which.

From the bottom up (``tests/architecture.py`` holds the table):

1. ``bot/foundation/``: languages, numbers, errors, sources, storage;
2. ``facts/``: the sourced claim base, on the foundation;
3. the rest of ``bot/``: the core (measuring, campaigns, commands, dispatch), on both;
4. ``adapters/`` (platforms, console) and ``bench/``, side by side, on the core;
5. ``adapters/cli/``: the command line, which starts adapters and runs benchmarks.

A module imports its own layer and those below, never one above, and never a
room beside its own. Every import counts, at the top of a file, inside a
function or only for type checking: each is a dependency a reader must follow.
No modules import one another round. The core and the claim base know nothing
of any chat platform, and no table keeps a message's text — but the statements
readers chose to report as wrongly checked (the ``reports`` component).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture import (
    LAYERS,
    against_the_layers,
    circles,
    import_graph,
    imports_of_the_tests,
    room_of,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "facts", "adapters", "bench")
PLATFORM_LIBRARIES = {"discord", "telegram", "aiohttp"}
CORE_PACKAGES = ("bot", "facts")


def imported_libraries(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_package_of_the_repository_has_a_layer() -> None:
    top = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert top == set(PACKAGES)
    assert all(room_of(package) is not None for package in PACKAGES)


def test_no_import_runs_against_the_layers() -> None:
    assert against_the_layers(import_graph(ROOT, PACKAGES)) == []


def test_no_modules_import_one_another_round() -> None:
    assert circles(import_graph(ROOT, PACKAGES)) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_only_the_benchmarks_borrow_from_the_tests_and_only_the_fake_platforms(
    package: str,
) -> None:
    borrowed = imports_of_the_tests(ROOT, package)
    if package == "bench":
        borrowed = [b for b in borrowed if not b.imported.startswith("tests.fakes")]
    assert [str(b) for b in borrowed] == []


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_import_no_platform_library(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_libraries(path) & PLATFORM_LIBRARIES)
        for path in (ROOT / package).rglob("*.py")
        if imported_libraries(path) & PLATFORM_LIBRARIES
    }
    assert offenders == {}


def test_the_layers_are_named_from_the_bottom_up() -> None:
    assert [name for name, _rooms in LAYERS][:3] == ["foundation", "claim base", "core"]


# ---- the rules catch what they are for, on a made-up tree ---------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_an_import_reaching_up_a_layer_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {
        "bot/__init__.py": "",
        "bot/foundation/__init__.py": "",
        "bot/foundation/i18n.py": "def f():\n    from facts.models import Claim\n",
        "facts/__init__.py": "",
        "facts/models.py": "from bot.foundation import i18n\nClaim = 1\n",
    })  # fmt: skip
    wrong = against_the_layers(import_graph(tmp_path, ["bot", "facts"]))
    assert wrong == [
        "bot.foundation.i18n (line 2) imports facts.models: foundation reaching up to claim base"
    ]


def test_rooms_side_by_side_may_not_import_each_other(tmp_path: Path) -> None:
    write(tmp_path, {
        "adapters/__init__.py": "",
        "adapters/console.py": "import bench.suite\n",
        "adapters/cli/__init__.py": "from adapters import console\nfrom bench import suite\n",
        "bench/__init__.py": "",
        "bench/suite.py": "",
    })  # fmt: skip
    wrong = against_the_layers(import_graph(tmp_path, ["adapters", "bench"]))
    assert wrong == [
        "adapters.console (line 1) imports bench.suite:"
        " adapters and bench are side by side, not one on the other"
    ]


def test_a_circle_is_found_even_through_type_checking_imports(tmp_path: Path) -> None:
    write(tmp_path, {
        "bot/__init__.py": "",
        "bot/a.py": "from bot.b import x\n",
        "bot/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.c import y\n",
        "bot/c.py": "from . import a\n",
        "bot/d.py": "from bot import a\n",
    })  # fmt: skip
    assert circles(import_graph(tmp_path, ["bot"])) == [["bot.a", "bot.b", "bot.c"]]


def test_no_module_stores_message_text() -> None:
    """No table has a column for message contents; ``content`` is only the claim base's.

    The one exception is a reader's report of a wrong verdict: its ``statement``
    (and the evaluation statements moderators make of reports) live only in the
    ``reports`` component.
    """
    from bot.foundation.storage import postgres_schema, sqlite_schema

    for path in (ROOT / "bot").rglob("*.py"):
        if path.parent.name == "storage":
            continue  # the schemas, checked below
        source = path.read_text()
        for forbidden in ("message_text", "content TEXT", "text TEXT"):
            assert forbidden not in source, f"{path}: {forbidden}"
    for schema in (sqlite_schema.MIGRATIONS, postgres_schema.MIGRATIONS):
        for component, steps in schema.items():
            for step in steps:
                assert "message_text" not in step.sql and "text TEXT" not in step.sql
                assert "content TEXT" not in step.sql or component == "facts"
                assert "statement TEXT" not in step.sql or component == "reports"
