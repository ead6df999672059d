"""Cursor pagination that stays stable while a client harvests the whole archive.

A cursor names the sort key of the last row a client saw (keyset pagination),
so rows added or corrected during a harvest neither repeat nor go missing, and
every page costs one query however deep it is. Orderings that are not plain
column keys (search relevance) page by offset inside the same opaque cursor.

The cursor is signed (django.core.signing), salted with the endpoint, the sort
keys and the other query parameters: its values reach a database filter, so a
cursor that was edited, made up, or reused with another ordering or other
filters is refused with a 400 naming ``cursor`` before any query sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _json_value(value):
    """Return a sort-key value in a form JSON keeps and the ORM accepts back in a filter."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class KeysetCursorPagination(BasePagination):
    """Page through a queryset by the values of its ordering keys, in an opaque cursor."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        keys = self.ordering_keys(queryset, view)
        cursor = self.begin(request, keys)
        if keys is None:
            return self._paginate_by_offset(queryset, cursor)
        return self.paginate_by_keys(keys, cursor, lambda walk, values, limit: list(
            self.walked(queryset, walk, values)[:limit]
        ))

    def begin(self, request, keys) -> dict:
        """Read the request's page size and cursor for these sort keys (None: by offset); return
        the cursor's content ({} on the first page). Refuses a bad page size or cursor (400)."""
        self.request = request
        self.base_url = request.build_absolute_uri(request.path)
        # The decoded parameters, not the raw query string: its encoding is the client's.
        self.params = [
            (key, value)
            for key, values in request.query_params.lists()
            if key != self.cursor_query_param
            for value in values
        ]
        self.page_size = self.get_page_size(request)
        self.salt = self.cursor_salt(request, keys)
        return self.decode_cursor(request)

    # --- request parameters -------------------------------------------------------------

    def get_page_size(self, request) -> int:
        """Return the requested page size, capped at the maximum; reject what is not a number."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("请输入一个正整数（最大 %(max)s）。") % {"max": self.max_page_size}]}
            )
        return min(size, self.max_page_size)

    def cursor_salt(self, request, keys) -> str:
        """Return what a cursor belongs to: the endpoint, the sort keys and the other parameters.

        The page size is left out, so a client may change it in the middle of a harvest.
        """
        walk = "offset" if keys is None else ",".join(("-" if desc else "") + name for name, desc in keys)
        query = sorted((key, value) for key, value in self.params if key != self.page_size_query_param)
        return "|".join(["newsroom.api.cursor", request.path, walk, urlencode(query)])

    def decode_cursor(self, request) -> dict:
        """Return the cursor's content ({} for the first page); reject a cursor we did not make here."""
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return {}
        try:
            cursor = signing.loads(raw, salt=self.salt)
        except (signing.BadSignature, ValueError, UnicodeError):
            cursor = None
        if not self._valid_cursor(cursor):
            raise self.bad_cursor()
        return cursor

    def bad_cursor(self) -> ValidationError:
        """Return the 400 for a cursor this endpoint, ordering and filters did not make."""
        return ValidationError({self.cursor_query_param: [_(
            "游标无效，或属于另一个查询或排序：请使用上一页响应中的 next 或 previous 链接，或从第一页重新开始。"
        )]})

    @staticmethod
    def _valid_cursor(cursor) -> bool:
        # The signature says we made it; the shape is checked too, so that no encoding slip
        # can ever hand a filter something that is not a list of values.
        if not isinstance(cursor, dict) or not cursor:
            return False
        if "o" in cursor:
            return isinstance(cursor["o"], int) and not isinstance(cursor["o"], bool) and cursor["o"] >= 0
        return isinstance(cursor.get("k"), list) and isinstance(cursor.get("r", False), bool)

    def encode_cursor(self, cursor: dict) -> str:
        """Return the cursor signed for this request's endpoint, ordering and filters."""
        return signing.dumps(cursor, salt=self.salt)

    def ordering_keys(self, queryset, view) -> list[tuple[str, bool]] | None:
        """Return the (name, descending) sort keys, ending with the primary key, or None.

        None means "page by offset": the ordering is not made of columns the view
        declares safe to compare in a filter (``keyset_fields``), e.g. a relevance score.
        """
        return self.keys_of(queryset.query.order_by, view)

    @staticmethod
    def keys_of(order_by, view) -> list[tuple[str, bool]] | None:
        """Return ordering_keys() of an order_by() list (names with "-" for descending)."""
        allowed = set(getattr(view, "keyset_fields", ())) | {"pk", "id"}
        keys: list[tuple[str, bool]] = []
        for item in order_by:
            if not isinstance(item, str):
                return None
            name = item.lstrip("-")
            if name not in allowed:
                return None
            keys.append((name, item.startswith("-")))
        if not keys or keys[-1][0] not in ("pk", "id"):
            keys.append(("pk", False))
        return keys

    # --- the two ways of paging ---------------------------------------------------------

    def paginate_by_keys(self, keys, cursor, fetch, value_of=getattr) -> list:
        """Return the page's rows, walking the sort `keys` from the cursor (after begin()).

        ``fetch(walk, values, limit)`` returns at most `limit` rows in the walking order
        (`walk`: (name, descending) pairs), after the key `values` (None: from the start);
        ``value_of(row, name)`` is a row's sort key (the next and previous cursors hold them).
        """
        values = cursor.get("k")
        backwards = cursor.get("r", False)
        if values is not None and len(values) != len(keys):
            raise self.bad_cursor()
        walk = [(name, desc != backwards) for name, desc in keys]
        rows = fetch(walk, values, self.page_size + 1)
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self._next = self._previous = None
        if rows:
            first = [_json_value(value_of(rows[0], name)) for name, _desc in keys]
            last = [_json_value(value_of(rows[-1], name)) for name, _desc in keys]
            if (more and not backwards) or (backwards and values is not None):
                self._next = {"k": last}
            if (values is not None and not backwards) or (backwards and more):
                self._previous = {"k": first, "r": True}
        return rows

    @classmethod
    def walked(cls, queryset, walk, values):
        """Return the queryset in the walking order, after the key values (None: from the start)."""
        queryset = queryset.order_by(*[("-" if desc else "") + name for name, desc in walk])
        return queryset if values is None else queryset.filter(cls._after(walk, values))

    @staticmethod
    def _after(walk, values) -> Q:
        """Return the condition "comes after these key values" in the walking order."""
        alternatives = []
        for i, (name, desc) in enumerate(walk):
            equal = [Q(**{key: value}) for (key, _d), value in zip(walk[:i], values[:i], strict=True)]
            beyond = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            alternatives.append(reduce(and_, [*equal, beyond]))
        return reduce(or_, alternatives)

    def _paginate_by_offset(self, queryset, cursor):
        if "k" in cursor:
            raise self.bad_cursor()
        offset = cursor.get("o", 0)
        rows = list(queryset[offset : offset + self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self._next = {"o": offset + self.page_size} if more else None
        self._previous = {"o": max(offset - self.page_size, 0)} if offset > 0 else None
        return rows

    # --- links and response -------------------------------------------------------------

    def _link(self, cursor: dict | None) -> str | None:
        if cursor is None:
            return None
        params = [*self.params, (self.cursor_query_param, self.encode_cursor(cursor))]
        return f"{self.base_url}?{urlencode(params)}"

    def get_next_link(self) -> str | None:
        return self._link(self._next)

    def get_previous_link(self) -> str | None:
        return self._link(self._previous)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "An opaque, signed position: follow the `next` / `previous` links as they are. "
                    "A cursor holds only for the endpoint, ordering and other parameters it was "
                    "issued with (`page_size` may change); any other cursor, or one edited, is a "
                    "400 naming `cursor`."
                ),
                "schema": {"type": "string", "minLength": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Rows per page (default {self.page_size}; larger values are capped at "
                    f"{self.max_page_size})."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
