"""The ContentSyncLog rules: which (type, year, month) is open, and how a page advances it.

Every change is a guarded UPDATE (`WHERE last_completed_page = :expected`), so two runs that race
on one row cannot both advance it, and the log never gets ahead of the data: a page is advanced only
after every title on it was stored. A row is paged through its date windows (sync/windows.py).

A window whose scan spanned several runs (a quota day ended, a crash) is listed once more before it
counts as complete: titles added and removed meanwhile shift others across page boundaries without
changing `total_results`, and only a fresh listing shows them. A change of `total_results` during a
scan restarts it at page 1. Both are bounded by MAX_PASSES; stored titles are skipped on replay, so
a pass costs only its discover pages.

A window completes only when its pages account for its `total_results` (sync/paging.py). Titles a
scan's pages left out (a page answered empty or short however often it was asked) add up in
`shortfall`; a finished scan short of titles is listed again, and when the last of its MAX_PASSES
is still short it completes with the shortfall in `notes` and a `total_results` lowered by it, so
the next audit of the month (sync/log_audit.py) sees a changed total and lists it once more.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, or_, select, update

from tmdbsync.clock import utc_now
from tmdbsync.db.models import ContentSyncLog, ContentSyncWindow
from tmdbsync.db.upsert import insert_ignore
from tmdbsync.kinds import Kind
from tmdbsync.settings import YearMonth
from tmdbsync.sync.paging import TMDB_MAX_PAGE
from tmdbsync.sync.windows import LOG, RESET, WINDOW, LogRow, open_window, split_window, sum_up

MAX_PASSES = 3
"""Scans of one window after the first: restarts on a changed total and verifying re-listings."""
REOPEN = {"is_completed": False, "last_completed_page": 0}
"""Reopens a log row from outside; `open_window` then resets its windows (or makes the first)."""


def _month_key() -> ColumnElement[int]:
    """A log row's month as one comparable number, 202401 for 2024-01."""
    return ContentSyncLog.year * 100 + ContentSyncLog.month


def _key(month: YearMonth) -> int:
    return month.year * 100 + month.month


def months_of(kind: Kind, *, completed: bool, end: YearMonth) -> tuple[ColumnElement[bool], ...]:
    """The log rows of `kind`, completed or not, up to `end`."""
    return (
        ContentSyncLog.type == kind,
        ContentSyncLog.is_completed.is_(completed),
        _month_key() <= _key(end),
    )


def _unmoved(row: LogRow) -> tuple[ColumnElement[bool], ...]:
    """The row's window as `row` read it: no other run advanced it since."""
    return (
        ContentSyncWindow.id == row.window_id,
        ContentSyncWindow.last_completed_page == row.last_completed_page,
    )


