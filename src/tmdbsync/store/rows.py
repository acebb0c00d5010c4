"""Parsed payloads as table rows: pure functions, no connection, so each shape is read in one
place and the writers (titles, seasons, people) only decide which rows go in which statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from tmdbsync.payloads import (
    CastCredit,
    Credits,
    CrewCredit,
    EpisodePayload,
    Image,
    Images,
    Job,
    Role,
    SeasonSummary,
    ShowPart,
    Title,
)
from tmdbsync.sync.bundle import TitleBundle

Row = dict[str, Any]
ContentIds = dict[tuple[Any, ...], int]
"""content.id by (type, TMDb id), for the titles of one batch."""

CONTENT_IMAGES = {"posters": "poster", "backdrops": "backdrop", "logos": "logo"}


def content_row(bundle: TitleBundle, imdb_id: str | None) -> Row:
    title, external = bundle.title, bundle.title.external_ids
    is_movie = bundle.kind == "movie"
    release: date | None = title.release_date if is_movie else title.first_air_date
    last, upcoming = title.last_episode_to_air, title.next_episode_to_air
    return {
        "type": bundle.kind,
        "tmdb_id": title.id,
        "title": title.title if is_movie else title.name,
        "original_title": title.original_title if is_movie else title.original_name,
        "original_language": title.original_language,
        "overview": title.overview,
        "tagline": title.tagline,
        "status": title.status,
        "release_date": release,
        "last_air_date": title.last_air_date,
        "runtime": title.runtime,
        "budget": title.budget,
        "revenue": title.revenue,
        "homepage": title.homepage,
        "popularity": title.popularity,
        "vote_average": title.vote_average,
        "vote_count": title.vote_count,
        "poster_path": title.poster_path,
        "backdrop_path": title.backdrop_path,
        "adult": title.adult,
        "in_production": title.in_production,
        "number_of_seasons": title.number_of_seasons,
        "number_of_episodes": title.number_of_episodes,
        "episode_run_time": title.episode_run_time[0] if title.episode_run_time else None,
        "imdb_id": imdb_id,
        "facebook_id": external.facebook_id,
        "instagram_id": external.instagram_id,
        "twitter_id": external.twitter_id,
        "wikidata_id": external.wikidata_id,
        "tvdb_id": external.tvdb_id,
        "tiktok_id": external.tiktok_id,
        "youtube_id": external.youtube_id,
        "series_type": None if is_movie else title.type,
        "last_episode_air_date": last.air_date if last else None,
        "next_episode_air_date": upcoming.air_date if upcoming else None,
        "next_episode_season": upcoming.season_number if upcoming else None,
        "next_episode_number": upcoming.episode_number if upcoming else None,
    }


def _part_row(part: ShowPart) -> Row:
    """The columns a season and an episode fill alike."""
    return {
        "tmdb_id": part.id,
        "name": part.name,
        "overview": part.overview,
        "air_date": part.air_date,
        "vote_average": part.vote_average,
    }


def season_row(content_id: int, summary: SeasonSummary) -> Row:
    return {
        "content_id": content_id,
        "season_number": summary.season_number,
        "episode_count": summary.episode_count,
        "poster_path": summary.poster_path,
        **_part_row(summary),
    }


def episode_row(season_id: int, episode: EpisodePayload) -> Row:
    return {
        "season_id": season_id,
        "episode_number": episode.episode_number,
        "episode_type": episode.episode_type,
        "runtime": episode.runtime,
        "production_code": episode.production_code,
        "still_path": episode.still_path,
        "vote_count": episode.vote_count,
        **_part_row(episode),
    }


def credit_row(owner: str, owner_id: object, credit: CastCredit | CrewCredit) -> Row:
    """A cast or crew row, a title's or an episode's: who, which credit, what part. `owner_id` is
    the content id, or an episode's (season id, number) for the EPISODE lookup."""
    row = {owner: owner_id, "person_id": credit.id, "credit_id": credit.credit_id}
    if isinstance(credit, CastCredit):
        row["character"], row["cast_order"] = credit.character, credit.order
    else:
        row["department"], row["job"] = credit.department, credit.job
    return row


def title_credit_rows(content_id: int, credits: Credits) -> tuple[list[Row], list[Row]]:
    """A title's cast and crew rows; `aggregate_credits` give one row per role / job, each with
    its episode count."""
    cast = [
        row
        for member in credits.cast
        for row in _per_part(
            credit_row("content_id", content_id, member), "character", member.roles
        )
    ]
    crew = [
        row
        for member in credits.crew
        for row in _per_part(credit_row("content_id", content_id, member), "job", member.jobs)
    ]
    return cast, crew


def _per_part(
    row: Row, part: Literal["character", "job"], parts: Sequence[Role] | Sequence[Job]
) -> list[Row]:
    """The credit's row once per role / job, which has its own credit id; without any (not
    aggregate credits), the row itself with no episode count."""
    if not parts:
        return [{**row, "episode_count": None}]
    return [
        {
            **row,
            "credit_id": item.credit_id,
            part: getattr(item, part),
            "episode_count": item.episode_count,
        }
        for item in parts
    ]


def image_rows(owner: str, owner_id: int, images: Images, kinds: dict[str, str]) -> list[Row]:
    rows = []
    for attribute, image_type in kinds.items():
        items: list[Image] = getattr(images, attribute)
        for image in items:
            row = {
                owner: owner_id,
                "file_path": image.file_path,
                "width": image.width,
                "height": image.height,
                "aspect_ratio": image.aspect_ratio,
                "iso_639_1": image.iso_639_1,
                "iso_3166_1": image.iso_3166_1,
                "vote_average": image.vote_average,
                "vote_count": image.vote_count,
            }
            if owner == "content_id":
                row["image_type"] = image_type
            rows.append(row)
    return rows


def video_rows(content_id: int, title: Title) -> list[Row]:
    return [
        {
            "content_id": content_id,
            "tmdb_video_id": video.id,
            "video_key": video.key,
            "site": video.site,
            "video_type": video.type,
            "name": video.name,
            "official": video.official,
            "published_at": video.published_at,
            "iso_639_1": video.iso_639_1,
            "iso_3166_1": video.iso_3166_1,
            "size": video.size,
        }
        for video in title.videos.results
    ]
