"""Re-sync of unchanged titles: child rows written by a second store of the same bundles.

    python bench/resync.py [--titles 1000] [--backends sqlite,postgresql]

Fetches `--titles` movie bundles from the bundled fake (its own process), stores them into a
fresh database, then stores the very same bundles again, as a change-feed refresh of titles that
did not change would. It counts the child rows (cast, crew, images, videos, genres, keywords)
each store wrote, by the rows' ids: the first store writes them all, which is what every re-fetch
cost before checksums (delete and rewrite); the second should write none (goal: 0).
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import Engine, text

from _common import FakeProcess, fresh_database, migrated_engine, reachable
from _common import table as fmt_table
from ingest import prefetch_movies
from tmdbsync.store import Store

CHILDREN = (
    "content_cast",
    "content_crew",
    "content_image",
    "content_video",
    "content_genre",
    "content_keyword",
)


def high_ids(engine: Engine) -> int:
    """The sum of every child table's highest id: it moves with any row written."""
    with engine.connect() as connection:
        return sum(
            connection.scalar(text(f"select coalesce(max(id), 0) from {table}")) or 0
            for table in CHILDREN
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--titles", type=int, default=1_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with FakeProcess() as fake:
        bundles = prefetch_movies(fake, args.titles)
    rows = [("backend", "titles", "rows 1st store", "rows 2nd store", "2nd store s")]
    for backend in reachable(args.backends):
        with fresh_database(backend) as url:
            engine = migrated_engine(url)
            store = Store(engine)
            for start in range(0, len(bundles), 20):
                store.titles.save_batch(bundles[start : start + 20])
            first = high_ids(engine)
            started = time.perf_counter()
            for start in range(0, len(bundles), 20):
                store.titles.save_batch(bundles[start : start + 20])
            seconds = time.perf_counter() - started
            second = high_ids(engine) - first
            engine.dispose()
        rows.append((backend, f"{len(bundles):,}", f"{first:,}", f"{second:,}", f"{seconds:.1f}"))
    print(fmt_table(rows))


if __name__ == "__main__":
    main()
