"""The article list when no filter is asked for, staff's above all: rows from compiled queries.

A staff list (``/api/v1/articles/?page_size=20``) is never answered from the page cache, and
the general path spent most of its time on what is the same for every such request: building
the FilterSet and its form, building the QuerySet and its prefetches, compiling them to SQL,
and making model instances (an article, its issue and paper, each credit and person, each tag)
only to read a few attributes of each. When a list request names no filter (only `page_size`,
`cursor`, `fields=summary` or parameters no filter reads), the list is the view's own queryset
in the FilterSet's default order, and ``summary_page`` answers it with three compiled queries
(newsroom/api/compiled.py), the same the general path runs: the page's articles (their issue
and paper joined, open flags counted), their credits with the people's names, their tags'
names; built as plain dicts from the rows, as ``articledata.article_summary`` builds them from
the models. Articles that jump (下转) are read as models from their rows, their parts
prefetched as the general path does (``prefetch_parts``), for their `pages` and `lead`.

The answer is the general path's, byte for byte, cursors included
(tests/test_api_quick_list.py compares both): same rows, same order, same pagination links,
same visibility (staff see withdrawn articles, the others only public ones).
"""

from __future__ import annotations

from django.conf import settings
from django.db import router
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import ISO_8601
from rest_framework.settings import api_settings

from newsroom.api.articledata import _DATE, _datetime, api_url, archive_url, url_function
from newsroom.api.compiled import QueryCache, Slot
from newsroom.api.pagination import KeysetCursorPagination
from newsroom.api.querysets import SUMMARY_PART_FIELDS, prefetch_parts
from newsroom.lib.blocks import CROSSHEAD_MARK, PARAGRAPH
from newsroom.models import Article, Credit, Role, sees_unpublished

# What a summary reads of an article, its issue and paper (articledata.article_summary).
ROW_FIELDS = (
    "id", "page", "position", "kind", "kicker", "headline", "subheadline", "dateline", "body",
    "truncated", "jump_to", "jump_mid_sentence", "continues_id", "correction_status", "visibility",
    "version", "updated_at", "open_flag_count", "issue_id", "issue_date", "issue_edition",
    "issue__number", "issue__publication__slug",
)
# A row's columns that make an Article of it, for one that jumps (its parts: pages, lead).
_PART_ATTNAMES = tuple(
    field.attname for field in Article._meta.concrete_fields if field.attname in SUMMARY_PART_FIELDS
)
_CROSSHEAD = CROSSHEAD_MARK.strip()

QUERIES = QueryCache()


def _field_of(queryset, name: str):
    """Return the model field a sort key compares (an annotation's output field, the pk)."""
    if name in queryset.query.annotations:
        return queryset.query.annotations[name].output_field
    if name == "pk":
        return queryset.model._meta.pk
    return queryset.model._meta.get_field(name)


def _row_value(row: dict, name: str):
    return row["id" if name == "pk" else name]


