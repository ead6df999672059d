"""Tags in the admin: suggestions while typing, and merging limited to those who may retag."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_article,
)

pytestmark = pytest.mark.django_db


def test_tag_suggestions_list_existing_tags_matching_the_text(client, issue, editor_user):
    make_article(issue=issue, tags=["劳模", "劳动竞赛", "工会"])
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_tag_suggestions")
    assert client.get(url, {"q": "劳"}).json() == {"results": ["劳动竞赛", "劳模"]}


def test_only_those_who_may_retag_open_the_tag_merge_view(client, editor_user, staff_user):
    url = reverse("admin:taggit_tag_merge_tags")
    client.force_login(staff_user)
    assert client.get(url).status_code == 403
    client.force_login(editor_user)
    assert client.get(url).status_code == 200
