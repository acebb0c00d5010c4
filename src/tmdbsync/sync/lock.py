"""One sync per database at a time: a lock row with the holder's host, pid and a heartbeat.

A holder that died (SIGKILL, power loss) leaves its row behind; the row is taken over when its
process is gone (same host) or its heartbeat is older than STALE.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tmdbsync.db.models import SyncLock
from tmdbsync.errors import AlreadyRunning

STALE = timedelta(minutes=10)
HEARTBEAT = timedelta(minutes=1)
"""How often a running sync beats, whatever it is doing: well inside STALE."""
NAME = "sync"


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust the heartbeat only
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
                    (postgresql if connection.dialect.name == "postgresql" else sqlite)
                    .insert(SyncLock)
                    .values(name=NAME, holder=self.holder, heartbeat_at=now)
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(SyncLock.id)
                ).first()
                if created is not None:
                    return
                row = connection.execute(
                    select(SyncLock.holder, SyncLock.heartbeat_at).where(SyncLock.name == NAME)
                ).first()
                if row is None:
                    continue
                holder, beat = row.holder, row.heartbeat_at
                beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
                if holder != self.holder and _alive(holder) and now - beat < STALE:
                    raise AlreadyRunning(
                        f"another tmdbsync sync ({holder}) is running on this database "
                        f"(heartbeat {beat:%Y-%m-%d %H:%M:%S} UTC); try again when it has finished"
                    )
                taken = connection.execute(
                    update(SyncLock)
                    .where(SyncLock.name == NAME, SyncLock.holder == holder)
                    .values(holder=self.holder, heartbeat_at=now)
                )
                if taken.rowcount == 1:
                    return
        raise AlreadyRunning("another tmdbsync sync took the lock at the same moment")

    def heartbeat(self) -> None:
        """Show we are alive; AlreadyRunning if the lock is no longer ours (taken over)."""
        with self.engine.begin() as connection:
            beat = connection.execute(
                update(SyncLock)
                .where(SyncLock.name == NAME, SyncLock.holder == self.holder)
                .values(heartbeat_at=datetime.now(UTC))
            )
            if beat.rowcount != 1:
                holder = connection.scalar(select(SyncLock.holder).where(SyncLock.name == NAME))
                raise AlreadyRunning(
                    f"this sync lost the run lock (now held by {holder or 'nobody'}) after "
                    f"{STALE.total_seconds() / 60:g} minutes without a heartbeat; stopping"
                )

    def release(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(SyncLock).where(SyncLock.name == NAME, SyncLock.holder == self.holder)
            )
