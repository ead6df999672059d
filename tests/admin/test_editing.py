"""Change forms save with their inlines through one versioned editorial operation."""

import pytest

from newsroom import editorial
from newsroom.models import Article, Credit, Person
from tests.admin.helpers import change_url
from tests.factories import make_article, make_credit, make_person, make_photo

pytestmark = pytest.mark.django_db


def management(prefix: str, count: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": str(count),
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(article, *, expected_version=None, extra_credits=(), captions=None):
    """Return the article change form's POST data as the browser sends it, inlines included."""
    credits = list(article.credits.order_by("order", "pk"))
    photos = list(article.photos.order_by("page", "position"))
    data = {
        "kicker": article.kicker, "headline": article.headline,
        "subheadline": article.subheadline, "dateline": article.dateline, "kind": article.kind,
        "correction_status": article.correction_status, "body": article.body,
        "tags": ", ".join(sorted(article.tags.names())),
        "expected_version": str(expected_version or article.version), "_save": "保存",
        **management("credits", len(credits)), **management("photos", len(photos)),
    }
    for i, credit in enumerate(credits):
        data |= {f"credits-{i}-id": str(credit.pk), f"credits-{i}-article": str(article.pk),
                 f"credits-{i}-person": str(credit.person_id), f"credits-{i}-role": credit.role,
                 f"credits-{i}-order": str(credit.order)}
    for j, (person, role) in enumerate(extra_credits, start=len(credits)):
        data |= {f"credits-{j}-article": str(article.pk), f"credits-{j}-person": str(person.pk),
                 f"credits-{j}-role": role, f"credits-{j}-order": str(j + 1)}
    data["credits-TOTAL_FORMS"] = str(len(credits) + len(extra_credits))
    for i, photo in enumerate(photos):
        data |= {f"photos-{i}-id": str(photo.pk), f"photos-{i}-article": str(article.pk),
                 f"photos-{i}-caption": (captions or {}).get(photo.pk, photo.caption)}
    return data


@pytest.fixture
def article(issue):
    article = make_article(issue, headline="职工运动会开幕")
    make_credit(person=make_person("王记者"), article=article, role="reporter")
    make_photo(issue, article=article, caption="开幕式现场。")
    return article


def photo_form(photo, *, expected_version=None, caption=None, credits=()):
    data = {
        "article": str(photo.article_id or ""), "caption": caption or photo.caption,
        "expected_version": str(expected_version or photo.version), "_save": "保存",
        **management("credits", len(credits)),
    }
    for i, credit in enumerate(credits):
        data |= {f"credits-{i}-id": str(credit.pk), f"credits-{i}-photo": str(photo.pk),
                 f"credits-{i}-person": str(credit.person_id), f"credits-{i}-role": credit.role,
                 f"credits-{i}-order": str(credit.order)}
    return data


def person_form(person, *, name=None, aliases=None, expected_version=None):
    current = list(person.aliases.order_by("name"))
    data = {"name": name or person.name,
            "expected_version": str(expected_version or person.version), "_save": "保存",
            **management("aliases", len(current))}
    for i, alias in enumerate(current):
        data |= {f"aliases-{i}-id": str(alias.pk), f"aliases-{i}-person": str(person.pk),
                 f"aliases-{i}-name": alias.name}
    for j, alias_name in enumerate(aliases or [], start=len(current)):
        data |= {f"aliases-{j}-person": str(person.pk), f"aliases-{j}-name": alias_name}
    data["aliases-TOTAL_FORMS"] = str(len(current) + len(aliases or []))
    return data


def test_adding_a_credit_in_the_article_form_bumps_the_version_and_records_why(
    client, article, editor_user
):
    client.force_login(editor_user)
    newcomer = make_person("赵通讯员")
    response = client.post(change_url(article),
                           article_form(article, extra_credits=[(newcomer, "correspondent")]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    assert sorted(article.credits.values_list("person__name", flat=True)) == ["王记者", "赵通讯员"]
    record = article.history.first()
    assert record.history_change_reason == "修改：署名"
    assert record.history_user == editor_user
    added = Credit.history.filter(person=newcomer).get()
    assert (added.history_type, added.history_change_reason) == ("+", "修改：署名")


def test_changing_a_caption_in_the_article_form_bumps_both_versions(client, article, editor_user):
    client.force_login(editor_user)
    photo = article.photos.get()
    response = client.post(change_url(article),
                           article_form(article, captions={photo.pk: "开幕式上的运动员。"}))
    assert response.status_code == 302
    article.refresh_from_db()
    photo.refresh_from_db()
    assert (article.version, photo.version, photo.caption) == (2, 2, "开幕式上的运动员。")
    assert article.history.first().history_change_reason == "修改：图片说明"
    assert photo.history.first().history_change_reason == "修改：图片说明"


def test_saving_the_article_form_unchanged_writes_nothing(client, article, editor_user):
    client.force_login(editor_user)
    assert client.post(change_url(article), article_form(article)).status_code == 302
    article.refresh_from_db()
    assert article.version == 1
    assert article.history.count() == 1


def test_a_stale_credits_inline_is_refused_with_a_message_and_nothing_saved(
    client, article, editor_user, chief_editor_user
):
    client.force_login(editor_user)
    opened = article_form(article)  # the editor opens the form at version 1
    editorial.edit_article(article, changes={"headline": "主编改的标题"}, expected_version=1,
                           user=chief_editor_user)
    newcomer = make_person("赵通讯员")
    stale = article_form(Article.objects.get(pk=article.pk), expected_version=1,
                         extra_credits=[(newcomer, "correspondent")])
    stale["headline"] = opened["headline"]
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert "保存失败" in response.content.decode()
    article.refresh_from_db()
    assert article.version == 2
    assert not article.credits.filter(person=newcomer).exists()
    assert not Credit.history.filter(person=newcomer).exists()


def test_a_stale_caption_inline_is_refused_and_nothing_saved(
    client, article, editor_user, chief_editor_user
):
    client.force_login(editor_user)
    photo = article.photos.get()
    editorial.edit_article(article, changes={}, expected_version=1, user=chief_editor_user,
                           photos={photo.pk: {"caption": "主编改的说明。"}})
    stale = article_form(Article.objects.get(pk=article.pk), expected_version=1,
                         captions={photo.pk: "编辑改的说明。"})
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert "保存失败" in response.content.decode()
    photo.refresh_from_db()
    assert photo.caption == "主编改的说明。"


def test_a_save_that_loses_the_race_after_the_forms_check_is_refused(
    client, article, editor_user, chief_editor_user, monkeypatch
):
    """The form checked version 1; another save lands before the operation locks the row.

    (Here the other save runs inside the admin's transaction, so the refusal rolls it back too.)
    """
    client.force_login(editor_user)
    newcomer = make_person("赵通讯员")
    data = article_form(article, extra_credits=[(newcomer, "correspondent")])
    real = editorial.edit_article

    def other_editor_first(*args, **kwargs):
        real(Article.objects.get(pk=article.pk), changes={"headline": "抢先保存"},
             expected_version=1, user=chief_editor_user)
        return real(*args, **kwargs)

    monkeypatch.setattr(editorial, "edit_article", other_editor_first)
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 1
    assert not article.credits.filter(person=newcomer).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("保存失败" in m for m in messages)


def test_a_photo_credit_changed_in_the_photo_admin_bumps_the_article(client, article, editor_user):
    client.force_login(editor_user)
    photo = article.photos.get()
    credit = make_credit(person=make_person("李摄影"), photo=photo, role="photographer")
    data = photo_form(photo, credits=[credit])
    data["credits-0-DELETE"] = "on"
    assert client.post(change_url(photo), data).status_code == 302
    photo.refresh_from_db()
    article.refresh_from_db()
    assert not photo.credits.exists()
    assert (photo.version, article.version) == (2, 2)
    assert article.history.first().history_change_reason == "修改图片：署名"
    assert Credit.history.filter(history_type="-").get().history_change_reason == "修改图片：署名"


def test_a_stale_photo_form_is_refused_and_nothing_saved(client, article, editor_user, chief_editor_user):
    client.force_login(editor_user)
    photo = article.photos.get()
    editorial.edit_photo(photo, changes={"caption": "主编改的说明。"}, expected_version=1,
                         user=chief_editor_user)
    response = client.post(change_url(photo), photo_form(photo, expected_version=1, caption="编辑改的。"))
    assert response.status_code == 200
    assert "保存失败" in response.content.decode()
    photo.refresh_from_db()
    assert (photo.caption, photo.version) == ("主编改的说明。", 2)


def test_renaming_a_person_bumps_every_article_showing_them(client, article, chief_editor_user):
    client.force_login(chief_editor_user)
    person = Person.objects.get(name="王记者")
    photo_article = make_article(article.issue)
    make_credit(person=person, photo=make_photo(article.issue, article=photo_article),
                role="photographer")
    untouched = make_article(article.issue)
    response = client.post(change_url(person), person_form(person, name="王大记者"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.version) == ("王大记者", 2)
    versions = dict(Article.objects.values_list("pk", "version"))
    assert (versions[article.pk], versions[photo_article.pk], versions[untouched.pk]) == (2, 2, 1)
    assert article.history.first().history_change_reason == "修改作者：姓名"


def test_an_alias_added_in_the_person_form_is_recorded_and_moves_only_the_persons_version(
    client, article, chief_editor_user
):
    client.force_login(chief_editor_user)
    person = Person.objects.get(name="王记者")
    response = client.post(change_url(person), person_form(person, aliases=["王纪者"]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert list(person.aliases.values_list("name", flat=True)) == ["王纪者"]
    assert person.version == 2
    assert person.history.first().history_change_reason == "修改作者：别名"
    assert person.aliases.get().history.first().history_change_reason == "修改作者：别名"
    assert Article.objects.get(pk=article.pk).version == 1


def test_a_stale_alias_inline_is_refused_and_nothing_saved(client, article, chief_editor_user):
    client.force_login(chief_editor_user)
    person = Person.objects.get(name="王记者")
    editorial.edit_person(person, name="王大记者", expected_version=1, user=chief_editor_user)
    response = client.post(change_url(person),
                           person_form(person, name="王大记者", aliases=["王纪者"], expected_version=1))
    assert response.status_code == 200
    assert "保存失败" in response.content.decode()
    assert not person.aliases.exists()


def test_credits_are_no_longer_edited_on_their_own_page(client, article, chief_editor_user):
    client.force_login(chief_editor_user)
    credit = article.credits.get()
    response = client.post(change_url(credit), {"person": credit.person_id, "role": "intern",
                                                "order": "1", "article": article.pk})
    assert response.status_code == 403
    credit.refresh_from_db()
    assert credit.role == "reporter"


def test_renaming_a_contributor_costs_the_same_queries_whatever_their_articles(
    issue, chief_editor_user, django_assert_max_num_queries
):
    person = make_person("王记者")
    for _i in range(12):
        make_credit(person=person, article=make_article(issue))
    # person locked; name taken? alias taken? aliases; articles locked; person saved with
    # history; articles updated and their history (one batch); issues with loose photos;
    # the bylines printed with the old name read, updated and their history (one batch each)
    with django_assert_max_num_queries(19):
        editorial.edit_person(person, name="王大记者", expected_version=1, user=chief_editor_user)
    assert set(Article.objects.values_list("version", flat=True)) == {2}
