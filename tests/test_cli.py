"""End to end: the ``wattson`` command as a real subprocess, as a newcomer runs it."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ecologits.tracers.utils import llm_impacts

from bot.measuring.energy import ecologits_version
from bot.measuring.tokens import count_tokens

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
WATTSON = str(BIN / "wattson")
TEXT = "Bonjour, voici un court message pour mesurer son coût."


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    clean.pop("DISCORD_TOKEN", None)
    clean.pop("TELEGRAM_TOKEN", None)
    return subprocess.run(
        [*args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        timeout=120,
        check=False,
    )


def test_piped_console_answers_each_line_and_exits_at_end_of_input(tmp_path: Path) -> None:
    result = run(WATTSON, "console", stdin=f"/cost {TEXT}\n/help\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tokens" in result.stdout and "Wh" in result.stdout and "/models" in result.stdout
    assert "Traceback" not in result.stderr
    assert (tmp_path / "wattson.db").exists(), "the console runs on the embedded SQLite store"


def test_run_without_tokens_starts_the_console(tmp_path: Path) -> None:
    result = run(WATTSON, "run", stdin="/cost Bonjour\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Wh" in result.stdout
    assert "console" in result.stderr


def test_python_dash_m_adapters_cli_is_the_same_command(tmp_path: Path) -> None:
    result = run(
        sys.executable, "-m", "adapters.cli", "console", stdin="/tokens hello world\n", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "2 tokens" in result.stdout


def test_cost_json_holds_the_contract_and_ecologits_numbers() -> None:
    result = run(WATTSON, "cost", "--json", "--model", "openai:gpt-4o", TEXT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    tokens = count_tokens(TEXT, "o200k_base")
    reference = llm_impacts("openai", "gpt-4o", tokens, math.inf)
    assert data["tokens"] == tokens
    assert (data["encoding"], data["tokens_exact"]) == ("o200k_base", True)
    assert (data["provider"], data["model"], data["zone"]) == ("openai", "gpt-4o", "USA")
    assert data["ecologits_version"] == ecologits_version()
    for field, impact in (
        ("energy_wh", reference.energy),
        ("gwp_g", reference.gwp),
        ("water_ml", reference.wcf),
    ):
        assert impact is not None
        assert data[field]["min"] == pytest.approx(impact.value.min * 1000, rel=1e-9)  # type: ignore[union-attr]
        assert data[field]["max"] == pytest.approx(impact.value.max * 1000, rel=1e-9)  # type: ignore[union-attr]
    assert data["equivalents"]
    for item in data["equivalents"]:
        assert {"id", "value", "source_url"} <= set(item)
        assert item["source_url"].startswith("https://")
        assert item["min"] <= item["value"] <= item["max"]


def test_cost_json_takes_a_zone_and_a_hugging_face_model() -> None:
    result = run(
        WATTSON,
        "cost",
        "--json",
        "--zone",
        "FRA",
        "--model",
        "huggingface_hub:mistralai/Mixtral-8x7B-v0.1",
        TEXT,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["zone"] == "FRA" and data["tokens_exact"] is False
    assert data["architecture"] == "moe"
    assert data["parameters_billion"]["active"]["min"] == 12.9


def test_cost_reads_the_text_from_stdin() -> None:
    result = run(WATTSON, "cost", "--json", stdin=TEXT)
    assert json.loads(result.stdout)["tokens"] == count_tokens(TEXT, "o200k_base")


def test_unknown_model_exits_2_naming_the_closest() -> None:
    result = run(WATTSON, "cost", "--json", "--model", "gpt-4p", TEXT)
    assert result.returncode == 2
    assert "openai:gpt-4o" in result.stderr and result.stdout == ""


def test_unknown_zone_exits_2() -> None:
    result = run(WATTSON, "cost", "--json", "--zone", "XXZ", TEXT)
    assert result.returncode == 2 and "ISO 3166-1" in result.stderr


def test_empty_text_exits_2_in_the_chosen_language() -> None:
    result = run(WATTSON, "cost", "--lang", "fr", stdin="")
    assert result.returncode == 2 and "aucun texte à mesurer" in result.stderr
    assert "/cost" not in result.stderr  # worded for the command line, not the chat


def test_text_output_is_the_localized_chat_reply() -> None:
    result = run(WATTSON, "cost", "--lang", "fr", TEXT)
    assert result.returncode == 0, result.stderr
    assert "Énergie" in result.stdout and " Wh" in result.stdout


def test_config_flag_and_environment_are_read(tmp_path: Path) -> None:
    config = tmp_path / "wattson.toml"
    config.write_text('[cost]\ndefault_model = "gpt-4o-mini"\nzone = "SWE"\n')
    by_flag = json.loads(run(WATTSON, "cost", "--json", "--config", str(config), TEXT).stdout)
    by_env = json.loads(
        run(WATTSON, "cost", "--json", TEXT, env={"WATTSON_CONFIG": str(config)}).stdout
    )
    assert by_flag["model"] == by_env["model"] == "gpt-4o-mini"
    assert by_flag["zone"] == by_env["zone"] == "SWE"


def test_invalid_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[limits]\nmax_reply_char = 900\n")
    for command in (["cost", "hello"], ["console"], ["run"]):
        result = run(WATTSON, *command, "--config", str(config), stdin="")
        assert result.returncode == 2, command
        assert "limits.max_reply_char" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_platform_ends_the_run_with_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "wattson.toml"
    config.write_text('[discord]\napi_base_url = "http://127.0.0.1:9/api/v10"\n')
    env = {"DISCORD_TOKEN": "x", "WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    result = run(WATTSON, "run", "--config", str(config), stdin="", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "DiscordAdapter stopped" in result.stderr


def test_bench_prints_every_ratio() -> None:
    result = run(WATTSON, "bench", "--quick")
    assert result.returncode == 0, result.stderr
    for label in ("(a)", "(b)", "(c)", "(d)", "(e)"):
        assert label in result.stdout


def test_check_json_holds_the_contract(tmp_path: Path) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    result = run(WATTSON, "check", "--json", "ChatGPT uses 500 mL of water per question", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"] == "inconsistent"
    [stated] = data["stated"]
    assert {k: stated[k] for k in ("value", "unit", "text", "per")} == {
        "value": 500.0, "unit": "mL", "text": "500 mL", "per": "request"
    }  # fmt: skip
    compared = stated["compared_with"]
    assert compared["claim"] == data["reference"] == "altman-water-per-query"
    assert {"quantity", "measure", "subject", "period", "status", "source_url"} <= set(compared)
    assert stated["misreads"] == "li-water-bottle-per-conversation"
    assert data["ratio"] > 100
    for match in data["matches"]:
        assert {"id", "score", "status", "figure", "unit", "source_url"} <= set(match)


def test_check_text_output_in_french(tmp_path: Path) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    result = run(WATTSON, "check", "--lang", "fr", "Une requête ChatGPT consomme 29 Wh", env=env)
    assert result.returncode == 0 and result.stdout.startswith("Incohérent")


@pytest.mark.parametrize("fmt", ["toml", "json", "claimreview"])
def test_facts_export_import_round_trip_through_the_cli(tmp_path: Path, fmt: str) -> None:
    source = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "source.db")}
    moderated = tmp_path / "moderated.json"
    moderated.write_text(json.dumps([{
        "id": "cli-added-claim", "topic": "grid", "status": "verified",
        "statement": {"en": "A claim added through an import.", "fr": "Une affirmation importée."},
        "figure": {"value": 12.5, "unit": "MW"},
        "sources": [{"publisher": "Grid Lab", "title": "Report", "url": "https://example.org/r",
                     "date": "2024-03"}],
    }]))  # fmt: skip
    assert run(WATTSON, "facts", "import", str(moderated), env=source).returncode == 0
    export = tmp_path / f"claims.{fmt}"
    result = run(WATTSON, "facts", "export", "--format", fmt, "--output", str(export), env=source)
    assert result.returncode == 0, result.stderr

    target = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "target.db")}
    dry = run(WATTSON, "facts", "import", str(export), "--dry-run", env=target)
    assert dry.returncode == 0, dry.stderr
    assert "would add 1: cli-added-claim" in dry.stdout and "unchanged 75" in dry.stdout
    assert (
        "would add 1"
        in run(WATTSON, "facts", "import", str(export), "--dry-run", env=target).stdout
    )
    assert run(WATTSON, "facts", "import", str(export), env=target).returncode == 0

    def content(env: dict[str, str]) -> list[dict[str, object]]:
        claims = json.loads(run(WATTSON, "facts", "export", "--format", "json", env=env).stdout)
        drop = {"created_at", "updated_at", "created_by", "updated_by"}
        return [{k: v for k, v in claim.items() if k not in drop} for claim in claims]

    assert content(target) == content(source)


def test_facts_import_refuses_an_invalid_file_and_writes_nothing(tmp_path: Path) -> None:
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "w.db")}
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x"}]')
    result = run(WATTSON, "facts", "import", str(bad), env=env)
    assert result.returncode == 2 and "not imported" in result.stderr
    export = run(WATTSON, "facts", "export", "--format", "json", env=env)
    assert len(json.loads(export.stdout)) == 75


INVALID_UTF8 = b"/tokens caf\xe9 \xff\xfe\xc3 ok\n/help\n"


@pytest.mark.parametrize(
    "environment",
    [{"LANG": "C.UTF-8"}, {"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "utf-8"}],
    ids=["utf8-locale", "c-locale", "strict-io-encoding"],
)
def test_invalid_utf8_on_the_console_is_replaced_never_a_traceback(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("WATTSON_", "LC_", "PYTHONIO"))
    }
    clean.pop("DISCORD_TOKEN", None)
    clean.pop("TELEGRAM_TOKEN", None)
    result = subprocess.run(
        [WATTSON, "console"], input=INVALID_UTF8, capture_output=True, cwd=tmp_path,
        env={**clean, **environment}, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    out = result.stdout.decode("utf-8")  # strictly valid UTF-8 out
    assert "\N{REPLACEMENT CHARACTER}" in out and "/cost" in out, "both lines answered"


def test_invalid_utf8_piped_to_cost_is_replaced(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WATTSON_")}
    result = subprocess.run(
        [WATTSON, "cost", "--json"], input=b"caf\xe9 \xff ok", capture_output=True,
        env={**clean, "PYTHONIOENCODING": "utf-8"}, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert json.loads(result.stdout)["tokens"] > 0
