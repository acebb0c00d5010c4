"""The paged id listings we walk: discover and the change feed."""

from __future__ import annotations

from pydantic import Field

from .common import Bool, Int, Loose, LooseList, Text, TmdbId


class Paged(Loose):
    page: Int = None
    total_pages: Int = None
    total_results: Int = None


class DiscoverItem(Loose):
    id: TmdbId
    original_language: Text = None


class DiscoverPage(Paged):
    results: LooseList[DiscoverItem] = Field(default_factory=list)


class ChangeItem(Loose):
    id: TmdbId
    adult: Bool = None


class ChangesPage(Paged):
    results: LooseList[ChangeItem] = Field(default_factory=list)
