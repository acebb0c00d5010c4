"""What one sync run carries around: settings, clients, store, log, and its single writer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from tmdbsync.errors import QuotaExhausted
from tmdbsync.kinds import Kind
from tmdbsync.omdb import OmdbClient
from tmdbsync.quota import QuotaLedger
from tmdbsync.settings import Settings
from tmdbsync.store import Store
from tmdbsync.sync.deadletter import Health
from tmdbsync.sync.log import SyncLog
from tmdbsync.sync.windows import LogRow
from tmdbsync.sync.writer import TitleWriter
from tmdbsync.tmdb import TmdbClient
from tmdbsync.trakt import TraktClient

if TYPE_CHECKING:  # sync/changes.py reads the context: a type here, not an import cycle
    from tmdbsync.sync.changes import ChangeLog

P = ParamSpec("P")
R = TypeVar("R")


class Progress:
    """Hooks a front end may override to show a run as it goes; the defaults do nothing."""

    def page_started(self, kind: Kind, row: LogRow, page: int, requests_left: int | None) -> None:
        """A discover page is about to be fetched."""

    def titles_found(self, kind: Kind, count: int) -> None:
        """A page listed `count` titles still to fetch."""

    def title_done(self, kind: Kind) -> None:
        """One title was stored or recorded as unusable."""

    def title_skipped(self, kind: Kind, tmdb_id: int, code: str) -> None:
        """A title could not be stored and waits for its retry; `code` says why
        (sync/deadletter.py's reason codes)."""

    def page_done(self, kind: Kind, row: LogRow, page: int) -> None:
        """The log advanced past `page`."""

    def message(self, text: str) -> None:
        """Something worth a line of its own (a month split or restarted, a step's result)."""

    def step_done(self, kind: Kind, step: str) -> None:
        """A step other than a discover page finished (a change-feed page, an audit, a retry)."""

    def run_started(self, summary: Summary) -> None:
        """The run holds the lock and has its `sync_run` row; `summary` fills as it goes."""

    def kind_stopped(self, kind: Kind, reason: str, *, quota: bool) -> None:
        """A kind's turn ended for this run; `quota` when a daily quota or a pause ended it."""

    def run_finished(self, summary: Summary) -> None:
        """The run's outcome is settled (exit code, stop reason, requests)."""

    def sleeping(self, until: datetime, why: str) -> None:
        """`sync --forever` waits until `until` for more work."""

    def lock_held(self, holder: str | None) -> None:
        """`sync --forever` found the run lock held by `holder` (`host:pid[:start]`, None when
        unknown) and waits for it; called once per wait, not per try."""


@dataclass
class KindTally:
    pages: int = 0
    titles: int = 0
    skipped: int = 0
    people: int = 0
    omdb: int = 0
    trakt: int = 0
    refreshed: int = 0
    probes: int = 0  # audit requests: page 1 of a completed month's window (sync/audit.py)
    reopened: int = 0  # completed months an audit found changed and reopened
    retried: int = 0  # skipped titles taken up again (sync/retry.py)
    dead_lettered: int = 0  # people, OMDb and Trakt items recorded in dead_letter (titles: skipped)
    stopped: str = ""
    failing: bool = False  # stopped because an upstream kept failing (an outage, not a quota)

    def progressed(self) -> bool:
        """Whether anything was stored or advanced: what tells an outage from a slow day."""
        counts = (self.pages, self.titles, self.refreshed, self.reopened, self.people)
        return any(counts) or bool(self.omdb or self.trakt)


@dataclass
class Summary:
    """What one run did, per kind, and how it ended (filled in by the orchestrator)."""

    movie: KindTally = field(default_factory=KindTally)
    tv: KindTally = field(default_factory=KindTally)
    kinds: tuple[Kind, ...] = ("movie", "tv")
    mode: str = "once"
    run_id: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int = 0
    stop_reason: str = ""
    requests: dict[str, dict[str, int]] = field(default_factory=dict)
    """Requests this run counted, per provider and bucket."""
    pauses: dict[str, datetime] = field(default_factory=dict)
    """When the work a provider's long Retry-After stopped may go on, by what it stopped (a kind,
    or `omdb`, `trakt`): `sync --forever` wakes then rather than at the quota reset."""

    def paused(self, scope: str, stop: BaseException, now: datetime) -> None:
        """Note when `scope` may go on again, if `stop` is a pause that said (a Retry-After)."""
        if isinstance(stop, QuotaExhausted) and stop.retry_after is not None:
            self.pauses[scope] = now + timedelta(seconds=stop.retry_after)

    def of(self, kind: Kind) -> KindTally:
        return self.movie if kind == "movie" else self.tv

    @property
    def titles_stored(self) -> int:
        return sum(self.of(kind).titles for kind in self.kinds)

    @property
    def titles_skipped(self) -> int:
        return sum(self.of(kind).skipped for kind in self.kinds)

    @property
    def requests_total(self) -> int:
        return sum(sum(buckets.values()) for buckets in self.requests.values())


@dataclass
class SyncContext:
    """Everything a step needs: a step is `async def run_x(ctx, kind) -> bool` and nothing more."""

    settings: Settings
    store: Store
    log: SyncLog
    changes: ChangeLog
    tmdb: TmdbClient
    omdb: OmdbClient | None
    trakt: TraktClient | None
    ledgers: dict[str, QuotaLedger]
    """Today's quota ledger per provider (tmdb, omdb, trakt)."""
    progress: Progress = field(default_factory=Progress)
    summary: Summary = field(default_factory=Summary)
    paused: dict[str, str] = field(default_factory=dict)
    health: Health = field(default_factory=Health)  # tells an item's failure from an outage
    writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer")
    )
    background: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    people_drain: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while the people queue is drained: two drains would take the same people."""
    exports_checked: set[str] = field(default_factory=set)  # kinds whose export file was seen

    @property
    def tmdb_ledger(self) -> QuotaLedger:
        return self.ledgers["tmdb"]

    def in_background(self, name: str, start: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `start()` as the one task called `name`, unless that one is still running.

        For queues on another provider (OMDb) that need not hold up the TMDb pages: one task per
        name at a time, so two never take the same queue rows. What a finished task raised is
        raised here, at the caller's next turn.
        """
        task = self.background.get(name)
        if task is not None and not task.done():
            return
        self.background.pop(name, None)
        if task is not None:
            task.result()
        self.background[name] = asyncio.create_task(start(), name=name)

    async def settle(self, name: str | None = None) -> None:
        """Wait for the background task `name` (or every one); raise what it raised."""
        names = list(self.background) if name is None else [name]
        for each in names:
            task = self.background.pop(each, None)
            if task is not None:
                await task

    async def cancel_background(self) -> None:
        for task in self.background.values():
            task.cancel()
        for task in self.background.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.background.clear()

    @cached_property
    def titles(self) -> TitleWriter:
        """The group-committing writer of fetched titles."""
        return TitleWriter(self.store, self.write)

    async def write(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run database work on the one writer thread, keeping the event loop free for I/O."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer, lambda: fn(*args, **kwargs))
