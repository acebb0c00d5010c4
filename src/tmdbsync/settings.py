"""Every setting of CONTRACT.md, read from the environment (and ./.env), validated once.

Settings are built by `load_settings()` and passed down explicitly: there is no import-time
singleton, so tests and the demo can run several configurations in one process.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from tmdbsync.db import urls
from tmdbsync.errors import ConfigError

log = logging.getLogger("tmdbsync.settings")
ENV_FILE = ".env"
# Read by the test suite and the benchmarks, not by tmdbsync: known, so never warned about.
OTHER_NAMES = ("TMDBSYNC_TEST_POSTGRES_URL",)


def _whole(pattern: str, text: str, what: str) -> re.Match[str]:
    """`text` matched whole by `pattern`, else a ValueError naming `what` was expected."""
    match = re.fullmatch(pattern, text)
    if not match:
        raise ValueError(f"{text!r} is not {what}")
    return match


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month; the unit of the sync log."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        match = _whole(r"\s*(\d{4})-(\d{1,2})\s*", text, "a month; expected YYYY-MM, e.g. 2024-01")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has month {month:02d}; expected YYYY-MM with MM 01-12")
        if year < 1870:
            raise ValueError(f"{text!r} is before any film TMDb knows; expected a year from 1870")
        return cls(year, month)

    @classmethod
    def current(cls) -> YearMonth:
        now = datetime.now(UTC)
        return cls(now.year, now.month)

    def next(self) -> YearMonth:
        return YearMonth(self.year + (self.month == 12), self.month % 12 + 1)

    def previous(self) -> YearMonth:
        return YearMonth(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` in any window of `window` seconds."""

    requests: int
    window: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        match = _whole(
            r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*",
            text,
            "a rate; expected N/Ws, e.g. 40/10s or 50/1s",
        )
        unit = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(3)]
        requests, window = int(match.group(1)), float(match.group(2)) * unit
        if requests < 1 or window <= 0:
            raise ValueError(f"{text!r} must allow at least 1 request in a positive window")
        return cls(requests, window)

    def __str__(self) -> str:
        return f"{self.requests}/{self.window:g}s"


class _DocumentedNamesOnly(EnvSettingsSource):
    """Reads each setting under its documented name only.

    `populate_by_name` (so code can pass `start=…`) would also make pydantic-settings read the
    bare field name from the environment: an ambient `START` or `DATABASE_URL` meant for
    another program. Entries keyed by the field name itself are those fallbacks: dropped.
    """

    def _extract_field_info(self, field: FieldInfo, field_name: str) -> list[tuple[str, str, bool]]:
        infos = super()._extract_field_info(field, field_name)
        return [info for info in infos if info[0] != field_name]


class _DotEnvDocumentedNamesOnly(DotEnvSettingsSource, _DocumentedNamesOnly):
    """`_DocumentedNamesOnly` for the .env file, whose other names (read as extras by
    pydantic-settings, then matched to fields by name) are not read either."""

    def __call__(self) -> dict[str, Any]:
        return EnvSettingsSource.__call__(self)


PeoplePolicy = Literal["all", "principal", "none"]
EpisodeCredits = Literal["season", "episode"]


