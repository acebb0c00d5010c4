"""Keeping stored titles fresh once the base sync of a kind is complete: TMDb's change feed.

`/{kind}/changes` lists the ids edited on a day. Day by day (a `content_change_log` row each, paged
like a month of discover), every listed title we hold that was fetched before that day ended is
fetched again (one request) and replaces its stored rows. The feed starts at the day the oldest
stored title was fetched and stops at yesterday, whose list is final.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, func, select, update

from tmdbsync.db.models import Content, ContentChangeLog
from tmdbsync.db.upsert import insert_ignore
from tmdbsync.payloads import ChangesPage, DiscoverItem, parse
from tmdbsync.sync.batch import fetch_and_store
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.store import utc_now


@dataclass(frozen=True)
class ChangeDay:
    id: int
    kind: Kind
    day: date
    last_completed_page: int


class ChangeLog:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.now = now

    def open_day(self, kind: Kind) -> ChangeDay | None:
        """The earliest unfinished day of `kind` before today, creating the next one if needed."""
        yesterday = self.now().date() - timedelta(days=1)
        table = ContentChangeLog
        with self.engine.connect() as connection:
            row = connection.execute(
                select(table.id, table.day, table.last_completed_page)
                .where(table.type == kind, table.is_completed.is_(False))
                .order_by(table.day)
                .limit(1)
            ).first()
            if row is not None:
                return ChangeDay(row.id, kind, row.day, row.last_completed_page)
            latest = connection.scalar(select(func.max(table.day)).where(table.type == kind))
            oldest = connection.scalar(
                select(func.min(Content.synced_at)).where(Content.type == kind)
            )
        if latest is not None:
            day = latest + timedelta(days=1)
        elif oldest is not None:
            day = oldest.date()
        else:
            return None
        if day > yesterday:
            return None
        with self.engine.begin() as connection:
            insert_ignore(
                connection,
                table,
                [
                    {
                        "type": kind,
                        "day": day,
                        "is_completed": False,
                        "last_completed_page": 0,
                        "refreshed": 0,
                    }
                ],
                ["type", "day"],
            )
        return self.open_day(kind)

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

    def stale_titles(self, kind: Kind, ids: list[int], day: date) -> list[DiscoverItem]:
        """Titles among `ids` we hold and fetched before `day` ended."""
        if not ids:
            return []
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        with self.engine.connect() as connection:
            found = connection.execute(
                select(Content.tmdb_id, Content.original_language).where(
                    Content.type == kind,
                    Content.tmdb_id.in_(ids),
                    Content.synced_at < day_end,
                )
            )
            return [
                DiscoverItem(id=r.tmdb_id, original_language=r.original_language) for r in found
            ]


async def run_changes_page(ctx: SyncContext, changes: ChangeLog, kind: Kind) -> bool:
    """Follow one page of the change feed; False when the feed is caught up to yesterday."""
    row = await ctx.write(changes.open_day, kind)
    if row is None:
        return False
    page = row.last_completed_page + 1
    raw = await ctx.tmdb.changes(kind, row.day, row.day, page, bucket=kind)
    listing: ChangesPage = parse(ChangesPage, raw, f"{kind}/changes {row.day} page {page}")
    ids = [item.id for item in listing.results if not item.adult]
    stale = await ctx.write(changes.stale_titles, kind, ids, row.day)
    if stale:
        ctx.progress.titles_found(kind, len(stale))
        await fetch_and_store(ctx, kind, stale)
    await ctx.write(changes.advance, row, page, max(1, listing.total_pages or 1), len(stale))
    ctx.summary.of(kind).refreshed += len(stale)
    return True
