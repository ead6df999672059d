"""A real task worker for the intake's tests: ``manage.py db_worker`` in its own process.

It reads the test database (SQLite's is a file for this: SQLITE_TEST_NAME in pyproject.toml;
PostgreSQL's is the test run's database) and the test session's data folder (the intake
uploads, the scans), so what it does is what a worker on another machine would do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def worker_env(data_dir: Path, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        **settings,
        "DATABASE_URL": database_url(),
        "NEWSROOM_DATA_DIR": str(data_dir),
        "DEBUG": "0",  # a worker runs as in production
        "SITE_URL": "https://archive.example.org",
        "LOG_LEVEL": "ERROR",
    }


def start_worker(data_dir: Path, *, batch: bool = True, **settings: str) -> subprocess.Popen:
    """Start ``manage.py db_worker`` (with ``settings`` in its environment, as a server sets them)."""
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"]
    if batch:
        command.append("--batch")
    return subprocess.Popen(command, cwd=ROOT, env=worker_env(data_dir, **settings),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_worker(data_dir: Path, timeout: float = 120) -> str:
    """Run a worker until the queue is empty; return what it printed (raise if it failed)."""
    process = start_worker(data_dir)
    output, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise AssertionError(f"db_worker exited with {process.returncode}:\n{output}")
    return output
