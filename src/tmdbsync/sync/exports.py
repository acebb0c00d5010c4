"""TMDBSYNC_SOURCE=exports: find titles through TMDb's daily ID export files, not discover.

Once a run per kind, the newest export file not applied yet is downloaded (no key, no request
quota: files.tmdb.org is not the API) to a temporary file and applied (sync/export_apply.py);
then the queued titles are fetched, most popular first, one details request each. Once every
kind of the run has had its file, the person file is applied the same way to the people we hold
(sync/person_export.py). Files appear between about 07:00 and 08:00 UTC: before 08:00
yesterday's file is the newest, and after it today's is tried first and yesterday's when
today's is not there yet.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

import httpx
from sqlalchemy import Engine, select

from tmdbsync.db.models import ExportLog
from tmdbsync.errors import RetryableError
from tmdbsync.http import refused_redirect
from tmdbsync.http_body import BodyTooLarge, iter_capped
from tmdbsync.kinds import Kind
from tmdbsync.redaction import quiet_transport_loggers, redact
from tmdbsync.settings import Settings
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.export_apply import ExportResult, ExportUnreadable, apply_export
from tmdbsync.sync.person_export import apply_person_export, holds_people
from tmdbsync.sync.title_queue import drain_titles

ExportKind = Kind | Literal["person"]
PUBLISHED = time(8)  # UTC: every file of the day is out by then
PREFIX: dict[ExportKind, str] = {"movie": "movie", "tv": "tv_series", "person": "person"}
MISSING = (403, 404)  # files.tmdb.org answers 403 for a file that does not exist (yet)
# The whole download's deadline, in TMDBSYNC_HTTP_TIMEOUTs (30 minutes at the default 30 s): the
# per-read timeout alone lets a server that trickles a byte now and then hold the run (and its
# lock) for ever. 60 of them leave a file at the 64 MB cap 36 KB/s, and scale with a timeout
# raised for a slow link.
DEADLINE_TIMEOUTS = 60


def file_name(kind: ExportKind, day: date) -> str:
    return f"{PREFIX[kind]}_ids_{day:%m_%d_%Y}.json.gz"


def candidate_days(now: datetime) -> list[date]:
    """The export days worth looking for at `now`, newest first."""
    today = now.date()
    yesterday = today - timedelta(days=1)
    return [today, yesterday] if now.time() >= PUBLISHED else [yesterday]


def applied(engine: Engine, kind: ExportKind, day: date) -> bool:
    with engine.connect() as connection:
        found = connection.scalar(
            select(ExportLog.id).where(ExportLog.type == kind, ExportLog.day == day)
        )
        return found is not None


async def download(url: str, dest: Path, settings: Settings) -> bool:
    """Stream `url` to `dest` as it comes (constant memory); False when it is not published.

    The file is kept as sent (its gzip is the file's own format, read by export_apply), under
    the cap every response has (TMDBSYNC_MAX_RESPONSE_MB, counted on those bytes) and within
    DEADLINE_TIMEOUTS × TMDBSYNC_HTTP_TIMEOUT in all. A redirect is refused as the API clients
    refuse one, and every message is redacted like theirs.
    """
    secrets = settings.secrets()
    limit = settings.max_response_mb << 20
    deadline = DEADLINE_TIMEOUTS * settings.http_timeout
    quiet_transport_loggers()
    failure = None
    try:
        async with (
            asyncio.timeout(deadline),
            httpx.AsyncClient(
                timeout=settings.http_timeout,
                follow_redirects=False,
                headers={"Accept-Encoding": "identity"},
            ) as client,
            client.stream("GET", url) as response,
        ):
            status = response.status_code
            if status in MISSING:
                return False
            where = redact(f"GET {url}: HTTP {status}", secrets)
            if 300 <= status < 400:
                location = response.headers.get("location")
                raise refused_redirect(
                    where,
                    location,
                    base=httpx.URL(settings.tmdb_exports_url),
                    setting="TMDB_EXPORTS_URL",
                    secrets=secrets,
                )
            if status != 200:
                raise RetryableError(where)
            with dest.open("wb") as out:
                async for piece in iter_capped(response.aiter_raw(), "", limit):
                    out.write(piece)
    except httpx.HTTPError as exc:
        failure = f"{type(exc).__name__}: {exc}"
    except TimeoutError:
        failure = f"not complete after {deadline:g} s ({DEADLINE_TIMEOUTS} × TMDBSYNC_HTTP_TIMEOUT)"
    except BodyTooLarge as exc:
        failure = (
            f"body over TMDBSYNC_MAX_RESPONSE_MB={settings.max_response_mb} "
            f"(refused after {exc.read:,} bytes)"
        )
    if failure is not None:  # raised here, so no transport error is chained to it
        raise ExportUnreadable(redact(f"GET {url}: {failure}", secrets))
    return True


async def refresh_export(ctx: SyncContext, kind: ExportKind) -> None:
    """Apply the newest export file of `kind` unless it already was."""
    engine = ctx.store.engine
    now = ctx.store.now()
    days = candidate_days(now)
    for day in days:
        if await ctx.write(applied, engine, kind, day):
            return
        name = file_name(kind, day)
        with tempfile.TemporaryDirectory(prefix="tmdbsync-export-") as folder:
            path = Path(folder) / name
            url = f"{ctx.settings.tmdb_exports_url.rstrip('/')}/{name}"
            if not await download(url, path, ctx.settings):
                continue
            result = await ctx.write(_apply, ctx, kind, day, path, now)
        ctx.progress.message(
            f"{kind}: export {name}: {result.lines} ids, {result.queued} queued, "
            f"{result.deleted} marked deleted, {result.returned} back"
        )
        return
    ctx.progress.message(f"{kind}: no export file published for {', '.join(map(str, days))}")


def _apply(
    ctx: SyncContext, kind: ExportKind, day: date, path: Path, now: datetime
) -> ExportResult:
    engine = ctx.store.engine
    if kind == "person":
        return apply_person_export(engine, day, path, now=now)
    return apply_export(engine, kind, day, path, include_adult=ctx.settings.include_adult, now=now)


async def _refresh_once(ctx: SyncContext, kind: ExportKind) -> None:
    """The file of `kind`, once a run. One that cannot be read changes nothing and is reported;
    for people any failure of the download is (they must not stop a kind's titles)."""
    if kind in ctx.exports_checked:
        return
    ctx.exports_checked.add(kind)
    if kind == "person" and not await ctx.write(holds_people, ctx.store.engine):
        return  # nobody to update: not worth a file of millions of lines
    try:
        await refresh_export(ctx, kind)
    except RetryableError as exc:
        if kind != "person" and not isinstance(exc, ExportUnreadable):
            raise
        ctx.progress.message(f"{kind}: {exc}; nothing applied")


async def run_exports_step(ctx: SyncContext, kind: Kind) -> bool:
    """The exports source's step: apply the day's file once a run (and the person file once
    every kind of the run has had its own), then fetch a batch of the queue; False when nothing
    is queued."""
    await _refresh_once(ctx, kind)
    if ctx.exports_checked.issuperset(ctx.summary.kinds):
        await _refresh_once(ctx, "person")
    return await drain_titles(ctx, kind)
