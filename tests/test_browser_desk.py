"""The desk's layout in a real browser: the history compare page and the review queue on a phone."""

import pytest

from tests.browser import *  # noqa: F403
from tests.browser import PHONE, screenshot
from tests.factories import make_article, make_flag, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zhejiang-Workers-2021"


def log_in(tab, username, next_path):
    tab.goto(f"{tab.base_url}/admin/login/?next={next_path}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_url(lambda url: next_path in url)


def test_the_compare_page_keeps_each_field_label_on_one_line(page, issue):
    from newsroom.editorial import edit_article

    editor = make_user("ed", role="editor", password=PASSWORD)
    article = make_article(issue=issue, body="杭州市总工会开会。" * 40)
    edit_article(article, changes={"body": "杭州市总工会召开会议。" * 40}, expected_version=1, user=editor)
    old, new = article.history.order_by("history_date").values_list("history_id", flat=True)
    log_in(page, "ed", "/admin/")
    page.goto(f"{page.base_url}/admin/newsroom/article/{article.pk}/history/compare/?old={old}&new={new}")
    labels = page.locator(".nr-compare tbody th .nr-label")
    assert labels.count() > 5
    for index in range(labels.count()):
        label = labels.nth(index)
        # One line: a label wrapped one character per line is several line heights tall.
        height = label.evaluate("e => e.getBoundingClientRect().height")
        line = label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20")
        assert height < line * 1.5, label.inner_text()
    screenshot(page, "admin-history-compare")
    assert page.console_errors == []
