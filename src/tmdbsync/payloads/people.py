"""A person's details, fetched once per person after the credits named them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .appends import ExternalIds, Images
from .common import Code, Date, LooseList, Nested, Text
from .credits import PersonRef


class PersonDetails(PersonRef):
    biography: Text = None
    birthday: Date = None
    deathday: Date = None
    place_of_birth: Text = None
    homepage: Text = None
    imdb_id: Text = None
    also_known_as: LooseList[Code] = Field(default_factory=list)
    images: Annotated[Images, Nested] = Field(default_factory=Images)
    external_ids: Annotated[ExternalIds, Nested] = Field(default_factory=ExternalIds)
