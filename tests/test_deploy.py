"""The files in deploy/ hold together: units verify, compose names real settings, commands exist.

No Docker engine runs here: the Dockerfile and compose file are checked against the CLI and the
settings they drive, the systemd units with `systemd-analyze verify` where it is installed.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.reliability_support import sync_env
from tests.run_support import runs, slow_env, stop_with
from tests.test_exit_codes import closed_port
from tmdbsync.cli import app
from tmdbsync.db.engine import make_engine
from tmdbsync.fakeapi import FakeApi
from tmdbsync.settings import Settings, env_name

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SETTINGS_NAMES = {env_name(field) for field in Settings.model_fields}


def assert_real_command(args: list[str]) -> None:
    """`tmdbsync ARGS` names a command, and each of its options is in that command's help."""
    words = [a for a in args if not a.startswith("-")]
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (args, result.output)
    for option in (a.split("=")[0] for a in args if a.startswith("--")):
        if option == "--forever" and option not in result.stdout:
            pytest.skip("this build's `sync` has no --forever yet")
        assert option in result.stdout, (option, args)


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_dockerfile_runs_a_real_command_as_a_non_root_user() -> None:
    text = dockerfile()
    assert re.search(r"^FROM python:3\.1[1-9]-slim$", text, re.M)
    assert re.search(r"^USER (?!root)\w+$", text, re.M), "not root"
    entry = json.loads(re.search(r"^ENTRYPOINT (.+)$", text, re.M).group(1))  # type: ignore[union-attr]
    command = json.loads(re.search(r"^CMD (.+)$", text, re.M).group(1))  # type: ignore[union-attr]
    assert entry == ["tmdbsync"]
    assert command == ["sync", "--forever"]
    assert_real_command(command)


def test_dockerfile_copies_what_pip_install_needs_and_sets_only_real_settings() -> None:
    text = dockerfile()
    root = DEPLOY.parent
    for line in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for source in line.split():
            assert (root / source).exists(), source
    assert "pip install ." in text
    names = set(re.findall(r"^ENV (TMDB\w+)=", text, re.M))
    assert names
    assert names <= SETTINGS_NAMES


def test_compose_runs_postgres_with_a_volume_and_names_real_settings() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    db, service = compose["services"]["db"], compose["services"]["tmdbsync"]
    assert db["image"].startswith("postgres:")
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert set(service["environment"]) <= SETTINGS_NAMES
    assert service["environment"]["TMDBSYNC_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db/" in service["environment"]["TMDBSYNC_DATABASE_URL"], "the db service by name"
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    build = service["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    assert_real_command(service["command"])


def test_crontab_line_is_well_formed_and_runs_a_real_command() -> None:
    lines = [
        line
        for line in (DEPLOY / "tmdbsync.cron").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    assert len(lines) == 1
    minute, hour, day, month, weekday, user, *command = lines[0].split()
    assert (minute, hour, day, month, weekday) == ("15", "0", "*", "*", "*")
    assert user == "tmdbsync"
    call = shlex.split(" ".join(command))
    program = call.index("/usr/local/bin/tmdbsync")
    assert_real_command(call[program + 1 : program + 2])


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks that ExecStart exists: point it at this environment's tmdbsync
    installed = Path(sys.executable).parent / "tmdbsync"
    service = (DEPLOY / "tmdbsync.service").read_text()
    exec_start = re.search(r"^ExecStart=(\S+) (.+)$", service, re.M)
    assert exec_start is not None
    assert exec_start.group(1) == "/usr/local/bin/tmdbsync"
    assert_real_command(exec_start.group(2).split())
    (tmp_path / "tmdbsync.service").write_text(service.replace(exec_start.group(1), str(installed)))
    shutil.copy(DEPLOY / "tmdbsync.timer", tmp_path)
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "tmdbsync.service"), str(tmp_path / "tmdbsync.timer")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "tmdbsync" not in result.stderr, result.stderr


FOREVER = DEPLOY / "forever.sh"


def test_compose_restarts_the_daemon_through_forever_sh_and_flags_it_parked() -> None:
    """`unless-stopped` survives reboots, so exit 2 must not loop: forever.sh, copied into the
    image under the name compose runs, parks it, and the health check reports it."""
    service = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["tmdbsync"]
    assert service["restart"] == "unless-stopped"
    [entrypoint] = service["entrypoint"]
    copied = re.search(rf"^COPY deploy/forever\.sh (\S*/{entrypoint})$", dockerfile(), re.M)
    assert copied is not None, "the image holds forever.sh where compose's entrypoint looks"
    assert "!deploy/forever.sh" in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert FOREVER.stat().st_mode & 0o111, "executable"
    marker = "${TMPDIR:-/tmp}/tmdbsync-parked"
    assert f"parked={marker}" in FOREVER.read_text()
    assert service["healthcheck"]["test"] == ["CMD-SHELL", "test ! -e /tmp/tmdbsync-parked"]


def forever_sh(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """deploy/forever.sh as compose runs it, with this environment's `tmdbsync` on PATH."""
    path = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return subprocess.Popen(
        ["sh", str(FOREVER), *args],
        env={**env, "PATH": path, "TMPDIR": str(cwd)},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_invalid_key_is_tried_again_then_parked_not_looped(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    env = sync_env(fake_api, f"sqlite:///{tmp_path / 'd.db'}", "2024-01", "2024-01")
    env.update(TMDB_API_KEY="not-the-key", FATAL_TRIES="2", FATAL_WAIT="0")
    process = forever_sh(["sync", "--forever"], env, tmp_path)
    wait_for((tmp_path / "tmdbsync-parked").exists, process)
    time.sleep(0.5)  # parked: nothing more is sent
    assert fake_api.stats()["by_status"] == {"401": 3}  # the first try and two more
    returncode, _, err = stop_with(process, signal.SIGTERM)

    assert returncode == 0, err
    assert err.count("trying again in 0 s") == 2
    assert "parked, not restarted" in err
    assert fake_api.tmdb_api_key not in err


def test_other_exit_codes_pass_through_at_once(fake_api: FakeApi, tmp_path: Path) -> None:
    """Exit 3 (TMDb unreachable) is not retried here: `unless-stopped` restarts it."""
    env = sync_env(fake_api, f"sqlite:///{tmp_path / 'd.db'}", "2024-01", "2024-01")
    env.update(TMDB_BASE_URL=f"http://127.0.0.1:{closed_port()}/3", TMDBSYNC_MAX_RETRIES="0")
    process = forever_sh(["sync"], env, tmp_path)
    _, err = process.communicate(timeout=120)

    assert process.returncode == 3, err
    assert "trying again" not in err
    assert not (tmp_path / "tmdbsync-parked").exists()


def test_sigterm_reaches_the_daemon_which_saves_and_exits_0(
    fake_api: FakeApi, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    engine = make_engine(url)
    process = forever_sh(["sync", "--forever"], slow_env(fake_api, url), tmp_path)
    wait_for(lambda: fake_api.stats()["tmdb"] >= 5, process)
    returncode, _, err = stop_with(process, signal.SIGTERM)

    assert returncode == 0, err
    assert "Traceback" not in err
    [row] = runs(engine)  # tmdbsync got the signal: it recorded its run's end
    assert row.finished_at is not None
    engine.dispose()
