"""Held issues: absent from every public surface until a chief editor releases them.

A paper may hold its new issues (``Publication.hold_new_issues``); a held issue, its articles,
photos, advertisements, pages and scans are shown to no reader and no anonymous API client
(newsroom/models/papers.py ``public_issue``, part of every public condition), and to staff as
usual. Releasing it (newsroom/editorial/releases.py), now or at a time the task queue keeps,
shows it at once: the page cache, the search documents and the validators follow.
"""

from __future__ import annotations

import datetime as dt
import time
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from importers.load import import_paths, load_page
from newsroom import editorial
from newsroom.models import Advertisement, Article, Issue, Page, Photo, Visibility
from newsroom.search import index_articles, search_public
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
    make_user,
)
from tests.load.pages import issue_record, page_record, seed_pages
from tests.scans import page_scan
from tests.test_access import client_for

PUBLIC_DAY = dt.date(2021, 3, 19)
HELD_DAY = dt.date(2021, 4, 19)  # alone in its month and year's April: the month page has only it
SECRET = "待发布的秘密标题"
SECRET_BODY = "只有编辑能看到的待发布正文"
SECRET_WORD = "秘密标题"
SECRET_CAPTION = "待发布的图片说明"
SECRET_AD = "待发布的广告主"
SECRET_PERSON = "阮待发"
SECRET_TAG = "待发布标签"
SECRETS = (SECRET, SECRET_BODY, SECRET_CAPTION, SECRET_AD, SECRET_PERSON, SECRET_TAG)
HELD_ID = "zjgrrb_2021-04-19_1"


def make_held_archive() -> dict:
    """Make a public issue and a held one (an article, photos, an ad, a page with a scan); return them."""
    publication = make_publication()
    public = make_issue(publication=publication, date=PUBLIC_DAY)
    shown = make_article(public, headline="公开的标题", tags=["工会"])
    reporter = make_person("阮向民")
    make_credit(person=reporter, article=shown)
    held = make_issue(publication=publication, date=HELD_DAY, number=11800, held=True)
    secret = make_article(held, headline=SECRET, body=SECRET_BODY, tags=["工会", SECRET_TAG])
    insider = make_person(SECRET_PERSON)
    make_credit(person=insider, article=secret)
    make_credit(person=reporter, article=secret, order=2)
    photo = make_photo(held, article=secret, caption=SECRET_CAPTION)
    loose = make_photo(held, caption=SECRET_CAPTION + "（单独）")
    ad = make_advertisement(held, advertiser=SECRET_AD, text=SECRET_AD)
    page = make_page(held, number=1, name="要闻")
    make_page_staff(page, person=insider)
    editorial.set_scan(page, page_scan(width=400, height=560, lines=["第1版"]), "scan.jpg")
    index_articles(Article.objects.values_list("pk", flat=True))
    return {"public": public, "shown": shown, "held": held, "secret": secret, "insider": insider,
            "reporter": reporter, "photo": photo, "loose": loose, "ad": ad, "page": page}


@pytest.fixture
def rows(db):
    return make_held_archive()


