"""A database lost mid-run (PostgreSQL behind a proxy we cut, a SQLite disk that fills up) ends
the sync with one line and exit 2; the next run resumes where it stopped."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.db_fixtures import fresh_postgres_url
from tests.tcp_proxy import TcpProxy
from tests.test_cli import cli, fake_env
from tests.test_cli_failures import cli_command, cli_env, one_error_line
from tmdbsync.db.engine import make_engine, upgrade
from tmdbsync.db.models import Content
from tmdbsync.fakeapi import FakeApi

SYNC = ("sync", "--no-tv", "--max-pages", "12")
SHORT_SYNC = ("sync", "--no-tv", "--max-pages", "4")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_postgres_url()


@pytest.mark.slow
def test_postgres_connection_lost_mid_run_is_one_line_and_the_next_run_resumes(
    fake_api: FakeApi, tmp_path: Path, postgres_url: str
) -> None:
    direct = postgres_url
    engine = make_engine(direct)
    upgrade(engine)
    parsed = make_url(direct)
    fake_api.latency = 0.02  # long enough a run to cut it in the middle
    with TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432) as proxy:
        proxied = parsed.set(port=proxy.port).render_as_string(hide_password=False)
        env = fake_env(fake_api, tmp_path / "unused.db") | {
            "TMDBSYNC_DATABASE_URL": proxied,
            "TMDBSYNC_END": "2024-06",
        }
        run = subprocess.Popen(
            cli_command(*SYNC), env=cli_env(env), cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        stored = 0
        deadline = time.monotonic() + 120
        while stored < 5 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            with engine.connect() as connection:
                stored = connection.scalar(select(func.count()).select_from(Content)) or 0
        proxy.cut()
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 2, stderr
        line = one_error_line(next(x for x in stderr.splitlines() if x.startswith("error:")))
        assert "connection" in line, stderr
        assert "next run resumes" in line, stderr
        assert "Traceback" not in stderr
        assert "[SQL" not in stderr
        assert "parameters" not in stderr
        with engine.connect() as connection:
            at_cut = connection.scalar(select(func.count()).select_from(Content)) or 0
        proxy.restore()
        again = cli(*SYNC, env=env, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
    with engine.connect() as connection:
        after = connection.scalar(select(func.count()).select_from(Content)) or 0
    assert after > at_cut >= 5
    engine.dispose()


def _can_mount_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_next_run_resumes(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    if not _can_mount_tmpfs():
        pytest.skip("cannot mount a small tmpfs in a private mount namespace (needs root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    env = fake_env(fake_api, disk / "full.db")
    sync = " ".join(cli_command(*SHORT_SYNC))
    script = f"""
        mount -t tmpfs -o size=600k tmpfs {disk} || exit 99
        {" ".join(cli_command("db", "upgrade"))} > /dev/null || exit 98
        {sync} > {tmp_path}/out1 2> {tmp_path}/err1; echo $? > {tmp_path}/rc1
        mount -o remount,size=64m {disk}
        {sync} > {tmp_path}/out2 2> {tmp_path}/err2; echo $? > {tmp_path}/rc2
        {" ".join(cli_command("status", "--json", "--months"))} > {tmp_path}/status.json
    """
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        env=cli_env(env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rc1").read_text().strip() == "2"
    line = one_error_line((tmp_path / "err1").read_text())
    assert "disk is full" in line
    assert "next run resumes" in line
    assert (tmp_path / "rc2").read_text().strip() == "0", (tmp_path / "err2").read_text()
    log = json.loads((tmp_path / "status.json").read_text())["sync_log"]
    assert sum(row["last_completed_page"] for row in log) >= 4
