"""Who may see and do what: the permission matrix over every admin page and API endpoint.

The URLs are generated from ``admin.site._registry`` and the API router, so a new model admin, a
new admin view or a new endpoint is covered the day it lands, and fails here until its row of the
matrix says who may use it. The roles: anonymous, a reader (logged in, not staff, no group), an
editor and a chief editor (the groups of the data migration newsroom/0003_editorial_roles).

Also here: withdrawn articles are absent from every public surface, and every form refuses a POST
without its CSRF token.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token, TokenProxy

from newsroom.api.urls import router
from newsroom.intake.tasks import import_intake
from newsroom.models import (
    Article,
    ImportedFile,
    ImportRun,
    Intake,
    Page,
    PageStaff,
    SourceFile,
    Visibility,
)
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
    make_publication,
    make_user,
)

ROLES = ("anonymous", "reader", "editor", "chief editor")
STAFF_ROLES = ("editor", "chief editor")

# What each role may do with each registered model in the admin: v(iew) a(dd) c(hange) d(elete).
# From the data migration newsroom/0003_editorial_roles: editors view everything and correct
# articles, photos, credits, flags and tags; chief editors also add and delete editorial rows;
# provenance (source files, import runs) is read-only for both; accounts are the superuser's.
ADMIN_MATRIX: dict[str, dict[str, str]] = {
    # Articles and photos come from the importer: nobody adds one by hand.
    "newsroom.article": {"editor": "vc", "chief editor": "vcd"},
    "newsroom.photo": {"editor": "vc", "chief editor": "vcd"},
    # Credits are edited on their article or photo, through an editorial operation that gives
    # the article a new version; their own pages only show and trace them.
    "newsroom.credit": {"editor": "v", "chief editor": "v"},
    # Flags come from the importer only: nobody adds one by hand.
    "newsroom.reviewflag": {"editor": "vc", "chief editor": "vcd"},
    "newsroom.publication": {"editor": "v", "chief editor": "vacd"},
    "newsroom.issue": {"editor": "v", "chief editor": "vacd"},
    "newsroom.advertisement": {"editor": "v", "chief editor": "vacd"},
    "newsroom.person": {"editor": "v", "chief editor": "vacd"},
    "newsroom.sourcefile": {"editor": "v", "chief editor": "v"},
    "newsroom.importrun": {"editor": "v", "chief editor": "v"},
    "newsroom.importedfile": {"editor": "v", "chief editor": "v"},
    # Pages are facts of the imported file: everyone on the desk reads them; what both roles may
    # change is the page's scan (newsroom/0023: change_page), through editorial.set_scan.
    "newsroom.page": {"editor": "vc", "chief editor": "vc"},
    # The day's intake: both roles upload (import_pages is what "a" stands for here) and follow
    # it; nobody edits or deletes one (newsroom/0025).
    "newsroom.intake": {"editor": "va", "chief editor": "va"},
    # The task queue's own rows (django-tasks-db's admin, read-only): administrators only.
    "django_tasks_database.dbtaskresult": {"editor": "", "chief editor": ""},
    "taggit.tag": {"editor": "vac", "chief editor": "vacd"},
    "auth.group": {"editor": "", "chief editor": ""},
    "auth.user": {"editor": "", "chief editor": ""},
    "authtoken.tokenproxy": {"editor": "", "chief editor": ""},
}

# The admin's own views beyond changelist/add/change/delete/history, by URL name: the method to
# try and the statuses each staff role gets (403: refused; 405: wrong method; 302: done).
CUSTOM_ADMIN_VIEWS: dict[str, tuple[str, dict[str, set[int]]]] = {
    "newsroom_article_tag_suggestions": ("get", {"editor": {200}, "chief editor": {200}}),
    "newsroom_article_set_status": ("post", {"editor": {302}, "chief editor": {302}}),
    # A withdrawal first answers with its confirmation page (a POST with confirm=yes withdraws).
    "newsroom_article_set_visibility": ("post", {"editor": {403}, "chief editor": {200}}),
    "newsroom_reviewflag_accept": ("post", {"editor": {302}, "chief editor": {302}}),
    "newsroom_reviewflag_undo": ("post", {"editor": {302}, "chief editor": {302}}),
    "newsroom_person_merge": ("get", {"editor": {403}, "chief editor": {200}}),
    "newsroom_person_duplicates": ("get", {"editor": {200}, "chief editor": {200}}),
    # Releasing or withholding a page's scan while a withdrawn article is on it: chief editors.
    "newsroom_page_release_scan": ("post", {"editor": {403}, "chief editor": {302}}),
    "newsroom_page_withhold_scan": ("post", {"editor": {403}, "chief editor": {302}}),
    # Releasing a held issue now, at a time, or cancelling that time: chief editors (302 back to it).
    "newsroom_issue_release": ("post", {"editor": {403}, "chief editor": {302}}),
    "newsroom_issue_schedule_release": ("post", {"editor": {403}, "chief editor": {302}}),
    "newsroom_issue_cancel_release": ("post", {"editor": {403}, "chief editor": {302}}),
    # Starting an intake's import (302 back to it, with a message if it cannot start now); its progress.
    "newsroom_intake_confirm": ("post", {"editor": {302}, "chief editor": {302}}),
    "newsroom_intake_status": ("get", {"editor": {200}, "chief editor": {200}}),
    # Merging tags moves tagged items: editors may (they add, change and delete tagged items).
    "taggit_tag_merge_tags": ("get", {"editor": {200}, "chief editor": {200}}),
}
HISTORY_VIEW_SUFFIXES = ("_history_compare", "_simple_history")
STANDARD_SUFFIXES = ("_changelist", "_add", "_change", "_delete", "_history")

# API writes that editors may make; every other write is refused (405 for editors).
API_WRITES = {("article-detail", "patch"), ("flag-accept", "post"), ("flag-undo", "post")}
# Viewsets that only staff may read.
STAFF_ONLY_API = {"flag"}
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def archive(db):
    """Make one row of every model the admin and the API show; return them by model label."""
    publication = make_publication()
    issue = make_issue(publication=publication)
    source = SourceFile.objects.create(name="seeds/x.txt", sha256="a" * 64, text="原文")
    issue.source = source
    issue.save()
    article = make_article(issue, tags=["工会"])
    person = make_person("阮向民")
    credit = make_credit(person=person, article=article)
    photo = make_photo(issue, article=article)
    ad = make_advertisement(issue)
    flag = make_flag(issue, article=article, before="第一段。", after="第一段")
    run = ImportRun.objects.create(started_by="test")
    imported_file = ImportedFile.objects.create(run=run, position=1, source="a.txt", status="failed")
    page = Page.objects.create(issue=issue, number=1, name="要闻", source=source)
    intake = Intake.objects.create(files_total=1)
    task_result = DBTaskResult.objects.get(id=import_intake.enqueue(intake.pk).id)
    PageStaff.objects.create(page=page, person=person, role="editor", label="责任编辑")
    superuser = User.objects.create_superuser("root", password="pw-Newsroom-1")
    Token.objects.create(user=superuser)
    return {
        "newsroom.publication": publication, "newsroom.issue": issue, "newsroom.article": article,
        "newsroom.person": person, "newsroom.credit": credit, "newsroom.photo": photo,
        "newsroom.advertisement": ad, "newsroom.reviewflag": flag, "newsroom.sourcefile": source,
        "newsroom.importrun": run, "newsroom.importedfile": imported_file, "newsroom.page": page,
        "newsroom.intake": intake, "django_tasks_database.dbtaskresult": task_result,
        "taggit.tag": article.tags.get(),
        "auth.group": Group.objects.get(name="editor"), "auth.user": superuser,
        "authtoken.tokenproxy": TokenProxy.objects.get(user=superuser),
    }


def client_for(role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if role == "reader":
        client.force_login(User.objects.create_user("reader", password="pw-Newsroom-1"))
    elif role in STAFF_ROLES:
        client.force_login(make_user(role.replace(" ", "-"), role=role))
    return client


def admin_pattern_urls(model_admin, obj) -> list[tuple[str, str]]:
    """Return (URL name, URL) for every admin URL of a model admin, filled in for one object."""
    urls = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        kwargs, args = {}, []
        if pattern.pattern.regex.groups and not pattern.pattern.converters:
            # simple_history's revert view: a regex of (object id, history id).
            args = [obj.pk, obj.history.first().history_id][: pattern.pattern.regex.groups]
        for name in pattern.pattern.converters:
            if name in ("object_id", "id"):
                kwargs[name] = obj.pk
            elif name == "version_id":
                kwargs[name] = obj.history.first().history_id
            elif name == "status":
                kwargs[name] = "reviewed"
            elif name == "visibility":
                kwargs[name] = "withdrawn"
            else:
                raise AssertionError(f"teach admin_pattern_urls the URL parameter {name!r}")
        url = reverse(f"admin:{pattern.name}", args=args or None, kwargs=kwargs or None)
        if pattern.name.endswith("_history_compare"):
            records = list(obj.history.values_list("history_id", flat=True)[:2])
            url += f"?old={records[-1]}&new={records[0]}"
        urls.append((pattern.name, url))
    return urls


def _label(model) -> str:
    return model._meta.label_lower


# ------------------------------------------------------------------------------------- the admin


def test_every_registered_model_and_custom_admin_view_has_a_row_in_the_matrix(archive):
    labels = {_label(model) for model in admin.site._registry}
    assert labels == set(ADMIN_MATRIX)
    assert labels <= set(archive)
    custom = {
        name
        for model, model_admin in admin.site._registry.items()
        for name, _url in admin_pattern_urls(model_admin, archive[_label(model)])
        if not name.endswith(STANDARD_SUFFIXES + HISTORY_VIEW_SUFFIXES)
    }
    assert custom == set(CUSTOM_ADMIN_VIEWS)


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_no_admin_page_opens_for_anyone_but_staff(archive, role):
    client = client_for(role)
    login = reverse("admin:login")
    opened = []
    urls = [reverse("admin:index")] + [
        url
        for model, model_admin in admin.site._registry.items()
        for _name, url in admin_pattern_urls(model_admin, archive[_label(model)])
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code != 302 or not response["Location"].startswith(login):
                opened.append((method, url, response.status_code))
    assert opened == []
    assert archive["newsroom.article"].__class__.objects.filter(pk=archive["newsroom.article"].pk)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_role_gets_exactly_the_admin_model_pages_the_matrix_gives_it(archive, role):
    client = client_for(role)
    wrong = []

    def expect(method, url, allowed: bool, ok=(200, 302)):
        response = getattr(client, method)(url, {"post": "yes"} if url.endswith("/delete/") else {})
        good = response.status_code in ok if allowed else response.status_code == 403
        if not good:
            wrong.append((method.upper(), url, response.status_code, "allowed" if allowed else "refused"))

    for model in admin.site._registry:
        label = _label(model)
        may = ADMIN_MATRIX[label][role]
        obj = archive[label]
        info = (model._meta.app_label, model._meta.model_name)
        sees = "v" in may or "c" in may
        expect("get", reverse("admin:{}_{}_changelist".format(*info)), sees)
        expect("get", reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), sees)
        expect("get", reverse("admin:{}_{}_history".format(*info), args=[obj.pk]), sees)
        expect("get", reverse("admin:{}_{}_add".format(*info)), "a" in may)
        if "a" not in may:
            expect("post", reverse("admin:{}_{}_add".format(*info)), False)
        if "c" not in may:
            expect("post", reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), False)
        if "d" in may:
            expect("get", reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), True)
        else:
            expect("post", reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), False)
            key = model._meta.pk.attname  # TokenProxy's .pk is its user's id, not its key
            assert model._default_manager.filter(**{key: getattr(obj, key)}).exists()
    assert wrong == []


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_role_gets_exactly_the_custom_admin_views_the_matrix_gives_it(archive, role):
    client = client_for(role)
    wrong = []
    for model, model_admin in admin.site._registry.items():
        label = _label(model)
        for name, url in admin_pattern_urls(model_admin, archive[label]):
            if name in CUSTOM_ADMIN_VIEWS:
                method, statuses = CUSTOM_ADMIN_VIEWS[name]
                expected = statuses[role]
            elif name.endswith(HISTORY_VIEW_SUFFIXES):
                # Comparing or reverting versions: whoever may see the object's history.
                method = "get"
                may = ADMIN_MATRIX[label][role]
                expected = {200} if ("v" in may or "c" in may) else {403}
            else:
                continue
            status = getattr(client, method)(url).status_code
            if status not in expected:
                wrong.append((name, method.upper(), url, status, expected))
    assert wrong == []


def test_a_staff_user_without_a_role_cannot_merge_tags(archive):
    # taggit's own admin view (TagAdmin.merge_tags_view) checks no permission at all.
    tag = archive["taggit.tag"]
    client = Client()
    client.force_login(make_user("staff-no-role"))
    session = client.session
    session["selected_tag_ids"] = str(tag.pk)
    session.save()
    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "改名的标签"})
    assert response.status_code == 403
    assert archive["newsroom.article"].tags.get().name == tag.name


# --------------------------------------------------------------------------------------- the API


def api_urls(archive) -> list[tuple[str, str, set[str]]]:
    """Return (route name, URL, methods it offers) for every route of every registered viewset."""
    objects = {
        "publication": archive["newsroom.publication"], "issue": archive["newsroom.issue"],
        "article": archive["newsroom.article"], "photo": archive["newsroom.photo"],
        "advertisement": archive["newsroom.advertisement"], "person": archive["newsroom.person"],
        "tag": archive["taggit.tag"], "flag": archive["newsroom.reviewflag"],
    }
    urls = []
    for _prefix, viewset, basename in router.registry:
        assert basename in objects, f"give the API access test an object for {basename!r}"
        obj = objects[basename]
        lookup = obj.slug if basename == "tag" and viewset.lookup_field == "slug" else obj.pk
        detail_writes = {m for route, m in API_WRITES if route == f"{basename}-detail"}
        urls.append((f"{basename}-list", reverse(f"api:{basename}-list"), {"get"}))
        urls.append((f"{basename}-detail", reverse(f"api:{basename}-detail", args=[lookup]),
                     {"get", *detail_writes}))
        for extra in viewset.get_extra_actions():
            name = f"{basename}-{extra.url_name}"
            args = [lookup] if extra.detail else []
            urls.append((name, reverse(f"api:{name}", args=args), set(extra.mapping)))
    return urls


def expected_api_status(role: str, route: str, method: str, offered: set[str]) -> set[int]:
    """Return the statuses a role may get: permissions are checked before the method is."""
    staff_only = route.split("-")[0] in STAFF_ONLY_API
    if method == "get" and not staff_only:
        return {200} if method in offered else {405}
    if role == "anonymous":
        return {401}
    if role == "reader":
        return {403}
    if method == "get":
        return {200} if method in offered else {405}
    if (route, method) in API_WRITES:
        return {200, 409, 412, 428}  # allowed; the request itself decides the outcome
    return {405}


def test_every_api_endpoint_is_in_the_access_test(archive):
    routes = {route for route, _url, _offered in api_urls(archive)}
    assert {route for route, _method in API_WRITES} <= routes
    assert "article-detail" in routes and "flag-accept" in routes


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_api_methods_the_matrix_gives_it(archive, role):
    client = client_for(role)
    wrong = []
    for route, url, offered in api_urls(archive):
        for method in METHODS:
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json")
            expected = expected_api_status(role, route, method, offered)
            if response.status_code not in expected:
                wrong.append((role, method.upper(), url, response.status_code, expected))
    assert wrong == []


def test_an_api_token_of_a_reader_may_read_but_not_write(archive):
    reader = User.objects.create_user("reader", password="pw-Newsroom-1")
    token = Token.objects.create(user=reader)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("api:article-detail", args=[archive["newsroom.article"].pk])
    assert client.get(url).status_code == 200
    assert client.patch(url, "{}", content_type="application/json").status_code == 403
    assert client.get(reverse("api:flag-list")).status_code == 403


# ----------------------------------------------------------------------- withdrawn content


SECRET = "撤回的秘密标题"
SECRET_BODY = "只应编辑看到的撤回正文"
SEARCH_TITLE, SEARCH_BODY = "秘密标题", "撤回正文"


@pytest.fixture
def withdrawn(archive):
    """Withdraw an article credited to a person and tagged, with a photo; return it."""
    issue = archive["newsroom.issue"]
    article = make_article(issue, headline=SECRET, body=SECRET_BODY, tags=["工会"],
                           visibility=Visibility.WITHDRAWN)
    make_credit(person=archive["newsroom.person"], article=article)
    make_photo(issue, article=article, caption=SECRET_BODY + "图片说明")
    from newsroom.search import index_articles, search_articles

    index_articles(Article.objects.values_list("pk", flat=True))
    # The searches below would find it if it were public.
    for query in (SEARCH_TITLE, SEARCH_BODY):
        assert article in search_articles(query, Article.objects.all())
    return article


def public_urls(archive, withdrawn) -> list[str]:
    """Return every public page, feed, sitemap and API address where the article could show."""
    issue = archive["newsroom.issue"]
    date: dt.date = issue.date
    person, tag = archive["newsroom.person"], archive["taggit.tag"]
    pages = [
        reverse("archive:home"),
        reverse("archive:year", kwargs={"year": date.year}),
        reverse("archive:month", kwargs={"year": date.year, "month": date.month}),
        reverse("archive:issue", kwargs={"date": date}),
        reverse("archive:article", kwargs={"pk": withdrawn.pk}),
        *(reverse("archive:article-citation", kwargs={"pk": withdrawn.pk, "fmt": fmt})
          for fmt in ("gb7714", "bibtex", "ris", "csl-json")),
        # 报错 takes POST only (GET: 405); tests/test_reader_suggestions.py posts to it.
        reverse("archive:article-suggest", kwargs={"pk": withdrawn.pk}),
        reverse("archive:person", kwargs={"pk": person.pk}),
        reverse("archive:person-feed", kwargs={"pk": person.pk}),
        reverse("archive:tag", kwargs={"slug": tag.slug}),
        reverse("archive:tag-feed", kwargs={"slug": tag.slug}),
        # Queries that find the article (the page shows the query, never the whole secret).
        reverse("archive:search") + f"?q={SEARCH_TITLE}",
        reverse("archive:search") + f"?q={SEARCH_BODY}",
        reverse("archive:search-feed") + f"?q={SEARCH_TITLE}",
        reverse("archive:search-feed") + f"?q={SEARCH_BODY}",
        # The search box's suggestions (headlines, people, tags) for the withdrawn headline.
        reverse("archive:search-suggest") + f"?q={SEARCH_TITLE}",
        reverse("archive:search-suggest") + f"?q={SECRET[:4]}",
        reverse("archive:issues-feed"),
        # The yearly exports' page and a file of it (the exports' own test reads inside the files).
        reverse("archive:exports"),
        reverse("archive:export-file", kwargs={"name": f"zjgrrb-{date.year}-text.txt.gz"}),
        reverse("archive:sitemap"),
        # sitemap.xml is an index: the addresses are on the sections' pages
        *(reverse("archive:sitemap-section", kwargs={"section": section})
          for section in ("issues", "articles", "people", "tags")),
    ]
    api = [
        reverse("api:article-list"),
        reverse("api:article-list") + f"?q={SEARCH_TITLE}",
        reverse("api:article-detail", args=[withdrawn.pk]),
        reverse("api:article-ninjs", args=[withdrawn.pk]),
        reverse("api:article-original", args=[withdrawn.pk]),
        reverse("api:article-citation", args=[withdrawn.pk]),
        reverse("api:issue-detail", args=[issue.pk]),
        reverse("api:issue-ninjs", args=[issue.pk]),
        reverse("api:photo-list"),
        reverse("api:person-detail", args=[person.pk]),
        reverse("api:tag-list"),
        reverse("api:issue-list"),
    ]
    return pages + api


def test_every_public_archive_route_is_checked_for_withdrawn_content(archive, withdrawn):
    from archive.urls import urlpatterns

    checked = {url.split("?")[0] for url in public_urls(archive, withdrawn)}
    routes = {pattern.name for pattern in urlpatterns}
    covered = {
        pattern.name for pattern in urlpatterns
        if any(pattern.pattern.match(url.lstrip("/")) for url in checked)
    }
    # robots.txt and the language switch (a redirect) show no archive content.
    assert routes - covered == {"robots", "language"}


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_a_withdrawn_article_is_absent_from_every_public_surface(archive, withdrawn, role):
    client = client_for(role)
    leaks = []
    for url in public_urls(archive, withdrawn):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode("utf-8", errors="replace")
        if response.status_code >= 500 or SECRET in text or SECRET_BODY in text:
            leaks.append((url, response.status_code))
    assert leaks == []
    assert client.get(reverse("archive:article", kwargs={"pk": withdrawn.pk})).status_code in (404, 410)
    assert client.get(reverse("api:article-detail", args=[withdrawn.pk])).status_code == 404


def test_staff_still_find_a_withdrawn_article_in_the_api(archive, withdrawn):
    client = client_for("editor")
    response = client.get(reverse("api:article-detail", args=[withdrawn.pk]))
    assert response.status_code == 200
    assert response.json()["headline"] == SECRET


# --------------------------------------------------------------------------------------- CSRF


def test_every_admin_form_refuses_a_post_without_its_csrf_token(archive):
    client = client_for("chief editor", enforce_csrf_checks=True)
    accepted = []
    for model, model_admin in admin.site._registry.items():
        for name, url in admin_pattern_urls(model_admin, archive[_label(model)]):
            if client.post(url, {"post": "yes"}).status_code != 403:
                accepted.append((name, url))
    for url in (reverse("admin:logout"), reverse("admin:password_change"), reverse("set_language")):
        if client.post(url, {"language": "en"}).status_code != 403:
            accepted.append(("site", url))
    assert accepted == []
    assert Article.objects.filter(pk=archive["newsroom.article"].pk).exists()


def test_the_login_form_refuses_a_post_without_its_csrf_token(archive):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "root", "password": "pw-Newsroom-1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_api_write_with_a_session_needs_the_csrf_token(archive):
    client = client_for("editor", enforce_csrf_checks=True)
    article = archive["newsroom.article"]
    url = reverse("api:article-detail", args=[article.pk])
    refused = client.patch(url, '{"headline": "改"}', content_type="application/json",
                           HTTP_IF_MATCH=article.etag)
    assert refused.status_code == 403
    client.get(reverse("admin:index"))  # sets the CSRF cookie, as the admin page would
    token = client.cookies["csrftoken"].value
    accepted = client.patch(url, '{"headline": "改"}', content_type="application/json",
                            HTTP_IF_MATCH=article.etag, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
