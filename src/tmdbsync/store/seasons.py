"""A show's seasons, episodes and episode credits: the part of a title write only TV has.

Seasons and episodes are upserted by their natural keys (a re-sync keeps their ids); episode
credits name their episode by (season id, episode number) and their person by TMDb id, so no id
has to come back to Python between the statements.
"""

from __future__ import annotations

from sqlalchemy import Connection

from tmdbsync.db.models import ContentSeason, Episode, EpisodeCast, EpisodeCrew
from tmdbsync.db.upsert import Lookup, insert_rows, upsert
from tmdbsync.store.credits import PERSON
from tmdbsync.store.rows import Row, credit_row, episode_row, season_row
from tmdbsync.sync.bundle import SeasonBundle

EPISODE = Lookup(Episode, ("season_id", "episode_number"))


def save_seasons(connection: Connection, shows: list[tuple[int, list[SeasonBundle]]]) -> None:
    """Write the seasons of each (content id, seasons), their episodes and episode credits."""
    rows = [season_row(content_id, s.summary) for content_id, seasons in shows for s in seasons]
    season_ids = upsert(
        connection, ContentSeason, rows, ["content_id", "season_number"], update=["name"]
    )
    episode_rows = []
    placed: list[tuple[int, SeasonBundle]] = []
    for content_id, seasons in shows:
        for season in seasons:
            season_id = season_ids[(content_id, season.summary.season_number)]
            placed.append((season_id, season))
            seen: set[int] = set()
            for episode in season.payload.episodes if season.payload else []:
                if episode.episode_number in seen:
                    continue
                seen.add(episode.episode_number)
                episode_rows.append(episode_row(season_id, episode))
    upsert(
        connection,
        Episode,
        episode_rows,
        ["season_id", "episode_number"],
        update=["name"],
        returning=False,
    )
    cast_rows: list[Row] = []
    crew_rows: list[Row] = []
    for season_id, season in placed:
        for episode in season.payload.episodes if season.payload else []:
            episode_id = (season_id, episode.episode_number)
            credits = (season.episode_credits or {}).get(episode.episode_number)
            if season.episode_credits is not None:
                # `episode` mode: exactly what /episode/{e}/credits said (absent = none)
                regulars = credits.cast if credits else []
                guests = credits.guest_stars if credits else []
                crew = credits.crew if credits else []
            else:
                regulars, guests, crew = season.regulars, episode.guest_stars, episode.crew
            for cast, is_guest in [(c, False) for c in regulars] + [(c, True) for c in guests]:
                row = credit_row("episode_id", episode_id, cast)
                row["is_guest"] = is_guest
                cast_rows.append(row)
            crew_rows.extend(credit_row("episode_id", episode_id, c) for c in crew)
    lookups = {"episode_id": EPISODE, "person_id": PERSON}
    insert_rows(connection, EpisodeCast, cast_rows, lookups=lookups)
    insert_rows(connection, EpisodeCrew, crew_rows, lookups=lookups)
