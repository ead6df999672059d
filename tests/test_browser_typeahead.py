"""The search box's suggestions in a real browser: typing shows them, arrow keys and Enter open one.
Screenshot for the README."""

from __future__ import annotations

import pytest

from newsroom.models import Article
from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import screenshot_folder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_typing_in_the_search_box_suggests_headlines_and_enter_opens_one(page, seeded):
    article = Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")
    page.goto(f"{page.base_url}/search/")
    box = page.locator("input[name=q]")
    assert box.get_attribute("role") == "combobox"
    box.press_sequentially("红色工会", delay=40)
    listbox = page.locator("[role=listbox]")
    listbox.locator("[role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert "红色工会" in listbox.inner_text()
    box.press("ArrowDown")
    first = listbox.locator("[role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "archive-typeahead.png"))
    box.press("Escape")
    assert listbox.is_hidden()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.console_errors == []


def test_a_contributor_is_suggested_from_pinyin_initials_on_the_home_page(page, seeded):
    page.goto(f"{page.base_url}/")
    page.locator("#home-q").press_sequentially("rxm", delay=40)
    option = page.locator("[role=option]", has_text="阮向民")
    option.wait_for()
    option.click()
    page.wait_for_url("**/people/*/")
    assert page.console_errors == []
