"""Which titles exist in which month, their ids and release dates.

Month sizes are drawn per (kind, year, month) up front (cheap: ~4k draws); ids are
allocated contiguously in month order so they stay small, like TMDb's. Titles added
later (huge months, drift) take ids from a separate per-month block so the base ids
never move. Per-month date lists are built lazily and cached.
"""

from __future__ import annotations

import bisect
import calendar
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from .seeding import sub_rng

FIRST_YEAR = 1874
LAST_YEAR = 2030
N_MONTHS = (LAST_YEAR - FIRST_YEAR + 1) * 12
KINDS = ("movie", "tv")
EXTRA_BASE = {"movie": 5_000_000, "tv": 2_000_000}
EXTRA_STRIDE = 20_000  # max titles added to one month (huge months, drift)

MonthKey = tuple[str, int, int]


def month_index(year: int, month: int) -> int:
    """0-based index of a month in the catalogue's calendar."""
    return (year - FIRST_YEAR) * 12 + (month - 1)


def month_of(index: int) -> tuple[int, int]:
    """Inverse of :func:`month_index`."""
    return FIRST_YEAR + index // 12, index % 12 + 1


def _decade_mean(kind: str, year: int) -> float:
    """Average titles a month: older decades are sparser, TV starts late."""
    if year < 1900:
        mean = 0.6
    elif year < 1930:
        mean = 4.0
    elif year < 1960:
        mean = 10.0
    elif year < 1990:
        mean = 18.0
    elif year < 2010:
        mean = 28.0
    else:
        mean = 38.0
    if kind == "tv":
        mean = 0.05 if year < 1930 else mean * 0.45
    return mean


@dataclass
class MonthData:
    """One month's titles: ids in allocation order, their dates, discover order."""

    ids: list[int]
    dates: list[str]
    removed: frozenset[int]
    ordered: list[tuple[str, int]] = field(default_factory=list)


