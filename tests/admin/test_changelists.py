"""Every admin changelist and page runs a fixed number of queries, with 2 rows as with 10."""

import pytest
from django.urls import reverse

from newsroom.models import ImportRun, SourceFile
from tests.admin.helpers import make_imported_files
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
    pytest.param("admin:newsroom_importedfile_changelist", make_imported_files, LOGIN + 4,
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


def test_the_article_list_credits_each_person_once_per_role(client, issue, editor_user):
    from tests.factories import make_article, make_credit, make_person

    cheng, wang = make_person("程雪"), make_person("王芳")
    once = make_article(issue=issue, headline="两人各一种角色")
    make_credit(person=cheng, article=once, role="photographer", order=1)
    make_credit(person=wang, article=once, role="reporter", order=2)
    twice = make_article(issue=issue, headline="一人两种角色")
    make_credit(person=cheng, article=twice, role="reporter", order=1)
    make_credit(person=cheng, article=twice, role="photographer", order=2)
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_article_changelist")).content.decode()
    assert "程雪、王芳" in page
    # Named twice only with the roles that tell the two credits apart, never "程雪、程雪".
    assert "程雪（记者）、程雪（摄影）" in page and "程雪、程雪" not in page
