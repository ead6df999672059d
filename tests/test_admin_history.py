"""Reverting to a version in the admin of every history-enabled model (HistoryCompareMixin)."""

import pytest
from django.urls import reverse

from newsroom.models import Person, Publication

pytestmark = pytest.mark.django_db


def _revert_url(obj, record):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def test_a_view_only_editor_can_look_at_a_version_but_not_revert_to_it(client, publication, editor_user):
    first = publication.history.get()
    Publication.objects.filter(pk=publication.pk).update(slogan="现在的口号")
    client.force_login(editor_user)
    url = _revert_url(publication, first)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"name": publication.name, "slug": publication.slug, "slogan": "编辑改的"})
    assert response.status_code == 403
    assert Publication.objects.get(pk=publication.pk).slogan == "现在的口号"
    assert publication.history.count() == 1


def test_a_chief_editor_reverts_a_person_and_the_history_names_the_version(client, chief_editor_user):
    Person.objects.create(name="别人")  # so that history ids are not 1
    person = Person.objects.create(name="阮向民")
    first = person.history.get()
    person.name = "阮向明"
    person.save()
    client.force_login(chief_editor_user)
    data = {"name": "阮向民", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "_save": "恢复",
            "expected_version": str(person.version)}
    response = client.post(_revert_url(person, first), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "阮向民"
    record = person.history.latest()
    # People carry a version (as articles and photos do): the history list names it "#id · v1".
    assert record.history_change_reason == f"恢复到历史版本 v{first.version}"
    assert record.history_user == chief_editor_user


def test_a_revert_url_with_a_version_that_is_not_a_number_is_not_found(client, publication, editor_user):
    client.force_login(editor_user)
    url = reverse("admin:newsroom_publication_simple_history", args=[publication.pk, "abc"])
    assert client.get(url).status_code == 404
