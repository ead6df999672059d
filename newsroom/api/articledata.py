"""Articles as the API answers them, built as plain dicts: what the article serializers return.

``ArticleSummarySerializer`` and ``ArticleSerializer`` declare their fields (the schema, the
help texts) and keep DRF's own representation as the reference; their ``to_representation``
calls the functions here, which give the same keys in the same order with the same values.
DRF's generic path costs most of a staff list's time (they are never cached): every field's
``get_attribute`` and ``to_representation``, the fields built again for every response, and in
full articles a credit and a photo serializer built (their fields too) for every article.
tests/test_api_article_data.py compares both paths field by field, so a field added to a
serializer without being added here fails there.

Addresses are built from one reversed template per response and kind (``api_url``).
"""

from __future__ import annotations

from django.urls import reverse as django_reverse
from rest_framework import serializers
from rest_framework.reverse import reverse

from newsroom.api.rendering import blocks_html
from newsroom.lib.blocks import PARAGRAPH
from newsroom.search import snippet
from newsroom.siteurl import absolute_url

# Where a list's queryset puts an article's credits (person joined) and tags, as plain lists.
LISTED_CREDITS, LISTED_TAGS = "listed_credits", "listed_tags"

# A pk no row has: a response reverses each kind of address once with it, then puts each
# row's pk in its place, instead of one reverse() (URL resolver, absolute URI) per row.
_PK_PLACEHOLDER = 987654321987654321

# Unbound fields, only to format values as the serializers' fields do (time zone, ISO 8601).
_DATE, _DATETIME = serializers.DateField(), serializers.DateTimeField()


def _url_by_template(context: dict, key: tuple, pk: int, make_url) -> str:
    """Return make_url(pk), built from the template this response cached under `key`."""
    templates = context.setdefault("url_templates", {})
    template = templates.get(key)
    if template is None:
        prefix, found, suffix = make_url(_PK_PLACEHOLDER).rpartition(str(_PK_PLACEHOLDER))
        template = templates[key] = (prefix, suffix) if found else False
    if template is False:  # the placeholder did not survive reversing: reverse every time
        return make_url(pk)
    return f"{template[0]}{pk}{template[1]}"


def api_url(context: dict, view_name: str, pk: int, format: str | None = None) -> str:
    """Return the absolute API address of a row (view_name includes the `api:` namespace)."""
    request = context.get("request")
    return _url_by_template(
        context, ("api", view_name, format), pk,
        lambda value: reverse(view_name, kwargs={"pk": value}, request=request, format=format),
    )


def url_function(context: dict, url, view_name: str, *args):
    """Return ``lambda pk: url(context, view_name, pk, *args)`` (api_url or archive_url), its
    template looked up once: for building a whole list's addresses."""
    url(context, view_name, _PK_PLACEHOLDER, *args)  # reverses and keeps the template
    templates = context["url_templates"]
    key = ("api", view_name, *args) if url is api_url else ("site", view_name)
    template = templates.get(key)
    if not template:
        return lambda pk: url(context, view_name, pk, *args)
    prefix, suffix = template
    return lambda pk: f"{prefix}{pk}{suffix}"


def archive_url(context: dict, view_name: str, pk: int) -> str:
    """Return the public archive address of a row (newsroom.siteurl: SITE_URL in production)."""
    request = context.get("request")
    return _url_by_template(
        context, ("site", view_name), pk,
        lambda value: absolute_url(django_reverse(view_name, kwargs={"pk": value}), request),
    )


def related(article, listed: str, name: str):
    """Return the related rows prefetched into the list `listed`, else those of the manager `name`."""
    rows = getattr(article, listed, None)
    return getattr(article, name).all() if rows is None else rows


def _datetime(value) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _int(value) -> int | None:
    return None if value is None else int(value)


def _str(value) -> str | None:
    return None if value is None else str(value)


# --- the pieces ---------------------------------------------------------------------------------


def issue_ref(context: dict, issue) -> dict | None:
    """Return IssueRefSerializer's representation of the issue an article was printed in."""
    if issue is None:
        return None
    return {
        "id": int(issue.pk),
        "url": api_url(context, "api:issue-detail", issue.pk, context.get("format")),
        "publication": issue.publication.slug,
        "date": _DATE.to_representation(issue.date) if issue.date is not None else None,
        "edition": _int(issue.edition),
        "number": _int(issue.number),
    }


def contributors(article) -> list[dict]:
    """Return the byline, flat (the list's `contributors`), from the prefetched credits."""
    return [
        {
            "person_id": credit.person_id,
            "name": credit.person.name,
            "printed_name": credit.name_as_printed,
            "role": credit.role,
            "role_label": str(credit.get_role_display()),
        }
        for credit in related(article, LISTED_CREDITS, "credits")
    ]


def credit_data(context: dict, credit) -> dict:
    """Return CreditSerializer's representation of a credit (its person linked)."""
    person = credit.person
    return {
        "person": None if person is None else {
            "id": int(person.pk),
            "url": api_url(context, "api:person-detail", person.pk, context.get("format")),
            "name": _str(person.name),
        },
        "printed_name": _str(credit.name_as_printed),
        "role": _str(credit.role),
        "role_label": _str(credit.get_role_display()),
        "order": _int(credit.order),
    }


