"""Settings: a TOML file for what a community chooses, the environment for secrets.

``config.example.toml`` documents every key. The file comes from ``--config PATH``
or ``WATTSON_CONFIG``; any key can be overridden from the environment as
``WATTSON_<SECTION>__<KEY>`` (``WATTSON_COST__ZONE=FRA``). Platform tokens are
read only from ``DISCORD_TOKEN`` and ``TELEGRAM_TOKEN``, never from the file.
Unknown keys are errors, so a typo is caught at start-up, not ignored.
"""

from __future__ import annotations

import difflib
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.foundation.errors import ConfigError, WattsonError
from bot.foundation.storage.limits import ConnectionLimits

CONFIG_ENV = "WATTSON_CONFIG"
DEFAULT_COMPARE_MODELS = [
    "huggingface_hub:google/gemma-2-2b-it",
    "huggingface_hub:meta-llama/Meta-Llama-3.1-8B-Instruct",
    "huggingface_hub:meta-llama/Meta-Llama-3.1-70B-Instruct",
    "huggingface_hub:mistralai/Mixtral-8x7B-Instruct-v0.1",
]

_config_file: ContextVar[Path | None] = ContextVar("wattson_config_file", default=None)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CostSettings(Section):
    default_model: str = "openai:gpt-4o"
    zone: str | None = None
    compare_models: list[str] = Field(default=DEFAULT_COMPARE_MODELS, min_length=2, max_length=8)

    @field_validator("default_model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        return _resolve_model(value)

    @field_validator("compare_models")
    @classmethod
    def _known_models(cls, values: list[str]) -> list[str]:
        return [_resolve_model(value) for value in values]

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        from bot.measuring.energy import check_zone

        try:
            return check_zone(value)
        except WattsonError as error:
            raise ValueError(str(error)) from None


def _resolve_model(value: str) -> str:
    from bot.measuring.catalog import default_catalog

    try:
        return default_catalog().resolve(value).key
    except WattsonError as error:
        raise ValueError(f"{error} (expected provider:name, as /models lists them)") from None


class LanguageSettings(Section):
    default: Literal["en", "fr"] = "en"


class StorageSettings(Section):
    # a SQLite file (embedded, one serving process) or postgresql://user@host:port/name
    database: str = "wattson.db"
    # connections each process keeps open to PostgreSQL (unused with SQLite)
    pool_size: int = Field(default=4, ge=1, le=100)
    # PostgreSQL: how long to wait for a connection to open, for one statement to
    # answer, and for an idle connection before TCP keepalives test it
    connect_timeout_seconds: float = Field(default=5.0, ge=1.0, le=120.0)
    query_timeout_seconds: float = Field(default=5.0, ge=0.5, le=600.0)
    keepalive_idle_seconds: int = Field(default=10, ge=1, le=3600)
    # PostgreSQL: how long a process keeps serving its roles (Telegram, shards)
    # without reaching the database that holds them, before it stops and exits
    role_lease_seconds: float = Field(default=20.0, ge=5.0, le=3600.0)

    @model_validator(mode="after")
    def _lease_within_keepalives(self) -> StorageSettings:
        earliest = self.limits().dead_after
        if self.role_lease_seconds > earliest - 5:
            raise ValueError(
                f"role_lease_seconds must be at most {earliest - 5:g}: the server may let go"
                f" of a silent process's roles after {earliest:g} s (keepalive_idle_seconds"
                " × 2.5), and the process must stop serving them before"
            )
        return self

    def limits(self) -> ConnectionLimits:
        """The PostgreSQL connection's bounds, as the storage driver takes them."""
        return ConnectionLimits(
            connect_timeout=self.connect_timeout_seconds,
            query_timeout=self.query_timeout_seconds,
            keepalive_idle=self.keepalive_idle_seconds,
            role_lease=self.role_lease_seconds,
        )

    @field_validator("database", mode="before")
    @classmethod
    def _path_or_url(cls, value: Any) -> Any:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, str) and "://" in value:
            from urllib.parse import urlsplit

            parts = urlsplit(value)
            if parts.scheme not in ("postgresql", "postgres"):
                raise ValueError(
                    "a database URL starts with postgresql:// (or give a SQLite file path)"
                )
            if not parts.path.strip("/"):
                raise ValueError("name the database: postgresql://user@host:5432/NAME")
        if isinstance(value, str) and not value.strip():
            raise ValueError("give a SQLite file path or a postgresql:// URL")
        return value


