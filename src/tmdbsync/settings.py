"""Every setting of CONTRACT.md, read from the environment (and ./.env), validated once.

Settings are built by `load_settings()` and passed down explicitly: there is no import-time
singleton, so tests and the demo can run several configurations in one process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from tmdbsync.errors import ConfigError


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month; the unit of the sync log."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
        if not match:
            raise ValueError(f"{text!r} is not a month; expected YYYY-MM, e.g. 2024-01")
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
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", text)
        if not match:
            raise ValueError(f"{text!r} is not a rate; expected N/Ws, e.g. 40/10s or 50/1s")
        unit = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(3)]
        requests, window = int(match.group(1)), float(match.group(2)) * unit
        if requests < 1 or window <= 0:
            raise ValueError(f"{text!r} must allow at least 1 request in a positive window")
        return cls(requests, window)

    def __str__(self) -> str:
        return f"{self.requests}/{self.window:g}s"


PeoplePolicy = Literal["all", "principal", "none"]
EpisodeCredits = Literal["season", "episode"]


class Settings(BaseSettings):
    """Validated configuration; secrets are `SecretStr` and never shown in repr or logs."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, frozen=True
    )

    database_url: str = Field(
        "sqlite:///tmdbsync.db",
        validation_alias=AliasChoices("TMDBSYNC_DATABASE_URL", "database_url"),
        repr=False,
    )
    tmdb_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TMDB_API_KEY", "tmdb_api_key")
    )
    tmdb_access_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TMDB_ACCESS_TOKEN", "tmdb_access_token")
    )
    omdb_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OMDB_API_KEY", "omdb_api_key")
    )
    tmdb_base_url: str = Field(
        "https://api.themoviedb.org/3",
        validation_alias=AliasChoices("TMDB_BASE_URL", "tmdb_base_url"),
    )
    omdb_base_url: str = Field(
        "https://www.omdbapi.com/",
        validation_alias=AliasChoices("OMDB_BASE_URL", "omdb_base_url"),
    )
    trakt_client_id: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TRAKT_CLIENT_ID", "trakt_client_id")
    )
    trakt_base_url: str = Field(
        "https://api.trakt.tv",
        validation_alias=AliasChoices("TRAKT_BASE_URL", "trakt_base_url"),
    )
    start: Annotated[YearMonth, NoDecode] = Field(
        YearMonth(1900, 1), validation_alias=AliasChoices("TMDBSYNC_START", "start")
    )
    end: Annotated[YearMonth, NoDecode] = Field(
        default_factory=YearMonth.current, validation_alias=AliasChoices("TMDBSYNC_END", "end")
    )
    tmdb_daily_quota: int = Field(
        1000, ge=0, validation_alias=AliasChoices("TMDBSYNC_TMDB_DAILY_QUOTA", "tmdb_daily_quota")
    )
    omdb_daily_quota: int = Field(
        1000, ge=0, validation_alias=AliasChoices("TMDBSYNC_OMDB_DAILY_QUOTA", "omdb_daily_quota")
    )
    trakt_daily_quota: int = Field(
        1000,
        ge=0,
        validation_alias=AliasChoices("TMDBSYNC_TRAKT_DAILY_QUOTA", "trakt_daily_quota"),
    )
    movie_share: float = Field(
        0.5, ge=0.0, le=1.0, validation_alias=AliasChoices("TMDBSYNC_MOVIE_SHARE", "movie_share")
    )
    rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(40, 10.0), validation_alias=AliasChoices("TMDBSYNC_RATE_LIMIT", "rate_limit")
    )
    omdb_rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(10, 1.0),
        validation_alias=AliasChoices("TMDBSYNC_OMDB_RATE_LIMIT", "omdb_rate_limit"),
    )
    trakt_rate_limit: Annotated[RateLimit, NoDecode] = Field(
        RateLimit(1000, 300.0),
        validation_alias=AliasChoices("TMDBSYNC_TRAKT_RATE_LIMIT", "trakt_rate_limit"),
    )
    lend_quota: bool = Field(
        False, validation_alias=AliasChoices("TMDBSYNC_LEND_QUOTA", "lend_quota")
    )
    follow_changes: bool = Field(
        True, validation_alias=AliasChoices("TMDBSYNC_FOLLOW_CHANGES", "follow_changes")
    )
    audit_days: int = Field(
        30, ge=0, validation_alias=AliasChoices("TMDBSYNC_AUDIT_DAYS", "audit_days")
    )
    retry_skipped_days: int = Field(
        30,
        ge=0,
        le=365,  # the back-off's cap (sync/retry.py): no retry waits longer
        validation_alias=AliasChoices("TMDBSYNC_RETRY_SKIPPED_DAYS", "retry_skipped_days"),
    )
    people: PeoplePolicy = Field(
        "principal", validation_alias=AliasChoices("TMDBSYNC_PEOPLE", "people")
    )
    people_share: float = Field(
        0.3, ge=0.0, lt=1.0, validation_alias=AliasChoices("TMDBSYNC_PEOPLE_SHARE", "people_share")
    )
    principal_cast: int = Field(
        10, ge=0, validation_alias=AliasChoices("TMDBSYNC_PRINCIPAL_CAST", "principal_cast")
    )
    episode_credits: EpisodeCredits = Field(
        "season", validation_alias=AliasChoices("TMDBSYNC_EPISODE_CREDITS", "episode_credits")
    )
    # 12, not 8: at 40 requests / 1 s with 150 ms latency, 8 left the limit 93.8-96.8 % used
    # over nine runs of bench/throughput.py, 12 left it 95.0-96.6 % used over six.
    concurrency: int = Field(
        12, ge=1, le=64, validation_alias=AliasChoices("TMDBSYNC_CONCURRENCY", "concurrency")
    )
    http_timeout: float = Field(
        30.0, gt=0, validation_alias=AliasChoices("TMDBSYNC_HTTP_TIMEOUT", "http_timeout")
    )
    max_retries: int = Field(
        5, ge=0, le=20, validation_alias=AliasChoices("TMDBSYNC_MAX_RETRIES", "max_retries")
    )
    max_retry_after: float = Field(
        120.0, ge=0, validation_alias=AliasChoices("TMDBSYNC_MAX_RETRY_AFTER", "max_retry_after")
    )
    source: Literal["discover", "exports"] = Field(
        "discover", validation_alias=AliasChoices("TMDBSYNC_SOURCE", "source")
    )
    tmdb_exports_url: str = Field(
        "https://files.tmdb.org/p/exports",
        validation_alias=AliasChoices("TMDB_EXPORTS_URL", "tmdb_exports_url"),
    )
    include_adult: bool = Field(
        False, validation_alias=AliasChoices("TMDBSYNC_INCLUDE_ADULT", "include_adult")
    )

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
    def _check_url(cls, value: str) -> str:
        try:
            make_url(value)
        except Exception as exc:
            raise ValueError("not a SQLAlchemy URL; expected e.g. sqlite:///tmdbsync.db") from exc
        return value

    @field_validator("tmdb_base_url", "omdb_base_url", "trakt_base_url")
    @classmethod
    def _check_http(cls, value: str) -> str:
        if not re.match(r"https?://", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def safe_database_url(self) -> str:
        """The database URL with any password masked, fit for printing."""
        return make_url(self.database_url).render_as_string(hide_password=True)

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


_ENV_NAMES = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning validation failures into one ConfigError line per problem."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            env = _ENV_NAMES.get(field, field.upper())
            value = error.get("input")
            shown = "" if "KEY" in env or "TOKEN" in env else f"={value}"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{env}{shown}: {message}")
        raise ConfigError("; ".join(problems)) from None
    settings.validate_range()
    return settings
