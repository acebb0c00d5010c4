"""Cost growth: the same one-month sync into an empty database and into one holding 1M titles.

    python bench/cost_growth.py [--titles 1000000] [--month 2024-01] [--scale 10]
                                [--backends postgresql]

The fake API runs in its own process, its catalogue `--scale` times the default (a month of
the default one is some 50 titles, too few seconds to compare rates). Each backend gets two
fresh databases: one empty, and one filled in bulk with SQL (tmdbsync/db/synthetic.py) with
`--titles` titles (one in five a show) and as many people, every person fetched and every title
known to OMDb and Trakt, with TMDb ids far above the fake's: every queue and lookup meets a big
table with nothing in it to do.
PostgreSQL is ANALYZEd, as autovacuum would. Then the real `sync_contents` syncs the same month
of movies and TV into each, people policy `principal`, OMDb and Trakt on, the change feed off
(so both runs do the same work), and the rates (titles stored a second) are compared.

Goal: the full database syncs at >= 0.9x the empty one's rate.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from sqlalchemy import text

from _common import (
    FakeProcess,
    bench_settings,
    fresh_database,
    migrated_engine,
    reachable,
    run_sync,
)
from _common import table as fmt_table
from tmdbsync.db.synthetic import fill
from tmdbsync.settings import YearMonth

FIRST_ID = 1_000_000_001  # above every id the fake hands out, below 2**31
TRAKT_KEY = "fake-trakt-key"  # what `tmdbsync fake-api` accepts


def measure(fake: FakeProcess, backend: str, month: YearMonth, titles: int) -> tuple[str, ...]:
    """One sync of `month` into a database holding `titles` synthetic titles (0: empty)."""
    with fresh_database(backend) as url:
        engine = migrated_engine(url)
        build = 0.0
        if titles:
            started = time.perf_counter()
            now = datetime.now(UTC)
            fill(
                engine,
                month,
                month,
                {},
                titles=titles,
                people=titles,
                now=now,
                first_id=FIRST_ID,
                settled=True,
            )
            if backend == "postgresql":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.execute(text("ANALYZE"))
            build = time.perf_counter() - started
        settings = bench_settings(
            fake,
            url,
            start=month,
            end=month,
            people="principal",
            follow_changes=False,
            trakt_client_id=TRAKT_KEY,
            trakt_base_url=f"{fake.url}/trakt",
            trakt_rate_limit="1000000/1s",
        )
        fake.control(
            reset=True
        )  # a cold fake for each run: its answer cache would favour the second
        summary, seconds = run_sync(settings, engine)
        engine.dispose()
    stored = summary.titles_stored
    return (
        backend,
        f"{titles:,}",
        f"{build:.0f}",
        f"{stored:,}",
        f"{summary.requests_total:,}",
        f"{seconds:.1f}",
        f"{stored / seconds:.1f}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--titles", type=int, default=1_000_000)
    parser.add_argument("--month", default="2024-01")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--backends", default="postgresql")
    args = parser.parse_args()
    month = YearMonth.parse(args.month)
    header = ("backend", "held", "build s", "stored", "requests", "sync s", "titles/s")
    rows: list[tuple[str, ...]] = [header]
    with FakeProcess(scale=args.scale) as fake:
        for backend in reachable(args.backends):
            empty = measure(fake, backend, month, 0)
            full = measure(fake, backend, month, args.titles)
            ratio = float(full[-1]) / max(float(empty[-1]), 1e-9)
            rows += [empty, (*full[:-1], f"{full[-1]} ({ratio:.2f}x)")]
    print(fmt_table(rows))


if __name__ == "__main__":
    main()
