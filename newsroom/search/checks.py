"""System checks: refuse a database on which Chinese search cannot work."""

from __future__ import annotations

import sqlite3

from django.core.checks import Error, register
from django.db import DatabaseError, connections

# FTS5's trigram tokenizer arrived in SQLite 3.34.
MIN_SQLITE = (3, 34, 0)


@register()
def check_search_database(app_configs=None, databases=None, **kwargs):
    """Return errors when the default database cannot tokenize Chinese.

    With LC_CTYPE C or POSIX, PostgreSQL does not treat Chinese characters as letters:
    tsvector and pg_trgm find nothing. This check runs at start-up (every management
    command, runserver included); when the database cannot be reached it stays silent
    and lets the connection error speak.
    """
    connection = connections["default"]
    if connection.vendor == "sqlite":
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            return [
                Error(
                    f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer.",
                    hint="Use Python with SQLite 3.34 or later, or PostgreSQL.",
                    id="search.E002",
                )
            ]
        return []
    if connection.vendor != "postgresql":
        return []
    try:
        ctype = database_ctype(connection)
    except DatabaseError:
        return []
    return ctype_errors(ctype, connection.settings_dict["NAME"])


def ctype_errors(ctype: str, name: str) -> list[Error]:
    """Return the error for a database LC_CTYPE under which Chinese is not text."""
    if ctype.upper() not in ("C", "POSIX"):
        return []
    return [
        Error(
            f"The database {name!r} has LC_CTYPE {ctype!r}: PostgreSQL then treats Chinese "
            "characters as non-letters and full-text search finds nothing.",
            hint=(
                "Create the database with a UTF-8 ctype, e.g. createdb -T template0 "
                "-E UTF8 --lc-ctype=C.UTF-8 newsroom, and restore the data into it."
            ),
            id="search.E001",
        )
    ]


def database_ctype(connection) -> str:
    """Return the LC_CTYPE of the connection's database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        return cursor.fetchone()[0]
