"""Every admin changelist and page runs a fixed number of queries, with 2 rows as with 10."""

import pytest
from django.urls import reverse

from newsroom.models import ImportedFile, ImportRun, SourceFile
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db

# Every page a logged-in editor opens starts with the same queries:
# 1 session, 2 user, 3 the user's own permissions, 4 the user's groups' permissions.
LOGIN = 4


def _articles(issue, n):
    for i in range(n):
        article = make_article(issue=issue, tags=[f"标签{i}", "工会"])
        make_credit(person=make_person(), article=article)
        make_flag(issue, article=article)


def _flags(issue, n):
    for _ in range(n):
        make_flag(issue, article=make_article(issue=issue), original="甲\n乙")


def _issues(issue, n):
    source = SourceFile.objects.create(name="seed.txt", sha256="b" * 64, text="x" * 1000)
    for day in range(1, n + 1):
        other = make_issue(publication=issue.publication, date=issue.date.replace(day=day), source=source)
        make_article(issue=other)
        make_flag(other)


def _photos(issue, n):
    for _ in range(n):
        make_photo(issue=issue, article=make_article(issue=issue))


def _ads(issue, n):
    for _ in range(n):
        make_advertisement(issue=issue)


def _people(issue, n):
    article = make_article(issue=issue)
    for i in range(n):
        person = make_person(f"作者{i:02d}")
        person.aliases.create(name=f"别名{i:02d}")
        make_credit(person=person, article=article)


def _credits(issue, n):
    for _ in range(n):
        make_credit(person=make_person(), article=make_article(issue=issue))


def _sources(issue, n):
    for i in range(n):
        SourceFile.objects.create(name=f"{i}.txt", sha256=f"{i:064d}", text="x" * 1000)


def _runs(issue, n):
    for _ in range(n):
        ImportRun.objects.create(status="succeeded")


def _imported_files(issue, n):
    for _ in range(2):
        run = ImportRun.objects.create(status="failed")
        for position in range(1, n + 1):
            ImportedFile.objects.create(
                run=run, position=position, source=f"{position}.txt", status="created", issue=issue,
                counts={"articles": {"created": 3}})
        ImportedFile.objects.create(run=run, position=n + 1, source="bad.txt", status="failed",
                                    error="bad.txt line 2: impossible date")


def _duplicates(issue, n):
    article = make_article(issue=issue)
    for i in range(n // 2):
        a, b = make_person(f"张{i:02d}伟"), make_person(f"张{i:02d}纬")
        make_credit(person=a, article=article)
        make_credit(person=b, article=article)


CHANGELISTS = [
    # + count of the filtered rows, count of all rows, the rows with issue/publication joined and
    #   open flags counted in a subquery, prefetched tags, prefetched credits, their people,
    #   the date hierarchy's range and dates (2), the page filter's values, the tag filter's
    #   and the contributor filter's choices
    pytest.param("admin:newsroom_article_changelist", _articles, LOGIN + 11, id="articles"),
    # + count filtered, count all, the flags with issue/article/resolver joined, the date
    #   hierarchy's range and dates
    pytest.param("admin:newsroom_reviewflag_changelist", _flags, LOGIN + 5, id="review queue"),
    # + count filtered, count all, issues with publication/source joined and counts in
    #   subqueries, the date hierarchy's range and dates, the publication filter's choices
    pytest.param("admin:newsroom_issue_changelist", _issues, LOGIN + 6, id="issues"),
    # + count filtered, count all, photos with issue/publication/article joined, the date
    #   hierarchy's range and dates, the page filter's values
    pytest.param("admin:newsroom_photo_changelist", _photos, LOGIN + 6, id="photos"),
    # + count filtered, count all, ads with issue/publication joined, the date hierarchy's
    #   range and dates
    pytest.param("admin:newsroom_advertisement_changelist", _ads, LOGIN + 5, id="advertisements"),
    # + count filtered, count all, people with credit counts in a subquery, prefetched aliases
    pytest.param("admin:newsroom_person_changelist", _people, LOGIN + 4, id="people"),
    # + count filtered, count all, credits with person/article/photo joined
    pytest.param("admin:newsroom_credit_changelist", _credits, LOGIN + 3, id="credits"),
    # + count filtered, count all, the source files without their text
    pytest.param("admin:newsroom_sourcefile_changelist", _sources, LOGIN + 3, id="source files"),
    # + count filtered, count all, the runs
    pytest.param("admin:newsroom_importrun_changelist", _runs, LOGIN + 3, id="import runs"),
    # + count filtered, count all, the files with run and issue/publication joined, the run
    #   filter's choices
    pytest.param("admin:newsroom_importedfile_changelist", _imported_files, LOGIN + 4,
                 id="imported files"),
    # + people, the roles they are credited in, open duplicate flags, aliases
    pytest.param("admin:newsroom_person_duplicates", _duplicates, LOGIN + 4, id="duplicates"),
]


@pytest.mark.parametrize("rows", [2, 10])
@pytest.mark.parametrize(("url_name", "build", "queries"), CHANGELISTS)
def test_a_changelist_runs_a_fixed_number_of_queries(
    client, issue, editor_user, django_assert_num_queries, url_name, build, queries, rows
):
    build(issue, rows)
    client.force_login(editor_user)
    url = reverse(url_name)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 10])
