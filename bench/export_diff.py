"""Export diff: apply a daily ID export file to a database that already holds most of its ids.

    python bench/export_diff.py [--lines 1000000] [--held 900000] [--backends sqlite,postgresql]

Writes a gzip export of `--lines` movie ids (TMDb's line format), fills `content` in bulk with
SQL with `--held` of those ids plus 1,000 the file does not list, then times `apply_export`
(stream, stage, diff: new ids queued, popularity refreshed, misses counted) and reports the
process's peak RSS and its CPU time (on SQLite the database's work is in it too; on
PostgreSQL the server's is not). Goal: <= 15 s and <= 200 MB peak RSS for 1,000,000 lines
against 900,000. Every held title's popularity differs from the file's (the worst case: each
row is rewritten); a second row times the next day's file, in which one id in `--every` has a
new popularity (a day of routine: mostly unchanged rows, the queue's popularity refreshed).
"""

from __future__ import annotations

import argparse
import gzip
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from _common import fresh_database, migrated_engine, reachable
from _common import table as fmt_table
from tmdbsync.sync.export_apply import ExportResult, apply_export

DAY = date(2026, 2, 1)
GONE = 1_000  # held ids the file does not list


def write_export(path: Path, lines: int, every: int = 0) -> None:
    """TMDb's line format; with `every`, one id in that many has its popularity raised by 1."""
    with gzip.open(path, "wb", compresslevel=6) as out:
        for i in range(1, lines + 1):
            raised = 1 if every and i % every == 0 else 0
            out.write(
                b'{"adult":false,"id":%d,"original_title":"Title %d","popularity":%d.%d,'
                b'"video":false}\n' % (i, i, i % 500 + raised, i % 10)
            )


def fill(engine: Engine, lines: int, held: int) -> None:
    """`held` listed ids (the file's last ones) and GONE unlisted ones, synced the day before,
    each with an IMDb id and its OMDb answer (a database in routine, not one mid-backfill)."""
    first = lines - held + 1
    postgres = engine.dialect.name == "postgresql"
    series = (
        "SELECT generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS n"
        if postgres
        else "WITH RECURSIVE s(n) AS (SELECT :a UNION ALL SELECT n + 1 FROM s WHERE n < :b) "
        "SELECT n FROM s"
    )
    insert = (
        "INSERT INTO content (type, tmdb_id, title, popularity, synced_at, export_misses,"
        " imdb_id, omdb_status) SELECT 'movie', n, 'Title ' || n, 1.0, :synced, 0,"
        " 'tt' || n, 'found' FROM ({series}) AS ids"
    )
    synced = datetime(2026, 1, 31, 12, tzinfo=UTC)
    with engine.begin() as connection:
        for a, b in ((first, lines), (lines + 1_000_000, lines + 1_000_000 + GONE - 1)):
            connection.execute(
                text(insert.format(series=series)), {"a": a, "b": b, "synced": synced}
            )
    if postgres:  # settled, as autovacuum leaves a table (else it runs during the measurement)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE content")


def timed(engine: Engine, day: date, path: Path) -> tuple[ExportResult, float, float]:
    """apply_export's result, wall seconds and this process's CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    result = apply_export(engine, "movie", day, path)
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--held", type=int, default=900_000)
    parser.add_argument("--every", type=int, default=10, help="next day: one id in N changed")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = [("backend", "file", "lines", "seconds", "our CPU s", "queued", "peak RSS MB")]
    with tempfile.TemporaryDirectory(prefix="tmdbsync-export-") as folder:
        first, second = Path(folder) / "first.json.gz", Path(folder) / "second.json.gz"
        write_export(first, args.lines)
        write_export(second, args.lines, args.every)
        files = ((f"{args.held:,} held", DAY, first), ("next day", DAY + timedelta(days=1), second))
        for backend in reachable(args.backends):
            with fresh_database(backend) as url:
                engine = migrated_engine(url)
                fill(engine, args.lines, args.held)
                for label, day, path in files:
                    result, seconds, cpu = timed(engine, day, path)
                    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                    rows.append(
                        (
                            backend,
                            label,
                            f"{result.lines:,}",
                            f"{seconds:.1f}",
                            f"{cpu:.1f}",
                            f"{result.queued:,}",
                            f"{peak:.0f}",
                        )
                    )
                engine.dispose()
    print(fmt_table(rows))


if __name__ == "__main__":
    main()
