"""Requests per title: tmdbsync's request economy against the seed design's literal plan.

    python bench/requests_per_title.py [--start 2024-01] [--end 2024-03] [--scale 1]

Syncs a fixed fake catalogue (default three months of movies and TV, unlimited quota, people
policy `all` so every credited person is enriched, OMDb on) with the real `sync_contents`, then
fetches the same catalogue by the seed-literal plan (bench/seed_literal.py), and prints the
requests each spent, counted by the fake's /__stats per endpoint.

Goals: <= 1.05 TMDb requests per movie; per show <= ceil((9 + 2*S) / 20) + 0.05 for S seasons;
exactly 1 request per distinct person; 1 OMDb request per title with an IMDb id.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from _common import FakeProcess, RequestLog, bench_settings, fresh_database, migrated_engine
from _common import run_sync as sync
from _common import table as fmt_table
from seed_literal import run_seed_literal
from tmdbsync.db.models import (
    Content,
    ContentCast,
    ContentCrew,
    ContentSeason,
    ContentSyncLog,
    EpisodeCast,
    EpisodeCrew,
    Person,
    SkippedTitle,
)
from tmdbsync.settings import YearMonth


def show_minimum(seasons: int) -> int:
    """Fewest /tv/{id} requests for a show of S numbered seasons (+ specials): the goal's bound."""
    return math.ceil((9 + 2 * seasons) / 20)


def _sum(stats: dict[str, int], prefix: str) -> int:
    return sum(n for endpoint, n in stats.items() if endpoint.startswith(prefix))


