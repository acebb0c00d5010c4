"""Everything the sync writes to and reads back from the database, one part per job.

`Store` holds the parts so a run builds and passes one object; each part is a small class of its
own (titles, skipped titles, dead letters, people, OMDb and Trakt enrichment) sharing the engine
and the clock, and the row shapes they write live in rows.py, details.py and seasons.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from tmdbsync.clock import utc_now
from tmdbsync.store.enrichment import Enrichment
from tmdbsync.store.people import People
from tmdbsync.store.skips import DeadLetters, SkippedTitles
from tmdbsync.store.titles import Titles


class Store:
    """The parts of one run, built on one engine and one clock."""

    def __init__(
        self,
        engine: Engine,
        *,
        principal_cast: int = 10,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.now = now
        self.titles = Titles(engine, now, principal_cast)
        self.skips = SkippedTitles(engine, now)
        self.dead_letters = DeadLetters(engine, now)
        self.people = People(engine, now)
        self.enrichment = Enrichment(engine, now)
