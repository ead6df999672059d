"""The permission matrix, walked over every admin URL the URL resolver knows, for every role.

The URLs come from ``get_resolver()``: every pattern under the admin namespace, named or not
(the object redirect, the final catch-all), its path converters and regex groups filled with
real rows. Each is requested with GET, POST, PUT and DELETE as anonymous, a reader (logged in,
not staff), an editor, a chief editor and the superuser, and the outcome is compared with the
table ``ADMIN_URLS`` below: a URL missing from the table fails the test, so a new view cannot
be missed.

A refused write is sent with a body that would carry it out if the permission check were
missing (the form as the superuser sees it, ``post=yes`` on a delete page, two people to
merge), and the database must be exactly as it was afterwards: every row of every model the
admin shows, their history, the admin log and the tagged items.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import MultiWidget
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from taggit.models import TaggedItem

from newsroom.models import Article, Issue, PersonAlias
from tests.factories import make_person
from tests.scans import page_scan
from tests.test_access import ADMIN_MATRIX, archive, client_for  # noqa: F401 (archive: a fixture)

ROLES = ("anonymous", "reader", "editor", "chief editor", "superuser")
METHODS = ("get", "post", "put", "delete")

# What the superuser may do with each model's pages: everything the model admin offers.
SUPERUSER = {
    # Credits are edited on their article or photo: their own pages are read-only for everyone.
    # A page is never added or deleted by hand; changing one is attaching its scan.
    label: "v" if label == "newsroom.credit"
    else "vc" if label == "newsroom.page"
    else "vd" if label in ("newsroom.sourcefile", "newsroom.importrun", "newsroom.importedfile")
    else "va" if label == "newsroom.intake"  # uploaded, then moved on by its buttons only
    else "v" if label == "django_tasks_database.dbtaskresult"  # the queue's rows: read-only
    else "vcd" if label in ("newsroom.article", "newsroom.photo", "newsroom.reviewflag")
    else "vacd"
    for label in ADMIN_MATRIX
}
HISTORY_MODELS = {
    "newsroom.article", "newsroom.photo", "newsroom.credit", "newsroom.publication",
    "newsroom.issue", "newsroom.advertisement", "newsroom.person", "newsroom.page",
}
# Models whose old versions are shown but never restored (a page's scan changes only by upload).
VIEW_ONLY_HISTORY = {"newsroom.page"}

# Outcomes. Every one but WRITE also means: the database is as it was.
LOGIN = "login"  # 302 to the admin login page
SHOW = "show"  # 200
REDIRECT = "redirect"  # 302, not to the login page
REFUSED = "refused"  # 403
NOT_ALLOWED = "not allowed"  # 405
NOT_FOUND = "not found"  # 404
UNCHANGED = "unchanged"  # 200 or 302, e.g. a changelist action the role is not offered
WRITE = "write"  # 200 or 302: an allowed write (sent with a harmless body, or none needed)

STATUSES = {
    SHOW: {200}, REDIRECT: {302}, REFUSED: {403}, NOT_ALLOWED: {405}, NOT_FOUND: {404},
    UNCHANGED: {200, 302}, WRITE: {200, 302},
}

Rule = Callable[[str, str, str], str]  # (role, method, perms) -> outcome


def perms(label: str, role: str) -> str:
    """Return what a staff role may do with a model's pages: v(iew) a(dd) c(hange) d(elete)."""
    return SUPERUSER[label] if role == "superuser" else ADMIN_MATRIX[label][role]


def _sees(may: str) -> bool:
    return "v" in may or "c" in may


def page(needs: Callable[[str], bool], post: str | None = None) -> Rule:
    """A page shown to those ``needs`` admits whatever the method; POST may be a write (``post``)."""

    def rule(role, method, may):
        if not needs(may):
            return REFUSED
        return post if method == "post" and post else SHOW

    return rule


def form(needs: Callable[[str], bool], writes: Callable[[str], bool]) -> Rule:
    """A form: shown to ``needs``; POSTed, carried out for ``writes`` and refused (403) for others."""

    def rule(role, method, may):
        if method == "post":
            return WRITE if writes(may) else REFUSED
        return SHOW if needs(may) else REFUSED

    return rule


def revert(role, method, may):
    # The revert form: seen with view permission; any other method than GET needs change.
    if method == "get":
        return SHOW if _sees(may) else REFUSED
    if "c" not in may:
        return REFUSED
    return WRITE if method == "post" else SHOW


def view_only_version(role, method, may):
    # An old version, shown to whoever sees the object; restoring it is refused to everyone.
    if method == "get":
        return SHOW if _sees(may) else REFUSED
    return REFUSED


