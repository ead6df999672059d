"""The editorial operations: what an editor may do to the paper, called by the admin and the API alike.

Every function here takes the acting ``user``, checks that user's permission (a ``user`` of
``None`` is the system itself, e.g. a management command), changes the database in one
transaction and records the change in history (django-simple-history) with that user and a
reason. The admin and the REST API are thin layers over these functions; the business rules
(optimistic locking, the correction workflow, how a repair is undone, how two people merge)
live only here.

The package, by what an editor works on: ``articles`` (one article's correction; bulk
status, visibility and tags), ``photos``, ``people`` (rename, aliases, merge), ``revert``
(back to a version from history), ``flags`` (accept or undo the importer's repairs),
``duplicates`` (who may be one person), ``releases`` (a held issue released to readers, now or
at a scheduled time), ``common`` (fields, permissions, errors, locking,
history). What follows a change (search, the page cache, the pages' validators) is
newsroom/changes.py's: bulk writes here call ``articles_changed`` / ``touch_issues``.

Errors callers are expected to handle:

- ``StaleEditError``: someone saved the article after the version the editor started from
  (``.current`` is the article as saved by the other editor).
- ``FlagNotUndoable``: the repair cannot be put back (``.message`` says why).
- ``FlagAlreadyResolved``: the flag was accepted or undone already.
- ``django.core.exceptions.ValidationError``: a bad value (``.message_dict`` names the field).
- ``django.core.exceptions.PermissionDenied``: the user may not do this.
"""

from newsroom.editorial.articles import (
    add_tags,
    edit_article,
    set_correction_status,
    set_visibility,
)
from newsroom.editorial.common import (
    PERM_CHANGE_ARTICLE,
    PERM_CHANGE_CREDITS,
    PERM_CHANGE_PERSON,
    PERM_CHANGE_PHOTO,
    PERM_MERGE_PERSON,
    PERM_PUBLISH_ARTICLE,
    PERM_RESOLVE_FLAG,
    PHOTO_FIELDS,
    CreditLine,
    StaleEditError,
    char_diff,
    normalize_text,
    refusal,
)
from newsroom.editorial.continuations import join_articles, split_article
from newsroom.editorial.duplicates import DuplicateSuggestion, suggested_duplicates
from newsroom.editorial.flags import (
    FlagAlreadyResolved,
    FlagError,
    FlagNotUndoable,
    accept_flag,
    undo_flag,
)
from newsroom.editorial.people import MergePreview, edit_person, merge_people, merge_preview
from newsroom.editorial.photos import edit_photo
from newsroom.editorial.releases import (
    PERM_RELEASE_ISSUE,
    cancel_release,
    release_issue,
    schedule_release,
)
from newsroom.editorial.revert import revert_article, revert_reason, version_label
from newsroom.editorial.scans import (
    PERM_CHANGE_PAGE,
    PERM_RELEASE_SCAN,
    ScanChange,
    ScanError,
    release_scan,
    set_scan,
    withhold_scan,
)
from newsroom.editorial.suggestions import SuggestionRefused, suggest_correction

__all__ = [
    "PERM_CHANGE_ARTICLE",
    "PERM_CHANGE_CREDITS",
    "PERM_CHANGE_PAGE",
    "PERM_CHANGE_PERSON",
    "PERM_CHANGE_PHOTO",
    "PERM_MERGE_PERSON",
    "PERM_PUBLISH_ARTICLE",
    "PERM_RELEASE_ISSUE",
    "PERM_RELEASE_SCAN",
    "PERM_RESOLVE_FLAG",
    "PHOTO_FIELDS",
    "CreditLine",
    "DuplicateSuggestion",
    "FlagAlreadyResolved",
    "FlagError",
    "FlagNotUndoable",
    "MergePreview",
    "ScanChange",
    "ScanError",
    "StaleEditError",
    "SuggestionRefused",
    "accept_flag",
    "add_tags",
    "cancel_release",
    "char_diff",
    "edit_article",
    "edit_person",
    "edit_photo",
    "join_articles",
    "merge_people",
    "merge_preview",
    "normalize_text",
    "refusal",
    "release_issue",
    "release_scan",
    "revert_article",
    "revert_reason",
    "schedule_release",
    "set_correction_status",
    "set_scan",
    "set_visibility",
    "split_article",
    "suggest_correction",
    "suggested_duplicates",
    "undo_flag",
    "version_label",
    "withhold_scan",
]
