"""Read settings from environment variables through small typed helpers that fail loudly."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable's text, or the default; raise if neither exists."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    """Return the variable as a number (decimals allowed)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str, *, base_dir: Path, conn_max_age: int = 60,
                      pool: dict | None = None) -> dict:
    """Return a Django DATABASES entry for a sqlite:/// or postgres:// URL.

    Relative SQLite paths are taken from the project folder. A PostgreSQL connection is kept
    ``conn_max_age`` seconds (0: one a request), or, given ``pool`` (psycopg_pool's
    ConnectionPool options), taken from and given back to a pool each process keeps.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        if raw_path in ("", "/"):
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r} names no SQLite file: use e.g. sqlite:///var/newsroom.sqlite3"
            )
        if raw_path == "/:memory:":
            name = ":memory:"
        else:
            # sqlite:///relative/path and sqlite:////absolute/path, as dj-database-url reads them.
            path = Path(raw_path[1:])
            name = str(path if path.is_absolute() else base_dir / path)
        if pool is not None:
            raise ImproperlyConfigured(
                f"DATABASE_POOL is for PostgreSQL; DATABASE_URL={url!r} is SQLite: "
                "unset DATABASE_POOL (or set it to off)."
            )
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r} names no database: use e.g. "
                "postgres://postgres@127.0.0.1:5432/newsroom"
            )
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} has a port that is not a number.") from None
        options: dict = dict(parse_qsl(parts.query))
        if pool is not None:
            if conn_max_age != 0:
                # Django refuses the pair too, but only at the first query.
                raise ImproperlyConfigured(
                    f"DATABASE_POOL is on and DATABASE_CONN_MAX_AGE={conn_max_age}: a pooled "
                    "connection goes back to the pool after each request; set "
                    "DATABASE_CONN_MAX_AGE=0 (or leave it unset)."
                )
            options["pool"] = dict(pool)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": conn_max_age,
            # A persistent connection is checked (SELECT 1) before a request's first query;
            # a pooled one is checked by the pool when it is handed out.
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL={url!r} is not understood: use sqlite:///path/to/file.sqlite3 "
        "or postgres://user@host:5432/name"
    )
