"""The OpenAPI schema is generated from the code, without warnings, and the API keeps to it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, is_check_class, load_all_checks

from importers.load import import_paths
from newsroom.models import Advertisement, Article, Person, Photo, ReviewFlag
from newsroom.wsgi import application
from tests.factories import make_user

pytestmark = pytest.mark.django_db



def test_the_schema_generates_without_warnings_and_is_valid_openapi(tmp_path):
    GENERATOR_STATS.reset()
    out = tmp_path / "schema.yaml"
    # --fail-on-warn raises CommandError on any warning or error; --validate checks OpenAPI 3.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out), stderr=StringIO())
    text = out.read_text()
    for path in ("/api/v1/articles/{id}/original/", "/api/v1/issues/{id}/ninjs/", "/api/v1/flags/{id}/undo/"):
        assert path in text


def test_the_schema_and_the_docs_are_served(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    article = schema["components"]["schemas"]["Article"]["properties"]
    assert article["blocks"]["description"].startswith("The body as paragraphs")
    assert "If-Match" in [p["name"] for p in schema["paths"]["/api/v1/articles/{id}/"]["patch"]["parameters"]]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
    # The docs page loads Swagger UI from this site, not from a CDN (the archive may run offline).
    assert b"cdn.jsdelivr.net" not in docs.content
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content


def test_the_schema_documents_the_error_responses(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert {"200", "400", "429"} <= set(paths["/api/v1/articles/"]["get"]["responses"])
    assert {"200", "400", "401", "403", "404", "412", "428"} <= set(
        paths["/api/v1/articles/{id}/"]["patch"]["responses"]
    )
    assert {"200", "401", "403", "404", "409"} <= set(paths["/api/v1/flags/{id}/undo/"]["post"]["responses"])


def test_an_edit_needs_a_body_even_though_every_field_is_optional(client):
    # A PATCH without a body is a 400 ("nothing to change"): the schema must not call it valid.
    schema = client.get("/api/v1/schema/?format=json").json()
    body = schema["paths"]["/api/v1/articles/{id}/"]["patch"]["requestBody"]
    assert body["required"] is True
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][name]["minProperties"] == 1


def test_the_schema_says_where_anonymous_clients_are_allowed(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            anonymous = {} in operation["security"]
            expected = method == "get" and not path.startswith("/api/v1/flags/")
            assert anonymous == expected, (method, path)
            assert {"tokenAuth": []} in operation["security"], (method, path)


def test_the_schema_documents_cursors_as_opaque_and_values_as_never_empty(client):
    parameters = {
        p["name"]: p for p in client.get("/api/v1/schema/?format=json").json()["paths"]["/api/v1/articles/"]["get"]["parameters"]
    }
    assert "opaque" in parameters["cursor"]["description"]
    assert parameters["cursor"]["schema"]["minLength"] == 1
    assert parameters["q"]["schema"]["minLength"] == 1
    assert "date_from" in parameters["date_to"]["description"]
    assert parameters["date"]["schema"]["format"] == "date"


@pytest.fixture
def archive(db):
    """Return the ids of the seeds' archive for the generated requests to find (and the editor)."""
    assert import_paths([Path(django_settings.BASE_DIR) / "seeds"]).ok
    article = Article.objects.public().order_by("pk").first()
    flag = ReviewFlag.objects.open().order_by("pk").first()
    return {
        "articles": article.pk,
        "issues": article.issue_id,
        "photos": Photo.objects.order_by("pk").values_list("pk", flat=True).first(),
        "advertisements": Advertisement.objects.order_by("pk").values_list("pk", flat=True).first(),
        "people": Person.objects.order_by("pk").values_list("pk", flat=True).first(),
        "tags": article.tags.order_by("pk").values_list("pk", flat=True).first(),
        "publications": article.issue.publication_id,
        "flags": flag.pk,
    }


def known_id(archive, path: str):
    """Return the id of a row the operation's path names, or None for a path without one."""
    return next((pk for name, pk in archive.items() if path.startswith(f"/api/v1/{name}/{{id}}")), None)


def as_a_client_would(case):
    """Return a valid generated request made as a correct client would make it.

    OpenAPI cannot say these rules, so the schema says them in words and the request keeps to
    them: a cursor is one the API issued (signed: none can be generated), a date range does not
    end before it starts, `relevance` comes with a search term, and an edit names the version it
    edits in If-Match (the ETag; any other is a 412, a conflict of state and not of shape).
    """
    query = case.query
    if query is not None:
        query.pop("cursor", None)
        if query.get("date_from") and query.get("date_to") and query["date_from"] > query["date_to"]:
            query["date_from"], query["date_to"] = query["date_to"], query["date_from"]
        if query.get("ordering") == "relevance" and not str(query.get("q", "")).strip():
            query.pop("ordering")
    return with_current_etag(case)


def with_current_etag(case):
    """Return an edit naming the current version in If-Match, if it names one at all.

    Invalid edits get it too: HTTP checks If-Match before it reads the body (RFC 9110 13.2.1),
    so with a stale ETag an invalid body is answered 412, and the body is what is tested.
    """
    if case.method == "PATCH" and case.headers and "If-Match" in case.headers:
        article = Article.objects.filter(pk=str(case.path_parameters.get("id"))).first() if str(
            case.path_parameters.get("id")).isdigit() else None
        if article is not None:
            case.headers["If-Match"] = article.etag
    return case


ROLES = ["anonymous", "editor"]
EXAMPLES = 15  # per operation, mode and path (generated or known id)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_the_schema_under_every_check(archive, settings_override, role):
    """Run schemathesis with all its checks over every operation, as anonymous and as an editor.

    Valid and invalid requests are generated for each operation, with generated path ids and
    with the ids of the seeds' rows, so 404s, 400s and real answers are all checked; the
    number of examples is bounded to keep each role well under a minute.
    """
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    load_all_checks()
    checks = [check for check in CHECKS.get_all() if not is_check_class(check)]
    headers = {}
    if role == "editor":
        editor = make_user("schemathesis-editor", role="editor")
        headers["Authorization"] = f"Token {Token.objects.create(user=editor).key}"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 21
    cases = 0
    for operation in operations:
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE).map(with_current_etag),
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(as_a_client_would),
        ]
        known = known_id(archive, operation.path)
        if known is not None:
            strategies.append(operation.as_strategy(path_parameters={"id": known}).map(as_a_client_would))
        for strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                nonlocal cases
                cache.clear()  # the anonymous rate limit is not what is tested here
                case.call_and_validate(headers=headers, checks=checks)
                cases += 1

            check()
    print(f"{role}: {len(operations)} operations, {cases} cases")


@pytest.fixture
def settings_override(settings):
    # Schemathesis calls the WSGI app as host "localhost".
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # The WSGI handler closes "old" connections around each request, and to it the test's
    # open transaction looks like one; Django's own test client unhooks this the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
