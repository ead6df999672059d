"""The editorial desk in a real browser: correct, see the diff and history, resolve a flag, lose no work."""

import pytest

from newsroom.models import Article, ReviewFlag
from tests.browser import *  # noqa: F403
from tests.browser import PASSWORD, log_in, screenshot
from tests.factories import make_article, make_credit, make_flag, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


OCR = (
    "## 全省工会数字化改革推进会召开\n\n"
    "本报讯 记者 阮向民 全省工会数字化改革推进会昨日下午以视频形式召开，会议认真学习\n"
    "习近平总书记关于数字化改革的重要论述精神。\n\n"
    "### 加快推进\n\n"
    "会议强调，要加快推进工会数字化改革落地见效。"
)
BODY = (
    "全省工会数字化改革推进会昨日下午以视频形式召开，会议认真学习习近平总书记关于数字化改革的"
    "重要论述精神。\n\n### 加快推进\n\n会议强调，要加快推进工会数子化改革落地见效。"
)


@pytest.fixture
def desk(issue):
    """Return an article with an OCR slip, a repair flag and a doubt, and two editors."""
    article = make_article(
        issue=issue, headline="全省工会数字化改革推进会召开", body=BODY, original_text=OCR,
        line_start=12, line_end=18, tags=["数字化改革"],
    )
    make_credit(person=make_person("阮向民"), article=article)
    repair = make_flag(
        issue, article=article, line_start=13, line_end=14,
        message="joined a paragraph cut mid-sentence by a column break at line 13",
        original="会议认真学习\n习近平总书记关于数字化改革的重要论述精神。",
        before="会议认真学习\n\n习近平总书记", after="会议认真学习习近平总书记",
    )
    doubt = make_flag(issue, code="masthead_mismatch", line_start=3,
                      message="masthead prints CN33-001E where the paper's CN number is CN33-0018",
                      original="国内统一刊号:CN33-001E")
    make_user("ed", role="editor", password=PASSWORD)
    make_user("ed2", role="editor", password=PASSWORD)
    return {"article": article, "repair": repair, "doubt": doubt}




def change_path(article):
    return f"/admin/newsroom/article/{article.pk}/change/"


def test_an_editor_corrects_an_article_and_sees_the_diff_and_history(page, desk):
    article = desk["article"]
    log_in(page, "ed", change_path(article))
    # The OCR text sits beside the body being corrected.
    assert "本报讯 记者 阮向民" in page.locator("pre.nr-ocr").first.inner_text()
    page.fill("#id_body", BODY.replace("数子化", "数字化"))
    page.click("input[name=_continue]")
    page.wait_for_url(f"**{change_path(article)}")
    assert "成功" in page.locator("ul.messagelist").inner_text()
    saved = Article.objects.get(pk=article.pk)
    assert "数字化改革落地见效" in saved.body
    assert (saved.version, saved.correction_status) == (2, "in_review")

    # The character diff against the OCR marks what differs.
    diff = page.locator(".field-body_diff .nr-diff")
    assert diff.locator("del").count() > 0
    assert "加快推进" in diff.inner_text()
    page.locator("fieldset.nr-proof").scroll_into_view_if_needed()
    screenshot(page, "admin-article-editor")

    # History: compare the imported version with the correction.
    page.click("a.historylink")
    page.wait_for_url("**/history/")
    assert page.locator("#change-history tbody tr").count() == 2
    page.click("#history-compare-form input[type=submit]")
    page.wait_for_url("**/history/compare/**")
    compare = page.locator(".nr-compare").inner_text()
    assert "正文" in compare
    assert page.locator(".nr-compare ins", has_text="字").count() >= 1
    assert page.locator(".nr-compare del", has_text="子").count() >= 1
    assert page.console_errors == []


def test_an_editor_works_through_the_review_queue(page, desk):
    log_in(page, "ed", "/admin/newsroom/reviewflag/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "会议认真学习" in page.locator("#result_list").inner_text()
    screenshot(page, "admin-review-queue")

    # Accept the masthead doubt from its row.
    doubt = desk["doubt"]
    page.click(f"button[formaction='/admin/newsroom/reviewflag/{doubt.pk}/accept/']")
    page.wait_for_load_state()
    assert "已接受" in page.locator("ul.messagelist").inner_text()
    flag = ReviewFlag.objects.get(pk=doubt.pk)
    assert (flag.status, flag.resolved_by.username) == ("accepted", "ed")

    # Undo the repair: the column break comes back into the body.
    repair = desk["repair"]
    page.click(f"button[formaction='/admin/newsroom/reviewflag/{repair.pk}/undo/']")
    page.wait_for_load_state()
    assert "已撤销修复" in page.locator("ul.messagelist").inner_text()
    assert "会议认真学习\n\n习近平总书记" in Article.objects.get(pk=desk["article"].pk).body
    assert ReviewFlag.objects.get(pk=repair.pk).status == "undone"
    assert page.console_errors == []


def test_a_second_editors_stale_save_is_refused_and_shows_the_other_change(page, chromium, live_server, desk):
    article = desk["article"]
    log_in(page, "ed", change_path(article))

    # A second editor, in another browser session, opens and saves the same article first.
    other_context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    other = other_context.new_page()
    other.base_url = live_server.url
    log_in(other, "ed2", change_path(article))
    other.fill("#id_headline", "全省工会数字化改革推进会在杭召开")
    other.click("input[name=_continue]")
    other.wait_for_url(f"**{change_path(article)}")
    other_context.close()

    page.fill("#id_headline", "全省工会数字化改革推进会昨日召开")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert "保存失败：在您编辑期间，ed2 已保存了这篇文章（第 2 版）" in page.locator(".errornote + ul, .errorlist").first.inner_text()
    conflict = page.locator("#stale-conflict")
    assert "主标题" in conflict.inner_text()
    assert conflict.locator("del", has_text="在杭").count() == 1
    assert conflict.locator("ins", has_text="昨日").count() == 1
    # Nothing was overwritten, and the editor's own text is still in the form.
    assert Article.objects.get(pk=article.pk).headline == "全省工会数字化改革推进会在杭召开"
    assert page.input_value("#id_headline") == "全省工会数字化改革推进会昨日召开"
    assert page.console_errors == []
