"""The reader's search in a real browser: a traditional query, a result found in the OCR only,
the facets, and the issue page's own search box. Screenshot for the README."""

from __future__ import annotations

import pytest

from newsroom.models import Article
from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import screenshot_folder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_a_traditional_query_finds_an_ocr_match_labelled_and_the_facets_narrow_it(page, seeded):
    article = Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")
    assert "红船" in article.body and "红船" not in article.full_heading
    # An editor's correction (made up for the test): the OCR's 红船 now reads 红帆.
    article.body = article.body.replace("红船", "红帆")
    article.save()
    page.goto(f"{page.base_url}/search/?q=紅船")  # traditional, as a reader in Taipei types it
    result = page.locator("li.result", has=page.locator(f'a[href="{article.get_absolute_url()}"]'))
    result.wait_for()
    assert result.locator(".match-source").inner_text() == "见于OCR原文"
    assert result.locator(".snippet mark").first.inner_text() == "红船"
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "archive-search-ocr.png"), full_page=True)
    # A year facet narrows the results and offers that year's months.
    page.locator(".facets ul").first.locator("a").first.click()
    page.wait_for_selector("#month-facets-heading")
    year = page.locator('.facets [aria-current="true"]').first.inner_text()
    page.locator("#month-facets-heading + ul a").first.click()
    page.wait_for_selector('#month-facets-heading + ul [aria-current="true"]')
    assert page.locator('.facets [aria-current="true"]').first.inner_text() == year
    assert result.count() == 1  # the March article is still there
    assert page.console_errors == []


def test_the_issue_page_searches_its_own_pages(page, seeded):
    article = Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")
    issue = article.issue
    page.goto(f"{page.base_url}{issue.get_absolute_url()}")
    page.fill("#issue-search-q", "工会")
    if page.locator(".issue-search select").count():
        page.select_option(".issue-search select", str(article.page))
    page.locator(".issue-search button[type=submit]").click()
    page.wait_for_url("**/search/?**")
    links = page.locator(".results .result-title a")
    assert links.count() >= 1
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    expected = {a.get_absolute_url() for a in Article.objects.public().filter(issue=issue, page=article.page)}
    assert hrefs <= expected and article.get_absolute_url() in hrefs
    assert page.console_errors == []
