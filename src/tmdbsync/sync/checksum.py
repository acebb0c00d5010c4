"""A hash of each stored title's (and person's) normalised data, so a re-fetch that brings
nothing new writes no child rows and leaves `changed_at` alone.

Normalised: the parsed bundle as JSON with sorted keys, without the counters TMDb recomputes
every day (`popularity`, `vote_average`, `vote_count` at any depth), which would otherwise make
every re-fetch look changed. Those counters on the content row itself are still refreshed: only
the child rows and `changed_at` depend on the hash. A consumer selects what changed since a time
with `WHERE changed_at > :since`.

The counters are left out by pydantic while it dumps (an `exclude` worked out once per model
class from its field types), not by a second walk over the dumped dict: the same JSON text, so
the same digest as the walk gave (stored checksums stay valid; tests/test_sync_checksum.py
compares the two), at about a third of the cost. Dumping straight to JSON (`model_dump_json`)
would be cheaper still, but it keeps field order and formats floats its own way, so every stored
checksum would change once.
"""

from __future__ import annotations

import hashlib
import json
import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from sqlalchemy import Connection, select

from tmdbsync.db.models import Person
from tmdbsync.sync.bundle import TitleBundle

VOLATILE = frozenset({"popularity", "vote_average", "vote_count"})

Exclude = dict[str, Any]
"""A pydantic `exclude` mapping: a field name to True (left out) or to the nested mapping."""


def _exclude_of(annotation: Any) -> Exclude | None:
    """What to leave out of a value of this type; None when it holds no counter."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _exclude_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found = [e for e in map(_exclude_of, get_args(annotation)) if e]
        if len(found) > 1:
            raise TypeError(f"{annotation}: more than one model in a union")
        return found[0] if found else None
    if origin is list:
        inner = _exclude_of(get_args(annotation)[0])
        return {"__all__": inner} if inner else None
    if origin is dict:
        # a dict's own keys are data: a counter's name as a key goes too, as it always did
        inner = _exclude_of(get_args(annotation)[1])
        return dict.fromkeys(VOLATILE, True) | ({"__all__": inner} if inner else {})
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_exclude(annotation) or None
    if any(map(_exclude_of, get_args(annotation))):  # a container this function does not know
        raise TypeError(f"{annotation}: cannot leave the counters out of it")
    return None


@cache
def model_exclude(model: type[BaseModel]) -> Exclude:
    """The counters of a model and of every model nested in it, as a pydantic `exclude`."""
    exclude: Exclude = {}
    for name, field in model.model_fields.items():
        inner = True if name in VOLATILE else _exclude_of(field.annotation)
        if inner:
            exclude[name] = inner
    return exclude


def digest(*parts: BaseModel | None) -> str:
    """SHA-256 of the models' normalised JSON."""
    data = [
        None if p is None else p.model_dump(mode="json", exclude=model_exclude(type(p)))
        for p in parts
    ]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _sha256(text.encode())


# hashlib lets go of the GIL while it hashes 2 KiB or more at once; during a sync, taking it back
# waits for the busy event loop thread's switch interval (up to 5 ms, a profile showed 1.3 ms a
# title on average), far longer than hashing a title's 20 KB takes. Smaller pieces keep it.
_GIL_KEPT = 2047


def _sha256(data: bytes) -> str:
    sha = hashlib.sha256()
    view = memoryview(data)
    for start in range(0, len(view), _GIL_KEPT):
        sha.update(view[start : start + _GIL_KEPT])
    return sha.hexdigest()


def bundle_parts(bundle: TitleBundle) -> list[BaseModel | None]:
    """What a title's hash covers: its details and, for a show, each season's parts."""
    parts: list[BaseModel | None] = [bundle.title]
    for season in bundle.seasons:
        parts += [season.summary, season.payload, *season.regulars]
        parts += (season.episode_credits or {}).values()
    return parts


def bundle_digest(bundle: TitleBundle) -> str:
    return digest(*bundle_parts(bundle))


def person_changed(connection: Connection, tmdb_id: int, value: str) -> bool:
    """Whether a person's hash differs from the stored one (a first fetch counts as changed)."""
    stored = connection.scalar(select(Person.checksum).where(Person.tmdb_id == tmdb_id))
    return stored != value
