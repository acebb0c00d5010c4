"""How long `tmdbsync status` takes on a database decades into a backfill.

    python bench/status.py [--titles 200000] [--backends sqlite,postgresql] [--runs 5]

Fills a fresh SQLite file and a fresh PostgreSQL schema in bulk with SQL (tmdbsync/db/synthetic.py):
3,000 month rows (1900-01 to 2024-12, both kinds, the last 40 of each done recently), `--titles`
titles and as many people (half fetched). PostgreSQL is ANALYZEd, as autovacuum would, so its
row estimates are there. Then times the report in-process (collecting and rendering at 80
columns, and `--json`), and the real command and `--json` in fresh processes (Python start-up
and imports included: what a cron job or a monitoring probe pays), each the median of `--runs`
in wall and CPU time, with the load average beside them.

Goal: <= 1 s for `tmdbsync status` and `--json` in a fresh process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy import text

from _common import fresh_database, migrated_engine, reachable
from _common import table as fmt_table
from tmdbsync.db.synthetic import fill
from tmdbsync.settings import YearMonth, load_settings
from tmdbsync.status import collect_status
from tmdbsync.status_view import render_status

FIRST, LAST = YearMonth(1900, 1), YearMonth(2024, 12)


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (on a busy machine the first
    grows with the load, the second much less; PostgreSQL's own work is not in it)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def fresh_command(url: str, extra: list[str], runs: int) -> tuple[tuple[float, float], list[str]]:
    """Median wall and CPU time of `tmdbsync status` in a fresh process each run; its lines."""
    env = {"TMDBSYNC_START": str(FIRST), "TMDBSYNC_END": str(LAST), "PATH": ""}
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "tmdbsync", "status", "--database", url, *extra],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).parent,
            check=True,
        )
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    lines = result.stdout.rstrip("\n").split("\n")
    return (statistics.median(wall), statistics.median(cpu)), lines


def ms(seconds: tuple[float, float]) -> str:
    """(wall, CPU) seconds as `N ms (M CPU)`."""
    return f"{seconds[0] * 1000:.0f} ms ({seconds[1] * 1000:.0f} CPU)"


def measure(backend: str, titles: int, runs: int) -> tuple[str, ...]:
    with fresh_database(backend) as url:
        engine = migrated_engine(url)
        now = datetime.now(UTC)
        started = time.perf_counter()
        done = {"movie": LAST, "tv": LAST.previous()}
        fill(engine, FIRST, LAST, done, titles=titles, people=titles, now=now, recent=40)
        if backend == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        build = time.perf_counter() - started
        settings = load_settings(database_url=url, start=FIRST, end=LAST)

        def text_report() -> None:
            render_status(Console(file=io.StringIO(), width=80), collect_status(settings, engine))

        def json_report() -> None:
            json.dumps(collect_status(settings, engine))

        text_report()  # warm the connection pool, as the real command's first query does
        in_process = median_seconds(text_report, runs)
        as_json = median_seconds(json_report, runs)
        command, lines = fresh_command(url, [], runs)
        command_json, _ = fresh_command(url, ["--json"], runs)
        engine.dispose()
    return (
        backend,
        f"{titles:,}",
        f"{build:.1f} s",
        ms(in_process),
        ms(as_json),
        ms(command),
        ms(command_json),
        f"{len(lines)} x {max(len(line) for line in lines)}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--titles", type=int, default=200_000, help="titles and people each")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = [
        (
            "backend",
            "titles",
            "build",
            "status",
            "--json",
            "command",
            "command --json",
            "lines x cols",
        )
    ]
    for backend in reachable(args.backends):
        rows.append(measure(backend, args.titles, args.runs))
    print(
        "tmdbsync status, 3,000 month rows (medians in-process; command = in a fresh process); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(fmt_table(rows))


if __name__ == "__main__":
    main()
