"""An issue's pages (版) in the API: number, name, staff and scan (newsroom/models/pages.py).

A page's ``scan`` is null unless the client may see it (newsroom/models/scans.py: a reader
sees a page's scan unless a withdrawn article on it is withheld). Which scans a response may
show is asked once for all the issues it holds (``remember_scans``), not once a page.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsroom.iiif.presentation import image_service_path, manifest_path
from newsroom.models import Page, PageStaff, StaffRole, sees_unpublished
from newsroom.siteurl import absolute_url

# The key, in a serializer's context, of the ids of the pages whose scan the client may see.
VISIBLE_SCANS = "visible_scans"


def remember_scans(context: dict, issues) -> None:
    """Note in the context which of these issues' pages have a scan the client may see: no
    query for staff or issues without scans, else one for them all.

    The issues' pages are prefetched (newsroom/api/views.py): their rows say which have a scan.
    """
    known = context.setdefault(VISIBLE_SCANS, {})
    with_scan = [page.pk for issue in issues for page in issue.pages.all()
                 if page.has_scan and page.pk not in known]
    if not with_scan:
        return
    user = getattr(context.get("request"), "user", None)
    shown = set(with_scan) if sees_unpublished(user) else set(
        Page.objects.filter(pk__in=with_scan).with_scan_visible_to(user).values_list("pk", flat=True))
    known.update({pk: pk in shown for pk in with_scan})


def scan_shown(context: dict, page: Page) -> bool:
    """Return whether the client may see the page's scan (asked for its whole issue at most once)."""
    if not page.has_scan:
        return False
    if page.pk not in context.get(VISIBLE_SCANS, {}):
        remember_scans(context, [page.issue])
    return context[VISIBLE_SCANS].get(page.pk, False)


def manifest_url(context: dict, issue) -> str | None:
    """Return the absolute address of an issue's IIIF manifest, or None if no scan of it is the client's."""
    if not any(scan_shown(context, page) for page in issue.pages.all()):
        return None
    return absolute_url(manifest_path(issue), context.get("request"))


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


class PageScanSerializer(serializers.Serializer):
    iiif_service = serializers.URLField(
        read_only=True,
        help_text="The scan's IIIF Image API 3.0 service (level 1): add `/info.json`, or "
                  "`/full/max/0/default.jpg` for the whole page.",
    )
    width = serializers.IntegerField(read_only=True, help_text="The scan's width in pixels.")
    height = serializers.IntegerField(read_only=True, help_text="The scan's height in pixels.")


class PageSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The page as printed: 第2版 综合.")
    staff = PageStaffSerializer(many=True, read_only=True, help_text="The page's staff (版面人员), in print order.")
    scan = serializers.SerializerMethodField(
        help_text="The page's scan (版面图), or null: the page has none, or the client may not see it."
    )

    class Meta:
        model = Page
        fields = ["number", "name", "label", "staff", "scan"]
        extra_kwargs = {
            "number": {"help_text": "Page (版) number."},
            "name": {"help_text": "The page's name (版名), e.g. 要闻, or empty."},
        }

    @extend_schema_field(PageScanSerializer(allow_null=True))
    def get_scan(self, page: Page) -> dict | None:
        if not scan_shown(self.context, page):
            return None
        return {
            "iiif_service": absolute_url(image_service_path(page), self.context.get("request")),
            "width": page.scan_width,
            "height": page.scan_height,
        }
