"""The core facts of one title (what discover lists and every other payload reuses)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .seeding import image_path, sub_rng
from .vocab import LANGUAGES, MOVIE_GENRES, OVERVIEW_WORDS, TITLE_WORDS, TV_GENRES

_LANG_CODES = tuple(lang[0] for lang in LANGUAGES)
_LANG_WEIGHTS = tuple(lang[4] for lang in LANGUAGES)
_LANG_COUNTRY = {lang[0]: lang[3] for lang in LANGUAGES}
GONE_RATE = 0.01  # discovered, but 404 on details ("deleted between discover and details")


@dataclass(frozen=True, slots=True)
class TitleCore:
    """Facts shared by the discover item and the details of a title."""

    kind: str
    id: int
    date: str
    title: str
    original_title: str
    original_language: str
    overview: str
    genre_ids: tuple[int, ...]
    popularity: float
    vote_average: float
    vote_count: int
    poster_path: str | None
    backdrop_path: str | None
    origin_country: str
    imdb_id: str | None
    omdb: str  # "ok" | "error" (Error getting data.) | "incorrect" (Incorrect IMDb ID.)
    gone: bool

    @property
    def year(self) -> int:
        """Release / first-air year."""
        return int(self.date[:4])


def imdb_number(kind: str, title_id: int) -> int:
    """IMDb numeric id of a title; even for movies, odd for TV (so OMDb can decode it)."""
    return 1_000_000 + 2 * title_id + (1 if kind == "tv" else 0)


def decode_imdb(number: int) -> tuple[str, int]:
    """Inverse of :func:`imdb_number`: (kind, title id)."""
    rest = number - 1_000_000
    return ("tv" if rest % 2 else "movie"), rest // 2


def make_title(rng: random.Random, lang: str) -> str:
    """A title in the given language (CJK joined without spaces)."""
    words = rng.sample(TITLE_WORDS[lang], k=min(len(TITLE_WORDS[lang]), rng.randint(1, 3)))
    sep = "" if lang in ("ja", "zh") else " "
    return sep.join(words)


def make_core(seed: int, kind: str, title_id: int, when: str) -> TitleCore:
    """Generate a title's core facts from (seed, kind, id) alone."""
    rng = sub_rng(seed, kind, title_id)
    lang = rng.choices(_LANG_CODES, _LANG_WEIGHTS)[0]
    original = make_title(rng, lang)
    title = original if lang == "en" or rng.random() < 0.4 else make_title(rng, "en")
    n_words = 0 if rng.random() < 0.08 else rng.randint(8, 40)
    overview = " ".join(rng.choices(OVERVIEW_WORDS, k=n_words)).capitalize()
    if overview:
        overview += "."
    genres = MOVIE_GENRES if kind == "movie" else TV_GENRES
    n_genres = 0 if rng.random() < 0.07 else rng.randint(1, 3)
    genre_ids = tuple(g for g, _ in rng.sample(genres, n_genres))
    vote_count = 0 if rng.random() < 0.3 else int(10 ** rng.uniform(0, 4.5))
    vote_average = round(rng.uniform(3, 9.2), 3) if vote_count else 0.0
    has_imdb = rng.random() < (0.88 if kind == "movie" else 0.7)
    r = rng.random()
    omdb = "ok" if r < 0.9 else ("error" if r < 0.97 else "incorrect")
    return TitleCore(
        kind=kind,
        id=title_id,
        date=when,
        title=title,
        original_title=original,
        original_language=lang,
        overview=overview,
        genre_ids=genre_ids,
        popularity=round(10 ** rng.uniform(-1, 2.5), 4),
        vote_average=vote_average,
        vote_count=vote_count,
        poster_path=image_path(rng) if rng.random() < 0.8 else None,
        backdrop_path=image_path(rng) if rng.random() < 0.65 else None,
        origin_country=_LANG_COUNTRY[lang] if rng.random() < 0.85 else "US",
        imdb_id=f"tt{imdb_number(kind, title_id):07d}" if has_imdb else None,
        omdb=omdb,
        gone=rng.random() < GONE_RATE,
    )
