"""The ContentSyncLog rules: which (type, year, month) is open, and how a page advances it.

Every change is a guarded UPDATE (`WHERE last_completed_page = :expected`), so two runs that race
on one row cannot both advance it, and the log never gets ahead of the data: a page is advanced only
after every title on it was stored.

A log row is paged through its date windows (`content_sync_window`): one window, the whole month,
unless discover lists more than TMDb's 500 pages for it; then the window is split in halves, down to
single days, so every title is reached. The row's `last_completed_page` and `total_pages` are the
sums over its windows, and it is completed when all its windows are.

A window whose scan spanned several runs (a quota day ended, a crash) is listed once more before it
counts as complete: titles added and removed meanwhile shift others across page boundaries without
changing `total_results`, and only a fresh listing shows them. A change of `total_results` during a
scan restarts it at page 1. Both are bounded by MAX_PASSES; stored titles are skipped on replay, so
a pass costs only its discover pages.

A window completes only when its pages account for its `total_results`: every page but the last
lists PAGE_SIZE titles, the last the rest (`expected_on_page`), and the pages needed follow from
`total_results` as much as from `total_pages` (`pages_needed`), so a `total_pages` that drops does
not skip a page. Titles a scan's pages left out (a page answered empty or short however often it
was asked) add up in `shortfall`; a finished scan short of titles is listed again, and when the
last of its MAX_PASSES is still short it completes with the shortfall in `notes` and a
`total_results` lowered by it, so the next audit of the month sees a changed total and lists it
once more.

Completed months are audited now and then (`due_for_audit`, `record_audit`; see sync/audit.py): a
window whose listing no longer shows the total it completed with is reset and paged again.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, delete, insert, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tmdbsync.clock import utc_now
from tmdbsync.db.models import ContentSyncLog, ContentSyncWindow
from tmdbsync.db.upsert import insert_ignore, table_of
from tmdbsync.kinds import Kind
from tmdbsync.settings import YearMonth

LOG = table_of(ContentSyncLog)
WINDOW = table_of(ContentSyncWindow)
NOTES_MAX = 500
TMDB_MAX_PAGE = 500
PAGE_SIZE = 20  # titles on every discover page but the last
MAX_PASSES = 3
"""Scans of one window after the first: restarts on a changed total and verifying re-listings."""


@dataclass(frozen=True)
class LogRow:
    """An open log row at its current window; the page fields are the window's."""

    id: int
    kind: Kind
    month: YearMonth
    last_completed_page: int
    total_pages: int | None
    total_results: int | None
    notes: str | None
    window_id: int = 0
    gte: date | None = None
    lte: date | None = None
    passes: int = 0

    @property
    def next_page(self) -> int:
        return self.last_completed_page + 1

    @property
    def window(self) -> tuple[date, date]:
        if self.gte is None or self.lte is None:
            return month_window(self.month)
        return self.gte, self.lte

    @property
    def whole_month(self) -> bool:
        return self.window == month_window(self.month)

    @property
    def label(self) -> str:
        """The month, or the window's dates when the month was split."""
        gte, lte = self.window
        return str(self.month) if self.whole_month else f"{gte}..{lte}"