def changelist(role, method, may):
    if not _sees(may):
        return REFUSED
    if method != "post":
        return SHOW
    # The body selects the object for "delete selected": ignored unless the role may delete.
    return WRITE if "d" in may else UNCHANGED


def post_only(allowed: Callable[[str, str], bool]) -> Rule:
    """A button's view: 405 for any other method (before permissions), else carried out or 403."""

    def rule(role, method, may):
        if method != "post":
            return NOT_ALLOWED
        return WRITE if allowed(role, may) else REFUSED

    return rule


def always(outcome: str) -> Rule:
    return lambda role, method, may: outcome


def model_urls(label: str) -> dict[str, tuple[str, Rule]]:
    """Return the table rows of a model's standard admin URLs: key -> (model label, rule)."""
    app, model = label.split(".")
    prefix = f"{app}_{model}"
    rows = {
        f"{prefix}_changelist": changelist,
        f"{prefix}_add": form(lambda may: "a" in may, lambda may: "a" in may),
        f"{prefix}_change": form(_sees, lambda may: "c" in may),
        f"{prefix}_delete": form(lambda may: "d" in may, lambda may: "d" in may),
        f"{prefix}_history": page(_sees),
        # "<id>/": Django's redirect to the change page, which checks.
        f"admin/{app}/{model}/<path:object_id>/": always(REDIRECT),
    }
    if label in HISTORY_MODELS:
        rows[f"{prefix}_history_compare"] = page(_sees)
        rows[f"{prefix}_simple_history"] = view_only_version if label in VIEW_ONLY_HISTORY else revert
    return {key: (label, rule) for key, rule in rows.items()}


def _chief(role, may):
    return role in ("chief editor", "superuser")


# Every admin URL: key (the URL name, or the route of an unnamed pattern) -> (model, rule).
ADMIN_URLS: dict[str, tuple[str | None, Rule]] = {
    **{key: row for label in ADMIN_MATRIX for key, row in model_urls(label).items()},
    # Site pages, for staff (anonymous and readers: see expected()).
    "index": (None, always(SHOW)),
    "login": (None, lambda role, method, may: (
        REDIRECT if method == "get" else NOT_ALLOWED if method == "delete" else UNCHANGED)),
    "logout": (None, lambda role, method, may: UNCHANGED if method == "post" else NOT_ALLOWED),
    "password_change": (None, lambda role, method, may: (
        WRITE if method == "post" else NOT_ALLOWED if method == "delete" else SHOW)),
    "password_change_done": (None, lambda role, method, may: SHOW if method == "get" else NOT_ALLOWED),
    # Autocomplete of a credit's person: needs view permission on people; GET only.
    "autocomplete": ("newsroom.person", lambda role, method, may: (
        NOT_ALLOWED if method != "get" else SHOW if _sees(may) else REFUSED)),
    "jsi18n": (None, lambda role, method, may: SHOW if method == "get" else NOT_ALLOWED),
    "view_on_site": (None, always(REDIRECT)),
    "app_list": (None, always(SHOW)),
    "admin/(?P<url>.*)$": (None, always(NOT_FOUND)),
    # The admin's own views.
    "newsroom_article_tag_suggestions": ("newsroom.article", page(_sees)),
    "newsroom_article_set_status": ("newsroom.article", post_only(lambda role, may: "c" in may)),
    "newsroom_article_set_visibility": ("newsroom.article", post_only(_chief)),
    "newsroom_reviewflag_accept": ("newsroom.reviewflag", post_only(lambda role, may: "c" in may)),
    "newsroom_reviewflag_undo": ("newsroom.reviewflag", post_only(lambda role, may: "c" in may)),
    "newsroom_person_merge": ("newsroom.person", lambda role, method, may: (
        (WRITE if method == "post" else SHOW) if _chief(role, may) else REFUSED)),
    "newsroom_person_duplicates": ("newsroom.person", page(_sees)),
    # A page's scan, released to readers or withheld again while a withdrawn article is on it.
    "newsroom_page_release_scan": ("newsroom.page", post_only(_chief)),
    "newsroom_page_withhold_scan": ("newsroom.page", post_only(_chief)),
    # A held issue released now, scheduled, or its scheduled release cancelled: chief editors.
    "newsroom_issue_release": ("newsroom.issue", post_only(_chief)),
    "newsroom_issue_schedule_release": ("newsroom.issue", post_only(_chief)),
    "newsroom_issue_cancel_release": ("newsroom.issue", post_only(_chief)),
    # The day's intake: start its import (import_pages, "a"), read its progress.
    "newsroom_intake_confirm": ("newsroom.intake", post_only(lambda role, may: "a" in may)),
    "newsroom_intake_status": ("newsroom.intake", page(_sees)),
    # Merging tags needs change_tag, change_taggeditem and delete_taggeditem: editors have them.
    "taggit_tag_merge_tags": ("taggit.tag", page(lambda may: "c" in may, post=WRITE)),
    "auth_user_password_change": ("auth.user", form(lambda may: "c" in may, lambda may: "c" in may)),
}


