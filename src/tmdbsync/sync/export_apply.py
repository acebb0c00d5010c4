"""Applying one daily ID export file to the database, in one transaction, at no request cost.

The file is read line by line through gunzip (constant memory) into `export_line`, then a few
set-based statements diff it with `content`: ids we do not hold are queued for one details
request each (`title_queue`, most popular first; adult ids only with TMDBSYNC_INCLUDE_ADULT),
held titles and queued ids take the file's popularity, a held title the file lists again after
we marked it deleted is cleared and queued for a refresh, and a held title absent from two
exports in a row gets `content.deleted_at` (its rows stay). A file that breaks off (a truncated
gzip, a line that is not JSON) raises ExportUnreadable before anything is committed: nothing
changes.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from tmdbsync.db.models import Content, ExportLine, ExportLog, Person, SkippedTitle, TitleQueue
from tmdbsync.errors import RetryableError
from tmdbsync.kinds import Kind
from tmdbsync.sync.title_queue import add

CHUNK = 20_000  # lines per staging statement: bounds memory, not the file size
BLOCK = 1 << 20  # gunzipped bytes read at a time
MISSES_TO_DELETE = 2  # consecutive exports without a held title before it counts as deleted
MAX_LINE = 64 << 10  # bytes; real lines are under 300
SQLITE_CACHE_KIB = 32 * 1024  # SQLite's page cache while applying (its default is 2 MiB)
POSTGRES_WORK_MEM = "64MB"  # per sort or hash of the diff, this transaction only


class ExportUnreadable(RetryableError):
    """The export file is incomplete or not one JSON object per line; nothing was applied."""


@dataclass(frozen=True)
class ExportResult:
    lines: int
    queued: int
    deleted: int
    returned: int


def read_blocks(path: Path) -> Iterator[list[bytes]]:
    """The file's non-empty lines, CHUNK at a time, gunzipped a block at a time (constant
    memory); ExportUnreadable if the gzip stream breaks off or a line passes MAX_LINE (the
    download cap counts gzip bytes: a small file can unpack to one endless line)."""
    try:
        with gzip.open(path, "rb") as stream:
            carry = b""
            lines: list[bytes] = []
            while block := stream.read(BLOCK):
                parts = (carry + block).split(b"\n")
                carry = parts.pop()
                if len(carry) > MAX_LINE or (parts and max(map(len, parts)) > MAX_LINE):
                    raise ExportUnreadable(f"{path.name}: a line is longer than {MAX_LINE:,} bytes")
                lines += (line for line in parts if line.strip())
                if len(lines) >= CHUNK:
                    yield lines
                    lines = []
            if carry.strip():
                lines.append(carry)
            if lines:
                yield lines
    except (EOFError, OSError, zlib.error) as exc:
        raise ExportUnreadable(f"{path.name} is incomplete or corrupt: {exc}") from None


# The database parses the lines (one JSON array a chunk): json.loads in Python would cost most
# of the time of a million lines. The one statement that differs between the dialects.
STAGE = {
    "sqlite": "INSERT INTO export_line (type, tmdb_id, popularity, adult)"
    " SELECT :kind, json_extract(value, '$.id'), json_extract(value, '$.popularity'),"
    " coalesce(json_extract(value, '$.adult'), 0) = 1 FROM json_each(:doc)"
    " WHERE json_type(value, '$.id') = 'integer'",
    "postgresql": "INSERT INTO export_line (type, tmdb_id, popularity, adult)"
    " SELECT :kind, (e->>'id')::integer, (e->>'popularity')::float8,"
    " coalesce((e->>'adult')::boolean, false) FROM jsonb_array_elements(CAST(:doc AS jsonb)) AS e",
}


@contextmanager
def _roomy_memory(connection: Connection) -> Iterator[None]:
    """Room for a million staged lines. On SQLite, a page cache that holds the staged file and
    the content indexes it touches: with the default 2 MiB every diff statement re-reads its
    pages from the OS (a fifth of the time of a million lines); restored afterwards, so the
    connection goes back to the pool small. On PostgreSQL, a work_mem in which the join of the
    file with `content` hashes in one batch (the default 4 MB spills it to disk in eight); SET
    LOCAL ends with the transaction.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{POSTGRES_WORK_MEM}'")
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


def apply_export(
    engine: Engine,
    kind: Kind,
    day: date,
    path: Path,
    *,
    include_adult: bool = False,
    now: datetime | None = None,
) -> ExportResult:
    """Apply the export of `kind` published on `day` (read from `path`); see the module doc."""
    moment = now or datetime.now(UTC)

    def diff(connection: Connection, lines: int) -> ExportResult:
        return _diff(connection, kind, day, lines, include_adult, moment)

    return apply_file(engine, kind, day, path, diff, moment)


Diff = Callable[[Connection, int], ExportResult]


