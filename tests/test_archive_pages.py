"""The public archive's pages: what a reader sees, what stays hidden, and what each page costs."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from newsroom.models import Article, CorrectionStatus, Visibility
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_issue,
    make_person,
    make_photo,
    make_publication,
)

pytestmark = pytest.mark.django_db

MARCH_19 = dt.date(2021, 3, 19)


def front_page(n: int, *, date: dt.date = MARCH_19, reporter=None, photographer=None, tag="工会"):
    """Make an issue with n public articles, each credited, tagged and with a credited photo,
    plus a loose photo and an advertisement; return the issue and its articles."""
    issue = make_issue(date=date, number=11771 + (date - MARCH_19).days)
    reporter = reporter or make_person()
    photographer = photographer or make_person()
    articles = []
    for i in range(n):
        article = make_article(
            issue, kicker=f"引题{i}", subheadline=f"副题{i}", tags=[tag, f"标签{i}"],
            body=f"第{i}篇的导语，工会组织。\n\n### 小标题{i}\n\n第二段。",
            original_text=f"## 第{i}篇 OCR 原文",
        )
        make_credit(person=reporter, article=article, role="reporter")
        photo = make_photo(issue, article=article, caption=f"第{i}张图片说明。")
        make_credit(person=photographer, photo=photo, role="photographer")
        articles.append(article)
    loose = make_photo(issue, caption="独立图片。")
    make_credit(person=photographer, photo=loose, role="photographer")
    make_advertisement(issue)
    return issue, articles


def html(response) -> str:
    return response.content.decode()


# --- Home and calendars -------------------------------------------------------------------


def test_the_home_page_lists_the_latest_issues_with_their_front_headlines_and_years(client):
    front_page(2)
    front_page(1, date=dt.date(2022, 6, 17))
    page = html(client.get("/"))
    assert page.index("2022年6月17日") < page.index("2021年3月19日")
    assert 'href="/issues/2021-03-19/"' in page
    assert 'href="/issues/2021/"' in page and 'href="/issues/2022/"' in page
    assert 'name="q"' in page and 'action="/search/"' in page


def test_the_year_calendar_links_the_days_that_have_an_issue(client):
    front_page(1)
    front_page(1, date=dt.date(2021, 11, 2))
    response = client.get("/issues/2021/")
    page = html(response)
    assert response.status_code == 200
    assert page.count('<table class="calendar">') == 12
    assert re.findall(r'href="/issues/(2021-\d\d-\d\d)/"', page) == ["2021-03-19", "2021-11-02"]
    assert 'href="/issues/2021/03/"' in page and 'href="/issues/2021/04/"' not in page


def test_the_month_view_lists_its_issues_and_links_the_neighbouring_months(client):
    front_page(1, date=dt.date(2021, 2, 26))
    _, articles = front_page(2)
    front_page(1, date=dt.date(2021, 5, 4))
    page = html(client.get("/issues/2021/03/"))
    assert articles[0].headline in page
    assert 'href="/issues/2021/02/"' in page and 'href="/issues/2021/05/"' in page


@pytest.mark.parametrize("url", ["/issues/2019/", "/issues/2021/04/", "/issues/2021/13/",
                                 "/issues/0000/", "/issues/2021-02-30/", "/issues/2021-03-20/"])
def test_a_calendar_or_day_without_issues_is_a_friendly_404(client, url):
    front_page(1)
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in html(response)
    assert 'href="/search/"' in html(response)


# --- Issue page ---------------------------------------------------------------------------


def test_the_issue_page_shows_the_masthead_facts_and_the_front_page(client):
    issue, articles = front_page(2)
    make_issue(date=dt.date(2021, 3, 18), number=11770)  # no articles: not a neighbour
    front_page(1, date=dt.date(2021, 3, 17))
    front_page(1, date=dt.date(2021, 3, 22))
    page = html(client.get(issue.get_absolute_url()))
    for fact in ("浙江工人日报", "2021年3月19日", "星期五", "辛丑年二月初七", "总第11771号",
                 "CN33-0018", "倾情关注劳动群体"):
        assert fact in page
    for article in articles:
        assert article.headline in page and article.kicker in page and article.subheadline in page
    assert "第0篇的导语，工会组织。" in page
    assert "第0张图片说明。" in page and "独立图片。" in page and " 摄" in page
    assert "中国工商银行" in page
    assert 'href="/issues/2021-03-17/"' in page and 'href="/issues/2021-03-22/"' in page
    assert 'href="/issues/2021-03-18/"' not in page


def test_an_issue_whose_articles_are_all_withdrawn_is_404_and_listed_nowhere(client):
    issue, articles = front_page(1, date=dt.date(2021, 3, 18))
    Article.objects.filter(pk=articles[0].pk).update(visibility=Visibility.WITHDRAWN)
    front_page(1)
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert "2021-03-18" not in html(client.get("/"))
    assert "2021-03-18" not in html(client.get("/issues/2021/"))
    assert "2021-03-18" not in html(client.get("/issues/2021/03/"))
    assert "2021-03-18" not in html(client.get("/issues/2021-03-19/"))


# --- Article page -------------------------------------------------------------------------


def test_the_article_page_shows_headline_block_byline_body_photos_tags_and_issue(client):
    _issue, articles = front_page(3)
    article = articles[1]
    reporter = article.credits.get().person
    page = html(client.get(article.get_absolute_url()))
    assert '<p class="kicker">引题1</p>' in page
    assert '<h1 class="headline">' + article.headline + "</h1>" in page
    assert '<p class="subheadline">副题1</p>' in page
    assert f'href="/people/{reporter.pk}/">{reporter.name}</a>' in page
    assert '<span class="dateline">本报讯</span> 第1篇的导语，工会组织。' in page
    assert '<h2 class="crosshead">小标题1</h2>' in page
    assert "第1张图片说明。" in page
    assert 'href="/tags/%E5%B7%A5%E4%BC%9A/"' in page or 'href="/tags/工会/"' in page
    assert 'href="/issues/2021-03-19/"' in page and "第1版" in page
    assert f'href="{articles[0].get_absolute_url()}"' in page
    assert f'href="{articles[2].get_absolute_url()}"' in page


@pytest.mark.parametrize(
    ("status", "notice"),
    [
        (CorrectionStatus.UNREVIEWED, "此文为OCR识别文本，尚未校对"),
        (CorrectionStatus.IN_REVIEW, "此文正在校对中"),
        (CorrectionStatus.REVIEWED, "此文已经编辑校对"),
    ],
)
def test_the_article_page_tells_the_reader_its_correction_status(client, status, notice):
    article = make_article(correction_status=status)
    page = html(client.get(article.get_absolute_url()))
    assert notice in page
    others = {"此文为OCR识别文本，尚未校对", "此文正在校对中", "此文已经编辑校对"} - {notice}
    assert not any(other in page for other in others)


def test_the_article_page_offers_the_original_ocr_text_in_a_toggle(client):
    article = make_article(original_text="## 原文 标题\n\n本报讯 记者某某报道 原文")
    page = html(client.get(article.get_absolute_url()))
    details = page[page.index("<details") : page.index("</details>")]
    assert "查看OCR原文" in details
    assert "## 原文 标题\n\n本报讯 记者某某报道 原文" in details


def test_a_truncated_article_says_it_continues_on_a_page_the_archive_lacks(client):
    article = make_article(truncated=True)
    assert "此文在其他版面续完" in html(client.get(article.get_absolute_url()))


def test_the_article_page_describes_itself_as_a_news_article_in_json_ld_and_opengraph(
    client, settings
):
    settings.SITE_URL = "https://archive.example.org"
    _, articles = front_page(1)
    article = articles[0]
    page = html(client.get(article.get_absolute_url()))
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["datePublished"] == "2021-03-19"
    assert data["url"] == f"https://archive.example.org/articles/{article.pk}/"
    assert data["author"][0]["name"] == article.credits.get().person.name
    assert f'<meta property="og:url" content="https://archive.example.org/articles/{article.pk}/">' in page
    assert f'<link rel="canonical" href="https://archive.example.org/articles/{article.pk}/">' in page
    assert '<meta property="og:type" content="article">' in page


def test_a_withdrawn_article_answers_410_gone_without_its_text(client):
    article = make_article(headline="撤回的标题", visibility=Visibility.WITHDRAWN)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "文章已撤回" in html(response)
    assert "撤回的标题" not in html(response)


def test_an_unknown_article_is_a_friendly_404(client):
    response = client.get("/articles/999999/")
    assert response.status_code == 404
    assert "页面不存在" in html(response)


def test_prev_and_next_skip_withdrawn_articles_on_the_page(client):
    _, articles = front_page(3)
    Article.objects.filter(pk=articles[1].pk).update(visibility=Visibility.WITHDRAWN)
    page = html(client.get(articles[0].get_absolute_url()))
    assert f'href="{articles[2].get_absolute_url()}"' in page
    assert articles[1].headline not in page


def test_a_withdrawn_article_and_its_photos_appear_on_no_page(client):
    reporter, photographer = make_person("阮向民"), make_person("邹伟锋")
    issue, articles = front_page(2, reporter=reporter, photographer=photographer, tag="工会")
    gone = articles[1]
    Article.objects.filter(pk=gone.pk).update(visibility=Visibility.WITHDRAWN)
    pages = [
        "/", "/issues/2021/03/", issue.get_absolute_url(), articles[0].get_absolute_url(),
        reporter.get_absolute_url(), photographer.get_absolute_url(), "/tags/工会/",
    ]
    for url in pages:
        page = html(client.get(url))
        assert gone.headline not in page, url
        assert "第1张图片说明" not in page, url
        assert gone.get_absolute_url() not in page, url


# --- Contributor and tag pages ------------------------------------------------------------


def test_the_contributor_page_groups_their_articles_and_photos_by_role(client):
    reporter, photographer = make_person("阮向民"), make_person("邹伟锋")
    reporter.aliases.create(name="阮向明")
    _, articles = front_page(2, reporter=reporter, photographer=photographer)
    make_credit(person=photographer, article=articles[0], role="correspondent")
    page = html(client.get(reporter.get_absolute_url()))
    assert "<h1" in page and "阮向民" in page and "阮向明" in page
    assert all(a.headline in page for a in articles)
    photo_page = html(client.get(photographer.get_absolute_url()))
    assert photo_page.index("通讯员") < photo_page.index("摄影")
    assert "第0张图片说明。" in photo_page and "独立图片。" in photo_page
    assert f'href="/people/{photographer.pk}/feed/"' in photo_page


def test_the_contributor_page_is_paginated_newest_first_with_per_role_counts(client):
    reporter = make_person("阮向民")
    _, old = front_page(1, reporter=reporter, photographer=reporter)
    _, new = front_page(20, date=dt.date(2022, 6, 17), reporter=reporter, photographer=reporter)
    # 21 articles as reporter, 21 article photos + 2 loose photos as photographer
    url = reporter.get_absolute_url()
    first = html(client.get(url))
    assert "档案中共有44篇署名作品" in first
    assert "记者</a> <span class=\"count\">（21）" in first
    assert "摄影</a> <span class=\"count\">（23）" in first
    assert first.count('class="result"') == 20
    assert "第1页，共3页" in first and 'href="?page=2"' in first
    assert "2021年3月19日" not in first
    assert first.index(new[0].headline) < first.index(new[1].headline)
    last = html(client.get(url + "?page=3"))
    assert last.count('class="result"') == 4
    assert "2021年3月19日" in last and old[0].headline in last
    # Each item says in which role the person is credited on it.
    assert re.search(r'<span class="role">摄影</span>', first)


def test_the_contributor_page_filters_by_role_and_keeps_the_role_in_page_links(client):
    reporter = make_person("阮向民")
    front_page(21, reporter=reporter, photographer=make_person("邹伟锋"))
    other = make_article(make_issue(date=dt.date(2020, 1, 2)))
    make_credit(person=reporter, article=other, role="correspondent")
    page = html(client.get(reporter.get_absolute_url() + "?role=correspondent"))
    assert page.count('class="result"') == 1 and other.headline in page
    assert '<span aria-current="true">通讯员</span>' in page
    reporters = html(client.get(reporter.get_absolute_url() + "?role=reporter"))
    assert reporters.count('class="result"') == 20
    assert 'href="?role=reporter&amp;page=2"' in reporters
    assert other.headline not in reporters


@pytest.mark.parametrize(
    ("query", "status", "number"),
    [("page=0", 200, 2), ("page=-1", 200, 2), ("page=999999999999999999999", 200, 2),
     ("page=x", 200, 1), ("page=", 200, 1), ("page=2", 200, 2), ("role=nothing", 404, None),
     ("role=intern", 404, None)],
)
def test_bad_page_numbers_or_roles_on_the_contributor_page_never_crash(client, query, status, number):
    reporter = make_person()
    front_page(21, reporter=reporter, photographer=make_person())
    response = client.get(reporter.get_absolute_url() + "?" + query)
    assert response.status_code == status
    if number:
        assert f"第{number}页，共2页" in html(response)


def test_a_contributor_with_no_public_work_is_404(client):
    person = make_person()
    article = make_article(visibility=Visibility.WITHDRAWN)
    make_credit(person=person, article=article)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_the_tag_page_lists_public_articles_newest_first_and_paginates(client):
    front_page(1, tag="劳模")
    _, later = front_page(21, date=dt.date(2022, 6, 17), tag="劳模")
    first = html(client.get("/tags/劳模/"))
    assert "共22篇文章" in first
    assert first.index(later[0].headline) < first.index(later[1].headline)
    assert "2021年3月19日" not in first
    assert 'href="?page=2"' in first
    second = html(client.get("/tags/劳模/?page=2"))
    assert "2021年3月19日" in second


@pytest.mark.parametrize(
    ("query", "number"),
    [("page=0", 2), ("page=-1", 2), ("page=999999999999999999999", 2), ("page=x", 1), ("page=", 1),
     ("page=1.5", 1)],
)
def test_bad_page_numbers_on_the_tag_page_show_the_first_or_last_page(client, query, number):
    front_page(21, tag="劳模")
    response = client.get("/tags/劳模/?" + query)
    assert response.status_code == 200
    assert f"第{number}页，共2页" in html(response)


def test_an_unknown_tag_or_one_on_withdrawn_articles_only_is_404(client):
    make_article(tags=["撤回"], visibility=Visibility.WITHDRAWN)
    assert client.get("/tags/撤回/").status_code == 404
    assert client.get("/tags/nothing/").status_code == 404


# --- Escaping of OCR text ------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
CLOSE = "</script><script>alert(3)</script>"
SHORT = "<b>五</b>"  # for the fields of 10 to 30 characters


def hostile_paper():
    """Make an issue where every OCR'd field carries an HTML payload."""
    bad = SCRIPT + IMG + CLOSE
    publication = make_publication(name="浙江工人日报" + bad, slogan=bad, cn_number=SHORT,
                                   postal_code=SHORT)
    issue = make_issue(publication, lunar_date=SCRIPT, weekday=SHORT)
    article = make_article(issue, kicker=bad, headline="工会" + bad, subheadline=bad,
                           dateline=bad, body=f"工会{bad}\n\n### {bad}\n\n{bad}",
                           original_text=bad, tags=["tag" + IMG])
    person = make_person("记者" + bad)
    person.aliases.create(name="别名" + bad)
    make_credit(person=person, article=article)
    photo = make_photo(issue, article=article, caption=bad)
    make_credit(person=person, photo=photo, role="photographer")
    loose = make_photo(issue, caption=bad)
    make_credit(person=person, photo=loose, role="photographer")
    make_advertisement(issue, advertiser=bad, text=bad)
    return issue, article, person


