"""The issue and article pages' fragments written in Python (archive/templatetags/archive_fragments.py:
stories, photos, the text, citations, tags, advertisements) render exactly what the templates they
replaced rendered. tests/reference_templates/archive/ holds those templates as they were (article.html,
issue.html, _photo.html of 2026-12-06); each page here is rendered both ways, in both languages, and
compared byte for byte, with OCR text full of markup that must come out escaped."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from archive.templatetags import archive_fragments
from archive.templatetags.archive_tags import issue_path, month_path, year_path
from importers.load import import_paths
from newsroom.models import Article
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_issue,
    make_page,
    make_page_staff,
    make_person,
    make_photo,
    make_publication,
)
from tests.load.test_joins import FILES

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parent / "reference_templates"
HOSTILE = '<script>alert("x")</script> & \'引号\''
# A lead longer than the issue page shows (220 characters), another with a combining accent
# within what it shows, so both ways of truncating are compared.
LONG = "职工技能大赛在杭州开幕，" * 30
COMBINING = ("e\u0301" * 5 + "第一段很长，") * 30


def _render(client, settings, path: str, language: str, *, reference: bool) -> bytes:
    engine = django_settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [REFERENCE, *engine["DIRS"]]}] if reference else [engine]
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content


def _same_both_ways(client, settings, paths: list[str]) -> None:
    settings.PAGE_CACHE = False
    for path in paths:
        for language in ("zh-hans", "en"):
            new = _render(client, settings, path, language, reference=False)
            old = _render(client, settings, path, language, reference=True)
            assert new == old, (path, language)


@pytest.fixture
def rich_issue(settings):
    settings.SITE_URL = "https://archive.example.org"
    paper = make_publication(slogan=HOSTILE)
    issue = make_issue(paper, date=dt.date(2021, 3, 19))
    for neighbour in (dt.date(2021, 3, 18), dt.date(2021, 3, 22)):  # the previous and next issue's links
        make_article(make_issue(paper, date=neighbour))
    page = make_page(issue, 1, name="要闻<b>")
    make_page_staff(page, person=make_person("编辑<i>"))
    reporter, photographer = make_person("记者&甲"), make_person("摄影<乙>")
    lead = make_article(issue, kicker=f"引题{HOSTILE}", headline=f"标题{HOSTILE}", subheadline="副题, 半角!",
                        body=f"{LONG}\n\n### 小标题<h1>\n\n第二段{HOSTILE}", dateline="本报讯(记者 甲)",
                        tags=["工会", "<劳模>"])
    make_credit(person=reporter, article=lead, role="reporter", printed_name="记者&甲")
    make_credit(person=photographer, article=lead, role="correspondent", order=2)
    second = make_article(issue, headline="第二篇", body=COMBINING, dateline="")
    photo_news = make_article(issue, headline="图片新闻", kind=Article.Kind.PHOTO,
                              body=f"### 图说{HOSTILE}\n\n说明文字，很长。" * 3)
    for n, article in enumerate((lead, photo_news)):
        shot = make_photo(issue, article=article, caption=f"第一行{HOSTILE}\n\n第二行, 半角.",
                          image=f"photos/2021/03/{n}&x.jpg")
        make_credit(person=photographer, photo=shot, role="photographer", order=1)
        make_credit(person=reporter, photo=shot, role="reporter", order=2)
    make_photo(issue, article=photo_news, caption="第二张", image="")
    make_photo(issue, page=2, caption="", image="")  # loose, on a page of its own
    make_article(issue, page=2, headline="二版", body="", dateline="")
    make_advertisement(issue, advertiser="中国工商银行", text=f"ICBC 中国工商银行\n{HOSTILE}\n\n电话银行:95588")
    make_advertisement(issue, advertiser="别家<广告>", text="")
    return {"issue": issue, "articles": [lead, second, photo_news]}


def test_the_issue_page_is_what_its_templates_rendered(client, settings, rich_issue):
    _same_both_ways(client, settings, [rich_issue["issue"].get_absolute_url()])


def test_the_article_pages_are_what_their_templates_rendered(client, settings, rich_issue):
    _same_both_ways(client, settings, [article.get_absolute_url() for article in rich_issue["articles"]])


def test_everything_from_the_paper_is_escaped(client, settings, rich_issue):
    settings.PAGE_CACHE = False
    for path in [rich_issue["issue"].get_absolute_url(), rich_issue["articles"][0].get_absolute_url()]:
        page = client.get(path).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "<劳模>" not in page and "<b>" not in page.split("<body>")[1].replace("<br>", "")


def test_a_whole_paper_with_continued_articles_renders_as_its_templates_did(client, settings, tmp_path,
                                                                            django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://archive.example.org"
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        assert import_paths([tmp_path]).ok
    contest = Article.objects.get(headline="杭州职工技能大赛开赛")
    articles = Article.objects.filter(continues__isnull=True, issue=contest.issue)
    _same_both_ways(client, settings, [contest.issue.get_absolute_url(), *(a.get_absolute_url() for a in articles)])


def test_the_characters_truncation_skips_checking_have_no_combining_class():
    plain = archive_fragments._NO_COMBINING
    for code in range(0x30000):
        char = chr(code)
        if plain.fullmatch(char):
            assert unicodedata.combining(char) == 0, hex(code)


@pytest.mark.parametrize("text", ["短", "职工" * 200, COMBINING, "e\u0301" * 300, "a" * 110, "a" * 111, ""])
@pytest.mark.parametrize("length", [0, 1, 110, 120, 220])
def test_truncation_is_truncatechars(text, length):
    from django.template.defaultfilters import truncatechars

    assert archive_fragments._truncated(text, length) == truncatechars(text, length)


def test_addresses_without_the_resolver_are_the_resolvers():
    day = dt.date(2021, 3, 9)
    assert issue_path(day) == reverse("archive:issue", kwargs={"date": day})
    assert issue_path(make_issue(date=day)) == reverse("archive:issue", kwargs={"date": day})
    assert year_path(987) == reverse("archive:year", kwargs={"year": 987})
    assert month_path(day) == reverse("archive:month", kwargs={"year": 2021, "month": 3})


def test_the_issue_page_still_costs_its_queries(client, settings, rich_issue, django_assert_num_queries):
    settings.PAGE_CACHE = False
    client.get(rich_issue["issue"].get_absolute_url())
    with django_assert_num_queries(10):  # fragments read what the view handed them: no query of their own
        page = client.get(rich_issue["issue"].get_absolute_url()).content.decode()
    assert len(re.findall(r'<article class="story', page)) == 4
