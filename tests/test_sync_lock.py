"""The run lock tells a live holder from a dead one, even when the dead one's pid was reused."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.run_support import held_by, holder_of
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.errors import AlreadyRunning
from tmdbsync.sync.lock import RunLock, waiting_line

needs_proc = pytest.mark.skipif(
    not Path("/proc/1/stat").exists(), reason="process start times come from Linux /proc"
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    upgrade(engine)
    return engine


def start_time(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rfind(")") + 2 :].split()[19]


@needs_proc
def test_a_live_holder_on_this_host_keeps_the_lock(engine: Engine) -> None:
    live = os.getppid()
    held_by(engine, f"{socket.gethostname()}:{live}:{start_time(live)}")
    with pytest.raises(AlreadyRunning, match="is running on this database"):
        RunLock(engine).acquire()


@needs_proc
def test_a_dead_holder_whose_pid_was_reused_is_taken_over_at_once(engine: Engine) -> None:
    # The pid runs, but it started at another time: the holder that wrote the row is gone.
    reused = os.getppid()
    held_by(engine, f"{socket.gethostname()}:{reused}:{int(start_time(reused)) + 1}")
    lock = RunLock(engine)
    lock.acquire()
    assert holder_of(engine) == lock.holder


def test_a_row_from_before_start_times_is_still_understood(engine: Engine) -> None:
    held_by(engine, f"{socket.gethostname()}:{os.getppid()}")
    with pytest.raises(AlreadyRunning):
        RunLock(engine).acquire()


def test_a_holder_on_another_host_is_trusted_until_its_heartbeat_is_stale(engine: Engine) -> None:
    held_by(engine, "elsewhere.example:1:1")
    with pytest.raises(AlreadyRunning, match=r"elsewhere\.example:1:1") as refused:
        RunLock(engine).acquire()
    assert refused.value.holder == "elsewhere.example:1:1"  # for `sync --forever`'s waiting line


@pytest.mark.parametrize(
    ("holder", "line"),
    [
        ("mirror:922:12345", "another sync holds the database (pid 922, host mirror); waiting"),
        ("mirror:922", "another sync holds the database (pid 922, host mirror); waiting"),
        ("mirror:", "another sync holds the database (pid ?, host mirror); waiting"),
        (None, "another sync holds the database; waiting"),
    ],
)
def test_the_waiting_line_names_the_holder(holder: str | None, line: str) -> None:
    assert waiting_line(holder) == line
