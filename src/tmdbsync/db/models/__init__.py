"""The schema of CONTRACT.md as SQLAlchemy 2 models (the Alembic migrations mirror this package).

Child rows (cast, crew, images, …) carry no natural unique key: a re-sync replaces a title's
children in one transaction, so duplicates cannot build up and odd payloads (a credit listed twice)
still store.

Every model is imported here, so `Base.metadata` holds every table once this package is imported
(Alembic's env and the migration test compare against it).
"""

from __future__ import annotations

from .base import Base
from .catalogue import ContentChangeLog, ExportLine, ExportLog, TitleQueue
from .content import Collection, Content, ContentSeason, Episode
from .details import (
    Company,
    ContentAlternativeTitle,
    ContentCompany,
    ContentCountry,
    ContentCreator,
    ContentGenre,
    ContentImage,
    ContentKeyword,
    ContentLanguage,
    ContentNetwork,
    ContentRelease,
    ContentTranslation,
    ContentVideo,
    ContentWatchProvider,
    Genre,
    Keyword,
    Network,
    WatchProvider,
)
from .enrichment import ContentAward, ContentRating, ContentTrakt
from .failures import DeadLetter, SkippedTitle
from .people import (
    ContentCast,
    ContentCrew,
    EpisodeCast,
    EpisodeCrew,
    Person,
    PersonAlias,
    PersonImage,
)
from .sync import ApiUsage, ContentSyncLog, ContentSyncWindow, SyncLock, SyncRun

__all__ = [
    "ApiUsage",
    "Base",
    "Collection",
    "Company",
    "Content",
    "ContentAlternativeTitle",
    "ContentAward",
    "ContentCast",
    "ContentChangeLog",
    "ContentCompany",
    "ContentCountry",
    "ContentCreator",
    "ContentCrew",
    "ContentGenre",
    "ContentImage",
    "ContentKeyword",
    "ContentLanguage",
    "ContentNetwork",
    "ContentRating",
    "ContentRelease",
    "ContentSeason",
    "ContentSyncLog",
    "ContentSyncWindow",
    "ContentTrakt",
    "ContentTranslation",
    "ContentVideo",
    "ContentWatchProvider",
    "DeadLetter",
    "Episode",
    "EpisodeCast",
    "EpisodeCrew",
    "ExportLine",
    "ExportLog",
    "Genre",
    "Keyword",
    "Network",
    "Person",
    "PersonAlias",
    "PersonImage",
    "SkippedTitle",
    "SyncLock",
    "SyncRun",
    "TitleQueue",
    "WatchProvider",
]
