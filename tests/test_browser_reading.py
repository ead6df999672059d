"""What a reader sees in a real browser: photo news once, Chinese set as Chinese, the phone header."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import PHONE
from tests.test_browser_archive import seeded  # noqa: F401  (the seed pages, imported)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_photo_news_item_reads_once_with_chinese_punctuation_and_unstretched_lines(page, seeded):  # noqa: F811
    from newsroom.models import Article

    photo_news = Article.objects.get(headline="村头来了 党史宣讲小分队")
    page.goto(page.base_url + photo_news.get_absolute_url())
    main = page.locator("main").inner_text()
    assert main.count("正在以三句半的形式") == 1
    assert main.count("郑莎") == 1
    assert "近日，在温岭市滨海镇" in main
    # The caption's two paragraphs are two paragraphs.
    assert page.locator("figure.photo-news figcaption p").count() == 2
    # No line of Chinese text is justified (which spaces out every character).
    aligns = page.eval_on_selector_all(
        ".article-body p, .story .lead", "els => els.map(e => getComputedStyle(e).textAlign)"
    )
    assert "justify" not in aligns
    assert page.console_errors == []


def test_the_english_header_takes_two_rows_on_a_phone(page, seeded):  # noqa: F811
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    middles = sorted(page.eval_on_selector_all(
        ".site-header-inner > *",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; })",
    ))
    # Items whose middles are within 20px of each other sit on one row.
    rows = 1 + sum(1 for upper, lower in pairwise(middles) if lower - upper > 20)
    assert rows <= 2, middles
    assert page.locator(".language-form select").is_visible()
