"""Keeping stored titles and people fresh: TMDb's change feeds, in windows of up to 14 days.

`/{movie,tv,person}/changes?start_date&end_date` lists the ids edited in a range of at most 14
days (TMDb's documented limit), 100 a page. Window by window (a `content_change_log` row each,
`day` .. `end_day`, paged like a month of discover), the listed titles we hold that were fetched
before the window ended are queued (`title_queue`, most popular first) and fetched again, one
request each (sync/title_queue.py); listed people we enriched before then go back to the people
queue (`enriched_at` NULL), so a biography, a death or a photo reaches us. The movie bucket pays
for the person feed. A feed starts where its oldest stored row was fetched and stops at
yesterday, whose list is final.

TMDb keeps the change lists for 14 days only: a cursor older than that cannot be caught up.
Instead of a silent gap the window jumps to the oldest day still served, the log row's `notes`
says which days were skipped, and what the gap may hide is reconciled: every title fetched
before the jump is queued for a refresh (most popular first, within the daily quota; one that
did not change writes nothing, sync/checksum.py) and every person goes back to the people queue.
New and deleted titles are found by the audit of months (discover) or the export diff (exports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Connection, Engine, Select, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from tmdbsync.clock import utc_now
from tmdbsync.db.models import Content, ContentChangeLog, Person
from tmdbsync.db.upsert import insert_ignore
from tmdbsync.kinds import Kind
from tmdbsync.payloads import ChangesPage, parse
from tmdbsync.sync.title_queue import add, drain_titles

if TYPE_CHECKING:
    from tmdbsync.sync.context import SyncContext

Feed = Literal["movie", "tv", "person"]
WINDOW = 14  # days a listing may span, and how far back TMDb serves them
FEEDS: dict[Kind, tuple[Feed, ...]] = {"movie": ("movie", "person"), "tv": ("tv",)}


@dataclass(frozen=True)
class ChangeDay:
    id: int
    kind: Feed
    day: date
    end_day: date
    last_completed_page: int


class ChangeLog:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.now = now

    def open_day(self, kind: Feed) -> ChangeDay | None:
        """The unfinished window of feed `kind`, creating the next one if a day is due."""
        yesterday = self.now().date() - timedelta(days=1)
        table = ContentChangeLog
        with self.engine.connect() as connection:
            row = connection.execute(
                select(table.id, table.day, table.end_day, table.last_completed_page)
                .where(table.type == kind, table.is_completed.is_(False))
                .order_by(table.day)
                .limit(1)
            ).first()
            if row is not None:
                end = row.end_day or row.day
                return ChangeDay(row.id, kind, row.day, end, row.last_completed_page)
            latest = connection.scalar(
                select(func.max(func.coalesce(table.end_day, table.day))).where(table.type == kind)
            )
            start = (
                latest + timedelta(days=1) if latest is not None else _first_day(connection, kind)
            )
        if start is None or start > yesterday:
            return None
        horizon = yesterday - timedelta(days=WINDOW - 1)
        notes = None
        if start < horizon:
            notes = (
                f"changes of {start}..{horizon - timedelta(days=1)} no longer served: reconciled"
            )
            self._reconcile(kind, horizon)
            start = horizon
        end = min(start + timedelta(days=WINDOW - 1), yesterday)
        with self.engine.begin() as connection:
            insert_ignore(
                connection,
                table,
                [
                    {
                        "type": kind,
                        "day": start,
                        "end_day": end,
                        "is_completed": False,
                        "last_completed_page": 0,
                        "refreshed": 0,
                        "notes": notes,
                    }
                ],
                ["type", "day"],
            )
        return self.open_day(kind)

    def _reconcile(self, kind: Feed, horizon: date) -> None:
        """Queue again everything of `kind` fetched before `horizon`: the gap may hide changes
        to any of it. Titles go to the refresh queue (most popular first; a title that did not
        change costs its request but writes nothing), people back to the people queue."""
        before = datetime.combine(horizon, time(), tzinfo=UTC)
        with self.engine.begin() as connection:
            if kind == "person":
                connection.execute(
                    update(Person).where(Person.enriched_at < before).values(enriched_at=None)
                )
                return
            add(connection, kind, _held(kind, Content.synced_at < before), "changed", self.now())

    def advance(self, row: ChangeDay, page: int, total_pages: int, refreshed: int) -> None:
        table = ContentChangeLog
        with self.engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.id == row.id, table.last_completed_page == page - 1)
                .values(
                    last_completed_page=page,
                    total_pages=total_pages,
                    is_completed=page >= total_pages,
                    refreshed=table.refreshed + refreshed,
                    last_synced_at=self.now(),
                )
            )

    def stale(self, kind: Feed, ids: list[int], end: date) -> int:
        """Queue what we hold among `ids` and fetched before `end` ended; returns how many."""
        if not ids:
            return 0
        end_of = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
        if kind == "person":
            with self.engine.begin() as connection:
                done = connection.execute(
                    update(Person)
                    .where(Person.tmdb_id.in_(ids), Person.enriched_at < end_of)
                    .values(enriched_at=None, enrich_error=None)
                )
                return done.rowcount or 0
        held = _held(kind, Content.tmdb_id.in_(ids), Content.synced_at < end_of)
        with self.engine.begin() as connection:
            return add(connection, kind, held, "changed", self.now())


def _held(kind: Kind, *where: ColumnElement[bool]) -> Select[tuple[int, float]]:
    """Held titles of `kind` matching `where`, with their popularity: candidates for the queue."""
    return select(
        Content.tmdb_id, func.coalesce(Content.popularity, 0.0).label("popularity")
    ).where(Content.type == kind, *where)


def _first_day(connection: Connection, kind: Feed) -> date | None:
    """Where a feed starts: the day its oldest stored row was fetched (an index lookup)."""
    if kind == "person":
        oldest = connection.scalar(select(func.min(Person.enriched_at)))
    else:
        oldest = connection.scalar(select(func.min(Content.synced_at)).where(Content.type == kind))
    return oldest.date() if oldest is not None else None


async def run_changes_page(ctx: SyncContext, kind: Kind) -> bool:
    """A batch of queued refreshes, else one page of a change feed of the bucket `kind`;
    False when both are done for today."""
    changes = ctx.changes
    if await drain_titles(ctx, kind):
        return True
    for feed in FEEDS[kind]:
        row = await ctx.write(changes.open_day, feed)
        if row is None:
            continue
        page = row.last_completed_page + 1
        raw = await ctx.tmdb.changes(feed, row.day, row.end_day, page, bucket=kind)
        label = f"{feed}/changes {row.day}..{row.end_day} page {page}"
        listing: ChangesPage = parse(ChangesPage, raw, label)
        ids = [item.id for item in listing.results if not item.adult]
        queued = await ctx.write(changes.stale, feed, ids, row.end_day)
        await ctx.write(changes.advance, row, page, max(1, listing.total_pages or 1), queued)
        if feed != "person":
            ctx.summary.of(kind).refreshed += queued
        return True
    return False
