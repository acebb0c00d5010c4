"""Time to mirror the real catalogue: requests and days, discover walk vs daily ID exports.

    python bench/time_to_mirror.py [--movies 1100000] [--shows 200000] [--people 3000000]
                                   [--seasons 3.5] [--principal-share 0.25]

Arithmetic from the catalogue's sizes, not a run. Both sources fetch each title once (a movie
one request, a show ⌈(7 + 2·S) / 20⌉ for S seasons, S the average) and each enriched person once
(`principal` enriches about `--principal-share` of the people credited; `all` every one). They
differ in how titles are found: discover pays a listing request per 20 titles (plus one per
month and per split window; pages past 500 are out of reach, and movies without a US release
are never listed: the share below is an estimate), exports pay nothing (files.tmdb.org is not
the API) but list every id, adult ones aside. Rates: 40 requests/s (TMDb's ceiling today) and
the seed design's 1,000 requests/day.
"""

from __future__ import annotations

import argparse
import math

from _common import table as fmt_table

MONTHS = (2026 - 1874) * 12
DISCOVER_REACH = 0.6  # movies discover lists with region=US and release types 2-6 (estimate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--movies", type=int, default=1_100_000)
    parser.add_argument("--shows", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=3_000_000)
    parser.add_argument("--seasons", type=float, default=3.5)
    parser.add_argument("--principal-share", type=float, default=0.25)
    args = parser.parse_args()
    per_show = math.ceil((7 + 2 * args.seasons) / 20)
    rows = [("source", "people", "titles found", "requests", "days at 40/s", "days at 1,000/day")]
    for source in ("discover", "exports"):
        movies = args.movies * (DISCOVER_REACH if source == "discover" else 1.0)
        titles = movies + args.shows
        listing = 0.0
        if source == "discover":
            listing = math.ceil(movies / 20) + math.ceil(args.shows / 20) + 2 * MONTHS
        content = movies + args.shows * per_show
        for policy, share in (("none", 0.0), ("principal", args.principal_share), ("all", 1.0)):
            requests = listing + content + args.people * share
            rows.append(
                (
                    source,
                    policy,
                    f"{titles:,.0f}",
                    f"{requests:,.0f}",
                    f"{requests / 40 / 86_400:,.1f}",
                    f"{requests / 1_000:,.0f}",
                )
            )
    print(fmt_table(rows))


if __name__ == "__main__":
    main()
