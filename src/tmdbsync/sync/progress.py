"""Rich rendering of a running sync (a live bar on a terminal) and of its final summary."""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar
from rich.table import Table

from tmdbsync.kinds import Kind
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.lock import waiting_line
from tmdbsync.sync.windows import LogRow


class RichProgress(Progress):
    """A bar per kind showing the current month, page and titles; plain lines off a terminal."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.console = console
        self.bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self.tasks: dict[Kind, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.stop()

    def _task(self, kind: Kind) -> TaskID:
        """The kind's bar, made on first use: a run may fetch titles before any discover page
        (a change-feed page, a retry of skipped titles)."""
        if kind not in self.tasks:
            self.tasks[kind] = self.bar.add_task(kind, total=None)
        return self.tasks[kind]

    def page_started(self, kind: Kind, row: LogRow, page: int, requests_left: int | None) -> None:
        left = "unlimited" if requests_left is None else str(requests_left)
        label = f"{kind:5} {row.label} page {page}/{row.total_pages or '?'} ({left} requests left)"
        self.bar.update(self._task(kind), description=label, completed=0, total=None)

    def titles_found(self, kind: Kind, count: int) -> None:
        self.bar.update(self._task(kind), total=count, completed=0)

    def title_done(self, kind: Kind) -> None:
        self.bar.advance(self._task(kind))

    def message(self, text: str) -> None:
        self.bar.console.print(text, highlight=False)

    def kind_stopped(self, kind: Kind, reason: str, *, quota: bool) -> None:
        self.message(f"{kind}: {reason}")

    def sleeping(self, until: datetime, why: str) -> None:
        self.message(f"sleeping until {until:%Y-%m-%d %H:%M} UTC: {why}")

    def lock_held(self, holder: str | None) -> None:
        self.message(waiting_line(holder))


SUMMARY_ROWS = {
    "pages": "discover pages",
    "titles": "titles stored",
    "skipped": "titles skipped",
    "dead_lettered": "dead-lettered",
    "refreshed": "queued by changes",
    "probes": "audit probes",
    "reopened": "months reopened",
    "retried": "skipped retried",
    "people": "people",
    "omdb": "OMDb ratings",
    "trakt": "Trakt stats",
}


def render_summary(console: Console, summary: Summary) -> None:
    """A counter per line, a column per kind, then one line per stop: fits 80 columns."""
    table = Table(title="Sync summary", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("")
    for kind in summary.kinds:
        table.add_column(kind, justify="right")
    for name, label in SUMMARY_ROWS.items():
        table.add_row(label, *(str(getattr(summary.of(kind), name)) for kind in summary.kinds))
    console.print(table)
    for kind in summary.kinds:
        stopped = summary.of(kind).stopped or "did not get its turn"
        console.print(f"{kind} stopped: {stopped}", highlight=False, soft_wrap=True)
    stops = [summary.of(kind).stopped for kind in summary.kinds]
    if not any(stop and stop in summary.stop_reason for stop in stops):
        console.print(summary.stop_reason, highlight=False, soft_wrap=True)  # a signal, an error
    requests = ", ".join(
        f"{provider} {sum(buckets.values())}"
        for provider, buckets in summary.requests.items()
        if sum(buckets.values())
    )
    console.print(f"exit {summary.exit_code}; requests: {requests or 'none'}", highlight=False)
