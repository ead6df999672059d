"""Hostile input: script in OCR text stays inert, odd parameters never crash, and production
settings send secure cookies and headers (login throttling: test_throttle.py).

Every OCR-derived field holds an XSS payload and every filter and search parameter of the archive,
the API and the admin gets injection strings; the parameters are read from the FilterSets, the
search form and the ModelAdmins, so new ones are covered without touching this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.urls import reverse

from archive.forms import SearchForm
from newsroom.api.urls import router
from newsroom.models import ImportRun, PersonAlias, SourceFile
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

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
RAW = (SCRIPT, "<img src=x onerror=alert(1)>")


# ------------------------------------------------------------------------------------------ XSS


@pytest.fixture
def poisoned(db):
    """Return an archive whose every OCR-derived text carries script."""
    publication = make_publication(name="浙江工人日报" + PAYLOAD, slogan=PAYLOAD, slug="zjgrrb")
    source = SourceFile.objects.create(name="seeds/" + PAYLOAD, sha256="b" * 64, text=PAYLOAD)
    # Short fields (PostgreSQL enforces max_length) get the script alone.
    issue = make_issue(publication=publication, lunar_date=SCRIPT, masthead={"website": PAYLOAD},
                       source=source)
    article = make_article(
        issue, kicker=PAYLOAD, headline="标题" + PAYLOAD, subheadline=PAYLOAD, dateline=PAYLOAD,
        heading=PAYLOAD, original_text=PAYLOAD, body=f"第一段{PAYLOAD}。\n\n### {PAYLOAD}\n\n第二段。",
        tags=["标签" + PAYLOAD],
    )
    person = make_person("记者" + PAYLOAD)
    PersonAlias.objects.create(person=person, name="别名" + PAYLOAD)
    make_credit(person=person, article=article)
    photo = make_photo(issue, article=article, caption=PAYLOAD)
    make_credit(person=person, photo=photo, role="photographer")
    make_advertisement(issue, advertiser=PAYLOAD, text=PAYLOAD, phone=SCRIPT, website=PAYLOAD)
    flag = make_flag(issue, article=article, message=PAYLOAD, original=PAYLOAD, before=PAYLOAD,
                     after=f"第一段{PAYLOAD}")
    ImportRun.objects.create(arguments=PAYLOAD, report={"files": [{"error": PAYLOAD}]})
    from newsroom.search import index_articles

    index_articles([article.pk])
    return {"issue": issue, "article": article, "person": person, "photo": photo, "flag": flag,
            "tag": article.tags.get()}


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def html_leaks(response) -> list[str]:
    """Return the raw payloads present in an HTML or XML response."""
    text = body_text(response)
    return [raw for raw in RAW if raw in text]


def test_script_in_ocr_text_is_escaped_on_every_public_page_and_feed(client, poisoned):
    issue, article, person, tag = (poisoned[k] for k in ("issue", "article", "person", "tag"))
    urls = [
        reverse("archive:home"),
        reverse("archive:year", kwargs={"year": issue.date.year}),
        reverse("archive:month", kwargs={"year": issue.date.year, "month": issue.date.month}),
        reverse("archive:issue", kwargs={"date": issue.date}),
        reverse("archive:article", kwargs={"pk": article.pk}),
        reverse("archive:person", kwargs={"pk": person.pk}),
        reverse("archive:person-feed", kwargs={"pk": person.pk}),
        reverse("archive:tag", kwargs={"slug": tag.slug}),
        reverse("archive:tag-feed", kwargs={"slug": tag.slug}),
        reverse("archive:issues-feed"),
        reverse("archive:sitemap"),
        reverse("archive:search") + "?q=标题",
        reverse("archive:search") + "?" + "&".join(f"{f}={PAYLOAD}" for f in SearchForm.base_fields),
    ]
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or html_leaks(response):
            problems.append((url, response.status_code, html_leaks(response)))
    assert problems == []
    # Escaped, not dropped: the reader still sees what the OCR read.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_text(
        client.get(reverse("archive:article", kwargs={"pk": article.pk}))
    )


def test_script_in_ocr_text_is_escaped_on_every_admin_page(client, poisoned):
    client.force_login(make_user("chief", role="chief editor", is_superuser=True))
    problems = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        obj = model._default_manager.first()
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or html_leaks(response):
                problems.append((url, response.status_code, html_leaks(response)))
    for url in (reverse("admin:index"), reverse("admin:newsroom_person_duplicates"),
                reverse("admin:newsroom_reviewflag_changelist") + "?status__exact=open"):
        response = client.get(url)
        if response.status_code != 200 or html_leaks(response):
            problems.append((url, response.status_code, html_leaks(response)))
    assert problems == []


def _walk(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, f"{path}[]")
    else:
        yield path, value


def test_script_in_ocr_text_is_plain_json_in_the_api_and_escaped_in_its_html(client, poisoned):
    client.force_login(make_user("editor", role="editor"))
    urls = [reverse(f"api:{basename}-list") for _prefix, _viewset, basename in router.registry]
    urls += [
        reverse("api:article-detail", args=[poisoned["article"].pk]),
        reverse("api:article-ninjs", args=[poisoned["article"].pk]),
        reverse("api:issue-detail", args=[poisoned["issue"].pk]),
        reverse("api:issue-ninjs", args=[poisoned["issue"].pk]),
    ]
    problems = []
    carried = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
            problems.append((url, response.status_code, response["Content-Type"]))
            continue
        for path, value in _walk(json.loads(response.content)):
            if not isinstance(value, str):
                continue
            carried += PAYLOAD in value
            if "html" in path.lower() and any(raw in value for raw in RAW):
                problems.append((url, path))
    assert problems == []
    assert carried > 10  # JSON gives the text back as it is


# ------------------------------------------------------------------------------------ injection


INJECTIONS = [
    "' OR 1=1 --", '"', "%", "%%", "\x00", "a\x00b", "x" * 3000, "🙂📰", "NEAR(", "*",
    '"unbalanced', "-1", "99999999999999999999999", "2021-13-45", "(", "标题 AND", "\\",
]
# The admin's changelists take no search syntax: the values that test types, lengths and bytes.
ADMIN_INJECTIONS = ["' OR 1=1 --", "%", "\x00", "x" * 3000, "🙂📰", "-1",
                    "99999999999999999999999", "2021-13-45"]


@pytest.fixture
def archive_rows(db):
    issue = make_issue()
    article = make_article(issue, tags=["工会"])
    make_credit(person=make_person("阮向民"), article=article)
    make_photo(issue, article=article)
    make_advertisement(issue)
    make_flag(issue, article=article)
    return article


def api_parameters(viewset) -> set[str]:
    names = {"q", "cursor", "page_size", "ordering", "format"}
    if getattr(viewset, "filterset_class", None):
        names |= set(viewset.filterset_class.base_filters)
    return names


@pytest.mark.parametrize("basename", [basename for _p, _v, basename in router.registry])
def test_every_api_filter_answers_injection_strings_with_200_or_400(client, archive_rows, basename):
    viewset = next(v for _p, v, b in router.registry if b == basename)
    client.force_login(make_user("editor", role="editor"))  # staff routes too, no anonymous limit
    url = reverse(f"api:{basename}-list")
    crashes = []
    for name in sorted(api_parameters(viewset)):
        for value in INJECTIONS:
            status = client.get(url, {name: value}).status_code
            if status not in (200, 400, 404):
                crashes.append((name, value[:20], status))
    assert crashes == []


def test_every_archive_search_field_answers_injection_strings_with_200_or_400(client, archive_rows):
    url = reverse("archive:search")
    crashes = []
    for name in [*SearchForm.base_fields, "page"]:
        for value in INJECTIONS:
            status = client.get(url, {name: value, "q": "工会" if name != "q" else value}).status_code
            if status not in (200, 400):
                crashes.append((name, value[:20], status))
    for path in ("/issues/0/", "/issues/2021/13/", "/issues/2021-02-30/", "/articles/99999999999999999999/",
                 "/people/-1/", "/tags/%00/", "/tags/" + "x" * 3000 + "/", "/tags/'%20OR%201=1/feed/"):
        status = client.get(path).status_code
        if status not in (200, 400, 404):
            crashes.append((path[:30], status))
    assert crashes == []


def admin_parameters(model_admin) -> set[str]:
    """Return the changelist's query parameters: search, order, page and every list filter."""
    names = {"q", "o", "p", "e", "_popup", "_to_field"}
    for item in model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            names.add(item.parameter_name)
        else:
            field = item if isinstance(item, str) else item[0]
            names |= {f"{field}__exact", f"{field}__id__exact", f"{field}__isnull"}
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return names


