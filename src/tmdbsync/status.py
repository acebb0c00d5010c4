"""What `tmdbsync status` reports: how far along, when done, whether a sync runs, what failed.

One JSON-ready document of bounded size, whatever the number of months synced: the month log is
summarised (per kind and as a picture of completion, a string of 12 characters per year), and
listed in full only on request (`months=True` or `since=YEAR`). Every query is an aggregate or
reads a small table, and the big tables are counted by estimate on PostgreSQL (db/counts.py),
so the report costs the same at a million titles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, and_, func, select

from tmdbsync.clock import utc_now
from tmdbsync.db import tables
from tmdbsync.db.counts import Count, count_all, count_by, count_not_null
from tmdbsync.kinds import KINDS
from tmdbsync.quota import ledgers
from tmdbsync.settings import Settings, YearMonth
from tmdbsync.sync.deadletter import Backoff, due
from tmdbsync.sync.lock import STALE, parse_holder

RATE_DAYS = 14
"""The estimate of the time to finish uses the months completed in this many recent days."""
OPEN_ROWS = 50
"""Without `months`/`since`, the report lists at most this many unfinished months."""
DONE, OPEN, OUTSIDE = "#", ".", " "
"""A month in the completion picture: completed, not (yet), outside the range."""


def _months_between(first: YearMonth, last: YearMonth) -> int:
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def _days_to_finish(remaining: int, rate: float) -> float | None:
    """At `rate` months a day of requests; None when there is no recent rate to go by."""
    if remaining == 0:
        return 0.0
    return round(remaining / rate, 1) if rate else None


def _log_entry(row: Row[Any]) -> dict[str, Any]:
    return {
        "type": row.type,
        "year": row.year,
        "month": row.month,
        "is_completed": row.is_completed,
        "last_completed_page": row.last_completed_page,
        "total_pages": row.total_pages,
        "total_results": row.total_results,
        "notes": row.notes,
        "last_synced_at": _iso(row.last_synced_at),
        "audited_at": _iso(row.audited_at),
    }


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back naive; every one we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else _aware(moment).isoformat()


def _key(month: YearMonth) -> int:
    """A month as one comparable number, 202401 for 2024-01 (as SQL computes it too)."""
    return month.year * 100 + month.month


def _month_text(key: int) -> str:
    return f"{key // 100:04d}-{key % 100:02d}"


# Core handles, not the ORM models: `status` starts in a fresh process (db/tables.py)
LOG = tables.content_sync_log.c
USAGE = tables.api_usage.c
EXPORTS = tables.export_log.c
RUNS = tables.sync_run.c
LOCKS = tables.sync_lock.c
SKIPPED = tables.skipped_title.c
DEAD = tables.dead_letter.c
CONTENT = tables.content.c
CHANGES = tables.content_change_log.c
QUEUED = tables.title_queue.c
MONTH_KEY = LOG.year * 100 + LOG.month


class _Report:
    """Builds the status document from one connection; one method per section."""

    def __init__(
        self, settings: Settings, engine: Engine, connection: Connection, now: datetime
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.connection = connection
        self.now = now
        self.done: dict[str, set[int]] = {kind: set() for kind in KINDS}
        for kind, key in connection.execute(
            select(LOG.type, MONTH_KEY).where(LOG.is_completed.is_(True))
        ).tuples():
            self.done.setdefault(kind, set()).add(key)
        earliest = connection.scalar(select(func.min(MONTH_KEY)))
        self.first = settings.start
        if earliest is not None and earliest < _key(settings.start):
            self.first = YearMonth(earliest // 100, earliest % 100)
        self.last = settings.end

    def log_rows(self, months: bool, since: int | None) -> list[Row[Any]]:
        """Every month, those from the year `since`, or the first OPEN_ROWS unfinished ones."""
        query = select(tables.content_sync_log).order_by(LOG.type, LOG.year, LOG.month)
        if since is not None:
            query = query.where(LOG.year >= since)
        elif not months:
            query = query.where(LOG.is_completed.is_(False)).limit(OPEN_ROWS)
        return list(self.connection.execute(query))

    def completion(self) -> dict[str, dict[str, str]]:
        """Per kind and year, 12 characters: DONE, OPEN or OUTSIDE the range, January first."""
        first, last = _key(self.first), _key(self.last)
        picture: dict[str, dict[str, str]] = {}
        for kind in KINDS:
            done = self.done[kind]
            picture[kind] = {
                str(year): "".join(
                    OUTSIDE
                    if not first <= year * 100 + month <= last
                    else DONE
                    if year * 100 + month in done
                    else OPEN
                    for month in range(1, 13)
                )
                for year in range(self.first.year, self.last.year + 1)
            }
        return picture

    def progress(self, titles: dict[str, Count]) -> dict[str, Any]:
        """Per kind: months done of months in range, titles stored, and the time to finish.

        The pace is the months completed in the last RATE_DAYS days per day TMDb was asked
        anything in that bucket, so days without a run do not slow the estimate down.
        """
        in_range = _months_between(self.first, self.last)
        first, last = _key(self.first), _key(self.last)
        cutoff = self.now - timedelta(days=RATE_DAYS)
        request_days = self._grouped(
            select(USAGE.bucket, func.count(func.distinct(USAGE.day)))
            .where(USAGE.provider == "tmdb", USAGE.day >= cutoff.date(), USAGE.requests > 0)
            .group_by(USAGE.bucket)
        )
        # the current and previous month are re-scanned daily: completing them is no progress
        rescanned = (last, _key(self.last.previous()))
        recent = self._grouped(
            select(LOG.type, func.count())
            .where(
                LOG.is_completed.is_(True),
                LOG.last_synced_at >= cutoff,
                MONTH_KEY.between(first, last),
                MONTH_KEY.not_in(rescanned),
            )
            .group_by(LOG.type)
        )
        working_on = self._grouped(
            select(LOG.type, func.min(MONTH_KEY))
            .where(LOG.is_completed.is_(False))
            .group_by(LOG.type)
        )
        result: dict[str, Any] = {}
        for kind in KINDS:
            done = sum(1 for key in self.done[kind] if first <= key <= last)
            days = request_days.get(kind, 0)
            rate = recent.get(kind, 0) / days if days else 0.0
            open_key = working_on.get(kind)
            result[kind] = {
                "months_in_range": in_range,
                "months_done": done,
                "percent_done": round(100 * done / in_range, 1) if in_range else 100.0,
                "titles": titles[kind].value,
                "titles_estimated": titles[kind].estimated,
                "working_on": None if open_key is None else _month_text(open_key),
                "months_per_request_day": round(rate, 2),
                "request_days": days,
                "days_to_finish": _days_to_finish(in_range - done, rate),
            }
        return result

    def exports(
        self, titles: dict[str, Count], people: Count, feed: dict[str, dict[str, int | None]]
    ) -> dict[str, Any] | None:
        """In exports mode, per kind: the ids the newest applied export lists (`known`; adult
        ones included, though only fetched with TMDBSYNC_INCLUDE_ADULT), the titles `stored` and
        the ids `queued` for their details request; and for the person file (people come from
        credits, so `stored` is what we hold, not a goal), the people it marked `deleted`.
        None in discover mode."""
        if self.settings.source != "exports":
            return None
        latest = (
            select(EXPORTS.type, func.max(EXPORTS.day).label("day"))
            .group_by(EXPORTS.type)
            .subquery()
        )
        newest = {
            row.type: row
            for row in self.connection.execute(
                select(EXPORTS.type, EXPORTS.day, EXPORTS.lines).join(
                    latest, and_(EXPORTS.type == latest.c.type, EXPORTS.day == latest.c.day)
                )
            )
        }
        result: dict[str, Any] = {}
        for kind in KINDS:
            row = newest.get(kind)
            result[kind] = {
                "export_day": None if row is None else row.day.isoformat(),
                "known": None if row is None else row.lines,
                "stored": titles[kind].value,
                "stored_estimated": titles[kind].estimated,
                "queued": feed[kind]["queued"],
            }
        row = newest.get("person")
        result["person"] = {
            "export_day": None if row is None else row.day.isoformat(),
            "known": None if row is None else row.lines,
            "stored": people.value,
            "stored_estimated": people.estimated,
            # ix_person_deleted holds only these rows: a count of the few marked
            "deleted": self.connection.scalar(
                select(func.count()).where(tables.person.c.deleted_at.is_not(None))
            ),
        }
        return result

    def _grouped(self, query: Select[tuple[str, int]]) -> dict[str, int]:
        return dict(self.connection.execute(query).tuples().all())

    def quota(self) -> dict[str, Any]:
        by_provider = ledgers(self.settings, self.engine)
        configured = {
            "tmdb": True,
            "omdb": self.settings.omdb_api_key is not None,
            "trakt": self.settings.trakt_client_id is not None,
        }
        quota: dict[str, Any] = {"day": by_provider["tmdb"].today().isoformat()}
        for name, ledger in by_provider.items():
            usage = ledger.usage()
            quota[name] = {
                kind: {"used": usage[kind], "limit": ledger.limit(kind)} for kind in KINDS
            } | {"configured": configured[name]}
        return quota

    def running(self) -> dict[str, Any] | None:
        """The run lock's holder, if any: a sync runs now (or died within STALE), since when."""
        lock = self.connection.execute(select(LOCKS.holder, LOCKS.heartbeat_at)).first()
        if lock is None:
            return None
        beat = _aware(lock.heartbeat_at)
        host, pid, _ = parse_holder(lock.holder)
        since = self.connection.scalar(
            select(func.max(RUNS.started_at)).where(
                RUNS.host == host, RUNS.pid == pid, RUNS.finished_at.is_(None)
            )
        )
        return {
            "holder": lock.holder,
            "since": _iso(since),
            "heartbeat_at": beat.isoformat(),
            "heartbeat_age_seconds": round((self.now - beat).total_seconds()),
            "stale": self.now - beat >= STALE,
        }

    def last_run(self, running: dict[str, Any] | None) -> dict[str, Any] | None:
        """The latest run that is not the one running now: how it ended, or that it died."""
        query = select(tables.sync_run).order_by(RUNS.started_at.desc(), RUNS.id.desc()).limit(2)
        for run in self.connection.execute(query):
            current = (
                running is not None
                and not running["stale"]
                and run.finished_at is None
                and running["since"] == _iso(run.started_at)
            )
            if current:
                continue
            return {
                "started_at": _iso(run.started_at),
                "finished_at": _iso(run.finished_at),
                "died": run.finished_at is None,
                "host": run.host,
                "pid": run.pid,
                "mode": run.mode,
                "exit_code": run.exit_code,
                "stop_reason": run.stop_reason,
                "titles_stored": run.titles_stored,
                "titles_skipped": run.titles_skipped,
                "requests": run.requests,
            }
        return None

    def skipped_by_reason(self) -> dict[str, int]:
        """The dead-letter backlog of titles: skipped titles per reason code, commonest first."""
        return self._grouped(
            select(SKIPPED.reason_code, func.count())
            .group_by(SKIPPED.reason_code)
            .order_by(func.count().desc(), SKIPPED.reason_code)
        )

    def dead_letters(self) -> dict[str, int]:
        """People, OMDb and Trakt items that keep failing, per provider."""
        return self._grouped(
            select(DEAD.provider, func.count()).group_by(DEAD.provider).order_by(DEAD.provider)
        )

    def skipped_due(self) -> int:
        """Skipped titles whose next try is due (counted, not listed)."""
        days = self.settings.retry_skipped_days
        if not days:
            return 0
        ready = due(SKIPPED, Backoff(timedelta(days=days)), self.now)
        return self.connection.scalar(select(func.count()).where(ready)) or 0

    def totals(
        self, titles: dict[str, Any], people: Count, skipped: dict[str, int]
    ) -> dict[str, Any]:
        enriched = count_not_null(self.connection, tables.person, "enriched_at")
        omdb_pending = self.connection.scalar(
            select(func.count()).where(CONTENT.omdb_status.is_(None), CONTENT.imdb_id.is_not(None))
        )
        return {
            "content": {kind: titles[kind].value for kind in KINDS},
            "people": people.value,
            "people_enriched": enriched.value,
            "omdb_pending": omdb_pending,
            "skipped_titles": sum(skipped.values()),
            "skipped_due_for_retry": self.skipped_due(),
            "estimated": people.estimated or enriched.estimated,
        }