class LimitSettings(Section):
    max_input_chars: int = Field(default=200_000, ge=1_000, le=10_000_000)
    max_reply_chars: int = Field(default=4_000, ge=500, le=100_000)
    models_per_page: int = Field(default=15, ge=1, le=100)
    tokens_shown: int = Field(default=200, ge=10, le=10_000)
    per_user_per_minute: int = Field(default=20, ge=1, le=10_000)
    per_chat_per_minute: int = Field(default=60, ge=1, le=100_000)


class ConsoleSettings(Section):
    charts_dir: Path = Path("wattson-charts")


class ModerationSettings(Section):
    allow: list[str] = Field(default_factory=list, max_length=1000)

    @field_validator("allow")
    @classmethod
    def _platform_ids(cls, values: list[str]) -> list[str]:
        for value in values:
            platform, colon, user = value.partition(":")
            if not (colon and platform.isalpha() and platform.islower() and user.strip()):
                raise ValueError(f"{value!r} is not platform:user_id (e.g. discord:1234)")
        return values


class CampaignSettings(Section):
    tick_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    post: bool = True  # this process posts the campaigns of the chats it serves


class FactSettings(Section):
    search_results: int = Field(default=5, ge=1, le=25)


class ReportSettings(Section):
    """Readers' reports of a wrong /check verdict."""

    # how long a checked statement waits in memory for its reader to press "Wrong verdict?"
    offer_minutes: float = Field(default=15.0, ge=1.0, le=1440.0)
    # reports one person may send in an hour (the console's own user is not limited)
    per_person_per_hour: int = Field(default=5, ge=1, le=1000)
    reason_chars: int = Field(default=500, ge=20, le=5000)  # the longest reason a reader may add


class PlatformSettings(Section):
    api_base_url: AnyHttpUrl | None = None
    # how long a platform unreachable at start is retried before `wattson run` gives up
    startup_seconds: float = Field(default=60.0, ge=0.0, le=3600.0)
    # on SIGTERM, the process exits within this, whatever it waits for: answers already
    # being written may take all of it but a reserve for closing (a fifth, at most 2 s)
    stop_seconds: float = Field(default=10.0, ge=0.0, le=60.0)

    @property
    def answer_seconds(self) -> float:
        """How long answers being written may take after SIGTERM: ``stop_seconds`` less closing."""
        return self.stop_seconds - min(2.0, self.stop_seconds * 0.2)


class DiscordSettings(PlatformSettings):
    auto_channels: list[int] = Field(default_factory=list, max_length=1000)
    auto_per_minute: int = Field(default=6, ge=1, le=600)
    serve: bool = True  # when DISCORD_TOKEN is set
    shard_count: int | None = Field(default=None, ge=1, le=100_000)
    # [0, 1] in TOML or JSON; "0-1" (a range) or "0,1" also in the environment
    # (WATTSON_DISCORD__SHARD_IDS=0-1), as a systemd template instance names it
    shard_ids: Annotated[list[int], NoDecode] = Field(default_factory=list, max_length=100_000)
    # how long a quiz's native poll stays open; its answer is posted when it ends
    quiz_hours: int = Field(default=24, ge=1, le=768)  # Discord's polls: 1 hour to 32 days

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            import json

            return json.loads(text)
        shards: list[int] = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            first, dash, last = part.partition("-")
            if not (first.isdigit() and (not dash or last.isdigit())):
                raise ValueError("write shards as [0, 1], 0,1 or 0-1")
            shards += range(int(first), int(last if dash else first) + 1)
        return shards

    @model_validator(mode="after")
    def _shards(self) -> DiscordSettings:
        if self.shard_ids and self.shard_count is None:
            raise ValueError("shard_ids needs shard_count (the total, the same in every process)")
        if self.shard_count is not None:
            outside = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if outside:
                raise ValueError(
                    f"shard_ids {outside} are not between 0 and shard_count - 1"
                    f" ({self.shard_count - 1})"
                )
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("shard_ids lists a shard twice")
        return self

    @property
    def shards(self) -> list[int] | None:
        """The shards this process runs (``None``: as many as Discord recommends)."""
        if self.shard_count is None:
            return None
        return sorted(self.shard_ids) or list(range(self.shard_count))


