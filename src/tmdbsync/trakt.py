"""Trakt lookups by IMDb id: community ratings and watch statistics (the seed's Trakt idea).

Trakt identifies the app by two headers, not a query parameter, and answers an id it does not know
with a bare 404. Only the public, per-title numbers are read: a user's own watch history needs
that user's OAuth consent, which a catalogue mirror does not have.
"""

from __future__ import annotations

from typing import Any

from tmdbsync.errors import BadPayload, NotFoundError
from tmdbsync.http import ApiClient, EndpointClient
from tmdbsync.kinds import Bucket
from tmdbsync.quota import QuotaLedger
from tmdbsync.settings import Settings

SECTIONS = {"movie": "movies", "tv": "shows"}


class TraktClient(EndpointClient):
    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        ledger: QuotaLedger,
    ) -> TraktClient | None:
        """None without TRAKT_CLIENT_ID: Trakt enrichment is optional."""
        client_id = settings.trakt_client_id.get_secret_value() if settings.trakt_client_id else ""
        if not client_id:
            return None
        api = ApiClient.from_settings(
            settings,
            provider="trakt",
            base_url=settings.trakt_base_url,
            ledger=ledger,
            rate_limit=settings.trakt_rate_limit,
            headers={
                "trakt-api-key": client_id,
                "trakt-api-version": "2",
                "Content-Type": "application/json",
            },
        )
        return cls(api)

    async def _get(self, kind: Bucket, imdb_id: str, part: str) -> dict[str, Any] | None:
        try:
            payload = await self.api.get(f"/{SECTIONS[kind]}/{imdb_id}/{part}", bucket=kind)
        except NotFoundError:
            return None
        if not isinstance(payload, dict):
            raise BadPayload(f"trakt {SECTIONS[kind]}/{imdb_id}/{part}: expected a JSON object")
        return payload

    async def ratings(self, kind: Bucket, imdb_id: str) -> dict[str, Any] | None:
        """`{"rating", "votes", "distribution"}`, or None when Trakt does not know the title."""
        return await self._get(kind, imdb_id, "ratings")

    async def stats(self, kind: Bucket, imdb_id: str) -> dict[str, Any] | None:
        """`{"watchers", "plays", "collectors", "comments", "lists", "votes", …}` or None."""
        return await self._get(kind, imdb_id, "stats")