class MonthIndex:
    """Month sizes, id allocation, dates and drift for both kinds."""

    def __init__(
        self, seed: int, scale: float = 1.0, huge_months: dict[MonthKey, int] | None = None
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.huge = dict(huge_months or {})
        self._drift: dict[MonthKey, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._cache: OrderedDict[MonthKey, MonthData] = OrderedDict()
        self._base: dict[str, list[int]] = {}
        self._offsets: dict[str, list[int]] = {}
        for kind in KINDS:
            counts = [self._draw_count(kind, *month_of(i)) for i in range(N_MONTHS)]
            offsets = [1]
            for c in counts:
                offsets.append(offsets[-1] + c)
            self._base[kind] = counts
            self._offsets[kind] = offsets

    def _draw_count(self, kind: str, year: int, month: int) -> int:
        """Realistic month size: some empty, most small, a few several pages."""
        rng = sub_rng(self.seed, "count", kind, year, month)
        mean = _decade_mean(kind, year)
        r = rng.random()
        if r < 0.08:
            n = 0
        elif r < 0.93:
            n = rng.randint(0, int(2 * mean + 0.5))
        else:
            n = rng.randint(int(3 * mean), int(8 * mean) + 1)
        return round(n * self.scale)

    # -- drift ---------------------------------------------------------------
    def drift(self, kind: str, year: int, month: int, add: int = 0, remove: int = 0) -> None:
        """Make ``add`` new titles appear and ``remove`` existing ones vanish (cumulative)."""
        key = (kind, year, month)
        with self._lock:
            old_add, old_remove = self._drift.get(key, (0, 0))
            self._drift[key] = (old_add + add, old_remove + remove)
            self._cache.pop(key, None)

    def reset_drift(self) -> None:
        """Forget all drift (used by test fixtures)."""
        with self._lock:
            self._drift.clear()
            self._cache.clear()

    # -- counts and ids ------------------------------------------------------
    def _extra_count(self, kind: str, year: int, month: int) -> int:
        base = self._base[kind][month_index(year, month)]
        extra = max(0, self.huge.get((kind, year, month), 0) - base)
        extra += self._drift.get((kind, year, month), (0, 0))[0]
        return min(extra, EXTRA_STRIDE)

    def month_data(self, kind: str, year: int, month: int) -> MonthData:
        """The month's titles (cached; rebuilt after drift)."""
        key = (kind, year, month)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
                return data
        data = self._build_month(kind, year, month)
        with self._lock:
            self._cache[key] = data
            if len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return data

    def _build_month(self, kind: str, year: int, month: int) -> MonthData:
        idx = month_index(year, month)
        start = self._offsets[kind][idx]
        ids = list(range(start, start + self._base[kind][idx]))
        extra_start = EXTRA_BASE[kind] + idx * EXTRA_STRIDE
        ids += range(extra_start, extra_start + self._extra_count(kind, year, month))
        rng = sub_rng(self.seed, "days", kind, year, month)
        last_day = calendar.monthrange(year, month)[1]
        prefix = f"{year:04d}-{month:02d}-"
        dates = [f"{prefix}{rng.randint(1, last_day):02d}" for _ in ids]
        removed: frozenset[int] = frozenset()
        n_add, n_remove = self._drift.get((kind, year, month), (0, 0))
        if n_remove:
            order = ids[: len(ids) - n_add]  # drift removes pre-existing titles only
            sub_rng(self.seed, "removal", kind, year, month).shuffle(order)
            removed = frozenset(order[:n_remove])
        ordered = sorted((d, i) for d, i in zip(dates, ids, strict=True) if i not in removed)
        return MonthData(ids=ids, dates=dates, removed=removed, ordered=ordered)

    def top_id(self, kind: str) -> int:
        """One past the highest base id of ``kind``."""
        return self._offsets[kind][-1]

    def locate(self, kind: str, title_id: int) -> tuple[int, int, int] | None:
        """(year, month, position) of a title id, or None if it never existed."""
        if kind not in self._offsets or title_id < 1:
            return None
        if title_id >= EXTRA_BASE[kind]:
            idx, pos = divmod(title_id - EXTRA_BASE[kind], EXTRA_STRIDE)
            if idx >= N_MONTHS:
                return None
            year, month = month_of(idx)
            if pos >= self._extra_count(kind, year, month):
                return None
            return year, month, self._base[kind][idx] + pos
        offsets = self._offsets[kind]
        if title_id >= offsets[-1]:
            return None
        idx = bisect.bisect_right(offsets, title_id) - 1
        year, month = month_of(idx)
        return year, month, title_id - offsets[idx]

    def date_of(self, kind: str, title_id: int) -> str | None:
        """Release / first-air date of a live title; None if unknown or removed by drift."""
        loc = self.locate(kind, title_id)
        if loc is None:
            return None
        data = self.month_data(kind, loc[0], loc[1])
        if title_id in data.removed:
            return None
        return data.dates[loc[2]]

    def window(self, kind: str, gte: date, lte: date) -> list[tuple[str, int]]:
        """(date, id) of titles dated in [gte, lte], sorted by date then id."""
        lo = max(gte, date(FIRST_YEAR, 1, 1))
        hi = min(lte, date(LAST_YEAR, 12, 31))
        if lo > hi or kind not in self._base:
            return []
        lo_s, hi_s = lo.isoformat(), hi.isoformat()
        out: list[tuple[str, int]] = []
        for idx in range(month_index(lo.year, lo.month), month_index(hi.year, hi.month) + 1):
            year, month = month_of(idx)
            if not self._base[kind][idx] and not self._extra_count(kind, year, month):
                continue
            ordered = self.month_data(kind, year, month).ordered
            if ordered and lo_s <= ordered[0][0] and ordered[-1][0] <= hi_s:
                out += ordered
            else:
                out += [e for e in ordered if lo_s <= e[0] <= hi_s]
        return out
