"""Overlapping turns: the next kind's page is listed while this one's titles are still fetched.

Movies and TV alternate page by page. Run strictly one after the other, every page ends with the
rate limit idle: its last titles are waiting for the database, then the next page is listed and
checked against what is stored, each a round trip with nothing else in flight (at 40 requests a
second against 150 ms answers, a quarter of the limit went unused). So a turn may start as soon
as the turn before it, of the other kind, has its titles under way (`under_way`), and the two
share the rate limit and the connections. The order stays what it was: turns start in
alternation, a kind's turn starts only once its previous one has finished (it reads the log row
that one advances), and a page advances its log only once the turn before it has finished
(`in_order`), so the log, the progress and `--max-pages` see the same sequence as before.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

_current: ContextVar[Turn | None] = ContextVar("turn", default=None)


class Turn:
    """One kind's step; `previous` is the turn started before it (the other kind's)."""

    def __init__(self, previous: Turn | None) -> None:
        self.previous = previous
        self.started_titles = asyncio.Event()
        self.finished = asyncio.Event()
        self.page = False
        """Whether it counts against `--max-pages`: known once it is under way or finished."""
        self.failed = False
        """It ended with what ends the run (a fatal error, a bug)."""

    def enter(self) -> None:
        """Make this the current task's turn (call first thing in the turn's own task)."""
        _current.set(self)

    def finish(self, *, page: bool, failed: bool) -> None:
        """The turn is over (whatever it raised): the next turns may start and advance."""
        self.page = self.page or page
        self.failed = failed
        self.previous = None  # no chain of finished turns kept alive
        self.started_titles.set()
        self.finished.set()


def under_way() -> None:
    """The current turn's titles are being fetched: the next turn may start its listing."""
    turn = _current.get()
    if turn is not None and not turn.started_titles.is_set():
        turn.page = True
        turn.started_titles.set()


async def in_order() -> None:
    """Wait until the turn started before the current one has finished (before a page
    advances its log, so pages complete in the order they started).

    If that turn ended the run (a revoked key, a bug), this one never advances: it waits until
    the orchestrator, raising that turn's error, cancels it, as if it had not started.
    """
    turn = _current.get()
    previous = turn.previous if turn is not None else None
    if previous is not None:
        await previous.finished.wait()
        if previous.failed:
            await asyncio.Event().wait()
