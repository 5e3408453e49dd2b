"""Settings: a documented TOML file, environment overrides, secrets from the environment only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.foundation.errors import ConfigError
from bot.settings import Secrets, Settings, config_path, load_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def test_example_config_is_valid_and_states_the_defaults() -> None:
    from_file = load_settings(EXAMPLE)
    assert from_file == load_settings(None)


def test_every_setting_is_documented_in_the_example() -> None:
    text = EXAMPLE.read_text()
    for section, field in Settings.model_fields.items():
        assert f"[{section}]" in text
        annotation = field.annotation
        assert annotation is not None
        for key in annotation.model_fields:
            assert f"{key} =" in text, f"{section}.{key} is not documented"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_a_typo_names_the_key_and_the_closest_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, "[limits]\nmax_reply_char = 900\n"))
    assert "limits.max_reply_char: unknown setting; did you mean limits.max_reply_chars?" in str(
        raised.value
    )


def test_a_token_in_the_file_is_refused_and_the_environment_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        load_settings(write(tmp_path, '[discord]\ntoken = "secret"\n'))


def test_unknown_model_and_zone_name_the_expected_form(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, '[cost]\ndefault_model = "gpt-9"\nzone = "XYZ"\n'))
    message = str(raised.value)
    assert "cost.default_model" in message and "provider:name" in message
    assert "cost.zone" in message and "ISO 3166-1" in message


def test_out_of_range_limit_says_the_bound(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="limits.max_reply_chars.*greater than or equal to 500"):
        load_settings(write(tmp_path, "[limits]\nmax_reply_chars = 10\n"))


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(write(tmp_path, "[cost\nzone = \n"))


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATTSON_COST__ZONE", "fra")
    settings = load_settings(write(tmp_path, '[cost]\nzone = "USA"\n'))
    assert settings.cost.zone == "FRA"


def test_model_names_are_stored_in_their_unambiguous_form(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[cost]\ndefault_model = "gpt-4o-mini"\n'))
    assert settings.cost.default_model == "openai:gpt-4o-mini"


def test_config_path_comes_from_the_flag_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WATTSON_CONFIG", "/etc/wattson.toml")
    assert config_path("mine.toml") == Path("mine.toml")
    assert config_path(None) == Path("/etc/wattson.toml")


def test_tokens_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("TELEGRAM_TOKEN", "  ")
    secrets = Secrets()
    assert secrets.discord_token is not None
    assert secrets.discord_token.get_secret_value() == "abc"
    assert secrets.telegram_token is None
    assert "abc" not in repr(secrets)