def test_every_admin_changelist_parameter_answers_injection_strings_without_crashing(
    client, archive_rows
):
    client.force_login(make_user("chief", role="chief editor", is_superuser=True))
    crashes = []
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in sorted(admin_parameters(model_admin)):
            for value in ADMIN_INJECTIONS:
                status = client.get(url, {name: value}).status_code
                # A bad filter makes the admin redirect to ?e=1, which it shows as an error.
                if status not in (200, 302, 400):
                    crashes.append((url, name, value[:20], status))
    assert crashes == []


# ------------------------------------------------------------------------ production settings


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "production-test-" + "k" * 60,
    "ALLOWED_HOSTS": "archive.example.org",
    "SITE_URL": "https://archive.example.org",
    "SECURE_HTTPS": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "1",
    "STATIC_MANIFEST": "0",
}


def production_run(tmp_path, code: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL",)}
    env |= PRODUCTION_ENV | {"NEWSROOM_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_deploy_checks_pass_under_production_settings(tmp_path):
    done = production_run(
        tmp_path,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_responses_send_secure_cookies_and_protective_headers(tmp_path):
    code = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="archive.example.org", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/admin/login/")
out = {"status": page.status_code, "headers": dict(page.headers),
       "cookies": {name: dict(morsel) for name, morsel in page.cookies.items()}}
plain = Client(HTTP_HOST="archive.example.org").get("/")
out["plain_status"], out["plain_location"] = plain.status_code, plain.headers.get("Location", "")
print(json.dumps(out))
"""
    done = production_run(tmp_path, code)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    headers = {k.lower(): v for k, v in seen["headers"].items()}
    assert seen["status"] == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    csrf = seen["cookies"]["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
