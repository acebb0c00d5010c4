"""The field types every payload model is built from, and `parse`: where tolerance lives."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from tmdbsync.errors import BadPayload

INT32 = 2**31 - 1
INT64 = 2**63 - 1


def clean_text(value: Any) -> str | None:
    """Text as given, minus what no database stores (NUL, lone surrogates).

    The one rule for missing text: TMDb writes "" where it knows nothing (homepage, tagline,
    a release note), so empty or blank text is None, exactly like null.

    Called for every text field of every payload (hundreds per title), so the common case, a
    string, goes first and ASCII text (no surrogate possible) skips the encoding test.
    """
    if isinstance(value, str):
        text = value.replace("\x00", "") if "\x00" in value else value
        if not text or text.isspace():
            return None
        if text.isascii():
            return text
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace").decode("utf-8")
        return text
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return None


def bounded_int(limit: int) -> Any:
    def convert(value: Any) -> int | None:
        if type(value) is int:  # the common case
            return value if -limit <= value <= limit else None
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value.strip()):
            value = int(value.strip())
        if isinstance(value, int) and -limit <= value <= limit:
            return value
        return None

    return convert


def _float(value: Any) -> float | None:
    if type(value) is float:  # the common case
        return value if abs(value) < 1e300 else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and abs(value) < 1e300:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if abs(number) < 1e300 else None
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


Text = Annotated[str | None, BeforeValidator(clean_text)]
Int = Annotated[int | None, BeforeValidator(bounded_int(INT32))]
BigInt = Annotated[int | None, BeforeValidator(bounded_int(INT64))]
Float = Annotated[float | None, BeforeValidator(_float)]
Bool = Annotated[bool | None, BeforeValidator(_bool)]
Date = Annotated[date | None, BeforeValidator(_date)]
DateTime = Annotated[datetime | None, BeforeValidator(_datetime)]

T = TypeVar("T")
TmdbId = Annotated[int, Field(gt=0, le=INT32, strict=True)]
Code = Annotated[str, BeforeValidator(clean_text)]
"""A text that must be there (a country or language code, a name in a list): items without
one are dropped."""


def _drop_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate a list; on failure keep the items that validate on their own."""
    if not isinstance(value, list):
        return []
    try:
        return handler(value)
    except ValidationError:
        kept = []
        for item in value:
            try:
                kept.extend(handler([item]))
            except ValidationError:
                continue
        return kept


def _object_or_default(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A nested object of the wrong type counts as absent."""
    if not isinstance(value, dict):
        return handler({})
    return handler(value)


def _none_if_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An optional nested object that is not an object, or does not validate, counts as absent."""
    if not isinstance(value, dict):
        return None
    try:
        return handler(value)
    except ValidationError:
        return None


LooseList = Annotated[list[T], WrapValidator(_drop_invalid)]
Optional = WrapValidator(_none_if_invalid)


class Loose(BaseModel):
    """Base of every payload model. Its list, dict and model defaults are factories
    (`Field(default_factory=list)`): pydantic deep-copies a plain `[]` default at every
    validation, a tenth of a title's parse."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Nested = WrapValidator(_object_or_default)


class NamedId(Loose):
    id: TmdbId
    name: Text = None


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], raw: Any, what: str) -> M:
    """Validate `raw` as `model`, or raise BadPayload naming what it was and why."""
    if not isinstance(raw, dict):
        raise BadPayload(f"{what}: expected a JSON object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise BadPayload(f"{what}: {where}: {first['msg']}") from None
