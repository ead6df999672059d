"""Articles and issues as IPTC ninjs 2.x ("News in JSON") for news systems.

An article is a ``text`` item with its headlines by role, its body as HTML and
as plain text, the byline, the people credited, its tags as subjects and its
photos as ``picture`` associations. An issue is a ``composite`` package whose
associations are its articles (and the photos that stand alone).
The serializers at the end describe the same shape for the OpenAPI schema; a
test validates real output against the key parts of the ninjs 2.x JSON schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from newsroom.api.rendering import blocks_html
from newsroom.models import Article, Credit, Issue, Photo
from newsroom.siteurl import absolute_url

NINJS_VERSION = "2.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
LANGUAGE = "zh-Hans"


def _uri(view_name: str, pk: int, request=None) -> str:
    """Return the item's permanent identifier: its API address on the site (newsroom.siteurl)."""
    return absolute_url(reverse(f"api:{view_name}", kwargs={"pk": pk}), request)


def _timestamp(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def _printed_on(issue: Issue) -> str:
    """Return the start of the printing day in the paper's time zone."""
    start = dt.datetime.combine(issue.date, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start.isoformat()


def byline(credits: Iterable[Credit]) -> str:
    """Return the byline as the paper prints it: each role once, then its people (记者 张三 李四)."""
    parts: list[str] = []
    last_role = None
    for credit in credits:
        if credit.role != last_role:
            parts.append(str(credit.get_role_display()))
            last_role = credit.role
        parts.append(credit.name_as_printed)
    return " ".join(parts)


def _people(credits: Iterable[Credit], request=None) -> list[dict]:
    return [
        {
            "name": credit.person.name,
            "rel": credit.role,
            "uri": _uri("person-detail", credit.person_id, request),
            "literal": str(credit.get_role_display()),
        }
        for credit in credits
    ]


def photo_ninjs(photo: Photo, request=None, *, caption: str | None = None) -> dict:
    """Return a photo as a ninjs ``picture`` item (without the association name).

    `caption` replaces the photo's own (a photo-news picture has none: its article's body
    is the text, see Article.caption_of).
    """
    credits = list(photo.credits.all())
    caption = photo.caption if caption is None else caption
    item: dict = {
        "uri": _uri("photo-detail", photo.pk, request),
        "type": "picture",
        "language": LANGUAGE,
    }
    if caption:
        item["descriptions"] = [{"role": "caption", "contenttype": "text/plain", "value": caption}]
    if credits:
        item["by"] = byline(credits)
        item["people"] = _people(credits, request)
    if photo.image:
        href = absolute_url(photo.image.url, request) if photo.image.url.startswith("/") else photo.image.url
        item["renditions"] = [{"name": "original", "href": href}]
    return item


def article_ninjs(article: Article, request=None) -> dict:
    """Return an article as a ninjs 2.x ``text`` item.

    Expects the article's credits (with people), photos (with credits) and tags
    prefetched, as the API's article queryset does.
    """
    credits = list(article.credits.all())
    blocks = article.blocks
    text = "\n".join(block.text for block in blocks)
    headlines = [{"role": "main", "contenttype": "text/plain", "value": article.headline}]
    if article.subheadline:
        headlines.append({"role": "subheadline", "contenttype": "text/plain", "value": article.subheadline})
    if article.kicker:
        headlines.append({"role": "kicker", "contenttype": "text/plain", "value": article.kicker})
    item: dict = {
        "uri": _uri("article-detail", article.pk, request),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": _timestamp(article.created_at),
        "versioncreated": _timestamp(article.updated_at),
        "contentcreated": _printed_on(article.issue),
        "pubstatus": "usable" if article.is_public else "withheld",
        "language": LANGUAGE,
        "copyrightholder": article.issue.publication.name,
        "headlines": headlines,
        "bodies": [
            {"role": "main", "contenttype": "text/html", "charcount": len(text), "value": str(blocks_html(blocks))},
            {"role": "main", "contenttype": "text/plain", "charcount": len(text), "value": text},
        ],
        "altids": [
            {"role": "newsroom-article-id", "value": str(article.pk)},
            {"role": "page", "value": str(article.page)},
        ],
    }
    if credits:
        item["by"] = byline(credits)
        item["people"] = _people(credits, request)
    tags = sorted(article.tags.all(), key=lambda tag: tag.name)
    if tags:
        item["subjects"] = [{"name": tag.name, "rel": "tag", "literal": tag.slug} for tag in tags]
    photos = list(article.photos.all())
    if photos:
        item["associations"] = [
            {"name": f"photo{index}", **photo_ninjs(photo, request, caption=article.caption_of(photo))}
            for index, photo in enumerate(photos, start=1)
        ]
    return item


def issue_ninjs(issue: Issue, articles: Iterable[Article], standalone_photos: Iterable[Photo],
                request=None) -> dict:
    """Return an issue as a ninjs ``composite`` package: its articles and photos as associations."""
    articles = list(articles)
    standalone_photos = list(standalone_photos)
    changed = max([issue.updated_at, *(a.updated_at for a in articles)])
    title = f"{issue.publication.name} {issue.date.year}年{issue.date.month}月{issue.date.day}日"
    item: dict = {
        "uri": _uri("issue-detail", issue.pk, request),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "composite",
        "representationtype": "full",
        "firstcreated": _timestamp(issue.created_at),
        "versioncreated": _timestamp(changed),
        "contentcreated": _printed_on(issue),
        "pubstatus": "usable",
        "language": LANGUAGE,
        "copyrightholder": issue.publication.name,
        "title": title,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": title}],
        "altids": [{"role": "newsroom-issue-id", "value": str(issue.pk)}],
        "associations": [
            {"name": f"article{index}", **article_ninjs(article, request)}
            for index, article in enumerate(articles, start=1)
        ] + [
            {"name": f"photo{index}", **photo_ninjs(photo, request)}
            for index, photo in enumerate(standalone_photos, start=1)
        ],
    }
    if issue.number:
        item["altids"].append({"role": "issue-number", "value": str(issue.number)})
    return item


# --- the same shape for the OpenAPI schema ------------------------------------------------------


class NinjsStandardSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Always `ninjs`.")
    version = serializers.CharField(help_text="The ninjs version, e.g. 2.1.")
    schema = serializers.URLField(help_text="The JSON schema of that version.")


class NinjsTextSerializer(serializers.Serializer):
    role = serializers.CharField(required=False, help_text="main, subheadline, kicker, caption, ...")
    contenttype = serializers.CharField(required=False, help_text="Media type of the value.")
    value = serializers.CharField()


class NinjsBodySerializer(NinjsTextSerializer):
    charcount = serializers.IntegerField(required=False, help_text="Characters in the text.")


class NinjsPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    rel = serializers.CharField(help_text="The role credited: reporter, photographer, ...")
    uri = serializers.URLField()
    literal = serializers.CharField(help_text="The role as printed, e.g. 记者.")


class NinjsSubjectSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The tag's name.")
    rel = serializers.CharField(help_text="Always `tag`.")
    literal = serializers.CharField(help_text="The tag's slug.")


class NinjsAltIdSerializer(serializers.Serializer):
    role = serializers.CharField()
    value = serializers.CharField()


class NinjsRenditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    href = serializers.URLField()


class NinjsPictureSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Name of the association, e.g. photo1.")
    uri = serializers.URLField()
    type = serializers.ChoiceField(choices=["picture"])
    language = serializers.CharField()
    descriptions = NinjsTextSerializer(
        many=True, required=False,
        help_text="The caption; absent for photo news, whose text is the article's body.",
    )
    by = serializers.CharField(required=False)
    people = NinjsPersonSerializer(many=True, required=False)
    renditions = NinjsRenditionSerializer(many=True, required=False)


class NinjsArticleSerializer(serializers.Serializer):
    uri = serializers.URLField(help_text="Permanent identifier: the article's API address.")
    standard = NinjsStandardSerializer()
    type = serializers.ChoiceField(choices=["text"])
    representationtype = serializers.ChoiceField(choices=["full"])
    version = serializers.CharField(help_text="The article's version number.")
    firstcreated = serializers.DateTimeField(help_text="When it was first imported.")
    versioncreated = serializers.DateTimeField(help_text="When this version was saved.")
    contentcreated = serializers.DateTimeField(help_text="The printing day.")
    pubstatus = serializers.ChoiceField(
        choices=["usable", "withheld"], help_text="`withheld` for withdrawn articles (staff only)."
    )
    language = serializers.CharField()
    copyrightholder = serializers.CharField()
    headlines = NinjsTextSerializer(many=True)
    bodies = NinjsBodySerializer(many=True)
    altids = NinjsAltIdSerializer(many=True)
    by = serializers.CharField(required=False, help_text="The byline, e.g. 记者 张三.")
    people = NinjsPersonSerializer(many=True, required=False)
    subjects = NinjsSubjectSerializer(many=True, required=False)
    associations = NinjsPictureSerializer(many=True, required=False)


class NinjsArticleAssociationSerializer(NinjsArticleSerializer):
    name = serializers.CharField(help_text="Name of the association, e.g. article1.")


class NinjsPackageSerializer(serializers.Serializer):
    uri = serializers.URLField(help_text="Permanent identifier: the issue's API address.")
    standard = NinjsStandardSerializer()
    type = serializers.ChoiceField(choices=["composite"])
    representationtype = serializers.ChoiceField(choices=["full"])
    firstcreated = serializers.DateTimeField()
    versioncreated = serializers.DateTimeField()
    contentcreated = serializers.DateTimeField()
    pubstatus = serializers.ChoiceField(choices=["usable"])
    language = serializers.CharField()
    copyrightholder = serializers.CharField()
    title = serializers.CharField()
    headlines = NinjsTextSerializer(many=True)
    altids = NinjsAltIdSerializer(many=True)
    associations = serializers.ListField(
        child=serializers.DictField(),
        help_text="The articles (type text, named articleN) then stand-alone photos (type picture, photoN).",
    )
