"""The command line speaks as a command line, and refuses what it would get wrong.

Its replies name ``wattson models``, never the chat's ``/models`` or ``/fact …``;
``wattson campaign plan`` errors in the language asked. ``storage migrate --to``
takes a PostgreSQL URL or a SQLite path and nothing else; ``storage check`` on a
missing file says so and creates nothing. ``facts import`` refuses an edited
``figure`` that would be ignored, an empty or malformed file in one line with the
form expected, and never prints ``would add 0: -``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.test_cli import WATTSON, run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
CHAT_COMMAND = r"(?<![\w/])/(cost|tokens|check|fact|models|how|help|campaign|cout|fait|modeles)\b"


def test_cost_errors_name_the_command_line_not_the_chat() -> None:
    import re

    english = run(WATTSON, "cost", "--model", "gpt-9o", "hello")
    french = run(WATTSON, "cost", "--lang", "fr", "--model", "gpt-9o", "bonjour")
    assert english.returncode == french.returncode == 2
    assert english.stderr.endswith("wattson models lists them all.\n")
    assert french.stderr.endswith("wattson models les liste tous.\n")
    text = run(WATTSON, "cost", "hello")
    assert not re.search(CHAT_COMMAND, english.stderr + french.stderr + text.stdout)


def test_wattson_models_lists_the_models_named_in_errors() -> None:
    result = run(WATTSON, "models", "claude", "opus")
    assert result.returncode == 0
    assert "anthropic:claude-opus-4-5" in result.stdout.splitlines()
    assert run(WATTSON, "models", "nothing-like-it").returncode == 2


def test_check_output_has_no_chat_command(tmp_path: Path) -> None:
    import re

    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    result = run(WATTSON, "check", "ChatGPT uses 500 mL of water per question", env=env)
    assert result.returncode == 0 and "altman-water-per-query" in result.stdout
    assert not re.search(CHAT_COMMAND, result.stdout)


def test_campaign_plan_errors_in_the_language_asked(tmp_path: Path) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    result = run(WATTSON, "campaign", "plan", "truc", "--lang", "fr", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("wattson: sujet inconnu « truc » ; écrivez l’un de : ")
    assert "eau" in result.stderr and "water" not in result.stderr


@pytest.fixture
def database(tmp_path: Path) -> dict[str, str]:
    """A real SQLite database with the shipped claims, made by the CLI itself."""
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    assert (
        run(WATTSON, "facts", "export", "--output", str(tmp_path / "e.json"), env=env).returncode
        == 0
    )
    return env


@pytest.mark.parametrize("target", ["mysql://x", "copy.txt", "x", "postgresql://postgres@h:5432"])
def test_migrate_refuses_a_target_that_is_no_database(
    tmp_path: Path, database: dict[str, str], target: str
) -> None:
    result = run(WATTSON, "storage", "migrate", "--to", target, env=database, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("wattson: --to ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.json", "w.db"], "nothing created"


def test_migrate_copies_into_a_sqlite_file(tmp_path: Path, database: dict[str, str]) -> None:
    result = run(WATTSON, "storage", "migrate", "--to", "copy.sqlite", env=database, cwd=tmp_path)
    assert result.returncode == 0 and "every count matches" in result.stdout
    assert (tmp_path / "copy.sqlite").is_file()


def test_storage_check_on_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "typo.db")}
    result = run(WATTSON, "storage", "check", env=env)
    assert result.returncode == 2
    assert result.stderr == (
        f"wattson: no database at {tmp_path / 'typo.db'}: the SQLite file does not exist"
        " (nothing created)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_edited_figure_is_refused_with_where_to_edit(
    tmp_path: Path, database: dict[str, str]
) -> None:
    claims = json.loads((tmp_path / "e.json").read_text())
    edited = next(c for c in claims if c["id"] == "google-search-2009")
    edited["figure"]["value"] = 99.0
    (tmp_path / "edited.json").write_text(json.dumps(claims))
    result = run(WATTSON, "facts", "import", str(tmp_path / "edited.json"), env=database)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "google-search-2009: figure (figure.value 99.0 ≠ 0.3)" in result.stderr
    assert "edit quantities instead" in result.stderr
    edited["quantities"][0]["value"] = 99.0  # edited where the claim's figures live: applied
    (tmp_path / "edited.json").write_text(json.dumps(claims))
    applied = run(WATTSON, "facts", "import", str(tmp_path / "edited.json"), env=database)
    assert applied.returncode == 0 and "changed 1: google-search-2009" in applied.stdout
    assert "added none" in applied.stdout and "0: -" not in applied.stdout


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [("empty.json", "", "the file is empty; expected a JSON list of claims"),
     ("bad.json", "{", "not JSON (line 1 column 2); expected a JSON list of claims"),
     ("object.json", '{"a": 1}', "no claim found; expected a JSON list of claims"),
     ("bad.toml", "x =", "expected [[claim]] tables")],
)  # fmt: skip
def test_an_empty_or_malformed_file_is_one_line_with_the_form_expected(
    tmp_path: Path, database: dict[str, str], name: str, content: str, problem: str
) -> None:
    (tmp_path / name).write_text(content)
    result = run(WATTSON, "facts", "import", str(tmp_path / name), env=database)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"wattson: {tmp_path / name} was not imported: ")
    assert problem in result.stderr


def test_the_database_lock_file_is_ignored_and_untracked() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert not [name for name in tracked if name.endswith((".db", ".db.lock"))]
    for name in ("wattson.db.lock", "data/other.db.lock"):
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{name} is not ignored"
