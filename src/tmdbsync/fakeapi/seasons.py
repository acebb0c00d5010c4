"""TV shows: season plans, show details, season/episode payloads and their credits.

A cheap *plan* (season count, episode counts, air dates, regulars) is derived per show;
the heavy season payloads (episodes with crew and guest stars) are built from it on
demand, and episode credits are cut from the season payload so they always agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .payloads import companies, core_facts, countries, genres, spoken_languages
from .people import People, draw_people
from .seeding import hex_id, image_path, sub_rng
from .titles import TitleCore
from .vocab import CHARACTERS, NETWORKS, TV_TYPES

JsonDict = dict[str, Any]
TODAY = date(2026, 6, 1)  # fixed "now" so data never depends on the wall clock


@dataclass(frozen=True, slots=True)
class SeasonPlan:
    """What the show's ``seasons`` list needs, without building episodes."""

    number: int
    id: int
    episodes: int
    air_date: date
    regulars: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ShowPlan:
    """A show's seasons (specials first, when present) and creators."""

    seasons: tuple[SeasonPlan, ...]
    creators: tuple[int, ...]
    network: int

    @property
    def numbered(self) -> int:
        """``number_of_seasons`` (specials excluded)."""
        return sum(1 for s in self.seasons if s.number > 0)


def draw_season_count(rng: random.Random) -> int:
    """Heavy-tailed: many 1-3, some ~10-16, some over 20, a few with none."""
    r = rng.random()
    if r < 0.04:
        return 0
    if r < 0.55:
        return rng.randint(1, 3)
    if r < 0.84:
        return rng.randint(4, 9)
    if r < 0.95:
        return rng.randint(10, 16)
    return rng.randint(21, 35)


def season_id(tv_id: int, number: int) -> int:
    """Unique season id (TMDb's are separate from show ids)."""
    return tv_id * 40 + number


def episode_id(tv_id: int, number: int, episode: int) -> int:
    """Unique episode id."""
    return season_id(tv_id, number) * 32 + episode


def regular_credit_id(tv_id: int, pid: int) -> str:
    """A regular keeps one credit id across all seasons of a show."""
    return f"{tv_id:012x}{pid:012x}"


def show_plan(seed: int, core: TitleCore) -> ShowPlan:
    """Derive a show's season plan from (seed, id)."""
    rng = sub_rng(seed, "tv", core.id, "plan")
    n = draw_season_count(rng)
    first = date.fromisoformat(core.date)
    core_cast = draw_people(rng, rng.choice((0, 3, 5, 6, 8, 10, 14, 25)))
    plans: list[SeasonPlan] = []
    if n and rng.random() < 0.2:
        plans.append(
            SeasonPlan(
                0,
                season_id(core.id, 0),
                rng.randint(1, 10),
                first + timedelta(days=rng.randint(30, 400)),
                (),
            )
        )
    for s in range(1, n + 1):
        air = first + timedelta(days=(s - 1) * 365 + rng.randint(0, 60) * (s > 1))
        regs = [p for p in core_cast if rng.random() < 0.85] + draw_people(rng, rng.randint(0, 2))
        plans.append(
            SeasonPlan(
                s, season_id(core.id, s), rng.randint(6, 24), air, tuple(dict.fromkeys(regs))
            )
        )
    creators = tuple(draw_people(rng, rng.choice((0, 1, 1, 2))))
    return ShowPlan(tuple(plans), creators, rng.randrange(len(NETWORKS)))


def _episode_date(season: SeasonPlan, e: int) -> str:
    return (season.air_date + timedelta(days=7 * (e - 1))).isoformat()


def _network(index: int) -> JsonDict:
    nid, name, country = NETWORKS[index]
    return {"id": nid, "logo_path": f"/network{nid}.png", "name": name, "origin_country": country}


