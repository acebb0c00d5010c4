"""OMDb (``/?apikey=..&i=tt..``) bodies: found titles, not-found and error answers.

Ratings come from the same catalogue title, so a client can join them to TMDb data;
"N/A" appears where OMDb really uses it (no Metascore, no awards, few ratings).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .seeding import sub_rng
from .titles import TitleCore

JsonDict = dict[str, Any]
IMDB_ID = re.compile(r"^tt(\d{7,8})$")

INVALID_KEY: JsonDict = {"Response": "False", "Error": "Invalid API key!"}
LIMIT_REACHED: JsonDict = {"Response": "False", "Error": "Request limit reached!"}
NO_KEY: JsonDict = {"Response": "False", "Error": "No API key provided."}
INCORRECT_ID: JsonDict = {"Response": "False", "Error": "Incorrect IMDb ID."}
GETTING_DATA: JsonDict = {"Response": "False", "Error": "Error getting data."}
NOT_FOUND: JsonDict = {"Response": "False", "Error": "Movie not found!"}
NO_QUERY: JsonDict = {"Response": "False", "Error": "Something went wrong."}


def omdb_payload(
    seed: int,
    core: TitleCore,
    details: JsonDict,
    cast: list[str],
    directors: list[str],
    writers: list[str],
    total_seasons: int,
) -> JsonDict:
    """The OMDb body for a title OMDb knows (shape of omdb_movie.json / omdb_series.json)."""
    rng = sub_rng(seed, "omdb", core.kind, core.id)
    released = date.fromisoformat(core.date).strftime("%d %b %Y")
    runtime = details.get("runtime")
    votes = core.vote_count * rng.randint(5, 60)
    ratings: list[JsonDict] = []
    imdb_rating = "N/A"
    if votes and rng.random() < 0.93:
        imdb_rating = f"{min(9.9, max(1.0, core.vote_average + rng.uniform(-1, 1))):.1f}"
        ratings.append({"Source": "Internet Movie Database", "Value": f"{imdb_rating}/10"})
    if ratings and rng.random() < 0.5:
        ratings.append({"Source": "Rotten Tomatoes", "Value": f"{rng.randint(5, 100)}%"})
    metascore = "N/A"
    if ratings and core.kind == "movie" and rng.random() < 0.45:
        metascore = str(rng.randint(20, 95))
        ratings.append({"Source": "Metacritic", "Value": f"{metascore}/100"})
    r = rng.random()
    awards = (
        "N/A"
        if r < 0.6
        else f"{rng.randint(1, 30)} wins & {rng.randint(1, 60)} nominations total"
        if r < 0.95
        else f"Won {rng.randint(1, 4)} Oscars. "
        f"{rng.randint(5, 90)} wins & {rng.randint(5, 150)} nominations total"
    )
    genre_names = ", ".join(g["name"] for g in details.get("genres", [])) or "N/A"
    body: JsonDict = {
        "Title": core.title,
        "Year": str(core.year),
        "Rated": rng.choice(("PG", "PG-13", "R", "Not Rated", "N/A", "TV-MA", "TV-14")),
        "Released": released,
        "Runtime": f"{runtime} min" if runtime else "N/A",
        "Genre": genre_names,
        "Director": ", ".join(directors) or "N/A",
        "Writer": ", ".join(writers) or "N/A",
        "Actors": ", ".join(cast[:3]) or "N/A",
        "Plot": core.overview or "N/A",
        "Language": details["spoken_languages"][0]["english_name"],
        "Country": "United States" if core.origin_country == "US" else core.origin_country,
        "Awards": awards,
        "Poster": "N/A"
        if core.poster_path is None
        else f"https://m.media-amazon.com/images/M/{core.poster_path[1:]}",
        "Ratings": ratings,
        "Metascore": metascore,
        "imdbRating": imdb_rating,
        "imdbVotes": f"{votes:,}" if imdb_rating != "N/A" else "N/A",
        "imdbID": core.imdb_id,
        "Type": "movie" if core.kind == "movie" else "series",
    }
    if core.kind == "movie":
        body["DVD"] = "N/A"
        body["BoxOffice"] = f"${details['revenue']:,}" if details.get("revenue") else "N/A"
        body["Production"] = "N/A"
        body["Website"] = "N/A"
    else:
        ended = details.get("status") in ("Ended", "Canceled")
        last = (details.get("last_air_date") or core.date)[:4]
        body["Year"] = (
            f"{core.year}–{last}"
            if ended and last != str(core.year)
            else (str(core.year) if ended else f"{core.year}–")
        )
        body["totalSeasons"] = str(total_seasons) if total_seasons else "N/A"
    body["Response"] = "True"
    return body
