"""The desk's layout in a real browser: the history compare page and the review queue on a phone."""

import pytest

from tests.browser import *  # noqa: F403
from tests.browser import PASSWORD, PHONE, log_in, screenshot
from tests.factories import make_article, make_flag, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]





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


def test_the_review_queue_scrolls_sideways_inside_its_box_on_a_phone(page, issue):
    article = make_article(issue=issue, headline="全省工会数字化改革推进会召开")
    for n in range(3):
        make_flag(issue, article=article, line_start=10 + n, line_end=11 + n,
                  message="joined a paragraph cut mid-sentence", original="会议认真学习\n习近平总书记" * 4,
                  before="会议认真学习\n\n习近平总书记", after="会议认真学习习近平总书记")
    make_user("ed", role="editor", password=PASSWORD)
    page.set_viewport_size(PHONE)
    log_in(page, "ed", "/admin/newsroom/reviewflag/")
    box = page.locator("#changelist .results")
    table = page.locator("#result_list")
    assert table.evaluate("e => e.scrollWidth") > PHONE["width"]  # wider than the phone
    # The box scrolls, the page does not: every column can be reached by scrolling the box.
    assert box.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")
    assert box.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"] + 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert box.evaluate("e => e.scrollLeft") > 0
    last = page.locator("#result_list thead th").last
    right = last.evaluate("e => e.getBoundingClientRect().right")
    assert right <= PHONE["width"] + 1
    screenshot(page, "admin-review-queue-phone")
    assert page.console_errors == []


def test_merging_suggested_duplicates_asks_first_and_the_byline_stays_as_printed(page, issue):
    from newsroom.models import Person
    from tests.factories import make_credit, make_person

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    make_credit(person=keep, article=make_article(issue=issue, headline="职工书屋建设"))
    article = make_article(issue=issue, headline="劳模工作室带出好队伍")
    make_credit(person=remove, article=article)
    make_user("chief", role="chief editor", password=PASSWORD)
    log_in(page, "chief", "/admin/newsroom/person/duplicates/")
    page.get_by_role("button", name="保留“张浩星”").click()
    page.wait_for_selector(".nr-merge-confirmation")
    text = page.locator("#content-main").inner_text()
    assert "将把“张浩呈”并入“张浩星”" in text and "劳模工作室带出好队伍" in text
    assert Person.objects.filter(pk=remove.pk).exists()  # nothing merged by the first click
    screenshot(page, "admin-merge-confirmation")
    page.get_by_role("button", name="确认合并").click()
    page.wait_for_url(lambda url: url.endswith("/admin/newsroom/person/duplicates/"))
    assert "已将 张浩呈 并入 张浩星。" in page.locator(".messagelist").inner_text()
    assert not Person.objects.filter(pk=remove.pk).exists()
    page.goto(f"{page.base_url}{article.get_absolute_url()}")
    byline = page.locator(".credit a")
    assert byline.inner_text() == "张浩呈"
    assert byline.get_attribute("href") == f"/people/{keep.pk}/"
    assert page.console_errors == []