def expected(key: str, role: str, method: str) -> str:
    """Return the outcome the table gives a role requesting an admin URL with a method."""
    label, rule = ADMIN_URLS[key]
    if role in ("anonymous", "reader"):
        if key == "login":
            return SHOW if method == "get" else NOT_ALLOWED if method == "delete" else UNCHANGED
        if key == "logout":  # the admin sends those not logged in to its index (then to login)
            return REDIRECT
        return LOGIN
    return rule(role, method, perms(label, role) if label else "")


# ----------------------------------------------------------------------------- the URL walk


def admin_patterns() -> list[tuple[str, URLPattern]]:
    """Return (key, pattern) for every pattern the resolver has under the admin namespace."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern),
                     pattern.namespace or namespace)
            elif namespace == "admin":
                found.append((pattern.name or prefix + str(pattern.pattern), pattern, prefix))

    walk(get_resolver().url_patterns, "", None)
    return [(key, pattern, prefix) for key, pattern, prefix in found]


def _model_of(prefix: str):
    """Return the model whose admin a URL prefix ("admin/newsroom/article/") belongs to."""
    parts = prefix.strip("/").split("/")
    if len(parts) == 3:
        return ContentType.objects.get_by_natural_key(parts[1], parts[2]).model_class()
    return None


def fill(key: str, pattern: URLPattern, prefix: str, rows: dict) -> str:
    """Return the URL of a pattern, its parameters filled with the test's rows."""
    model = _model_of(prefix)
    obj = rows[model._meta.label_lower] if model is not None else None
    regex = pattern.pattern.regex
    if regex.groups and not pattern.pattern.converters:  # a regex route
        if "app_label" in regex.groupindex:
            url = reverse("admin:app_list", kwargs={"app_label": "newsroom"})
        elif "url" in regex.groupindex:  # the final catch-all
            url = "/" + prefix + "no-such-page/"
        else:  # simple_history's revert view: (object id, history id)
            url = reverse(f"admin:{pattern.name}", args=[obj.pk, obj.history.first().history_id])
    else:
        values = {name: _value(name, key, obj, rows) for name in pattern.pattern.converters}
        url = "/" + prefix + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]),
                                    str(pattern.pattern))
    query = QUERIES.get(key)
    return url + (query(rows, obj) if query else "")


def _value(name: str, key: str, obj, rows: dict):
    if key == "view_on_site":
        article = rows["newsroom.article"]
        return {"content_type_id": ContentType.objects.get_for_model(Article).pk,
                "object_id": article.pk}[name]
    if name in ("object_id", "id"):
        return obj.pk
    if name == "status":
        return "reviewed"
    if name == "visibility":
        return "withdrawn"
    raise AssertionError(f"teach fill() the URL parameter {name!r} of {key!r}")


def _compare_query(rows, obj) -> str:
    records = list(obj.history.values_list("history_id", flat=True)[:2])
    return f"?old={records[-1]}&new={records[0]}"


QUERIES = {
    "autocomplete": lambda rows, obj: (
        "?app_label=newsroom&model_name=credit&field_name=person&term=阮"
    ),
    **{key: _compare_query for key in ADMIN_URLS if key.endswith("_history_compare")},
}


def harmful_body(key: str, url: str, rows: dict, superuser_client: Client, client: Client) -> dict:
    """Return a POST body that would carry out the write if the view let the role through."""
    if key.endswith("_changelist"):
        label = ADMIN_URLS[key][0]
        return {"action": "delete_selected", "_selected_action": [str(rows[label].pk)], "post": "yes"}
    if key.endswith("_delete"):
        return {"post": "yes"}
    if key == "auth_user_password_change":
        return {"password1": "pw-Newsroom-2", "password2": "pw-Newsroom-2", "usable_password": "true"}
    if key == "newsroom_page_change":
        # The page's form as shown, with what it exists for: a scan to attach.
        scan = SimpleUploadedFile("page-scan.png", page_scan("PNG", width=240, height=340), "image/png")
        return form_as_shown(superuser_client, url) | {"scan": scan}
    if key.endswith(("_change", "_add", "_simple_history")):
        return form_as_shown(superuser_client, url)
    if key == "newsroom_person_merge":
        return {"keep": rows["newsroom.person"].pk, "remove": rows["second person"].pk, "confirmed": "1"}
    if key == "newsroom_issue_schedule_release":
        later = timezone.localtime() + dt.timedelta(days=1)
        return {"release_when": later.strftime("%Y-%m-%dT%H:%M")}
    if key == "taggit_tag_merge_tags":
        session = client.session
        session["selected_tag_ids"] = str(rows["taggit.tag"].pk)
        session.save()
        return {"new_tag_name": "合并后的标签"}
    return {}


