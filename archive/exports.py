"""The download page of the yearly exports (/data/) and the files it lists (newsroom/exports.py).

A file is served only by a name the exports' index lists, from the exports folder: never a
path a reader chose.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsroom.exports import file_named, read_index

CONTENT_TYPES = {"ninjs": "application/gzip", "text": "application/gzip"}


@require_safe
def exports_page(request: HttpRequest) -> HttpResponse:
    """List each year's files with their size, article count and SHA-256."""
    files = read_index()
    years: dict[int, list] = {}
    for entry in files:
        years.setdefault(entry.year, []).append(entry)
    return render(request, "archive/exports.html", {"years": sorted(years.items(), reverse=True)})


@require_safe
def export_file(request: HttpRequest, name: str) -> FileResponse:
    found = file_named(name)
    if found is None:
        raise Http404(_("没有这个文件。"))
    entry, path = found
    response = FileResponse(path.open("rb"), as_attachment=True, filename=entry.name,
                            content_type=CONTENT_TYPES.get(entry.kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    response["Digest"] = f"sha-256={entry.sha256}"
    return response
