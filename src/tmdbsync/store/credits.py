"""The people a batch of titles credits, upserted before the credit rows that name them.

A title's write stores everyone it credits as a `person` row (enriched later, see people.py) and
marks the principal ones, those a catalogue shows next to the title: the people queue serves
them first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from tmdbsync.db.models import Person
from tmdbsync.db.upsert import Lookup, upsert
from tmdbsync.payloads import PersonRef
from tmdbsync.sync.bundle import TitleBundle

# Crew whose profiles a catalogue shows next to the title: enriched under the `principal` policy.
KEY_JOBS = frozenset(
    {
        "Director",
        "Screenplay",
        "Writer",
        "Story",
        "Novel",
        "Creator",
        "Producer",
        "Executive Producer",
        "Original Music Composer",
        "Director of Photography",
    }
)

PERSON_FIELDS = ("name", "gender", "known_for_department", "profile_path", "popularity")
# Not every credit carries `original_name` (`created_by` of older payloads): keep one once known.
PERSON_MERGE = {"is_principal": "{old} OR {new}", "original_name": "COALESCE({new}, {old})"}
# Credits name people by TMDb id; SQL finds the ids.
PERSON = Lookup(Person, ("tmdb_id",))


class PeopleIndex:
    """Every person a bundle credits, deduplicated, with the principal flag OR-ed."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}

    def add(self, ref: PersonRef, principal: bool = False) -> None:
        row = self.rows.get(ref.id)
        if row is None:
            row = {"tmdb_id": ref.id, **{f: getattr(ref, f) for f in PERSON_FIELDS}}
            row["original_name"] = ref.original_name
            row["is_principal"] = principal
            self.rows[ref.id] = row
        else:
            row["is_principal"] = row["is_principal"] or principal
            row["original_name"] = row["original_name"] or ref.original_name

    def add_all(self, refs: Iterable[PersonRef]) -> None:
        for ref in refs:
            self.add(ref)

    def add_bundle(self, bundle: TitleBundle, principal_cast: int) -> None:
        """Principal: top-billed cast (the first `principal_cast`), key crew, creators. A show's
        billing is its place in `aggregate_credits` (most episodes over all seasons first), not
        the latest season's."""
        title = bundle.title
        credits = title.title_credits
        aggregate = credits is title.aggregate_credits
        for position, cast in enumerate(credits.cast):
            order = position if aggregate else cast.order
            self.add(cast, principal=order is not None and order < principal_cast)
        for crew in credits.crew:
            jobs = [crew.job, *(j.job for j in crew.jobs)]
            self.add(crew, principal=any(job in KEY_JOBS for job in jobs))
        for creator in title.created_by:  # the "Creator" key job: not in a show's crew
            self.add(creator, principal=True)
        for season in bundle.seasons:
            self.add_all(season.regulars)
            for episode in season.payload.episodes if season.payload else []:
                self.add_all(episode.crew)
                self.add_all(episode.guest_stars)
            for episode_credits in (season.episode_credits or {}).values():
                self.add_all(
                    [*episode_credits.cast, *episode_credits.guest_stars, *episode_credits.crew]
                )

    def save(self, connection: Connection) -> None:
        """Upsert the people, so that credits can name them by TMDb id."""
        rows = sorted(self.rows.values(), key=lambda r: r["tmdb_id"])  # stable lock order
        upsert(
            connection,
            Person,
            rows,
            ["tmdb_id"],
            update=PERSON_FIELDS,
            merge=PERSON_MERGE,
            returning=False,
        )
