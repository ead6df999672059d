"""Page scans in the desk: the zoomable viewer beside the text, and what the desk says of a scan.

The viewer is OpenSeadragon, installed from the npm registry as package-lock.json pins it
(``make install`` runs ``npm ci``) and served by staticfiles under ``vendor/openseadragon/``
(settings.STATICFILES_DIRS); nothing is fetched from elsewhere at run time. It reads each
scan's IIIF ``info.json`` (newsroom/iiif/: staff see every scan there, withheld or not) and
asks for tiles as the editor zooms. The page's change view (pages.py), the article's
(articles.py) and the review queue's links (review.py) use what is here.
"""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext

from newsroom import models

# The anchor of the scan on a change page: the review queue links to it.
SCAN_ANCHOR = "nr-scan"

# OpenSeadragon's buttons, by its option name -> the file name's stem in its images/ folder.
# Each image is named through staticfiles (hashed in production), not by OpenSeadragon's
# prefixUrl, which a manifest storage's hashed names would break.
_BUTTONS = {
    "zoomIn": "zoomin", "zoomOut": "zoomout", "home": "home", "fullpage": "fullpage",
    "rotateleft": "rotateleft", "rotateright": "rotateright", "flip": "flip",
    "previous": "previous", "next": "next",
}
_BUTTON_STATES = {"REST": "rest", "GROUP": "grouphover", "HOVER": "hover", "DOWN": "pressed"}


def info_url(page: models.Page) -> str:
    """Return the IIIF info.json address of a page's scan (the viewer's tile source)."""
    return reverse("iiif:image-info", args=[page.iiif_identifier])


def nav_images() -> dict:
    """Return OpenSeadragon's ``navImages`` option: every button image by its static address."""
    return {
        name: {state: static(f"vendor/openseadragon/images/{stem}_{suffix}.png")
               for state, suffix in _BUTTON_STATES.items()}
        for name, stem in _BUTTONS.items()
    }


def scan_facts(page: models.Page) -> str:
    """Return what a scan is, as the editor reads it: JPEG · 3,000 × 4,200 像素 · 2.3 MB."""
    from django.template.defaultfilters import filesizeformat

    parts = [page.get_scan_format_display()]
    if page.scan_width and page.scan_height:
        parts.append(gettext("%(w)s × %(h)s 像素") % {"w": f"{page.scan_width:,}", "h": f"{page.scan_height:,}"})
    if page.scan_bytes is not None:
        parts.append(str(filesizeformat(page.scan_bytes)))
    return " · ".join(parts)


def viewer_context(pages: list[models.Page], *, missing: list[int] = (), page_links: bool = False) -> dict:
    """Return the context of the viewer's template (includes/scan_viewer.html) for these pages.

    ``pages`` have a scan, in the order the switcher offers them; ``missing`` are the numbers of
    the article's other pages, which have none yet; ``page_links`` links each to its page's
    change view (where the scan is replaced).
    """
    entries = [
        {
            "label": page.label,
            "info": info_url(page),
            "facts": scan_facts(page),
            "change_url": reverse("admin:newsroom_page_change", args=[page.pk]),
        }
        for page in pages
    ]
    return {
        "scan_pages": entries,
        "scan_missing": [gettext("第%(n)s版") % {"n": number} for number in missing],
        "scan_config": {"pages": [{"label": e["label"], "info": e["info"]} for e in entries],
                        "navImages": nav_images()},
        "scan_anchor": SCAN_ANCHOR,
        "show_page_links": page_links,
    }


def article_scan_pages(article: models.Article) -> tuple[list[models.Page], list[int]]:
    """Return the pages an article runs on that have a scan (in reading order), and the
    numbers of those that have none (a part on a page not imported yet counts as none)."""
    numbers = article.pages
    found = {
        page.number: page
        for page in models.Page.objects.filter(issue_id=article.issue_id, number__in=numbers)
        .select_related("issue__publication")
    }
    with_scan = [found[n] for n in numbers if n in found and found[n].has_scan]
    return with_scan, [n for n in numbers if n not in found or not found[n].has_scan]
