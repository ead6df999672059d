"""An issue's pages (版) in the API: number, name and staff (newsroom/models/pages.py)."""

from __future__ import annotations

from rest_framework import serializers

from newsroom.models import Page, PageStaff, StaffRole


class PageStaffSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField(read_only=True, help_text="The person's id (`people/{id}/`).")
    name = serializers.CharField(source="person.name", read_only=True, help_text="The person's name.")
    role = serializers.ChoiceField(choices=StaffRole.choices, read_only=True, help_text="The role, a stable code.")
    role_label = serializers.CharField(
        source="get_role_display", read_only=True, help_text="The role's name, e.g. 责任编辑."
    )
    label = serializers.CharField(read_only=True, help_text="The role as the page printed it, e.g. 本版编辑.")

    class Meta:
        model = PageStaff
        fields = ["person_id", "name", "role", "role_label", "label"]


class PageSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The page as printed: 第2版 综合.")
    staff = PageStaffSerializer(many=True, read_only=True, help_text="The page's staff (版面人员), in print order.")

    class Meta:
        model = Page
        fields = ["number", "name", "label", "staff"]
        extra_kwargs = {
            "number": {"help_text": "Page (版) number."},
            "name": {"help_text": "The page's name (版名), e.g. 要闻, or empty."},
        }