def _episode_stub(core: TitleCore, season: SeasonPlan, e: int) -> JsonDict:
    """Episode fields shared by season episodes and last/next_episode_to_air."""
    rng = sub_rng(core.id, season.number, e)  # cheap, seed-independent text fields
    last = e == season.episodes
    return {
        "air_date": _episode_date(season, e),
        "episode_number": e,
        "episode_type": "finale" if last and season.number else "standard",
        "id": episode_id(core.id, season.number, e),
        "name": f"Episode {e}",
        "overview": "" if rng.random() < 0.2 else f"Episode {e} of season {season.number}.",
        "production_code": "",
        "runtime": None if rng.random() < 0.1 else rng.randint(20, 65),
        "season_number": season.number,
        "show_id": core.id,
        "still_path": image_path(rng) if rng.random() < 0.8 else None,
        "vote_average": round(rng.uniform(5, 9.5), 3),
        "vote_count": rng.randint(0, 300),
    }


def _episode_to_air(core: TitleCore, plan: ShowPlan, future: bool) -> JsonDict | None:
    """last_episode_to_air / next_episode_to_air relative to the fixed TODAY."""
    today = TODAY.isoformat()
    found: tuple[SeasonPlan, int] | None = None
    for season in plan.seasons:
        if season.number == 0:
            continue
        for e in range(1, season.episodes + 1):
            aired = _episode_date(season, e) <= today
            if future and not aired:
                return _to_air(_episode_stub(core, season, e))
            if not future and aired:
                found = (season, e)
    if found is None:
        return None
    return _to_air(_episode_stub(core, found[0], found[1]))


def _to_air(stub: JsonDict) -> JsonDict:
    """Reorder a stub into the ``*_episode_to_air`` key order."""
    keys = (
        "id",
        "name",
        "overview",
        "vote_average",
        "vote_count",
        "air_date",
        "episode_number",
        "episode_type",
        "production_code",
        "runtime",
        "season_number",
        "show_id",
        "still_path",
    )
    return {k: stub[k] for k in keys}


def tv_details(seed: int, people: People, core: TitleCore, plan: ShowPlan) -> JsonDict:
    """``GET /tv/{id}`` body without appends (shape of tv_details.json)."""
    rng = sub_rng(seed, "tv-details", core.id)
    prod = companies(rng)
    last = _episode_to_air(core, plan, future=False)
    nxt = _episode_to_air(core, plan, future=True)
    created_by = []
    for pid in plan.creators:
        base = people.base(pid)
        created_by.append(
            {
                "id": pid,
                "credit_id": regular_credit_id(core.id, pid),
                "name": base["name"],
                "original_name": base["original_name"],
                "gender": base["gender"],
                "profile_path": base["profile_path"],
            }
        )
    seasons = [
        {
            "air_date": s.air_date.isoformat(),
            "episode_count": s.episodes,
            "id": s.id,
            "name": "Specials" if s.number == 0 else f"Season {s.number}",
            "overview": "",
            "poster_path": image_path(rng) if rng.random() < 0.7 else None,
            "season_number": s.number,
            "vote_average": round(rng.uniform(0, 9), 1),
        }
        for s in plan.seasons
    ]
    status = (
        "Returning Series"
        if nxt
        else "Ended"
        if last
        else "Planned"
        if core.date > TODAY.isoformat()
        else "Canceled"
    )
    return {
        "adult": False,
        "backdrop_path": core.backdrop_path,
        "created_by": created_by,
        "episode_run_time": [],
        "first_air_date": core.date,
        "genres": genres(core),
        "homepage": "" if rng.random() < 0.5 else f"https://example.com/tv/{core.id}",
        "id": core.id,
        "in_production": nxt is not None,
        "languages": [core.original_language],
        "last_air_date": last["air_date"] if last else None,
        "last_episode_to_air": last,
        "name": core.title,
        "next_episode_to_air": nxt,
        "networks": [_network(plan.network)],
        "number_of_episodes": sum(s.episodes for s in plan.seasons if s.number),
        "number_of_seasons": plan.numbered,
        "origin_country": [core.origin_country],
        **core_facts(core),
        "production_companies": prod,
        "production_countries": countries(core, bool(prod)),
        "seasons": seasons,
        "softcore": False,
        "spoken_languages": spoken_languages(core),
        "status": status,
        "tagline": "",
        "type": rng.choice(TV_TYPES),
        "vote_average": core.vote_average,
        "vote_count": core.vote_count,
    }


