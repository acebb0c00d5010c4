"""Peak RSS of one request against an oversized, an endless and a gzip-bomb body.

Each request runs in a fresh child process (its own peak RSS), against the bundled fake in this
process. `httpx` is what ApiClient did before the cap (follow redirects, read the whole body,
parse it); `tmdbsync` is ApiClient now (TMDBSYNC_MAX_RESPONSE_MB, default 64).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tmdbsync.fakeapi import FakeApi
from tmdbsync.fakeapi.hostile import HostileBody, gzip_bomb, oversized

PATH = "/genre/movie/list"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _httpx(base: str, key: str) -> str:
    async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=120) as client:
        response = await client.get(PATH, params={"api_key": key})
        try:
            response.json()
        except ValueError as exc:
            return f"read {len(response.content):,} bytes, then {type(exc).__name__}"
        return f"read {len(response.content):,} bytes"


async def _tmdbsync(base: str, key: str, cap_mb: int) -> str:
    from tmdbsync.db.engine import make_engine, upgrade
    from tmdbsync.http import ApiClient
    from tmdbsync.quota import QuotaLedger
    from tmdbsync.ratelimit import RateLimiter

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'ledger.db'}")
        upgrade(engine)
        client = ApiClient(
            provider="tmdb",
            base_url=base,
            ledger=QuotaLedger(engine, "tmdb", 0, 0.5),
            limiter=RateLimiter(100, 1.0),
            auth_params={"api_key": key},
            timeout=120,
            max_body_bytes=cap_mb << 20,
        )
        try:
            async with client:
                await client.get(PATH, bucket="movie")
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}".split(" (refused")[0]
        finally:
            engine.dispose()
        return "accepted"


def child(client: str, base: str, key: str, cap_mb: int) -> None:
    baseline = _peak_mb()
    if client == "httpx":
        outcome = asyncio.run(_httpx(base, key))
    else:
        outcome = asyncio.run(_tmdbsync(base, key, cap_mb))
    print(json.dumps({"outcome": outcome, "baseline": baseline, "peak": _peak_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024, help="finite bodies (decompressed)")
    parser.add_argument("--cap-mb", type=int, default=64, help="TMDBSYNC_MAX_RESPONSE_MB")
    parser.add_argument("--skip-httpx", action="store_true", help="only the capped client")
    parser.add_argument("--child", nargs=2, metavar=("CLIENT", "BASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], "fake-tmdb-key", args.cap_mb)
        return
    size = args.size_mb << 20
    cases: list[tuple[str, HostileBody]] = [
        (f"plain {args.size_mb} MB", oversized(size)),
        (f"gzip bomb {args.size_mb} MB", gzip_bomb(size)),
        ("endless plain", oversized(None)),
        ("endless gzip", gzip_bomb(None)),
    ]
    clients = ["tmdbsync"] if args.skip_httpx else ["httpx", "tmdbsync"]
    print(f"{'body':<22} {'client':<9} {'peak RSS MB':>11} {'baseline':>9}  outcome")
    with FakeApi() as fake:
        for name, body in cases:
            for client in clients:
                if client == "httpx" and body.size is None:
                    continue  # unbounded: it grows until memory or the timeout runs out
                fake.clear_scripts()
                fake.script(PATH, [body])
                command = [sys.executable, __file__, "--cap-mb", str(args.cap_mb)]
                run = subprocess.run(
                    [*command, "--child", client, fake.tmdb_url],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(run.stdout)
                print(
                    f"{name:<22} {client:<9} {result['peak']:>11.0f} {result['baseline']:>9.0f}"
                    f"  {result['outcome'][:110]}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
