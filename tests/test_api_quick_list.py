"""The article list without filters (newsroom/api/quicklist.py: compiled queries, plain rows)
answers exactly what DRF's general path answers, byte for byte, cursors included; the token's
compiled lookup (newsroom/api/authentication.py) authenticates as DRF's does."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from newsroom.api import authentication, quicklist
from newsroom.api import views as api_views
from newsroom.api.authentication import CompiledTokenAuthentication
from newsroom.api.compiled import QueryCache, Slot, compile_query
from newsroom.api.pagination import KeysetCursorPagination
from newsroom.lib.blocks import PARAGRAPH, parse_body
from newsroom.models import Article, Visibility
from tests.factories import (
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_queries():
    # Start each test with no query compiled, as a new process does.
    quicklist.QUERIES.clear()
    authentication.QUERIES.clear()
    ContentType.objects.get_for_model(Article)  # taggit's, cached after the first time


@pytest.fixture(autouse=True)
def _no_page_cache():
    # Anonymous lists would be answered from the page cache: both paths must run.
    with mock.patch.object(api_views, "cached_data", lambda request, respond, **kwargs: respond()):
        yield


@pytest.fixture(autouse=True)
def _one_signing_time():
    # A cursor is signed with the time: the same second for both paths.
    with mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: "1xa4Mh"):
        yield


def _archive(publication) -> list[Article]:
    """Make 13 articles over four issues: one continued on two later pages, photo news, withdrawn
    ones (one in an issue with no number, in a second edition), credits (a printed name, two
    roles), tags, open flags, bodies that open with a crosshead, hold CR LF or
    nothing."""
    made = []
    first_issue = make_issue(publication, date=dt.date(2021, 3, 19))
    jumping = make_article(first_issue, kicker="喜迎建党百年", subheadline="百名劳模受表彰",
                           body="### 开头的小标题\n\n劳模第一段\n折行。\n\n第二段", tags=["劳模", "RCEP"],
                           jump_to=2, jump_mid_sentence=True, truncated=True)
    second = make_article(first_issue, page=2, headline="(上接第1版)", body="续一\n\n段落", continues=jumping,
                          is_continuation=True, continued_from=1, jump_to=3)
    make_article(first_issue, page=3, headline="(上接第2版)", body="续完。", continues=second,
                 is_continuation=True, continued_from=2)
    reporter = make_person("张三")
    make_credit(person=reporter, article=jumping, order=2)
    make_credit(person=make_person("李四"), article=jumping, role="correspondent", order=1, printed_name="李 四")
    make_credit(person=reporter, article=jumping, role="photographer", order=3, printed_name="")
    make_flag(first_issue, article=jumping)
    make_flag(first_issue, article=jumping)
    made.append(jumping)
    news = make_article(first_issue, kind=Article.Kind.PHOTO, body="图片新闻的说明。", dateline="")
    make_photo(first_issue, article=news, caption="图片新闻的说明。")
    made.append(news)
    # A jump to a page whose part was never joined: the article stands alone.
    made.append(make_article(first_issue, jump_to=4, body="\r\n\r\n  第一段\r\n继续  \r\n\r\n第二段"))
    unnumbered = make_issue(publication, number=None, edition=2, date=dt.date(2021, 3, 19))
    made.append(make_article(unnumbered, visibility=Visibility.WITHDRAWN, body="", correction_status="reviewed"))
    made.append(make_article(unnumbered, body="### 只有小标题", tags=["工会"]))
    for day in (20, 21):
        issue = make_issue(publication, date=dt.date(2021, 3, day), number=11771 + day)
        for page in (1, 2):
            article = make_article(issue, page=page, tags=["劳模"] if page == 1 else [])
            make_credit(person=make_person(), article=article)
            made.append(article)
    made.append(make_article(issue, visibility=Visibility.WITHDRAWN))
    trainee = make_article(issue, page=3)
    make_credit(person=reporter, article=trainee, role="trainee_reporter")
    make_credit(person=make_person("王五"), article=trainee, role="intern", order=1)
    made.append(trainee)
    return made


def _general_path():
    return mock.patch.object(api_views, "wants_quick_list", lambda view: False)


def _quick_path_used():
    return mock.patch.object(quicklist, "summaries", wraps=quicklist.summaries)


def _walk(client, url: str, key: str = "next") -> list[str]:
    """Return the addresses of the pages from `url` on, following `key` links (quick path)."""
    urls = []
    while url:
        urls.append(url)
        url = client.get(url).json()[key]
        url = url and re.sub(r"^https?://[^/]+", "", url)
    return urls


def _token_client(client, user):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return client


URLS = [
    "/api/v1/articles/",
    "/api/v1/articles/?page_size=20",
    "/api/v1/articles/?page_size=1",
    "/api/v1/articles/?page_size=4&year=2021",  # no filter reads `year`: it only salts the cursor
    "/api/v1/articles.json?page_size=3",
    "/api/v1/articles/?format=json&page_size=5",
    "/api/v1/articles/?fields=summary&page_size=2",
    "/api/v1/articles/?page_size=100",
    "/api/v1/articles/?page_size=1000",
    # Errors, the same on both paths.
    "/api/v1/articles/?page_size=0",
    "/api/v1/articles/?page_size=x",
    "/api/v1/articles/?cursor=made-up",
    "/api/v1/articles/?fields=bogus",
]


@pytest.mark.parametrize("who", ["anonymous", "staff token", "staff session"])
def test_the_quick_list_answers_what_the_general_path_answers(client, publication, editor_user, who):
    _archive(publication)
    if who == "staff token":
        _token_client(client, editor_user)
    elif who == "staff session":
        client.force_login(editor_user)
    pages = [*URLS, *_walk(client, "/api/v1/articles/?page_size=2")[1:]]
    last = _walk(client, "/api/v1/articles/?page_size=3")[-1]
    pages += _walk(client, last, key="previous")
    pages += _walk(client, "/api/v1/articles/?page_size=5&year=2021")[1:]
    assert len(pages) >= len(URLS) + 8
    for url in pages:
        with _quick_path_used() as built:
            quick = client.get(url)
        with _general_path():
            general = client.get(url)
        assert (quick.status_code, quick["Content-Type"]) == (general.status_code, general["Content-Type"]), url
        assert quick.content == general.content, url
        if quick.status_code == 200:
            assert built.called, url


def test_staff_see_withdrawn_articles_in_the_quick_list_and_readers_do_not(client, publication, editor_user):
    made = _archive(publication)
    withdrawn = {article.pk for article in made if article.visibility == Visibility.WITHDRAWN}
    public = {article.pk for article in made} - withdrawn
    with _quick_path_used():
        seen = {row["id"] for row in client.get("/api/v1/articles/?page_size=100").json()["results"]}
        assert seen == public
        _token_client(client, editor_user)
        seen = {row["id"] for row in client.get("/api/v1/articles/?page_size=100").json()["results"]}
    assert seen == public | withdrawn


def test_a_list_with_a_filter_takes_the_general_path(client, publication):
    _archive(publication)
    for url in ("/api/v1/articles/?kind=photo", "/api/v1/articles/?ordering=date", "/api/v1/articles/?q=",
                "/api/v1/articles/?fields=full", "/api/v1/articles/?tag=劳模&page_size=1"):
        with _quick_path_used() as built:
            client.get(url)
        assert not built.called, url


@pytest.mark.parametrize(("jumps", "queries"), [(False, 4), (True, 5)])
def test_the_staff_list_costs_four_queries_and_one_for_jumps(client, publication, editor_user,
                                                              django_assert_num_queries, jumps, queries):
    issue = make_issue(publication)
    for position in range(1, 6):
        article = make_article(issue, position=position, tags=["劳模", f"标签{position}"])
        make_credit(person=make_person(), article=article)
    if jumps:
        article.jump_to = 2
        article.save(update_fields=["jump_to"])
        make_article(issue, page=2, headline="(上接第1版)", body="续完。", continues=article,
                     is_continuation=True, continued_from=1)
    _token_client(client, editor_user)
    # The token with its user; the articles (issue, paper joined, open flags counted), their
    # credits with the people's names, their tags; with jumps, the parts continuing them.
    for _first_and_compiled in range(2):
        with django_assert_num_queries(queries):
            response = client.get("/api/v1/articles/?page_size=20")
        rows = response.json()["results"]
        assert len(rows) == 5
        assert rows[-1]["pages"] == ([1, 2] if jumps else [1])
    with django_assert_num_queries(4):  # the first three, none of which jumps
        next_page = client.get("/api/v1/articles/?page_size=3").json()["next"]
    with django_assert_num_queries(queries):  # after the cursor: the last two
        assert len(client.get(next_page).json()["results"]) == 2


def test_an_empty_list_asks_for_nothing_but_the_articles(client, editor_user, django_assert_num_queries):
    _token_client(client, editor_user)
    with django_assert_num_queries(2):  # the token with its user, the articles
        assert client.get("/api/v1/articles/").json() == {"next": None, "previous": None, "results": []}


def test_an_uncompilable_query_is_run_as_a_queryset(client, publication, editor_user):
    _archive(publication)
    _token_client(client, editor_user)
    url = "/api/v1/articles/?page_size=3"
    pages = _walk(client, url)
    expected = [client.get(page).content for page in pages]
    quicklist.QUERIES.clear()
    with mock.patch("newsroom.api.compiled.compile_query", return_value=None), _quick_path_used() as built:
        assert [client.get(page).content for page in pages] == expected
    assert built.called


@pytest.mark.parametrize("body", [
    "", "\n\n", "第一段。\n\n### 小标题\n\n第二段。", "### 小标题\n\n第一段", "###无空格\n\n第二段",
    "####  多个井号\n\n段", "  \n\n  首段\n 折行 \n\n", "a\r\nb\r\n\r\nc", "a\rb\r\rc", "\u3000全角空格\u3000\n\n第二",
    "### 只有小标题", "#\n\n段",
])
def test_the_lead_is_the_first_paragraph_parse_body_gives(body):
    expected = next((block.text for block in parse_body(body) if block.type == PARAGRAPH), "")
    assert quicklist.lead_of(body) == expected


def test_a_compiled_query_runs_with_new_values_and_converts_its_rows(publication):
    issues = [make_issue(publication, date=dt.date(2021, 3, day)) for day in (1, 2, 3)]
    articles = [make_article(issue) for issue in issues]
    date_field = Article._meta.get_field("issue").related_model._meta.get_field("date")

    def build(values):
        return (Article.objects.filter(issue__date__gte=values[0], pk__in=values[1:])
                .order_by("pk").values("pk", "issue__date", "updated_at"))

    compiled = compile_query(build, [Slot(date_field), Slot(Article._meta.pk), Slot(Article._meta.pk)], "default")
    assert compiled is not None
    rows = compiled.dicts(["2021-03-02", articles[0].pk, articles[2].pk])  # a cursor's date is a string
    assert rows == list(build([dt.date(2021, 3, 2), articles[0].pk, articles[2].pk]))
    assert [row["pk"] for row in rows] == [articles[2].pk]
    assert isinstance(rows[0]["updated_at"], dt.datetime) and rows[0]["issue__date"] == dt.date(2021, 3, 3)


def test_a_constant_equal_to_a_stand_in_is_not_compiled(db):
    page = Article._meta.get_field("page")
    # 28411 is the first integer stand-in: in the first compilation the constant looks like a slot.
    assert compile_query(lambda values: Article.objects.filter(page=28411, position=values[0]).values("pk"),
                         [Slot(page)], "default") is None
    assert compile_query(lambda values: Article.objects.filter(page=7, position=values[0]).values("pk"),
                         [Slot(page)], "default") is not None
    # A slot the SQL never holds (a lookup that drops it) is refused too.
    assert compile_query(lambda values: Article.objects.filter(page=7).values("pk"), [Slot(page)], "default") is None


def test_the_query_cache_compiles_a_shape_once(db):
    cache, made = QueryCache(), []

    def make():
        made.append(1)
        return (lambda values: Article.objects.filter(pk=values[0]).values("pk")), [Slot(Article._meta.pk)]

    first = cache.get("one", "default", make)
    assert cache.get("one", "default", make) is first and len(made) == 1
    assert first.dicts([1]) == []


def test_the_keyset_walk_reads_rows_through_any_fetch():
    paginator = KeysetCursorPagination()
    request = mock.Mock(path="/x/", query_params=mock.Mock(lists=lambda: [], get=lambda key, default=None: None))
    request.build_absolute_uri.return_value = "http://testserver/x/"
    keys = [("n", True), ("pk", False)]
    cursor = paginator.begin(request, keys)
    rows = [{"n": 9 - i, "id": i} for i in range(25)]
    page = paginator.paginate_by_keys(keys, cursor, lambda walk, values, limit: rows[:limit],
                                      value_of=lambda row, name: row["id" if name == "pk" else name])
    assert page == rows[:20] and paginator._next == {"k": [-10, 19]} and paginator._previous is None


# --- the token's compiled lookup ------------------------------------------------------------------


def test_the_compiled_token_lookup_finds_what_drf_finds(editor_user, django_assert_num_queries):
    key = Token.objects.create(user=editor_user).key
    with django_assert_num_queries(1):
        user, token = CompiledTokenAuthentication().authenticate_credentials(key)
    reference_user, reference_token = TokenAuthentication().authenticate_credentials(key)
    assert (user, token) == (reference_user, reference_token)
    assert user.__dict__.keys() == reference_user.__dict__.keys()
    for name, value in vars(reference_user).items():
        if not name.startswith("_"):
            assert getattr(user, name) == value, name
    assert token.user is user and token.created == reference_token.created
    assert user.is_staff and user.groups.filter(name="editor").exists()


@pytest.mark.parametrize("header", ["Token nope", "Token ", "Token a b", "Bearer x"])
def test_the_compiled_token_lookup_refuses_what_drf_refuses(client, editor_user, header):
    answers = []
    for classes in ([CompiledTokenAuthentication], [TokenAuthentication]):
        with mock.patch.object(api_views.ArticleViewSet, "authentication_classes", classes):
            response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION=header)
        answers.append((response.status_code, response.content, response.get("WWW-Authenticate")))
    assert answers[0] == answers[1]


def test_an_inactive_users_token_is_refused(client, editor_user):
    key = Token.objects.create(user=editor_user).key
    editor_user.is_active = False
    editor_user.save(update_fields=["is_active"])
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
