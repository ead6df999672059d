import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_login_page_answers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_the_archive_home_answers_even_when_empty(client):
    response = client.get("/")
    assert response.status_code == 200


def test_the_api_root_answers(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "publications" in response.json()
