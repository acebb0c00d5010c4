"""Every failure a person can act on becomes one line on stderr and an exit code (CONTRACT.md).

Commands are wrapped with `one_line`: a configuration, database or system error (read-only
file, full disk, lost connection, busy database, port in use, a directory for a file) prints
what happened and what to do, never a traceback and never SQL or its parameters; `-v` adds the
traceback. Anything else is a bug: one line too (CONTRACT.md: without -v every failure is one
line), exit 1, naming the exception and asking for `-v`. Every line and traceback goes through
the key redaction: an exception's text may quote a request URL. Nothing is lost by stopping
here: each title and page commits on its own, so the next run resumes.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from tmdbsync.exits import describe, exit_code
from tmdbsync.redaction import redact

P = ParamSpec("P")
R = TypeVar("R")

console = Console(stderr=True)
_verbose = [False]
_secrets: list[str] = []


def set_verbose(verbose: bool, secrets: Iterable[str] = ()) -> None:
    """Whether failures print their traceback too (`-v`), and the keys to keep out of what they
    print, for the rest of the command."""
    _verbose[0] = verbose
    _secrets[:] = [secret for secret in secrets if secret]


def fail(exc: BaseException, verbose: bool | None = None) -> typer.Exit:
    """Print `exc` as one line (its traceback first with -v); the Exit to raise."""
    if _verbose[0] if verbose is None else verbose:
        trace = "".join(traceback.format_exception(exc))
        console.print(escape(redact(trace, _secrets)), highlight=False)
    # One line whatever the terminal width (soft_wrap), and the message verbatim (escaped): it
    # may quote a provider's text with brackets in it.
    message = describe(exc) or (
        f"unexpected {type(exc).__name__}: {exc} (a bug in tmdbsync: run again with -v for the "
        "traceback, and report it)"
    )
    line = escape(" ".join(redact(message, _secrets).split()))
    console.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
    return typer.Exit(code=exit_code(exc))


def one_line(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; any failure ends it with one line and its exit code."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):  # Typer's own ends (usage errors are not `describe`d)
            raise
        except KeyboardInterrupt as exc:  # before a sync catches signals (its migration)
            raise fail(exc, bool(kwargs.get("verbose")) or None) from None
        except Exception as exc:
            raise fail(exc, bool(kwargs.get("verbose")) or None) from None

    return run
