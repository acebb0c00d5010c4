"""The `tmdbsync` command: parse, build settings and engine, call the sync, map errors to exits.

The sync machinery (HTTP clients, steps, progress, asyncio), Alembic and the ORM models are
imported by the commands that use them, so `status`, `config` and `--help` start without them (a
cron job or a monitoring probe calls them; tests/test_status.py checks what `status` imports).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tmdbsync.cli_options import DatabaseOption, EnvFileOption, cli_settings, option_overrides
from tmdbsync.db.engine import make_engine, schema_problem, upgrade
from tmdbsync.demo_file import claim
from tmdbsync.errors import ConfigError
from tmdbsync.failures import fail, one_line, set_verbose
from tmdbsync.kinds import Kind
from tmdbsync.redaction import RedactingFilter
from tmdbsync.settings import Settings, YearMonth
from tmdbsync.status import collect_status
from tmdbsync.status_view import render_status

if TYPE_CHECKING:
    from tmdbsync.sync.context import Progress
    from tmdbsync.sync.events import LogFormat

app = typer.Typer(
    no_args_is_help=True,
    help="Mirror TMDb movies and TV (with OMDb ratings) into SQLite or PostgreSQL.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(db_app, name="db")
console = Console(stderr=True)
out = Console()

DEMO_DB = "tmdbsync-demo.db"


def _setup_logging(settings: Settings | None, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    secrets = settings.secrets() if settings else []
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    set_verbose(verbose, secrets)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_sync(
    settings: Settings,
    kinds: tuple[Kind, ...],
    max_pages: int | None,
    *,
    as_json: bool = False,
    forever: bool = False,
    log_format: LogFormat = "text",
) -> None:
    """Migrate, sync, print the summary; exit with the run's code (CONTRACT.md, Exit codes).

    A failure (the lock held, a bad key, a lost database; Ctrl-C during the migration) is left
    to the command's `one_line`, which ends it with its line and code (tmdbsync/exits.py).
    """
    import asyncio

    from tmdbsync.sync.progress import render_summary
    from tmdbsync.sync.runs import document
    from tmdbsync.sync.service import run_forever, run_once

    settings.require_tmdb_auth()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with _progress(log_format) as progress:
        if forever:
            summary, code = asyncio.run(
                run_forever(settings, engine, kinds=kinds, max_pages=max_pages, progress=progress)
            )
        else:
            summary = asyncio.run(
                run_once(settings, engine, kinds=kinds, max_pages=max_pages, progress=progress)
            )
            code = summary.exit_code
    if as_json:
        print(json.dumps(document(summary)))
    else:
        render_summary(out, summary)
    if code:
        raise typer.Exit(code=code)


def _progress(log_format: LogFormat) -> contextlib.AbstractContextManager[Progress]:
    """A live bar on a terminal; else a line per event (page, step, stop), as text or JSON."""
    from tmdbsync.sync.events import EventLog, EventProgress
    from tmdbsync.sync.progress import RichProgress

    if log_format == "text" and console.is_terminal:
        return RichProgress(console, enabled=True)
    return contextlib.nullcontext(EventProgress(EventLog(sys.stderr, log_format)))


class LogFormatOption(StrEnum):
    text = "text"
    json = "json"


@app.command()
@one_line
def sync(
    movies: Annotated[bool, typer.Option("--movies/--no-movies", help="Sync movies.")] = True,
    tv: Annotated[bool, typer.Option("--tv/--no-tv", help="Sync TV shows.")] = True,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="Stop after N discover pages in total.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the run's summary as one JSON document.")
    ] = False,
    forever: Annotated[
        bool,
        typer.Option(
            "--forever", help="Sync, sleep until the quota resets, sync again, until stopped."
        ),
    ] = False,
    log_format: Annotated[
        LogFormatOption, typer.Option("--log-format", help="Progress lines as text or JSON lines.")
    ] = LogFormatOption.text,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every request (status, duration).")
    ] = False,
    database: DatabaseOption = None,
    env_file: EnvFileOption = None,
) -> None:
    """Sync movies and TV, month by month, until today's quotas are spent or all is done."""
    settings = cli_settings(database, env_file)
    _setup_logging(settings, verbose)
    if log_format is LogFormatOption.json:
        from tmdbsync.sync.events import JsonLogFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLogFormatter())
    kinds = tuple(k for k, on in (("movie", movies), ("tv", tv)) if on)
    if not kinds:
        raise fail(ConfigError("nothing to do: both --no-movies and --no-tv given"))
    run_sync(
        settings,
        kinds,  # type: ignore[arg-type]
        max_pages,
        as_json=as_json,
        forever=forever,
        log_format=log_format.value,
    )