def collect_status(
    settings: Settings,
    engine: Engine,
    *,
    months: bool = False,
    since: int | None = None,
    now: Callable[[], datetime] = utc_now,
) -> dict[str, Any]:
    """The status document; holds no secret (the database URL is shown password-masked).

    `sync_log` lists every month with `months`, those from the year `since` on with `since`,
    else only unfinished ones (at most OPEN_ROWS); `sync_log_omitted` says how many were left out.
    """
    with engine.connect() as connection:
        report = _Report(settings, engine, connection, now())
        titles = count_by(connection, tables.content, "type", KINDS)
        people = count_all(connection, tables.person)
        skipped = report.skipped_by_reason()
        listed = report.log_rows(months, since)
        running = report.running()
        rows = connection.scalar(select(func.count()).select_from(tables.content_sync_log)) or 0
        feed = feed_state(engine, report.now)  # per feed: lag in days, queue length
        document = {
            "database": settings.safe_database_url,
            "generated_at": report.now.isoformat(),
            "source": settings.source,
            "range": {"start": str(report.first), "end": str(report.last)},
            "progress": report.progress(titles),
            "exports": report.exports(titles, people, feed),
            "completion": report.completion(),
            "quota": report.quota(),
            "running": running,
            "last_run": report.last_run(running),
            "change_feed": feed,
            "skipped_by_reason": skipped,
            "dead_letters": report.dead_letters(),
            "totals": report.totals(titles, people, skipped),
            "sync_log": [_log_entry(row) for row in listed],
            "sync_log_omitted": rows - len(listed),
        }
    return document


def feed_state(engine: Engine, now: datetime) -> dict[str, dict[str, int | None]]:
    """Per feed: days behind yesterday (None before it starts) and titles queued for a refresh."""
    yesterday = now.date() - timedelta(days=1)
    state: dict[str, dict[str, int | None]] = {}
    with engine.connect() as connection:
        for kind in ("movie", "tv", "person"):
            done = connection.scalar(
                select(func.max(func.coalesce(CHANGES.end_day, CHANGES.day))).where(
                    CHANGES.type == kind, CHANGES.is_completed.is_(True)
                )
            )
            queued = connection.scalar(select(func.count()).where(QUEUED.type == kind))
            lag = None if done is None else max(0, (yesterday - done).days)
            state[kind] = {"lag_days": lag, "queued": queued or 0}
    return state
