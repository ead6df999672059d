"""Serving in production: deploy checks, hashed static files, gunicorn settings, the health check."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Return the environment a production server runs with (README, "Running in production")."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "archive.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://archive.example.org",
        "SITE_URL": "https://archive.example.org",
        "SECURE_HTTPS": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "STATIC_MANIFEST": "1",
        "NEWSROOM_DATA_DIR": str(tmp_path),
    }
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_the_deploy_check_is_clean_under_production_settings(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_when_https_is_not_enforced(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS


STATIC_PROBE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

call_command("collectstatic", "--noinput", verbosity=0)
client = Client(HTTP_HOST="archive.example.org")
hashed = staticfiles_storage.url("admin/css/base.css")
plain = client.get("/static/admin/css/base.css", secure=True)
found = client.get(hashed, secure=True, HTTP_ACCEPT_ENCODING="gzip")
missing = client.get("/static/admin/css/no-such-file.css", secure=True)
print(json.dumps({
    "hashed": hashed,
    "status": found.status_code,
    "cache_control": found.headers.get("Cache-Control"),
    "encoding": found.headers.get("Content-Encoding"),
    "plain_status": plain.status_code,
    "plain_cache_control": plain.headers.get("Cache-Control"),
    "missing_status": missing.status_code,
}))
"""


def test_collected_static_files_are_served_hashed_compressed_and_cached_for_years(tmp_path):
    result = run(["-c", STATIC_PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # collectstatic wrote hashed, compressed copies into STATIC_ROOT (NEWSROOM_DATA_DIR/static).
    name = probe["hashed"].rsplit("/", 1)[-1]
    assert name.startswith("base.") and name.endswith(".css") and name != "base.css"
    assert (tmp_path / "static" / "admin" / "css" / name).exists()
    assert (tmp_path / "static" / "admin" / "css" / (name + ".gz")).exists()
    # WhiteNoise serves the hashed name compressed, cacheable for ten years.
    assert probe["status"] == 200
    assert probe["encoding"] == "gzip"
    assert "immutable" in probe["cache_control"]
    assert "max-age=315360000" in probe["cache_control"]
    # The unhashed name may change under the same URL: cached briefly only.
    assert probe["plain_status"] == 200
    assert "immutable" not in probe["plain_cache_control"]
    assert probe["missing_status"] == 404


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("GUNICORN_BIND", "PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS",
                 "GUNICORN_TIMEOUT", "GUNICORN_CONTROL_SOCKET", "PAGE_CACHE", "PAGE_CACHE_LOCATION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_defaults_to_two_workers_a_core_plus_one_on_the_loopback(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["worker_class"] == "sync"
    assert conf["wsgi_app"] == "newsroom.wsgi:application"
    assert conf["control_socket_disable"] is True


def test_gunicorn_recycles_workers_rarely_and_not_all_at_once(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS_JITTER", raising=False)
    conf = gunicorn_settings(monkeypatch)
    # Every 2,000 requests cost a third of the throughput (docs/performance.md).
    assert conf["max_requests"] >= 20000
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert gunicorn_settings(monkeypatch, GUNICORN_MAX_REQUESTS="0")["max_requests"] == 0


def test_gunicorn_refuses_a_page_cache_in_each_workers_memory(monkeypatch):
    with pytest.raises(SystemExit, match="PAGE_CACHE_LOCATION=memory keeps a page cache in each"):
        gunicorn_settings(monkeypatch, PAGE_CACHE_LOCATION="memory", GUNICORN_WORKERS="3")
    # One worker, or the cache off, or a shared cache: served.
    assert gunicorn_settings(monkeypatch, PAGE_CACHE_LOCATION="memory", GUNICORN_WORKERS="1")["workers"] == 1
    assert gunicorn_settings(monkeypatch, PAGE_CACHE_LOCATION="memory", PAGE_CACHE="0",
                             GUNICORN_WORKERS="3")["workers"] == 3
    assert gunicorn_settings(monkeypatch, PAGE_CACHE_LOCATION="/var/cache/newsroom",
                             GUNICORN_WORKERS="3")["workers"] == 3


def test_gunicorn_takes_workers_threads_and_address_from_the_environment(monkeypatch):
    conf = gunicorn_settings(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_THREADS="4", GUNICORN_BIND="0.0.0.0:9000",
        PORT="7000", GUNICORN_TIMEOUT="15",
    )
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
    assert conf["bind"] == "0.0.0.0:9000"  # GUNICORN_BIND wins over PORT
    assert conf["timeout"] == 15
    assert gunicorn_settings(monkeypatch, PORT="7000")["bind"] == "127.0.0.1:7000"


def test_gunicorn_logs_the_time_each_request_took(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert "rt_us=%(D)s" in conf["access_log_format"]
    assert '"%(r)s" %(s)s' in conf["access_log_format"]


def test_a_bad_worker_count_names_the_variable(monkeypatch):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='many' is not a whole number"):
        gunicorn_settings(monkeypatch, GUNICORN_WORKERS="many")


def test_the_health_check_answers_ok_without_touching_the_database(
    db, client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_the_health_check_is_exempt_from_the_https_redirect(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/").status_code == 301


def test_the_health_check_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
