"""How a command ended, in one place: CONTRACT.md's exit code for every outcome, and its line.

A run's row (`sync_run.exit_code`), `sync --json` and the process's exit status all ask
`exit_code`, so they cannot disagree. A failure a person can act on (configuration, a database
that cannot be opened or written, a full disk) is described in one line by `describe`; anything
else is a bug: exit 1, also in one line (`-v` adds the traceback).
"""

from __future__ import annotations

import asyncio
import errno
import signal
import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import SQLAlchemyError

from tmdbsync.db.engine import database_problem
from tmdbsync.errors import AlreadyRunning, RetryableError, TmdbsyncError

OK = 0  # progress made, or nothing left to do (a spent quota is a normal stop)
BUG = 1
ERROR = 2  # configuration, credentials, usage, a database that cannot be opened or written
UPSTREAM = 3  # no progress because an upstream API kept failing
LOCKED = 4  # another sync holds the database's run lock
INTERRUPTED = 130  # SIGINT (Ctrl-C)
TERMINATED = 143  # SIGTERM, SIGHUP
STOPS = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: TERMINATED, signal.SIGHUP: TERMINATED}
"""The signals that stop a sync cleanly, and the code each ends it with."""

RESUME = "what was stored is kept; the next run resumes"
_OS_HINTS = {
    errno.EADDRINUSE: "the address is in use: choose another --port, or stop what listens there",
    errno.ENOSPC: "the disk is full: free some space",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied: check the file's and its directory's owner and mode",
    errno.EPERM: "permission denied: check the file's and its directory's owner and mode",
    errno.EISDIR: "this is a directory; give a file name",
    errno.ENOENT: "no such file or directory",
    errno.ENOTDIR: "a part of the path is not a directory",
}

Outcome = BaseException | signal.Signals | None
"""How a run ended: an exception, a stopping signal, or None for a normal end."""


def exit_code(outcome: Outcome, *, upstream_down: bool = False, forever: bool = False) -> int:
    """CONTRACT.md's exit code for `outcome`.

    A normal end is 0, or 3 when `upstream_down` (an upstream kept failing and nothing
    progressed). A signal is 130 / 143, except that `sync --forever` ends 0 on SIGTERM or SIGHUP
    (a service manager's normal stop).
    """
    if outcome is None:
        return UPSTREAM if upstream_down else OK
    if isinstance(outcome, signal.Signals):
        code = STOPS.get(outcome, TERMINATED)
        return OK if forever and code == TERMINATED else code
    if isinstance(outcome, AlreadyRunning):
        return LOCKED
    if isinstance(outcome, KeyboardInterrupt | asyncio.CancelledError):
        return INTERRUPTED
    if isinstance(outcome, RetryableError):
        return UPSTREAM
    return ERROR if describe(outcome) is not None else BUG


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _from_psycopg(exc: BaseException) -> bool:
    """A psycopg error met outside SQLAlchemy (psycopg is imported only with PostgreSQL)."""
    return type(exc).__module__.split(".")[0] == "psycopg"


def describe(exc: BaseException) -> str | None:
    """One line for an error a person can fix, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C before a sync catches it (its migration)
        return f"stopped by SIGINT (Ctrl-C); {RESUME}"
    for each in _chain(exc):
        if isinstance(each, TmdbsyncError):
            return str(each)
        if isinstance(each, SQLAlchemyError | sqlite3.Error) or _from_psycopg(each):
            return f"database error: {database_problem(each)}; {RESUME}"
        if isinstance(each, OSError) and each.errno in _OS_HINTS:
            where = f" ({each.filename})" if each.filename else ""
            return f"{_OS_HINTS[each.errno]}{where}"
    return None
