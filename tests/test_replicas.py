"""Read replicas for real: a PostgreSQL primary and its streaming replica (scripts/pg-replica).

The pair is the project's own (two free ports on 127.0.0.1, data in a temporary folder), so
this runs in both of the suite's runs, whatever database the rest of the suite uses. The archive
runs in a process of its own against the pair (tests/replicas_probe.py), as a server would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from newsroom.replicas import ReplicaRouter

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-replica"


def _free_ports(count: int) -> list[int]:
    """Return ``count`` different loopback ports free now (each held until all are chosen)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@pytest.fixture
def pair():
    # Each test its own pair: the walk below leaves users, corrections and a stopped replica.
    # Directly under /tmp: the postgres user (the servers' owner when the tests run as root)
    # must reach it, which pytest's private temporary folders do not allow.
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    folder.chmod(0o755)
    # Ports free now, so two test runs on one machine do not meet on the script's defaults.
    primary_port, replica_port = _free_ports(2)
    env = {**os.environ, "NEWSROOM_REPLICA_DIR": str(folder / "pair"),
           "NEWSROOM_PRIMARY_PORT": str(primary_port), "NEWSROOM_REPLICA_PORT": str(replica_port)}
    try:
        started = subprocess.run([SCRIPT, "start"], env=env, capture_output=True, text=True)
        assert started.returncode == 0, started.stderr
        urls = dict(line.split(" ", 1) for line in started.stdout.splitlines())
        subprocess.run(["psql", urls["primary"], "-qc", "CREATE DATABASE newsroom"], check=True,
                       capture_output=True)
        primary = urls["primary"].rsplit("/", 1)[0] + "/newsroom"
        replica = urls["replica"].rsplit("/", 1)[0] + "/newsroom"
        yield env, primary, replica
    finally:
        subprocess.run([SCRIPT, "stop"], env=env, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("pool", [False, True], ids=["connections kept", "DATABASE_POOL"])
def test_anonymous_readers_read_from_the_replica_and_everyone_else_from_the_primary(pair, pool):
    """With DATABASE_POOL the primary and the replica are each behind a psycopg pool: a pooled
    replica that goes down must still be read around (the pool waits
    DATABASE_POOL_REPLICA_TIMEOUT, then raises, which replicas.py takes as "not answering")."""
    env, primary, replica = pair
    env = {
        **env, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "0",
        "DATABASE_URL": primary, "DATABASE_REPLICA_URLS": replica,
        **({"DATABASE_POOL": "on"} if pool else {}),
        "REPLICA_MAX_LAG": "1", "REPLICA_CHECK_SECONDS": "0", "PAGE_CACHE": "0",
        "ALLOWED_HOSTS": "testserver", "SITE_URL": "https://testserver", "SECURE_HTTPS": "0",
        "SECRET_KEY": "replica-test-only-" + "x" * 40,
        "NEWSROOM_DATA_DIR": str(Path(env["NEWSROOM_REPLICA_DIR"]).parent / "data"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "import_pages", str(ROOT / "seeds")], env=env, check=True, cwd=ROOT,
                   capture_output=True)

    started = time.monotonic()
    probe = subprocess.run([sys.executable, "-m", "tests.replicas_probe"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr[-3000:]
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert "not answering" in probe.stderr  # replicas.py's warning when the replica went down
    assert time.monotonic() - started < 90

    def read_from(step: str) -> str:
        figures = seen[step]
        assert figures["status"] == 200, (step, figures)
        assert bool(figures["primary"]) != bool(figures["replica"]), (step, figures)  # one of them
        return "replica" if figures["replica"] else "primary"

    assert read_from("anonymous issue page") == "replica"
    assert read_from("anonymous API list") == "replica"
    assert read_from("editor issue page") == "primary"
    assert read_from("API list with a token") == "primary"
    assert seen["a POST pins its sender"]["cookie"]
    assert read_from("after a POST") == "primary"
    # A replica further behind than REPLICA_MAX_LAG is left out: the reader sees the correction.
    assert read_from("replica lagging") == "primary"
    assert seen["replica lagging"]["shows the correction"]
    assert seen["replica lagging"]["replayed the correction"] is False
    assert read_from("replica caught up") == "replica"
    assert seen["replica caught up"]["shows the correction"]
    assert seen["replica caught up"]["replayed the correction"] is True
    assert read_from("replica down") == "primary"


def test_the_router_writes_and_migrates_on_the_primary_only():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "newsroom") and not router.allow_migrate("replica_1", "newsroom")
    # Outside a request given a replica (a command, an editor), reads go to the primary.
    assert router.db_for_read(None) == "default"


def test_the_script_refuses_a_port_another_server_holds(pair, tmp_path):
    env, _primary, _replica = pair
    other = {**env, "NEWSROOM_REPLICA_DIR": str(tmp_path / "other")}  # the same ports, held
    refused = subprocess.run([SCRIPT, "start"], env=other, capture_output=True, text=True)
    assert refused.returncode == 1 and "is taken by another server" in refused.stderr
