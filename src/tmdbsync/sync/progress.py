"""Rich rendering of a running sync (a live bar on a terminal) and of its final summary."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar
from rich.table import Table

from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.log import LogRow


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

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
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


SUMMARY_COLUMNS = {
    "pages": "pages",
    "titles": "titles",
    "refreshed": "refreshed",
    "probes": "audit probes",
    "reopened": "reopened",
    "retried": "retried",
    "skipped": "skipped",
    "people": "people",
    "omdb": "OMDb",
    "trakt": "Trakt",
}


def render_summary(console: Console, summary: Summary, kinds: tuple[Kind, ...]) -> None:
    table = Table(title="Sync summary", title_justify="left")
    for column in ("type", *SUMMARY_COLUMNS.values(), "stopped because"):
        table.add_column(column)
    for kind in kinds:
        tally = summary.of(kind)
        counts = [str(getattr(tally, field)) for field in SUMMARY_COLUMNS]
        table.add_row(kind, *counts, tally.stopped)
    console.print(table)
