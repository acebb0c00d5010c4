"""The shared pool of people that casts and crews are drawn from.

People are picked with a Zipf-like popularity so the same person shows up in many
titles across months, as on TMDb; a person's data depends only on (seed, id). The people
some answer has shown are `known`: the daily person export lists them (listing the whole
pool would cost seconds a file), which covers everyone a client can hold.
"""

from __future__ import annotations

import random
import threading
from functools import lru_cache
from typing import Any

from .seeding import heavy_tail, hex_id, image_path, sub_rng
from .vocab import CREW_JOBS, DEPARTMENTS, FIRST_NAMES, LAST_NAMES

POOL_SIZE = 400_000
_LOCALES = tuple(FIRST_NAMES)
_LOCALE_WEIGHTS = (70, 6, 5, 5, 4, 6, 4)

JsonDict = dict[str, Any]


def draw_person_id(rng: random.Random) -> int:
    """A person id with log-uniform (Zipf-like) popularity: low ids recur often."""
    return int(POOL_SIZE ** rng.uniform(0.3, 1.0))


def draw_people(rng: random.Random, n: int, exclude: set[int] | None = None) -> list[int]:
    """``n`` distinct person ids (no one credited twice in the same list)."""
    seen = set(exclude or ())
    out: list[int] = []
    while len(out) < n:
        pid = draw_person_id(rng)
        if pid not in seen:
            seen.add(pid)
            out.append(pid)
    return out


def valid_person(pid: int) -> bool:
    """Whether ``/person/{pid}`` exists."""
    return 1 <= pid < POOL_SIZE


class People:
    """Person generator bound to a catalogue seed, with a cache of hot people."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.base = lru_cache(maxsize=200_000)(self._base)
        self._known: set[int] = set()
        self._lock = threading.Lock()
        self.gone: set[int] = set()
        """People TMDb deleted: `/person/{id}` answers 404, the person export leaves them out."""

    def exists(self, pid: int) -> bool:
        return valid_person(pid) and pid not in self.gone

    def known(self) -> list[int]:
        """Ids of the people any answer has shown so far, in id order."""
        with self._lock:
            return sorted(self._known)

    def _base(self, pid: int) -> JsonDict:
        """The person fields every credit repeats (name, gender, profile...)."""
        with self._lock:  # every answer showing a person builds it here first
            self._known.add(pid)
        rng = sub_rng(self.seed, "person", pid)
        locale = rng.choices(_LOCALES, _LOCALE_WEIGHTS)[0]
        first, last = rng.choice(FIRST_NAMES[locale]), rng.choice(LAST_NAMES[locale])
        name = f"{last}{first}" if locale in ("ja", "ko", "zh") else f"{first} {last}"
        dept = "Acting" if rng.random() < 0.55 else rng.choice(DEPARTMENTS[1:])
        return {
            "adult": False,
            "gender": rng.choice((0, 1, 2, 2)),
            "id": pid,
            "known_for_department": dept,
            "name": name,
            "original_name": name,
            "popularity": round(50.0 / (1 + pid / 500) + rng.random(), 4),
            "profile_path": image_path(rng) if rng.random() < 0.7 else None,
        }

    def cast_entry(
        self, rng: random.Random, pid: int, order: int, character: str, cast_id: bool
    ) -> JsonDict:
        """A cast credit (movie credits carry ``cast_id``; TV credits don't)."""
        entry = dict(self.base(pid))
        if cast_id:
            entry["cast_id"] = order + 1
        entry["character"] = character
        entry["credit_id"] = hex_id(rng)
        entry["order"] = order
        return entry

    def crew_entry(self, rng: random.Random, pid: int) -> JsonDict:
        """A crew credit with a department and a job from that department."""
        dept, jobs = CREW_JOBS[rng.randrange(len(CREW_JOBS))]
        entry = dict(self.base(pid))
        entry["credit_id"] = hex_id(rng)
        entry["department"] = dept
        entry["job"] = rng.choice(jobs)
        return entry

    def details(self, pid: int) -> JsonDict:
        """``GET /person/{id}`` body (without appends)."""
        base = self.base(pid)
        rng = sub_rng(self.seed, "person-details", pid)
        born = rng.randint(1880, 2010) if rng.random() < 0.75 else None
        birthday = f"{born}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if born else None
        deathday = None
        if born and born < 1950 and rng.random() < 0.6:
            deathday = f"{born + rng.randint(30, 90)}-{rng.randint(1, 12):02d}-01"
        aliases = [base["name"].upper()] if rng.random() < 0.3 else []
        return {
            "adult": False,
            "also_known_as": aliases,
            "biography": "" if rng.random() < 0.4 else f"{base['name']} is a performer.",
            "birthday": birthday,
            "deathday": deathday,
            "gender": base["gender"],
            "homepage": None if rng.random() < 0.9 else f"https://example.org/p/{pid}",
            "id": pid,
            "imdb_id": f"nm{pid + 100_000:07d}" if rng.random() < 0.85 else None,
            "known_for_department": base["known_for_department"],
            "name": base["name"],
            "place_of_birth": None if rng.random() < 0.3 else "Somewhere, Earth",
            "popularity": base["popularity"],
            "profile_path": base["profile_path"],
        }

    def external_ids(self, pid: int) -> JsonDict:
        """``/person/{id}/external_ids`` body (with ``id``)."""
        details = self.details(pid)
        rng = sub_rng(self.seed, "person-ext", pid)
        return {
            "id": pid,
            "freebase_mid": None,
            "freebase_id": None,
            "imdb_id": details["imdb_id"],
            "tvrage_id": rng.randint(1, 90000) if rng.random() < 0.2 else None,
            "wikidata_id": f"Q{rng.randint(1000, 9_999_999)}" if rng.random() < 0.5 else None,
            "facebook_id": "" if rng.random() < 0.3 else None,
            "instagram_id": None,
            "tiktok_id": None,
            "twitter_id": None,
            "youtube_id": None,
        }

    def images(self, pid: int) -> JsonDict:
        """``/person/{id}/images`` body: untagged profile images."""
        rng = sub_rng(self.seed, "person-img", pid)
        n = heavy_tail(rng, 0.2, 1, 4, 20)
        profiles = [
            {
                "aspect_ratio": 0.667,
                "height": 900,
                "iso_3166_1": None,
                "iso_639_1": None,
                "file_path": image_path(rng),
                "vote_average": round(rng.uniform(0, 10), 3),
                "vote_count": rng.randint(0, 40),
                "width": 600,
            }
            for _ in range(n)
        ]
        return {"id": pid, "profiles": profiles}
