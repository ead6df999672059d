"""The public pages' repeated fragments written in Python: an issue page's stories, a photo with
its caption and credits, an article's text and its citations.

Each fragment is the markup its template used to render (``{% include "archive/_photo.html" %}``
and the loops of ``issue.html`` and ``article.html``) byte for byte, written here because the
template engine spent most of an uncached page's time resolving the variables of these loops
(docs/performance.md, "Rendering afresh"). The rules stay the template's: everything that comes
from the paper (OCR text, names, captions, tags) is escaped (``_e``); the words of the interface
are gettext's, as ``{% translate %}`` gives them (translations are markup the project wrote,
not escaped); Chinese punctuation is set full-width with the ``|cjk`` filter's function.
``tests/test_archive_fragments.py`` renders the old templates beside these for the same pages.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as _html_escape

from django import template
from django.utils.safestring import SafeString
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import gettext

from archive.templatetags.archive_tags import byline, lead_text, path_of, tag_links, tag_path
from newsroom.lib.blocks import CROSSHEAD
from newsroom.lib.cjk import fullwidth_punctuation
from newsroom.lib.roles import PHOTOGRAPHER

register = template.Library()


def _e(value) -> str:
    """Escape a value as the template engine's autoescaping does (``django.utils.html.escape``)."""
    return _html_escape(str(value))


def _cjk(text) -> str:
    """The ``|cjk`` filter on plain text, escaped as the template then shows it."""
    return _html_escape(fullwidth_punctuation(str(text))) if text else ""


# Characters none of which is a combining character (unicodedata.combining() is 0 for each:
# tests/test_archive_fragments.py checks it): ASCII to the spacing modifiers, CJK symbols and
# punctuation but the ideographic tone marks, kana but the voiced sound marks, the ideographs,
# the full-width forms.
_NO_COMBINING = re.compile("[\x00-\u02ff\u3000-\u3029\u3030-\u3098\u309b-\u9fff\uff00-\uffef]*")


def _truncated(text, length: int) -> str:
    """The ``|truncatechars`` filter (Truncator.chars: NFC, combining characters not counted, the
    translated ellipsis), not yet escaped; without its loop over every character when no
    character it would count differently is there."""
    if length <= 0:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    if len(text) <= length:
        return text  # never more characters than that, combining ones or not: not truncated
    if _NO_COMBINING.fullmatch(text, 0, length + 1):
        return add_truncation_text(text[: calculate_truncate_chars_length(length, None)], None)
    return Truncator(text).chars(length)


def _prefetched(obj, name: str) -> list:
    """Return ``obj.<name>.all()`` as a list: the rows archive.queries.attach() handed it, read
    without making the related manager (taggit's costs more than the rows)."""
    cached = getattr(obj, "_prefetched_objects_cache", {}).get(name)
    return list(cached if cached is not None else getattr(obj, name).all())


@register.filter
def truncated(text, length) -> str:
    """``|truncatechars:N`` (the same text), without its loop over every character when it can."""
    return _truncated(text, int(length))


def _credits(obj) -> list:
    return _prefetched(obj, "credits")


def photo_html(photo, text_blocks=None) -> str:
    """Return a photo as ``archive/_photo.html`` rendered it: the image (or the missing-photo box),
    the caption (the article's text for photo news: ``text_blocks``) and the photographers."""
    out = ['<figure class="photo', ' photo-news">\n  ' if text_blocks else '">\n  ']
    if photo.image:
        alt = text_blocks[0].text if text_blocks else photo.caption
        out.append(f'<img src="{_e(photo.image.url)}" alt="{_e(_truncated(alt, 120))}" loading="lazy">\n  ')
    else:
        out.append(f'<div class="photo-missing" role="img" aria-label="{gettext("照片（档案未收录原图）")}">'
                   f'<span aria-hidden="true">{gettext("照片")}</span></div>')
    out.append('\n  <figcaption lang="zh-Hans">\n    ')
    if text_blocks:
        out.append('<div class="caption article-body">')
        for block in text_blocks:
            if block.type == CROSSHEAD:
                out.append(f'<h2 class="crosshead">{_cjk(block.text)}</h2>')
            else:
                out.append(f"<p>{_cjk(block.text)}</p>")
        out.append("</div>\n    ")
    elif photo.caption:
        out.append('<span class="caption">')
        for line in photo.caption.split("\n"):  # |caption_lines
            if line.strip():
                out.append(f'<span class="caption-paragraph">{_cjk(line)}</span>')
        out.append("</span>")
    out.append("\n    ")
    credits = _credits(photo)
    if credits:
        names = " ".join(
            f'{"" if credit.role == PHOTOGRAPHER else _e(credit.get_role_display())}'
            f'<a href="{_e(path_of(credit.person, "archive:person"))}">{_e(credit.name_as_printed)}</a>'
            for credit in credits
        )
        out.append(f'<span class="photo-credit">{names} {gettext("摄")}</span>')
    out.append("\n  </figcaption>\n</figure>\n")
    return "".join(out)


@register.simple_tag
def photo(photo, text_blocks=None) -> SafeString:
    """``{% photo photo %}``, ``{% photo photo article.blocks %}``: what ``{% include
    "archive/_photo.html" %}`` (``with text_blocks=...``) rendered."""
    return SafeString(photo_html(photo, text_blocks))


