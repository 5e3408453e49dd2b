"""The core and the claim base know nothing of any chat platform."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = {"discord", "telegram", "aiohttp"}
CORE_PACKAGES = ("bot", "facts")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_import_no_platform_library(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & PLATFORM_LIBRARIES)
        for path in (ROOT / package).rglob("*.py")
        if imported_modules(path) & PLATFORM_LIBRARIES
    }
    assert offenders == {}


def test_no_module_stores_message_text() -> None:
    """No table has a column for message contents; ``content`` is only the claim base's."""
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
