"""Dates typed in the desk: yyyy-mm-dd in the Chinese interface, in the inputs and the calendar."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_issue_form_shows_its_date_as_yyyy_mm_dd_in_chinese(client, issue, chief_editor_user):
    client.force_login(chief_editor_user)
    page = client.get(reverse("admin:newsroom_issue_change", args=[issue.pk])).content.decode()
    field = re.search(r'<input[^>]*name="date"[^>]*>', page).group(0)
    assert f'value="{issue.date:%Y-%m-%d}"' in field


def test_the_admin_calendar_writes_yyyy_mm_dd_in_chinese_and_reads_the_other_chinese_forms(client, chief_editor_user):
    client.force_login(chief_editor_user)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    block = re.search(r'"DATE_INPUT_FORMATS": (\[.*?\])', script, re.S).group(1)
    date_formats = json.loads(block)
    block = re.search(r'"DATETIME_INPUT_FORMATS": (\[.*?\])', script, re.S).group(1)
    datetime_formats = json.loads(block)
    assert date_formats[0] == "%Y-%m-%d"
    assert "%Y/%m/%d" in date_formats
    assert datetime_formats[0] == "%Y-%m-%d %H:%M:%S"