class Settings(BaseSettings):
    """Validated configuration; secrets are `SecretStr` and never shown in repr or logs."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE, extra="ignore", populate_by_name=True, frozen=True
    )

    # A SecretStr, so its password shows in no repr, log or message; make_engine takes it.
    database_url: SecretStr = Field(
        SecretStr("sqlite:///tmdbsync.db"), validation_alias="TMDBSYNC_DATABASE_URL"
    )
    tmdb_api_key: SecretStr | None = Field(None, validation_alias="TMDB_API_KEY")
    tmdb_access_token: SecretStr | None = Field(None, validation_alias="TMDB_ACCESS_TOKEN")
    omdb_api_key: SecretStr | None = Field(None, validation_alias="OMDB_API_KEY")
    tmdb_base_url: str = Field(
        "https://api.themoviedb.org/3",
        validation_alias="TMDB_BASE_URL",
    )
    omdb_base_url: str = Field(
        "https://www.omdbapi.com/",
        validation_alias="OMDB_BASE_URL",
    )
    trakt_client_id: SecretStr | None = Field(None, validation_alias="TRAKT_CLIENT_ID")
    trakt_base_url: str = Field(
        "https://api.trakt.tv",
        validation_alias="TRAKT_BASE_URL",
    )
    start: Annotated[YearMonth, NoDecode] = Field(
        YearMonth(1900, 1), validation_alias="TMDBSYNC_START"
    )
    end: Annotated[YearMonth, NoDecode] = Field(
        default_factory=YearMonth.current, validation_alias="TMDBSYNC_END"
    )
    tmdb_daily_quota: int = Field(1000, ge=0, validation_alias="TMDBSYNC_TMDB_DAILY_QUOTA")
    omdb_daily_quota: int = Field(1000, ge=0, validation_alias="TMDBSYNC_OMDB_DAILY_QUOTA")
    trakt_daily_quota: int = Field(
        1000,
        ge=0,
        validation_alias="TMDBSYNC_TRAKT_DAILY_QUOTA",
    )
    movie_share: float = Field(0.5, ge=0.0, le=1.0, validation_alias="TMDBSYNC_MOVIE_SHARE")
    rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(40, 10.0), validation_alias="TMDBSYNC_RATE_LIMIT"
    )
    omdb_rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(10, 1.0),
        validation_alias="TMDBSYNC_OMDB_RATE_LIMIT",
    )
    trakt_rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(1000, 300.0),
        validation_alias="TMDBSYNC_TRAKT_RATE_LIMIT",
    )
    lend_quota: bool = Field(False, validation_alias="TMDBSYNC_LEND_QUOTA")
    follow_changes: bool = Field(True, validation_alias="TMDBSYNC_FOLLOW_CHANGES")
    audit_days: int = Field(30, ge=0, validation_alias="TMDBSYNC_AUDIT_DAYS")
    retry_skipped_days: int = Field(
        30,
        ge=0,
        le=365,  # the back-off's cap (sync/retry.py): no retry waits longer
        validation_alias="TMDBSYNC_RETRY_SKIPPED_DAYS",
    )
    people: PeoplePolicy = Field("principal", validation_alias="TMDBSYNC_PEOPLE")
    people_share: float = Field(0.3, ge=0.0, lt=1.0, validation_alias="TMDBSYNC_PEOPLE_SHARE")
    principal_cast: int = Field(10, ge=0, validation_alias="TMDBSYNC_PRINCIPAL_CAST")
    episode_credits: EpisodeCredits = Field("season", validation_alias="TMDBSYNC_EPISODE_CREDITS")
    # 12, not 8: at 40 requests / 1 s with 150 ms latency, 8 left the limit 93.8-96.8 % used
    # over nine runs of bench/throughput.py, 12 left it 95.0-96.6 % used over six.
    concurrency: int = Field(12, ge=1, le=64, validation_alias="TMDBSYNC_CONCURRENCY")
    http_timeout: float = Field(30.0, gt=0, validation_alias="TMDBSYNC_HTTP_TIMEOUT")
    max_retries: int = Field(5, ge=0, le=20, validation_alias="TMDBSYNC_MAX_RETRIES")
    max_retry_after: float = Field(120.0, ge=0, validation_alias="TMDBSYNC_MAX_RETRY_AFTER")
    # Far above any real answer (a show with 20 appended seasons is a few MB), low enough that
    # an endless or decompression-bomb body is refused long before it hurts.
    max_response_mb: int = Field(64, ge=1, le=4096, validation_alias="TMDBSYNC_MAX_RESPONSE_MB")
    # The first retry waits up to this long, doubling per retry (full jitter, capped at 30 s);
    # 0 retries at once, as the tests do against the local fake.
    retry_backoff: float = Field(0.5, ge=0, le=30, validation_alias="TMDBSYNC_RETRY_BACKOFF")
    source: Literal["discover", "exports"] = Field("discover", validation_alias="TMDBSYNC_SOURCE")
    tmdb_exports_url: str = Field(
        "https://files.tmdb.org/p/exports", validation_alias="TMDB_EXPORTS_URL"
    )
    include_adult: bool = Field(False, validation_alias="TMDBSYNC_INCLUDE_ADULT")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _DocumentedNamesOnly(settings_cls),
            # the file given at run time (`--env-file`, `_env_file=`), not only model_config's
            _DotEnvDocumentedNamesOnly(
                settings_cls,
                env_file=getattr(dotenv_settings, "env_file", ENV_FILE),
                env_file_encoding=getattr(dotenv_settings, "env_file_encoding", None),
            ),
        )

    @field_validator(
        "tmdb_api_key", "tmdb_access_token", "omdb_api_key", "trakt_client_id", mode="before"
    )
    @classmethod
    def _strip_secret(cls, value: object) -> object:
        """A key pasted with a space or newline is stripped; an empty or blank one is missing."""
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_month(cls, value: object) -> object:
        return YearMonth.parse(value) if isinstance(value, str) else value

    @field_validator("rate_limit", "omdb_rate_limit", "trakt_rate_limit", mode="before")
    @classmethod
    def _parse_rate(cls, value: object) -> object:
        return RateLimit.parse(value) if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value().strip()
        urls.parse(url)
        return SecretStr(url)

    @field_validator("tmdb_base_url", "omdb_base_url", "trakt_base_url")
    @classmethod
    def _check_http(cls, value: str) -> str:
        if not re.match(r"https?://", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def safe_database_url(self) -> str:
        """The database URL with any password masked, fit for printing."""
        return urls.shown(self.database_url.get_secret_value())

    @property
    def database_path(self) -> Path | None:
        """The SQLite file the URL names (None for PostgreSQL)."""
        url = urls.parse(self.database_url.get_secret_value())
        return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None

    @property
    def tmdb_bearer(self) -> str | None:
        """The token for an `Authorization: Bearer` header, if we authenticate that way.

        A read-access token pasted into TMDB_API_KEY (it is a JWT) is recognised and used as one.
        """
        if self.tmdb_access_token is not None:
            return self.tmdb_access_token.get_secret_value()
        key = self.tmdb_api_key.get_secret_value() if self.tmdb_api_key else ""
        return key if key.startswith("eyJ") and key.count(".") == 2 else None

    def require_tmdb_auth(self) -> None:
        if self.tmdb_api_key is None and self.tmdb_access_token is None:
            raise ConfigError(
                "no TMDb credentials: set TMDB_API_KEY (v3 API key) or TMDB_ACCESS_TOKEN "
                "(read-access token), or run `tmdbsync demo` to try the bundled fake API"
            )

    def secrets(self) -> list[str]:
        """Every secret value, so the HTTP layer can redact them from any text."""
        values = [
            self.tmdb_api_key,
            self.tmdb_access_token,
            self.omdb_api_key,
            self.trakt_client_id,
        ]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    def validate_range(self) -> None:
        if self.start > self.end:
            raise ConfigError(
                f"TMDBSYNC_START={self.start} is after TMDBSYNC_END={self.end}; "
                "expected START <= END"
            )


_ENV_NAMES = {name: str(field.validation_alias) for name, field in Settings.model_fields.items()}
_FIELDS = {env: name for name, env in _ENV_NAMES.items()}
_SECRET_FIELDS = {
    name for name, field in Settings.model_fields.items() if "SecretStr" in str(field.annotation)
}


def _shown(field: str, value: object) -> str:
    """`=value` for a problem message: a URL with its password masked, no secret at all."""
    if field == "database_url":
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return f"={urls.mask(text)}"
    return "" if field in _SECRET_FIELDS else f"={value}"


def unknown_names(environ: dict[str, str | None]) -> list[str]:
    """One line per `TMDBSYNC_…` name that no setting has, with the closest one that exists."""
    known = {*_ENV_NAMES.values(), *OTHER_NAMES}
    lines = []
    for name in sorted({name.upper() for name in environ if name.upper().startswith("TMDBSYNC_")}):
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]}?" if close else "see the settings table in README.md"
        lines.append(f"{name} is not a tmdbsync setting and is ignored; {guess}")
    return lines


def env_name(field: str) -> str:
    """The environment variable that sets a Settings field."""
    return _ENV_NAMES.get(field, field.upper())


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning validation failures into one ConfigError line per problem; warn
    once about each `TMDBSYNC_…` name (environment or .env) that is no setting, e.g. misspelt."""
    env_file = Path(ENV_FILE)
    from_file = dotenv_values(env_file) if env_file.is_file() else {}
    for line in unknown_names({**from_file, **os.environ}):
        log.warning("%s", line)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = str(error["loc"][0]) if error["loc"] else "?"
            field = _FIELDS.get(where, where)  # the environment's errors carry the env name
            env = _ENV_NAMES.get(field, field.upper())
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{env}{_shown(field, error.get('input'))}: {message}")
        raise ConfigError("; ".join(problems)) from None
    settings.validate_range()
    return settings
