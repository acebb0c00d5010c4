"""The sync log's audit marks: which completed month is due, and reopening the windows that moved.

Completed months are audited now and then (the probing is sync/audit.py): a window whose listing no
longer shows the total it completed with is reset and paged again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tmdbsync.db.models import ContentSyncLog, ContentSyncWindow
from tmdbsync.kinds import Kind
from tmdbsync.sync.log import REOPEN, SyncLog, months_of
from tmdbsync.sync.windows import (
    LOG,
    RESET,
    LogRow,
    log_row,
    noted,
    sum_up,
    update_log,
    window_rows,
)


def _not_since(
    column: InstrumentedAttribute[datetime | None], moment: datetime
) -> ColumnElement[bool]:
    """Never set, or set no later than `moment`."""
    return or_(column.is_(None), column <= moment)


def due_for_audit(log: SyncLog, kind: Kind, every: timedelta) -> list[LogRow]:
    """The windows of the completed month of `kind` checked longest ago; [] if none is due.

    A month is due when neither its last full listing (`last_synced_at`, so a month just
    completed or re-scanned daily never is) nor its last audit lies within `every`. Months
    never audited come first, oldest month first; then the stalest audit. A row completed
    before windows existed is probed as the whole month, against the row's own total.
    """
    cutoff = log.now() - every
    with log.engine.connect() as connection:
        row = connection.execute(
            select(LOG)
            .where(
                *months_of(kind, completed=True, end=log.end),
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
        if row is None:
            return []
        windows = window_rows(connection, row.id)
    return [log_row(row, window) for window in windows] if windows else [log_row(row)]


def record_audit(log: SyncLog, rows: Sequence[LogRow], totals: Sequence[int]) -> list[LogRow]:
    """Stamp the month of `rows` audited now; reopen the windows whose total moved.

    `totals` are the `total_results` listed now for each of `rows`. A reopened window is
    reset like a re-scanned one, so the normal paging lists it again from page 1; the
    month's other windows stay complete. Returns the reopened windows.
    """
    changed = [
        (row, total) for row, total in zip(rows, totals, strict=True) if total != row.total_results
    ]
    log_id = rows[0].id
    values: dict[str, object] = {"audited_at": log.now()}
    with log.engine.begin() as connection:
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
                    .values(**RESET)
                )
                sum_up(connection, log_id, log.now(), note)
            else:  # no windows yet: reopen the row, `open_window` makes its window
                values |= REOPEN | {"notes": noted(connection, log_id, note)}
        update_log(connection, log_id, values)
    return [row for row, _ in changed]
