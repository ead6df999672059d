"""Login throttling (django-axes, newsroom/throttle.py): too many failures lock a username for an address.

The counts live in the database, so the limit holds however many workers and servers answer:
the last test starts gunicorn with two workers and makes both of them serve the failures.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-Newsroom-1"
LOCKED = "登录失败次数过多"


def login(client, username, password, address="203.0.113.7", **headers):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password,
                                 "next": reverse("admin:index")},
        REMOTE_ADDR=address, **headers,
    )


def test_the_fifth_failure_locks_and_then_even_the_right_password_is_refused_with_a_message(
    settings, db
):
    make_user("editor", role="editor", password=PASSWORD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        failed = login(client, "editor", "wrong")
        assert failed.status_code == 200
        assert LOCKED not in failed.content.decode()
    locking = login(client, "editor", "wrong")
    assert locking.status_code == 429
    assert LOCKED in locking.content.decode()

    refused = login(client, "editor", PASSWORD)
    assert refused.status_code == 429
    # The admin's login page, with the form to try again later.
    assert LOCKED in refused.content.decode()
    assert 'name="password"' in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_translated_for_english_readers(settings, db):
    make_user("editor", role="editor", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "editor", "wrong")
    refused = login(Client(), "editor", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()


def test_the_lock_is_per_username_and_address(settings, db):
    make_user("editor", role="editor", password=PASSWORD)
    make_user("chief", role="chief editor", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "editor", "wrong")
    assert login(Client(), "editor", PASSWORD, address="198.51.100.2").status_code == 302
    assert login(Client(), "chief", PASSWORD).status_code == 302
    assert login(Client(), "editor", PASSWORD).status_code == 429


def test_a_successful_login_clears_the_count_of_failures(settings, db):
    make_user("editor", role="editor", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(), "editor", "wrong")
    assert login(Client(), "editor", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(), "editor", "wrong")
    assert login(Client(), "editor", PASSWORD).status_code == 302


def test_failures_for_a_username_in_another_case_count_together(settings, db):
    make_user("editor", role="editor", password=PASSWORD)
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "EDITOR" if n % 2 else "editor", "wrong")
    assert login(Client(), "editor", PASSWORD).status_code == 429


def test_a_failure_is_recorded_without_the_password_tried(db):
    login(Client(), "editor", "guess-Newsroom-9")
    (attempt,) = AccessAttempt.objects.all()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "editor", "203.0.113.7", 1)
    assert "guess-Newsroom-9" not in attempt.post_data


def age_failures(by: timedelta) -> None:
    """Move every recorded failure ``by`` into the past, as if that much time had gone by."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - by)


def test_the_lock_ends_its_cool_off_after_the_last_counted_failure_not_the_last_refusal(
    settings, db
):
    make_user("editor", role="editor", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "editor", "wrong")
    age_failures(settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    # Refused while locked: not counted, so the lock does not start again.
    assert login(Client(), "editor", "wrong").status_code == 429
    age_failures(timedelta(minutes=2))
    assert login(Client(), "editor", PASSWORD).status_code == 302


# ------------------------------------------------------------------ two gunicorn workers


@dataclass
class Answer:
    status: int
    headers: str
    text: str


def read_answer(sock: socket.socket) -> Answer:
    raw = b""
    while chunk := sock.recv(65536):
        raw += chunk
    sock.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, _, headers = head.decode("latin-1").partition("\r\n")
    return Answer(int(status_line.split()[1]), headers, body.decode("utf-8", "replace"))


def login_request(port: int, csrf: str, username: str, password: str) -> bytes:
    body = urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": password,
                      "next": "/admin/"}).encode()
    head = (
        f"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: csrftoken={csrf}\r\n\r\n"
    ).encode()
    return head + body


def send_all_but_the_last_byte(port: int, request: bytes) -> socket.socket:
    """Open a connection and send ``request`` but for its last byte: whichever worker takes it
    waits for that byte and serves no one else meanwhile (sync workers serve one at a time)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(request[:-1])
    return sock


def finish(sock: socket.socket, request: bytes) -> Answer:
    sock.sendall(request[-1:])
    return read_answer(sock)


def send(port: int, request: bytes) -> Answer:
    return finish(send_all_but_the_last_byte(port, request), request)


def fail_on_two_workers(port: int, request: bytes) -> list[Answer]:
    """Send ``request`` twice so that two different workers must serve it; return the answers in
    the order they were given. The first is held open until the second is answered, so the worker
    holding it cannot be the one that answers the second."""
    held = send_all_but_the_last_byte(port, request)
    second = send(port, request)
    return [second, finish(held, request)]


def database_url() -> str:
    """Return a DATABASE_URL the server's workers share with this test: the PostgreSQL test
    database, or (SQLite's test database lives in this process's memory) a file of its own."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST'] or 'localhost'}"
                f":{db['PORT'] or 5432}/{quote(db['NAME'])}")
    return ""


@pytest.fixture
def server(tmp_path, transactional_db):
    """Start gunicorn with two workers on a free loopback port; yield (port, access log path)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": database_url() or f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "NEWSROOM_DATA_DIR": str(tmp_path),
        # The workers share a page cache (the tests' default, memory, is one process's).
        "PAGE_CACHE_LOCATION": str(tmp_path / "page-cache"),
    }
    setup = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import User\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        f"User.objects.create_user('editor', password={PASSWORD!r}, is_staff=True)\n"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True, timeout=300)

    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "2",
         "--bind", "127.0.0.1:0", "--access-logfile", str(access_log),
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "--error-logfile", str(error_log)],
        cwd=ROOT, env=env,
    )
    try:
        port = None
        for _ in range(600):  # at most a minute
            listening = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)",
                                  error_log.read_text() if error_log.exists() else "")
            if listening:
                port = int(listening[1])
                break
            assert process.poll() is None, error_log.read_text()
            time.sleep(0.1)
        assert port, "gunicorn did not start listening within a minute"
        yield port, access_log
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_the_limit_holds_across_two_gunicorn_workers_sharing_the_database(server, settings):
    port, access_log = server
    form = send(port, f"GET /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                      "Connection: close\r\n\r\n".encode())
    csrf = re.search(r"csrftoken=([^;]+)", form.headers)[1]
    wrong = login_request(port, csrf, "editor", "wrong")
    limit = settings.AXES_FAILURE_LIMIT

    failures: list[Answer] = []
    while len(failures) + 2 <= limit:
        failures += fail_on_two_workers(port, wrong)
    failures += [send(port, wrong) for _ in range(limit - len(failures))]
    refused = send(port, login_request(port, csrf, "editor", PASSWORD))

    assert [answer.status for answer in failures] == [200] * (limit - 1) + [429]
    assert [LOCKED in answer.text for answer in failures] == [False] * (limit - 1) + [True]
    assert refused.status == 429
    assert LOCKED in refused.text
    assert "sessionid=" not in refused.headers
    # Both workers answered failures (each log line: <pid> method path status).
    logins = [line.split() for line in access_log.read_text().splitlines() if " POST " in line]
    assert len(logins) == limit + 1
    assert len({pid for pid, *_ in logins}) == 2
