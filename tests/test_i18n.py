"""English is available for every part of the interface: complete catalogs, English admin and archive.

The catalogs are compiled by scripts/compile_messages.py (`make messages`, part of `make test`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from newsroom.models import Article, CorrectionStatus, Person, ReviewFlag, Role
from tests.factories import make_advertisement, make_article, make_credit, make_person

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# Apps whose user-facing text is ours to translate (Django's and third-party apps ship their own).
OUR_APPS = ["newsroom", "search", "importers", "archive"]


def _read(po: Path):
    with po.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _translations(po: Path) -> dict:
    """Return {(context, msgid): msgstr} for every entry of a catalog."""
    return {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m.string
        for m in _read(po)
        if m.id
    }


def _html(response) -> str:
    return response.content.decode()


# --- The catalogs -------------------------------------------------------------------------


def test_the_editorial_core_importers_and_archive_each_have_an_english_catalog():
    assert {po.relative_to(ROOT).parts[0] for po in CATALOGS if po.parts[-3] == "en"} >= {
        "newsroom",
        "importers",
        "archive",
    }


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: str(po.relative_to(ROOT)))
def test_every_catalog_entry_is_translated_and_none_is_fuzzy(po):
    catalog = _read(po)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    # English has two plural forms; Chinese (fill-ins for Django's own catalog) has one.
    assert catalog.num_plurals == (1 if po.parts[-3] == "zh_Hans" else 2)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            untranslated.append(message.id)
        elif not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: str(po.relative_to(ROOT)))
def test_every_translation_keeps_the_placeholders_of_its_msgid(po):
    catalog = _read(po)
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[0]))
        wrong += [(ids[0], s) for s in strings if set(placeholder.findall(s)) != expected]
    # Babel's own checks: python-format strings whose placeholders or types do not match.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert wrong == []
    assert problems == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: str(po.relative_to(ROOT)))
def test_the_compiled_catalog_is_up_to_date_with_its_po_file(po):
    expected = io.BytesIO()
    write_mo(expected, _read(po), use_fuzzy=False)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    assert mo.read_bytes() == expected.getvalue(), f"{mo} is stale: run `make messages`"


def test_a_msgid_in_two_catalogs_has_the_same_english_in_both():
    # Django merges every app's catalog and the app listed first in INSTALLED_APPS wins,
    # so a msgid translated differently in two apps would show only one of them everywhere.
    english = [_translations(po) for po in CATALOGS if po.parts[-3] == "en"]
    differing = {
        key: {str(first[key]), str(second[key])}
        for i, first in enumerate(english)
        for second in english[i + 1 :]
        for key in first.keys() & second.keys()
        if first[key] != second[key]
    }
    assert differing == {}


# --- Models and admin: every label with Chinese in it has an English translation -------------


def _model_labels():
    """Yield (where, lazy text) for our apps' and models' names, fields, help texts and choices."""
    for config in apps.get_app_configs():
        if config.label not in OUR_APPS:
            continue
        yield f"app {config.label}", config.verbose_name
        for model in config.get_models():
            name = model.__name__
            if name.startswith("Historical"):
                continue  # simple_history copies the model's own labels
            yield f"{name} verbose_name", model._meta.verbose_name
            yield f"{name} verbose_name_plural", model._meta.verbose_name_plural
            for codename, label in model._meta.permissions:
                yield f"{name} permission {codename}", label
            for field in model._meta.get_fields():
                if not hasattr(field, "verbose_name") or field.auto_created:
                    continue
                yield f"{name}.{field.name}", field.verbose_name
                if getattr(field, "help_text", ""):
                    yield f"{name}.{field.name} help_text", field.help_text
                for value, label in getattr(field, "flatchoices", None) or []:
                    yield f"{name}.{field.name} choice {value}", label


def _admin_labels():
    """Yield (where, lazy text) for our admin's columns, fieldsets, filters and actions."""
    site = admin.site
    for model_admin in site._registry.values():
        if not type(model_admin).__module__.startswith("newsroom.admin."):
            continue  # includes our admin of taggit's Tag, not Django's own User admin
        where = type(model_admin).__name__
        for fieldset_name, _options in model_admin.fieldsets or []:
            if fieldset_name:
                yield f"{where} fieldset", fieldset_name
        for entry in [*model_admin.list_display, *model_admin.readonly_fields]:
            method = entry if callable(entry) else getattr(model_admin, entry, None)
            if method is not None and hasattr(method, "short_description"):
                yield f"{where}.{entry}", method.short_description
        for entry in model_admin.list_filter:
            if isinstance(entry, type) and hasattr(entry, "title"):
                yield f"{where} filter {entry.__name__}", entry.title
        for func, _name, description in model_admin._get_base_actions():
            if func.__module__.startswith("newsroom"):
                yield f"{where} action {func.__name__}", description
        if getattr(model_admin, "search_help_text", None):
            yield f"{where} search_help_text", model_admin.search_help_text
    yield "site_header", site.site_header
    yield "site_title", site.site_title
    yield "index_title", site.index_title


def test_every_chinese_model_label_and_choice_has_an_english_translation():
    labels = list(_model_labels())
    assert len(labels) > 100  # the walk reached the models
    with translation.override("zh-hans"):
        chinese = [(where, str(text)) for where, text in labels]
    with translation.override("en"):
        english = [str(text) for _where, text in labels]
    untranslated = [
        (where, zh)
        for (where, zh), en in zip(chinese, english, strict=True)
        if CJK.search(zh) and (en == zh or CJK.search(en))
    ]
    assert untranslated == []


