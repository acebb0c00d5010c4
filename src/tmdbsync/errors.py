"""Errors grouped by what the caller does about them, not by where they came from."""

from __future__ import annotations


class TmdbsyncError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(TmdbsyncError):
    """A setting is missing or invalid: the run cannot start."""


class FatalError(TmdbsyncError):
    """Stop the whole run now (invalid key, unreachable database)."""


class AuthError(FatalError):
    """The provider rejected our credentials."""


class RetryableError(TmdbsyncError):
    """A transient failure that survived every retry; the work can be tried again later."""


class NotFoundError(TmdbsyncError):
    """The resource does not exist (HTTP 404); retrying will not help."""


class BadPayload(TmdbsyncError):
    """The response could not be parsed or lacks a field we depend on."""


class QuotaExhausted(TmdbsyncError):
    """A bucket cannot send more requests in this run (daily quota spent or long Retry-After)."""

    def __init__(
        self,
        provider: str,
        bucket: str,
        reason: str = "daily quota spent",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider} {bucket} bucket: {reason}")
        self.provider = provider
        self.bucket = bucket
        self.reason = reason
        self.retry_after = retry_after
        """Seconds until the provider lets us in again, when it said (a long Retry-After)."""


class AlreadyRunning(FatalError):
    """Another sync holds the database's run lock; `holder` is its `host:pid[:start]` if known
    (`sync --forever` names it while it waits)."""

    def __init__(self, message: str, holder: str | None = None) -> None:
        super().__init__(message)
        self.holder = holder


class RequestRejected(TmdbsyncError):
    """The provider refused the request itself (HTTP 400/422 …): fix the request, not a retry."""


class ResponseTooLarge(BadPayload):
    """A response body grew past TMDBSYNC_MAX_RESPONSE_MB (decompressed): refused, not retried."""


class RedirectRefused(FatalError):
    """The provider answered 3xx: its base URL is wrong or intercepted; the key must not follow."""
