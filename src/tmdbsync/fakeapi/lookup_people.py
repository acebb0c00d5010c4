"""Person lookups: ``/person/{id}[/{part}]`` bodies, filmographies drawn from the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import payloads as pl
from .appends import add_appends, parse_appends
from .ground import Ground
from .people import draw_person_id
from .seeding import hex_id, sub_rng
from .vocab import CHARACTERS

JsonDict = dict[str, Any]


class PersonLookups(Ground):
    """People's details, images, external ids and credits."""

    def person(self, pid: int, appends: str | Iterable[str] | None = None) -> JsonDict | None:
        """``/person/{id}`` body with appends (images, external_ids, combined_credits...)."""
        names = parse_appends(appends)
        if not self.people.exists(pid):
            return None
        return add_appends(
            self.people.details(pid), names, lambda name: self.person_part(pid, name)
        )

    def person_part(self, pid: int, part: str) -> JsonDict | None:
        """``/person/{id}/{part}``."""
        if not self.people.exists(pid):
            return None
        if part == "images":
            return self.people.images(pid)
        if part == "external_ids":
            return self.people.external_ids(pid)
        if part in ("combined_credits", "movie_credits", "tv_credits"):
            return self._person_credits(pid, part)
        return None

    def _person_credits(self, pid: int, part: str) -> JsonDict:
        """A person's filmography, sampled from real catalogue titles (not a reverse index)."""
        rng = sub_rng(self.seed, "person-credits", pid)
        cast: list[JsonDict] = []
        crew: list[JsonDict] = []
        base = self.people.base(pid)
        for _ in range(rng.randint(0, 12)):
            kind = "movie" if rng.random() < 0.7 else "tv"
            if part != "combined_credits" and kind != part.split("_")[0]:
                continue
            year, month = rng.randint(1950, 2025), rng.randint(1, 12)
            ids = self.month_ids(kind, year, month)
            if not ids:
                continue
            core = self.core(kind, rng.choice(ids))
            if core is None:
                continue
            item = pl.discover_item(core)
            if base["known_for_department"] == "Acting" or rng.random() < 0.5:
                item["character"] = rng.choice(CHARACTERS)
                item["credit_id"] = hex_id(rng)
                if kind == "movie":
                    item["order"] = rng.randint(0, 30)
                else:
                    item["episode_count"] = rng.randint(1, 40)
                    item["first_credit_air_date"] = core.date
                target = cast
            else:
                credit = self.people.crew_entry(rng, pid)
                item["credit_id"] = credit["credit_id"]
                item["department"] = credit["department"]
                item["job"] = credit["job"]
                if kind == "tv":
                    item["episode_count"] = rng.randint(1, 40)
                    item["first_credit_air_date"] = core.date
                target = crew
            if part == "combined_credits":
                item["media_type"] = kind
            target.append(item)
        return {"cast": cast, "crew": crew, "id": pid}

    def random_person_id(self, salt: int = 0) -> int:
        """A person id drawn like credits draw them (for tests)."""
        return draw_person_id(sub_rng(self.seed, "any-person", salt))
