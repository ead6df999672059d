"""The editorial core of Newsroom, in the newspaper's own terms.

A Publication prints an Issue each day; an Issue holds Articles, Photos and
Advertisements on its pages; People are credited on articles and photos;
a Page records each page's name, staff and file;
SourceFile and ImportRun say where everything came from; ReviewFlags are what
the importer repaired or doubted, for an editor to accept or undo.

One module a question (papers, provenance, people, articles, credits, flags, fields);
this package re-exports every model and choice, so ``from newsroom.models import Article``
(and the migrations' ``newsroom.models.SnapshotField``) keep working.
"""

from newsroom.models.access import sees_unpublished
from newsroom.models.articles import (
    Advertisement,
    AdvertisementQuerySet,
    Article,
    ArticleQuerySet,
    ArticleVersion,
    CorrectionStatus,
    Photo,
    PhotoQuerySet,
    Visibility,
    page_order,
    prefetch_tags,
    record_article_tags,
)
from newsroom.models.credits import Credit, credited_names
from newsroom.models.fields import SnapshotField, in_range, within
from newsroom.models.flags import ReviewFlag, ReviewFlagQuerySet
from newsroom.models.intake import Intake, IntakeFile
from newsroom.models.pages import Page, PageQuerySet, PageStaff, StaffRole
from newsroom.models.papers import Issue, IssueQuerySet, Publication, public_issue
from newsroom.models.people import Person, PersonAlias, PersonQuerySet, PersonRedirect, Role
from newsroom.models.provenance import ImportedFile, ImportRun, SourceFile
from newsroom.models.scans import ScanRelease, ScanVerification
from newsroom.models.tags import TagSpelling, spell_tag, tag_matching

__all__ = [
    "Advertisement",
    "AdvertisementQuerySet",
    "Article",
    "ArticleQuerySet",
    "ArticleVersion",
    "CorrectionStatus",
    "Credit",
    "ImportRun",
    "ImportedFile",
    "Intake",
    "IntakeFile",
    "Issue",
    "IssueQuerySet",
    "Page",
    "PageQuerySet",
    "PageStaff",
    "Person",
    "PersonAlias",
    "PersonQuerySet",
    "PersonRedirect",
    "Photo",
    "PhotoQuerySet",
    "Publication",
    "ReviewFlag",
    "ReviewFlagQuerySet",
    "Role",
    "ScanRelease",
    "ScanVerification",
    "SnapshotField",
    "SourceFile",
    "StaffRole",
    "TagSpelling",
    "Visibility",
    "credited_names",
    "in_range",
    "page_order",
    "prefetch_tags",
    "public_issue",
    "record_article_tags",
    "sees_unpublished",
    "spell_tag",
    "tag_matching",
    "within",
]
