"""TMDb's daily ID export files, as files.tmdb.org serves them: `/p/exports/{name}.json.gz`.

One JSON object per line (`movie_ids_MM_DD_YYYY.json.gz`: adult, id, original_title, popularity,
video; `tv_series_ids_…`: id, original_name, popularity; `person_ids_…`: adult, id, name,
popularity), gzip-compressed, no key. The fake lists the live titles dated within `window` (drift
removes titles from it, as TMDb deletes them), marks every ADULT_EVERY-th id adult, and answers
404 for a day after today (not published yet). The person file lists every person an answer has
shown so far (people.py) but those deleted (`FakeApi.delete_people`).
`truncate` serves the first half of the gzip stream, as a download broken off midway.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from typing import Any

from .catalogue import Catalogue

NAME = re.compile(r"^(movie|tv_series|person)_ids_(\d\d)_(\d\d)_(\d{4})\.json\.gz$")
KINDS = {"movie": "movie", "tv_series": "tv", "person": "person"}
ADULT_EVERY = 23
DEFAULT_WINDOW = (date(2024, 1, 1), date(2024, 2, 29))
PERSON_FIELDS = ("adult", "id", "name", "popularity")


class Exports:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.reset()

    def reset(self) -> None:
        self.window = DEFAULT_WINDOW
        self.truncate = False

    def lines(self, kind: str) -> list[bytes]:
        """The export's lines for `kind` ('movie', 'tv' or 'person'), in id order like TMDb's."""
        if kind == "person":
            people = self.catalogue.people
            return [
                _line({key: people.base(pid)[key] for key in PERSON_FIELDS})
                for pid in people.known()
                if people.exists(pid)
            ]
        out = []
        for title_id in sorted(self.catalogue.window_ids(kind, *self.window)):
            core = self.catalogue.live(kind, title_id)
            if core is None:
                continue
            if kind == "movie":
                row = {
                    "adult": title_id % ADULT_EVERY == 0,
                    "id": title_id,
                    "original_title": core.original_title,
                    "popularity": core.popularity,
                    "video": False,
                }
            else:
                row = {
                    "id": title_id,
                    "original_name": core.original_title,
                    "popularity": core.popularity,
                }
            out.append(_line(row))
        return out

    def answer(self, name: str) -> tuple[int, bytes]:
        """(status, body) for GET /p/exports/{name}."""
        match = NAME.match(name)
        if match is None:
            return 404, b""
        prefix, month, day, year = match.groups()
        try:
            when = date(int(year), int(month), int(day))
        except ValueError:
            return 404, b""
        if when > datetime.now(UTC).date():
            return 404, b""
        body = gzip.compress(b"\n".join(self.lines(KINDS[prefix])) + b"\n")
        return 200, body[: len(body) // 2] if self.truncate else body


def _line(row: dict[str, Any]) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
