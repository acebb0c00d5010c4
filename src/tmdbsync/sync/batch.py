"""One batch = one discover page of one kind: FetchNextMoviesBatch / FetchNextSeriesBatch.

Movies and TV share this routine; they differ only in what `fetch_title` asks for.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from tmdbsync.errors import QuotaExhausted
from tmdbsync.kinds import Kind
from tmdbsync.payloads import DiscoverItem, DiscoverPage, parse
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.deadletter import Failure, IdMismatch, attempt, check_id
from tmdbsync.sync.fetch import fetch_title
from tmdbsync.sync.outcomes import Title, dead_letter, gather
from tmdbsync.sync.paging import TMDB_MAX_PAGE, expected_on_page, pages_needed
from tmdbsync.sync.turns import in_order, under_way
from tmdbsync.sync.windows import LogRow

ASKS = 3  # a page listing fewer titles than its totals promise is asked this often in all


async def run_page(ctx: SyncContext, kind: Kind) -> bool:
    """Sync the next page of `kind`; False when every month up to END is complete.

    Raises QuotaExhausted when the bucket is spent (before or during the page): titles already
    stored stay stored, and the page is finished first thing next time.
    """
    ledger = ctx.tmdb_ledger
    if ledger.remaining(kind) == 0 and kind not in ledger.borrowing:
        raise QuotaExhausted("tmdb", kind)
    row = await ctx.write(ctx.log.open_row, kind)
    if row is None:
        return False
    page = row.next_page
    ctx.progress.page_started(kind, row, page, ledger.remaining(kind))
    listing, shortfall = await list_whole_page(ctx, kind, row, page)
    total_results = listing.total_results or 0
    total_pages = pages_needed(listing.total_pages or 0, total_results)
    if total_pages > TMDB_MAX_PAGE and await ctx.write(
        ctx.log.split, row, total_pages, total_results
    ):
        # Pages past 500 are out of reach: page each half of the window on its own.
        ctx.progress.message(f"{kind} {row.label}: {total_pages} pages, split in two")
        return True
    if (
        row.total_results is not None
        and row.last_completed_page > 0
        and total_results != row.total_results
    ):
        note = (
            f"{row.label} results changed {row.total_results}->{total_results} "
            f"at page {page}: re-scanning from page 1"
        )
        if await ctx.write(ctx.log.restart, row, total_pages, total_results, note):
            ctx.progress.message(f"{kind} {note}")
            return True
        # Re-scanned often enough: go on, the finished scan is listed once more to verify.

    items = {item.id: item for item in listing.results}
    done = await ctx.write(ctx.store.titles.done_ids, kind, list(items))
    todo = [item for item in items.values() if item.id not in done]
    ctx.progress.titles_found(kind, len(todo))
    notes = await fetch_and_store(ctx, kind, todo)
    if total_pages > TMDB_MAX_PAGE and page == TMDB_MAX_PAGE:
        notes.append(f"{total_pages} pages listed on {row.label}; TMDb serves {TMDB_MAX_PAGE}")
    if shortfall:
        expected = expected_on_page(page, total_results)
        notes.append(f"listed {expected - shortfall} of {expected} titles, asked {ASKS} times")
    summary = f"page {page}: " + ", ".join(notes) if notes else None
    await in_order()  # pages advance in the order they started, whatever overlapped
    if await ctx.write(
        ctx.log.advance,
        row,
        page,
        total_pages,
        total_results,
        summary,
        new_titles=len(todo),
        shortfall=shortfall,
    ):
        ctx.summary.of(kind).pages += 1
        ctx.progress.page_done(kind, row, page)
    return True


async def list_page(ctx: SyncContext, kind: Kind, row: LogRow, page: int) -> DiscoverPage:
    """Discover page `page` of the row's window, with the seed design's query."""
    listing, _ = await _listed(ctx, kind, row, page)
    return listing


async def list_whole_page(
    ctx: SyncContext, kind: Kind, row: LogRow, page: int
) -> tuple[DiscoverPage, int]:
    """Page `page`, asked up to ASKS times while it lists fewer titles than its totals promise
    (`results` empty, null or short); returns the last answer and how many titles it lacks."""
    for _ in range(ASKS):
        listing, listed = await _listed(ctx, kind, row, page)
        shortfall = expected_on_page(page, listing.total_results or 0) - listed
        if shortfall <= 0:
            return listing, 0
    return listing, shortfall


async def _listed(ctx: SyncContext, kind: Kind, row: LogRow, page: int) -> tuple[DiscoverPage, int]:
    """The page and how many entries its `results` held (malformed ones included: the listing
    accounts for them, storing them is another matter)."""
    gte, lte = row.window
    raw = await ctx.tmdb.discover(kind, gte, lte, page, bucket=kind)
    listing: DiscoverPage = parse(DiscoverPage, raw, f"discover/{kind} {row.label} page {page}")
    results = raw.get("results")
    return listing, len(results) if isinstance(results, list) else 0


async def fetch_and_store(ctx: SyncContext, kind: Kind, items: list[DiscoverItem]) -> list[str]:
    """Fetch and store `items` concurrently; returns a note per title recorded as skipped.

    Every title is given its chance before a quota failure or an outage is raised, so the titles
    that made it are stored; the caller then does not advance its log. From here on the next
    turn may start (sync/turns.py): this one sends nothing but title requests any more.
    """
    under_way()
    outcomes = await gather(_title(ctx, kind, item) for item in items)
    if outcomes.stop is not None:
        raise outcomes.stop
    return [note for note in outcomes.done if note is not None]


async def _title(ctx: SyncContext, kind: Kind, item: DiscoverItem) -> str | None:
    """Fetch and store one title; returns None, or a note on why it was recorded as skipped.

    A title that keeps failing is recorded in `skipped_title` and retried later (sync/retry.py),
    unless TMDb as a whole is failing: then RetryableError stops the kind (sync/deadletter.py).
    """

    async def fetch() -> tuple[dict[str, Any], dict[tuple[int, int], Any] | None]:
        raw, episode_credits = await fetch_title(
            ctx.tmdb,
            kind,
            item.id,
            item.original_language,
            episode_credits=ctx.settings.episode_credits == "episode",
        )
        return raw, episode_credits

    fetched = await attempt(ctx.health, "tmdb", fetch, partial(tmdb_probe, ctx, kind))
    if not isinstance(fetched, Failure):
        raw, episode_credits = fetched
        try:
            check_id(raw, item.id, f"{kind} {item.id}")
        except IdMismatch as exc:
            fetched = Failure.of(exc)
    title = Title(kind, item.id, item.original_language)
    failed: Failure | None = None
    if isinstance(fetched, Failure):
        failed = fetched
    else:  # the writer's failures are recorded with the language the details gave
        failed = await ctx.titles.save(kind, raw, episode_credits)
        language = raw.get("original_language")
        title = Title(kind, item.id, language if isinstance(language, str) else None)
    note = None
    if failed is None:
        ctx.summary.of(kind).titles += 1
    else:
        note = f"{item.id}: {await dead_letter(ctx, kind, title, failed)}"
    ctx.progress.title_done(kind)
    return note


async def tmdb_probe(ctx: SyncContext, kind: Kind) -> None:
    """One cheap TMDb request (the genre list) that tells a failing item from a TMDb outage."""
    await ctx.tmdb.genres(kind, bucket=kind)