def _db_facts(engine: Engine) -> dict[str, Any]:
    with engine.connect() as c:
        movies = c.scalar(select(func.count()).where(Content.type == "movie")) or 0
        shows = c.scalar(select(func.count()).where(Content.type == "tv")) or 0
        skipped = dict(
            c.execute(select(SkippedTitle.type, func.count()).group_by(SkippedTitle.type))
            .tuples()
            .all()
        )
        seasons = dict(
            c.execute(
                select(Content.tmdb_id, func.count(ContentSeason.id))
                .select_from(Content)
                .outerjoin(
                    ContentSeason,
                    (ContentSeason.content_id == Content.id) & (ContentSeason.season_number >= 1),
                )
                .where(Content.type == "tv")
                .group_by(Content.tmdb_id)
            )
            .tuples()
            .all()
        )
        pages_min = {
            kind: sum(max(1, math.ceil((n or 0) / 20)) for n in counts)
            for kind in ("movie", "tv")
            for counts in [
                c.scalars(
                    select(ContentSyncLog.total_results).where(ContentSyncLog.type == kind)
                ).all()
            ]
        }
        with_imdb = c.scalar(select(func.count()).where(Content.imdb_id.is_not(None))) or 0
        people = c.scalar(select(func.count()).select_from(Person)) or 0
        enriched = c.scalar(select(func.count()).where(Person.enriched_at.is_not(None))) or 0
        credits = sum(
            c.scalar(select(func.count()).select_from(model)) or 0
            for model in (ContentCast, ContentCrew, EpisodeCast, EpisodeCrew)
        )
    return {
        "movies": movies,
        "shows": shows,
        "skipped": skipped,
        "seasons": seasons,
        "pages_min": pages_min,
        "with_imdb": with_imdb,
        "people": people,
        "enriched": enriched,
        "credit_rows": credits,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", default="2024-01", help="first month (YYYY-MM)")
    parser.add_argument("--end", default="2024-03", help="last month (YYYY-MM)")
    parser.add_argument("--scale", type=float, default=1.0, help="fake catalogue size factor")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--people",
        choices=("all", "none"),
        default="all",
        help="`none` skips people in both plans (quicker runs on a larger --scale)",
    )
    args = parser.parse_args()
    start, end = YearMonth.parse(args.start), YearMonth.parse(args.end)

    with FakeProcess(seed=args.seed, scale=args.scale) as fake, fresh_database("sqlite") as url:
        engine = migrated_engine(url)
        settings = bench_settings(fake, url, start=start, end=end, people=args.people)
        with RequestLog() as log:
            summary, elapsed = sync(settings, engine)
        ours: dict[str, int] = fake.stats()["by_endpoint"]
        facts = _db_facts(engine)
        engine.dispose()
        fake.reset_stats()
        literal = asyncio.run(
            run_seed_literal(fake.tmdb_url, fake.omdb_url, start, end, people=args.people == "all")
        )
        theirs: dict[str, int] = fake.stats()["by_endpoint"]

    movies = facts["movies"] + facts["skipped"].get("movie", 0)
    shows = facts["shows"] + facts["skipped"].get("tv", 0)
    if movies != literal.movies or shows != literal.shows:
        print(
            f"warning: sync saw {movies} movies / {shows} shows, "
            f"seed-literal {literal.movies} / {literal.shows}"
        )

    # tmdbsync
    m_discover, t_discover = ours.get("discover/movie", 0), ours.get("discover/tv", 0)
    m_details, t_details = _sum(ours, "movie/"), _sum(ours, "tv/")
    people_req, omdb_req = ours.get("person/{id}", 0), ours.get("omdb", 0)
    # seed-literal
    l_m = theirs.get("discover/movie", 0) + _sum(theirs, "movie/")
    l_t = theirs.get("discover/tv", 0) + _sum(theirs, "tv/")
    l_people, l_omdb = theirs.get("person/{id}", 0), theirs.get("omdb", 0)

    # per show, from the client-side log of /tv/{id} attempts, against its season count
    per_show = Counter(
        int(path.split("/")[2])
        for provider, path, _ in log.entries
        if provider == "tmdb" and path.startswith("/tv/") and path.count("/") == 2
    )
    actual_sum = minimum_sum = at_min = 0
    by_seasons: dict[str, list[int]] = {}
    for tmdb_id in sorted(set(per_show) | set(facts["seasons"])):
        seasons = facts["seasons"].get(tmdb_id, 0)  # a show gone (404) since discover: 0
        actual, minimum = per_show[tmdb_id], show_minimum(seasons)
        actual_sum += actual
        minimum_sum += minimum
        at_min += actual <= minimum
        group = "0-6" if seasons <= 6 else "7-16" if seasons <= 16 else "17+"
        cell = by_seasons.setdefault(group, [0, 0, 0])
        cell[0] += 1
        cell[1] += actual
        cell[2] += minimum
    listed_shows = sum(cell[0] for cell in by_seasons.values())
    goal_show = minimum_sum / max(1, shows) + 0.05

    total_ours = m_discover + m_details + t_discover + t_details + people_req + omdb_req
    total_lit = l_m + l_t + l_people + l_omdb
    lit_movie_min = 6 + 1 / 20
    seasons_total = literal.seasons
    episodes_total = literal.episodes

    print(
        f"catalogue  {start}..{end}, scale {args.scale:g}, seed {args.seed}: "
        f"{movies} movies ({facts['skipped'].get('movie', 0)} gone), "
        f"{shows} shows ({facts['skipped'].get('tv', 0)} gone), "
        f"{seasons_total} seasons, {episodes_total} episodes"
    )
    print(
        f"sync       {elapsed:.1f} s, {summary.movie.titles + summary.tv.titles} titles stored, "
        f"{summary.movie.people + summary.tv.people} people enriched, "
        f"{summary.movie.omdb + summary.tv.omdb} OMDb records"
    )
    print()
    rows = [
        ("", "tmdbsync", "seed-literal", "ratio", "goal"),
        (
            "TMDb requests per movie",
            f"{(m_discover + m_details) / max(1, movies):.3f}",
            f"{l_m / max(1, movies):.3f}",
            f"{l_m / max(1, m_discover + m_details):.1f}x",
            "<= 1.05",
        ),
        (
            "  details per movie",
            f"{m_details / max(1, movies):.3f}",
            f"{(l_m - theirs.get('discover/movie', 0)) / max(1, movies):.3f}",
            "",
            "1 (literal 6)",
        ),
        (
            "  discover per movie",
            f"{m_discover / max(1, movies):.3f}",
            f"{theirs.get('discover/movie', 0) / max(1, movies):.3f}",
            "",
            f"1/20 (literal {lit_movie_min:.2f} total)",
        ),
        (
            "TMDb requests per show",
            f"{(t_discover + t_details) / max(1, shows):.3f}",
            f"{l_t / max(1, shows):.3f}",
            f"{l_t / max(1, t_discover + t_details):.1f}x",
            f"<= {goal_show:.3f} (mean min + 0.05)",
        ),
        (
            "people requests",
            f"{people_req}",
            f"{l_people}",
            f"{l_people / max(1, people_req):.1f}x",
            "",
        ),
        (
            "  per distinct person",
            f"{people_req / max(1, facts['people']):.3f}",
            f"{l_people / max(1, len(literal.people)):.3f}",
            "",
            "= 1",
        ),
        (
            "OMDb requests per title",
            f"{omdb_req / max(1, facts['with_imdb']):.3f}",
            f"{l_omdb / max(1, literal.omdb_titles):.3f}",
            "",
            "= 1 (titles with an IMDb id)",
        ),
        (
            "content requests (TMDb, no people)",
            f"{m_discover + m_details + t_discover + t_details}",
            f"{l_m + l_t}",
            f"{(l_m + l_t) / max(1, m_discover + m_details + t_discover + t_details):.1f}x",
            "",
        ),
        ("all requests", f"{total_ours}", f"{total_lit}", f"{total_lit / total_ours:.1f}x", ""),
    ]
    print(fmt_table(rows))
    print()
    print("per show /tv/{id} requests vs the minimum ceil((9 + 2*S) / 20), S = numbered seasons")
    srows = [("seasons S", "shows", "actual", "minimum", "actual/show", "seed-literal 6+S+2E")]
    for group in ("0-6", "7-16", "17+"):
        if group in by_seasons:
            n, actual, minimum = by_seasons[group]
            srows.append((group, str(n), str(actual), str(minimum), f"{actual / n:.2f}", ""))
    srows.append(
        (
            "all shows",
            str(listed_shows),
            str(actual_sum),
            str(minimum_sum),
            f"{actual_sum / max(1, listed_shows):.2f}",
            f"{(l_t - theirs.get('discover/tv', 0)) / max(1, shows):.1f} per show",
        )
    )
    print(fmt_table(srows))
    print(
        f"shows at their minimum: {at_min}/{listed_shows}; "
        f"discover adds {t_discover / max(1, shows):.3f} per show"
    )
    print()
    print(
        f"discover pages: movies {m_discover} (minimum sum of ceil(n/20) over the months: "
        f"{facts['pages_min']['movie']}), TV {t_discover} "
        f"(minimum {facts['pages_min']['tv']}); 1/20 a title needs months of 20·k titles, "
        f"short last pages of a month add the rest"
    )
    print()
    print(
        f"people: {facts['people']} distinct people credited, {facts['enriched']} enriched with "
        f"{people_req} /person requests; the seed-literal plan asks once per credit: "
        f"{literal.credits} credits over {len(literal.people)} people = "
        f"{literal.credits / max(1, len(literal.people)):.2f} credits per distinct person "
        f"(overlap across titles and episodes)"
    )

    verdicts = [
        ("details: 1 request per movie", m_details <= movies),
        ("details: every show at ceil((9 + 2*S) / 20)", actual_sum <= minimum_sum),
        (
            "discover: one request per page, the minimum",
            m_discover + t_discover <= facts["pages_min"]["movie"] + facts["pages_min"]["tv"],
        ),
        ("TMDb per movie <= 1.05", (m_discover + m_details) / max(1, movies) <= 1.05),
        (
            "TMDb per show <= min + 0.05",
            (actual_sum + t_discover) / max(1, shows) <= goal_show + 1e-9,
        ),
    ]
    if args.people == "all":
        verdicts.append(("1 request per distinct person", people_req == facts["people"]))
    print()
    for name, ok in verdicts:
        print(f"{'met   ' if ok else 'MISSED'}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
