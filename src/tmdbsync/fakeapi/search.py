"""Search helpers for tests: walk the catalogue for the first title that fits a need."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .ground import Ground
from .months import LAST_YEAR, month_index, month_of
from .titles import TitleCore


class Search(Ground):
    """``find`` / ``find_tv``: tests ask for "a show with 25+ seasons" rather than hard-code ids."""

    def iter_ids(self, kind: str, start: tuple[int, int] = (1990, 1)) -> Iterator[int]:
        """All ids from a month onwards, in discover order (for test helpers)."""
        for idx in range(month_index(*start), month_index(LAST_YEAR, 12) + 1):
            yield from self.month_ids(kind, *month_of(idx))

    def find(
        self, kind: str, pred: Callable[[TitleCore], bool], start: tuple[int, int] = (1990, 1)
    ) -> int:
        """First id (from ``start``) whose core matches ``pred``."""
        for title_id in self.iter_ids(kind, start):
            core = self.core(kind, title_id)
            if core is not None and pred(core):
                return title_id
        raise LookupError(f"no {kind} matches")

    def find_tv(
        self,
        min_seasons: int = 0,
        max_seasons: int | None = None,
        specials: bool | None = None,
        start: tuple[int, int] = (1990, 1),
    ) -> int:
        """First live show from ``start`` with a season count in range (e.g. 0, 13, 25+)."""
        hi = min_seasons if max_seasons is None and min_seasons == 0 else max_seasons

        def ok(core: TitleCore) -> bool:
            if core.gone:
                return False
            plan = self._plan(core)
            n = plan.numbered
            has_specials = any(s.number == 0 for s in plan.seasons)
            return (
                n >= min_seasons
                and (hi is None or n <= hi)
                and (specials is None or specials == has_specials)
            )

        return self.find("tv", ok, start)
