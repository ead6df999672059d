"""报错 in a real browser: the reader selects words in the text, the form opens with them, the
suggestion lands in the review queue; and the citations box. Screenshot for the README."""

from __future__ import annotations

import pytest

from newsroom.models import Article, ReviewFlag
from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import DESKTOP, PHONE, screenshot_folder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_a_reader_selects_words_and_suggests_what_the_paper_printed(page, seeded):
    article = Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")
    page.goto(f"{page.base_url}{article.get_absolute_url()}")
    # Select the first eight characters of the first paragraph, as a reader drags over them.
    selected = page.evaluate("""() => {
        const p = document.querySelector('.article-body p');
        const node = [...p.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim().length > 8);
        const start = node.textContent.search(/\\S/);
        const range = document.createRange();
        range.setStart(node, start); range.setEnd(node, start + 8);
        const selection = document.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        return selection.toString();
    }""")
    page.wait_for_function("document.getElementById('suggest').open")
    assert page.input_value("#suggest-passage") == selected.strip()
    page.fill("#suggest-suggestion", "报纸原文")
    # What the reader sees on a phone: the form, filled, in view (not the whole long page).
    page.set_viewport_size(PHONE)
    page.locator("#suggest").scroll_into_view_if_needed()
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "archive-suggest.png"))
    page.set_viewport_size(DESKTOP)
    with page.expect_response(lambda r: "/suggest/" in r.url) as answer:
        page.locator(".suggest-form button[type=submit]").click()
    assert answer.value.status == 200, (answer.value.status, answer.value.text()[:3000])
    page.wait_for_selector(".form-done, .form-error")
    assert page.locator(".form-done").count() == 1, page.inner_text("main")
    flag = ReviewFlag.objects.get(code="reader_suggestion")
    # Stored as the text is stored (the page shows its half-width marks full-width).
    assert (flag.before.replace(",", "，"), flag.after) == (selected.strip(), "报纸原文")
    assert flag.before in article.body
    assert page.console_errors == []
