"""Articles, photos and advertisements (newsroom/models/articles.py)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.models import Article, Photo, Visibility
from newsroom.models import articles as articles_module
from tests.factories import make_article, make_flag, make_issue, make_photo, make_user

pytestmark = pytest.mark.django_db


def test_two_articles_in_the_same_position_are_refused(issue):
    make_article(issue=issue, page=1, position=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, page=1, position=3)


def test_the_same_position_on_another_page_is_allowed(issue):
    make_article(issue=issue, page=1, position=3)
    make_article(issue=issue, page=2, position=3)
    assert issue.articles.count() == 2


def test_an_article_position_of_zero_is_refused(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, position=0)


def test_an_unknown_visibility_is_refused_by_the_database(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, visibility="secret")


def test_withdrawn_articles_are_not_public(issue):
    shown = make_article(issue=issue)
    hidden = make_article(issue=issue, visibility="withdrawn")
    public = list(Article.objects.public())
    assert shown in public
    assert hidden not in public
    assert list(Article.objects.withdrawn()) == [hidden]


def test_the_body_reads_as_paragraphs_and_crossheads(issue):
    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    assert [(b.type, b.text) for b in article.blocks] == [
        ("paragraph", "第一段。"),
        ("crosshead", "小标题"),
        ("paragraph", "第二段。"),
    ]


def test_the_body_is_parsed_once_however_often_its_blocks_are_read(issue, monkeypatch):
    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    calls = []
    parse = articles_module.parse_body
    monkeypatch.setattr(articles_module, "parse_body", lambda body: calls.append(body) or parse(body))
    assert article.blocks == article.blocks
    assert article.body_text == "第一段。\n小标题\n第二段。"
    assert len(calls) == 1


def test_a_changed_body_is_never_read_from_the_old_parse(issue):
    article = make_article(issue=issue, body="旧的第一段。")
    assert [b.text for b in article.blocks] == ["旧的第一段。"]
    article.blocks.append("not kept")  # a caller's list is its own copy
    assert len(article.blocks) == 1
    article.body = "新的第一段。\n\n新的第二段。"
    article.save()
    assert [b.text for b in article.blocks] == ["新的第一段。", "新的第二段。"]
    assert article.body_text == "新的第一段。\n新的第二段。"
    Article.objects.filter(pk=article.pk).update(body="库里的段落。")
    article.refresh_from_db()
    assert [b.text for b in article.blocks] == ["库里的段落。"]


def test_the_full_heading_gives_back_the_printed_heading(issue):
    article = make_article(issue=issue, kicker="引题", headline="主题", subheadline="")
    assert article.full_heading == "引题 主题"


# ------------------------------------------------------------------ the rules' homes


def _reader_and_staff(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": (AnonymousUser(), False),
        "ordinary account": (django_user_model.objects.create_user("reader"), False),
        "inactive staff": (make_user(is_active=False), False),
        "staff": (make_user(), True),
        "editor": (make_user(role="editor"), True),
    }


def test_withdrawn_articles_and_their_photos_are_visible_to_staff_only(issue, django_user_model):
    public = make_article(issue=issue)
    withdrawn = make_article(issue=issue, visibility=Visibility.WITHDRAWN)
    standalone, on_public, on_withdrawn = (
        make_photo(issue), make_photo(issue, article=public), make_photo(issue, article=withdrawn)
    )
    for who, (user, sees_all) in _reader_and_staff(django_user_model).items():
        articles = set(Article.objects.visible_to(user))
        photos = set(Photo.objects.visible_to(user))
        if sees_all:
            assert articles == {public, withdrawn}, who
            assert photos == {standalone, on_public, on_withdrawn}, who
        else:
            assert articles == {public}, who
            assert photos == {standalone, on_public}, who


def test_open_flag_counts_count_only_open_flags_of_each_article(issue):
    flagged, clean = make_article(issue=issue), make_article(issue=issue)
    make_flag(issue, article=flagged)
    make_flag(issue, article=flagged)
    make_flag(issue, article=flagged, status="accepted", resolved_at=timezone.now())
    make_flag(issue)  # on the issue, no article
    counts = dict(Article.objects.with_open_flag_count().values_list("pk", "open_flag_count"))
    assert counts == {flagged.pk: 2, clean.pk: 0}


def test_the_api_edits_exactly_the_text_fields_with_the_models_lengths():
    from newsroom.api.edits import ArticleEditSerializer

    fields = ArticleEditSerializer().fields
    assert set(Article.TEXT_FIELDS) <= set(fields)
    assert set(Article.TEXT_FIELDS) <= set(Article.EDITABLE_FIELDS)
    for name in Article.TEXT_FIELDS:
        assert fields[name].max_length == Article._meta.get_field(name).max_length, name
    assert {name for name in fields if name not in Article.TEXT_FIELDS} == {"blocks", "tags"}


def test_page_order_puts_the_newest_issue_first_then_edition_page_and_position(publication):
    old = make_issue(publication=publication, date=dt.date(2021, 3, 18))
    new = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    second = make_issue(publication=publication, date=dt.date(2021, 3, 19), edition=2)
    made = [
        make_article(issue=second, page=1, position=1),
        make_article(issue=new, page=2, position=1),
        make_article(issue=old, page=1, position=1),
        make_article(issue=new, page=1, position=2),
        make_article(issue=new, page=1, position=1),
    ]
    by_edition = [made[4], made[3], made[1], made[0], made[2]]
    assert list(Article.objects.in_page_order()) == by_edition
    # Without the edition, the second edition's page 1 comes before the first's page 2.
    assert list(Article.objects.in_page_order(by_edition=False))[:3] == sorted(
        [made[4], made[0], made[3]], key=lambda a: (a.page, a.position, a.pk)
    )


def test_prefetch_tags_gives_each_article_its_tags_as_taggit_does_in_one_query(
    django_assert_num_queries,
):
    from newsroom.models import prefetch_tags

    issue = make_issue()
    tagged = [make_article(issue, tags=names) for names in (["工会", "劳模"], [], ["劳模"])]
    expected = [[tag.name for tag in Article.objects.get(pk=a.pk).tags.all()] for a in tagged]
    articles = list(Article.objects.filter(pk__in=[a.pk for a in tagged]).order_by("pk"))
    ContentType.objects.get_for_model(Article)  # cached once per process, as in a server

    with django_assert_num_queries(1):
        prefetch_tags(articles)
        assert [[tag.name for tag in a.tags.all()] for a in articles] == expected
    assert expected == [["工会", "劳模"], [], ["劳模"]]
    articles[1].tags.add("新标签")  # taggit drops the prefetched tags when they change
    assert [t.name for t in articles[1].tags.all()] == ["新标签"]


def test_an_article_on_three_pages_is_found_on_each_of_them():
    issue = make_issue()
    lead = make_article(issue, page=1, position=1, headline="三版连载", jump_to=3)
    second = make_article(issue, page=3, position=1, headline="", is_continuation=True,
                          continued_from=1, continues=lead, jump_to=5)
    third = make_article(issue, page=5, position=1, headline="", is_continuation=True,
                         continued_from=3, continues=second)
    other = make_article(issue, page=5, position=2, headline="别的文章")

    assert lead.pages == [1, 3, 5] and third.first_part() == lead
    for number, expected in ((1, {lead}), (3, {lead}), (5, {lead, other}), (2, set())):
        assert set(Article.objects.as_read().on_page(number)) == expected, number