def form_as_shown(client: Client, url: str) -> dict:
    """Return the data of the admin form at ``url`` as the superuser's browser would post it."""
    response = client.get(url)
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return {}
    data = {"_save": "1"}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        data |= {management.add_prefix(name): str(value) for name, value in management.initial.items()}
        forms += inline.formset.initial_forms
    for bound in forms:
        for name, field in bound.fields.items():
            value = bound[name].value()
            if isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{bound.add_prefix(name)}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[bound.add_prefix(name)] = [str(v) for v in value]
            elif value is True:
                data[bound.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[bound.add_prefix(name)] = str(value)
    return data


@functools.cache
def _tables() -> tuple[tuple[str, str], ...]:
    """Return (table, primary key column) of every model database_state() reads."""
    models = {*admin.site._registry, LogEntry, TaggedItem, PersonAlias}
    models |= {model.history.model for model in list(models) if hasattr(model, "history")}
    return tuple(sorted((m._meta.db_table, m._meta.pk.column) for m in models))


def database_state() -> list:
    """Return every row the admin can write: the models it shows, their history, the log, tags."""
    quote = connection.ops.quote_name
    state = []
    with connection.cursor() as cursor:
        for table, pk in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")
            state.append((table, cursor.fetchall()))
    return state


@pytest.fixture
def rows(archive):  # noqa: F811 (the fixture imported above)
    """Return the archive's rows by model label, and a second person to merge.

    The issue is held, with a release scheduled: releasing it, scheduling it again or cancelling
    would each change the database, so a refused button is seen to write nothing.
    """
    issue = archive["newsroom.issue"]
    Issue.objects.filter(pk=issue.pk).update(held=True, release_at=timezone.now() + dt.timedelta(days=2))
    issue.refresh_from_db()
    return {**archive, "second person": make_person("阮向明")}


def client_as(role: str, rows: dict) -> Client:
    if role != "superuser":
        return client_for(role)
    client = Client()
    client.force_login(rows["auth.user"])
    return client


def test_every_admin_url_the_resolver_knows_has_a_row_in_the_table(rows):
    keys = [key for key, _pattern, _prefix in admin_patterns()]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(ADMIN_URLS), "add the new admin URL to ADMIN_URLS with who may use it"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_gives_it_on_every_admin_url(rows, role):
    superuser_client = client_as("superuser", rows)
    client = client_as(role, rows)
    user_id = client.session.get("_auth_user_id")
    wrong = []
    before = database_state()
    for key, pattern, prefix in admin_patterns():
        url = fill(key, pattern, prefix, rows)
        for method in METHODS:
            outcome = expected(key, role, method)
            body = {}
            if method == "post" and outcome != WRITE:
                body = harmful_body(key, url, rows, superuser_client, client)
            if method in ("put", "delete"):
                response = getattr(client, method)(url)
            else:
                response = getattr(client, method)(url, body)
            status = response.status_code
            location = response.get("Location", "")
            if outcome == LOGIN:
                good = status == 302 and location.startswith(reverse("admin:login"))
            elif outcome == REDIRECT:
                good = status == 302 and not location.startswith(reverse("admin:login"))
            else:
                good = status in STATUSES[outcome]
            after = database_state()
            if outcome != WRITE and after != before:
                wrong.append((key, method.upper(), url, status, outcome, "changed the database"))
            elif not good:
                wrong.append((key, method.upper(), url, status, outcome))
            if key == "logout" and method == "post" and user_id:
                client.force_login(User.objects.get(pk=user_id))  # logged out: log back in
                after = database_state()
            before = after
    assert not wrong, "\n".join(map(str, wrong))


def test_the_body_of_a_refused_edit_revert_or_password_change_would_be_saved_if_allowed(rows):
    # Otherwise "nothing changed" would prove nothing: the superuser's POST of it saves.
    client = client_as("superuser", rows)
    unsaved = []
    for key, pattern, prefix in admin_patterns():
        label = ADMIN_URLS[key][0]
        if not key.endswith(("_change", "_simple_history")) or label is None:
            continue
        if "c" not in SUPERUSER[label] or (key.endswith("_simple_history") and label in VIEW_ONLY_HISTORY):
            continue
        url = fill(key, pattern, prefix, rows)
        before = database_state()
        response = client.post(url, harmful_body(key, url, rows, client, client))
        if response.status_code != 302 or database_state() == before:
            unsaved.append((key, response.status_code))
    assert not unsaved, unsaved
