"""The editor corrects beside the scan, in a real browser: OpenSeadragon over the IIIF service.

The article is the seed's lead story, imported by the real loader; its page gets a scan drawn
from the seed's own lines (tests/scans.py). The viewer's tiles come from the project's IIIF
image server; OpenSeadragon from node_modules through staticfiles (never from the network).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import DESKTOP, PASSWORD, PHONE, log_in, screenshot_folder
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parent.parent / "seeds"




def viewport_screenshot(tab, name: str) -> Path:
    """Save what the editor sees (not the whole page: the scan's place depends on the scroll)."""
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


def watch_tiles(tab) -> list[tuple[str, int]]:
    """Return a list that fills with (address, status) of every IIIF image the tab receives."""
    seen: list[tuple[str, int]] = []
    tab.on("response", lambda r: "/iiif/3/" in r.url and seen.append((r.url, r.status)))
    return seen


def tiles(seen, identifier: str) -> list[int]:
    """Return the statuses of the image (not info.json) requests of one scan."""
    return [status for url, status in seen
            if f"/iiif/3/{identifier}/" in url and not url.endswith("/info.json")]


def wait_for_scan(tab):
    tab.wait_for_selector(".nr-scan-viewer[data-state=shown] canvas", timeout=20_000)


def box(tab, selector: str) -> dict:
    return tab.locator(selector).first.bounding_box()


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(settings, live_server):
    # info.json names the image service by its absolute address (SITE_URL, as in production,
    # where the desk and the archive share it): here, the live server's.
    settings.SITE_URL = live_server.url


@pytest.fixture
def lead_with_scan():
    """Import the seed's front page, give it a scan of its own lines; return its lead story."""
    from importers.load import import_paths
    from newsroom.editorial import set_scan
    from newsroom.models import Article, Page
    from tests.scans import page_scan

    front = sorted(SEEDS.glob("*.txt"))[0]
    report = import_paths([front])
    assert not any(file.failed for file in report.files), [f.error for f in report.files]
    lead = Article.objects.get(issue__date="2021-03-19", page=1, position=1)
    set_scan(Page.objects.get(issue=lead.issue, number=1), page_scan(width=1500, height=2100),
             "2021-03-19-01.jpg")
    return lead


def test_the_editor_corrects_beside_the_scan_which_stays_in_view(page, lead_with_scan):
    tab = page
    seen = watch_tiles(tab)
    make_user("ed", role="editor", password=PASSWORD)
    url = f"/admin/newsroom/article/{lead_with_scan.pk}/change/"
    log_in(tab, "ed", url)
    wait_for_scan(tab)

    identifier = lead_with_scan.issue.pages.get(number=1).iiif_identifier
    assert 200 in tiles(seen, identifier), seen
    assert "2021-03-19" in identifier
    # Beside the text: the scan's column on the right of the text's, side by side.
    aside, text = box(tab, ".nr-scan-aside"), box(tab, ".nr-scan-text")
    assert aside["x"] >= text["x"] + text["width"] - 1
    assert aside["height"] > DESKTOP["height"] * 0.8
    assert tab.locator(".nr-scan-heading").inner_text().startswith("版面图 · 第1版")

    # The editor scrolls down to the body: the scan stays in view, the text has moved.
    body_before = box(tab, "textarea[name=body]")
    tab.evaluate("() => { document.querySelector('fieldset.nr-proof').scrollIntoView(); window.scrollBy(0, -12); }")
    tab.wait_for_function("() => window.scrollY > 400")
    body_after = box(tab, "textarea[name=body]")
    assert body_after["y"] < body_before["y"] - 300
    aside = box(tab, ".nr-scan-aside")
    assert 0 <= aside["y"] <= 16 and aside["y"] + aside["height"] <= DESKTOP["height"]
    viewer = box(tab, ".nr-scan-viewer")
    assert viewer["height"] > DESKTOP["height"] * 0.7
    viewport_screenshot(tab, "desk-scan-beside-text")
    # Zooming in asks for more tiles, each answered.
    asked = len(tiles(seen, identifier))
    tab.mouse.dblclick(viewer["x"] + viewer["width"] / 3, viewer["y"] + viewer["height"] / 4)
    tab.wait_for_function(f"() => performance.getEntriesByType('resource').filter("
                          f"e => e.name.includes('/iiif/3/{identifier}/')).length > {asked + 1}")
    tab.wait_for_timeout(500)
    assert set(tiles(seen, identifier)) == {200}

    # On a phone: stacked, the scan above the text, nothing wider than the screen.
    tab.set_viewport_size(PHONE)
    tab.goto(tab.base_url + url)
    wait_for_scan(tab)
    aside, text = box(tab, ".nr-scan-aside"), box(tab, ".nr-scan-text")
    assert aside["y"] + aside["height"] <= text["y"] + 1
    assert aside["width"] <= PHONE["width"]
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    viewport_screenshot(tab, "desk-scan-beside-text-phone")
    assert tab.console_errors == []


def test_a_continued_articles_pages_are_switched_beside_its_text(page, issue):
    from newsroom.editorial import set_scan
    from newsroom.models import Page
    from tests.factories import make_article
    from tests.scans import page_scan

    pages = []
    for number, lines in ((1, ["第一版", "职工书屋建设（下转第3版）"]), (3, ["第三版", "（上接第1版）职工书屋"])):
        scanned = Page.objects.create(issue=issue, number=number, name="要闻" if number == 1 else "综合")
        set_scan(scanned, page_scan("PNG", width=800, height=1100, lines=lines), f"p{number}.png")
        pages.append(scanned)
    lead = make_article(issue, page=1, headline="职工书屋建设", jump_to=3)
    make_article(issue, page=3, headline="(上接第1版)", continues=lead, is_continuation=True,
                 continued_from=1)
    tab = page
    seen = watch_tiles(tab)
    make_user("ed", role="editor", password=PASSWORD)
    log_in(tab, "ed", f"/admin/newsroom/article/{lead.pk}/change/")
    wait_for_scan(tab)
    buttons = tab.locator(".nr-scan-page")
    assert buttons.all_inner_texts() == ["第1版 要闻", "第3版 综合"]
    assert buttons.nth(0).get_attribute("aria-pressed") == "true"

    buttons.nth(1).click()

    assert buttons.nth(1).get_attribute("aria-pressed") == "true"
    assert buttons.nth(0).get_attribute("aria-pressed") == "false"
    tab.wait_for_function(
        f"() => performance.getEntriesByType('resource').some("
        f"e => e.name.includes('/iiif/3/{pages[1].iiif_identifier}/') && !e.name.endsWith('info.json'))")
    wait_for_scan(tab)
    tab.wait_for_timeout(300)
    assert 200 in tiles(seen, pages[1].iiif_identifier), seen
    assert tab.locator(".nr-scan-facts:not([hidden])").inner_text().startswith("PNG · 800 × 1,100 像素")
    assert tab.console_errors == []