def pages_needed(total_pages: int, total_results: int) -> int:
    """Pages the listing takes: a `total_pages` below what `total_results` needs is not trusted."""
    return max(total_pages, -(-total_results // PAGE_SIZE))


def expected_on_page(page: int, total_results: int) -> int:
    """Titles page `page` lists when the listing is whole (pages past TMDb's 500: none)."""
    if page > TMDB_MAX_PAGE:
        return 0
    return max(0, min(PAGE_SIZE, total_results - (page - 1) * PAGE_SIZE))


def month_window(month: YearMonth) -> tuple[date, date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return date(month.year, month.month, 1), date(month.year, month.month, last)


def merge_notes(old: str | None, new: str) -> str:
    """Append a note; when over 500 characters keep the newest text."""
    text = f"{old}; {new}" if old else new
    return text if len(text) <= NOTES_MAX else "…" + text[-(NOTES_MAX - 1) :]


def _row(log: Row[Any], window: Row[Any]) -> LogRow:
    return LogRow(
        id=log.id,
        kind="movie" if log.type == "movie" else "tv",
        month=YearMonth(log.year, log.month),
        last_completed_page=window.last_completed_page,
        total_pages=window.total_pages,
        total_results=window.total_results,
        notes=log.notes,
        window_id=window.id,
        gte=window.gte,
        lte=window.lte,
        passes=window.passes,
    )


def _month_key() -> ColumnElement[int]:
    """A log row's month as one comparable number, 202401 for 2024-01."""
    return ContentSyncLog.year * 100 + ContentSyncLog.month


def _key(month: YearMonth) -> int:
    return month.year * 100 + month.month


def _not_since(
    column: InstrumentedAttribute[datetime | None], moment: datetime
) -> ColumnElement[bool]:
    """Never set, or set no later than `moment`."""
    return or_(column.is_(None), column <= moment)


def _split(gte: date, lte: date) -> list[tuple[date, date]]:
    middle = gte + (lte - gte) // 2
    return [(gte, middle), (middle + timedelta(days=1), lte)]


_RESET = {
    "last_completed_page": 0,
    "is_completed": False,
    "passes": 0,
    "scan_run": None,
    "spanned": False,
    "found_new": False,
    "shortfall": 0,
}
_REOPEN = {"is_completed": False, "last_completed_page": 0}
"""Reopens a log row from outside; `_open_window` then resets its windows (or makes the first)."""


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
                    .where(
                        ContentSyncLog.type == kind,
                        ContentSyncLog.is_completed.is_(False),
                        _month_key() <= _key(self.end),
                    )
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
                    ContentSyncLog.type == kind,
                    ContentSyncLog.is_completed.is_(True),
                    _month_key() >= _key(recent),
                    _month_key() <= _key(self.end),
                    or_(
                        ContentSyncLog.last_synced_at.is_(None),
                        ContentSyncLog.last_synced_at < day_start,
                    ),
                )
                .values(**_REOPEN)
            )
            return bool(result.rowcount)

    def due_for_audit(self, kind: Kind, every: timedelta) -> list[LogRow]:
        """The windows of the completed month of `kind` checked longest ago; [] if none is due.

        A month is due when neither its last full listing (`last_synced_at`, so a month just
        completed or re-scanned daily never is) nor its last audit lies within `every`. Months
        never audited come first, oldest month first; then the stalest audit. A row completed
        before windows existed is probed as the whole month, against the row's own total.
        """
        cutoff = self.now() - every
        with self.engine.connect() as connection:
            log = connection.execute(
                select(LOG)
                .where(
                    ContentSyncLog.type == kind,
                    ContentSyncLog.is_completed.is_(True),
                    _month_key() <= _key(self.end),
                    _not_since(ContentSyncLog.audited_at, cutoff),
                    _not_since(ContentSyncLog.last_synced_at, cutoff),
                )
                .order_by(
                    ContentSyncLog.audited_at.asc().nulls_first(),
                    ContentSyncLog.year,
                    ContentSyncLog.month,
                )
                .limit(1)
            ).first()
            if log is None:
                return []
            windows = self._windows(connection, log.id)
        if not windows:
            return [
                LogRow(
                    id=log.id,
                    kind=kind,
                    month=YearMonth(log.year, log.month),
                    last_completed_page=log.last_completed_page,
                    total_pages=log.total_pages,
                    total_results=log.total_results,
                    notes=log.notes,
                )
            ]
        return [_row(log, window) for window in windows]

    def record_audit(self, rows: Sequence[LogRow], totals: Sequence[int]) -> list[LogRow]:
        """Stamp the month of `rows` audited now; reopen the windows whose total moved.

        `totals` are the `total_results` listed now for each of `rows`. A reopened window is
        reset like a re-scanned one, so the normal paging lists it again from page 1; the
        month's other windows stay complete. Returns the reopened windows.
        """
        changed = [
            (row, total)
            for row, total in zip(rows, totals, strict=True)
            if total != row.total_results
        ]
        log_id = rows[0].id
        values: dict[str, object] = {"audited_at": self.now()}
        with self.engine.begin() as connection:
            if changed:
                note = "; ".join(
                    f"{row.label}: audit listed {total} titles, {row.total_results} when "
                    "completed: re-scanning"
                    for row, total in changed
                )
                if rows[0].window_id:
                    connection.execute(
                        update(ContentSyncWindow)
                        .where(ContentSyncWindow.id.in_([row.window_id for row, _ in changed]))
                        .values(**_RESET)
                    )
                    self._sum_up(connection, log_id, note)
                else:  # no windows yet: reopen the row, `_open_window` makes its window
                    values |= _REOPEN | {"notes": self._noted(connection, log_id, note)}
            connection.execute(
                update(ContentSyncLog).where(ContentSyncLog.id == log_id).values(**values)
            )
        return [row for row, _ in changed]

    def _open_window(self, log: Row[Any]) -> LogRow:
        """The log row at its first incomplete window, creating or resetting windows as needed."""
        with self.engine.begin() as connection:
            windows = self._windows(connection, log.id)
            if not windows:
                # A new row, or one from before windows existed: the whole month, as far as the
                # row got.
                gte, lte = month_window(YearMonth(log.year, log.month))
                connection.execute(
                    insert(ContentSyncWindow).values(
                        log_id=log.id,
                        gte=gte,
                        lte=lte,
                        last_completed_page=log.last_completed_page,
                        total_pages=log.total_pages,
                        total_results=log.total_results,
                        **{k: v for k, v in _RESET.items() if k != "last_completed_page"},
                    )
                )
            elif all(w.is_completed for w in windows) or log.last_completed_page != sum(
                w.last_completed_page for w in windows
            ):
                # The row was reopened or rewound from outside (the daily re-scan of recent
                # months, by hand): scan every window again from its first page.
                connection.execute(
                    update(ContentSyncWindow)
                    .where(ContentSyncWindow.log_id == log.id)
                    .values(**_RESET)
                )
                self._sum_up(connection, log.id)
            else:
                first = next(w for w in windows if not w.is_completed)
                return _row(log, first)
            windows = self._windows(connection, log.id)
            log = connection.execute(select(LOG).where(ContentSyncLog.id == log.id)).one()
            return _row(log, next(w for w in windows if not w.is_completed))

    @staticmethod
    def _windows(connection: Connection, log_id: int) -> list[Row[Any]]:
        return list(
            connection.execute(
                select(WINDOW)
                .where(ContentSyncWindow.log_id == log_id)
                .order_by(ContentSyncWindow.gte)
            )
        )

    def _sum_up(self, connection: Connection, log_id: int, note: str | None = None) -> None:
        """Set the log row from its windows: pages summed, totals once every one is known."""
        windows = self._windows(connection, log_id)
        known = all(w.total_pages is not None for w in windows)
        values: dict[str, object] = {
            "last_completed_page": sum(w.last_completed_page for w in windows),
            "total_pages": sum(w.total_pages or 0 for w in windows) if known else None,
            "total_results": sum(w.total_results or 0 for w in windows) if known else None,
            "is_completed": all(w.is_completed for w in windows),
            "last_synced_at": self.now(),
        }
        if note:
            values["notes"] = self._noted(connection, log_id, note)
        connection.execute(
            update(ContentSyncLog).where(ContentSyncLog.id == log_id).values(**values)
        )

    @staticmethod
    def _noted(connection: Connection, log_id: int, note: str) -> str:
        """The row's notes with `note` appended."""
        current = connection.scalar(select(ContentSyncLog.notes).where(ContentSyncLog.id == log_id))
        return merge_notes(current, note)

    def _guarded(self, connection: Connection, row: LogRow) -> Row[Any] | None:
        """The row's window if no other run moved it since `row` was read."""
        return connection.execute(
            select(WINDOW).where(
                ContentSyncWindow.id == row.window_id,
                ContentSyncWindow.last_completed_page == row.last_completed_page,
            )
        ).first()

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
                values.update(_RESET, passes=window.passes + 1)
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
                values.update(_RESET, passes=window.passes + 1)
                notes.append(f"{row.label}: listing again to verify, {why}")
            result = connection.execute(
                update(ContentSyncWindow)
                .where(
                    ContentSyncWindow.id == row.window_id,
                    ContentSyncWindow.last_completed_page == page - 1,
                )
                .values(**values)
            )
            if result.rowcount != 1:
                return False
            self._sum_up(connection, row.id, "; ".join(notes) or None)
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
                .where(
                    ContentSyncWindow.id == row.window_id,
                    ContentSyncWindow.last_completed_page == row.last_completed_page,
                )
                .values(
                    **_RESET | {"passes": row.passes + 1},
                    total_pages=total_pages,
                    total_results=total_results,
                )
            )
            if result.rowcount != 1:
                return False
            self._sum_up(connection, row.id, note)
            return True

    def split(self, row: LogRow, total_pages: int, total_results: int) -> bool:
        """Replace the row's window by its two halves (it lists more than TMDb serves)."""
        gte, lte = row.window
        if gte >= lte:
            return False
        halves = _split(gte, lte)
        with self.engine.begin() as connection:
            if self._guarded(connection, row) is None:
                return False
            connection.execute(
                delete(ContentSyncWindow).where(ContentSyncWindow.id == row.window_id)
            )
            for start, end in halves:
                connection.execute(
                    insert(ContentSyncWindow).values(
                        log_id=row.id,
                        gte=start,
                        lte=end,
                        total_pages=None,
                        total_results=None,
                        **_RESET,
                    )
                )
            self._sum_up(
                connection,
                row.id,
                f"{row.label}: {total_results} titles on {total_pages} pages, over TMDb's "
                f"{TMDB_MAX_PAGE}: split at {halves[0][1]}",
            )
            return True

    def rows(self) -> list[Row[Any]]:
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(LOG).order_by(
                        ContentSyncLog.type, ContentSyncLog.year, ContentSyncLog.month
                    )
                )
            )
