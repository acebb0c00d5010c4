"""Turns parsed bundles into rows: one transaction per title, idempotent, bulk statements.

A title's rows and its `synced_at` mark commit together, so a crash leaves either the old title or
the new one, never half. Re-syncing replaces the title's child rows in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    false,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from tmdbsync.db.models import (
    Base,
    Content,
    ContentAward,
    ContentCast,
    ContentCrew,
    ContentGenre,
    ContentImage,
    ContentKeyword,
    ContentRating,
    ContentSeason,
    ContentTrakt,
    ContentVideo,
    DeadLetter,
    Episode,
    EpisodeCast,
    EpisodeCrew,
    Genre,
    Keyword,
    Person,
    PersonAlias,
    PersonImage,
    SkippedTitle,
)
from tmdbsync.db.upsert import Lookup, insert_rows, table_of, upsert
from tmdbsync.payloads import (
    INT64,
    CastCredit,
    Credits,
    CrewCredit,
    DiscoverItem,
    EpisodePayload,
    Image,
    Images,
    OmdbTitle,
    PersonDetails,
    PersonRef,
    Title,
    TraktRatings,
    TraktStats,
    clean_text,
    omdb_count,
    omdb_score,
    omdb_value,
    parse_awards,
)
from tmdbsync.sync.bundle import Kind, SeasonBundle, TitleBundle
from tmdbsync.sync.checksum import changed_titles, digest, person_changed
from tmdbsync.sync.deadletter import TRANSIENT, UNUSABLE, Backoff, Failure
from tmdbsync.sync.store_details import DETAIL_TABLES, save_collections, save_details

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
# Credits name people, genres, keywords and episodes by their natural keys; SQL finds the ids.
PERSON = Lookup(Person, ("tmdb_id",))
GENRE = Lookup(Genre, ("type", "tmdb_id"))
KEYWORD = Lookup(Keyword, ("tmdb_id",))
EPISODE = Lookup(Episode, ("season_id", "episode_number"))


def utc_now() -> datetime:
    return datetime.now(UTC)


def _image_rows(
    owner: str, owner_id: int, images: Images, kinds: dict[str, str]
) -> list[dict[str, Any]]:
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


CONTENT_IMAGES = {"posters": "poster", "backdrops": "backdrop", "logos": "logo"}


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


class Store:
    def __init__(
        self,
        engine: Engine,
        *,
        principal_cast: int = 10,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.principal_cast = principal_cast
        self.now = now

    # --- titles -------------------------------------------------------------------------------

    def done_ids(self, kind: Kind, tmdb_ids: Sequence[int]) -> set[int]:
        """Ids of this list already stored or recorded as unusable: a replayed page skips them."""
        if not tmdb_ids:
            return set()
        with self.engine.connect() as connection:
            stored = connection.scalars(
                select(Content.tmdb_id).where(
                    Content.type == kind,
                    Content.tmdb_id.in_(tmdb_ids),
                    Content.synced_at.is_not(None),
                )
            )
            skipped = connection.scalars(
                select(SkippedTitle.tmdb_id).where(
                    SkippedTitle.type == kind, SkippedTitle.tmdb_id.in_(tmdb_ids)
                )
            )
            return set(stored) | set(skipped)

    def save_title(self, bundle: TitleBundle) -> int:
        """Store one title and all its children in one transaction; returns content.id."""
        return self.save_titles([bundle])[0]

    def save_titles(self, bundles: Sequence[TitleBundle]) -> list[int]:
        """Store titles and all their children in one transaction; returns their content ids.

        Each table gets one statement for the whole batch, so storing titles that arrived together
        costs little more than storing one. A title listed twice is stored once (the later wins).
        A title recorded as skipped before (a retry, a refresh that once failed) is skipped no
        more: its `skipped_title` row goes with the same commit.
        """
        batch = list({(b.kind, b.title.id): b for b in bundles}.values())
        with self.engine.begin() as connection:
            content_ids, existing = self._save_contents(connection, batch)
            stored = [(b.kind, b.title.id) for b in batch]
            changed = changed_titles(connection, batch, self.now())  # same hash: no child rows
            batch = [b for b in batch if (b.kind, b.title.id) in changed]
            existing = [i for i in existing if i in {content_ids[k] for k in changed}]
            if existing:
                self._delete_children(connection, existing)
            people = PeopleIndex()
            for bundle in batch:
                self._index_people(people, bundle)
            people.save(connection)
            self._save_genres(connection, batch, content_ids)
            self._save_keywords(connection, batch, content_ids)
            save_details(connection, batch, content_ids)
            cast: list[dict[str, Any]] = []
            crew: list[dict[str, Any]] = []
            images: list[dict[str, Any]] = []
            videos: list[dict[str, Any]] = []
            for bundle in batch:
                content_id = content_ids[(bundle.kind, bundle.title.id)]
                cast_rows, crew_rows = _credit_rows(content_id, bundle.title.title_credits)
                cast.extend(cast_rows)
                crew.extend(crew_rows)
                images.extend(
                    _image_rows("content_id", content_id, bundle.title.images, CONTENT_IMAGES)
                )
                videos.extend(_video_rows(content_id, bundle.title))
            insert_rows(connection, ContentCast, cast, lookups={"person_id": PERSON})
            insert_rows(connection, ContentCrew, crew, lookups={"person_id": PERSON})
            insert_rows(connection, ContentImage, images)
            insert_rows(connection, ContentVideo, videos)
            shows = [(content_ids[(b.kind, b.title.id)], b.seasons) for b in batch if b.seasons]
            if shows:
                self._save_seasons(connection, shows)
            for kind in {kind for kind, _ in stored}:  # per-kind IN lists use the unique index
                ids = [tmdb_id for k, tmdb_id in stored if k == kind]
                connection.execute(
                    delete(SkippedTitle).where(
                        SkippedTitle.type == kind, SkippedTitle.tmdb_id.in_(ids)
                    )
                )
        return [content_ids[(b.kind, b.title.id)] for b in bundles]

    def _index_people(self, people: PeopleIndex, bundle: TitleBundle) -> None:
        """Principal: top-billed cast, key crew, creators. A show's billing is its place in
        `aggregate_credits` (most episodes over all seasons first), not the latest season's."""
        title = bundle.title
        credits = title.title_credits
        aggregate = credits is title.aggregate_credits
        for position, cast in enumerate(credits.cast):
            order = position if aggregate else cast.order
            people.add(cast, principal=order is not None and order < self.principal_cast)
        for crew in credits.crew:
            jobs = [crew.job, *(j.job for j in crew.jobs)]
            people.add(crew, principal=any(job in KEY_JOBS for job in jobs))
        for creator in title.created_by:  # the "Creator" key job: not in a show's crew
            people.add(creator, principal=True)
        for season in bundle.seasons:
            people.add_all(season.regulars)
            for episode in season.payload.episodes if season.payload else []:
                people.add_all(episode.crew)
                people.add_all(episode.guest_stars)
            for episode_credits in (season.episode_credits or {}).values():
                people.add_all(
                    [*episode_credits.cast, *episode_credits.guest_stars, *episode_credits.crew]
                )

    def _save_contents(
        self, connection: Connection, batch: list[TitleBundle]
    ) -> tuple[dict[tuple[Any, ...], int], list[int]]:
        """Upsert the content rows; returns their ids and the ids of those that existed."""
        keys = [(b.kind, b.title.id) for b in batch]
        existing = {
            (row.type, row.tmdb_id): row
            for row in connection.execute(
                select(
                    Content.id, Content.type, Content.tmdb_id, Content.imdb_id, Content.omdb_status
                ).where(tuple_(Content.type, Content.tmdb_id).in_(keys))
            )
        }
        collections = save_collections(connection, batch)
        rows = []
        for bundle in batch:
            title = bundle.title
            imdb_id = title.external_ids.imdb_id or title.imdb_id or None
            before = existing.get((bundle.kind, title.id))
            if imdb_id is None:
                omdb_status: str | None = "no_imdb_id"
            elif before is not None and before.imdb_id == imdb_id:
                omdb_status = before.omdb_status
            else:
                omdb_status = None
            row = _content_row(bundle, imdb_id)
            collection = title.belongs_to_collection
            row["collection_id"] = collections[collection.id] if collection else None
            row["omdb_status"] = omdb_status
            row["synced_at"] = self.now()
            rows.append(row)
        ids = upsert(
            connection,
            Content,
            rows,
            ["type", "tmdb_id"],
            update=[k for k in rows[0] if k not in ("type", "tmdb_id")],
        )
        return ids, [row.id for row in existing.values()]

    def _delete_children(self, connection: Connection, content_ids: list[int]) -> None:
        seasons = select(ContentSeason.id).where(ContentSeason.content_id.in_(content_ids))
        episodes = select(Episode.id).where(Episode.season_id.in_(seasons))
        connection.execute(delete(EpisodeCast).where(EpisodeCast.episode_id.in_(episodes)))
        connection.execute(delete(EpisodeCrew).where(EpisodeCrew.episode_id.in_(episodes)))
        connection.execute(delete(Episode).where(Episode.season_id.in_(seasons)))
        tables: tuple[type[Base], ...] = (
            ContentSeason,
            ContentGenre,
            ContentKeyword,
            ContentCast,
            ContentCrew,
            ContentImage,
            ContentVideo,
            *DETAIL_TABLES,
        )
        for table in tables:
            children = table_of(table)
            connection.execute(delete(children).where(children.c.content_id.in_(content_ids)))

    def _save_genres(
        self,
        connection: Connection,
        batch: list[TitleBundle],
        content_ids: dict[tuple[Any, ...], int],
    ) -> None:
        genres = {
            (b.kind, g.id): {"type": b.kind, "tmdb_id": g.id, "name": g.name}
            for b in batch
            for g in b.title.genres
        }
        upsert(
            connection,
            Genre,
            [genres[k] for k in sorted(genres)],
            ["type", "tmdb_id"],
            update=["name"],
            returning=False,
        )
        links = {
            (content_ids[(b.kind, b.title.id)], (b.kind, g.id))
            for b in batch
            for g in b.title.genres
        }
        insert_rows(
            connection,
            ContentGenre,
            [{"content_id": c, "genre_id": g} for c, g in sorted(links)],
            lookups={"genre_id": GENRE},
        )

    def _save_keywords(
        self,
        connection: Connection,
        batch: list[TitleBundle],
        content_ids: dict[tuple[Any, ...], int],
    ) -> None:
        keywords = {
            k.id: {"tmdb_id": k.id, "name": k.name} for b in batch for k in b.title.keywords.items
        }
        upsert(
            connection,
            Keyword,
            [keywords[k] for k in sorted(keywords)],
            ["tmdb_id"],
            update=["name"],
            returning=False,
        )
        links = {
            (content_ids[(b.kind, b.title.id)], k.id) for b in batch for k in b.title.keywords.items
        }
        insert_rows(
            connection,
            ContentKeyword,
            [{"content_id": c, "keyword_id": k} for c, k in sorted(links)],
            lookups={"keyword_id": KEYWORD},
        )

    def _save_seasons(
        self,
        connection: Connection,
        shows: list[tuple[int, list[SeasonBundle]]],
    ) -> None:
        rows = []
        for content_id, seasons in shows:
            for season in seasons:
                summary = season.summary
                rows.append(
                    {
                        "content_id": content_id,
                        "tmdb_id": summary.id,
                        "season_number": summary.season_number,
                        "name": summary.name,
                        "overview": summary.overview,
                        "air_date": summary.air_date,
                        "episode_count": summary.episode_count,
                        "poster_path": summary.poster_path,
                        "vote_average": summary.vote_average,
                    }
                )
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
                    episode_rows.append(_episode_row(season_id, episode))
        upsert(
            connection,
            Episode,
            episode_rows,
            ["season_id", "episode_number"],
            update=["name"],
            returning=False,
        )
        cast_rows: list[dict[str, Any]] = []
        crew_rows: list[dict[str, Any]] = []
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
                    row = _cast_row("episode_id", episode_id, cast)
                    row["is_guest"] = is_guest
                    cast_rows.append(row)
                crew_rows.extend(_crew_row("episode_id", episode_id, c) for c in crew)
        lookups = {"episode_id": EPISODE, "person_id": PERSON}
        insert_rows(connection, EpisodeCast, cast_rows, lookups=lookups)
        insert_rows(connection, EpisodeCrew, crew_rows, lookups=lookups)

    def record_skip(
        self,
        kind: Kind,
        tmdb_id: int,
        reason: str,
        original_language: str | None = None,
        code: str = UNUSABLE,
    ) -> None:
        """Record a title that could not be stored; once more counts another attempt, so its
        next retry waits longer (sync/retry.py). A language once known is kept."""
        now = self.now()
        with self.engine.begin() as connection:
            upsert(
                connection,
                SkippedTitle,
                [
                    {
                        "type": kind,
                        "tmdb_id": tmdb_id,
                        "reason": _reason(reason),
                        "reason_code": code,
                        "first_seen_at": now,
                        "last_tried_at": now,
                        "original_language": original_language,
                    }
                ],
                ["type", "tmdb_id"],
                update=["reason", "reason_code", "last_tried_at"],
                merge={"attempts": "{old} + 1", "original_language": "COALESCE({new}, {old})"},
                returning=False,
            )

    def due_skips(
        self, kind: Kind, wait: timedelta, cap: timedelta, limit: int
    ) -> list[DiscoverItem]:
        """Up to `limit` skipped titles of `kind` due for a retry (`due`), tried longest ago
        first. A title we still hold (skipped when a change-feed refresh failed) keeps its stored
        original language.
        """
        ready = due(SkippedTitle, Backoff(wait, cap), self.now())
        query = (
            select(
                SkippedTitle.tmdb_id,
                func.coalesce(Content.original_language, SkippedTitle.original_language).label(
                    "original_language"
                ),
            )
            .outerjoin(
                Content,
                and_(Content.type == SkippedTitle.type, Content.tmdb_id == SkippedTitle.tmdb_id),
            )
            .where(SkippedTitle.type == kind, ready)
            .order_by(SkippedTitle.last_tried_at, SkippedTitle.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                DiscoverItem(id=row.tmdb_id, original_language=row.original_language)
                for row in connection.execute(query)
            ]

    # --- people -------------------------------------------------------------------------------

    def people_queue(self, policy: str, limit: int, backoff: Backoff) -> list[int]:
        """TMDb ids of people still to enrich under `policy`, principal ones first; people whose
        request keeps failing wait in `dead_letter` until `backoff` says they are due."""
        if policy == "none" or limit <= 0:
            return []
        # One equality on is_principal per query, so each reads ix_person_pending in order.
        found: list[int] = []
        with self.engine.connect() as connection:
            for principal in (True, False) if policy == "all" else (True,):
                query = (
                    select(Person.tmdb_id)
                    .where(
                        Person.enriched_at.is_(None),
                        Person.is_principal == principal,
                        self._not_waiting("tmdb", "person", Person.tmdb_id, backoff),
                    )
                    .order_by(Person.id)
                    .limit(limit - len(found))
                )
                found += connection.scalars(query)
                if len(found) >= limit:
                    break
        return found

    def people_enriched_since(self, since: datetime, bucket: str) -> int:
        with self.engine.connect() as connection:
            return (
                connection.scalar(
                    select(func.count())
                    .select_from(Person)
                    .where(Person.enriched_at >= since, Person.enriched_bucket == bucket)
                )
                or 0
            )

    def save_person(self, details: PersonDetails, bucket: str) -> None:
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
        }
        values["checksum"] = checksum = digest(details)
        with self.engine.begin() as connection:
            _clear_dead_letter(connection, "tmdb", "person", details.id)
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
                _image_rows("person_id", person_id, details.images, {"profiles": "profile"}),
            )

    # --- dead letters of people, OMDb and Trakt ------------------------------------------------

    def record_dead_letter(
        self, provider: str, item_type: str, tmdb_id: int, failure: Failure
    ) -> None:
        """Record an item that kept failing; once more counts another attempt (a longer wait)."""
        now = self.now()
        with self.engine.begin() as connection:
            upsert(
                connection,
                DeadLetter,
                [
                    {
                        "provider": provider,
                        "type": item_type,
                        "tmdb_id": tmdb_id,
                        "reason": _reason(failure.reason),
                        "reason_code": failure.code,
                        "first_seen_at": now,
                        "last_tried_at": now,
                        "attempts": 1,
                    }
                ],
                ["provider", "type", "tmdb_id"],
                update=["reason", "reason_code", "last_tried_at"],
                merge={"attempts": "{old} + 1"},
                returning=False,
            )

    def tmdb_id_of(self, content_id: int) -> int:
        with self.engine.connect() as connection:
            tmdb_id: int = connection.execute(
                select(Content.tmdb_id).where(Content.id == content_id)
            ).scalar_one()
            return tmdb_id

    def dead_letters_since(self, provider: str, item_type: str, since: datetime) -> int:
        """Items of `provider` and `item_type` whose last try failed at or after `since`."""
        with self.engine.connect() as connection:
            return (
                connection.scalar(
                    select(func.count())
                    .select_from(DeadLetter)
                    .where(
                        DeadLetter.provider == provider,
                        DeadLetter.type == item_type,
                        DeadLetter.last_tried_at >= since,
                    )
                )
                or 0
            )

    def _not_waiting(
        self, provider: str, item_type: Any, tmdb_id: Any, backoff: Backoff
    ) -> ColumnElement[bool]:
        """The item has no dead letter, or one whose wait is over."""
        waiting = exists().where(
            DeadLetter.provider == provider,
            DeadLetter.type == item_type,
            DeadLetter.tmdb_id == tmdb_id,
            ~due(DeadLetter, backoff, self.now()),
        )
        return ~waiting

    # --- OMDb ---------------------------------------------------------------------------------

    def omdb_queue(self, kind: Kind, limit: int, backoff: Backoff) -> list[tuple[int, str]]:
        """(content.id, imdb id) of stored titles still waiting for OMDb, oldest first (those
        that kept failing once they are due again)."""
        query = (
            select(Content.id, Content.imdb_id)
            .where(
                Content.type == kind,
                Content.omdb_status.is_(None),
                Content.imdb_id.is_not(None),
                Content.synced_at.is_not(None),
                self._not_waiting("omdb", Content.type, Content.tmdb_id, backoff),
            )
            .order_by(Content.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [(row.id, row.imdb_id) for row in connection.execute(query)]

    def save_omdb(self, content_id: int, payload: OmdbTitle | None) -> None:
        """Ratings and awards, or the mark (`not_found`) that stops daily retries."""
        facts: dict[str, Any] = dict.fromkeys(OMDB_FACTS)
        with self.engine.begin() as connection:
            _clear_dead_letter(connection, "omdb", None, content_id)
            connection.execute(delete(ContentRating).where(ContentRating.content_id == content_id))
            connection.execute(delete(ContentAward).where(ContentAward.content_id == content_id))
            if payload is not None:
                facts = _omdb_facts(payload)
                ratings: dict[str, str | None] = {}
                for rating in payload.Ratings:
                    ratings.setdefault(rating.Source, omdb_value(rating.Value))
                insert_rows(
                    connection,
                    ContentRating,
                    [
                        {"content_id": content_id, "source": s, "value": v, "score": omdb_score(v)}
                        for s, v in ratings.items()
                    ],
                )
                summary = omdb_value(payload.Awards)
                if summary is not None:
                    wins, nominations = parse_awards(summary)
                    insert_rows(
                        connection,
                        ContentAward,
                        [
                            {
                                "content_id": content_id,
                                "summary": summary,
                                "wins": wins,
                                "nominations": nominations,
                            }
                        ],
                    )
            connection.execute(
                update(Content)
                .where(Content.id == content_id)
                .values(
                    omdb_status="not_found" if payload is None else "found",
                    omdb_checked_at=self.now(),
                    **facts,
                )
            )

    # --- Trakt --------------------------------------------------------------------------------

    def trakt_queue(self, kind: Kind, limit: int, backoff: Backoff) -> list[tuple[int, str]]:
        """(content.id, IMDb id) of stored titles Trakt was not asked about yet, oldest first
        (those that kept failing once they are due again)."""
        query = (
            select(Content.id, Content.imdb_id)
            .where(
                Content.trakt_status.is_(None),  # pending: an index lookup, not a walk
                Content.type == kind,
                Content.imdb_id.is_not(None),
                Content.synced_at.is_not(None),
                self._not_waiting("trakt", Content.type, Content.tmdb_id, backoff),
            )
            .order_by(Content.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [(row.id, row.imdb_id) for row in connection.execute(query)]

    def save_trakt(
        self,
        content_id: int,
        ratings: TraktRatings | None,
        stats: TraktStats | None,
    ) -> None:
        """Trakt's numbers for a title, or the mark (`not_found`) that ends asking."""
        found = ratings is not None or stats is not None
        row: dict[str, Any] = {
            "content_id": content_id,
            "status": "found" if found else "not_found",
            "rating": ratings.rating if ratings else None,
            "votes": ratings.votes if ratings else None,
            "distribution": json.dumps(ratings.distribution)
            if ratings and ratings.distribution
            else None,
            "fetched_at": self.now(),
        }
        for name in TraktStats.model_fields:
            row[name] = getattr(stats, name) if stats else None
        with self.engine.begin() as connection:
            _clear_dead_letter(connection, "trakt", None, content_id)
            upsert(
                connection,
                ContentTrakt,
                [row],
                ["content_id"],
                update=[k for k in row if k != "content_id"],
            )
            connection.execute(
                update(Content).where(Content.id == content_id).values(trakt_status=row["status"])
            )


def _reason(text: str) -> str:
    """A failure's text as every database holds it (no NUL, no lone surrogate), 500 at most."""
    return (clean_text(text) or "?")[:500]


def due(table: type[SkippedTitle] | type[DeadLetter], backoff: Backoff, now: datetime) -> Any:
    """Rows whose wait is over: `first_wait × 2^(attempts-1)`, at most `cap`, since last tried.

    Written as one band per attempt count below the cap (a handful) rather than as arithmetic on
    the column, so both dialects compare plain timestamps. No wait at all means never due.
    """
    if not backoff.wait:
        return false()
    clauses = []
    for transient in (True, False):
        wait = backoff.first_wait(transient)
        bands = []
        attempts = 1
        while wait < backoff.cap:
            bands.append(and_(table.attempts == attempts, table.last_tried_at <= now - wait))
            attempts, wait = attempts + 1, wait * 2
        bands.append(and_(table.attempts >= attempts, table.last_tried_at <= now - backoff.cap))
        code = (
            table.reason_code.in_(TRANSIENT) if transient else table.reason_code.not_in(TRANSIENT)
        )
        clauses.append(and_(code, or_(*bands)))
    return or_(*clauses)


def _clear_dead_letter(
    connection: Connection, provider: str, item_type: str | None, key: int
) -> None:
    """An item stored leaves `dead_letter`: a person by TMDb id (`item_type` given), a title's
    enrichment by content.id (`item_type` None)."""
    if item_type is not None:
        where = and_(DeadLetter.type == item_type, DeadLetter.tmdb_id == key)
    else:
        title = select(Content.type, Content.tmdb_id).where(Content.id == key)
        where = tuple_(DeadLetter.type, DeadLetter.tmdb_id).in_(title)
    connection.execute(delete(DeadLetter).where(DeadLetter.provider == provider, where))


OMDB_FACTS = ("rated", "metascore", "imdb_votes", "box_office", "plot")


def _omdb_facts(payload: OmdbTitle) -> dict[str, Any]:
    """OMDb's title-level values for the content row ("N/A" is NULL like any missing value)."""
    return {
        "rated": omdb_value(payload.Rated),
        "metascore": omdb_count(payload.Metascore),
        "imdb_votes": omdb_count(payload.imdbVotes),
        "box_office": omdb_count(payload.BoxOffice, INT64),
        "plot": omdb_value(payload.Plot),
    }


def _content_row(bundle: TitleBundle, imdb_id: str | None) -> dict[str, Any]:
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


def _episode_row(season_id: int, episode: EpisodePayload) -> dict[str, Any]:
    return {
        "season_id": season_id,
        "tmdb_id": episode.id,
        "episode_number": episode.episode_number,
        "episode_type": episode.episode_type,
        "name": episode.name,
        "overview": episode.overview,
        "air_date": episode.air_date,
        "runtime": episode.runtime,
        "production_code": episode.production_code,
        "still_path": episode.still_path,
        "vote_average": episode.vote_average,
        "vote_count": episode.vote_count,
    }


def _credit_rows(
    content_id: int, credits: Credits
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A title's cast and crew rows; `aggregate_credits` give one row per role / job, each with
    its episode count."""
    cast: list[dict[str, Any]] = []
    for member in credits.cast:
        roles = [(r.credit_id, r.character, r.episode_count) for r in member.roles]
        for credit_id, character, episodes in roles or [(member.credit_id, member.character, None)]:
            row = _cast_row("content_id", content_id, member)
            row.update(credit_id=credit_id, character=character, episode_count=episodes)
            cast.append(row)
    crew: list[dict[str, Any]] = []
    for person in credits.crew:
        jobs = [(j.credit_id, j.job, j.episode_count) for j in person.jobs]
        for credit_id, job, episodes in jobs or [(person.credit_id, person.job, None)]:
            row = _crew_row("content_id", content_id, person)
            row.update(credit_id=credit_id, job=job, episode_count=episodes)
            crew.append(row)
    return cast, crew


def _cast_row(owner: str, owner_id: object, cast: CastCredit) -> dict[str, Any]:
    """`owner_id` is the content id, or an episode's (season id, number) for EPISODE."""
    return {
        owner: owner_id,
        "person_id": cast.id,
        "credit_id": cast.credit_id,
        "character": cast.character,
        "cast_order": cast.order,
    }


def _crew_row(owner: str, owner_id: object, crew: CrewCredit) -> dict[str, Any]:
    return {
        owner: owner_id,
        "person_id": crew.id,
        "credit_id": crew.credit_id,
        "department": crew.department,
        "job": crew.job,
    }


def _video_rows(content_id: int, title: Title) -> list[dict[str, Any]]:
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