def assert_escaped(page: str, where: str) -> None:
    assert "<script>alert" not in page, where
    assert "<img src=x" not in page, where
    assert "</script><script>" not in page, where
    assert "<b>五" not in page, where


def test_every_ocr_field_is_escaped_on_every_page(client):
    issue, article, person = hostile_paper()
    tag_slug = article.tags.get().slug
    urls = ["/", "/issues/2021/", "/issues/2021/03/", issue.get_absolute_url(),
            article.get_absolute_url(), person.get_absolute_url(), f"/tags/{tag_slug}/",
            "/feeds/issues/", f"/tags/{tag_slug}/feed/", f"/people/{person.pk}/feed/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(html(response), url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(client.get(article.get_absolute_url()))


def test_json_ld_cannot_be_closed_by_a_headline(client):
    _, article, _ = hostile_paper()
    page = html(client.get(article.get_absolute_url()))
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(raw)["headline"].startswith("工会" + SCRIPT)


# --- Language -----------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_declare_it(client):
    page = html(client.get("/"))
    assert '<html lang="zh-Hans">' in page
    assert '<a class="skip-link" href="#main">' in page


def test_the_language_switch_is_a_get_form_and_english_follows(client):
    page = html(client.get("/"))
    # A GET form with no CSRF token: the same page can be served to every reader.
    assert 'action="/language/"' in page and 'method="get"' in page
    assert "csrfmiddlewaretoken" not in page
    assert '<label for="language-select">' in page
    response = client.get("/language/", {"language": "en", "next": "/issues/2021/"})
    assert response.status_code == 302 and response["Location"] == "/issues/2021/"
    english = html(client.get("/"))
    assert '<html lang="en">' in english
    assert "Latest issues" in english


def test_the_language_switch_goes_home_instead_of_to_another_site(client):
    response = client.get("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_language_switch_ignores_a_language_the_archive_does_not_speak(client):
    response = client.get("/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies


# --- HTTP caching -------------------------------------------------------------------------


def test_the_article_page_answers_304_to_a_matching_etag_and_200_after_an_edit(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    article.headline = "改过的标题"
    article.save()
    edited = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert edited.status_code == 200
    assert "改过的标题" in html(edited)


def test_the_issue_page_answers_304_until_one_of_its_articles_changes(client):
    issue, articles = front_page(2)
    first = client.get(issue.get_absolute_url())
    assert client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    articles[1].visibility = Visibility.WITHDRAWN
    articles[1].save()
    changed = client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert articles[1].headline not in html(changed)


def test_the_etag_differs_between_languages(client):
    article = make_article()
    chinese = client.get(article.get_absolute_url())["ETag"]
    client.cookies["django_language"] = "en"
    english = client.get(article.get_absolute_url())
    assert english["ETag"] != chinese
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=chinese).status_code == 200


def test_a_withdrawn_article_answers_410_even_to_a_conditional_request(client):
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    article.visibility = Visibility.WITHDRAWN
    article.save()
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 410


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 10])
def test_the_home_page_costs_three_queries_whatever_the_number_of_issues(
    client, django_assert_num_queries, n
):
    for day in range(n):
        front_page(2, date=MARCH_19 + dt.timedelta(days=day))
    client.get("/")  # warm the content-type cache
    # latest issues; their front-page articles; years with issue counts
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("n", [2, 10])
def test_the_calendars_cost_a_fixed_number_of_queries(client, django_assert_num_queries, n):
    for day in range(n):
        front_page(1, date=MARCH_19 + dt.timedelta(days=day))
    # dates of the year's issues; years with issue counts
    with django_assert_num_queries(2):
        assert client.get("/issues/2021/").status_code == 200
    # the month's issues; their front-page articles; previous and next month with an issue
    with django_assert_num_queries(4):
        assert client.get("/issues/2021/03/").status_code == 200


@pytest.mark.parametrize("n", [2, 10])
def test_the_issue_page_costs_ten_queries_whatever_the_number_of_articles_and_pages(
    client, django_assert_num_queries, n
):
    from newsroom.models import Page, PageStaff

    issue, articles = front_page(n)
    for number in range(1, n + 1):
        page = Page.objects.create(issue=issue, number=number, name=f"第{number}版名")
        PageStaff.objects.create(page=page, person=make_person(), role="editor", label="责任编辑")
        make_advertisement(issue)
        part = make_article(issue, page=number + 1, headline=f"续{number}", continues=articles[0])
        make_photo(issue, article=part)
    client.get(issue.get_absolute_url())
    # the issue with its paper, neighbours and caching state; articles; their credits with
    # people; their tags; the issue's photos; the photos' credits with people; ads; the
    # pages; their staff with people; the parts continuing the articles
    with django_assert_num_queries(10):
        assert client.get(issue.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [2, 10])
def test_the_article_page_costs_six_queries_whatever_the_credits_and_photos(
    client, django_assert_num_queries, n
):
    _, articles = front_page(3)
    article = articles[1]
    for _i in range(n):
        make_credit(person=make_person(), article=article, role="correspondent")
        photo = make_photo(article.issue, article=article)
        make_credit(person=make_person(), photo=photo, role="photographer")
        article.tags.add(f"标签x{_i}")
    client.get(article.get_absolute_url())
    # the article with its issue and paper; credits with people; tags; photos; the photos'
    # credits with people; the articles on its page (its previous and next)
    with django_assert_num_queries(6):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_a_not_modified_article_costs_one_query(client, django_assert_num_queries):
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    # the article with its issue and paper, for the ETag
    with django_assert_num_queries(1):
        assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("n", [2, 10])
def test_the_contributor_page_costs_four_queries_whatever_their_output(
    client, django_assert_num_queries, n
):
    reporter = make_person()
    for day in range(n):
        front_page(2, date=MARCH_19 + dt.timedelta(days=day), reporter=reporter,
                   photographer=reporter)
    client.get(reporter.get_absolute_url())
    # the person; their aliases; their credit count per role (added with pagination: it also
    # serves as the paginator's count); the page of credits with articles, photos and issues
    with django_assert_num_queries(4):
        assert client.get(reporter.get_absolute_url()).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reporter.get_absolute_url() + "?role=photographer&page=2").status_code == 200