def test_the_article_changelist_filtered_and_searched_runs_a_fixed_number_of_queries(
    client, issue, editor_user, django_assert_num_queries, django_capture_on_commit_callbacks, rows
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written on commit
        _articles(issue, rows)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_changelist")
    # The same 11 + the login's 4; the filters and the search change the SQL, not the count.
    with django_assert_num_queries(LOGIN + 11):
        response = client.get(url, {"open_flags": "yes", "tag": "工会", "q": "第一段"})
    assert len(response.context["cl"].result_list) == rows


# Who may change what ----------------------------------------------------------------------------

ROLE_PAGES = [
    ("admin:newsroom_article_change", "article"),
    ("admin:newsroom_photo_change", "photo"),
    ("admin:newsroom_issue_change", "issue"),
    ("admin:newsroom_person_change", "person"),
    ("admin:newsroom_reviewflag_change", "flag"),
]


def _objects(issue):
    article = make_article(issue=issue)
    return {
        "article": article,
        "photo": make_photo(issue=issue, article=article),
        "issue": issue,
        "person": make_person("王芳"),
        "flag": make_flag(issue, article=article),
    }


@pytest.mark.parametrize(("url_name", "key"), ROLE_PAGES)
def test_a_staff_user_without_a_role_may_open_nothing(client, issue, staff_user, url_name, key):
    obj = _objects(issue)[key]
    client.force_login(staff_user)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 403


@pytest.mark.parametrize(
    ("perm", "editor", "chief"),
    [
        ("newsroom.view_issue", True, True),
        ("newsroom.view_sourcefile", True, True),
        ("newsroom.change_article", True, True),
        ("newsroom.change_photo", True, True),
        ("newsroom.change_credit", True, True),
        ("newsroom.change_reviewflag", True, True),
        ("taggit.add_tag", True, True),
        ("newsroom.change_issue", False, True),
        ("newsroom.publish_article", False, True),
        ("newsroom.merge_person", False, True),
        ("newsroom.delete_article", False, True),
        ("newsroom.delete_person", False, True),
        ("newsroom.change_sourcefile", False, False),
        ("newsroom.change_importrun", False, False),
    ],
)
def test_the_roles_have_exactly_their_permissions(editor_user, chief_editor_user, staff_user, perm, editor, chief):
    assert editor_user.has_perm(perm) is editor
    assert chief_editor_user.has_perm(perm) is chief
    assert staff_user.has_perm(perm) is False


def test_an_editor_edits_a_photo_caption_and_a_chief_editor_deletes_the_photo(
    client, issue, editor_user, chief_editor_user
):
    photo = make_photo(issue=issue, caption="旧说明")
    url = reverse("admin:newsroom_photo_change", args=[photo.pk])
    client.force_login(editor_user)
    data = {
        "article": "", "caption": "新说明", "expected_version": "1",
        "credits-TOTAL_FORMS": "0", "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0", "credits-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, data).status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "新说明"
    assert photo.history.latest().history_user == editor_user
    delete = reverse("admin:newsroom_photo_delete", args=[photo.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(chief_editor_user)
    assert client.post(delete, {"post": "yes"}).status_code == 302


def test_source_files_are_read_only_even_for_a_chief_editor(client, chief_editor_user):
    source = SourceFile.objects.create(name="a.txt", sha256="c" * 64, text="原文")
    client.force_login(chief_editor_user)
    url = reverse("admin:newsroom_sourcefile_change", args=[source.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "b.txt"}).status_code == 403


@pytest.mark.parametrize("url_name", ["admin:newsroom_article_add", "admin:newsroom_photo_add"])
def test_articles_and_photos_come_only_from_the_importer(client, chief_editor_user, url_name):
    client.force_login(chief_editor_user)
    assert client.get(reverse(url_name)).status_code == 403


def test_only_those_who_may_retag_open_the_tag_merge_view(client, editor_user, staff_user):
    url = reverse("admin:taggit_tag_merge_tags")
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(editor_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["admin:newsroom_article_changelist", "admin:newsroom_reviewflag_changelist",
     "admin:newsroom_sourcefile_changelist", "admin:taggit_tag_changelist"],
)
def test_a_nul_character_in_a_changelist_parameter_is_a_bad_request(client, editor_user, url_name):
    client.force_login(editor_user)
    assert client.get(reverse(url_name), {"q": "工会\x00"}).status_code == 400


@pytest.mark.parametrize("year", ["99999999999999999999999", "二〇二一", "-1"])
def test_an_impossible_date_hierarchy_year_is_a_bad_request(client, editor_user, year):
    client.force_login(editor_user)
    response = client.get(reverse("admin:newsroom_article_changelist"), {"issue__date__year": year})
    assert response.status_code == 400
    assert "issue__date__year" in response.content.decode()


def test_an_import_runs_files_are_one_click_away_and_filtered_to_that_run(client, issue, editor_user):
    _imported_files(issue, 2)
    first, second = ImportRun.objects.order_by("pk")
    ImportedFile.objects.filter(run=second, status="failed").update(source="other-bad.txt")
    client.force_login(editor_user)

    runs = client.get(reverse("admin:newsroom_importrun_changelist")).content.decode()
    files_url = reverse("admin:newsroom_importedfile_changelist") + f"?run__id__exact={first.pk}"
    assert f'href="{files_url}"' in runs
    response = client.get(files_url + "&status__exact=failed")

    assert response.status_code == 200
    page = response.content.decode()
    assert "bad.txt line 2: impossible date" in page
    assert "other-bad.txt" not in page