def test_every_chinese_admin_column_filter_and_action_has_an_english_translation():
    labels = list(_admin_labels())
    assert len(labels) > 30  # the walk reached the admin classes
    with translation.override("zh-hans"):
        chinese = [(where, str(text)) for where, text in labels]
    with translation.override("en"):
        english = [str(text) for _where, text in labels]
    untranslated = [
        (where, zh)
        for (where, zh), en in zip(chinese, english, strict=True)
        if CJK.search(zh) and (en == zh or CJK.search(en))
    ]
    assert untranslated == []


def test_english_uses_the_newspapers_terms_and_plural_forms():
    with translation.override("en"):
        assert str(Article._meta.get_field("kicker").verbose_name) == "Kicker"
        assert str(Article._meta.get_field("subheadline").verbose_name) == "Subheadline"
        assert str(Article._meta.get_field("dateline").verbose_name) == "Dateline"
        assert str(CorrectionStatus.IN_REVIEW.label) == "Being corrected"
        assert str(Role.TRAINEE_REPORTER.label) == "Trainee reporter"
        one = ngettext("已为 %(n)d 篇文章添加标签。", "已为 %(n)d 篇文章添加标签。", 1) % {"n": 1}
        many = ngettext("已为 %(n)d 篇文章添加标签。", "已为 %(n)d 篇文章添加标签。", 3) % {"n": 3}
        assert (one, many) == ("Tags added to 1 article.", "Tags added to 3 articles.")
        # Chinese names a kind of thing the same way for one and many; English does not.
        assert [(str(m._meta.verbose_name), str(m._meta.verbose_name_plural))
                for m in (Article, Person, ReviewFlag)] == [
            ("Article", "Articles"), ("Contributor", "Contributors"), ("Review flag", "Review flags")]
    with translation.override("zh-hans"):
        assert gettext("引题") == "引题"
        assert str(Article._meta.verbose_name_plural) == str(Article._meta.verbose_name) == "文章"


def test_every_model_has_an_english_plural_that_differs_from_its_singular():
    from django.apps import apps

    models = [m for m in apps.get_models() if m._meta.app_label in ("newsroom", "search")
              and not m.__name__.startswith("Historical")]
    with translation.override("en"):
        same = [m.__name__ for m in models
                if str(m._meta.verbose_name_plural) == str(m._meta.verbose_name)]
    assert len(models) > 10 and same == []


# --- Pages in each language --------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def _choose_english(client):
    """Pick English as a reader would: the language form posts to Django's set_language view."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_the_article_changelist_is_in_english_once_english_is_chosen(editor_client):
    make_article(headline="甲文章", correction_status=CorrectionStatus.IN_REVIEW)
    _choose_english(editor_client)
    page = _html(editor_client.get(reverse("admin:newsroom_article_changelist")))
    assert "Correction status" in page  # column and filter
    assert "Visibility" in page
    assert "Being corrected" in page  # the row's choice and the filter's option
    assert "Uncorrected" in page
    assert "Mark as corrected" in page  # an action
    assert "校对状态" not in page
    assert "校对中" not in page


@pytest.mark.django_db
def test_the_article_changelist_is_in_chinese_by_default(editor_client):
    make_article(headline="甲文章", correction_status=CorrectionStatus.IN_REVIEW)
    page = _html(editor_client.get(reverse("admin:newsroom_article_changelist")))
    assert "校对状态" in page
    assert "校对中" in page
    assert "标记为已校对" in page
    assert "Correction status" not in page
    assert "Being corrected" not in page


@pytest.mark.django_db
def test_the_article_change_form_is_in_english_with_accept_language_en(editor_client):
    article = make_article(headline="甲文章", kicker="引子")
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    page = _html(editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    for label in (
        "Kicker",
        "Headline",
        "Subheadline",
        "Dateline",
        "Body text",
        "Correction status",
        "Visibility",
        "Uncorrected",
        "Being corrected",
        "Correction and publication",
    ):
        assert label in page, label
    for label in ("引题", "副题", "电头", "校对状态", "未校对"):
        assert label not in page, label


@pytest.mark.django_db
def test_the_article_change_form_is_in_chinese_by_default(editor_client):
    article = make_article(headline="甲文章")
    page = _html(editor_client.get(reverse("admin:newsroom_article_change", args=[article.pk])))
    for label in ("引题", "副题", "电头", "校对状态", "未校对", "校对与发布"):
        assert label in page, label
    for label in ("Kicker", "Subheadline", "Dateline", "Correction status"):
        assert label not in page, label


@pytest.mark.django_db
def test_an_archive_contributor_page_is_in_english_once_english_is_chosen(client):
    article = make_article(headline="甲文章")
    person = make_person("王小明")
    make_credit(person=person, article=article, role=Role.TRAINEE_REPORTER)
    _choose_english(client)
    page = _html(client.get(f"/people/{person.pk}/"))
    assert "Filter by role" in page
    assert "Trainee reporter" in page  # the role comes from the newsroom catalog
    assert "Page 1" in page
    assert "按角色筛选" not in page
    assert "见习记者" not in page


@pytest.mark.django_db
def test_an_archive_issue_page_is_in_english_with_accept_language_en(client):
    article = make_article(headline="甲文章")
    make_advertisement(issue=article.issue, advertiser="某公司")
    english = _html(client.get(article.issue.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    chinese = _html(client.get(article.issue.get_absolute_url()))
    assert "Advertisement" in english and "Neighbouring issues" in english
    assert "广告</h2>" in chinese and "相邻的报纸" in chinese
    assert "Advertisement" not in chinese
