"""What the richer bundle costs: response bytes and CPU per title, old appends against new.

    python bench/payload_cost.py [--movies 300] [--shows 60]

Builds the fake catalogue's details responses in process (no HTTP: bytes and CPU are the
payload's, not the network's) for the first movies and shows of 2024, once with the appends the
sync asked for before the data-completeness work (`credits,images,videos,external_ids,keywords`)
and once with today's (`MOVIE_APPENDS` / `TV_APPENDS`, the show's seasons in both), then measures
per title: JSON bytes, CPU to decode and parse (json.loads + build_bundle), and CPU to store
(`Store.titles.save_batch` a page of 20 per transaction, fresh SQLite file each run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import table as fmt_table
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.fakeapi.catalogue import Catalogue
from tmdbsync.fakeapi.payloads import LangOpts
from tmdbsync.kinds import Kind
from tmdbsync.store import Store
from tmdbsync.sync.bundle import build_bundle
from tmdbsync.sync.fetch import MOVIE_APPENDS, TV_APPENDS, language_params, season_appends

OLD_APPENDS = ("credits", "images", "videos", "external_ids", "keywords")


def _bodies(catalogue: Catalogue, kind: Kind, count: int, appends: Sequence[str]) -> list[bytes]:
    bodies = []
    for tmdb_id in catalogue.iter_ids(kind, (2024, 1)):
        core = catalogue.live(kind, tmdb_id)
        if core is None:
            continue
        opts = LangOpts(**language_params(core.original_language))
        body: dict[str, Any] | None
        if kind == "movie":
            body = catalogue.movie(tmdb_id, appends, opts)
        else:
            plan = catalogue.plan(tmdb_id)
            assert plan is not None
            numbers = [s.number for s in plan.seasons]
            body = catalogue.tv(tmdb_id, appends, opts)
            seasons = season_appends(numbers, True)
            for first in range(0, len(seasons), 20):  # merged into one body, as the sync does
                chunk = seasons[first : first + 20]
                extra = catalogue.tv(tmdb_id, chunk, opts) or {}
                body = {**(body or {}), **{k: extra[k] for k in chunk if k in extra}}
        if body is not None:
            bodies.append(json.dumps(body).encode())
        if len(bodies) == count:
            return bodies
    return bodies


def _measure(kind: Kind, bodies: list[bytes]) -> tuple[float, float, float]:
    """(bytes, parse ms, store ms) per title."""
    start = time.process_time()
    bundles = [build_bundle(kind, json.loads(body)) for body in bodies]
    parse = time.process_time() - start
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'cost.db'}")
        upgrade(engine)
        store = Store(engine)
        start = time.process_time()
        for first in range(0, len(bundles), 20):
            store.titles.save_batch(bundles[first : first + 20])
        stored = time.process_time() - start
        engine.dispose()
    n = max(1, len(bodies))
    return sum(map(len, bodies)) / n, parse * 1000 / n, stored * 1000 / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=300)
    parser.add_argument("--shows", type=int, default=60)
    args = parser.parse_args()
    catalogue = Catalogue(seed=42)
    rows = [("title", "appends", "bytes/title", "parse ms/title", "store ms/title")]
    plans: list[tuple[Kind, int, Sequence[str]]] = [
        ("movie", args.movies, MOVIE_APPENDS),
        ("tv", args.shows, TV_APPENDS),
    ]
    for kind, count, new in plans:
        if not count:
            continue
        for label, appends in (("before", OLD_APPENDS), ("after", new)):
            size, parse, store = _measure(kind, _bodies(catalogue, kind, count, appends))
            rows.append((kind, label, f"{size:,.0f}", f"{parse:.2f}", f"{store:.2f}"))
    print(fmt_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
