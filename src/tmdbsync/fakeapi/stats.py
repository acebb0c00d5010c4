"""Request ledger (``/__stats``), so tests can compare a client's count with ours."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    """Thread-safe counters of TMDb/OMDb requests by endpoint and by status."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: Counter[str] = Counter()
        self._endpoint: Counter[str] = Counter()
        self._status: Counter[str] = Counter()

    def record(self, service: str, endpoint: str, status: str) -> None:
        """Count one finished request (status may be "reset" or "timeout")."""
        with self._lock:
            self._service[service] += 1
            self._endpoint[endpoint] += 1
            self._status[status] += 1

    def snapshot(self) -> dict[str, Any]:
        """The ``/__stats`` JSON."""
        with self._lock:
            return {
                "requests": sum(self._service.values()),
                "tmdb": self._service["tmdb"],
                "omdb": self._service["omdb"],
                "trakt": self._service["trakt"],
                "by_endpoint": dict(self._endpoint),
                "by_status": dict(self._status),
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._service.clear()
            self._endpoint.clear()
            self._status.clear()
