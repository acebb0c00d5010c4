"""The run record (`sync_run`): how each sync ended, readable after a crash.

A row is inserted in its own committed transaction as soon as the run holds the lock, and
finished when the run ends, whatever ended it; a row left with `finished_at` NULL belongs to a
run that is still going or died (SIGKILL, power cut). The same outcome is what `sync --json`
prints (`document`).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, insert, update

from tmdbsync.db.models import SyncRun
from tmdbsync.quota import QuotaLedger
from tmdbsync.sync.context import Summary

STOP_REASON_WIDTH = 64  # `movie stopped: ` and the reason fit 80 columns


def one_line(text: str, width: int = STOP_REASON_WIDTH) -> str:
    """`text` on one line of at most `width` characters: a stop reason must read in a log."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def start_run(engine: Engine, summary: Summary) -> int:
    """Insert the run's row (committed at once) and return its id."""
    with engine.begin() as connection:
        run_id = connection.execute(
            insert(SyncRun)
            .values(
                started_at=summary.started_at,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                mode=summary.mode,
                titles_stored=0,
                titles_skipped=0,
                requests=0,
            )
            .returning(SyncRun.id)
        ).scalar_one()
    return int(run_id)


def finish_run(engine: Engine, summary: Summary) -> None:
    """Write the run's outcome into its row."""
    with engine.begin() as connection:
        connection.execute(
            update(SyncRun)
            .where(SyncRun.id == summary.run_id)
            .values(
                finished_at=summary.finished_at,
                exit_code=summary.exit_code,
                stop_reason=summary.stop_reason,
                titles_stored=summary.titles_stored,
                titles_skipped=summary.titles_skipped,
                requests=summary.requests_total,
                summary=json.dumps(document(summary)),
            )
        )


def document(summary: Summary) -> dict[str, Any]:
    """The run as one JSON-ready document: what `sync --json` prints and `sync_run` keeps."""

    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "run_id": summary.run_id,
        "mode": summary.mode,
        "started_at": when(summary.started_at),
        "finished_at": when(summary.finished_at),
        "exit_code": summary.exit_code,
        "stop_reason": summary.stop_reason,
        "titles_stored": summary.titles_stored,
        "titles_skipped": summary.titles_skipped,
        "requests_total": summary.requests_total,
        "requests": summary.requests,
        "kinds": {kind: asdict(summary.of(kind)) for kind in summary.kinds},
    }


Usage = dict[str, dict[str, dict[str, int]]]
"""Requests per provider, then per UTC day (ISO), then per bucket."""


def usage_now(ledgers: Mapping[str, QuotaLedger], days: set[date]) -> Usage:
    return {
        provider: {day.isoformat(): ledger.usage(day) for day in days}
        for provider, ledger in ledgers.items()
    }


class RequestCounter:
    """Requests a run counted in the ledgers: today's usage at the end minus at the start.

    The run lock keeps other syncs off the database, so the difference is this run's (after
    unused leases were given back); a run across midnight adds both days.
    """

    def __init__(self, ledgers: Mapping[str, QuotaLedger], today: Callable[[], date]) -> None:
        self.ledgers = ledgers
        self.today = today
        self.first_day = today()
        self.before = usage_now(ledgers, {self.first_day})

    def count(self) -> dict[str, dict[str, int]]:
        after = usage_now(self.ledgers, {self.first_day, self.today()})
        counted: dict[str, dict[str, int]] = {}
        for provider, days in after.items():
            buckets: dict[str, int] = {}
            for day, usage in days.items():
                start = self.before[provider].get(day, {})
                for bucket, requests in usage.items():
                    spent = requests - start.get(bucket, 0)
                    buckets[bucket] = buckets.get(bucket, 0) + max(0, spent)
            counted[provider] = buckets
        return counted
