"""The two kinds of title TMDb lists, named once for every module that speaks of them."""

from __future__ import annotations

from typing import Literal

Kind = Literal["movie", "tv"]
KINDS: tuple[Kind, ...] = ("movie", "tv")

Bucket = Kind
"""A share of a provider's daily quota. The same Literal as `Kind` on purpose: each kind's
titles, and everything fetched for them (people, ratings), are paid from the bucket of that name.
"""
