"""Photos in the admin: captions corrected by editors, photos deleted by chief editors."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_photo,
)

pytestmark = pytest.mark.django_db


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