def _regular_cast(people: People, core: TitleCore, season: SeasonPlan) -> list[JsonDict]:
    cast = []
    for order, pid in enumerate(season.regulars):
        entry = dict(people.base(pid))
        entry["character"] = CHARACTERS[(pid * 31 + core.id) % len(CHARACTERS)]
        entry["credit_id"] = regular_credit_id(core.id, pid)
        entry["order"] = order
        cast.append(entry)
    return cast


def season_payload(
    seed: int, people: People, core: TitleCore, plan: ShowPlan, season: SeasonPlan
) -> JsonDict:
    """``GET /tv/{id}/season/{n}`` body (tv_season.json): episodes carry crew + guest_stars."""
    rng = sub_rng(seed, "tv", core.id, "season", season.number)
    staff = draw_people(rng, rng.randint(2, 8))
    episodes = []
    for e in range(1, season.episodes + 1):
        ep = _episode_stub(core, season, e)
        crew = []
        for pid in rng.sample(staff, min(len(staff), rng.randint(0, 4))):
            entry = people.crew_entry(rng, pid)
            crew.append(entry)
        guests = []
        for i, pid in enumerate(
            draw_people(rng, rng.choice((0, 0, 1, 2, 3, 5, 8)), set(season.regulars))
        ):
            entry = dict(people.base(pid))
            entry["character"] = rng.choice(CHARACTERS)
            entry["credit_id"] = hex_id(rng)
            entry["order"] = len(season.regulars) + i
            guests.append(entry)
        ep["crew"] = crew
        ep["guest_stars"] = guests
        episodes.append(ep)
    return {
        "_id": hex_id(rng),
        "air_date": season.air_date.isoformat(),
        "episodes": episodes,
        "name": "Specials" if season.number == 0 else f"Season {season.number}",
        "networks": [_network(plan.network)],
        "overview": "",
        "id": season.id,
        "poster_path": image_path(rng) if rng.random() < 0.7 else None,
        "season_number": season.number,
        "vote_average": round(rng.uniform(0, 9), 1),
    }


def season_credits(seed: int, people: People, core: TitleCore, season: SeasonPlan) -> JsonDict:
    """``/tv/{id}/season/{n}/credits``: cast = that season's regulars."""
    rng = sub_rng(seed, "tv", core.id, "season-crew", season.number)
    crew = [people.crew_entry(rng, pid) for pid in draw_people(rng, rng.randint(0, 6))]
    return {"cast": _regular_cast(people, core, season), "crew": crew, "id": season.id}


def show_credits(seed: int, people: People, core: TitleCore, plan: ShowPlan) -> JsonDict:
    """``/tv/{id}/credits``: TMDb lists the latest season's regulars."""
    numbered = [s for s in plan.seasons if s.number > 0]
    if not numbered:
        return {"cast": [], "crew": [], "id": core.id}
    latest = season_credits(seed, people, core, numbered[-1])
    return {"cast": latest["cast"], "crew": latest["crew"], "id": core.id}


def aggregate_credits(seed: int, people: People, core: TitleCore, plan: ShowPlan) -> JsonDict:
    """``aggregate_credits``: every regular with roles and episode counts across seasons."""
    counts: dict[int, int] = {}
    for season in plan.seasons:
        for pid in season.regulars:
            counts[pid] = counts.get(pid, 0) + season.episodes
    cast = []
    for order, (pid, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
        entry = dict(people.base(pid))
        entry["roles"] = [
            {
                "credit_id": regular_credit_id(core.id, pid),
                "character": CHARACTERS[(pid * 31 + core.id) % len(CHARACTERS)],
                "episode_count": n,
            }
        ]
        entry["total_episode_count"] = n
        entry["order"] = order
        cast.append(entry)
    rng = sub_rng(seed, "tv", core.id, "aggregate-crew")
    total = max(1, sum(s.episodes for s in plan.seasons))
    crew = []
    for pid in draw_people(rng, rng.randint(0, 6) if plan.seasons else 0):
        credit = people.crew_entry(rng, pid)
        n = rng.randint(1, total)
        entry = {k: v for k, v in credit.items() if k not in ("credit_id", "department", "job")}
        entry["jobs"] = [
            {"credit_id": credit["credit_id"], "job": credit["job"], "episode_count": n}
        ]
        entry["department"] = credit["department"]
        entry["total_episode_count"] = n
        crew.append(entry)
    return {"cast": cast, "crew": crew, "id": core.id}
