from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import database_from_url, env_bool, env_int

BASE = Path("/srv/newsroom")


def test_a_postgres_url_selects_postgresql():
    db = database_from_url("postgres://postgres:s%40cret@127.0.0.1:5433/newsroom", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "newsroom", "postgres", "s@cret", "127.0.0.1", "5433",
    )


def test_a_relative_sqlite_path_is_taken_from_the_project_folder():
    db = database_from_url("sqlite:///var/db.sqlite3", base_dir=BASE)
    assert db == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/newsroom/var/db.sqlite3"}


def test_an_absolute_sqlite_path_is_kept():
    db = database_from_url("sqlite:////tmp/x.sqlite3", base_dir=BASE)
    assert db["NAME"] == "/tmp/x.sqlite3"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://root@localhost/newsroom", "is not understood"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("postgres://postgres@127.0.0.1:port/newsroom", "port that is not a number"),
        ("sqlite://", "names no SQLite file"),
        ("newsroom.sqlite3", "is not understood"),
    ],
)
def test_a_bad_database_url_fails_with_a_clear_message(url, words):
    with pytest.raises(ImproperlyConfigured, match=words):
        database_from_url(url, base_dir=BASE)


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False)


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "an hour")
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        env_int("SECURE_HSTS_SECONDS", 0)


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["0", "-5"])
def test_settings_refuse_an_import_batch_of_no_pages_at_start_up(value):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "IMPORT_BATCH_PAGES": value,
           "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode != 0
    assert f"IMPORT_BATCH_PAGES={value}: a batch holds at least one page" in result.stderr


def test_settings_refuse_a_bad_database_url_at_start_up():
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin", "DEBUG": "1", "DATABASE_URL": "mongodb://x/y",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "mongodb://x/y" in result.stderr
