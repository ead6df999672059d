"""An issue as a IIIF Presentation 3.0 manifest: its pages' scans, in page order, with their text.

One manifest per issue (``/iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json``): one canvas per
page whose scan this user may see (newsroom/models/scans.py decides: a page showing a withdrawn
article no chief editor released is absent for readers, present for staff), the size of its
scan, painted by the scan's IIIF image (``/iiif/3/<page identifier>``), and
supplemented by the page's text: the articles on it this user may see, each its headline and
the part of its text that stands on that page, as the archive shows it (corrected, full-width
punctuation). A continued article's part on a later page is headed ``（上接第1版）``.

The manifest is built from four queries whatever the number of pages: the issue with its
stamps (``manifest_issue``, which alone answers a conditional request), the pages with a scan
the user may see, the articles, the parts continuing them. Nothing here depends on the
request's language: labels carry Chinese and English side by side.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from newsroom.lib.cjk import fullwidth_punctuation
from newsroom.models import Article, Issue, Page, sees_unpublished
from newsroom.models.articles import published
from newsroom.models.continuations import MAX_PARTS
from newsroom.models.scans import issue_identifier, parse_issue_identifier
from newsroom.scans import iiif as image_api
from newsroom.siteurl import absolute_url

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MEDIA_TYPE = f'application/ld+json;profile="{CONTEXT}"'
# The image service every canvas names, at the level newsroom/iiif/images.py serves.
IMAGE_SERVICE = {"type": "ImageService3", "profile": image_api.PROFILE}
THUMBNAIL_WIDTH = 300
# Moves the manifests' ETags when their shape changes, so no client keeps an old shape.
SHAPE = 1
LANGUAGES = (("zh-Hans", "zh-hans"), ("en", "en"))


# -- Addresses ---------------------------------------------------------------------------------


def manifest_path(issue: Issue) -> str:
    """Return the path of an issue's manifest (/iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json)."""
    return reverse("iiif:manifest", kwargs={"identifier": issue_identifier(issue)})


def image_service_path(page: Page) -> str:
    """Return the path of a page scan's IIIF image service (/iiif/3/zjgrrb_2021-03-19_1_2)."""
    return reverse("iiif:image-base", kwargs={"identifier": page.iiif_identifier})


def image_path(page: Page, size: str = "max") -> str:
    """Return the path of the whole scan at a size (max, 300,: any level of the Image API serves them)."""
    return f"{image_service_path(page)}/full/{size}/0/default.jpg"


