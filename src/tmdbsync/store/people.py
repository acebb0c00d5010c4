"""People enrichment on the database side: which people to ask TMDb about next, and their
details once asked. A person's row exists already, written by the title that credits them
(credits.py); enriching fills in the rest, and its aliases and profile images."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, exists, func, select

from tmdbsync.clock import utc_now
from tmdbsync.db.models import DeadLetter, Person, PersonAlias, PersonImage
from tmdbsync.db.upsert import insert_rows, upsert
from tmdbsync.payloads import PersonDetails
from tmdbsync.store.rows import image_rows
from tmdbsync.store.skips import clear_dead_letter, not_waiting
from tmdbsync.sync.checksum import digest, person_changed
from tmdbsync.sync.deadletter import Backoff


@dataclass(frozen=True)
class People:
    """The people enrichment queue and its answers."""

    engine: Engine
    now: Callable[[], datetime] = utc_now

    def queue(self, policy: str, limit: int, backoff: Backoff) -> list[int]:
        """TMDb ids of people still to enrich under `policy`, principal ones first; people whose
        request keeps failing wait in `dead_letter` until `backoff` says they are due. People
        the person export marked deleted are left out (they would answer 404), unless a dead
        letter (a 404 of their own) says when to ask again."""
        if policy == "none" or limit <= 0:
            return []
        dead_lettered = exists().where(
            DeadLetter.provider == "tmdb",
            DeadLetter.type == "person",
            DeadLetter.tmdb_id == Person.tmdb_id,
        )
        # One equality on is_principal per query, so each reads ix_person_pending in order.
        found: list[int] = []
        with self.engine.connect() as connection:
            for principal in (True, False) if policy == "all" else (True,):
                query = (
                    select(Person.tmdb_id)
                    .where(
                        Person.enriched_at.is_(None),
                        Person.is_principal == principal,
                        not_waiting("tmdb", "person", Person.tmdb_id, backoff, self.now()),
                        Person.deleted_at.is_(None) | dead_lettered,
                    )
                    .order_by(Person.id)
                    .limit(limit - len(found))
                )
                found += connection.scalars(query)
                if len(found) >= limit:
                    break
        return found

    def enriched_since(self, since: datetime, bucket: str) -> int:
        with self.engine.connect() as connection:
            return (
                connection.scalar(
                    select(func.count())
                    .select_from(Person)
                    .where(Person.enriched_at >= since, Person.enriched_bucket == bucket)
                )
                or 0
            )

    def save(self, details: PersonDetails, bucket: str) -> None:
        external = details.external_ids
        values = {
            "name": details.name,
            "gender": details.gender,
            "known_for_department": details.known_for_department,
            "profile_path": details.profile_path,
            "popularity": details.popularity,
            "biography": details.biography,
            "birthday": details.birthday,
            "deathday": details.deathday,
            "place_of_birth": details.place_of_birth,
            "homepage": details.homepage,
            "imdb_id": external.imdb_id or details.imdb_id,
            "facebook_id": external.facebook_id,
            "instagram_id": external.instagram_id,
            "twitter_id": external.twitter_id,
            "wikidata_id": external.wikidata_id,
            "tiktok_id": external.tiktok_id,
            "youtube_id": external.youtube_id,
            "enriched_at": self.now(),
            "enriched_bucket": bucket,
            "enrich_error": None,
            "deleted_at": None,  # it answered: TMDb knows it again
            "export_misses": 0,
        }
        values["checksum"] = checksum = digest(details)
        with self.engine.begin() as connection:
            clear_dead_letter(connection, "tmdb", "person", details.id)
            changed = person_changed(connection, details.id, checksum)
            if changed:  # the same hash: no image rows written, changed_at stays
                values["changed_at"] = values["enriched_at"]
            ids = upsert(
                connection,
                Person,
                [{"tmdb_id": details.id, **values}],
                ["tmdb_id"],
                update=list(values),
            )
            if not changed:
                return
            person_id = ids[(details.id,)]
            connection.execute(delete(PersonImage).where(PersonImage.person_id == person_id))
            connection.execute(delete(PersonAlias).where(PersonAlias.person_id == person_id))
            aliases = dict.fromkeys(details.also_known_as)
            insert_rows(
                connection, PersonAlias, [{"person_id": person_id, "name": a} for a in aliases]
            )
            insert_rows(
                connection,
                PersonImage,
                image_rows("person_id", person_id, details.images, {"profiles": "profile"}),
            )
