"""Cast and crew as TMDb lists them on titles, seasons and episodes."""

from __future__ import annotations

from pydantic import Field

from .common import Float, Int, Loose, LooseList, Text, TmdbId


class PersonRef(Loose):
    """The person fields every credit carries; `id` is required to link it."""

    id: TmdbId
    name: Text = None
    gender: Int = None
    known_for_department: Text = None
    profile_path: Text = None
    popularity: Float = None
    credit_id: Text = None
    original_name: Text = None


class Role(Loose):
    """One character of an `aggregate_credits` cast member, with its episode count."""

    credit_id: Text = None
    character: Text = None
    episode_count: Int = None


class Job(Loose):
    """One job of an `aggregate_credits` crew member, with its episode count."""

    credit_id: Text = None
    job: Text = None
    episode_count: Int = None


class CastCredit(PersonRef):
    character: Text = None
    order: Int = None
    roles: LooseList[Role] = Field(default_factory=list)  # aggregate_credits only


class CrewCredit(PersonRef):
    department: Text = None
    job: Text = None
    jobs: LooseList[Job] = Field(default_factory=list)  # aggregate_credits only


class Credits(Loose):
    cast: LooseList[CastCredit] = Field(default_factory=list)
    crew: LooseList[CrewCredit] = Field(default_factory=list)
    guest_stars: LooseList[CastCredit] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.cast or self.crew or self.guest_stars)
