"""What `tmdbsync status` reports: the sync log, today's quota use, and row counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from tmdbsync.db.models import Content, Person, SkippedTitle
from tmdbsync.settings import Settings
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.changes import feed_state
from tmdbsync.sync.log import SyncLog
from tmdbsync.sync.orchestrator import ledgers
from tmdbsync.sync.retry import CAP
from tmdbsync.sync.store import Store, utc_now

KINDS: tuple[Kind, ...] = ("movie", "tv")


def collect_status(settings: Settings, engine: Engine) -> dict[str, Any]:
    """One JSON-ready document; holds no secret (the database URL is shown password-masked)."""
    rows = SyncLog(engine, settings.start, settings.end).rows()
    by_provider = ledgers(settings, engine)
    quota: dict[str, Any] = {"day": by_provider["tmdb"].today().isoformat()}
    for name, ledger in by_provider.items():
        quota[name] = {
            kind: {"used": ledger.used(kind), "limit": ledger.limit(kind)} for kind in KINDS
        }
    with engine.connect() as connection:
        counts = connection.execute(select(Content.type, func.count()).group_by(Content.type))
        content: dict[str, int] = {kind: count for kind, count in counts.tuples()}
        omdb_pending = connection.scalar(
            select(func.count()).where(Content.omdb_status.is_(None), Content.imdb_id.is_not(None))
        )
        people = connection.scalar(select(func.count()).select_from(Person))
        enriched = connection.scalar(select(func.count()).where(Person.enriched_at.is_not(None)))
        skipped = connection.scalar(select(func.count()).select_from(SkippedTitle))
    days = settings.retry_skipped_days
    due = 0
    if days and skipped:
        store = Store(engine)
        due = sum(len(store.due_skips(kind, timedelta(days=days), CAP, skipped)) for kind in KINDS)
    return {
        "database": settings.safe_database_url,
        "sync_log": [
            {
                "type": row.type,
                "year": row.year,
                "month": row.month,
                "is_completed": row.is_completed,
                "last_completed_page": row.last_completed_page,
                "total_pages": row.total_pages,
                "total_results": row.total_results,
                "notes": row.notes,
                "last_synced_at": row.last_synced_at.isoformat() if row.last_synced_at else None,
                "audited_at": row.audited_at.isoformat() if row.audited_at else None,
            }
            for row in rows
        ],
        "quota": quota,
        "change_feeds": feed_state(engine, utc_now()),  # per feed: lag in days, queue length
        "totals": {
            "content": {kind: content.get(kind, 0) for kind in KINDS},
            "people": people,
            "people_enriched": enriched,
            "omdb_pending": omdb_pending,
            "skipped_titles": skipped,
            "skipped_due_for_retry": due,
        },
    }


def render_status(console: Console, report: dict[str, Any]) -> None:
    log = Table(title="Sync log", title_justify="left")
    for column in ("type", "month", "done", "pages", "results", "last synced", "audited", "notes"):
        log.add_column(column, overflow="fold", no_wrap=column != "notes")
    for row in report["sync_log"]:
        total = "?" if row["total_pages"] is None else row["total_pages"]
        pages = f"{row['last_completed_page']}/{total}"
        log.add_row(
            row["type"],
            f"{row['year']:04d}-{row['month']:02d}",
            "yes" if row["is_completed"] else "no",
            pages,
            "" if row["total_results"] is None else str(row["total_results"]),
            (row["last_synced_at"] or "")[:16].replace("T", " "),
            (row["audited_at"] or "")[:10],
            row["notes"] or "",
        )
    console.print(log)
    quota = Table(title=f"Quota used on {report['quota']['day']} (UTC)", title_justify="left")
    for column in ("provider", "bucket", "used", "limit"):
        quota.add_column(column)
    for provider in ("tmdb", "omdb", "trakt"):
        for kind in KINDS:
            use = report["quota"][provider][kind]
            limit = "unlimited" if use["limit"] is None else str(use["limit"])
            quota.add_row(provider, kind, str(use["used"]), limit)
    console.print(quota)
    totals = report["totals"]
    console.print(
        f"titles: {totals['content']['movie']} movies, {totals['content']['tv']} shows; "
        f"people: {totals['people']} ({totals['people_enriched']} enriched); "
        f"OMDb pending: {totals['omdb_pending']}; skipped titles: {totals['skipped_titles']} "
        f"({totals['skipped_due_for_retry']} due for retry)"
    )
    feeds = report["change_feeds"]
    console.print(
        "change feeds: "
        + "; ".join(
            f"{k} {v['lag_days']} days behind, {v['queued']} queued" for k, v in feeds.items()
        )
    )
