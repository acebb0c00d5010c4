"""Title cores and show plans by id (cached): what every catalogue lookup starts from."""

from __future__ import annotations

from functools import lru_cache

from . import seasons as tvp
from .months import MonthIndex, MonthKey
from .people import People
from .titles import TitleCore, make_core


class Ground:
    """The seed, the month index and the people pool, with cached cores and plans."""

    def __init__(
        self, seed: int = 42, scale: float = 1.0, huge_months: dict[MonthKey, int] | None = None
    ) -> None:
        self.seed = seed
        self.months = MonthIndex(seed, scale, huge_months)
        self.people = People(seed)
        self._core = lru_cache(maxsize=100_000)(self._make_core)
        self._plan = lru_cache(maxsize=20_000)(self._make_plan)

    def _make_core(self, kind: str, title_id: int, when: str) -> TitleCore:
        return make_core(self.seed, kind, title_id, when)

    def _make_plan(self, core: TitleCore) -> tvp.ShowPlan:
        return tvp.show_plan(self.seed, core)

    def core(self, kind: str, title_id: int) -> TitleCore | None:
        """A title's core facts, or None if it does not exist (or drifted away)."""
        when = self.months.date_of(kind, title_id)
        return None if when is None else self._core(kind, title_id, when)

    def live(self, kind: str, title_id: int) -> TitleCore | None:
        """Like :meth:`core` but None for titles that 404 on details."""
        core = self.core(kind, title_id)
        return None if core is None or core.gone else core

    def is_gone(self, kind: str, title_id: int) -> bool:
        """True for discovered ids whose details answer 404."""
        core = self.core(kind, title_id)
        return core is not None and core.gone

    def plan(self, tv_id: int) -> tvp.ShowPlan | None:
        """A live show's season plan."""
        core = self.live("tv", tv_id)
        return None if core is None else self._plan(core)

    def month_ids(self, kind: str, year: int, month: int) -> list[int]:
        """Ids of a month in discover order (date asc, then id)."""
        return [i for _, i in self.months.month_data(kind, year, month).ordered]
