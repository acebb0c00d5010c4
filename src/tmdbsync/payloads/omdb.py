"""OMDb's answer and its values written as text ("N/A", "7.8/10", award sentences)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

from .common import INT32, Loose, LooseList, Text, clean_text


class OmdbRating(Loose):
    Source: Annotated[str, BeforeValidator(clean_text)]
    Value: Text = None


class OmdbTitle(Loose):
    imdbID: Text = None
    Awards: Text = None
    Ratings: LooseList[OmdbRating] = Field(default_factory=list)
    Rated: Text = None
    Plot: Text = None
    Metascore: Text = None
    imdbVotes: Text = None
    BoxOffice: Text = None


def omdb_value(text: str | None) -> str | None:
    """OMDb writes "N/A" for unknown values."""
    if text is None or text.strip() in ("", "N/A"):
        return None
    return text


_AWARD_COUNT = re.compile(r"(\d+)\s+(wins?|nominations?)", re.IGNORECASE)
_HEADLINE = re.compile(r"(Won|Nominated for)\s+(\d+)\s+\w+", re.IGNORECASE)
_SCORE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?)|(%))\s*$")
_DIGITS = re.compile(r"^\s*\$?\s*(\d[\d,]*)\s*$")


def omdb_score(value: str | None) -> int | None:
    """An OMDb rating as a number from 0 to 100: "7.8/10" -> 78, "96%" -> 96, "58/100" -> 58."""
    match = _SCORE.match(value or "")
    if match is None:
        return None
    number = float(match.group(1))
    scale = 100.0 if match.group(3) else float(match.group(2))
    if scale <= 0 or number > scale:
        return None
    return int(number * 100 / scale + 0.5)  # half up: "7.25/10" -> 73


def omdb_count(value: str | None, limit: int = INT32) -> int | None:
    """OMDb's numbers written as text: "321,557" votes, "77" Metascore, "$173,837,933"."""
    match = _DIGITS.match(value or "")
    if match is None:
        return None
    number = int(match.group(1).replace(",", ""))
    return number if number <= limit else None


def parse_awards(summary: str | None) -> tuple[int | None, int | None]:
    """Wins and nominations from OMDb's Awards sentence, in both of its forms.

    "Won 2 Oscars. 31 wins & 59 nominations total" -> (31, 59): the "total" counts already include
    the headline awards. The older "Won 1 Oscar. Another 4 wins & 19 nominations." counts the
    headline apart -> (5, 19). A headline alone ("Nominated for 1 Oscar.") counts on its own.
    """
    if not summary:
        return None, None
    wins = nominations = None
    for count, word in _AWARD_COUNT.findall(summary):
        if word.lower().startswith("win"):
            wins = int(count)
        else:
            nominations = int(count)
    headline = _HEADLINE.search(summary)
    if headline:
        count = int(headline.group(2))
        won = headline.group(1).lower() == "won"
        if "total" not in summary.lower():
            # the headline is not part of the other counts ("Another …", or nothing else)
            if won:
                wins = count + (wins or 0)
            else:
                nominations = count + (nominations or 0)
        elif won:
            wins = count if wins is None else wins
        else:
            nominations = count if nominations is None else max(nominations, count)
    if wins is None and nominations is not None:
        wins = 0
    if nominations is None and wins is not None:
        nominations = 0
    return wins, nominations
