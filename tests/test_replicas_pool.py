"""Read replicas with DATABASE_POOL on: the same walk as tests/test_replicas.py (replica fresh,
lagging, caught up, down) with the primary and the replica each behind a psycopg pool.

A pooled replica that goes down must still be read around: the pool cannot hand out a
connection, waits DATABASE_POOL_REPLICA_TIMEOUT, and raises an OperationalError, which
newsroom/replicas.py takes as "not answering"."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.test_replicas import pair  # noqa: F401  (the module's own primary and replica)

ROOT = Path(__file__).resolve().parent.parent


def test_a_pooled_replica_is_read_while_fresh_and_read_around_when_down(pair):  # noqa: F811
    env, primary, replica = pair
    env = {
        **env, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "0",
        "DATABASE_URL": primary, "DATABASE_REPLICA_URLS": replica, "DATABASE_POOL": "on",
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

    def read_from(step: str) -> str:
        figures = seen[step]
        assert figures["status"] == 200, (step, figures)
        assert bool(figures["primary"]) != bool(figures["replica"]), (step, figures)
        return "replica" if figures["replica"] else "primary"

    assert read_from("anonymous issue page") == "replica"
    assert read_from("editor issue page") == "primary"
    assert read_from("after a POST") == "primary"
    assert read_from("replica lagging") == "primary"
    assert seen["replica lagging"]["shows the correction"]
    assert read_from("replica caught up") == "replica"
    assert seen["replica caught up"]["shows the correction"]
    assert read_from("replica down") == "primary"
    assert "not answering" in probe.stderr  # replicas.py's warning: the pool timed out
    assert time.monotonic() - started < 90
