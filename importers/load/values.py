"""What a page's records store in the database, and the check that the database can hold it."""

from __future__ import annotations

from django.db import models

from importers.records import AdvertisementRecord, ArticleRecord, PageRecord, ParseError
from newsroom.lib.blocks import render_body
from newsroom.lib.bounds import ISSUE_NUMBERS, PAGES, POSITIONS, range_text
from newsroom.models import Advertisement, Article, Issue, Person, Photo

# The fields an editor may correct; their values as last imported live in ``row.imported``.
ARTICLE_TEXT_FIELDS = (*Article.TEXT_FIELDS, "kind")
PHOTO_TEXT_FIELDS = ("caption",)
ADVERTISEMENT_TEXT_FIELDS = ("advertiser", "text", "phone", "website")


def article_values(record: ArticleRecord) -> dict[str, str]:
    """Return the editable fields an article record gives its Article."""
    return {
        "kicker": record.kicker,
        "headline": record.headline or record.heading,
        "subheadline": record.subheadline,
        "dateline": record.dateline,
        "body": render_body(record.blocks),
        "kind": record.kind,
    }


def jump_values(record: ArticleRecord) -> dict:
    """Return where an article record's part jumps to and which page it continues (PAGES.md)."""
    jump, continued = record.jump, record.continued_from
    return {
        "jump_to": jump.to_page if jump else None,
        "jump_mid_sentence": bool(jump and jump.mid_sentence),
        "is_continuation": continued is not None,
        "continued_from": continued.from_page if continued else None,
    }


def advertisement_values(record: AdvertisementRecord) -> dict[str, str]:
    """Return the editable fields an advertisement record gives its Advertisement."""
    return {
        "advertiser": record.advertiser,
        "text": record.text,
        "phone": record.phone,
        "website": record.website,
    }


def line_span(lines) -> dict[str, int | None]:
    """Return a record's (first, last) source lines as the line_start/line_end fields."""
    start, end = lines
    return {"line_start": start or None, "line_end": end or start or None}


def validate(page: PageRecord) -> None:
    """Raise ParseError, naming file and line, for a value too long or out of range to store."""
    issue = page.issue
    if issue.number is not None and issue.number not in ISSUE_NUMBERS:
        # The parser refuses such a number at its masthead line; this guards other records.
        raise ParseError(
            page.source,
            None,
            f"issue number {issue.number} is out of range: it must be within "
            f"{range_text(ISSUE_NUMBERS)}",
        )
    _check_lengths(
        Issue, {"lunar_date": issue.lunar_date, "weekday": issue.weekday}, page.source, (0, 0)
    )
    for article in page.articles:
        _check_article(page.source, article)
    for ad in page.advertisements:
        _check_position(page.source, ad.lines, ad.page, ad.position, "advertisement")
        _check_lengths(Advertisement, advertisement_values(ad), page.source, ad.lines)


def _check_article(source: str, article: ArticleRecord) -> None:
    """Raise ParseError for a value of an article, its photos or their credits the archive cannot hold."""
    _check_position(source, article.lines, article.page, article.position, "article")
    if article.kind not in Article.Kind.values:
        raise ParseError(
            source,
            article.lines[0] or None,
            f"article kind {article.kind!r} is not one of {', '.join(Article.Kind.values)}",
        )
    _check_lengths(Article, {**article_values(article), "heading": article.heading}, source, article.lines)
    for photo in article.photos:
        _check_position(source, photo.lines, article.page, photo.position, "photo")
        _check_lengths(Photo, {"caption": photo.caption}, source, photo.lines)
        for contributor in photo.contributors:
            _check_lengths(Person, {"name": contributor.name}, source, photo.lines)
    for contributor in article.contributors:
        _check_lengths(Person, {"name": contributor.name}, source, article.lines)


def _check_position(source: str, lines, page: int, position: int, what: str) -> None:
    if page not in PAGES or position not in POSITIONS:
        raise ParseError(
            source,
            lines[0] or None,
            f"{what} at page {page} position {position} is out of range: pages must be within "
            f"{range_text(PAGES)} and positions within {range_text(POSITIONS)}",
        )


def _check_lengths(model: type[models.Model], values: dict, source: str, lines) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and isinstance(value, str) and len(value) > limit:
            raise ParseError(
                source,
                lines[0] or None,
                f"{model._meta.model_name} {name} is {len(value)} characters long; "
                f"the archive stores at most {limit} (check the OCR around this line)",
            )
