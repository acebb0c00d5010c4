"""A title's bundle: everything one title's requests returned, parsed and ready to store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tmdbsync.kinds import Kind
from tmdbsync.payloads import (
    CastCredit,
    Credits,
    SeasonPayload,
    SeasonSummary,
    Title,
    parse,
)


@dataclass(frozen=True)
class SeasonBundle:
    summary: SeasonSummary
    payload: SeasonPayload | None
    regulars: list[CastCredit]
    episode_credits: dict[int, Credits] | None = None


@dataclass(frozen=True)
class TitleBundle:
    kind: Kind
    title: Title
    seasons: list[SeasonBundle] = field(default_factory=list)


def season_key(number: int) -> str:
    return f"season/{number}"


def season_credits_key(number: int) -> str:
    return f"season/{number}/credits"


def build_bundle(
    kind: Kind, raw: dict[str, Any], episode_credits: dict[tuple[int, int], Any] | None = None
) -> TitleBundle:
    """Parse a details payload (for TV with its merged `season/N` appends) into a bundle.

    Raises BadPayload when the title itself is unusable; a malformed season or credits block
    costs only that block.
    """
    name = f"{kind} {raw.get('id', '?') if isinstance(raw, dict) else '?'}"
    title: Title = parse(Title, raw, name)
    if kind == "movie":
        return TitleBundle(kind, title)
    seasons: list[SeasonBundle] = []
    seen: set[int] = set()
    for summary in title.seasons:
        number = summary.season_number
        if number in seen:
            continue
        seen.add(number)
        payload = _optional(SeasonPayload, raw.get(season_key(number)))
        credits = _optional(Credits, raw.get(season_credits_key(number)))
        per_episode = None
        if episode_credits is not None and payload is not None:
            per_episode = {}
            for episode in payload.episodes:
                block = _optional(Credits, episode_credits.get((number, episode.episode_number)))
                if block is not None:
                    per_episode[episode.episode_number] = block
        seasons.append(SeasonBundle(summary, payload, credits.cast if credits else [], per_episode))
    return TitleBundle(kind, title, seasons)


def _optional(model: type[Any], raw: Any) -> Any:
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw)
    except ValueError:
        return None