@app.command()
@one_line
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    months: Annotated[
        bool, typer.Option("--months", help="Also list every month of the sync log.")
    ] = False,
    since: Annotated[
        int | None,
        typer.Option("--since", metavar="YYYY", min=1870, help="List the months from this year."),
    ] = None,
    database: DatabaseOption = None,
    env_file: EnvFileOption = None,
) -> None:
    """How far along, when done, whether a sync runs, the last run, what failed, today's quota.

    Reads only: a database not (or not fully) migrated is named in one line, exit 0, its schema
    left as it is (CONTRACT.md's exit codes say nothing of it; nothing failed).
    """
    settings = cli_settings(database, env_file)
    _setup_logging(settings, False)
    path = settings.database_path
    if path is not None and not path.is_file():
        raise fail(
            ConfigError(
                f"no database at {path}: run `tmdbsync sync` first, or set "
                "TMDBSYNC_DATABASE_URL to the database to read"
            )
        )
    engine = make_engine(settings.database_url)
    behind = schema_problem(engine)
    if behind is not None:
        line = f"database {settings.safe_database_url} {behind}: run `tmdbsync db upgrade`"
        if as_json:
            typer.echo(json.dumps({"database": settings.safe_database_url, "schema": line}))
        else:
            out.print(line, highlight=False, soft_wrap=True)
        return
    report = collect_status(settings, engine, months=months, since=since)
    if as_json:
        # plain json.dumps: Rich's print_json took 1.3 s and 210 MB on 3,000 months
        typer.echo(json.dumps(report))
    else:
        out.print(f"database: {_fit(settings.safe_database_url, 70)}", highlight=False)
        render_status(out, report, months=months or since is not None)


def _fit(text: str, width: int) -> str:
    """`text` in at most `width` characters, its middle elided: status keeps to 80 columns."""
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return f"{text[:half]}…{text[len(text) - (width - 1 - half) :]}"


@app.command()
@one_line
def config(database: DatabaseOption = None, env_file: EnvFileOption = None) -> None:
    """The effective settings and where each came from; secrets are hidden."""
    from tmdbsync.config_report import describe

    settings = cli_settings(database, env_file)
    entries = describe(settings, set(option_overrides(database)), env_file)
    width = max(len(entry.variable) for entry in entries)
    for entry in entries:
        out.print(
            f"{entry.variable:<{width}}  {escape(entry.value)}  [dim]{escape(entry.source)}[/]",
            highlight=False,
            soft_wrap=True,
        )


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"tmdbsync {version('tmdbsync')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options that come before any command: --version and shell completion."""


@app.command()
@one_line
def demo(
    pages: Annotated[int, typer.Option("--pages", min=1, help="Discover pages to sync.")] = 6,
    database: Annotated[Path, typer.Option("--database", help="SQLite file to fill.")] = Path(
        DEMO_DB
    ),
    force: Annotated[
        bool, typer.Option("--force", help="Replace --database even if the demo did not make it.")
    ] = False,
    env_file: EnvFileOption = None,
) -> None:
    """Sync a few pages from the bundled fake TMDb, OMDb and Trakt into ./tmdbsync-demo.db."""
    from tmdbsync.fakeapi import FakeApi

    _setup_logging(None, False)
    claim(database, force=force)  # each demo starts from an empty database, never the user's
    with FakeApi(seed=42) as fake:
        console.print(f"fake TMDb {fake.tmdb_url}, OMDb {fake.omdb_url}, Trakt {fake.trakt_url}")
        settings = cli_settings(
            None,
            env_file,
            database_url=f"sqlite:///{database}",
            tmdb_api_key=fake.tmdb_api_key,
            tmdb_access_token=None,
            omdb_api_key=fake.omdb_api_key,
            tmdb_base_url=fake.tmdb_url,
            omdb_base_url=fake.omdb_url,
            trakt_client_id=fake.trakt_client_id,
            trakt_base_url=fake.trakt_url,
            trakt_daily_quota=0,
            trakt_rate_limit="200/1s",
            start=YearMonth(2024, 1),
            end=YearMonth(2024, 3),
            tmdb_daily_quota=0,
            omdb_daily_quota=0,
            rate_limit="200/1s",
        )
        run_sync(settings, ("movie", "tv"), pages)
        engine = make_engine(settings.database_url)
        render_status(out, collect_status(settings, engine, months=True), months=True)
        console.print(f"\nDemo database: {database.resolve()}  (try: sqlite3 {database} .tables)")


@app.command("fake-api")
@one_line
def fake_api(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0 = any free port).")] = 8750,
    seed: Annotated[int, typer.Option(help="Catalogue seed.")] = 42,
) -> None:
    """Serve the bundled fake TMDb under /3/ and fake OMDb under /omdb/ until stopped."""
    from tmdbsync.fakeapi import serve

    serve(host=host, port=port, seed=seed)


@db_app.command("upgrade")
@one_line
def db_upgrade(database: DatabaseOption = None, env_file: EnvFileOption = None) -> None:
    """Apply the database migrations (to --database, else TMDBSYNC_DATABASE_URL)."""
    settings = cli_settings(database, env_file)
    upgrade(make_engine(settings.database_url))
    out.print(f"database {settings.safe_database_url} is up to date")


def main() -> None:
    app()
