"""``append_to_response``: parse the names and attach the sub-resources the way TMDb does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .errors import TmdbError

JsonDict = dict[str, Any]
MAX_APPENDS = 20


def parse_appends(value: str | Iterable[str] | None) -> list[str]:
    """Split ``append_to_response``; more than 20 is TMDb error 27."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [i.strip() for i in items if i.strip()]
    if len(items) > MAX_APPENDS:
        raise TmdbError(27)
    return items


def add_appends(
    body: JsonDict, names: list[str], part_of: Callable[[str], JsonDict | None]
) -> JsonDict:
    """Attach each named part to ``body``; unknown names are ignored, as on TMDb.

    Appended sub-objects lack their own ``id`` (see movie_details_append.json), except a
    whole season appended to a show (``season/N``), which TMDb sends as is.
    """
    for name in names:
        part = part_of(name)
        if part is None:
            continue
        whole_season = name.startswith("season/") and name.count("/") == 1
        body[name] = part if whole_season else {k: v for k, v in part.items() if k != "id"}
    return body
