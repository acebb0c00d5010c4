"""Fault injection: turn a scripted response or a random fault into the answer actually sent."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from .answers import Answer, dumps
from .errors import CODE_FOR_STATUS, rate_limit_body, tmdb_error_body
from .faults import ERROR_STATUSES, FaultKind, ScriptedResponse
from .hostile import HostileBody

_HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"
Normal = Callable[[], Answer]  # the answer the service would give with nothing injected


def default_body(service: str, status: int) -> bytes:
    """The body real TMDb/OMDb would send with an error ``status``."""
    if service == "omdb":
        return _HTML_502 if status >= 500 else dumps({"Response": "False", "Error": "Error"})
    if service == "trakt":
        return b""
    if status == 502:
        return _HTML_502
    code = CODE_FOR_STATUS.get(status)
    if code is None:
        return b""
    if code == 25:
        return dumps(rate_limit_body(0, 40))
    return dumps(tmdb_error_body(code))


def scripted_answer(scripted: ScriptedResponse, service: str, normal: Normal) -> Answer:
    """What a scripted response sends (its ``body`` None: the normal or the standard body)."""
    if scripted.kind in ("timeout", "reset"):
        return Answer(0, b"", kind=scripted.kind)
    if isinstance(scripted, HostileBody):
        return Answer(scripted.status, b"", dict(scripted.headers), stream=scripted.chunks())
    if scripted.body is None:
        body = normal().body if scripted.status == 200 else default_body(service, scripted.status)
        if scripted.mutate is not None:
            body = dumps(scripted.mutate(json.loads(body)))
    elif isinstance(scripted.body, str):
        body = scripted.body.encode()
    else:
        body = dumps(scripted.body)
    if scripted.kind == "malformed":
        body = body[: max(1, len(body) // 2)]
    return Answer(scripted.status, body, dict(scripted.headers), drip=scripted.drip_seconds)


def faulted_answer(
    fault: FaultKind | None, rng: random.Random, service: str, normal: Normal
) -> Answer:
    """The answer under a randomly drawn ``fault`` (None: the normal one); ``rng`` picks details."""
    if fault == "error":
        status = rng.choice(ERROR_STATUSES)
        return Answer(status, default_body(service, status))
    if fault in ("timeout", "reset"):
        return Answer(0, b"", kind=fault)
    answer = normal()
    if fault == "malformed":
        cut = max(1, len(answer.body) // 2)
        if rng.random() < 0.5:
            return Answer(200, answer.body[:cut] or b"{", kind="normal")
        return Answer(200, answer.body, kind="truncated")
    return answer
