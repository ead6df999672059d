"""Template helpers for the archive: canonical addresses, JSON-LD, leads, bylines, language tags,
and two that spare the public pages work they would repeat: ``{% invariant %}`` (markup that is
the same for every page in a language) and ``|path_of`` (an object's address without the URL
resolver, in loops)."""

from __future__ import annotations

import datetime as dt
import json
from html import escape as _escape  # django.utils.html.escape without its SafeString

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from newsroom.lib.blocks import PARAGRAPH, parse_body
from newsroom.lib.cjk import fullwidth_punctuation, fullwidth_punctuation_html
from newsroom.siteurl import absolute_url

register = template.Library()

# The characters that could end a <script> element or open a comment inside it, as JSON
# escapes; the same set Django's json_script uses.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


@register.simple_tag(takes_context=True)
def absolute(context, path: str) -> str:
    """Return a path as an absolute address (newsroom.siteurl: SITE_URL in production)."""
    return absolute_url(path, context.get("request"))


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """Return a <script type="application/ld+json"> element that no string in data can break out of."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES)
    # Safe: every character that could close the element or start markup is a JSON escape.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def lead_text(article) -> str:
    """Return an article's first paragraph (its lead), or an empty string (from the body as the
    article has parsed it already, ``own_blocks``, when it is an Article)."""
    blocks = article.own_blocks if hasattr(article, "own_blocks") else parse_body(article.body)
    for block in blocks:
        if block.type == PARAGRAPH:
            return block.text
    return ""


@register.filter
def lead(article) -> str:
    return lead_text(article)


@register.filter(is_safe=True)
def cjk(text) -> str:
    """Return Chinese text set with full-width punctuation, for display only (newsroom/lib/cjk.py).

    Escaped HTML (a highlighted snippet) stays safe: only its text changes, never its markup.
    """
    if isinstance(text, SafeData):
        return mark_safe(fullwidth_punctuation_html(str(text)))  # markup untouched, see above
    return fullwidth_punctuation(str(text)) if text else ""


@register.filter
def caption_lines(caption: str) -> list[str]:
    """Return a caption's paragraphs (stored one a line), so each shows as its own line."""
    return [line for line in (caption or "").split("\n") if line.strip()]


@register.filter
def html_lang(language_code: str) -> str:
    """Return the BCP 47 tag for a Django language code (zh-hans -> zh-Hans)."""
    if language_code and language_code.lower() == "zh-hans":
        return "zh-Hans"
    return language_code or "zh-Hans"


@register.simple_tag(takes_context=True)
def page_query(context, number: int, querystring: str = "") -> str:
    """Return ?page=N joined with the other criteria of the current list."""
    return f"?{querystring}&page={number}" if querystring else f"?page={number}"


_settings_epoch = [0]  # moves on when a setting changes (tests): what is kept is worked out again


@receiver(setting_changed)
def _forget_on_setting_changed(**kwargs) -> None:
    _settings_epoch[0] += 1
    _PATHS.clear()
    _TAG_PATHS.clear()


class InvariantNode(template.Node):
    """Render the enclosed markup once per language, URL prefix and URLconf, then reuse it."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict = {}  # held by the node: it lives as long as its compiled template

    def render(self, context) -> str:
        key = (_settings_epoch[0], get_language(), get_script_prefix(), get_urlconf())
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))
        return html


@register.tag
def invariant(parser, token):
    """``{% invariant %}...{% endinvariant %}``: markup that reads nothing from the page's context
    (``{% translate %}``, ``{% url %}`` of a route without arguments, the list of languages
    with the current one selected) is rendered once per language and kept: a page's header and
    footer cost their dozen translations and addresses once, not on every page.
    A variable of the page (the request, an object) must stay outside it."""
    nodelist = parser.parse(("endinvariant",))
    parser.delete_first_token()
    return InvariantNode(nodelist)


_PATH_SENTINEL = 918_273_645_546_372
_PATHS: dict = {}


@register.filter
def path_of(obj, name: str) -> str:
    """Return ``reverse(name, kwargs={"pk": obj.pk})`` (an article's, a person's address): the
    address is reversed once per route, URL prefix and URLconf and the id put in its place."""
    key = (name, get_script_prefix(), get_urlconf())
    pieces = _PATHS.get(key)
    if pieces is None:
        pieces = _PATHS[key] = reverse(name, kwargs={"pk": _PATH_SENTINEL}).split(str(_PATH_SENTINEL))
    before, after = pieces  # an int route: the id appears once, unquoted
    return f"{before}{int(obj.pk)}{after}"


def _filled(name: str, sentinels: dict, marker: str, text: str, values: dict) -> str:
    """Return ``reverse(name, kwargs=values)``: reversed once per route, URL prefix and URLconf
    with ``sentinels`` (which the route writes as ``marker``), then ``text`` put in the marker's
    place; a route whose address holds the marker more than once is reversed every time."""
    key = (name, get_script_prefix(), get_urlconf())
    pieces = _PATHS.get(key)
    if pieces is None:
        pieces = _PATHS[key] = reverse(name, kwargs=sentinels).split(marker)
    if len(pieces) != 2:
        return reverse(name, kwargs=values)
    return f"{pieces[0]}{text}{pieces[1]}"


@register.filter
def issue_path(issue_or_date) -> str:
    """Return an issue's address (``reverse("archive:issue", kwargs={"date": ...})``) from the
    issue or its date, without the URL resolver."""
    date = getattr(issue_or_date, "date", issue_or_date)
    return _filled("archive:issue", {"date": dt.date(1901, 2, 3)}, "1901-02-03", date.isoformat(), {"date": date})


@register.filter
def year_path(year) -> str:
    """Return a year's calendar address (``{% url 'archive:year' year=... %}``)."""
    year = int(year)
    return _filled("archive:year", {"year": 1901}, "1901", f"{year:04d}", {"year": year})


@register.filter
def month_path(date) -> str:
    """Return the address of a date's month (``{% url 'archive:month' year=... month=... %}``)."""
    return _filled("archive:month", {"year": 1901, "month": 11}, "1901/11", f"{date.year:04d}/{date.month:02d}",
                   {"year": date.year, "month": date.month})


@register.simple_tag
def byline(credits) -> SafeString:
    """Return a byline: each credit's role and the printed name linking to the person's page."""
    # What format_html_join(" ", '<span class="credit">{} <a href="{}">{}</a></span>', ...) gave,
    # each value escaped, without its SafeString for every piece.
    return SafeString(" ".join(
        f'<span class="credit">{_escape(str(credit.get_role_display()))} '
        f'<a href="{_escape(path_of(credit.person, "archive:person"))}">{_escape(str(credit.name_as_printed))}</a></span>'
        for credit in credits
    ))


_TAG_PATHS: dict = {}


def tag_path(slug: str) -> str:
    """Return a tag's address, remembered (a few hundred tags are on every page between them)."""
    key = (slug, get_script_prefix(), get_urlconf())
    path = _TAG_PATHS.get(key)
    if path is None:
        if len(_TAG_PATHS) > 20_000:  # bounded: tags come and go with editors' work
            _TAG_PATHS.clear()
        path = _TAG_PATHS[key] = reverse("archive:tag", kwargs={"slug": slug})
    return path


@register.simple_tag
def tag_links(tags) -> SafeString:
    """Return an issue page's tag links of an article: #name, each followed by a space."""
    return SafeString("".join(f'<a href="{_escape(tag_path(tag.slug))}">#{_escape(str(tag.name))}</a> ' for tag in tags))