@register.simple_tag
def photos(photo_list, text_blocks=None) -> SafeString:
    """A list of photos, the first with ``text_blocks`` (photo news: the text is its caption)."""
    return SafeString("".join(photo_html(one, text_blocks if n == 0 else None) for n, one in enumerate(photo_list)))


@register.simple_tag
def story(article, lead: bool) -> SafeString:
    """Return an article as an issue page's story: kicker, linked headline, subheadline, photos,
    the lead's first lines and byline (photo news: the photo with the text as its caption), the
    pages it continues on and its tags. ``lead``: the first story of its page (a longer lead)."""
    pk = int(article.pk)
    photo_news = article.is_photo_news
    classes = "story story-lead" if lead else "story"
    if photo_news:
        classes += " story-photo"
    out = [f'\n      <article class="{classes}" aria-labelledby="story-{pk}">\n        ']
    if article.kicker:
        out.append(f'<p class="kicker">{_cjk(article.kicker)}</p>')
    out.append(f'\n        <h3 class="headline" id="story-{pk}"><a href="{_e(path_of(article, "archive:article"))}">'
               f'{_cjk(article.headline)}</a></h3>\n        ')
    if article.subheadline:
        out.append(f'<p class="subheadline">{_cjk(article.subheadline)}</p>')
    out.append("\n        ")
    photo_list = article.public_photos
    if photo_news and photo_list:
        out.append("\n        ")
        out.extend(photo_html(one, article.blocks if n == 0 else None) for n, one in enumerate(photo_list))
        out.append("\n        ")
    else:
        out.append("\n        ")
        out.extend(photo_html(one) for one in photo_list)
        out.append("\n        ")
        text = lead_of(article)
        if text:
            out.append('<p class="lead">')
            if article.dateline:
                out.append(f'<span class="dateline">{_e(article.dateline)}</span> ')
            out.append(f"{_cjk(_truncated(text, 220 if lead else 110))}</p>")
        out.append("\n        ")
        credits = _credits(article)
        if credits:
            out.append(f'<p class="byline">{byline(credits)}</p>')
        out.append("\n        ")
    out.append("\n        ")
    if article.continues_on:
        jumps = " ".join(f'<a href="#page-{_e(to)}" class="jump-mark">{gettext("转第%(to)s版") % {"to": _e(to)}}</a>'
                         for to in article.continues_on)
        out.append(f'<p class="jump-links">{jumps}</p>')
    out.append("\n        ")
    tags = _prefetched(article, "tags")
    if tags:
        out.append(f'<p class="story-tags">{tag_links(tags)}</p>')
    out.append("\n      </article>\n      ")
    return SafeString("".join(out))


lead_of = lead_text


@register.simple_tag
def body_blocks(article) -> SafeString:
    """An article page's text: its paragraphs and crossheads (the dateline before the first)."""
    out = []
    for n, block in enumerate(article.blocks):
        if block.type == CROSSHEAD:
            out.append(f'\n    <h2 class="crosshead">{_cjk(block.text)}</h2>')
        elif n == 0 and article.dateline:
            out.append(f'\n    <p><span class="dateline">{_e(article.dateline)}</span> {_cjk(block.text)}</p>')
        else:
            out.append(f"\n    <p>{_cjk(block.text)}</p>")
    return SafeString("".join(out))


@register.simple_tag
def citation_meta(tags) -> SafeString:
    """The ``citation_*`` meta tags (names and values from newsroom/lib/citations.py), one a line."""
    return SafeString("".join(f'<meta name="{_e(name)}" content="{_e(content)}">\n' for name, content in tags))


@register.simple_tag
def tag_meta(tags) -> SafeString:
    """An article's tags as ``article:tag`` meta tags, one a line."""
    return SafeString("".join(f'<meta property="article:tag" content="{_e(tag.name)}">\n' for tag in tags))


@register.simple_tag
def tag_items(tags) -> SafeString:
    """An article page's tags: each a list item linking to the tag's page."""
    return SafeString("".join(f'<li><a href="{_e(tag_path(tag.slug))}">{_e(tag.name)}</a></li>' for tag in tags))


@register.simple_tag
def citation_formats(citations) -> SafeString:
    """Each citation format: its label, the download link and the citation's text."""
    download = gettext("下载")
    return SafeString("".join(
        f'\n    <div class="cite-format">\n      <h3>{_e(citation["label"])} <a class="cite-download" '
        f'href="{_e(citation["url"])}" download>{download}</a></h3>\n      '
        f'<pre lang="zh-Hans">{_e(citation["text"])}</pre>\n    </div>\n    '
        for citation in citations
    ))


@register.simple_tag
def headlines(pages) -> SafeString:
    """An issue page's description: every headline of its pages, each followed by ；."""
    return SafeString("".join(f"{_e(article.headline)}；" for page in pages for article in page.articles))


@register.simple_tag
def advertisements(ads) -> SafeString:
    """An issue's advertisements: the advertiser, then the lines of the ad's text."""
    out = []
    for ad in ads:
        heading, lines = ad.printed_heading_and_lines
        text = f'<p class="ad-text">{"<br>".join(_cjk(line) for line in lines)}</p>' if lines else ""
        out.append(f'\n      <li class="ad"><p class="advertiser">{_e(heading)}</p>{text}</li>\n      ')
    return SafeString("".join(out))
