"""The fake's lifecycle and knobs: ``FakeApi`` starts on a free port, stops, takes control.

Pipeline for a TMDb/OMDb/Trakt request: count it, add latency, scripted answer, random
fault, rate limit (TMDb) / daily limit (OMDb), auth, then the catalogue.
``/__stats`` and ``/__control`` are never faulted, limited or counted.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Self

from .answers import Answer
from .catalogue import Catalogue
from .exports import Exports
from .faults import Faults, ScriptedResponse, Scripts, Sticky
from .handler import Handler, Server
from .injection import faulted_answer, scripted_answer
from .months import MonthKey
from .services import Services
from .stats import Stats

JsonDict = dict[str, Any]


class FakeApi(Services):
    """Fake TMDb + OMDb + Trakt on ``http://host:port``; ``start()`` serves in daemon threads."""

    def __init__(
        self,
        seed: int = 42,
        host: str = "127.0.0.1",
        port: int = 0,
        tmdb_api_key: str = "fake-tmdb-key",
        tmdb_access_token: str = "fake-tmdb-token",  # noqa: S107 - test fixture value
        omdb_api_key: str = "fake-omdb-key",
        trakt_client_id: str = "fake-trakt-key",
        rate_limit: tuple[int, float] | None = None,
        latency: float = 0.0,
        faults: Faults | None = None,
        omdb_daily_limit: int | None = None,
        scale: float = 1.0,
        huge_months: dict[MonthKey, int] | None = None,
    ) -> None:
        super().__init__(
            Catalogue(seed=seed, scale=scale, huge_months=huge_months),
            tmdb_api_key=tmdb_api_key,
            tmdb_access_token=tmdb_access_token,
            omdb_api_key=omdb_api_key,
            trakt_client_id=trakt_client_id,
            rate_limit=rate_limit,
            omdb_daily_limit=omdb_daily_limit,
        )
        self.exports = Exports(self.catalogue)
        self.host = host
        self.port = port
        self.latency = latency
        self.faults = faults or Faults()
        self._scripts = Scripts()
        self._sticky = Sticky()
        self._stats = Stats()
        self._stopping = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self."""
        server = Server((self.host, self.port), Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever, name="fakeapi", kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (hung fault handlers are woken up)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` is called: endless answers end, sleeps wake up."""
        return self._stopping.is_set()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://host:port`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def tmdb_url(self) -> str:
        """TMDb base URL (``.../3``)."""
        return self.url + "/3"

    @property
    def exports_url(self) -> str:
        """Where the daily ID export files are (TMDB_EXPORTS_URL)."""
        return self.url + "/p/exports"

    @property
    def trakt_url(self) -> str:
        """Trakt base; the client appends /movies/{id}/stats etc."""
        return self.url + "/trakt"

    @property
    def omdb_url(self) -> str:
        """OMDb base URL (``.../omdb/``)."""
        return self.url + "/omdb/"

    # -- knobs ---------------------------------------------------------------
    def stats(self) -> JsonDict:
        """Same dict as ``GET /__stats``."""
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the request ledger."""
        self._stats.reset()

    def record(self, service: str, endpoint: str, status: str) -> None:
        """Count a finished request in the ledger."""
        self._stats.record(service, endpoint, status)

    def script(self, path_regex: str, responses: list[ScriptedResponse]) -> None:
        """The next requests whose path matches get ``responses`` in order."""
        self._scripts.add(path_regex, responses)

    def clear_scripts(self) -> None:
        """Drop pending scripted responses (the sticky ones too)."""
        self._scripts.clear()
        self._sticky.clear()

    def stick(self, path_regex: str, response: ScriptedResponse) -> None:
        """Every later request whose path matches gets ``response`` (after the scripts)."""
        self._sticky.add(path_regex, response)

    def drift(self, kind: str, year: int, month: int, add: int = 0, remove: int = 0) -> None:
        """Titles appear/disappear in a month (discover drift)."""
        self.catalogue.drift(kind, year, month, add, remove)
        self.clear_cache()

    def delete_people(self, ids: set[int]) -> None:
        """People TMDb deletes: `/person/{id}` answers 404, the person export leaves them out."""
        self.catalogue.people.gone.update(ids)
        self.clear_cache()

    def reset(self) -> None:
        """Back to a clean state (faults, scripts, limits, latency, drift, deleted people,
        stats)."""
        self.faults = Faults()
        self.clear_scripts()
        self.set_rate_limit(None)
        self.set_omdb_daily_limit(None)
        self.latency = 0.0
        self.catalogue.months.reset_drift()
        self.catalogue.people.gone.clear()
        self.exports.reset()
        self.clear_cache()
        self._stats.reset()

    def control(self, payload: JsonDict) -> None:
        """Apply a ``POST /__control`` JSON document; `reset` first, so a document that resets
        and sets (a limit, a latency) keeps what it sets."""
        if payload.get("reset"):
            self.reset()
        if "faults" in payload:
            self.faults = Faults.from_dict(payload["faults"] or {})
        if "rate_limit" in payload:
            self.set_rate_limit(payload["rate_limit"])
        if "latency" in payload:
            self.latency = float(payload["latency"] or 0.0)
        if "omdb_daily_limit" in payload:
            self.set_omdb_daily_limit(payload["omdb_daily_limit"])
        if payload.get("drift"):
            self.drift(**payload["drift"])

    # -- request handling ----------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def answer(
        self,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        service: str,
        parts: list[str],
    ) -> Answer:
        """Decide the response to a TMDb/OMDb/Trakt request (faults included)."""
        arrived = time.monotonic()
        self.sleep(self.latency)

        def normal() -> Answer:
            return self.normal_answer(service, query, headers, parts, arrived)

        scripted = self._scripts.take(path) or self._sticky.match(path)
        if scripted is not None:
            return scripted_answer(scripted, service, normal)
        fault, rng = self.faults.pick()
        return faulted_answer(fault, rng, service, normal)


def serve(host: str = "127.0.0.1", port: int = 8765, **kwargs: Any) -> None:
    """Run a fake in the foreground until Ctrl-C (``tmdbsync fake-api``)."""
    fake = FakeApi(host=host, port=port, **kwargs).start()
    print(
        f"fake TMDb: {fake.tmdb_url}  (api_key={fake.tmdb_api_key}, "
        f"bearer={fake.tmdb_access_token})",
        flush=True,
    )
    print(f"fake OMDb: {fake.omdb_url}  (apikey={fake.omdb_api_key})", flush=True)
    print(f"fake Trakt: {fake.trakt_url}  (trakt-api-key={fake.trakt_client_id})", flush=True)
    print(f"control:   {fake.url}/__stats  {fake.url}/__control  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
