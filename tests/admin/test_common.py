"""Every changelist answers impossible parameters with 400, not a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
