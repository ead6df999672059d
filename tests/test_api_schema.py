"""The OpenAPI schema is generated from the code, without warnings, and the API keeps to it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsroom.wsgi import application
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
def archive(publication):
    """Return the ids of a small archive for the generated requests to find."""
    issue = make_issue(publication, date=dt.date(2021, 3, 19))
    article = make_article(issue, kicker="引题", subheadline="副题", tags=["劳模"],
                           original_text="# 标题\n正文<b>。")
    make_credit(person=make_person("张三"), article=article)
    photo = make_photo(issue, article=article)
    make_credit(person=make_person("王五"), photo=photo, role="photographer")
    make_photo(issue, page=2)
    make_advertisement(issue)
    make_flag(issue, article=article)
    make_article(make_issue(publication, date=dt.date(2021, 3, 20)), kind="photo")
    from newsroom.search import index_articles

    index_articles([article.pk])
    return {"id": article.pk, "issue": issue.pk, "photo": photo.pk}


def test_every_read_endpoint_keeps_to_the_schema_for_generated_requests(archive, settings_override):
    """Run schemathesis over every GET operation: no 5xx, documented status, type and body.

    Path ids are either generated or those of the archive's rows, so both 404s and real
    answers are checked; examples are bounded to keep this to well under a minute.
    """
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    operations = [result.ok() for result in schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        strategies = [operation.as_strategy()]
        if "{id}" in operation.path:
            known = archive["issue"] if "/issues/" in operation.path else archive["id"]
            strategies.append(operation.as_strategy(path_parameters={"id": known}))
        for strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=12, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                cache.clear()  # the anonymous rate limit is not what is tested here
                response = case.call()
                case.validate_response(response, checks=checks)

            check()


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
