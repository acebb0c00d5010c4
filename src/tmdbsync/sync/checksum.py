"""A hash of each stored title's (and person's) normalised data, so a re-fetch that brings
nothing new writes no child rows and leaves `changed_at` alone.

Normalised: the parsed bundle as JSON with sorted keys, without the counters TMDb recomputes
every day (`popularity`, `vote_average`, `vote_count` at any depth), which would otherwise make
every re-fetch look changed. Those counters on the content row itself are still refreshed: only
the child rows and `changed_at` depend on the hash. A consumer selects what changed since a time
with `WHERE changed_at > :since`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select, update

from tmdbsync.db.models import Content, Person
from tmdbsync.sync.bundle import TitleBundle

VOLATILE = frozenset({"popularity", "vote_average", "vote_count"})
Key = tuple[Any, ...]


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def digest(*parts: BaseModel | None) -> str:
    """SHA-256 of the models' normalised JSON."""
    data = [_stable(p.model_dump(mode="json")) if p is not None else None for p in parts]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def bundle_digest(bundle: TitleBundle) -> str:
    parts: list[BaseModel | None] = [bundle.title]
    for season in bundle.seasons:
        parts += [season.summary, season.payload, *season.regulars]
        for credits in (season.episode_credits or {}).values():
            parts.append(credits)
    return digest(*parts)


def changed_titles(
    connection: Connection, bundles: Sequence[TitleBundle], now: datetime
) -> set[Key]:
    """Record each title's hash; return the (type, tmdb_id) of those whose data changed (new
    ones included). Runs in the title's transaction, after its content row was written; a stored
    title is alive again, so its `deleted_at` is cleared."""
    sums = {(b.kind, b.title.id): bundle_digest(b) for b in bundles}
    before: dict[Key, str | None] = {}
    for kind in {kind for kind, _ in sums}:
        ids = [tmdb_id for k, tmdb_id in sums if k == kind]
        for row in connection.execute(
            select(Content.tmdb_id, Content.checksum).where(
                Content.type == kind, Content.tmdb_id.in_(ids)
            )
        ):
            before[(kind, row.tmdb_id)] = row.checksum
    changed = {key for key, value in sums.items() if before.get(key) != value}
    for key, value in sums.items():
        values: dict[str, Any] = {"checksum": value, "deleted_at": None}
        if key in changed:
            values["changed_at"] = now
        connection.execute(
            update(Content).where(Content.type == key[0], Content.tmdb_id == key[1]).values(values)
        )
    return changed


def person_changed(connection: Connection, tmdb_id: int, value: str) -> bool:
    """Whether a person's hash differs from the stored one (a first fetch counts as changed)."""
    stored = connection.scalar(select(Person.checksum).where(Person.tmdb_id == tmdb_id))
    return stored != value
