"""OMDb's values as numbers: rating scores 0-100, votes, Metascore, box office, awards counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.sync_support import rows
from tmdbsync.payloads import OmdbTitle, omdb_count, omdb_score, parse, parse_awards
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("7.8/10", 78),
        ("96%", 96),
        ("58/100", 58),
        ("10/10", 100),
        ("0%", 0),
        ("7.25/10", 73),
        ("N/A", None),
        ("", None),
        (None, None),
        ("11/10", None),
        ("Certified Fresh", None),
    ],
)
def test_a_rating_value_becomes_a_score_from_0_to_100(value: str | None, score: int | None) -> None:
    assert omdb_score(value) == score


def _recorded_titles(samples: Path) -> list[OmdbTitle]:
    titles = []
    for path in sorted(samples.glob("omdb_*.json")):
        raw = json.loads(path.read_text())
        if raw.get("Response") == "True" and "Ratings" in raw:
            titles.append(parse(OmdbTitle, raw, path.name))
    return titles


def test_every_recorded_rating_form_gets_its_score(samples_dir: Path) -> None:
    ratings = [r for title in _recorded_titles(samples_dir) for r in title.Ratings]
    sources = {r.Source for r in ratings}
    assert sources == {"Internet Movie Database", "Rotten Tomatoes", "Metacritic"}
    for rating in ratings:
        score = omdb_score(rating.Value)
        assert score is not None, rating
        assert 0 <= score <= 100, rating
        number = rating.Value.split("/")[0].rstrip("%") if rating.Value else ""
        scale = 10 if rating.Value and rating.Value.endswith("/10") else 100
        assert score == round(float(number) * 100 / scale), rating


def test_recorded_votes_metascore_and_box_office_are_numbers(samples_dir: Path) -> None:
    titles = _recorded_titles(samples_dir)
    movie = next(t for t in titles if t.BoxOffice and t.BoxOffice.startswith("$"))
    assert movie.BoxOffice is not None
    assert movie.imdbVotes is not None
    assert omdb_count(movie.BoxOffice, 2**63 - 1) == int(
        movie.BoxOffice.strip("$").replace(",", "")
    )
    assert omdb_count(movie.imdbVotes) == int(movie.imdbVotes.replace(",", ""))
    for title in titles:
        assert (omdb_count(title.Metascore) is None) == (title.Metascore in (None, "N/A"))


@pytest.mark.parametrize(
    ("summary", "counts"),
    [
        ("Won 2 Oscars. 31 wins & 59 nominations total", (31, 59)),
        ("Won 1 Oscar. Another 4 wins & 19 nominations.", (5, 19)),
        ("Nominated for 2 Oscars. Another 4 wins & 19 nominations.", (4, 21)),
        ("Another 4 wins & 19 nominations.", (4, 19)),
        ("4 wins & 19 nominations.", (4, 19)),
        ("Nominated for 1 BAFTA Award3 wins & 41 nominations total", (3, 41)),
        ("Nominated for 1 Oscar.", (0, 1)),
        ("Won 3 Primetime Emmys.", (3, 0)),
        ("1 win.", (1, 0)),
        ("2 nominations.", (0, 2)),
        ("", (None, None)),
    ],
)
def test_both_awards_forms_count_wins_and_nominations(
    summary: str, counts: tuple[int | None, int | None]
) -> None:
    assert parse_awards(summary) == counts


def test_stored_omdb_ratings_carry_scores_and_the_title_its_facts(
    samples_dir: Path, engine: Engine
) -> None:
    raw = json.loads((samples_dir / "omdb_movie.json").read_text())
    store = Store(engine)
    content_id = store.titles.save(build_bundle("movie", {"id": 11, "title": "x"}))
    store.enrichment.save_omdb(content_id, parse(OmdbTitle, raw, "omdb"))

    stored = rows(
        engine,
        "select source, value, score from content_rating where content_id = :c",
        c=content_id,
    )
    assert sorted(stored) == sorted(
        (r["Source"], r["Value"], omdb_score(r["Value"])) for r in raw["Ratings"]
    )
    facts = rows(
        engine,
        "select rated, metascore, imdb_votes, box_office, plot from content where id = :c",
        c=content_id,
    )[0]
    assert facts == (
        raw["Rated"],
        int(raw["Metascore"]),
        int(raw["imdbVotes"].replace(",", "")),
        int(raw["BoxOffice"].strip("$").replace(",", "")),
        raw["Plot"],
    )