def reader_urls(rows) -> list[str]:
    """Return every public page, feed, sitemap, API and IIIF address where the held issue could show."""
    held, secret = rows["held"], rows["secret"]
    pages = [
        reverse("archive:home"),
        reverse("archive:year", kwargs={"year": 2021}),
        reverse("archive:month", kwargs={"year": 2021, "month": 3}),
        reverse("archive:month", kwargs={"year": 2021, "month": 4}),
        reverse("archive:issue", kwargs={"date": PUBLIC_DAY}),
        reverse("archive:issue", kwargs={"date": HELD_DAY}),
        reverse("archive:article", kwargs={"pk": secret.pk}),
        reverse("archive:article", kwargs={"pk": rows["shown"].pk}),
        *(reverse("archive:article-citation", kwargs={"pk": secret.pk, "fmt": fmt})
          for fmt in ("gb7714", "bibtex", "ris", "csl-json")),
        reverse("archive:article-suggest", kwargs={"pk": secret.pk}),  # POST only: see below
        reverse("archive:person", kwargs={"pk": rows["insider"].pk}),
        reverse("archive:person", kwargs={"pk": rows["reporter"].pk}),
        reverse("archive:person-feed", kwargs={"pk": rows["reporter"].pk}),
        reverse("archive:tag", kwargs={"slug": "工会"}),
        reverse("archive:tag-feed", kwargs={"slug": "工会"}),
        reverse("archive:search") + f"?q={SECRET_WORD}",
        reverse("archive:search") + "?q=第一段",
        reverse("archive:search-feed") + f"?q={SECRET_WORD}",
        reverse("archive:search-feed") + "?q=第一段",
        reverse("archive:search-suggest") + f"?q={SECRET_WORD}",
        # The answer repeats its q: ask part of the tag's name, so the whole never comes back.
        reverse("archive:search-suggest") + f"?q={SECRET_TAG[:-1]}",
        reverse("archive:issues-feed"),
        reverse("archive:sitemap"),
        *(reverse("archive:sitemap-section", kwargs={"section": section})
          for section in ("issues", "articles", "people", "tags")),
    ]
    api = [
        reverse("api:article-list"),
        reverse("api:article-list") + f"?q={SECRET_WORD}",
        reverse("api:article-detail", args=[secret.pk]),
        reverse("api:article-ninjs", args=[secret.pk]),
        reverse("api:article-original", args=[secret.pk]),
        reverse("api:article-citation", args=[secret.pk]),
        reverse("api:issue-list"),
        reverse("api:issue-detail", args=[held.pk]),
        reverse("api:issue-ninjs", args=[held.pk]),
        reverse("api:photo-list"),
        reverse("api:photo-detail", args=[rows["photo"].pk]),
        reverse("api:photo-detail", args=[rows["loose"].pk]),
        reverse("api:advertisement-list"),
        reverse("api:advertisement-detail", args=[rows["ad"].pk]),
        reverse("api:tag-list"),
    ]
    iiif = [
        reverse("iiif:manifest", kwargs={"identifier": HELD_ID}),
        reverse("iiif:image-info", kwargs={"identifier": f"{HELD_ID}_1"}),
        reverse("iiif:image", kwargs={"identifier": f"{HELD_ID}_1", "region": "full", "size": "max",
                                      "rotation": "0", "quality": "default", "format": "jpg"}),
    ]
    return pages + api + iiif


def own_paths(rows) -> list[str]:
    """Return the archive addresses of what only the held issue has: its article, its only
    contributor, its own tag."""
    tag = Tag.objects.get(name=SECRET_TAG)
    return [rows["secret"].get_absolute_url(), rows["insider"].get_absolute_url(),
            reverse("archive:tag", kwargs={"slug": tag.slug})]


# Where the held issue's own things live: a reader gets 404 there, as for no such thing.
def not_found_urls(rows) -> list[str]:
    held, secret = rows["held"], rows["secret"]
    return [
        *own_paths(rows),
        reverse("archive:month", kwargs={"year": 2021, "month": 4}),
        reverse("archive:issue", kwargs={"date": HELD_DAY}),
        reverse("archive:article", kwargs={"pk": secret.pk}),
        reverse("archive:article-citation", kwargs={"pk": secret.pk, "fmt": "ris"}),
        reverse("archive:person", kwargs={"pk": rows["insider"].pk}),
        reverse("api:article-detail", args=[secret.pk]),
        reverse("api:issue-detail", args=[held.pk]),
        reverse("api:photo-detail", args=[rows["photo"].pk]),
        reverse("api:photo-detail", args=[rows["loose"].pk]),
        reverse("api:advertisement-detail", args=[rows["ad"].pk]),
        reverse("iiif:manifest", kwargs={"identifier": HELD_ID}),
        reverse("iiif:image-info", kwargs={"identifier": f"{HELD_ID}_1"}),
    ]


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def test_every_public_archive_route_is_checked_for_held_issues(rows):
    from archive.urls import urlpatterns

    checked = {url.split("?")[0] for url in reader_urls(rows)}
    covered = {pattern.name for pattern in urlpatterns
               if any(pattern.pattern.match(url.lstrip("/")) for url in checked)}
    # robots.txt, the language switch and the exports' download page show no issue's content.
    assert {pattern.name for pattern in urlpatterns} - covered <= {"robots", "language", "exports",
                                                                   "export-file"}


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_a_held_issue_is_absent_from_every_public_surface(rows, role):
    client = client_for(role)
    leaks = []
    for url in reader_urls(rows):
        response = client.get(url)
        text = body_of(response)
        found = [secret for secret in SECRETS if secret in text]
        # The issue's date or identifier anywhere (a link, a calendar day), or a link to its
        # article, its only contributor or its own tag (a sitemap), but in its own 404 page.
        named = [mark for mark in (HELD_ID, "2021-04-19", "2021/04/19", *own_paths(rows))
                 if mark in text and mark not in url]
        if response.status_code >= 500 or found or named:
            leaks.append((url, response.status_code, found, named))
    assert leaks == []
    missing = {url: client.get(url).status_code for url in not_found_urls(rows)}
    assert set(missing.values()) == {404}, missing
    # A reader's correction of a held article: as for no such article.
    suggest = reverse("archive:article-suggest", kwargs={"pk": rows["secret"].pk})
    assert client.post(suggest, {"passage": "待发布", "suggestion": "已发布"}).status_code == 404


