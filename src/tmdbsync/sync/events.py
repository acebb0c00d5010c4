"""A sync told as log lines: one per finished page, step and stop, as text or JSON lines.

Off a terminal (cron mail, journald, `docker logs`) a live bar shows nothing, so each event is a
line of its own with counts and the time taken. `--log-format json` writes the same events as
JSON objects, one per line, each with `ts` (UTC, ISO 8601), `event` and the fields README lists;
log records (`-v` request lines, warnings) come out the same way through `JsonLogFormatter`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from tmdbsync.clock import utc_now
from tmdbsync.kinds import Kind
from tmdbsync.sync.context import Progress, Summary
from tmdbsync.sync.lock import parse_holder, waiting_line
from tmdbsync.sync.windows import LogRow

LogFormat = Literal["text", "json"]
LOG_RECORD_FIELDS = ("provider", "status", "ms")
"""What the per-request log record of http.py carries besides its message."""


def seconds(elapsed: float) -> str:
    """`42.1 s`, `3 min 05 s`, `2 h 04 min`: a duration that reads at a glance."""
    if elapsed < 60:
        return f"{elapsed:.1f} s"
    minutes, secs = divmod(int(elapsed), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class EventLog:
    """Writes events to `stream`: `time  text` lines, or JSON objects."""

    def __init__(
        self,
        stream: TextIO,
        fmt: LogFormat = "text",
        *,
        now: Callable[[], datetime] = utc_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.fmt = fmt
        self.now = now
        self.clock = clock
        self.started = clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def emit(self, event: str, text: str, /, **fields: Any) -> None:
        """One line: `text` for people, `fields` (plus `event`, `ts`, `elapsed`) for machines."""
        moment = self.now()
        if self.fmt == "json":
            record = {"ts": moment.isoformat(), "event": event, **fields}
            record["elapsed"] = round(self.elapsed(), 3)
            line = json.dumps(record, default=str)
        else:
            line = f"{moment:%Y-%m-%d %H:%M:%S} {text} [{seconds(self.elapsed())}]"
        self.stream.write(line + "\n")
        self.stream.flush()


class EventProgress(Progress):
    """The run's progress hooks as events: pages, steps, dead letters, stops, start and end."""

    def __init__(self, events: EventLog) -> None:
        self.events = events
        self.summary: Summary | None = None
        self.page_start: dict[Kind, tuple[float, int, int]] = {}

    def _counts(self, kind: Kind) -> tuple[int, int]:
        if self.summary is None:
            return 0, 0
        tally = self.summary.of(kind)
        return tally.titles, tally.skipped

    def run_started(self, summary: Summary) -> None:
        self.summary = summary
        self.events.emit(
            "run_started",
            f"sync run {summary.run_id} started ({summary.mode}): {', '.join(summary.kinds)}",
            run_id=summary.run_id,
            mode=summary.mode,
            kinds=list(summary.kinds),
        )

    def page_started(self, kind: Kind, row: LogRow, page: int, requests_left: int | None) -> None:
        self.page_start[kind] = (self.events.clock(), *self._counts(kind))

    def title_skipped(self, kind: Kind, tmdb_id: int, code: str) -> None:
        skipped = self._counts(kind)[1]
        self.events.emit(
            "title_skipped",
            f"{kind} {tmdb_id} could not be stored ({code}) and waits for a retry "
            f"({skipped} so far)",
            kind=kind,
            tmdb_id=tmdb_id,
            reason=code,
            skipped=skipped,
        )

    def page_done(self, kind: Kind, row: LogRow, page: int) -> None:
        started, titles, skipped = self.page_start.pop(kind, (self.events.clock(), 0, 0))
        now_titles, now_skipped = self._counts(kind)
        took = self.events.clock() - started
        of = f"/{row.total_pages}" if row.total_pages else ""
        self.events.emit(
            "page_done",
            f"{kind} {row.label} page {page}{of}: {now_titles - titles} stored, "
            f"{now_skipped - skipped} skipped in {seconds(took)}",
            kind=kind,
            month=row.label,
            page=page,
            total_pages=row.total_pages,
            stored=now_titles - titles,
            skipped=now_skipped - skipped,
            seconds=round(took, 3),
        )

    def message(self, text: str) -> None:
        self.events.emit("step", text, text=text)

    def step_done(self, kind: Kind, step: str) -> None:
        if self.summary is None:
            return
        tally = self.summary.of(kind)
        self.events.emit(
            "step_done",
            f"{kind} {step} done: {tally.refreshed} queued by changes, "
            f"{tally.probes} audit probes, {tally.retried} retried so far",
            kind=kind,
            step=step,
            refreshed=tally.refreshed,
            probes=tally.probes,
            retried=tally.retried,
        )

    def kind_stopped(self, kind: Kind, reason: str, *, quota: bool) -> None:
        if quota:
            self.events.emit("quota_spent", f"{kind}: {reason}", kind=kind, reason=reason)
        titles, skipped = self._counts(kind)
        self.events.emit(
            "stopped",
            f"{kind} stopped: {reason} ({titles} stored, {skipped} skipped)",
            kind=kind,
            reason=reason,
            stored=titles,
            skipped=skipped,
        )

    def run_finished(self, summary: Summary) -> None:
        self.events.emit(
            "run_finished",
            f"sync run {summary.run_id} finished, exit {summary.exit_code}: "
            f"{summary.stop_reason}; {summary.titles_stored} stored, "
            f"{summary.titles_skipped} skipped, {summary.requests_total} requests",
            run_id=summary.run_id,
            exit_code=summary.exit_code,
            stop_reason=summary.stop_reason,
            titles_stored=summary.titles_stored,
            titles_skipped=summary.titles_skipped,
            requests=summary.requests,
        )

    def sleeping(self, until: datetime, why: str) -> None:
        """`sync --forever` waits for work: the quota reset, the next change-feed day."""
        self.events.emit(
            "sleeping", f"sleeping until {until:%Y-%m-%d %H:%M} UTC: {why}", until=until, why=why
        )

    def lock_held(self, holder: str | None) -> None:
        host, pid, _ = parse_holder(holder) if holder is not None else (None, None, None)
        self.events.emit("lock_held", waiting_line(holder), host=host, pid=pid)


class JsonLogFormatter(logging.Formatter):
    """Log records (warnings, `-v` request lines) as JSON lines beside the events."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "event": getattr(record, "event", "log"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data |= {name: getattr(record, name) for name in LOG_RECORD_FIELDS if hasattr(record, name)}
        if record.exc_text:
            data["traceback"] = record.exc_text
        return json.dumps(data, default=str)