@pytest.mark.parametrize("n", [2, 10])
def test_the_tag_page_costs_four_queries_whatever_the_number_of_articles(
    client, django_assert_num_queries, n
):
    front_page(n, tag="工会")
    client.get("/tags/工会/")
    # the tag; the count; the page of articles with issues; their credits with people
    with django_assert_num_queries(4):
        assert client.get("/tags/工会/").status_code == 200


def test_the_robots_file_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://archive.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = html(response)
    assert "Sitemap: https://archive.example.org/sitemap.xml" in body
    assert "Disallow: /admin/" in body and "Disallow: /search/" in body


def test_reverse_names_used_by_models_keep_their_shape():
    assert reverse("archive:issue", kwargs={"date": "2021-03-19"}) == "/issues/2021-03-19/"
    assert reverse("archive:article", kwargs={"pk": 5}) == "/articles/5/"
    assert reverse("archive:person", kwargs={"pk": 5}) == "/people/5/"
    assert reverse("archive:home") == "/"


def test_a_photo_with_an_image_shows_it_with_its_caption_as_alt_text(client, settings):
    settings.SITE_URL = "https://archive.example.org"
    article = make_article()
    make_photo(article.issue, article=article, caption="比赛现场。", image="photos/2021/03/a.jpg")
    page = html(client.get(article.get_absolute_url()))
    assert '<img src="/media/photos/2021/03/a.jpg" alt="比赛现场。"' in page
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(raw)["image"] == ["https://archive.example.org/media/photos/2021/03/a.jpg"]


def test_article_and_issue_pages_vary_on_the_language_cookie(client):
    article = make_article()
    for url in (article.get_absolute_url(), article.issue.get_absolute_url()):
        vary = client.get(url)["Vary"]
        assert "Cookie" in vary and "Accept-Language" in vary


@pytest.mark.django_db
def test_a_merged_persons_page_redirects_permanently_to_the_person_kept(client, issue, chief_editor_user):
    from newsroom.editorial import merge_people
    from tests.factories import make_article, make_credit, make_person

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    make_credit(person=keep, article=make_article(issue=issue))
    make_credit(person=remove, article=make_article(issue=issue))
    old_url = remove.get_absolute_url()
    assert client.get(old_url).status_code == 200  # cached before the merge
    merge_people(keep=keep, remove=remove, user=chief_editor_user)
    response = client.get(old_url, {"role": "reporter"})
    assert response.status_code == 301
    assert response["Location"] == f"{keep.get_absolute_url()}?role=reporter"
    assert client.get("/people/999999/").status_code == 404
