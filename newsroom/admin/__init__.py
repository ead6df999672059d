"""The editorial desk: the Django admin where editors correct, review, tag and publish.

The admin is a thin layer over newsroom.editorial: every change an editor makes here (a
correction, a flag accepted or undone, a bulk action, a merge) goes through those functions,
which check permissions, lock, and record history. What is added here is presentation: the
OCR text beside the text being corrected, character diffs, the review queue, the history
compare view, and the stale-save conflict page. One module per part of the desk:

- articles: proofreading an article (the change page, the list, its filters and inlines)
- workflow: moving articles through correction and publishing, one or many
- review: the review queue of the importer's flags
- issues: the paper, its issues and their advertisements
- photos, people (contributors, merges, credits), tags
- intake: the day's upload, its preview and its background import
- provenance: source files and import runs; accounts: users and groups
- history (versions, diffs, reverts), editing (versioned saves), common (shared guards)

Django's autodiscovery imports this package; importing the modules registers their admins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.admin import (  # noqa: F401  (imported to register their admins)
    accounts,
    articles,
    intake,
    issues,
    pages,
    people,
    photos,
    provenance,
    review,
    tags,
)

admin.site.site_header = _("浙江工人日报 编辑部")
admin.site.site_title = _("编辑部")
admin.site.index_title = _("编辑工作台")
# Corrections need the width for two columns of Chinese text; the index and breadcrumbs navigate.
admin.site.enable_nav_sidebar = False
