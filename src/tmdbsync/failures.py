"""Every failure a person can act on becomes one line on stderr and an exit code (CONTRACT.md).

Commands are wrapped with `one_line`: a configuration, database or system error (read-only
file, full disk, lost connection, busy database, port in use, a directory for a file) prints
what happened and what to do, never a traceback and never SQL or its parameters; `-v` adds the
traceback. Anything else is a bug and keeps its traceback. Nothing is lost by stopping here:
each title and page commits on its own, so the next run resumes.
"""

from __future__ import annotations

import errno
import functools
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from tmdbsync.db.engine import database_problem
from tmdbsync.errors import TmdbsyncError

P = ParamSpec("P")
R = TypeVar("R")
USAGE = 2  # configuration, credentials, usage, a database that cannot be opened or written
_RESUME = "what was stored is kept; the next run resumes"
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

console = Console(stderr=True)
_verbose = [False]


def set_verbose(verbose: bool) -> None:
    """Whether failures print their traceback too (`-v`), for the rest of the command."""
    _verbose[0] = verbose


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
    for each in _chain(exc):
        if isinstance(each, TmdbsyncError):
            return str(each)
        if isinstance(each, SQLAlchemyError | sqlite3.Error) or _from_psycopg(each):
            return f"database error: {database_problem(each)}; {_RESUME}"
        if isinstance(each, OSError) and each.errno in _OS_HINTS:
            where = f" ({each.filename})" if each.filename else ""
            return f"{_OS_HINTS[each.errno]}{where}"
    return None


def exit_code(exc: BaseException) -> int:
    """CONTRACT.md's exit code for a failure `describe` knows."""
    return USAGE


def fail(exc: BaseException, verbose: bool | None = None) -> typer.Exit:
    """Print `exc` as one line (its traceback first with -v); the Exit to raise."""
    if _verbose[0] if verbose is None else verbose:
        console.print(escape("".join(traceback.format_exception(exc))), highlight=False)
    # One line whatever the terminal width (soft_wrap), and the message verbatim (escaped): it
    # may quote a provider's text with brackets in it.
    message = describe(exc) or f"{type(exc).__name__}: {exc}"
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=exit_code(exc))


def one_line(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; a failure `describe` knows ends it with one line and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):  # Typer's own ends (usage errors are not `describe`d)
            raise
        except Exception as exc:
            if describe(exc) is None:
                raise
            raise fail(exc, bool(kwargs.get("verbose")) or None) from None

    return run
