"""TMDb error bodies (codes and messages from developer.themoviedb.org/docs/errors)."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]

# status_code -> (HTTP status, status_message)
TMDB_ERRORS: dict[int, tuple[int, str]] = {
    6: (404, "Invalid id: The pre-requisite id is invalid or not found."),
    7: (401, "Invalid API key: You must be granted a valid key."),
    9: (503, "Service offline: This service is temporarily offline, try again later."),
    11: (500, "Internal error: Something went wrong, contact TMDB."),
    20: (422, "Invalid date range: Should be a range no longer than 14 days."),
    22: (400, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."),
    23: (400, "Invalid date: Format needs to be YYYY-MM-DD."),
    24: (504, "Your request to the backend server timed out. Try again."),
    25: (429, "Your request count (#) is over the allowed limit of (40)."),
    27: (400, "Too many append to response objects: The maximum number of remote calls is 20."),
    34: (404, "The resource you requested could not be found."),
    43: (502, "Couldn't connect to the backend server."),
}
# HTTP status -> TMDb code used when a fault or script asks for that status
CODE_FOR_STATUS: dict[int, int] = {
    400: 22,
    401: 7,
    404: 34,
    422: 20,
    429: 25,
    500: 11,
    502: 43,
    503: 9,
    504: 24,
}


class TmdbError(Exception):
    """Raised by the catalogue for a request TMDb would refuse."""

    def __init__(self, code: int) -> None:
        super().__init__(TMDB_ERRORS[code][1])
        self.code = code

    @property
    def status(self) -> int:
        """HTTP status TMDb uses for this error."""
        return TMDB_ERRORS[self.code][0]

    def body(self) -> JsonDict:
        """The JSON body TMDb sends."""
        return tmdb_error_body(self.code)


def tmdb_error_body(code: int, message: str | None = None) -> JsonDict:
    """``{"success": false, "status_code": N, "status_message": ...}``."""
    return {
        "success": False,
        "status_code": code,
        "status_message": message or TMDB_ERRORS[code][1],
    }


def rate_limit_body(count: int, limit: int) -> JsonDict:
    """TMDb's 429 body (as recorded: no ``success`` key)."""
    return {
        "status_code": 25,
        "status_message": f"Your request count ({count}) is over the allowed limit of {limit}.",
    }