def wants_quick_list(view) -> bool:
    """Return whether this list request names no filter (the FilterSet would only order it) and
    asks for summaries."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None or list(view.filter_backends) != [DjangoFilterBackend]:
        return False
    if not isinstance(view.paginator, KeysetCursorPagination) or view.wants_full_articles():
        return False
    params = view.request.query_params
    return not any(name in params for name in filterset_class.base_filters)


def summary_page(view) -> list[dict] | None:
    """Return the page of summaries the view's list answers when no filter is asked for (see
    wants_quick_list), the view's paginator having read the page size and cursor (a bad one is
    the same 400); None when the default ordering is not walked by keys (the general path)."""
    filterset_class, paginator, request = view.filterset_class, view.paginator, view.request
    keys = paginator.keys_of(filterset_class.orderings[filterset_class.default_ordering], view)
    if keys is None:
        return None
    cursor = paginator.begin(request, keys)
    staff = sees_unpublished(request.user)
    alias = router.db_for_read(Article)

    def fetch(walk, values, limit):
        def build(stand_ins):
            queryset = paginator.walked(view.get_queryset(), walk, stand_ins)
            return queryset.values(*ROW_FIELDS)[:limit]

        def make():
            if values is None:
                return (lambda _stand_ins: build(None)), ()
            queryset = view.get_queryset()
            return build, [Slot(_field_of(queryset, name)) for name, _desc in walk]

        key = (type(view), staff, tuple(walk), values is None, limit)
        compiled = QUERIES.get(key, alias, make)
        if compiled is None:  # not compilable: the QuerySet itself
            return list(build(values))
        return compiled.dicts(() if values is None else values)

    rows = paginator.paginate_by_keys(keys, cursor, fetch, value_of=_row_value)
    return summaries(view.get_serializer_context(), rows, alias)


def _related_rows(kind: str, ids: list[int], alias: str, build, slot_field) -> list[dict]:
    """Return the rows of `build(ids)` (a values() QuerySet), by a query compiled per count of ids."""
    compiled = QUERIES.get((kind, len(ids)), alias, lambda: (build, [Slot(slot_field)] * len(ids)))
    return list(build(ids)) if compiled is None else compiled.dicts(ids)


def _credits(ids: list[int]):
    # Credit's own order (order, pk), as the general path's prefetch reads them.
    return Credit.objects.filter(article_id__in=ids).values(
        "article_id", "person_id", "person__name", "printed_name", "role"
    )


def _tags(ids: list[int]):
    # As taggit's prefetch asks: the content type by name (no id that a flush could change).
    through, model = Article.tags.through, Article._meta.concrete_model
    return through.objects.filter(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name,
        object_id__in=ids,
    ).values("object_id", "tag__name")


def lead_of(body: str) -> str:
    """Return the first paragraph of a body as newsroom.lib.blocks.parse_body reads it, or ""."""
    for chunk in body.replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        text = chunk.strip()
        if not text or (text.startswith(_CROSSHEAD) and text.lstrip("#").startswith(" ")):
            continue
        return " ".join(line.strip() for line in text.split("\n"))
    return ""


def _role_label(labels: dict, role: str) -> str:
    """Return Credit.get_role_display() of a role, once per response (the language is the request's)."""
    label = labels.get(role)
    if label is None:
        try:
            label = str(Role(role).label)
        except ValueError:
            label = role
        labels[role] = label
    return label


def _iso_datetimes():
    """Return articledata._datetime for one response: DRF's DateTimeField as ISO 8601 in the
    current time zone, the zone looked up once."""
    if api_settings.DATETIME_FORMAT != ISO_8601 or not settings.USE_TZ:
        return _datetime
    zone = timezone.get_current_timezone()

    def iso(value):
        if value is None or timezone.is_naive(value):
            return _datetime(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return _datetime(value)  # DRF's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso


def summaries(context: dict, rows: list[dict], alias: str) -> list[dict]:
    """Return articledata.article_summary of each article row (ROW_FIELDS), in order."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    contributors_of: dict[int, list[dict]] = {pk: [] for pk in ids}
    labels: dict[str, str] = {}
    for credit in _related_rows("credits", ids, alias, _credits, Article._meta.pk):
        name = credit["person__name"]
        contributors_of[credit["article_id"]].append({
            "person_id": credit["person_id"],
            "name": name,
            "printed_name": credit["printed_name"] or name,
            "role": credit["role"],
            "role_label": _role_label(labels, credit["role"]),
        })
    tags_of: dict[int, list[str]] = {pk: [] for pk in ids}
    for tag in _related_rows("tags", ids, alias, _tags, Article.tags.through._meta.get_field("object_id")):
        tags_of[tag["object_id"]].append(tag["tag__name"])
    # The articles that jump, as models: their parts give their pages and text.
    jumping = {
        row["id"]: Article.from_db(alias, _PART_ATTNAMES, [row[name] for name in _PART_ATTNAMES])
        for row in rows if row["jump_to"] is not None
    }
    if jumping:
        prefetch_parts(list(jumping.values()), full=False)
    format = context.get("format")
    article_url = url_function(context, api_url, "api:article-detail", format)
    issue_url = url_function(context, api_url, "api:issue-detail", format)
    site_url = url_function(context, archive_url, "archive:article")
    iso_datetime = _iso_datetimes()
    data = []
    for row in rows:
        pk = row["id"]
        article = jumping.get(pk)
        if article is None:
            pages, lead = [row["page"]], lead_of(row["body"])
        else:
            pages = article.pages
            lead = next((block.text for block in article.blocks if block.type == PARAGRAPH), "")
        date, edition, number = row["issue_date"], row["issue_edition"], row["issue__number"]
        data.append({
            "id": pk,
            "url": article_url(pk),
            "issue": {
                "id": row["issue_id"],
                "url": issue_url(row["issue_id"]),
                "publication": row["issue__publication__slug"],
                "date": None if date is None else _DATE.to_representation(date),
                "edition": None if edition is None else int(edition),
                "number": None if number is None else int(number),
            },
            "page": row["page"],
            "pages": pages,
            "position": row["position"],
            "kind": row["kind"],
            "kicker": row["kicker"],
            "headline": row["headline"],
            "subheadline": row["subheadline"],
            "dateline": row["dateline"],
            "contributors": contributors_of[pk],
            "lead": lead,
            "tags": sorted(tags_of[pk]),
            "correction_status": row["correction_status"],
            "visibility": row["visibility"],
            "open_flags_count": row["open_flag_count"],
            "truncated": bool(row["truncated"]),
            "version": row["version"],
            "etag": f'"article-{pk}-v{row["version"]}"',
            "updated_at": iso_datetime(row["updated_at"]),
            "archive_url": site_url(pk),
            "snippet": None,
        })
    return data
