"""TMDb v3 endpoints as typed calls; quota, rate limit and retries live in `ApiClient`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from tmdbsync.errors import BadPayload
from tmdbsync.http import ApiClient, EndpointClient
from tmdbsync.kinds import Bucket, Kind
from tmdbsync.quota import QuotaLedger
from tmdbsync.settings import Settings

MAX_APPENDS = 20
"""TMDb answers at most 20 `append_to_response` sub-requests in one call."""

RELEASE_TYPES = "2|3|4|5|6"


def _discover_query(kind: Kind, gte: date, lte: date, page: int) -> dict[str, str | int]:
    """The seed design's discover filters, verbatim, so pages match what it synced."""
    if kind == "movie":
        return {
            "language": "en-US",
            "region": "US",
            "with_release_type": RELEASE_TYPES,
            "primary_release_date.gte": gte.isoformat(),
            "primary_release_date.lte": lte.isoformat(),
            "sort_by": "primary_release_date.asc",
            "include_adult": "false",
            "include_video": "false",
            "page": page,
        }
    return {
        "language": "en-US",
        "first_air_date.gte": gte.isoformat(),
        "first_air_date.lte": lte.isoformat(),
        "sort_by": "first_air_date.asc",
        "include_adult": "false",
        "include_video": "false",
        "page": page,
        "with_release_type": RELEASE_TYPES,
    }


def _with_appends(params: Mapping[str, str], appends: Sequence[str]) -> dict[str, str | int]:
    if len(appends) > MAX_APPENDS:
        raise ValueError(
            f"{len(appends)} append_to_response values; TMDb allows at most {MAX_APPENDS}"
        )
    query: dict[str, str | int] = dict(params)
    if appends:
        query["append_to_response"] = ",".join(appends)
    return query


class TmdbClient(EndpointClient):
    """One call per TMDb endpoint the sync uses, each returning the decoded JSON."""

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        ledger: QuotaLedger,
    ) -> TmdbClient:
        """A Bearer header when we have a read-access token, else the v3 key in the query."""
        settings.require_tmdb_auth()
        bearer = settings.tmdb_bearer
        key = settings.tmdb_api_key
        api = ApiClient.from_settings(
            settings,
            provider="tmdb",
            base_url=settings.tmdb_base_url,
            ledger=ledger,
            rate_limit=settings.rate_limit,
            auth_params={"api_key": key.get_secret_value()} if key and not bearer else {},
            headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
        )
        return cls(api)

    async def _object(
        self, path: str, params: Mapping[str, str | int] | None, bucket: Bucket
    ) -> dict[str, Any]:
        payload = await self.api.get(path, params, bucket=bucket)
        if not isinstance(payload, dict):
            raise BadPayload(
                f"tmdb GET {path}: expected a JSON object, got {type(payload).__name__}"
            )
        return payload

    async def discover(
        self, kind: Kind, gte: date, lte: date, page: int, *, bucket: Bucket
    ) -> dict[str, Any]:
        return await self._object(
            f"/discover/{kind}", _discover_query(kind, gte, lte, page), bucket
        )

    async def details(
        self,
        kind: Kind,
        tmdb_id: int,
        appends: Sequence[str],
        *,
        params: Mapping[str, str] = {},
        bucket: Bucket,
    ) -> dict[str, Any]:
        return await self._object(f"/{kind}/{tmdb_id}", _with_appends(params, appends), bucket)

    async def episode_credits(
        self, tv_id: int, season_number: int, episode_number: int, *, bucket: Bucket
    ) -> dict[str, Any]:
        path = f"/tv/{tv_id}/season/{season_number}/episode/{episode_number}/credits"
        return await self._object(path, None, bucket)

    async def person(
        self,
        person_id: int,
        appends: Sequence[str] = ("images", "external_ids"),
        *,
        bucket: Bucket,
    ) -> dict[str, Any]:
        return await self._object(f"/person/{person_id}", _with_appends({}, appends), bucket)

    async def genres(self, kind: Kind, *, bucket: Bucket) -> list[dict[str, Any]]:
        path = f"/genre/{kind}/list"
        genres = (await self._object(path, None, bucket)).get("genres")
        if not isinstance(genres, list):
            raise BadPayload(f"tmdb GET {path}: no `genres` list")
        return [genre for genre in genres if isinstance(genre, dict)]

    async def changes(
        self, kind: Kind | Literal["person"], start: date, end: date, page: int, *, bucket: Bucket
    ) -> dict[str, Any]:
        query: dict[str, str | int] = {
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "page": page,
        }
        return await self._object(f"/{kind}/changes", query, bucket)
