"""Every kind of review flag, by the code stored on it: one list for the parser, the loader and the models.

The parser and the loader open flags with these codes; ``ReviewFlag.Code`` labels each of them
(tests/load/test_flags.py checks that it covers ``ALL_CODES``), and newsroom/flag_messages.py words
their messages.
"""

# Repairs the parser made to a page's text (each can be undone).
JOINED_PARAGRAPHS = "joined_paragraphs"
REMOVED_STRAY_LINE = "removed_stray_line"
REMOVED_FURNITURE = "removed_furniture"
CROSSHEAD_DETECTED = "crosshead_detected"
# Doubts the parser records about a page.
TRUNCATED_ARTICLE = "truncated_article"
PHOTO_CREDIT_INFERRED = "photo_credit_inferred"
UNATTACHED_CREDIT = "unattached_credit"
UNASSIGNED_TEXT = "unassigned_text"
WEEKDAY_MISMATCH = "weekday_mismatch"
LUNAR_DATE_MISMATCH = "lunar_date_mismatch"
DECODED_ENCODING = "decoded_encoding"
# What the loader finds when it compares a page with the archive.
MASTHEAD_MISMATCH = "masthead_mismatch"
POSSIBLE_DUPLICATE_CONTRIBUTOR = "possible_duplicate_contributor"
IMPORT_CONFLICT = "import_conflict"
# Anything else (flags stored before a code of their own existed).
OTHER = "other"
# A jump line (下转第3版) taken out of an article's body into its ``jump`` (see PAGES.md).
JUMP_LINE = "jump_line"
# What the loader finds when it files a page into its issue.
PAGE_SOURCE_CHANGED = "page_source_changed"
# A page whose file name carries another date than its header prints (importers/parse/filenames.py).
FILE_DATE_MISMATCH = "file_date_mismatch"
# Articles continued across pages (importers/load/joins.py): a part joined to the article it
# continues (undoing it splits them), a jump whose continuation is not found (yet), and a
# continuation matching no article, or several.
JOINED_CONTINUATION = "joined_continuation"
JUMP_PENDING = "jump_pending"
CONTINUATION_UNMATCHED = "continuation_unmatched"
# A reader's suggestion (报错) of what the paper printed instead of a passage of the text
# (newsroom/editorial/suggestions.py): accepting applies it, undoing rejects it.
READER_SUGGESTION = "reader_suggestion"
# A page's scan that passed the check at import but failed to decode in the background
# (newsroom/editorial/scanchecks.py): readers do not see it until a sound scan replaces it.
SCAN_UNREADABLE = "scan_unreadable"
ALL_CODES = (
    JOINED_PARAGRAPHS, REMOVED_STRAY_LINE, REMOVED_FURNITURE, CROSSHEAD_DETECTED,
    TRUNCATED_ARTICLE, PHOTO_CREDIT_INFERRED, UNATTACHED_CREDIT, UNASSIGNED_TEXT,
    WEEKDAY_MISMATCH, LUNAR_DATE_MISMATCH, DECODED_ENCODING,
    MASTHEAD_MISMATCH, POSSIBLE_DUPLICATE_CONTRIBUTOR, IMPORT_CONFLICT, OTHER,
    JUMP_LINE, PAGE_SOURCE_CHANGED, JOINED_CONTINUATION, JUMP_PENDING, CONTINUATION_UNMATCHED,
    FILE_DATE_MISMATCH, READER_SUGGESTION, SCAN_UNREADABLE,
)
# The repairs an editor can undo: they replace a passage of the body.
BODY_REPAIRS = (JOINED_PARAGRAPHS, REMOVED_STRAY_LINE, REMOVED_FURNITURE, CROSSHEAD_DETECTED, JUMP_LINE)
