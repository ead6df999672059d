"""The history records of the importer's bulk writes: django-simple-history's own, made in the database.

``bulk_create_with_history`` and ``bulk_update_with_history`` build a history model instance
for every row and send its every value back to the database, which cost the importer about a
tenth of its CPU. On PostgreSQL the records are copied from the rows just written instead (one
``INSERT ... SELECT``, each row's change reason and user beside its id): the same records,
which the tests compare with the library's. Elsewhere (SQLite) the library writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

# The columns of a history record that are not a copy of the row's.
_OWN = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


def _copied_in_database() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def create_with_history(rows: list, model: type[models.Model], *, extra: dict | None = None) -> None:
    """Insert new rows and the "+" history record of each, as bulk_create_with_history does.

    ``extra``: values of the history's own columns (an article's tag_names), the same for
    every row; a column not named gets its field's default, as the library gives it.
    """
    if not _copied_in_database():
        bulk_create_with_history(rows, model, custom_historical_attrs=extra)
        return
    model.objects.bulk_create(rows)
    _copy_history(rows, model, history_type="+", extra=extra or {}, date=timezone.now())


def update_with_history(rows: list, model: type[models.Model], fields: list[str]) -> None:
    """Write these fields of rows already stored and a "~" history record of each, as
    bulk_update_with_history does (on PostgreSQL: one UPDATE from arrays, not a CASE a row)."""
    date = timezone.now()
    if not _copied_in_database():
        bulk_update_with_history(rows, model, fields, default_date=date)
        return
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    written = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    names = [f"c{number}" for number in range(len(written))]
    arrays = [f"%s::{field.db_type(connection).split('(')[0]}[]" for field in [pk, *written]]
    sql = (
        f"UPDATE {quote(model._meta.db_table)} m SET "
        + ", ".join(f"{quote(field.column)} = u.{name}" for field, name in zip(written, names, strict=True))
        + f" FROM unnest({', '.join(arrays)}) AS u(id, {', '.join(names)}) WHERE m.{quote(pk.column)} = u.id"
    )
    params = [[row.pk for row in rows]] + [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for row in rows]
        for field in written
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    _copy_history(rows, model, history_type="~", extra={}, date=date)


def _copy_history(rows: list, model: type[models.Model], *, history_type: str, extra: dict,
                  date) -> None:
    """Write a history record of each stored row, copied from the row (one INSERT ... SELECT)."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    history = model.history.model
    tracked = {field.attname: field for field in history.tracked_fields}
    stored = {field.attname: field.column for field in model._meta.concrete_fields}
    columns = [quote(field.column) for field in tracked.values()]
    values = [f"m.{quote(stored[name])}" for name in tracked]
    params: list = []
    for field in history._meta.concrete_fields:
        if field.attname in _OWN or field.attname in tracked:
            continue
        value = extra[field.attname] if field.attname in extra else field.get_default()
        columns.append(quote(field.column))
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    columns += [quote(name) for name in ("history_date", "history_change_reason", "history_type",
                                         "history_user_id")]
    values += ["%s", "r.reason", "%s", "r.user_id"]
    params += [date, history_type]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)} m "
        "JOIN unnest(%s::bigint[], %s::text[], %s::bigint[]) WITH ORDINALITY AS r(id, reason, user_id, n) "
        f"ON m.{quote(model._meta.pk.column)} = r.id ORDER BY r.n"
    )
    # As bulk_history_create: the row's own reason and user, else the signed-in user of the
    # request this runs in (HistoricalRecords' middleware), else none.
    users = [history.get_default_history_user(row) for row in rows]
    params += [[row.pk for row in rows], [getattr(row, "_change_reason", None) for row in rows],
               [user.pk if user is not None else None for user in users]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
