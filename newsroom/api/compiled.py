"""values() queries compiled to SQL once, then run again with other values: the ORM's own SQL,
without building and compiling a QuerySet for every request.

Building a QuerySet and compiling it (resolving names, joins, annotations, the select list)
costs a staff list more CPU than PostgreSQL spends answering it. A ``CompiledQuery`` is made
from a function that builds the QuerySet from its variable values (``Slot``: a cursor's sort
keys, the ids of a page's articles); it is compiled twice, with two sets of stand-in values
(sentinels), and each parameter of the SQL that holds a stand-in is remembered as that slot's
place. Each run then executes the same SQL with the run's values, each prepared as the ORM's
lookup prepares it (``get_prep_value``, then ``get_db_prep_value``), and converts the rows with
the ORM's own converters.

The two compilations must give the same SQL, the same constants and the same places, and
every slot must have a place: otherwise (a constant that happened to equal a stand-in, a
lookup that reshapes its values) ``compile_query`` returns None and the caller builds its
QuerySet as before. Queries whose constants depend on the database's rows (a content type's
id) must take them as slots, or name them by value (``content_type__model``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Field, QuerySet

# What integer stand-ins may be: inside every integer column's range (a lookup refuses a
# value beyond it before any SQL), never 0 or 1 (the constants queries hold).
_INT_BASES = (28_411, 30_529)
_DATE_BASES = (dt.date(1903, 7, 11), dt.date(1917, 2, 23))
_STRING_BASES = ("compiled-query stand-in a ", "compiled-query stand-in b ")


class Slot:
    """A value given at each run, compared with (and prepared for) ``field``."""

    __slots__ = ("_kind", "field")

    def __init__(self, field: Field):
        self.field = field
        kind = field.get_internal_type()
        if kind.endswith(("IntegerField", "AutoField")):
            self._kind = "integer"
        elif kind in ("DateField", "CharField"):
            self._kind = kind
        else:
            raise TypeError(f"no stand-in values for a {kind}")

    def sentinel(self, which: int, index: int):
        """Return stand-in number `index` of set `which` (0 or 1): distinct within and across sets."""
        if self._kind == "integer":
            return _INT_BASES[which] + index
        if self._kind == "DateField":
            return _DATE_BASES[which] + dt.timedelta(days=index)
        return f"{_STRING_BASES[which]}{index}"

    def prepare(self, value, connection):
        """Return `value` as the ORM's lookups pass it to the database."""
        field = self.field
        return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


class CompiledQuery:
    """One values() query's SQL, its parameters' places, its column names and converters."""

    __slots__ = ("alias", "col_count", "converters", "names", "slots", "sql", "template")

    def __init__(self, alias, sql, template, names, converters, slots, col_count):
        self.alias = alias
        self.sql = sql
        self.template = template  # per parameter: (slot index, None) or (None, constant)
        self.names = names
        self.converters = converters  # [(column, converter functions, expression)]
        self.slots = slots
        self.col_count = col_count

    def rows(self, values: Sequence) -> list[tuple]:
        """Run the query with these slot values; return its rows, converted, as tuples."""
        connection = connections[self.alias]
        prepared = [slot.prepare(value, connection) for slot, value in zip(self.slots, values, strict=True)]
        params = [prepared[index] if index is not None else constant for index, constant in self.template]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        count = self.col_count
        if rows and len(rows[0]) != count:
            rows = [row[:count] for row in rows]
        if self.converters:
            rows = [self._convert(row, connection) for row in rows]
        return rows

    def _convert(self, row, connection) -> tuple:
        # SQLCompiler.apply_converters, with this thread's connection.
        row = list(row)
        for column, functions, expression in self.converters:
            value = row[column]
            for function in functions:
                value = function(value, expression, connection)
            row[column] = value
        return tuple(row)

    def dicts(self, values: Sequence) -> list[dict]:
        """Run the query; return its rows as dicts, named as values() names them."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(values)]


def _compile(build: Callable[[list], QuerySet], slots: Sequence[Slot], which: int, alias: str):
    stand_ins = [slot.sentinel(which, index) for index, slot in enumerate(slots)]
    queryset = build(stand_ins)
    query = queryset.query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    connection = connections[alias]
    places = {}
    for index, (slot, stand_in) in enumerate(zip(slots, stand_ins, strict=True)):
        places[_key(slot.prepare(stand_in, connection))] = index
    template = []
    for param in params:
        index = places.get(_key(param))
        template.append((index, None) if index is not None else (None, param))
    names = list(query.selected) if query.selected else [
        *query.extra_select, *query.values_select, *query.annotation_select
    ]
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = [
        (column, functions, expression)
        for column, (functions, expression) in compiler.get_converters(fields).items()
    ]
    return sql, template, names, converters, compiler.col_count


def _key(value):
    # Equal values of different types (a date and its string, True and 1) are different params.
    try:
        hash(value)
    except TypeError:
        return (type(value), repr(value))
    return (type(value), value)


def compile_query(build: Callable[[list], QuerySet], slots: Sequence[Slot], alias: str) -> CompiledQuery | None:
    """Return `build`'s values() QuerySet compiled for `alias`, its slots' places found; or None
    when the two compilations disagree (see the module's doc), or the query has no SQL."""
    try:
        first = _compile(build, slots, 0, alias)
        second = _compile(build, slots, 1, alias)
    except (EmptyResultSet, FullResultSet):
        return None
    sql, template, names, converters, col_count = first
    if sql != second[0] or template != second[1] or names != second[2]:
        return None
    placed = {index for index, _constant in template if index is not None}
    if placed != set(range(len(slots))):
        return None
    return CompiledQuery(alias, sql, template, names, converters, list(slots), col_count)


class QueryCache:
    """Compiled queries by shape (a hashable key the caller derives from what changes the SQL)."""

    def __init__(self):
        self._queries: dict = {}

    def get(self, key, alias: str, make: Callable[[], tuple[Callable[[list], QuerySet], Sequence[Slot]]]):
        """Return the compiled query of this shape on `alias`; the first time, compile what
        ``make()`` gives: (the function building the QuerySet from its slots' values, the slots).
        None when it cannot be compiled: the caller then runs its QuerySet, as before."""
        full_key = (alias, key)
        try:
            return self._queries[full_key]
        except KeyError:
            pass
        build, slots = make()
        compiled = self._queries[full_key] = compile_query(build, slots, alias)
        return compiled

    def clear(self) -> None:
        self._queries.clear()
