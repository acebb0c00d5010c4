"""Pydantic models of TMDb, OMDb and Trakt responses: tolerant of anything but the fields we key on.

Real payloads carry nulls, empty strings for unknown dates and, now and then, a malformed item in a
long list. One bad cast entry must not cost the whole title, so scalar fields coerce or fall back
to None and list items that do not validate are dropped. Only a title's own `id` is strict: without
it nothing can be stored, and `BadPayload` says so.

This package's interface is the names below; its modules group the models by what they describe.
"""

from __future__ import annotations

from .appends import OFFER_TYPES, Image, Images
from .common import INT64, clean_text, parse
from .credits import CastCredit, Credits, CrewCredit, Job, PersonRef, Role
from .listings import ChangesPage, DiscoverItem, DiscoverPage
from .omdb import OmdbTitle, omdb_count, omdb_score, omdb_value, parse_awards
from .people import PersonDetails
from .seasons import EpisodePayload, SeasonPayload, SeasonSummary, ShowPart
from .titles import Company, Title
from .trakt import TraktRatings, TraktStats

__all__ = [
    "INT64",
    "OFFER_TYPES",
    "CastCredit",
    "ChangesPage",
    "Company",
    "Credits",
    "CrewCredit",
    "DiscoverItem",
    "DiscoverPage",
    "EpisodePayload",
    "Image",
    "Images",
    "Job",
    "OmdbTitle",
    "PersonDetails",
    "PersonRef",
    "Role",
    "SeasonPayload",
    "SeasonSummary",
    "ShowPart",
    "Title",
    "TraktRatings",
    "TraktStats",
    "clean_text",
    "omdb_count",
    "omdb_score",
    "omdb_value",
    "parse",
    "parse_awards",
]
