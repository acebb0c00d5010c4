"""The one place that knows SQL dialects: `INSERT … ON CONFLICT` for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Dialect, Table, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from tmdbsync.db.models import Base

# SQLite allows 32,766 bound parameters a statement; PostgreSQL 65,535. Stay well under both.
MAX_PARAMS = 30_000

Merge = Callable[[ColumnElement[Any], ColumnElement[Any]], ColumnElement[Any]]


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _insert(connection: Connection, table: Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def chunks(rows: Sequence[Mapping[str, Any]]) -> list[Sequence[Mapping[str, Any]]]:
    if not rows:
        return []
    size = max(1, MAX_PARAMS // max(1, len(rows[0])))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


@lru_cache(maxsize=256)
def _upsert_sql(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    update: tuple[str, ...],
    merge: tuple[tuple[str, Merge], ...],
) -> tuple[str, tuple[str, ...] | None]:
    """The SQL text of an upsert and its parameter order, compiled once per shape.

    SQLAlchemy cannot cache `ON CONFLICT … DO UPDATE` statements (no cache key), so without this
    every call would compile SQL again: that was most of the store's time.
    """
    stmt = (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)
    assignments: dict[str, ColumnElement[Any]] = {name: stmt.excluded[name] for name in update}
    for name, combine in merge:
        assignments[name] = combine(table.c[name], stmt.excluded[name])
    if not assignments:  # touch the row anyway so the statement has one form
        assignments = {keys[0]: stmt.excluded[keys[0]]}
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=assignments)
    compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup) if compiled.positiontup else None
    return str(compiled), order


@lru_cache(maxsize=64)
def _scalar_defaults(table: Table) -> dict[str, Any]:
    return {
        column.name: column.default.arg
        for column in table.columns
        if isinstance(column.default, ScalarElementColumnDefault)
    }


def upsert(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    update: Sequence[str] = (),
    merge: Mapping[str, Merge] | None = None,
) -> dict[tuple[Any, ...], int]:
    """Insert or update `rows` keyed on `keys`; return {key values: id} for every row.

    `update` columns take the new value; `merge` maps a column to a function
    `(table column, excluded column) -> expression` for values that combine (e.g. OR of flags).
    Rows must be unique on `keys` (PostgreSQL refuses to touch a row twice in one statement).
    The rows go to the driver as one executemany of precompiled SQL; the ids come back from one
    cached `SELECT … WHERE (keys) IN (…)`.
    """
    table = table_of(model)
    if not rows:
        return {}
    columns = tuple(rows[0])
    sql, order = _upsert_sql(
        connection.dialect,
        table,
        columns,
        tuple(keys),
        tuple(update),
        tuple((merge or {}).items()),
    )
    defaults = _scalar_defaults(table)
    full = [defaults | dict(row) for row in rows]  # columns the rows leave to their defaults
    if order is None:
        connection.exec_driver_sql(sql, full)
    else:
        connection.exec_driver_sql(sql, [tuple(row[name] for name in order) for row in full])
    return ids_of(connection, table, keys, [tuple(row[k] for k in keys) for row in rows])


def ids_of(
    connection: Connection, table: Table, keys: Sequence[str], values: Sequence[tuple[Any, ...]]
) -> dict[tuple[Any, ...], int]:
    """{key values: id} for rows of `table` whose `keys` are among `values`."""
    key_columns = [table.c[k] for k in keys]
    match = key_columns[0] if len(keys) == 1 else tuple_(*key_columns)
    found: dict[tuple[Any, ...], int] = {}
    size = max(1, MAX_PARAMS // len(keys))
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        wanted = [v[0] for v in chunk] if len(keys) == 1 else list(chunk)
        query = select(table.c.id, *key_columns).where(match.in_(wanted))
        for row in connection.execute(query):
            found[tuple(row[1:])] = row[0]
    return found


def insert_rows(
    connection: Connection, model: type[Base], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Plain bulk insert (child rows, which a re-sync deletes first)."""
    table = table_of(model)
    for chunk in chunks(rows):
        connection.execute(table.insert(), list(chunk))


def insert_ignore(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
) -> int:
    """Insert rows that are not there yet; return how many were new."""
    table = table_of(model)
    added = 0
    for chunk in chunks(rows):
        stmt = _insert(connection, table).values(list(chunk))
        result = connection.execute(stmt.on_conflict_do_nothing(index_elements=list(keys)))
        added += result.rowcount or 0
    return added