class SyncLog:
    def __init__(
        self,
        engine: Engine,
        start: YearMonth,
        end: YearMonth,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.start = start
        self.end = end
        self.now = now
        self.run_id = uuid.uuid4().hex  # tells a scan that spans runs from one that does not

    def open_row(self, kind: Kind) -> LogRow | None:
        """The earliest incomplete row of `kind` up to END, creating the next month if needed."""
        while True:
            with self.engine.connect() as connection:
                log = connection.execute(
                    select(LOG)
                    .where(*months_of(kind, completed=False, end=self.end))
                    .order_by(ContentSyncLog.year, ContentSyncLog.month)
                    .limit(1)
                ).first()
                if log is not None:
                    return self._open_window(log)
                latest = connection.execute(
                    select(LOG)
                    .where(ContentSyncLog.type == kind)
                    .order_by(ContentSyncLog.year.desc(), ContentSyncLog.month.desc())
                    .limit(1)
                ).first()
            month = YearMonth(latest.year, latest.month).next() if latest else self.start
            if month > self.end:
                return None if not self._reopen_recent(kind) else self.open_row(kind)
            with self.engine.begin() as connection:
                insert_ignore(
                    connection,
                    ContentSyncLog,
                    [
                        {
                            "type": kind,
                            "year": month.year,
                            "month": month.month,
                            "is_completed": False,
                            "last_completed_page": 0,
                        }
                    ],
                    ["type", "year", "month"],
                )

    def _reopen_recent(self, kind: Kind) -> bool:
        """Re-scan this month and the last once a UTC day: new releases keep arriving there.

        Titles already stored are skipped, so a re-scan costs only its discover pages.
        """
        today = self.now().date()
        recent = YearMonth(today.year, today.month).previous()
        day_start = datetime.combine(today, time(), tzinfo=UTC)
        with self.engine.begin() as connection:
            result = connection.execute(
                update(ContentSyncLog)
                .where(
                    *months_of(kind, completed=True, end=self.end),
                    _month_key() >= _key(recent),
                    or_(
                        ContentSyncLog.last_synced_at.is_(None),
                        ContentSyncLog.last_synced_at < day_start,
                    ),
                )
                .values(**REOPEN)
            )
            return bool(result.rowcount)

    def _open_window(self, log: Row[Any]) -> LogRow:
        with self.engine.begin() as connection:
            return open_window(connection, log, self.now())

    @staticmethod
    def _guarded(connection: Connection, row: LogRow) -> Row[Any] | None:
        """The row's window if no other run moved it since `row` was read."""
        return connection.execute(select(WINDOW).where(*_unmoved(row))).first()

    def advance(
        self,
        row: LogRow,
        page: int,
        total_pages: int,
        total_results: int,
        note: str | None,
        *,
        new_titles: int = 0,
        shortfall: int = 0,
    ) -> bool:
        """Mark `page` done (all its titles are stored); False if another run moved the row.

        `total_pages` is what the listing needs (`pages_needed`). `new_titles` is how many
        titles of the page were not stored before: when a verifying pass finds some, the listing
        was moving and one more pass follows. `shortfall` is how many titles fewer than
        `expected_on_page` the page listed: a scan short of titles is listed again.
        """
        with self.engine.begin() as connection:
            window = self._guarded(connection, row)
            if window is None or row.last_completed_page != page - 1:
                return False
            first = page == 1
            spanned = not first and (window.spanned or window.scan_run != self.run_id)
            found_new = (not first and window.found_new) or new_titles > 0
            missing = (0 if first else window.shortfall) + shortfall
            finished = page >= min(total_pages, TMDB_MAX_PAGE)
            values: dict[str, object] = {
                "last_completed_page": page if total_pages else 0,
                "total_pages": total_pages,
                "total_results": total_results,
                "is_completed": finished,
                "scan_run": self.run_id,
                "spanned": spanned,
                "found_new": found_new,
                "shortfall": missing,
            }
            notes = [note] if note else []
            verify = spanned if window.passes == 0 else found_new or spanned
            if finished and missing and window.passes < MAX_PASSES:
                values.update(RESET, passes=window.passes + 1)
                notes.append(
                    f"{row.label}: pages left out {missing} of {total_results} titles: "
                    "listing again"
                )
            elif finished and missing:
                values["total_results"] = total_results - missing
                notes.append(
                    f"{row.label}: pages still left out {missing} of {total_results} titles "
                    f"after {window.passes + 1} listings: completed, the audit lists it again"
                )
            elif finished and verify and window.passes < MAX_PASSES and total_pages > 1:
                why = "its scan spanned runs" if spanned else "the last pass found new titles"
                values.update(RESET, passes=window.passes + 1)
                notes.append(f"{row.label}: listing again to verify, {why}")
            result = connection.execute(
                update(ContentSyncWindow).where(*_unmoved(row)).values(**values)
            )
            if result.rowcount != 1:
                return False
            sum_up(connection, row.id, self.now(), "; ".join(notes) or None)
            return True

    def restart(self, row: LogRow, total_pages: int, total_results: int, note: str) -> bool:
        """Go back to page 1 (the window's results moved); stored titles are skipped on replay.

        False, leaving the row as it is, when the window has had its MAX_PASSES or another run
        moved it.
        """
        if row.passes >= MAX_PASSES:
            return False
        with self.engine.begin() as connection:
            result = connection.execute(
                update(ContentSyncWindow)
                .where(*_unmoved(row))
                .values(
                    **RESET | {"passes": row.passes + 1},
                    total_pages=total_pages,
                    total_results=total_results,
                )
            )
            if result.rowcount != 1:
                return False
            sum_up(connection, row.id, self.now(), note)
            return True

    def split(self, row: LogRow, total_pages: int, total_results: int) -> bool:
        """Replace the row's window by its two halves (it lists more than TMDb serves)."""
        gte, lte = row.window
        if gte >= lte:
            return False
        with self.engine.begin() as connection:
            if self._guarded(connection, row) is None:
                return False
            middle = split_window(connection, row)
            sum_up(
                connection,
                row.id,
                self.now(),
                f"{row.label}: {total_results} titles on {total_pages} pages, over TMDb's "
                f"{TMDB_MAX_PAGE}: split at {middle}",
            )
            return True
