"""The desk's view of an issue's pages, and joining and splitting continued articles by hand."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from newsroom.models import Article, Page, PageStaff
from tests.admin.test_changelists import LOGIN
from tests.factories import make_article, make_issue, make_person

pytestmark = pytest.mark.django_db


def _pages(issue, n: int) -> list[Page]:
    pages = []
    for number in range(1, n + 1):
        page = Page.objects.create(issue=issue, number=number, name=f"版名{number}")
        PageStaff.objects.create(page=page, person=make_person(), role="editor", label="本版编辑")
        PageStaff.objects.create(page=page, person=make_person(), role="layout", label="版式")
        make_article(issue, page=number)
        pages.append(page)
    return pages


def test_the_page_list_shows_name_staff_file_and_links_to_the_pages_articles(client, issue, editor_user):
    (page,) = _pages(issue, 1)
    names = [s.person.name for s in page.staff.order_by("order", "pk")]
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsroom_page_changelist")).content.decode()
    assert "版名1" in html and f"本版编辑 {names[0]}、版式 {names[1]}" in html
    assert "issue__date__day=19&amp;page=1" in html and "本版文章（1）" in html
    # The link lists the page's articles (a filter the list accepts, not its ?e=1 error).
    link = re.search(r'href="([^"]*page=1)"', html).group(1).replace("&amp;", "&")
    headline = Article.objects.get(issue=issue, page=1).headline
    other_page = make_article(issue, page=2, headline="别的版面的文章").headline
    listed = client.get(link)
    assert listed.status_code == 200  # an unknown filter would redirect to ?e=1
    assert headline in listed.content.decode() and other_page not in listed.content.decode()
    # Nobody edits a page: no add button, no save on its page.
    assert reverse("admin:newsroom_page_add") not in html
    change = client.get(reverse("admin:newsroom_page_change", args=[page.pk])).content.decode()
    assert 'name="_save"' not in change and names[0] in change


@pytest.mark.parametrize("rows", [2, 10])
def test_the_page_list_runs_a_fixed_number_of_queries(client, issue, editor_user, django_assert_num_queries, rows):
    _pages(issue, rows)
    client.force_login(editor_user)
    # + the paper filter's choices, count filtered, count all, pages with issue/paper/source
    #   joined and article counts in a subquery, their staff with people, the date hierarchy's
    #   range and dates
    with django_assert_num_queries(LOGIN + 7):
        assert client.get(reverse("admin:newsroom_page_changelist")).status_code == 200


def test_the_issue_page_lists_its_pages(client, issue, editor_user):
    _pages(issue, 2)
    client.force_login(editor_user)
    html = client.get(reverse("admin:newsroom_issue_change", args=[issue.pk])).content.decode()
    assert "本期版面" in html and "版名1" in html and "版名2" in html and "本编辑" not in html


def _changelist_action(client, action: str, articles):
    return client.post(reverse("admin:newsroom_article_changelist"),
                       {"action": action, "_selected_action": [a.pk for a in articles]}, follow=True)


def test_an_editor_joins_two_articles_and_splits_them_again(client, editor_user):
    issue = make_issue()
    lead = make_article(issue, page=1, headline="职工书屋建设", body="第一段，没有写完的")
    part = make_article(issue, page=3, headline="(上接第1版)", body="后半句。", is_continuation=True)
    client.force_login(editor_user)

    page = _changelist_action(client, "join_parts", [part, lead]).content.decode()

    assert "已把第3版的“(上接第1版)”并入“职工书屋建设”。" in page
    lead.refresh_from_db()
    assert lead.pages == [1, 3] and lead.jump_to == 3
    part.refresh_from_db()
    assert part.continues_id == lead.pk and part.history.latest().history_user == editor_user
    change = client.get(reverse("admin:newsroom_article_change", args=[lead.pk])).content.decode()
    assert "第3版 (上接第1版)" in change

    page = _changelist_action(client, "split_parts", [part]).content.decode()
    assert "已拆分 1 个接续部分。" in page
    assert Article.objects.get(pk=lead.pk).pages == [1]


def test_joining_refuses_a_bad_selection_with_a_message(client, editor_user):
    first, second = make_issue(), make_issue(date="2021-03-20")
    a, b = make_article(first), make_article(second, page=2)
    client.force_login(editor_user)
    assert "只能合并同一期报纸上的文章。" in _changelist_action(client, "join_parts", [a, b]).content.decode()
    assert "请恰好选择同一期的两篇文章" in _changelist_action(client, "join_parts", [a]).content.decode()
    assert not Article.objects.filter(continues__isnull=False).exists()
