"""The search box's suggestions (/search/suggest/): headlines, people and tags, public only."""

from __future__ import annotations

import datetime as dt

import pytest

from newsroom.changes import rebuild_search_index
from newsroom.models import Article, Visibility
from newsroom.search.typeahead import MAX_CHARS, bigrams, suggest
from tests.factories import make_article, make_credit, make_issue, make_person

pytestmark = pytest.mark.django_db

URL = "/search/suggest/"


@pytest.fixture
def archive():
    """Return a public article on 工会 by 阮向民 tagged 工会, a withdrawn one and a held issue's one."""
    reporter = make_person("阮向民")
    shown = make_article(make_issue(date=dt.date(2021, 3, 19)), kicker="史济锡在嘉兴调研时强调",
                         headline="奋力打造红色工会", tags=["工会"])
    make_credit(person=reporter, article=shown)
    gone = make_article(shown.issue, headline="撤回的工会秘密", tags=["撤回标签"],
                        visibility=Visibility.WITHDRAWN)
    hidden = make_person("只在撤回文章")
    make_credit(person=hidden, article=gone)
    held = make_article(make_issue(date=dt.date(2021, 4, 19), number=11800, held=True),
                        headline="待发布的工会新闻", tags=["待发布标签"])
    insider = make_person("阮待发")
    make_credit(person=insider, article=held)
    rebuild_search_index()
    return {"shown": shown, "gone": gone, "held": held, "reporter": reporter}


def answer(client, q: str) -> dict:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_headlines_people_and_tags_are_suggested_as_json(client, archive):
    shown = archive["shown"]
    data = answer(client, "工会")
    assert data == {
        "q": "工会",
        "headlines": [{"text": "史济锡在嘉兴调研时强调 奋力打造红色工会", "date": "2021-03-19",
                       "url": f"/articles/{shown.pk}/"}],
        "people": [],
        "tags": [{"text": "工会", "url": "/tags/%E5%B7%A5%E4%BC%9A/"}],
    }
    assert answer(client, "阮向")["people"] == [
        {"text": "阮向民", "url": f"/people/{archive['reporter'].pk}/"}]
    # The kicker counts as the headline's.
    assert [h["url"] for h in answer(client, "嘉兴调研")["headlines"]] == [f"/articles/{shown.pk}/"]


@pytest.mark.parametrize("typed", ["ruan xiangmin", "ruanxiangmin", "ruanx", "rxm", "RXM"])
def test_a_contributor_is_found_by_pinyin_and_initials(client, archive, typed):
    assert [p["text"] for p in answer(client, typed)["people"]] == ["阮向民"]


@pytest.mark.parametrize("typed", ["gonghui", "gh"])
def test_a_tag_is_found_by_pinyin_and_initials(client, archive, typed):
    assert [t["text"] for t in answer(client, typed)["tags"]] == ["工会"]


def test_a_traditional_query_finds_the_simplified_headline(client, archive):
    assert len(answer(client, "紅色工會")["headlines"]) == 1


@pytest.mark.parametrize("typed", ["工会", "撤回", "待发布", "秘密", "阮待", "只在", "chzh", "daifabu"])
def test_withdrawn_and_held_work_and_their_people_and_tags_are_never_suggested(client, archive, typed):
    response = client.get(URL, {"q": typed})
    text = response.content.decode()
    for secret in ("撤回的工会秘密", "待发布的工会新闻", "阮待发", "只在撤回文章", "撤回标签", "待发布标签"):
        assert secret not in text
    assert str(archive["gone"].pk) not in [h["url"].split("/")[2] for h in response.json()["headlines"]]


def test_a_stale_document_still_never_shows_a_withdrawn_article(client, archive):
    # update() sends no signal: the document is not re-indexed (the trigger keeps is_public,
    # and the articles are read through public() besides).
    Article.objects.filter(pk=archive["shown"].pk).update(visibility=Visibility.WITHDRAWN)
    assert answer(client, "红色工会")["headlines"] == []


def test_a_headline_with_markup_comes_back_as_plain_text(client):
    article = make_article(headline='<script>alert(1)</script>工会"><img src=x onerror=alert(2)>')
    rebuild_search_index()
    response = client.get(URL, {"q": "<script>"})
    assert response.json()["headlines"][0]["text"] == article.headline
    # JSON, never HTML: a browser told not to sniff it cannot run it.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("typed", ["", " ", "工", "a", "\x00"])
def test_nothing_is_asked_under_two_characters(client, archive, typed, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": typed})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["headlines"] == response.json()["people"] == response.json()["tags"] == []


def test_a_long_input_is_cut_and_nul_bytes_never_reach_the_database(client, archive):
    long = "工会" * 200
    assert len(answer(client, long)["q"]) == MAX_CHARS
    assert len(suggest("工\x00会").text) == 2


def test_at_most_five_of_each_newest_first(client):
    issue = make_issue(date=dt.date(2021, 3, 19))
    later = make_issue(date=dt.date(2022, 6, 17), number=12135)
    for n in range(4):
        make_article(issue, headline=f"工会第{n}篇", tags=[f"工会{n}"])
        make_article(later, headline=f"新工会第{n}篇")
    for n in range(7):
        make_credit(person=make_person(f"工会员{n}"), article=Article.objects.first())
    rebuild_search_index()
    data = answer(client, "工会")
    assert len(data["headlines"]) == 5
    assert [h["date"] for h in data["headlines"]][:4] == ["2022-06-17"] * 4
    assert len(data["people"]) == 5
    assert len(data["tags"]) == 4


@pytest.mark.parametrize("n", [1, 8])
def test_suggestions_cost_three_queries_whatever_the_number_of_matches(
    client, settings, django_assert_num_queries, n
):
    settings.PAGE_CACHE = False
    issue = make_issue()
    for k in range(n):
        article = make_article(issue, headline=f"工会新闻{k}", tags=[f"工会{k}"])
        make_credit(person=make_person(f"工会人{k}"), article=article)
    rebuild_search_index()
    # The headlines (document ids in a subquery, read through public() with their issues);
    # the people with public work; the tags on public articles.
    with django_assert_num_queries(3):
        data = answer(client, "工会")
    assert len(data["headlines"]) == min(n, 5)


def test_the_answer_may_be_cached_briefly_by_anyone(client, archive):
    response = client.get(URL, {"q": "工会"})
    assert response["Cache-Control"] == "public, max-age=60"


def test_bigrams_are_the_pairs_of_adjacent_characters():
    assert bigrams("红色工会") == ["工会", "红色", "色工"]
    assert bigrams("工") == []
