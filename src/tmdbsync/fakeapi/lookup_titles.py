"""Movie and show lookups: ``/movie/{id}`` and ``/tv/{id}`` bodies, alone or with appends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import payloads as pl
from . import seasons as tvp
from . import title_lists as tl
from .appends import add_appends, parse_appends
from .lookup_seasons import SeasonLookups
from .payloads import NO_LANG, LangOpts
from .titles import TitleCore

JsonDict = dict[str, Any]


class TitleLookups(SeasonLookups):
    """Details and sub-resources of movies and shows (a show's may append its seasons)."""

    def movie(
        self, title_id: int, appends: str | Iterable[str] | None = None, opts: LangOpts = NO_LANG
    ) -> JsonDict | None:
        """``/movie/{id}`` body with appends (unknown append names are ignored, as on TMDb)."""
        names = parse_appends(appends)
        core = self.live("movie", title_id)
        if core is None:
            return None
        body = pl.movie_details(self.seed, core)
        return add_appends(body, names, lambda name: self._title_part(core, name, opts))

    def movie_part(self, title_id: int, part: str, opts: LangOpts = NO_LANG) -> JsonDict | None:
        """``/movie/{id}/{part}`` body (with ``id``), or None for 404."""
        core = self.live("movie", title_id)
        return None if core is None else self._title_part(core, part, opts)

    def tv(
        self, tv_id: int, appends: str | Iterable[str] | None = None, opts: LangOpts = NO_LANG
    ) -> JsonDict | None:
        """``/tv/{id}`` body with appends, including ``season/N`` and ``season/N/credits``."""
        names = parse_appends(appends)
        core = self.live("tv", tv_id)
        if core is None:
            return None

        def part_of(name: str) -> JsonDict | None:
            if not name.startswith("season/"):
                return self._title_part(core, name, opts)
            bits = name.split("/")
            if not bits[1].isdigit() or len(bits) > 3:
                return None
            n = int(bits[1])
            if len(bits) == 2:
                return self.season(tv_id, n)
            return self.season_part(tv_id, n, bits[2], opts)

        body = tvp.tv_details(self.seed, self.people, core, self._plan(core))
        return add_appends(body, names, part_of)

    def tv_part(self, tv_id: int, part: str, opts: LangOpts = NO_LANG) -> JsonDict | None:
        """``/tv/{id}/{part}`` body (with ``id``), or None for 404."""
        core = self.live("tv", tv_id)
        return None if core is None else self._title_part(core, part, opts)

    def _title_part(self, core: TitleCore, part: str, opts: LangOpts) -> JsonDict | None:
        seed, people = self.seed, self.people
        if part == "credits":
            if core.kind == "tv":
                return tvp.show_credits(seed, people, core, self._plan(core))
            return pl.credits(seed, people, core)
        builders: dict[str, Callable[[], JsonDict]] = {
            "images": lambda: pl.images(seed, core, opts),
            "videos": lambda: pl.videos(seed, core, opts),
            "external_ids": lambda: pl.external_ids(seed, core),
            "keywords": lambda: tl.keywords(seed, core),
            "alternative_titles": lambda: tl.alternative_titles(seed, core),
            "translations": lambda: tl.translations(seed, core),
            "watch/providers": lambda: tl.watch_providers(seed, core),
            "recommendations": tl.empty_page,
            "similar": tl.empty_page,
        }
        if core.kind == "movie":
            builders["release_dates"] = lambda: tl.release_dates(seed, core)
        else:
            builders["content_ratings"] = lambda: tl.content_ratings(seed, core)
            builders["aggregate_credits"] = lambda: tvp.aggregate_credits(
                seed, people, core, self._plan(core)
            )
        build = builders.get(part)
        return build() if build else None