def test_the_public_surfaces_show_the_public_issue_beside_a_held_one(rows, client):
    # The checks above would pass on an empty archive: the public issue is there, counted once.
    assert "公开的标题" in body_of(client.get(reverse("archive:issue", kwargs={"date": PUBLIC_DAY})))
    assert client.get(reverse("archive:article", kwargs={"pk": rows["shown"].pk})).status_code == 200
    assert [i["date"] for i in client.get(reverse("api:issue-list")).json()["results"]] == ["2021-03-19"]
    tags = {t["name"]: t["article_count"] for t in client.get(reverse("api:tag-list")).json()["results"]}
    assert tags == {"工会": 1}
    person = body_of(client.get(reverse("archive:person", kwargs={"pk": rows["reporter"].pk})))
    assert "公开的标题" in person


def test_search_counts_and_facets_leave_a_held_issue_out(rows):
    # Both issues' articles have the words 第一段 (the factory's body): only the public one counts.
    results = search_public("第一段")
    assert results.count() == 1
    assert results.totals().years == [(2021, 1)]
    assert [a.pk for a in results[0:10]] == [rows["shown"].pk]
    assert search_public(SECRET_WORD).count() == 0
    assert document_is_public(rows["secret"]) is False


def test_the_model_rules_leave_a_held_issue_out_for_readers_only(rows):
    reader, editor = None, make_user("editor", role="editor")
    assert rows["secret"] not in Article.objects.public()
    assert rows["held"] not in Issue.objects.visible_to(reader)
    assert rows["held"] in Issue.objects.visible_to(editor)
    assert rows["secret"] in Article.objects.visible_to(editor)
    assert not Photo.objects.public().filter(issue=rows["held"]).exists()
    assert not Advertisement.objects.public().filter(issue=rows["held"]).exists()
    assert not Page.objects.filter(issue=rows["held"]).with_public_scan().exists()
    assert rows["page"].scan_visible_to(editor) and not rows["page"].scan_visible_to(reader)


def test_staff_see_a_held_issue_in_the_api_iiif_and_the_desk(rows):
    client = client_for("editor")
    issue = client.get(reverse("api:issue-detail", args=[rows["held"].pk]))
    assert issue.status_code == 200
    assert issue.json()["held"] is True and issue.json()["release_at"] is None
    assert [a["headline"] for a in issue.json()["articles"]] == [SECRET]
    assert client.get(reverse("api:article-detail", args=[rows["secret"].pk])).json()["headline"] == SECRET
    assert client.get(reverse("api:advertisement-detail", args=[rows["ad"].pk])).status_code == 200
    manifest = client.get(reverse("iiif:manifest", kwargs={"identifier": HELD_ID}))
    assert manifest.status_code == 200 and manifest["Cache-Control"] == "private, no-store"
    info = client.get(reverse("iiif:image-info", kwargs={"identifier": f"{HELD_ID}_1"}))
    assert info.status_code == 200 and "public" not in info["Cache-Control"]
    # Anonymous clients get null for the staff-only fields (they never see a held issue).
    public = client_for("anonymous").get(reverse("api:issue-detail", args=[rows["public"].pk])).json()
    assert public["held"] is None and public["release_at"] is None


# ------------------------------------------------------------------------------ the operations


def test_only_a_chief_editor_may_release_schedule_or_cancel(rows):
    editor = make_user("editor", role="editor")
    held = rows["held"]
    later = timezone.now() + dt.timedelta(hours=1)
    for operation, kwargs in ((editorial.release_issue, {}), (editorial.schedule_release, {"when": later}),
                              (editorial.cancel_release, {})):
        with pytest.raises(PermissionDenied):
            operation(held, user=editor, **kwargs)
    held.refresh_from_db()
    assert held.held and held.release_at is None


