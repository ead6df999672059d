"""Readers report errors (报错): a suggestion lands in the review queue and never changes the
text by itself; an editor accepts (applied and recorded) or rejects it; the public form resists abuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from importers.load import import_paths
from newsroom.editorial import accept_flag, undo_flag
from newsroom.models import Article, Publication, ReviewFlag
from tests.factories import make_user

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    assert import_paths([SEEDS]).ok
    article = Article.objects.get(kicker="史济锡在嘉兴调研工会工作时强调")
    passage = next(line for line in article.body.splitlines() if len(line) > 20)[:12]
    article.passage = passage
    return article


def send(client, article, **fields):
    data = {"passage": article.passage, "suggestion": "打造红色工会", "note": "", "website": ""} | fields
    return client.post(reverse("archive:article-suggest", kwargs={"pk": article.pk}), data,
                       REMOTE_ADDR=fields.pop("ip", "203.0.113.7"))


def suggestions():
    return ReviewFlag.objects.filter(code=ReviewFlag.Code.READER_SUGGESTION)


def test_a_suggestion_becomes_an_open_flag_and_the_text_stays(client, lead):
    body, version = lead.body, lead.version
    response = send(client, lead, suggestion="正确的文字", note="第二栏")
    assert response.status_code == 200 and "谢谢" in response.content.decode()
    flag = suggestions().get()
    assert (flag.status, flag.before, flag.after, flag.original, flag.article_id) == (
        "open", lead.passage, "正确的文字", "第二栏", lead.pk)
    lead.refresh_from_db()
    assert (lead.body, lead.version) == (body, version)
    # The same suggestion again is the same flag.
    assert send(client, lead, suggestion="正确的文字").status_code == 200
    assert suggestions().count() == 1


def test_accepting_applies_it_as_a_recorded_correction(client, lead):
    send(client, lead, suggestion="正确的文字")
    editor = make_user("editor1", role="editor")
    flag = accept_flag(suggestions().get(), user=editor)
    lead.refresh_from_db()
    assert flag.status == "accepted" and "正确的文字" in lead.body and lead.passage not in lead.body
    record = lead.history.first()
    assert record.history_user == editor and "读者报错" in record.history_change_reason


def test_rejecting_leaves_the_text(client, lead):
    send(client, lead)
    body = lead.body
    flag = undo_flag(suggestions().get(), user=make_user("editor1", role="editor"))
    lead.refresh_from_db()
    assert flag.status == "undone" and lead.body == body


def test_a_suggestion_whose_passage_an_editor_changed_cannot_be_applied(client, lead):
    from newsroom.editorial import FlagError

    send(client, lead)
    Article.objects.filter(pk=lead.pk).update(body=lead.body.replace(lead.passage, "编辑改过"))
    with pytest.raises(FlagError):
        accept_flag(suggestions().get(), user=make_user("editor1", role="editor"))
    assert suggestions().get().status == "open"


def test_the_review_queue_accepts_it_with_the_usual_button(client, lead):
    send(client, lead, suggestion="<script>alert(1)</script>")
    editor = make_user("editor1", role="editor")
    client.force_login(editor)
    queue = client.get(reverse("admin:newsroom_reviewflag_changelist")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue and "<script>alert(1)" not in queue
    flag = suggestions().get()
    response = client.post(reverse("admin:newsroom_reviewflag_accept", args=[flag.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert "<script>alert(1)</script>" in lead.body  # stored as text; every page escapes it
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(("fields", "status"), [
    ({"passage": "这几个字不在正文里"}, 400),
    ({"suggestion": ""}, 400),
    ({"suggestion": "长" * 201}, 400),
    ({"note": "长" * 501}, 400),
])
def test_what_a_suggestion_may_be(client, lead, fields, status):
    assert send(client, lead, **fields).status_code == status
    assert not suggestions().exists()


def test_the_honeypot_keeps_nothing_and_says_thanks(client, lead):
    response = send(client, lead, website="http://spam.example")
    assert response.status_code == 200 and not suggestions().exists()


@override_settings(READER_SUGGESTIONS_PER_HOUR=3)
def test_one_address_is_rate_limited(client, lead):
    statuses = [send(client, lead, suggestion=f"建议{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert suggestions().count() == 3
    assert send(client, lead, suggestion="另一个地址", ip="198.51.100.9").status_code == 200


def test_cross_site_posts_and_other_methods_are_refused(client, lead):
    url = reverse("archive:article-suggest", kwargs={"pk": lead.pk})
    response = client.post(url, {"passage": lead.passage, "suggestion": "x"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert client.get(url).status_code == 405
    assert not suggestions().exists()


def test_a_chief_editor_can_turn_suggestions_off(client, lead):
    assert 'id="suggest"' in client.get(lead.get_absolute_url()).content.decode()
    chief = make_user("chief1", role="chief editor")
    client.force_login(chief)
    publication = Publication.objects.get()
    change = reverse("admin:newsroom_publication_change", args=[publication.pk])
    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "reader_suggestions"}
    assert client.post(change, data).status_code == 302
    client.logout()
    assert Publication.objects.get().reader_suggestions is False
    assert 'id="suggest"' not in client.get(lead.get_absolute_url()).content.decode()
    assert send(client, lead).status_code == 403
    assert not suggestions().exists()


def test_withdrawn_articles_take_no_suggestion(client, lead):
    Article.objects.filter(pk=lead.pk).update(visibility="withdrawn")
    assert send(client, lead).status_code == 404


def test_a_passage_copied_from_the_page_with_full_width_marks_is_found(client, lead):
    from newsroom.lib.cjk import fullwidth_punctuation

    stored = next(line for line in lead.body.splitlines() if "," in line)
    at = stored.index(",")
    shown = fullwidth_punctuation(stored)[max(0, at - 4):at + 4]
    assert "，" in shown and shown not in lead.body
    assert send(client, lead, passage=shown, suggestion="改正").status_code == 200
    assert suggestions().get().before == stored[max(0, at - 4):at + 4]
