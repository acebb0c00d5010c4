"""One sync per database at a time: a lock row with the holder's host, pid and a heartbeat.

A holder that died (SIGKILL, power loss) leaves its row behind; the row is taken over when its
process is gone (same host) or its heartbeat is older than STALE. A process is named by host, pid
and, where /proc tells it, the pid's start time: a pid the system has since given to another
process does not pass for the dead holder.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select, update

from tmdbsync.db.tables import insert, sync_lock
from tmdbsync.errors import AlreadyRunning

STALE = timedelta(minutes=10)
HEARTBEAT = timedelta(minutes=1)
"""How often a running sync beats, whatever it is doing: well inside STALE."""
NAME = "sync"
LOCK = sync_lock.c


def _started(pid: int) -> str | None:
    """The pid's start time in clock ticks since boot (Linux /proc), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: count from its closing one
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def _me() -> str:
    pid = os.getpid()
    started = _started(pid)
    return f"{socket.gethostname()}:{pid}" + (f":{started}" if started else "")


def _alive(holder: str) -> bool:
    """Whether the holder's process still runs; True when it is not ours to tell."""
    host, pid, started = parse_holder(holder)
    if host != socket.gethostname() or pid is None:
        return True  # another machine: trust the heartbeat only
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _started(pid)
    return started is None or now is None or now == started


def parse_holder(holder: str) -> tuple[str, int | None, str | None]:
    """(host, pid, start time) of `host:pid[:start]`; the host itself may hold colons (IPv6)."""
    parts = holder.split(":")
    if len(parts) >= 3 and parts[-1].isdigit() and parts[-2].isdigit():
        return ":".join(parts[:-2]), int(parts[-2]), parts[-1]
    host, _, pid = holder.rpartition(":")
    return host, int(pid) if pid.isdigit() else None, None


def waiting_line(holder: str | None) -> str:
    """What `sync --forever` says while another sync holds the lock: enough to find that one."""
    if holder is None:
        return "another sync holds the database; waiting"
    host, pid, _ = parse_holder(holder)
    return f"another sync holds the database (pid {pid or '?'}, host {host}); waiting"


class RunLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.holder = _me()

    def acquire(self) -> None:
        """Take the lock, or take it over from a dead or silent holder; else AlreadyRunning."""
        for _ in range(3):  # the row may vanish between our insert and our read: try again
            now = datetime.now(UTC)
            with self.engine.begin() as connection:
                # RETURNING, not rowcount: psycopg reports -1 rows for a conflicting insert.
                created = connection.execute(
                    insert(connection, sync_lock)
                    .values(name=NAME, holder=self.holder, heartbeat_at=now)
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(LOCK.id)
                ).first()
                if created is not None:
                    return
                row = connection.execute(
                    select(LOCK.holder, LOCK.heartbeat_at).where(LOCK.name == NAME)
                ).first()
                if row is None:
                    continue
                holder, beat = row.holder, row.heartbeat_at
                beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
                if holder != self.holder and _alive(holder) and now - beat < STALE:
                    raise AlreadyRunning(
                        f"another tmdbsync sync ({holder}) is running on this database "
                        f"(heartbeat {beat:%Y-%m-%d %H:%M:%S} UTC); try again when it has finished",
                        holder,
                    )
                taken = connection.execute(
                    update(sync_lock)
                    .where(LOCK.name == NAME, LOCK.holder == holder)
                    .values(holder=self.holder, heartbeat_at=now)
                )
                if taken.rowcount == 1:
                    return
        raise AlreadyRunning("another tmdbsync sync took the lock at the same moment")

    def heartbeat(self) -> None:
        """Show we are alive; AlreadyRunning if the lock is no longer ours (taken over)."""
        with self.engine.begin() as connection:
            beat = connection.execute(
                update(sync_lock)
                .where(LOCK.name == NAME, LOCK.holder == self.holder)
                .values(heartbeat_at=datetime.now(UTC))
            )
            if beat.rowcount != 1:
                holder = connection.scalar(select(LOCK.holder).where(LOCK.name == NAME))
                raise AlreadyRunning(
                    f"this sync lost the run lock (now held by {holder or 'nobody'}) after "
                    f"{STALE.total_seconds() / 60:g} minutes without a heartbeat; stopping",
                    holder,
                )

    def release(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(sync_lock).where(LOCK.name == NAME, LOCK.holder == self.holder)
            )
