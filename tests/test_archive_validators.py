"""The article and issue pages' ETag and Last-Modified change whenever anything they show does.

Each test opens a page, makes one kind of change through the editorial operation an editor
would use, and revalidates with the old ETag or the old Last-Modified: the reader must get
200 and the new content, never a 304 that keeps the old byline or caption. The stamps are
backdated first, so that If-Modified-Since (whole seconds) can tell the change apart.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from importers.load import load_page
from newsroom import editorial
from newsroom.models import Article, Issue, Photo
from tests.factories import (
    make_article,
    make_credit,
    make_issue,
    make_person,
    make_photo,
)
from tests.load.pages import article_record, credits, page_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    """An issue with an article (credited, tagged, with a credited photo) and a loose photo."""
    issue = make_issue()
    reporter = make_person("王记者")
    photographer = make_person("李摄影")
    article = make_article(issue, headline="职工运动会开幕", tags=["工会"])
    neighbour = make_article(issue, headline="第二篇文章")
    make_credit(person=reporter, article=article, role="reporter")
    photo = make_photo(issue, article=article, caption="开幕式现场。")
    make_credit(person=photographer, photo=photo, role="photographer")
    loose = make_photo(issue, caption="独立图片说明。")
    make_credit(person=photographer, photo=loose, role="photographer")
    # An hour ago: a change now must move Last-Modified past what the reader holds.
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Article.objects.update(updated_at=an_hour_ago)
    Issue.objects.update(updated_at=an_hour_ago)
    return {
        "issue": issue, "article": article, "neighbour": neighbour, "reporter": reporter,
        "photographer": photographer, "photo": photo, "loose": loose,
    }


def revalidate(client, url: str, first, header: str) -> object:
    """GET the page again with one validator of the first response."""
    if header == "etag":
        return client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    return client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])


def fresh(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def add_a_credit(p, user):
    article = fresh(p["article"])
    editorial.edit_article(
        article, changes={}, expected_version=article.version, user=user,
        credits=[editorial.CreditLine(p["reporter"], "reporter", 1),
                 editorial.CreditLine(make_person("赵通讯员"), "correspondent", 2)],
    )
    return "赵通讯员"


def change_a_caption(p, user):
    article = fresh(p["article"])
    editorial.edit_article(
        article, changes={}, expected_version=article.version, user=user,
        photos={p["photo"].pk: {"caption": "开幕式上的运动员。"}},
    )
    return "开幕式上的运动员。"


def change_a_photo_credit(p, user):
    photo = p["photo"]
    photo.refresh_from_db()
    editorial.edit_photo(
        photo, changes={}, expected_version=photo.version, user=user,
        credits=[editorial.CreditLine(make_person("钱摄影"), "photographer", 1)],
    )
    return "钱摄影"


def add_a_tag(p, user):
    article = fresh(p["article"])
    editorial.edit_article(
        article, changes={}, expected_version=article.version, user=user, tags=["工会", "运动会"]
    )
    return "运动会"


def rename_the_reporter(p, user):
    person = p["reporter"]
    person.refresh_from_db()
    editorial.edit_person(person, name="王大记者", expected_version=person.version, user=user)
    return "王大记者"


def rename_the_photographer(p, user):
    person = p["photographer"]
    person.refresh_from_db()
    editorial.edit_person(person, name="李大摄影", expected_version=person.version, user=user)
    return "李大摄影"


def merge_the_reporter_away(p, user):
    keep = make_person("王记者（合并）")
    editorial.merge_people(keep=keep, remove=p["reporter"], user=user)
    # The byline reads as printed; it now links to the person kept.
    return f'href="/people/{keep.pk}/"'


def change_the_neighbours_headline(p, user):
    neighbour = fresh(p["neighbour"])
    editorial.edit_article(
        neighbour, changes={"headline": "改过的第二篇"}, expected_version=neighbour.version,
        user=user,
    )
    return "改过的第二篇"


ARTICLE_PAGE_CHANGES = [
    add_a_credit, change_a_caption, change_a_photo_credit, add_a_tag, rename_the_reporter,
    rename_the_photographer, merge_the_reporter_away, change_the_neighbours_headline,
]


@pytest.mark.parametrize("header", ["etag", "last-modified"])
@pytest.mark.parametrize("change", ARTICLE_PAGE_CHANGES, ids=lambda f: f.__name__)
def test_a_reader_revalidating_the_article_page_after_a_change_gets_the_new_page(
    client, paper, chief_editor_user, change, header
):
    url = paper["article"].get_absolute_url()
    first = client.get(url)
    assert revalidate(client, url, first, header).status_code == 304
    shown = change(paper, chief_editor_user)
    again = revalidate(client, url, first, header)
    assert again.status_code == 200
    assert shown in again.content.decode()


def change_the_loose_photos_caption(p, user):
    loose = p["loose"]
    loose.refresh_from_db()
    editorial.edit_photo(loose, changes={"caption": "改过的独立图片说明。"},
                         expected_version=loose.version, user=user)
    return "改过的独立图片说明。"


ISSUE_PAGE_CHANGES = [
    add_a_credit, change_a_caption, change_a_photo_credit, add_a_tag, rename_the_reporter,
    rename_the_photographer, merge_the_reporter_away, change_the_loose_photos_caption,
]


@pytest.mark.parametrize("header", ["etag", "last-modified"])
@pytest.mark.parametrize("change", ISSUE_PAGE_CHANGES, ids=lambda f: f.__name__)
def test_a_reader_revalidating_the_issue_page_after_a_change_gets_the_new_page(
    client, paper, chief_editor_user, change, header
):
    url = paper["issue"].get_absolute_url()
    first = client.get(url)
    assert revalidate(client, url, first, header).status_code == 304
    shown = change(paper, chief_editor_user)
    again = revalidate(client, url, first, header)
    assert again.status_code == 200
    assert shown in again.content.decode()


def test_moving_a_loose_photo_onto_an_article_changes_both_pages(client, paper, chief_editor_user):
    article_url, issue_url = paper["article"].get_absolute_url(), paper["issue"].get_absolute_url()
    article_page, issue_page = client.get(article_url), client.get(issue_url)
    loose = paper["loose"]
    editorial.edit_photo(loose, changes={"article": paper["article"]}, expected_version=1,
                         user=chief_editor_user)
    moved = client.get(article_url, HTTP_IF_NONE_MATCH=article_page["ETag"])
    assert moved.status_code == 200 and "独立图片说明。" in moved.content.decode()
    assert client.get(issue_url, HTTP_IF_NONE_MATCH=issue_page["ETag"]).status_code == 200


def test_a_not_modified_issue_page_costs_one_query(client, paper, django_assert_num_queries):
    url = paper["issue"].get_absolute_url()
    etag = client.get(url)["ETag"]
    # the issue with its paper and caching state
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


# -- What the pages show beyond their articles (#14.4): each must move both validators. ------


def save_an_advertisement(p, user):
    from tests.factories import make_advertisement

    ad = make_advertisement(p["issue"])
    ad.advertiser = "中国建设银行"
    ad.text = "中国建设银行\n浙江省分行"
    ad.save()
    return "中国建设银行"


def change_the_papers_slogan(p, user):
    publication = p["issue"].publication
    publication.slogan = "团结奋进的新口号"
    publication.save()
    return "团结奋进的新口号"


def rename_the_papers_name(p, user):
    publication = p["issue"].publication
    publication.name = "浙江工人日报（新）"
    publication.save()
    return "浙江工人日报（新）"


def rename_the_tag(p, user):
    tag = Tag.objects.get(name="工会")
    tag.name = "工会工作"
    tag.save()
    return "工会工作"


def merge_the_tag_in_the_tag_admin(p, user):
    # Taggit's merge view keeps the selection in the session; a chief editor may merge tags.
    client = Client()
    client.force_login(user)
    tag = Tag.objects.get(name="工会")
    session = client.session
    session["selected_tag_ids"] = str(tag.pk)
    session.save()
    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "职工之家"})
    assert response.status_code == 302
    return "职工之家"


def delete_the_photo(p, user):
    Photo.objects.get(pk=p["photo"].pk).delete()
    return "<!-- no photo -->"


def publish_the_next_issue(p, user):
    later = make_issue(date=p["issue"].date + dt.timedelta(days=1))
    make_article(later, headline="次日的文章")
    return later.get_absolute_url()


def shows(content: str, shown: str) -> bool:
    if shown == "<!-- no photo -->":
        return "开幕式现场。" not in content
    return shown in content


@pytest.mark.parametrize("header", ["etag", "last-modified"])
@pytest.mark.parametrize(
    "change",
    [save_an_advertisement, change_the_papers_slogan, rename_the_papers_name, rename_the_tag,
     merge_the_tag_in_the_tag_admin, delete_the_photo, publish_the_next_issue],
    ids=lambda f: f.__name__,
)
def test_a_reader_revalidating_the_issue_page_after_a_change_around_it_gets_the_new_page(
    client, paper, chief_editor_user, change, header
):
    url = paper["issue"].get_absolute_url()
    first = client.get(url)
    assert revalidate(client, url, first, header).status_code == 304
    shown = change(paper, chief_editor_user)
    again = revalidate(client, url, first, header)
    assert again.status_code == 200
    assert shows(again.content.decode(), shown)


@pytest.mark.parametrize("header", ["etag", "last-modified"])
@pytest.mark.parametrize(
    "change", [rename_the_papers_name, rename_the_tag, merge_the_tag_in_the_tag_admin,
               delete_the_photo],
    ids=lambda f: f.__name__,
)
def test_a_reader_revalidating_the_article_page_after_a_change_around_it_gets_the_new_page(
    client, paper, chief_editor_user, change, header
):
    url = paper["article"].get_absolute_url()
    first = client.get(url)
    assert revalidate(client, url, first, header).status_code == 304
    shown = change(paper, chief_editor_user)
    again = revalidate(client, url, first, header)
    assert again.status_code == 200
    assert shows(again.content.decode(), shown)


def withdraw_the_next_issue(later, user):
    editorial.set_visibility(later.articles.all(), "withdrawn", user=user)


def delete_the_next_issue(later, user):
    later.delete()


def move_the_next_issue_away(later, user):
    later.date = later.date + dt.timedelta(days=30)
    later.save()


@pytest.mark.parametrize("header", ["etag", "last-modified"])
@pytest.mark.parametrize(
    "change", [withdraw_the_next_issue, delete_the_next_issue, move_the_next_issue_away],
    ids=lambda f: f.__name__,
)
def test_the_issue_pages_next_link_follows_the_next_issue_leaving(
    client, paper, chief_editor_user, change, header
):
    later = make_issue(date=paper["issue"].date + dt.timedelta(days=1))
    make_article(later, headline="次日的文章")
    Article.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    Issue.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    url, link = paper["issue"].get_absolute_url(), later.get_absolute_url()
    first = client.get(url)
    assert link in first.content.decode()
    assert revalidate(client, url, first, header).status_code == 304
    change(later, chief_editor_user)
    again = revalidate(client, url, first, header)
    assert again.status_code == 200
    assert link not in again.content.decode()


def test_a_reimport_that_adds_a_credit_changes_the_article_pages_etag(client):
    load_page(page_record(article_record(1)))
    url = Article.objects.get().get_absolute_url()
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    load_page(page_record(
        article_record(1, contributors=credits(("阮向民", "reporter"), ("新记者", "reporter"))),
        sha256="b" * 64,
    ))

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "新记者" in again.content.decode()
