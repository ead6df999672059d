"""The issue page: its articles, photos, advertisements and source file."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_advertisement,
    make_article,
    make_photo,
)

pytestmark = pytest.mark.django_db


def test_the_issue_page_shows_its_articles_photos_ads_and_source_file(client, issue, editor_user):
    from newsroom.models import SourceFile

    issue.source = SourceFile.objects.create(name="seeds/000.txt", sha256="a" * 64, text="# 浙江<工人>日报")
    issue.save()
    make_article(issue=issue, headline="头版头条")
    make_photo(issue=issue, caption="比赛现场。")
    make_advertisement(issue=issue, advertiser="中国工商银行")
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_issue_change", args=[issue.pk])).content.decode()
    for text in ("头版头条", "比赛现场。", "中国工商银行", "seeds/000.txt", "# 浙江&lt;工人&gt;日报"):
        assert text in page
    assert reverse("admin:newsroom_sourcefile_change", args=[issue.source_id]) in page


def test_an_editor_cannot_change_an_issue(client, issue, editor_user):
    client.force_login(editor_user)
    url = reverse("admin:newsroom_issue_change", args=[issue.pk])
    response = client.post(url, {"publication": issue.publication_id, "date": "2021-03-20"})
    assert response.status_code == 403
