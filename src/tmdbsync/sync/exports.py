"""TMDBSYNC_SOURCE=exports: find titles through TMDb's daily ID export files, not discover.

Once a run per kind, the newest export file not applied yet is downloaded (no key, no request
quota: files.tmdb.org is not the API) to a temporary file and applied (sync/export_apply.py);
then the queued titles are fetched, most popular first, one details request each. Files appear
between about 07:00 and 08:00 UTC: before 08:00 yesterday's file is the newest, and after it
today's is tried first and yesterday's when today's is not there yet.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, select

from tmdbsync.db.models import ExportLog
from tmdbsync.errors import RetryableError
from tmdbsync.kinds import Kind
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.export_apply import ExportUnreadable, apply_export
from tmdbsync.sync.title_queue import drain_titles

PUBLISHED = time(8)  # UTC: every file of the day is out by then
PREFIX = {"movie": "movie", "tv": "tv_series"}
MISSING = (403, 404)  # files.tmdb.org answers 403 for a file that does not exist (yet)


def file_name(kind: Kind, day: date) -> str:
    return f"{PREFIX[kind]}_ids_{day:%m_%d_%Y}.json.gz"


def candidate_days(now: datetime) -> list[date]:
    """The export days worth looking for at `now`, newest first."""
    today = now.date()
    yesterday = today - timedelta(days=1)
    return [today, yesterday] if now.time() >= PUBLISHED else [yesterday]


def applied(engine: Engine, kind: Kind, day: date) -> bool:
    with engine.connect() as connection:
        found = connection.scalar(
            select(ExportLog.id).where(ExportLog.type == kind, ExportLog.day == day)
        )
        return found is not None


async def download(url: str, dest: Path, seconds: float) -> bool:
    """Stream `url` to `dest` as it comes (constant memory); False when it is not published."""
    try:
        async with (
            httpx.AsyncClient(timeout=seconds, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code in MISSING:
                return False
            if response.status_code != 200:
                raise RetryableError(f"GET {url}: HTTP {response.status_code}")
            with dest.open("wb") as out:
                async for chunk in response.aiter_raw():
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise ExportUnreadable(f"GET {url}: {type(exc).__name__}: {exc}") from None
    return True


async def refresh_export(ctx: SyncContext, kind: Kind) -> None:
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
            if not await download(url, path, ctx.settings.http_timeout):
                continue
            result = await ctx.write(
                apply_export,
                engine,
                kind,
                day,
                path,
                include_adult=ctx.settings.include_adult,
                now=now,
            )
        ctx.progress.message(
            f"{kind}: export {name}: {result.lines} ids, {result.queued} queued, "
            f"{result.deleted} marked deleted, {result.returned} back"
        )
        return
    ctx.progress.message(f"{kind}: no export file published for {', '.join(map(str, days))}")


async def run_exports_step(ctx: SyncContext, kind: Kind) -> bool:
    """The exports source's step: apply the day's file once a run, then fetch a batch of the
    queue; False when nothing is queued. A file that cannot be read changes nothing, is
    reported, and the queue goes on."""
    if kind not in ctx.exports_checked:
        ctx.exports_checked.add(kind)
        try:
            await refresh_export(ctx, kind)
        except ExportUnreadable as exc:
            ctx.progress.message(f"{kind}: {exc}; nothing applied")
    return await drain_titles(ctx, kind)
