"""Auditing completed months: TMDb keeps adding titles to old months (back-catalogue imports,
corrected dates), which neither the daily re-scan of recent months nor the change feed (titles we
already hold) would ever reach.

Once a kind has nothing else to do, page 1 of the completed month checked longest ago is listed
again, one request per date window of the month (a month split over 500 pages is probed window
by window). A window whose `total_results` differs from the one it completed with is reopened, and
the normal paging lists it again from page 1: stored titles are skipped, so that costs its
discover pages plus the new titles. Otherwise the month is stamped `audited_at` and is not probed
again for TMDBSYNC_AUDIT_DAYS. Totals are all a probe sees: as many titles added as removed
between two audits go unnoticed.
"""

from __future__ import annotations

from datetime import timedelta

from tmdbsync.kinds import Kind
from tmdbsync.sync.batch import list_page
from tmdbsync.sync.context import SyncContext
from tmdbsync.sync.log_audit import due_for_audit, record_audit


async def run_audit(ctx: SyncContext, kind: Kind) -> bool:
    """Probe the completed month of `kind` due for an audit; False when none is or audits are off.

    Raises QuotaExhausted, like a discover page, when the bucket is spent: the month stays due.
    """
    days = ctx.settings.audit_days
    if not days:
        return False
    rows = await ctx.write(due_for_audit, ctx.log, kind, timedelta(days=days))
    if not rows:
        return False
    tally = ctx.summary.of(kind)
    totals: list[int] = []
    for row in rows:
        listing = await list_page(ctx, kind, row, 1)
        tally.probes += 1
        totals.append(listing.total_results or 0)
    reopened = await ctx.write(record_audit, ctx.log, rows, totals)
    if reopened:
        tally.reopened += 1
        was = sum(row.total_results or 0 for row in rows)
        windows = ", ".join(row.label for row in reopened)
        ctx.progress.message(
            f"{kind} {rows[0].month}: audit lists {sum(totals)} titles, {was} when completed: "
            f"re-scanning {windows}"
        )
    return True
