"""A log row's date windows, so that no window lists more than TMDb's 500 discover pages.

A log row is paged through its date windows (`content_sync_window`): one window, the whole month,
unless discover lists more than TMDb's 500 pages for it; then the window is split in halves, down to
single days, so every title is reached. The row's `last_completed_page` and `total_pages` are the
sums over its windows, and it is completed when all its windows are.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from tmdbsync.db.models import ContentSyncLog, ContentSyncWindow
from tmdbsync.db.upsert import table_of
from tmdbsync.kinds import Kind
from tmdbsync.settings import YearMonth

LOG = table_of(ContentSyncLog)
WINDOW = table_of(ContentSyncWindow)
NOTES_MAX = 500
RESET = {
    "last_completed_page": 0,
    "is_completed": False,
    "passes": 0,
    "scan_run": None,
    "spanned": False,
    "found_new": False,
    "shortfall": 0,
}
"""A window's scan state before its first page: what a re-listing starts from."""


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


def month_window(month: YearMonth) -> tuple[date, date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return date(month.year, month.month, 1), date(month.year, month.month, last)


def merge_notes(old: str | None, new: str) -> str:
    """Append a note; when over 500 characters keep the newest text."""
    text = f"{old}; {new}" if old else new
    return text if len(text) <= NOTES_MAX else "…" + text[-(NOTES_MAX - 1) :]


def log_row(log: Row[Any], window: Row[Any] | None = None) -> LogRow:
    """The log row at `window`; without one (a row from before windows existed), the whole month
    with the row's own page fields."""
    row = LogRow(
        id=log.id,
        kind="movie" if log.type == "movie" else "tv",
        month=YearMonth(log.year, log.month),
        last_completed_page=log.last_completed_page,
        total_pages=log.total_pages,
        total_results=log.total_results,
        notes=log.notes,
    )
    if window is None:
        return row
    return replace(
        row,
        last_completed_page=window.last_completed_page,
        total_pages=window.total_pages,
        total_results=window.total_results,
        window_id=window.id,
        gte=window.gte,
        lte=window.lte,
        passes=window.passes,
    )


def window_rows(connection: Connection, log_id: int) -> list[Row[Any]]:
    """The windows of a log row, earliest first."""
    return list(
        connection.execute(
            select(WINDOW).where(ContentSyncWindow.log_id == log_id).order_by(ContentSyncWindow.gte)
        )
    )


def _add_window(connection: Connection, log_id: int, gte: date, lte: date, **values: Any) -> None:
    connection.execute(insert(ContentSyncWindow).values(log_id=log_id, gte=gte, lte=lte, **values))


def update_log(connection: Connection, log_id: int, values: dict[str, object]) -> None:
    connection.execute(update(ContentSyncLog).where(ContentSyncLog.id == log_id).values(**values))


def noted(connection: Connection, log_id: int, note: str) -> str:
    """The row's notes with `note` appended."""
    current = connection.scalar(select(ContentSyncLog.notes).where(ContentSyncLog.id == log_id))
    return merge_notes(current, note)


def sum_up(connection: Connection, log_id: int, now: datetime, note: str | None = None) -> None:
    """Set the log row from its windows: pages summed, totals once every one is known."""
    windows = window_rows(connection, log_id)
    known = all(w.total_pages is not None for w in windows)
    values: dict[str, object] = {
        "last_completed_page": sum(w.last_completed_page for w in windows),
        "total_pages": sum(w.total_pages or 0 for w in windows) if known else None,
        "total_results": sum(w.total_results or 0 for w in windows) if known else None,
        "is_completed": all(w.is_completed for w in windows),
        "last_synced_at": now,
    }
    if note:
        values["notes"] = noted(connection, log_id, note)
    update_log(connection, log_id, values)


def open_window(connection: Connection, log: Row[Any], now: datetime) -> LogRow:
    """The log row at its first incomplete window, creating or resetting windows as needed."""
    windows = window_rows(connection, log.id)
    if not windows:
        # A new row, or one from before windows existed: the whole month, as far as the row got.
        gte, lte = month_window(YearMonth(log.year, log.month))
        _add_window(
            connection,
            log.id,
            gte,
            lte,
            last_completed_page=log.last_completed_page,
            total_pages=log.total_pages,
            total_results=log.total_results,
            **{k: v for k, v in RESET.items() if k != "last_completed_page"},
        )
    elif all(w.is_completed for w in windows) or log.last_completed_page != sum(
        w.last_completed_page for w in windows
    ):
        # The row was reopened or rewound from outside (the daily re-scan of recent months, by
        # hand): scan every window again from its first page.
        connection.execute(
            update(ContentSyncWindow).where(ContentSyncWindow.log_id == log.id).values(**RESET)
        )
        sum_up(connection, log.id, now)
    else:
        first = next(w for w in windows if not w.is_completed)
        return log_row(log, first)
    windows = window_rows(connection, log.id)
    log = connection.execute(select(LOG).where(ContentSyncLog.id == log.id)).one()
    return log_row(log, next(w for w in windows if not w.is_completed))


def split_window(connection: Connection, row: LogRow) -> date:
    """Replace the row's window by its two halves; returns the last day of the first half."""
    gte, lte = row.window
    middle = gte + (lte - gte) // 2
    connection.execute(delete(ContentSyncWindow).where(ContentSyncWindow.id == row.window_id))
    for start, end in ((gte, middle), (middle + timedelta(days=1), lte)):
        _add_window(connection, row.id, start, end, total_pages=None, total_results=None, **RESET)
    return middle
