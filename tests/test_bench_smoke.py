"""Each benchmark script still runs end to end (tiny parameters; the figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

RUNS = {
    "requests_per_title": ["--start", "2024-01", "--end", "2024-01", "--scale", "0.2"],
    "throughput": ["--seconds-slow", "1.5", "--seconds-fast", "1.5"],
    "ingest": ["--movies", "20", "--shows", "10", "--store-only", "10", "--backends", "sqlite"],
    "status": ["--titles", "1000", "--backends", "sqlite", "--runs", "1"],
    "hostile_bodies": ["--size-mb", "4", "--cap-mb", "1", "--skip-httpx"],
    "payload_cost": ["--movies", "5", "--shows", "2"],
    "export_diff": ["--lines", "2000", "--held", "1800", "--backends", "sqlite"],
    "cost_growth": ["--titles", "2000", "--scale", "0.2", "--backends", "sqlite"],
    "resync": ["--titles", "10", "--backends", "sqlite"],
    "time_to_mirror": [],
}


@pytest.mark.parametrize("script", sorted(RUNS))
def test_bench_script_runs(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / f"{script}.py"), *RUNS[script]],
        capture_output=True,
        text=True,
        timeout=240,  # a hang guard, not a speed check: the machine may be busy
        cwd=BENCH.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip(), "a benchmark prints its figures"
