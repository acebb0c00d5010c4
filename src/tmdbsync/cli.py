"""The `tmdbsync` command: parse, build settings and engine, call the sync, map errors to exits."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from tmdbsync.cli_options import DatabaseOption, EnvFileOption, cli_settings, option_overrides
from tmdbsync.config_report import describe
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.errors import TmdbsyncError
from tmdbsync.http import RedactingFilter
from tmdbsync.settings import Settings, YearMonth
from tmdbsync.status import collect_status
from tmdbsync.status_view import render_status
from tmdbsync.sync.bundle import Kind
from tmdbsync.sync.orchestrator import sync_contents
from tmdbsync.sync.progress import RichProgress, render_summary

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
    handler.addFilter(RedactingFilter(settings.secrets() if settings else []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(exc: BaseException) -> typer.Exit:
    # One line whatever the terminal width (soft_wrap), and the message verbatim (escaped): it
    # may quote a provider's text with brackets in it.
    console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2 if isinstance(exc, TmdbsyncError) else 1)


def _settings(
    database: str | None = None, env_file: Path | None = None, **overrides: object
) -> Settings:
    try:
        return cli_settings(database, env_file, **overrides)
    except TmdbsyncError as exc:
        raise _fail(exc) from None


def run_sync(
    settings: Settings,
    kinds: tuple[Kind, ...],
    max_pages: int | None,
) -> None:
    """Migrate, sync, print the summary; fatal problems become one line and a non-zero exit."""
    try:
        settings.require_tmdb_auth()
        engine = make_engine(settings.database_url)
        upgrade(engine)
        with RichProgress(console, enabled=console.is_terminal) as progress:
            summary = asyncio.run(
                sync_contents(settings, engine, kinds=kinds, max_pages=max_pages, progress=progress)
            )
        render_summary(out, summary, kinds)
    except TmdbsyncError as exc:
        raise _fail(exc) from None


@app.command()
def sync(
    movies: Annotated[bool, typer.Option("--movies/--no-movies", help="Sync movies.")] = True,
    tv: Annotated[bool, typer.Option("--tv/--no-tv", help="Sync TV shows.")] = True,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="Stop after N discover pages in total.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request.")] = False,
) -> None:
    """Sync movies and TV, month by month, until today's quotas are spent or all is done."""
    settings = _settings()
    _setup_logging(settings, verbose)
    kinds = tuple(k for k, on in (("movie", movies), ("tv", tv)) if on)
    if not kinds:
        raise _fail(ValueError("nothing to do: both --no-movies and --no-tv given"))
    run_sync(settings, kinds, max_pages)  # type: ignore[arg-type]


@app.command()
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
    """How far along, when done, whether a sync runs, the last run, what failed, today's quota."""
    settings = _settings(database, env_file)
    _setup_logging(settings, False)
    try:
        engine = make_engine(settings.database_url)
        upgrade(engine)
        report = collect_status(settings, engine, months=months, since=since)
    except TmdbsyncError as exc:
        raise _fail(exc) from None
    if as_json:
        # plain json.dumps: Rich's print_json took 1.3 s and 210 MB on 3,000 months
        typer.echo(json.dumps(report))
    else:
        render_status(out, report, months=months or since is not None)


@app.command()
def config(database: DatabaseOption = None, env_file: EnvFileOption = None) -> None:
    """The effective settings and where each came from; secrets are hidden."""
    settings = _settings(database, env_file)
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
def demo(
    pages: Annotated[int, typer.Option("--pages", min=1, help="Discover pages to sync.")] = 6,
    database: Annotated[Path, typer.Option("--database", help="SQLite file to fill.")] = Path(
        DEMO_DB
    ),
    env_file: EnvFileOption = None,
) -> None:
    """Sync a few pages from the bundled fake TMDb, OMDb and Trakt into ./tmdbsync-demo.db."""
    from tmdbsync.fakeapi import FakeApi

    _setup_logging(None, False)
    for stale in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        stale.unlink(missing_ok=True)  # each demo starts from an empty database
    with FakeApi(seed=42) as fake:
        console.print(f"fake TMDb {fake.tmdb_url}, OMDb {fake.omdb_url}, Trakt {fake.trakt_url}")
        settings = _settings(
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
def fake_api(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0 = any free port).")] = 8750,
    seed: Annotated[int, typer.Option(help="Catalogue seed.")] = 42,
) -> None:
    """Serve the bundled fake TMDb under /3/ and fake OMDb under /omdb/ until stopped."""
    from tmdbsync.fakeapi import serve

    serve(host=host, port=port, seed=seed)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None, env_file: EnvFileOption = None) -> None:
    """Apply the database migrations (to --database, else TMDBSYNC_DATABASE_URL)."""
    settings = _settings(database, env_file)
    try:
        upgrade(make_engine(settings.database_url))
    except TmdbsyncError as exc:
        raise _fail(exc) from None
    out.print(f"database {settings.safe_database_url} is up to date")


def main() -> None:
    app()
