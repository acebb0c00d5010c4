"""The one place that writes SQL text: bulk `INSERT … ON CONFLICT` for SQLite and PostgreSQL.

A stored batch of titles is thousands of rows over a dozen tables. Sent row by row (an
executemany), SQLite releases and re-takes the GIL at every row, and while the event loop thread
is busy each re-take waits up to the interpreter's switch interval: that, not SQL, was most of a
title's store time during a sync. So every table gets one statement for the whole batch, whose
rows travel as one parameter per column (PostgreSQL: arrays read by `unnest`) or one in all
(SQLite: a JSON array read by `json_each`); the SQL text stays the same whatever the number of
rows, so it is parsed and planned cheaply. A foreign key given by the referenced row's natural
key (`Lookup`) is resolved inside the statement by a scalar subquery, so ids need not come back to
Python and go out again.

`ON CONFLICT (…) DO UPDATE SET c = excluded.c` and `RETURNING` read the same in both dialects
(SQLite >= 3.35). Values go through each column type's SQLAlchemy bind processor, so they are
stored exactly as ORM statements store them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Column, Connection, Dialect, Table
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from tmdbsync.db.models import Base

# Rows per statement: the parameters' size is all that grows, so chunks only bound memory.
MAX_ROWS = 20_000

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Lookup:
    """A foreign key column whose row value is the referenced row's natural key (a scalar for one
    key column, a tuple for several), resolved to its `id` in SQL."""

    model: type[Base]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _Conflict:
    """What happens on a unique-key clash: nothing, or the listed columns take the new values.

    `merge` maps a column to an SQL expression of `{old}` and `{new}` for values that combine,
    e.g. `"{old} OR {new}"`.
    """

    keys: tuple[str, ...]
    update: tuple[str, ...] | None  # None: DO NOTHING
    merge: tuple[tuple[str, str], ...] = ()
    returning: bool = False


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class _Slot:
    """One value a row gives: a column's, or a key column of a `Lookup`."""

    row_key: str
    column: Column[Any]
    process: Callable[[Any], Any] | None
    index: int | None  # position in the row's tuple value for a multi-column lookup