def photo_image(context: dict, photo) -> str | None:
    """Return the photo's image address, absolute, or None when no file was kept."""
    if not photo.image:
        return None
    url = photo.image.url
    return absolute_url(url, context.get("request")) if url.startswith("/") else url


def article_photo_data(context: dict, article, photo) -> dict:
    """Return ArticlePhotoSerializer's representation of a photo printed with this article."""
    return {
        "id": int(photo.pk),
        "url": api_url(context, "api:photo-detail", photo.pk, context.get("format")),
        "page": _int(photo.page),
        "position": _int(photo.position),
        # Photo news: the caption is the body, given once (Article.caption_of).
        "caption": _str(article.caption_of(photo)),
        "image": photo_image(context, photo),
        "credits": [credit_data(context, credit) for credit in related(photo, LISTED_CREDITS, "credits")],
    }


def article_credits(parts: list) -> list:
    """Return the credits of an article's parts, each person and role once, in order."""
    seen, credits = set(), []
    for part in parts:
        for credit in related(part, LISTED_CREDITS, "credits"):
            if (credit.person_id, credit.role) not in seen:
                seen.add((credit.person_id, credit.role))
                credits.append(credit)
    return credits


def article_photos(parts: list) -> list:
    """Return the photos of an article's parts, in order."""
    return [photo for part in parts for photo in part.photos.all()]


def _snippet(context: dict, article) -> str | None:
    query = context.get("q")
    return str(snippet(article, query)) if query else None


# --- articles -----------------------------------------------------------------------------------


def article_summary(context: dict, article, *, pages: list[int] | None = None, blocks=None) -> dict:
    """Return ArticleSummarySerializer's representation of an article (`pages` and `blocks`:
    Article.pages and Article.blocks when the caller has them already)."""
    pk = article.pk
    if blocks is None:
        blocks = article.blocks
    return {
        "id": int(pk),
        "url": api_url(context, "api:article-detail", pk, context.get("format")),
        "issue": issue_ref(context, article.issue),
        "page": _int(article.page),
        "pages": article.pages if pages is None else pages,
        "position": _int(article.position),
        "kind": _str(article.kind),
        "kicker": _str(article.kicker),
        "headline": _str(article.headline),
        "subheadline": _str(article.subheadline),
        "dateline": _str(article.dateline),
        "contributors": contributors(article),
        "lead": next((block.text for block in blocks if block.type == PARAGRAPH), ""),
        # Sorted in Python: the prefetched tags are used as they are, with no further query.
        "tags": sorted(tag.name for tag in related(article, LISTED_TAGS, "tags")),
        "correction_status": _str(article.correction_status),
        "visibility": _str(article.visibility),
        "open_flags_count": _int(article.open_flag_count),
        "truncated": bool(article.truncated),
        "version": _int(article.version),
        "etag": _str(article.etag),
        "updated_at": _datetime(article.updated_at),
        "archive_url": archive_url(context, "archive:article", pk),
        "snippet": _snippet(context, article),
    }


def article_full(context: dict, article) -> dict:
    """Return ArticleSerializer's representation of an article: the summary's fields and the
    body, credits and photos of all its parts."""
    pk = article.pk
    parts = article.parts()
    blocks = article.blocks
    # Article.pages and Article.body_text, from the parts and blocks in hand.
    pages = list(dict.fromkeys(part.page for part in parts))
    summary = article_summary(context, article, pages=pages, blocks=blocks)
    return {
        "id": summary["id"],
        "url": summary["url"],
        "issue": summary["issue"],
        "page": summary["page"],
        "pages": summary["pages"],
        "position": summary["position"],
        "kind": summary["kind"],
        "kicker": summary["kicker"],
        "headline": summary["headline"],
        "subheadline": summary["subheadline"],
        "heading": _str(article.heading),
        "dateline": summary["dateline"],
        "contributors": summary["contributors"],
        "credits": [credit_data(context, credit) for credit in article_credits(parts)],
        "lead": summary["lead"],
        "blocks": [{"type": _str(block.type), "text": _str(block.text)} for block in blocks],
        "body_html": blocks_html(blocks),
        "body_text": "\n".join(block.text for block in blocks),
        "photos": [article_photo_data(context, article, photo) for photo in article_photos(parts)],
        "tags": summary["tags"],
        "correction_status": summary["correction_status"],
        "visibility": summary["visibility"],
        "open_flags_count": summary["open_flags_count"],
        "truncated": summary["truncated"],
        "version": summary["version"],
        "etag": summary["etag"],
        "created_at": _datetime(article.created_at),
        "updated_at": summary["updated_at"],
        "original_url": api_url(context, "api:article-original", pk),
        "ninjs_url": api_url(context, "api:article-ninjs", pk),
        "archive_url": summary["archive_url"],
        "snippet": summary["snippet"],
    }
