"""Template helpers for the archive: canonical addresses, JSON-LD, leads and language tags."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

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
    """Return an article's first paragraph (its lead), or an empty string."""
    for block in parse_body(article.body):
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