def apply_file(
    engine: Engine, kind: str, day: date, path: Path, diff: Diff, now: datetime
) -> ExportResult:
    """Stage the file of `kind` (titles or people) in `export_line`, run `diff` with the count of
    staged lines, and log the file in `export_log`: one transaction, so a file that cannot be
    read changes nothing."""
    with engine.begin() as connection, _roomy_memory(connection):
        stage = text(STAGE[connection.dialect.name])
        lines = 0
        try:
            for block in read_blocks(path):
                doc = (b"[" + b",".join(block) + b"]").decode("utf-8")
                connection.execute(stage, {"kind": kind, "doc": doc})
                lines += len(block)
        except (DBAPIError, UnicodeDecodeError) as exc:
            raise ExportUnreadable(f"{path.name}: a line is not a JSON object: {exc}") from None
        staged = connection.scalar(
            select(func.count()).select_from(ExportLine).where(ExportLine.type == kind)
        )
        if staged != lines:
            raise ExportUnreadable(f"{path.name}: {lines - (staged or 0)} lines without an id")
        if connection.dialect.name == "postgresql":
            # The staged rows' real count and spread: the table is empty whenever autovacuum
            # looks, and the diff's plans are only as good as these figures.
            connection.exec_driver_sql("ANALYZE export_line")
        result = diff(connection, lines)
        # Every staged row is this transaction's (none outlives it), so no WHERE: SQLite then
        # drops the table's pages at once instead of visiting a million rows.
        connection.execute(delete(ExportLine))
        connection.execute(
            insert(ExportLog).values(
                type=kind,
                day=day,
                lines=lines,
                queued=result.queued,
                deleted=result.deleted,
                returned=result.returned,
                applied_at=now,
            )
        )
    return result


def _diff(
    connection: Connection, kind: Kind, day: date, lines: int, include_adult: bool, now: datetime
) -> ExportResult:
    listed = and_(ExportLine.type == Content.type, ExportLine.tmdb_id == Content.tmdb_id)
    held = Content.type == kind
    # Back after being marked deleted: clear the mark and fetch it again.
    returned = 0
    marked = select(Content.id).where(held, Content.deleted_at.is_not(None)).limit(1)
    if connection.scalar(marked) is not None:  # else not a lookup per staged line
        back = exists().where(listed, Content.deleted_at.is_not(None))
        returned = _queue(connection, kind, [back], "returned", now)
        connection.execute(
            update(Content)
            .where(held, Content.deleted_at.is_not(None), exists().where(listed))
            .values(deleted_at=None)
        )
    # Queued already (new, changed or back): the queue is taken most popular first.
    fresh = func.coalesce(ExportLine.popularity, 0.0)
    connection.execute(
        update(TitleQueue)
        .where(
            TitleQueue.type == kind,
            ExportLine.type == kind,
            ExportLine.tmdb_id == TitleQueue.tmdb_id,
            TitleQueue.popularity != fresh,
        )
        .values(popularity=fresh)
    )
    # Listed: the file's popularity. Not listed though held before the file was made (a title
    # stored since is newer than the file): one more miss; two in a row, deleted.
    day_start = datetime.combine(day, time(), tzinfo=UTC)
    deleted = refresh_held(connection, Content, kind, [held], [Content.synced_at < day_start], now)
    # New: listed, not held, not recorded as unusable, not queued yet.
    new = [
        ~exists().where(listed),
        ~exists().where(SkippedTitle.type == kind, SkippedTitle.tmdb_id == ExportLine.tmdb_id),
    ]
    if not include_adult:
        new.append(ExportLine.adult.is_(False))
    queued = _queue(connection, kind, new, "new", now)
    return ExportResult(lines, queued, deleted, returned)


def refresh_held(
    connection: Connection,
    model: type[Content] | type[Person],
    kind: str,
    held: list[ColumnElement[bool]],
    missing_also: list[ColumnElement[bool]],
    now: datetime,
) -> int:
    """The rows `held` selects, against the staged file of `kind`: a listed one takes the file's
    popularity (free) and starts its count of misses again; one not listed (and `missing_also`)
    counts one more miss, and MISSES_TO_DELETE in a row mark it deleted (its rows stay).
    Returns how many were marked."""
    staged = and_(ExportLine.type == kind, ExportLine.tmdb_id == model.tmdb_id)
    connection.execute(
        update(model)
        .where(
            *held,
            staged,
            model.popularity.is_distinct_from(ExportLine.popularity) | (model.export_misses != 0),
        )
        .values(popularity=ExportLine.popularity, export_misses=0)
    )
    alive = model.deleted_at.is_(None)
    connection.execute(
        update(model)
        .where(*held, *missing_also, alive, ~exists().where(staged))
        .values(export_misses=model.export_misses + 1)
    )
    marked = connection.execute(
        update(model)
        .where(*held, alive, model.export_misses >= MISSES_TO_DELETE)
        .values(deleted_at=now)
    )
    return marked.rowcount or 0


def _queue(
    connection: Connection,
    kind: Kind,
    where: list[ColumnElement[bool]],
    reason: str,
    now: datetime,
) -> int:
    """Queue the staged ids matching `where` (with their popularity) not queued yet."""
    candidates = (
        select(
            ExportLine.tmdb_id,
            func.max(func.coalesce(ExportLine.popularity, 0.0)).label("popularity"),
        )
        .where(ExportLine.type == kind, *where)
        .group_by(ExportLine.tmdb_id)  # an id listed twice is queued once
    )
    return add(connection, kind, candidates, reason, now)
