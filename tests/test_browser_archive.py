"""A reader in a real browser: home, an issue, an article, its reporter, a search for 工会.

The data are the seed pages that ship with the project, imported by the real loader, so
the screenshots (`make screenshots` refreshes docs/screenshots/) show the archive as a new
installation does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def seeded():
    """Import the seed pages (indexed for search on commit) and tag the lead story."""
    from importers.load import import_paths
    from newsroom.models import Article

    report = import_paths([SEEDS])
    assert not any(file.failed for file in report.files), [f.error for f in report.files]
    lead = Article.objects.get(issue__date="2021-03-19", page=1, position=1)
    lead.tags.add("工会", "党史学习教育")
    return lead


def test_a_reader_browses_to_an_article_follows_the_reporter_and_searches(page, seeded):
    tab = page
    tab.goto(tab.base_url + "/")
    assert tab.locator("html").get_attribute("lang") == "zh-Hans"
    assert tab.locator("h1").inner_text() == "浙江工人日报数字档案"
    screenshot(tab, "archive-home-desktop")

    tab.get_by_role("link", name="2021年3月19日").first.click()
    tab.wait_for_url("**/issues/2021-03-19/")
    masthead = tab.locator(".masthead").inner_text()
    for fact in ("浙江工人日报", "星期五", "辛丑年二月初七", "总第11771号"):
        assert fact in masthead
    assert tab.locator(".ad").count() == 4
    screenshot(tab, "archive-issue-desktop")

    tab.locator(".story-lead .headline a").click()
    tab.wait_for_url(re.compile(r".*/articles/\d+/$"))
    assert "奋力打造红色工会" in tab.locator("h1").inner_text()
    assert "此文为OCR识别文本，尚未校对" in tab.locator(".correction-status").inner_text()
    ocr = tab.locator("details.ocr-original")
    assert not ocr.locator("pre").is_visible()
    ocr.locator("summary").click()
    assert "## " in ocr.locator("pre").inner_text()
    ocr.locator("summary").click()
    screenshot(tab, "archive-article-desktop")
    screenshot(tab, "archive-article-phone", viewport=PHONE)
    # Nothing on a phone is wider than the screen.
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.set_viewport_size(DESKTOP)

    tab.locator(".article .byline a", has_text="阮向民").click()
    tab.wait_for_url(re.compile(r".*/people/\d+/$"))
    assert tab.locator("h1").inner_text() == "阮向民"
    assert tab.get_by_role("link", name=re.compile("奋力打造红色工会")).count() >= 1

    tab.get_by_role("navigation", name="网站导航").get_by_role("link", name="检索").click()
    tab.get_by_label("检索词").fill("工会")
    tab.get_by_role("search").get_by_role("button", name="检索").click()
    tab.wait_for_url(re.compile(r".*/search/\?q=.*"))
    assert re.match(r"找到\d+篇文章", tab.locator("#results-heading").inner_text())
    marks = tab.locator(".results mark")
    assert marks.count() > 0
    assert set(marks.all_inner_texts()) == {"工会"}
    screenshot(tab, "archive-search-desktop")

    assert tab.console_errors == []


def test_a_keyboard_user_can_skip_to_the_content_and_sees_where_focus_is(page, seeded):
    tab = page
    tab.goto(tab.base_url + "/issues/2021-03-19/")
    tab.keyboard.press("Tab")
    skip = tab.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # moved into view when focused
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert tab.console_errors == []


def test_a_reader_switches_the_interface_to_english_and_back(page, seeded):
    tab = page
    tab.goto(tab.base_url + "/issues/2021-03-19/")
    tab.get_by_label("语言").select_option("en")
    tab.get_by_role("button", name="切换").click()
    tab.wait_for_load_state()
    assert tab.url.endswith("/issues/2021-03-19/")
    assert tab.locator("html").get_attribute("lang") == "en"
    assert "Next issue" in tab.locator(".masthead").inner_text()
    # The paper's own words stay Chinese, and say so.
    assert tab.locator(".page-grid").first.get_attribute("lang") == "zh-Hans"
    tab.get_by_label("Language").select_option("zh-hans")
    tab.get_by_role("button", name="Switch").click()
    tab.wait_for_load_state()
    assert tab.locator("html").get_attribute("lang") == "zh-Hans"
    assert tab.console_errors == []


def test_a_whole_issue_reads_page_by_page_and_a_jump_leads_to_the_rest(page, tmp_path):
    from importers.load import import_paths
    from tests.load.test_joins import FILES

    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert import_paths([tmp_path]).ok
    tab = page
    tab.goto(tab.base_url + "/issues/2021-03-19/")
    nav = tab.locator(".page-nav li")
    assert [nav.nth(i).inner_text() for i in range(nav.count())] == ["第1版", "第2版 综合", "第3版 经济"]
    assert tab.locator("#page-2").inner_text() == "第2版 综合"
    screenshot(tab, "issue-pages")
    tab.get_by_role("link", name="转第3版").click()
    assert tab.evaluate("location.hash") == "#page-3"
    section = tab.locator("section.newspaper-page").nth(2)
    assert "上接第1版 杭州职工技能大赛开赛" in section.inner_text()
    section.get_by_role("link", name=re.compile("上接第1版")).click()
    tab.wait_for_url(re.compile(r"/articles/\d+/$"))
    assert "第1、3版" in tab.locator(".article-meta").inner_text()
    assert "本次大赛共有3000余名职工报名参赛。" in tab.locator("article.article").inner_text()
    tab.set_viewport_size(PHONE)
    tab.goto(tab.base_url + "/issues/2021-03-19/")
    # On a phone the navigator wraps inside the page: nothing runs off to the side.
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(tab, "issue-pages-phone")
    assert tab.console_errors == []
