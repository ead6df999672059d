"""Contributors', tags' and front pages follow only the changes that reach them
(newsroom/pagereach.py): a correction elsewhere leaves them cached at no query, one that
shows on them is seen by the next reader.

These tests commit for real (transactional_db): scopes move on after a commit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import feeds, queries
from newsroom import editorial, pagescopes
from newsroom.models import Article, Credit, Visibility
from newsroom.pagecache import CACHE_ALIAS
from newsroom.pagereach import Reach
from tests.factories import make_article, make_credit, make_issue, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def edit(article, headline):
    article.refresh_from_db()
    editorial.edit_article(article, changes={"headline": headline},
                           expected_version=article.version, user=make_user(role="editor"))


def cached_without_query(client, url) -> bool:
    response, count = get(client, url)
    return response.status_code == 200 and response["X-Page-Cache"] == "hit" and count == 0


@pytest.fixture
def desk():
    """Two reporters with one article each, in two issues; the first article tagged."""
    first = make_article(issue=make_issue(date=dt.date(2021, 3, 19)), headline="职工夜校开课",
                         tags=["职工教育"])
    second = make_article(issue=make_issue(date=dt.date(2021, 3, 20)), headline="劳模工作室揭牌")
    one, other = make_person("阮向民"), make_person("邹伟锋")
    make_credit(person=one, article=first)
    make_credit(person=other, article=second)
    return {"first": first, "second": second, "one": one, "other": other}


def test_a_contributors_page_and_feed_follow_only_their_own_work(client, desk):
    urls = [reverse("archive:person", kwargs={"pk": desk["one"].pk}),
            reverse("archive:person-feed", kwargs={"pk": desk["one"].pk})]
    for url in urls:
        assert get(client, url)[0]["X-Page-Cache"] == "miss"
        assert cached_without_query(client, url)
    edit(desk["second"], "劳模工作室挂牌")  # the other reporter's
    for url in urls:
        assert cached_without_query(client, url), url
    edit(desk["first"], "职工夜校今晚开课")  # theirs
    for url in urls:
        response, _count = get(client, url)
        assert response["X-Page-Cache"] == "miss"
        assert "职工夜校今晚开课" in response.content.decode()


def test_a_credit_taken_away_reaches_the_page_of_the_one_who_lost_it(client, desk):
    url = reverse("archive:person", kwargs={"pk": desk["other"].pk})
    assert get(client, url)[0].status_code == 200
    make_credit(person=desk["other"], article=desk["first"], role="photographer", order=2)
    assert "职工夜校开课" in get(client, url)[0].content.decode()
    # Moved to the first reporter: the article leaves this page (found by the loaded person).
    credit = Credit.objects.get(person=desk["other"], article=desk["first"])
    credit.person = desk["one"]
    credit.save()
    assert "职工夜校开课" not in get(client, url)[0].content.decode()


def test_a_renamed_contributor_reaches_their_page_and_no_one_elses(client, desk):
    mine = reverse("archive:person", kwargs={"pk": desk["one"].pk})
    theirs = reverse("archive:person", kwargs={"pk": desk["other"].pk})
    for url in (mine, theirs):
        get(client, url)
    person = desk["one"]
    person.name = "阮向明"
    person.save()
    assert "阮向明" in get(client, mine)[0].content.decode()
    assert cached_without_query(client, theirs)


def test_a_tags_page_and_feed_follow_only_the_articles_it_is_on(client, desk):
    tag = desk["first"].tags.get()
    urls = [reverse("archive:tag", kwargs={"slug": tag.slug}),
            reverse("archive:tag-feed", kwargs={"slug": tag.slug})]
    for url in urls:
        get(client, url)
    edit(desk["second"], "劳模工作室挂牌")
    for url in urls:
        assert cached_without_query(client, url), url
    edit(desk["first"], "职工夜校今晚开课")
    for url in urls:
        assert "职工夜校今晚开课" in get(client, url)[0].content.decode()
    # Put on another article: it appears; taken off the first: it leaves.
    desk["second"].tags.add(tag)
    assert "劳模工作室挂牌" in get(client, urls[0])[0].content.decode()
    Article.objects.get(pk=desk["first"].pk).tags.remove(tag)
    page = get(client, urls[0])[0].content.decode()
    assert "职工夜校今晚开课" not in page and "劳模工作室挂牌" in page


def test_a_renamed_tag_leaves_no_page_at_its_old_address(client, desk):
    tag = desk["first"].tags.get()
    old = reverse("archive:tag", kwargs={"slug": tag.slug})
    assert get(client, old)[0].status_code == 200
    tag.name, tag.slug = "职工夜校", "zhi-gong-ye-xiao"
    tag.save()
    assert get(client, old)[0].status_code == 404
    tag.delete()
    assert get(client, reverse("archive:tag", kwargs={"slug": "zhi-gong-ye-xiao"}))[0].status_code == 404


def test_the_home_page_follows_the_newest_issues_and_the_years(client):
    old = make_article(issue=make_issue(date=dt.date(1990, 5, 1)), headline="旧报纸的稿件")
    alone = make_article(issue=make_issue(date=dt.date(1991, 5, 1)), headline="一九九一年唯一的稿件")
    newest = [make_article(issue=make_issue(date=dt.date(2021, 1, 1) + dt.timedelta(days=day)),
                           headline=f"新稿件{day}")
              for day in range(pagescopes.LATEST_ISSUES)]
    urls = [reverse("archive:home"), reverse("archive:issues-feed")]
    for url in urls:
        get(client, url)
    edit(old, "旧报纸的稿件（更正）")  # not among the newest issues, no count changed
    for url in urls:
        assert cached_without_query(client, url), url
    edit(newest[-1], "今天的头条")
    for url in urls:
        assert "今天的头条" in get(client, url)[0].content.decode()
    # The only article of 1991 withdrawn: the year leaves the home page's years.
    assert "1991" in get(client, urls[0])[0].content.decode()
    editorial.set_visibility(Article.objects.filter(pk=alone.pk), Visibility.WITHDRAWN,
                             user=make_user(role="chief editor"))
    home = get(client, urls[0])[0].content.decode()
    assert reverse("archive:year", kwargs={"year": 1991}) not in home


def test_a_count_changed_by_a_path_without_signals_is_seen_by_the_counts(client, settings):
    """A bulk path (an import) says only which issues it touched: the years' counts, compared
    with those remembered, move the home page on."""
    from newsroom.changes import archive_changed

    make_article(issue=make_issue(date=dt.date(2021, 3, 19)))
    url = reverse("archive:home")
    get(client, url)
    issue = make_issue(date=dt.date(1985, 1, 2))
    # Written without signals, as the importer writes.
    Article.objects.bulk_create([Article(issue=issue, page=1, position=1, headline="一九八五年")])
    archive_changed(issues=[issue.pk])
    assert reverse("archive:year", kwargs={"year": 1985}) in get(client, url)[0].content.decode()


def test_latest_covers_what_the_home_page_and_the_feed_show():
    import inspect

    shown = inspect.signature(queries.latest_issues).parameters["limit"].default
    assert max(shown, feeds.FEED_SIZE) <= pagescopes.LATEST_ISSUES


def test_a_change_renders_again_the_pages_it_reached(client, desk, settings):
    settings.PAGE_CACHE_REFRESH = "inline"
    tag = desk["first"].tags.get()
    urls = [reverse("archive:person", kwargs={"pk": desk["one"].pk}),
            reverse("archive:tag", kwargs={"slug": tag.slug}), reverse("archive:home")]
    for url in urls:
        get(client, url)
    edit(desk["first"], "职工夜校今晚开课")
    for url in urls:
        response, count = get(client, url)
        assert response["X-Page-Cache"] == "hit" and count == 0, url
        assert "职工夜校今晚开课" in response.content.decode()


def test_reach_renders_few_contributors_and_tags_again_not_an_imports_hundreds():
    few = Reach(people={1, 2}, tag_slugs={"a"})
    assert reverse("archive:person", kwargs={"pk": 2}) in few.paths()
    assert reverse("archive:tag-feed", kwargs={"slug": "a"}) in few.paths()
    assert reverse("archive:home") not in few.paths()
    many = Reach(people=set(range(1, 500)), latest=True)
    assert many.paths() == [reverse("archive:home"), reverse("archive:issues-feed")]
    assert many.scopes() >= {pagescopes.person(499), pagescopes.LATEST}


def test_an_unreachable_cache_serves_the_page_uncached(client, desk, monkeypatch):
    url = reverse("archive:person", kwargs={"pk": desk["one"].pk})

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches[CACHE_ALIAS], "get_many", down)
    response = client.get(url)
    assert response.status_code == 200 and "阮向民" in response.content.decode()


def test_a_change_committed_while_a_page_renders_is_seen_by_the_next_reader(
    client, desk, monkeypatch
):
    """The page is rendered from the data before the change, and stored after it committed:
    it is stored under the versions read before, which the change moved on."""
    from archive import views

    render = views.render
    committed = []

    def render_then_commit(*args, **kwargs):
        response = render(*args, **kwargs)
        if not committed:
            committed.append(edit(desk["first"], "职工夜校改在周六"))
        return response

    monkeypatch.setattr(views, "render", render_then_commit)
    url = reverse("archive:person", kwargs={"pk": desk["one"].pk})
    first = client.get(url).content.decode()
    assert committed and "职工夜校改在周六" not in first
    assert "职工夜校改在周六" in client.get(url).content.decode()


def test_an_article_moved_to_another_issue_leaves_the_page_of_the_one_it_left(client, desk):
    first = desk["first"]
    url = first.issue.get_absolute_url()
    get(client, url)
    get(client, desk["second"].issue.get_absolute_url())
    moved = make_article(issue=first.issue, headline="排错版面的稿件")
    assert "排错版面的稿件" in get(client, url)[0].content.decode()
    moved.issue = desk["second"].issue
    moved.save()
    assert "排错版面的稿件" not in get(client, url)[0].content.decode()
    assert "排错版面的稿件" in get(client, desk["second"].issue.get_absolute_url())[0].content.decode()


def test_calendars_follow_their_month_and_which_issues_are_public(client, desk):
    april = make_article(issue=make_issue(date=dt.date(2021, 4, 2)), headline="四月的头条")
    urls = {"year": reverse("archive:year", kwargs={"year": 2021}),
            "march": reverse("archive:month", kwargs={"year": 2021, "month": 3}),
            "april": reverse("archive:month", kwargs={"year": 2021, "month": 4})}
    day = reverse("archive:issue", kwargs={"date": "2021-04-02"})
    assert day in get(client, urls["year"])[0].content.decode()
    assert urls["april"] in get(client, urls["march"])[0].content.decode()
    get(client, urls["april"])
    edit(desk["first"], "职工夜校今晚开课")  # a front page of March
    assert "职工夜校今晚开课" in get(client, urls["march"])[0].content.decode()
    assert cached_without_query(client, urls["april"])
    assert cached_without_query(client, urls["year"])
    # April's only article withdrawn: its day leaves the year's calendar, and March's next link.
    editorial.set_visibility(Article.objects.filter(pk=april.pk), Visibility.WITHDRAWN,
                             user=make_user(role="chief editor"))
    assert day not in get(client, urls["year"])[0].content.decode()
    assert urls["april"] not in get(client, urls["march"])[0].content.decode()


def test_a_correction_reaches_its_own_contributors_not_those_beside_it(client, desk):
    beside = make_article(issue=desk["first"].issue, headline="同版的另一篇")
    neighbour = make_person("金钩")
    make_credit(person=neighbour, article=beside)
    url = reverse("archive:person", kwargs={"pk": neighbour.pk})
    get(client, url)
    edit(desk["first"], "职工夜校今晚开课")
    assert cached_without_query(client, url)
    assert "职工夜校今晚开课" in get(client, desk["first"].issue.get_absolute_url())[0].content.decode()


def test_a_deleted_article_leaves_its_contributors_and_tags_pages(client, desk):
    gone = make_article(issue=desk["second"].issue, headline="将被删除的稿件", tags=["职工教育"])
    make_credit(person=desk["one"], article=gone)
    tag = desk["first"].tags.get()
    urls = [reverse("archive:person", kwargs={"pk": desk["one"].pk}),
            reverse("archive:tag", kwargs={"slug": tag.slug}), reverse("archive:home")]
    for url in urls:
        assert "将被删除的稿件" in get(client, url)[0].content.decode()
    Article.objects.get(pk=gone.pk).delete()
    for url in urls:
        assert "将被删除的稿件" not in get(client, url)[0].content.decode(), url


def test_a_change_whose_reach_cannot_be_told_moves_every_page_on(client, desk, monkeypatch):
    from newsroom import pagerefresh

    url = reverse("archive:person", kwargs={"pk": desk["one"].pk})
    get(client, url)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away after the commit")

    monkeypatch.setattr(pagerefresh, "reach_of", broken)
    edit(desk["first"], "职工夜校今晚开课")
    assert "职工夜校今晚开课" in get(client, url)[0].content.decode()
