"""Shared fixtures for the bundled fake TMDb/OMDb API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reliability_support import RecordingFake
from tmdbsync.fakeapi import FakeApi

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "tmdb-samples"
HUGE_MONTH = ("movie", 2001, 1)


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """Commands run in-process (CliRunner) configure logging for the whole interpreter: put the
    root handlers and every logger's level and filters back, so later tests see the defaults."""
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(each, each.level, list(each.handlers), list(each.filters)) for each in loggers]
    yield
    for each, level, handlers, filters in saved:
        each.setLevel(level)
        each.handlers[:] = handlers
        each.filters[:] = filters


@pytest.fixture(scope="session")
def fake_api_server() -> Iterator[FakeApi]:
    """One fake for the whole session (a month made huge for window-splitting tests)."""
    with FakeApi(seed=42, huge_months={HUGE_MONTH: 10_500}) as fake:
        yield fake


@pytest.fixture
def fake_api(fake_api_server: FakeApi) -> FakeApi:
    """The session fake with stats, faults, scripts, limits, latency and drift reset."""
    fake_api_server.reset()
    return fake_api_server


@pytest.fixture(scope="session")
def recording_server() -> Iterator[RecordingFake]:
    """A fake that also keeps every request it answered, for tests that count paths."""
    with RecordingFake(seed=42) as fake:
        yield fake


@pytest.fixture
def recording_fake(recording_server: RecordingFake) -> RecordingFake:
    """The recording fake with its faults, scripts and request list reset."""
    recording_server.reset()
    recording_server.requests.clear()
    return recording_server


@pytest.fixture
def tmdb(fake_api: FakeApi) -> Iterator[httpx.Client]:
    """httpx client for the fake TMDb, authenticated with the api_key param."""
    with httpx.Client(
        base_url=fake_api.tmdb_url, params={"api_key": fake_api.tmdb_api_key}, timeout=10.0
    ) as client:
        yield client


@pytest.fixture
def omdb(fake_api: FakeApi) -> Iterator[httpx.Client]:
    """httpx client for the fake OMDb (add ``apikey`` per request)."""
    with httpx.Client(base_url=fake_api.omdb_url, timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The recorded real responses; tests needing them skip when absent."""
    if not SAMPLES_DIR.is_dir():
        pytest.skip(f"real TMDb/OMDb samples not found at {SAMPLES_DIR}")
    return SAMPLES_DIR


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long end-to-end tests first, so with several workers (pytest-xdist) none of them starts
    last and leaves the other workers idle while it runs alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
