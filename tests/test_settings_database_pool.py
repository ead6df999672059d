"""Connection pooling (DATABASE_POOL): the DATABASES entries it builds, the combinations it
refuses, and a request served through the pool when the suite runs on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from newsroom.env import database_from_url

ROOT = Path(__file__).resolve().parent.parent
BASE = Path("/srv/newsroom")
PRIMARY = "postgres://postgres@127.0.0.1:5432/newsroom"
POOL = {"min_size": 1, "max_size": 4, "timeout": 10.0}


def test_a_pooled_postgres_entry_has_the_pool_options_and_no_persistent_connection():
    db = database_from_url(PRIMARY, base_dir=BASE, conn_max_age=0, pool=POOL)
    assert db["OPTIONS"]["pool"] == POOL
    assert db["CONN_MAX_AGE"] == 0
    assert db["CONN_HEALTH_CHECKS"] is True  # the pool checks a connection as it hands it out


def test_without_a_pool_a_postgres_connection_persists_and_has_no_pool_option():
    db = database_from_url(PRIMARY, base_dir=BASE)
    assert "pool" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60


def test_the_url_query_options_stay_beside_the_pool():
    db = database_from_url(PRIMARY + "?sslmode=require", base_dir=BASE, conn_max_age=0, pool=POOL)
    assert db["OPTIONS"] == {"sslmode": "require", "pool": POOL}


def test_a_pool_with_persistent_connections_is_refused_with_the_fix():
    with pytest.raises(ImproperlyConfigured, match="set DATABASE_CONN_MAX_AGE=0"):
        database_from_url(PRIMARY, base_dir=BASE, conn_max_age=60, pool=POOL)


def test_a_pool_on_sqlite_is_refused_with_the_fix():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL is for PostgreSQL"):
        database_from_url("sqlite:///var/db.sqlite3", base_dir=BASE, pool=POOL)


def _settings(**variables: str) -> subprocess.CompletedProcess:
    """Start Django's settings in a process of its own with only these variables set."""
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "newsroom.settings",
           "PAGE_CACHE_LOCATION": "memory", **variables}
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps({a: {k: d.get(k) for k in ('OPTIONS', 'CONN_MAX_AGE')} "
            "for a, d in settings.DATABASES.items()}))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=ROOT)


def _databases(**variables: str) -> dict:
    result = _settings(**variables)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_pool_is_off_unless_asked_for():
    databases = _databases(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URLS=PRIMARY + "_replica")
    assert databases["default"]["CONN_MAX_AGE"] == 60 and "pool" not in databases["default"]["OPTIONS"]
    assert databases["replica_1"]["CONN_MAX_AGE"] == 60 and "pool" not in databases["replica_1"]["OPTIONS"]


def test_database_pool_on_pools_the_primary_and_the_replicas():
    databases = _databases(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URLS=PRIMARY + "_replica",
                           DATABASE_POOL="on", DATABASE_POOL_MAX_SIZE="6")
    assert databases["default"]["CONN_MAX_AGE"] == 0
    assert databases["default"]["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 10.0}
    # A replica that is down costs its whole timeout at each check (the pool waits for a
    # connection it cannot open), so a replica waits less before it is read around.
    assert databases["replica_1"]["CONN_MAX_AGE"] == 0
    assert databases["replica_1"]["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 1.0}


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"DATABASE_URL": PRIMARY, "DATABASE_POOL": "on", "DATABASE_CONN_MAX_AGE": "60"},
         "set DATABASE_CONN_MAX_AGE=0"),
        ({"DATABASE_URL": "sqlite:////tmp/newsroom-pool-test.sqlite3", "DATABASE_POOL": "on"},
         "DATABASE_POOL is for PostgreSQL"),
        ({"DATABASE_URL": PRIMARY, "DATABASE_POOL": "on", "DATABASE_POOL_MIN_SIZE": "5",
          "DATABASE_POOL_MAX_SIZE": "2"}, "the minimum must be 0 or more and at most the maximum"),
        ({"DATABASE_URL": PRIMARY, "DATABASE_POOL": "sometimes"}, "DATABASE_POOL='sometimes'"),
    ],
)
def test_settings_refuse_a_wrong_pool_combination_at_start_up(variables, words):
    result = _settings(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and words in result.stderr


SERVE = """
import json
from wsgiref.util import setup_testing_defaults

import django

django.setup()
from django.core.wsgi import get_wsgi_application
from django.db import connections

application = get_wsgi_application()
seen = []
for _ in range(5):
    environ = {"PATH_INFO": "/api/v1/articles/", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses = []
    response = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # as a WSGI server does: request_finished gives the connection back
    seen.append({"status": statuses[0], "held": connections["default"].connection is not None})
stats = connections["default"].pool.get_stats()
print(json.dumps({"requests": seen, "opened": stats.get("connections_num", 0),
                  "handed_out": stats.get("requests_num", 0)}))
"""


@pytest.mark.django_db
def test_requests_are_served_through_one_pooled_connection(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's: this runs in the suite's PostgreSQL run")
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
           f"{database['PORT'] or 5432}/{database['NAME']}")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "0",
           "DATABASE_URL": url, "DATABASE_POOL": "on", "PAGE_CACHE": "0",
           "PAGE_CACHE_LOCATION": "memory", "ALLOWED_HOSTS": "testserver",
           "SITE_URL": "https://testserver", "SECURE_HTTPS": "0", "STATIC_MANIFEST": "0",
           "SECRET_KEY": "pool-test-only-" + "x" * 40, "NEWSROOM_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", SERVE], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert [r["status"] for r in served["requests"]] == ["200 OK"] * 5
    # Each request gave its connection back, and the pool opened at most two for all five
    # (its first, min_size, and one more if the first request came before it was ready);
    # without the pool each request would open its own.
    assert not any(r["held"] for r in served["requests"])
    assert served["opened"] <= 2
    assert served["handed_out"] >= 5


FORK = """
import json
import multiprocessing

import django

django.setup()
from django.db import connection, connections


def backend_pid(_=None):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connections.close_all()  # back to the pool, still open
    return pid


parent = backend_pid()
with multiprocessing.get_context("fork").Pool(2) as workers:
    children = workers.map(backend_pid, range(4))
print(json.dumps({"parent": parent, "children": children, "parent_after": backend_pid()}))
"""


@pytest.mark.django_db
def test_a_forked_worker_never_takes_its_parents_pooled_connection(tmp_path):
    # import_pages --jobs forks its workers after giving its connection back (to the pool).
    # It reads no table: on the suite's SQLite run it uses the machine's PostgreSQL server.
    database = connection.settings_dict
    url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
           f"{database['PORT'] or 5432}/{database['NAME']}"
           if connection.vendor == "postgresql" else "postgres://postgres@127.0.0.1:5432/postgres")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "1",
           "DATABASE_URL": url, "DATABASE_POOL": "on", "PAGE_CACHE_LOCATION": "memory",
           "NEWSROOM_DATA_DIR": str(tmp_path)}
    # Without settings' fork hook the children wait on the inherited pool (its threads did not
    # cross the fork) or share the parent's socket: the run hangs or the pids match.
    result = subprocess.run([sys.executable, "-c", FORK], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    pids = json.loads(result.stdout.strip().splitlines()[-1])
    assert pids["parent"] not in pids["children"]
    assert isinstance(pids["parent_after"], int)