def thumbnail_size(page: Page, width: int = THUMBNAIL_WIDTH) -> tuple[int, int]:
    """Return the (width, height) the image service makes of the scan at a width (never enlarged)."""
    scaled = min(width, page.scan_width)
    # Rounded half up, in integers, as the service scales (newsroom/scans/iiif.py).
    return scaled, max(1, (2 * page.scan_height * scaled + page.scan_width) // (2 * page.scan_width))


def full_size(page: Page) -> tuple[int, int]:
    """Return the size of the scan's ``max`` image: the scan's, or less beyond IIIF_MAX_AREA."""
    return image_api.max_size(page.scan_width, page.scan_height, settings.IIIF_MAX_AREA)


# -- What the manifest reads -------------------------------------------------------------------


def manifest_issue(identifier: str, user) -> Issue | None:
    """Return the issue an identifier names if this user may see it, with its stamps (one query).

    ``last_article_change`` counts withdrawn articles and the parts of continued ones: a
    withdrawal hides a page's scan and takes its text out. Everything else a manifest shows
    (a page's scan or name, a release of a scan, the masthead, the paper) moves the issue's
    ``updated_at`` (newsroom/changes.py).
    """
    lookup = parse_issue_identifier(identifier)
    if lookup is None:
        return None
    return (
        Issue.objects.visible_to(user)
        .filter(**lookup)
        .select_related("publication")
        .annotate(last_article_change=Max("articles__updated_at"))
        .first()
    )


def manifest_stamps(issue: Issue) -> list[dt.datetime]:
    """Return the stamps of what an issue's manifest shows (see manifest_issue)."""
    return [stamp for stamp in (issue.updated_at, issue.last_article_change) if stamp]


def scan_pages(issue: Issue, user) -> list[Page]:
    """Return the issue's pages whose scan this user may see, in page order (one query)."""
    pages = list(Page.objects.filter(issue=issue).with_scan_visible_to(user).order_by("number"))
    for page in pages:
        page.issue = issue  # its identifier names the issue: no query a page
    return pages


def page_texts(issue: Issue, user) -> dict[int, str]:
    """Return the text of each page: the articles on it this user may see, in print order (two queries).

    Each article is its headline (with kicker and subheadline) and the text of its part on that
    page; a part continuing an article on a later page is headed with the article's headline
    and where it came from (（上接第1版）).
    """
    leads = list(Article.objects.visible_to(user).as_read().filter(issue=issue).order_by("page", "position"))
    parts = Article.objects.filter(issue=issue, continues__isnull=False)
    if not sees_unpublished(user):
        parts = parts.filter(published())  # a part withdrawn on its own: left out, as the issue page does
    following: dict[int, list[Article]] = {}
    for part in parts.order_by("page", "position"):
        following.setdefault(part.continues_id, []).append(part)
    entries = []
    for lead in leads:
        previous, seen = lead, {lead.pk}
        entries.append((lead.page, lead.position, _article_text(lead)))
        # The reading order of ContinuedArticle.parts(): the next part is the first one after.
        while len(seen) < MAX_PARTS:
            candidates = [part for part in following.get(previous.pk, []) if part.pk not in seen]
            if not candidates:
                break
            part = candidates[0]
            if part.page != previous.page:
                heading = f"{lead.headline}（上接第{previous.page}版）"  # as the paper prints it
                entries.append((part.page, part.position, _join(heading, _body_text(part))))
            else:  # a part on the same page reads on from the one before it
                entries.append((part.page, part.position, _body_text(part)))
            previous = part
            seen.add(part.pk)
    texts: dict[int, list[str]] = {}
    for page, _position, text in sorted(entries, key=lambda entry: entry[:2]):
        texts.setdefault(page, []).append(text)
    return {page: fullwidth_punctuation("\n\n".join(parts)) for page, parts in texts.items()}


def _article_text(article: Article) -> str:
    heading = "\n".join(line for line in (article.kicker, article.headline, article.subheadline) if line)
    return _join(heading, _body_text(article))


def _body_text(part: Article) -> str:
    """Return a part's own text, one block a line, the dateline before it as the page sets it."""
    lines = [block.text for block in part.own_blocks]
    if part.dateline and lines:
        lines[0] = f"{part.dateline} {lines[0]}"
    return "\n".join(lines)


def _join(*texts: str) -> str:
    return "\n".join(text for text in texts if text)


# -- The manifest ------------------------------------------------------------------------------


def issue_manifest(issue: Issue, user, request=None) -> dict | None:
    """Return an issue's manifest for this user, or None when no scan of it is theirs to see.

    A manifest without a canvas shows nothing in a viewer (Mirador refuses it): the view
    answers 404 for it, as it does for an issue the user may not see.
    """
    pages = scan_pages(issue, user)
    if not pages:
        return None
    texts = page_texts(issue, user)
    manifest_id = absolute_url(manifest_path(issue), request)
    base = manifest_id.rsplit("/", 1)[0]
    paper = issue.publication.name
    return {
        "@context": CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": _in_both(lambda: f"{paper} {date_format(issue.date, 'DATE_FORMAT')}"),
        "metadata": _metadata(issue),
        "summary": _in_both(lambda: gettext("%(paper)s %(date)s各版的版面图和文字。") % {
            "paper": paper, "date": date_format(issue.date, "DATE_FORMAT")}),
        "requiredStatement": {
            "label": _in_both(lambda: gettext("出处")),
            "value": _in_both(lambda: gettext("浙江工人日报数字档案")),
        },
        "navDate": f"{issue.date.isoformat()}T00:00:00+08:00",
        "homepage": [{
            "id": absolute_url(issue.get_absolute_url(), request),
            "type": "Text",
            "label": _in_both(lambda: f"{paper} {date_format(issue.date, 'DATE_FORMAT')}"),
            "format": "text/html",
            "language": ["zh-Hans"],
        }],
        "seeAlso": [{
            "id": absolute_url(reverse("api:issue-detail", kwargs={"pk": issue.pk}), request),
            "type": "Dataset",
            "label": _in_both(lambda: gettext("开放数据接口（REST API）")),
            "format": "application/json",
        }],
        # Pages follow one another as printed; each is read on its own (a broadsheet, not a
        # book: and a page left out for a reader would pair the wrong pages as a spread).
        "viewingDirection": "left-to-right",
        "behavior": ["individuals"],
        "items": [_canvas(page, f"{base}/canvas/{page.number}", texts.get(page.number, ""), request)
                  for page in pages],
    }


def _canvas(page: Page, canvas_id: str, text: str, request) -> dict:
    service = absolute_url(image_service_path(page), request)
    width, height = full_size(page)
    image = {
        "id": absolute_url(image_path(page), request),
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [{"id": service, **IMAGE_SERVICE}],
    }
    thumb_width, thumb_height = thumbnail_size(page)
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": _in_both(lambda: page.label),
        "width": page.scan_width,
        "height": page.scan_height,
        "thumbnail": [{
            "id": absolute_url(image_path(page, f"{thumb_width},"), request),
            "type": "Image",
            "format": "image/jpeg",
            "width": thumb_width,
            "height": thumb_height,
            "service": [{"id": service, **IMAGE_SERVICE}],
        }],
        "items": [{
            "id": f"{canvas_id}/page",
            "type": "AnnotationPage",
            "items": [{
                "id": f"{canvas_id}/page/image",
                "type": "Annotation",
                "motivation": "painting",
                "body": image,
                "target": canvas_id,
            }],
        }],
    }
    if text:
        canvas["annotations"] = [{
            "id": f"{canvas_id}/text",
            "type": "AnnotationPage",
            "items": [{
                "id": f"{canvas_id}/text/1",
                "type": "Annotation",
                "motivation": "supplementing",
                "body": {"type": "TextualBody", "value": text, "format": "text/plain", "language": "zh-Hans"},
                "target": canvas_id,
            }],
        }]
    return canvas


