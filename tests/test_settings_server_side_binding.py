"""Server-side binding with prepared statements (DATABASE_SERVER_SIDE_BINDING): on by default with
PostgreSQL, on the primary and the replicas, off when turned off, refused on SQLite; and, when the suite runs on
PostgreSQL, pages served through it are the pages served without it, their statements prepared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRIMARY = "postgres://postgres@127.0.0.1:5432/newsroom"


def _settings(**variables: str) -> subprocess.CompletedProcess:
    """Start Django's settings in a process of its own with only these variables set."""
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "newsroom.settings",
           "PAGE_CACHE_LOCATION": "memory", **variables}
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps({a: d['OPTIONS'] for a, d in settings.DATABASES.items()}))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)


def _options(**variables: str) -> dict:
    result = _settings(**variables)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_server_side_binding_is_on_with_postgresql_unless_turned_off():
    options = _options(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URLS=PRIMARY + "_replica")
    for alias in ("default", "replica_1"):
        assert options[alias]["server_side_binding"] is True
        assert options[alias]["prepare_threshold"] == 5
    off = _options(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URLS=PRIMARY + "_replica",
                   DATABASE_SERVER_SIDE_BINDING="off")
    assert "server_side_binding" not in off["default"] and "prepare_threshold" not in off["default"]
    assert "server_side_binding" not in off["replica_1"]


def test_sqlite_binds_in_the_client_by_default():
    options = _options(DATABASE_URL="sqlite:////tmp/newsroom-ssb-test.sqlite3")
    assert "server_side_binding" not in options["default"]


def test_asked_for_it_binds_on_the_server_and_prepares_on_the_primary_and_the_replicas():
    options = _options(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URLS=PRIMARY + "_replica",
                       DATABASE_SERVER_SIDE_BINDING="on", DATABASE_PREPARE_THRESHOLD="2")
    for alias in ("default", "replica_1"):
        assert options[alias]["server_side_binding"] is True
        assert options[alias]["prepare_threshold"] == 2
    assert _options(DATABASE_URL=PRIMARY, DATABASE_SERVER_SIDE_BINDING="on")["default"]["prepare_threshold"] == 5
    # Behind a pooler that cannot keep prepared statements: bound on the server, nothing prepared.
    behind_a_pooler = _options(DATABASE_URL=PRIMARY, DATABASE_SERVER_SIDE_BINDING="on",
                               DATABASE_PREPARE_THRESHOLD="off")["default"]
    assert behind_a_pooler["server_side_binding"] is True and behind_a_pooler["prepare_threshold"] is None


def test_server_side_binding_on_sqlite_is_refused_at_start_up():
    result = _settings(DATABASE_URL="sqlite:////tmp/newsroom-ssb-test.sqlite3", DATABASE_SERVER_SIDE_BINDING="on")
    assert result.returncode != 0 and "DATABASE_SERVER_SIDE_BINDING is for PostgreSQL" in result.stderr


SERVE = """
import django, json, sys
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_X_FORWARDED_PROTO="https")
paths = json.loads(sys.argv[1])
pages = [client.get(path).content.decode() for _round in range(3) for path in paths]
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    prepared = cursor.fetchone()[0]
print(json.dumps({"pages": pages[-len(paths):], "prepared": prepared}))
"""


def _serve(paths: list[str], **variables: str) -> dict:
    """Serve the paths three times in a process of its own on the test database; its last round."""
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "PAGE_CACHE": "0", "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "1",
           "ALLOWED_HOSTS": "testserver", **variables}
    result = subprocess.run([sys.executable, "-c", SERVE, json.dumps(paths)], env=env, capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_pages_served_with_prepared_statements_are_the_same_pages():
    if connection.vendor != "postgresql":
        pytest.skip("server-side binding is PostgreSQL's")
    from tests.factories import make_article, make_credit, make_person, make_photo

    article = make_article(tags=["工会"])
    make_credit(person=make_person("记者甲"), article=article)
    make_photo(article.issue, article=article)
    paths = [article.get_absolute_url(), article.issue.get_absolute_url()]
    bound_here = _serve(paths, DATABASE_SERVER_SIDE_BINDING="off")
    prepared = _serve(paths, DATABASE_SERVER_SIDE_BINDING="on", DATABASE_PREPARE_THRESHOLD="1")
    unprepared = _serve(paths, DATABASE_SERVER_SIDE_BINDING="on", DATABASE_PREPARE_THRESHOLD="off")
    assert prepared["pages"] == bound_here["pages"] == unprepared["pages"]
    assert all("记者甲" in page for page in prepared["pages"])
    assert bound_here["prepared"] == unprepared["prepared"] == 0
    assert prepared["prepared"] >= 5  # the pages' queries were planned once and run again
