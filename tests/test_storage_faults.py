"""A database that cannot be used ends start-up at once: one line, exit 2, no traceback.

The line names ``[storage] database``, the path and what is wrong with it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

WATTSON = str(Path(sys.executable).parent / "wattson")


def corrupt(tmp: Path) -> Path:
    path = tmp / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    return path


def directory(tmp: Path) -> Path:
    path = tmp / "folder.db"
    path.mkdir()
    return path


def under_a_file(tmp: Path) -> Path:
    (tmp / "plain").write_text("a regular file")
    return tmp / "plain" / "wattson.db"


def read_only(tmp: Path) -> Path:
    """A database SQLite opens read-only (write version 3 in its header), even for root."""
    path = tmp / "readonly.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    header = bytearray(path.read_bytes())
    header[18] = 3
    path.write_bytes(bytes(header))
    return path


@pytest.mark.parametrize(
    ("make", "fault"),
    [
        (corrupt, "is not a SQLite database"),
        (directory, "is a directory"),
        (under_a_file, "is a file"),
        (read_only, "cannot be written"),
    ],
    ids=["not-a-database", "a-directory", "under-a-file", "read-only"],
)
def test_an_unusable_database_ends_start_up_with_one_clear_line(
    tmp_path: Path, make: Callable[[Path], Path], fault: str
) -> None:
    path = make(tmp_path)
    result = subprocess.run(
        [WATTSON, "run"],
        env={"WATTSON_STORAGE__DATABASE": str(path), "PATH": "/usr/bin:/bin"},
        input="",
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "[storage] database" in line]
    assert str(path) in line and fault in line
    assert "Traceback" not in result.stderr


def make_read_only_now(path: Path) -> None:
    """Turn a database in use read-only, as a remount or a permission change would."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with path.open("r+b") as file:
        file.seek(18)
        file.write(bytes([3]))


async def test_a_database_turned_read_only_refuses_writes_clearly_and_still_reads(
    tmp_path: Path,
) -> None:
    from adapters.console import ConsoleAdapter
    from bot.app import open_core
    from bot.settings import load_settings

    settings = load_settings(None, storage={"database": tmp_path / "w.db"})
    async with open_core(settings) as core:
        console = ConsoleAdapter(core)
        make_read_only_now(tmp_path / "w.db")
        [refused] = await console.send("/lang en")
        assert "cannot be written" in refused and "nothing was saved" in refused
        [french] = await ConsoleAdapter(core, locale="fr").send("/lang chat fr")
        assert "écrite" in french
        [fact] = await console.send("/fact gemini-water-per-prompt")
        assert "0.26 mL" in fact
        stats = await console.send("/stats")
        assert "Sorry" not in stats[0]


def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path) -> None:
    from bot.foundation.storage import serving_lock

    path = tmp_path / "shared.db"
    with serving_lock(path):  # as a running `wattson run` holds it
        result = subprocess.run(
            [WATTSON, "run"],
            env={"WATTSON_STORAGE__DATABASE": str(path), "PATH": "/usr/bin:/bin"},
            input="", capture_output=True, text=True, timeout=30, cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 2
    assert "in use by another running Wattson" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("postgresql://postgres@127.0.0.1:1/test", "connection refused at 127.0.0.1:1"),
        ("postgresql://postgres@127.0.0.1:5432/no_such_base", 'database "no_such_base" does not'),
        ("postgresql://nobody_here@127.0.0.1:5432/test", 'role "nobody_here" does not exist'),
        ("postgresql://postgres@no-such-host.invalid:5432/test", 'host "no-such-host.invalid"'),
    ],
    ids=["refused", "no-database", "no-role", "no-host"],
)
def test_an_unusable_postgresql_database_ends_start_up_at_once_with_its_cause(
    tmp_path: Path, url: str, cause: str
) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [WATTSON, "run"],
        env={"WATTSON_STORAGE__DATABASE": url, "PATH": "/usr/bin:/bin", "TELEGRAM_TOKEN": "1:x"},
        input="", capture_output=True, text=True, timeout=30, cwd=tmp_path,
    )  # fmt: skip
    took = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("wattson: [storage] database") and cause in line, line
    assert took < 4, f"{took:.1f} s: a permanent fault ends at once"