def _metadata(issue: Issue) -> list[dict]:
    """Return the masthead's facts as label/value pairs, each label in Chinese and English."""
    paper = issue.publication
    entries = [
        (lambda: pgettext("manifest", "报纸"), {"zh-Hans": [paper.name]}),
        (lambda: gettext("日期"), _in_both(lambda: date_format(issue.date, "DATE_FORMAT"))),
        (lambda: gettext("星期"), {"zh-Hans": [issue.weekday or issue.expected_weekday()],
                                   "en": [_in("en", lambda: date_format(issue.date, "l"))]}),
    ]
    if issue.lunar_date:
        entries.append((lambda: gettext("农历"), {"zh-Hans": [issue.lunar_date]}))
    if issue.number:
        entries.append((lambda: gettext("期号"),
                        _in_both(lambda: gettext("总第%(number)s号") % {"number": issue.number})))
    if paper.cn_number:
        entries.append((lambda: gettext("国内统一刊号"), {"none": [paper.cn_number]}))
    if paper.postal_code:
        entries.append((lambda: gettext("邮发代号"), {"none": [paper.postal_code]}))
    return [{"label": _in_both(label), "value": value} for label, value in entries]


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text())


def _in_both(text) -> dict[str, list[str]]:
    """Return a IIIF language map of text() in Chinese and English (one value where they agree)."""
    values = {tag: _in(language, text) for tag, language in LANGUAGES}
    if values["en"] == values["zh-Hans"]:
        return {"zh-Hans": [values["zh-Hans"]]}
    return {tag: [value] for tag, value in values.items()}


