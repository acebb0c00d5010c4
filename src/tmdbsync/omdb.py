"""OMDb lookups by IMDb id; OMDb reports most errors as HTTP 200 with `"Response": "False"`."""

from __future__ import annotations

from typing import Any

from tmdbsync.errors import AuthError, BadPayload, RequestRejected
from tmdbsync.http import ApiClient, EndpointClient
from tmdbsync.kinds import Bucket
from tmdbsync.quota import QuotaLedger
from tmdbsync.settings import Settings

NOT_FOUND = frozenset(
    {
        "Movie not found!",
        "Series not found!",
        "Series or episode not found!",
        "Incorrect IMDb ID.",
        "Error getting data.",
    }
)
BAD_KEY = frozenset({"Invalid API key!", "No API key provided."})
LIMIT_REACHED = "Request limit reached!"


def daily_limit(body: Any) -> str | None:
    """OMDb tells of its daily limit in the body (with HTTP 401, or 200), not by a status of its
    own; ApiClient asks this of every answer and then stops every OMDb request of the run."""
    if isinstance(body, dict) and body.get("Error") == LIMIT_REACHED:
        return "OMDb request limit reached"
    return None


class OmdbClient(EndpointClient):
    """Ratings and awards for a title OMDb knows by its IMDb id."""

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        ledger: QuotaLedger,
    ) -> OmdbClient | None:
        """None without OMDB_API_KEY: OMDb enrichment is optional."""
        key = settings.omdb_api_key.get_secret_value() if settings.omdb_api_key else ""
        if not key:
            return None
        api = ApiClient.from_settings(
            settings,
            provider="omdb",
            base_url=settings.omdb_base_url,
            ledger=ledger,
            rate_limit=settings.omdb_rate_limit,
            auth_params={"apikey": key},
            daily_limit=daily_limit,
        )
        return cls(api)

    async def by_imdb_id(self, imdb_id: str, *, bucket: Bucket) -> dict[str, Any] | None:
        """The full record, or None when OMDb does not know the id.

        "Request limit reached!" is QuotaExhausted, raised by ApiClient through `daily_limit`.
        """
        payload = await self.api.get("", {"i": imdb_id, "plot": "short"}, bucket=bucket)
        if not isinstance(payload, dict):
            raise BadPayload(f"omdb i={imdb_id}: expected a JSON object")
        if payload.get("Response") != "False":
            return payload
        error = str(payload.get("Error", ""))
        if error in BAD_KEY:
            raise AuthError(f"omdb rejected the API key: {error}")
        if error in NOT_FOUND:
            return None
        raise RequestRejected(f"omdb i={imdb_id}: {error}")
