"""Sub-seeded random streams, so every entity is generated independently and lazily.

Seeding ``random.Random`` with a string is stable across processes (it hashes the
string with SHA-512), which is what lets two fakes with the same seed agree.
"""

from __future__ import annotations

import random


def sub_rng(seed: int, *parts: object) -> random.Random:
    """A random stream unique to ``parts`` (e.g. ``("movie", 123, "credits")``)."""
    return random.Random(f"{seed}:" + ":".join(str(p) for p in parts))


def hex_id(rng: random.Random) -> str:
    """A 24-hex-digit id, like TMDb ``credit_id`` / season ``_id`` values."""
    return f"{rng.getrandbits(96):024x}"


def image_path(rng: random.Random) -> str:
    """A TMDb-looking image path (``/AbC...xyz.jpg``)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "/" + "".join(rng.choices(alphabet, k=27)) + ".jpg"


def heavy_tail(rng: random.Random, zero: float, low: int, high: int, big: int) -> int:
    """A count that is usually in [low, high], sometimes 0, rarely up to ``big``."""
    r = rng.random()
    if r < zero:
        return 0
    if r < 0.92:
        return rng.randint(low, high)
    if r < 0.99:
        return rng.randint(high + 1, max(high + 1, big // 2))
    return rng.randint(big // 2, big)