def test_a_release_is_recorded_in_the_issues_history_with_the_chief_editor(rows):
    chief = make_user("chief", role="chief editor")
    held = rows["held"]
    assert editorial.release_issue(held, user=chief) is True
    held.refresh_from_db()
    assert not held.held and held.release_at is None
    record = held.history.first()
    assert record.history_user == chief and record.history_change_reason == "发布这一期"
    assert editorial.release_issue(held, user=chief) is False  # released already: nothing to do


def documents():
    from newsroom.search.models import ArticleDocument

    return ArticleDocument.objects.all()


def public_documents():
    return documents().filter(is_public=True)


def document_is_public(article) -> bool:
    """Return what the article's search document says: whether a reader's search counts it."""
    from newsroom.search.models import ArticleDocument

    return ArticleDocument.objects.get(article=article).is_public


def test_a_schedule_must_be_in_the_future_and_for_a_held_issue(rows):
    chief = make_user("chief", role="chief editor")
    with pytest.raises(ValidationError):
        editorial.schedule_release(rows["held"], user=chief, when=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        editorial.schedule_release(rows["held"], user=chief, when=None)
    with pytest.raises(ValidationError):
        editorial.schedule_release(rows["public"], user=chief, when=timezone.now() + dt.timedelta(hours=1))
    rows["held"].refresh_from_db()
    assert rows["held"].release_at is None


# ------------------------------------------------------------------------------ the importer


def test_the_page_by_page_importer_holds_a_new_issue_when_its_paper_says_so_and_never_re_holds(db):
    publication = make_publication(hold_new_issues=True)
    load_page(page_record())
    issue = Issue.objects.get(publication=publication, date=dt.date(2021, 3, 19))
    assert issue.held
    index_articles(Article.objects.values_list("pk", flat=True))  # as after the page's commit
    assert documents().exists() and not public_documents().exists()
    chief = make_user("chief", role="chief editor")
    editorial.release_issue(issue, user=chief)
    load_page(page_record(sha256="b" * 64))  # the same issue, imported again (another file)
    issue.refresh_from_db()
    assert not issue.held
    # A paper that does not hold: the seeds stay public.
    load_page(page_record(issue=issue_record(publication="另一份报纸", date=dt.date(2021, 3, 20))))
    assert not Issue.objects.get(date=dt.date(2021, 3, 20)).held


def test_the_batch_importer_holds_new_issues_and_a_re_import_keeps_each_issues_state(db, tmp_path):
    make_publication(hold_new_issues=True)
    folder = seed_pages(tmp_path / "april", range(1, 4))
    import_paths([folder])
    issues = list(Issue.objects.order_by("date"))
    assert len(issues) == 3 and all(issue.held for issue in issues)
    assert not Article.objects.public().exists()
    # Written with the articles (importers/load/writes.py): a reader's search counts none.
    assert documents().count() == Article.objects.count() > 0 and not public_documents().exists()
    editorial.release_issue(issues[0], user=make_user("chief", role="chief editor"))
    for path in sorted(folder.iterdir()):  # each file changed: loaded again, not skipped
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    import_paths([folder])
    assert [issue.held for issue in Issue.objects.order_by("date")] == [False, True, True]


# ------------------------------------------------------------------ committed for real: release


@pytest.mark.django_db(transaction=True)
def test_a_release_shows_the_issue_at_once_on_every_cached_page_and_in_search(client, settings):
    settings.PAGE_CACHE_GENERATION_TTL = 0
    rows = make_held_archive()
    urls = {
        "issue": reverse("archive:issue", kwargs={"date": HELD_DAY}),
        "article": reverse("archive:article", kwargs={"pk": rows["secret"].pk}),
        "month": reverse("archive:month", kwargs={"year": 2021, "month": 4}),
        "api": reverse("api:issue-detail", args=[rows["held"].pk]),
        "manifest": reverse("iiif:manifest", kwargs={"identifier": HELD_ID}),
    }
    listed = [reverse("archive:home"), reverse("archive:search") + f"?q={SECRET_WORD}",
              reverse("archive:sitemap-section", kwargs={"section": "articles"}),
              reverse("archive:tag", kwargs={"slug": "工会"})]
    for url in urls.values():
        assert client.get(url).status_code == 404, url
    for url in listed:  # asked once before the release: a cached page would be stale after it
        client.get(url)
    assert client.get(listed[0])["X-Page-Cache"] == "hit"
    assert search_public(SECRET_WORD).count() == 0

    editorial.release_issue(rows["held"], user=make_user("chief", role="chief editor"))

    for name, url in urls.items():
        assert client.get(url).status_code == 200, name
    assert SECRET in body_of(client.get(urls["issue"]))
    assert SECRET in body_of(client.get(urls["article"]))
    article_path = rows["secret"].get_absolute_url()
    for url in listed:
        assert article_path in body_of(client.get(url)) or SECRET in body_of(client.get(url)), url
    assert search_public(SECRET_WORD).count() == 1
    assert document_is_public(rows["secret"]) is True
    # The public issue before it links to it now (its validators moved on).
    assert "2021-04-19" in body_of(client.get(reverse("archive:issue", kwargs={"date": PUBLIC_DAY})))


# ------------------------------------------------------------- committed for real: the queue


def run_worker() -> None:
    """Run the task queue's worker in this process until no task is ready (manage.py db_worker --batch)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=StringIO(),
                 stderr=StringIO())


def wait_until(when: dt.datetime) -> None:
    time.sleep(max(0.0, (when - timezone.now()).total_seconds()) + 0.3)


@pytest.mark.django_db(transaction=True)
def test_the_queue_releases_a_scheduled_issue_only_once_its_time_has_come(client, settings):
    settings.PAGE_CACHE_GENERATION_TTL = 0
    rows = make_held_archive()
    chief = make_user("chief", role="chief editor")
    url = reverse("archive:article", kwargs={"pk": rows["secret"].pk})
    when = editorial.schedule_release(rows["held"], user=chief, when=timezone.now() + dt.timedelta(seconds=2))
    rows["held"].refresh_from_db()
    assert rows["held"].release_at == when and rows["held"].held
    run_worker()  # too early: the task waits
    rows["held"].refresh_from_db()
    assert rows["held"].held
    assert client.get(url).status_code == 404
    wait_until(when)
    run_worker()
    rows["held"].refresh_from_db()
    assert not rows["held"].held and rows["held"].release_at is None
    assert client.get(url).status_code == 200
    record = rows["held"].history.first()
    assert record.history_user is None and record.history_change_reason == "定时发布这一期"


@pytest.mark.django_db(transaction=True)
def test_a_release_scheduled_again_or_cancelled_does_not_fire_at_the_earlier_time(settings):
    rows = make_held_archive()
    chief = make_user("chief", role="chief editor")
    held = rows["held"]
    first = editorial.schedule_release(held, user=chief, when=timezone.now() + dt.timedelta(seconds=2))
    later = editorial.schedule_release(held, user=chief, when=timezone.now() + dt.timedelta(hours=1))
    wait_until(first)
    run_worker()  # the first task runs, and finds the issue scheduled for another time
    held.refresh_from_db()
    assert held.held and held.release_at == later
    # Cancelled: the task of a time that has come finds nothing scheduled.
    soon = editorial.schedule_release(held, user=chief, when=timezone.now() + dt.timedelta(seconds=2))
    assert editorial.cancel_release(held, user=chief) is True
    wait_until(soon)
    run_worker()
    held.refresh_from_db()
    assert held.held and held.release_at is None
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert Article.objects.filter(pk=rows["secret"].pk).public().count() == 0


def test_a_task_run_before_its_time_or_for_an_issue_released_by_hand_does_nothing(rows):
    from newsroom.editorial.releases import release_scheduled_issue

    chief = make_user("chief", role="chief editor")
    held = rows["held"]
    when = editorial.schedule_release(held, user=chief, when=timezone.now() + dt.timedelta(hours=1))
    assert release_scheduled_issue.call(held.pk, when.isoformat()) is False  # run early by hand
    held.refresh_from_db()
    assert held.held
    editorial.release_issue(held, user=chief)
    assert release_scheduled_issue.call(held.pk, when.isoformat()) is False
    assert Article.objects.visible_to(None).filter(pk=rows["secret"].pk).exists()
    assert rows["secret"].visibility == Visibility.PUBLISHED
