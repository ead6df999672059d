"""The import benchmark's tools: PostgreSQL's CPU a page, sampled from /proc."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.import_benchmark import PostgresCpu

pytestmark = pytest.mark.skipif(not Path("/proc/self/schedstat").exists(), reason="Linux /proc only")

# Waits for the start marker, spins for SPIN seconds of its own CPU, says so, then idles.
BUSY = """
import os, sys, time
marker, done = sys.argv[1], sys.argv[2]
while not os.path.exists(marker + ".start"):
    time.sleep(0.005)
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
open(done, "w").close()
time.sleep(30)
"""


def fake_backend(database: str, marker: str, done: Path) -> subprocess.Popen:
    """A process titled as a PostgreSQL backend of ``database`` is (argv[0], as ps shows it)."""
    title = f"postgres: 15/main: postgres {database} 127.0.0.1(50000) idle"
    return subprocess.Popen(["bash", "-c", f'exec -a "{title}" "$0" -c "$1" "$2" "$3"',
                             sys.executable, BUSY, marker, str(done)])


def test_only_the_databases_backends_cpu_between_the_markers_is_counted(tmp_path):
    marker = str(tmp_path / "import")
    ours = fake_backend("newsroom_bench_tooltest", marker, tmp_path / "ours")
    other = fake_backend("newsroom_bench_othertest", marker, tmp_path / "other")
    try:
        with PostgresCpu("newsroom_bench_tooltest", marker, interval=0.01) as postgres:
            time.sleep(0.2)  # the sampler has seen both before the import starts
            Path(marker + ".start").touch()
            deadline = time.monotonic() + 30
            while not ((tmp_path / "ours").exists() and (tmp_path / "other").exists()):
                assert time.monotonic() < deadline
                time.sleep(0.01)
            time.sleep(0.1)
            Path(marker + ".stop").touch()
            time.sleep(0.1)
        # About the 0.3 s the backend of our database spun; nothing of the other database's.
        assert 0.2 <= postgres.result() < 0.5
    finally:
        for process in (ours, other):
            process.kill()
            process.wait()


def test_no_process_of_the_database_reads_as_unknown(tmp_path):
    marker = str(tmp_path / "import")
    with PostgresCpu("newsroom_bench_nosuchdatabase", marker, interval=0.01) as postgres:
        Path(marker + ".start").touch()
        time.sleep(0.05)
        Path(marker + ".stop").touch()
        time.sleep(0.05)
    assert postgres.result() is None