@dataclass(frozen=True)
class _Statement:
    """SQL for any number of rows, and how a chunk of rows becomes its parameters."""

    sql: str
    params: Callable[[Sequence[Mapping[str, Any]]], tuple[Any, ...]]


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _row_values(slots: list[_Slot]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    """A row's parameter values in slot order; most slots are a plain lookup of the row's dict
    (done in C by `itemgetter`), so only the others (a processor, a part of a tuple) cost more
    than that."""
    keys = [slot.row_key for slot in slots]
    special = [
        (position, slot)
        for position, slot in enumerate(slots)
        if slot.process is not None or slot.index is not None
    ]
    get = itemgetter(*keys) if len(keys) > 1 else lambda row: (row[keys[0]],)
    if not special:
        return cast(Callable[[Mapping[str, Any]], Sequence[Any]], get)

    def values(row: Mapping[str, Any]) -> list[Any]:
        found = list(get(row))
        for position, slot in special:
            value = found[position]
            if slot.index is not None:
                value = value[slot.index]
            found[position] = value if slot.process is None else slot.process(value)
        return found

    return values


@lru_cache(maxsize=256)
def _statement(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    lookups: tuple[tuple[str, Lookup], ...],
    conflict: _Conflict | None,
) -> _Statement:
    """How rows of one shape are written, worked out once per shape.

    Not `VALUES (…), (…)`: with a thousand rows and their subqueries, PostgreSQL spent longer
    planning it than running it, and SQLite's parse time grew faster than the rows.
    """
    quote = dialect.identifier_preparer.quote
    postgres = dialect.name == "postgresql"
    by_column = dict(lookups)
    slots: list[_Slot] = []
    selected: list[str] = []  # per column: its placeholder, or the lookup's subquery
    for name in columns:
        lookup = by_column.get(name)
        if lookup is None:
            column = table.c[name]
            slots.append(_Slot(name, column, _processor(column, dialect), None))
            selected.append(_slot_value(len(slots), postgres))
            continue
        referenced = table_of(lookup.model)
        match = []
        for index, key in enumerate(lookup.keys):
            column = referenced.c[key]
            single = len(lookup.keys) == 1
            slots.append(
                _Slot(name, column, _processor(column, dialect), None if single else index)
            )
            match.append(f"{quote(key)} = {_slot_value(len(slots), postgres)}")
        selected.append(f"(SELECT id FROM {quote(referenced.name)} WHERE {' AND '.join(match)})")

    values = _row_values(slots)
    name = quote(table.name)
    head = f"INSERT INTO {name} ({', '.join(quote(c) for c in columns)}) "
    tail = _conflict_clause(quote, name, conflict)
    if postgres:
        arrays = ", ".join(f"%s::{slot.column.type.compile(dialect)}[]" for slot in slots)
        aliases = ", ".join(f"c{i}" for i in range(1, len(slots) + 1))
        return _Statement(
            f"{head}SELECT {', '.join(selected)} FROM unnest({arrays}) AS v({aliases}){tail}",
            lambda rows: tuple(map(list, zip(*map(values, rows), strict=True))),
        )
    # `WHERE true` tells SQLite's parser that ON starts the upsert, not a join constraint.
    return _Statement(
        f"{head}SELECT {', '.join(selected)} FROM json_each(?) AS v WHERE true{tail}",
        lambda rows: (json.dumps(list(map(values, rows)), ensure_ascii=False),),
    )


def _slot_value(position: int, postgres: bool) -> str:
    """The SQL for the value of slot `position` (1-based) of the current row."""
    return f"v.c{position}" if postgres else f"json_extract(v.value, '$[{position - 1}]')"


def _conflict_clause(quote: Callable[[str], str], table: str, conflict: _Conflict | None) -> str:
    if conflict is None:
        return ""
    target = ", ".join(quote(k) for k in conflict.keys)
    if conflict.update is None:
        return f" ON CONFLICT ({target}) DO NOTHING"
    sets = [f"{quote(c)} = excluded.{quote(c)}" for c in conflict.update]
    sets += [
        f"{quote(c)} = " + expression.format(old=f"{table}.{quote(c)}", new=f"excluded.{quote(c)}")
        for c, expression in conflict.merge
    ]
    # touch the row anyway, so that RETURNING reports rows that were already there
    sets = sets or [f"{quote(conflict.keys[0])} = excluded.{quote(conflict.keys[0])}"]
    clause = f" ON CONFLICT ({target}) DO UPDATE SET {', '.join(sets)}"
    return clause + (f" RETURNING id, {target}" if conflict.returning else "")


@lru_cache(maxsize=64)
def _scalar_defaults(table: Table) -> dict[str, Any]:
    return {
        column.name: column.default.arg
        for column in table.columns
        if isinstance(column.default, ScalarElementColumnDefault)
    }


def _write(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    lookups: Mapping[str, Lookup] | None = None,
    conflict: _Conflict | None = None,
) -> dict[Key, int]:
    """Insert `rows` a chunk per statement; {key values: id} of the rows when RETURNING."""
    if not rows:
        return {}
    table = table_of(model)
    defaults = {k: v for k, v in _scalar_defaults(table).items() if k not in rows[0]}
    columns = (*rows[0], *defaults)
    statement = _statement(
        connection.dialect, table, columns, tuple((lookups or {}).items()), conflict
    )
    if defaults:
        rows = [{**defaults, **row} for row in rows]
    ids: dict[Key, int] = {}
    for start in range(0, len(rows), MAX_ROWS):
        chunk = rows[start : start + MAX_ROWS]
        result = connection.exec_driver_sql(statement.sql, statement.params(chunk))
        if conflict is not None and conflict.returning:
            ids.update((tuple(row[1:]), row[0]) for row in result)
    return ids


def upsert(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    update: Sequence[str] = (),
    merge: Mapping[str, str] | None = None,
    returning: bool = True,
) -> dict[Key, int]:
    """Insert or update `rows` keyed on `keys`; return {key values: id} for every row.

    `update` columns take the new value, `merge` columns an SQL expression of `{old}` and
    `{new}`. Rows must be unique on `keys` (PostgreSQL refuses to touch a row twice in one
    statement). With `returning=False` nothing comes back (the ids are looked up in SQL later).
    """
    conflict = _Conflict(tuple(keys), tuple(update), tuple((merge or {}).items()), returning)
    return _write(connection, model, rows, conflict=conflict)


def insert_rows(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    lookups: Mapping[str, Lookup] | None = None,
) -> None:
    """Plain bulk insert (child rows, which a re-sync deletes first)."""
    _write(connection, model, rows, lookups)


def insert_ignore(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
) -> None:
    """Insert the rows that are not there yet (another run may have just done it)."""
    _write(connection, model, rows, conflict=_Conflict(tuple(keys), None))