class TelegramSettings(PlatformSettings):
    webhook_url: AnyHttpUrl | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    admin_cache_seconds: int = Field(default=120, ge=0, le=86_400)
    serve: bool = True  # when TELEGRAM_TOKEN is set; exactly one process may
    # Telegram's caps; 0 turns a cap off (for measuring what the bot itself can do)
    messages_per_second: float = Field(default=30.0, ge=0.0, le=1000.0)
    group_messages_per_minute: float = Field(default=20.0, ge=0.0, le=1000.0)


class WebSettings(Section):
    """The public pages, the JSON API, health and metrics (``wattson web``, or ``wattson run``)."""

    enabled: bool = False  # `wattson run` serves them too, in the same process as the bots
    listen: str = "127.0.0.1:8080"  # host:port ([::1]:8080); port 0 takes a free one
    # the address readers use (https://wattson.example.org): canonical links, sitemap,
    # ClaimReview, and the links /fact, /check and campaign posts give in the chats
    public_url: AnyHttpUrl | None = None
    requests_per_minute: int = Field(default=120, ge=1, le=10_000_000)  # per client address
    max_body_bytes: int = Field(default=1_048_576, ge=16_384, le=64 * 1_048_576)
    # behind a reverse proxy: the client address is the last one X-Forwarded-For adds
    trust_forwarded_for: bool = False

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, port = split_listen(value)
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError("write host:port, e.g. 127.0.0.1:8080 or [::1]:8080")
        return value

    @field_validator("public_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def base_url(self) -> str | None:
        """``public_url`` without its trailing slash, ready for a path to follow."""
        return str(self.public_url).rstrip("/") if self.public_url else None


def split_listen(value: str) -> tuple[str, str]:
    """``("127.0.0.1", "8080")`` from ``127.0.0.1:8080``; ``("::1", "8080")`` from ``[::1]:8080``."""
    host, _colon, port = value.strip().rpartition(":")
    return host.strip("[]"), port


class Settings(BaseSettings):
    """Everything configurable, validated at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="WATTSON_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    cost: CostSettings = CostSettings()
    language: LanguageSettings = LanguageSettings()
    storage: StorageSettings = StorageSettings()
    limits: LimitSettings = LimitSettings()
    moderation: ModerationSettings = ModerationSettings()
    console: ConsoleSettings = ConsoleSettings()
    campaigns: CampaignSettings = CampaignSettings()
    facts: FactSettings = FactSettings()
    reports: ReportSettings = ReportSettings()
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()
    web: WebSettings = WebSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file.get()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


class Secrets(BaseSettings):
    """Platform tokens, from the environment only."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    telegram_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_TOKEN")

    @field_validator("discord_token", "telegram_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


def config_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to read: ``--config``, else ``WATTSON_CONFIG``, else none."""
    chosen = explicit or os.environ.get(CONFIG_ENV) or None
    return Path(chosen) if chosen else None


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read and validate the settings; raise :class:`ConfigError` naming each bad key."""
    if path is not None and not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    token = _config_file.set(path)
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error, path)) from None
    except (OSError, ValueError) as error:  # TOML syntax errors are ValueErrors
        raise ConfigError(f"{path}: {error}") from None
    finally:
        _config_file.reset(token)


def _known_keys(model: type[BaseModel], location: tuple[str, ...]) -> list[str]:
    for part in location:
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def describe_validation_error(error: ValidationError, path: Path | None) -> str:
    """Turn pydantic's errors into lines that name the key and the expected form."""
    origin = str(path) if path else "settings"
    lines = [f"invalid configuration in {origin}:"]
    for item in error.errors():
        location = tuple(str(part) for part in item["loc"])
        key = ".".join(location)
        if item["type"] == "extra_forbidden":
            known = _known_keys(Settings, location[:-1])
            close = difflib.get_close_matches(location[-1], known, n=1)
            hint = f"; did you mean {'.'.join((*location[:-1], close[0]))}?" if close else ""
            if location[-1].endswith("token"):
                hint += " (platform tokens come from DISCORD_TOKEN / TELEGRAM_TOKEN only)"
            lines.append(f"  {key}: unknown setting{hint}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            lines.append(f"  {key}: {message} (got {item.get('input')!r})")
    return "\n".join(lines)
