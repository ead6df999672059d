"""An issue page, page by page: each page (版) with its name, staff and what readers may see on it.

A continued article appears once, on the page where it starts, with a "转第3版" link to each
later page it runs on; those pages show a "上接第1版" line that leads back to it. A page with
nothing public on it is not shown. A page whose scan the reader may see (newsroom/models/scans.py)
shows it beside its articles: a thumbnail from the IIIF image service, a link to the whole scan
and one to the issue's IIIF manifest. Three queries beside the issue's contents: the pages with
their staff and whether the reader may see their scan (two), the parts continuing the issue's
public articles (one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from archive.queries import CompiledQuery
from newsroom.iiif.presentation import image_path, thumbnail_size
from newsroom.models import Article, Issue, Page, PageStaff, sees_unpublished
from newsroom.models.articles import published

# The thumbnail's width in CSS pixels; twice it for screens with two device pixels to one.
THUMBNAIL_WIDTH = 300


@dataclass(frozen=True)
class ScanLink:
    """A page's scan as the issue page shows it: a thumbnail leading to the whole scan."""

    thumbnail: str
    thumbnail_2x: str
    width: int
    height: int
    full: str

    @classmethod
    def of(cls, page: Page) -> ScanLink:
        width, height = thumbnail_size(page, THUMBNAIL_WIDTH)
        double, _height = thumbnail_size(page, 2 * THUMBNAIL_WIDTH)
        return cls(thumbnail=image_path(page, f"{width},"), thumbnail_2x=image_path(page, f"{double},"),
                   width=width, height=height, full=image_path(page))


@dataclass
class PageSection:
    """One page of an issue as the issue page shows it."""

    number: int
    name: str = ""
    staff: list = field(default_factory=list)  # PageStaff rows with their people
    articles: list = field(default_factory=list)
    photos: list = field(default_factory=list)  # loose photos (on no article)
    continued: list = field(default_factory=list)  # the articles that continue here (上接)
    scan: ScanLink | None = None  # the page's scan, when the reader may see it

    @property
    def label(self) -> str:
        """Return 第2版, as the paper prints the page's number."""
        return gettext("第%(n)s版") % {"n": self.number}

    @property
    def shown(self) -> bool:
        return bool(self.articles or self.photos or self.continued or self.scan)


def issue_sections(issue: Issue, articles: list[Article], loose_photos: list, *, user=None) -> list[PageSection]:
    """Return the sections of an issue page in page order, each page once, empty ones left out.

    Sets ``continues_on`` (the later pages it runs on) on each continued article. ``user``
    decides which scans are shown (a reader's: the public ones).
    """
    sections: dict[int, PageSection] = {}

    def section(number: int) -> PageSection:
        return sections.setdefault(number, PageSection(number))

    pages = _pages_for_staff(issue.pk) if sees_unpublished(user) else _pages_for_readers(issue.pk)
    staff_of: dict[int, list] = {}
    for member in _page_staff(issue.pk):
        staff_of.setdefault(member.page_id, []).append(member)
    for page in pages:
        found = section(page.number)
        found.name, found.staff = page.name, staff_of.get(page.pk, [])
        if page.scan_visible:
            page.issue = issue  # its identifier names the issue: no query
            found.scan = ScanLink.of(page)
    for article in articles:
        article.continues_on = []
        section(article.page).articles.append(article)
    for photo in loose_photos:
        section(photo.page).photos.append(photo)
    leads = {article.pk: article for article in articles}
    parts = _continuing_parts(issue.pk)
    first_of = {part.pk: part.continues_id for part in parts}
    for part in parts:
        lead_id, hops = part.continues_id, 0
        while lead_id in first_of and hops < 8:  # a part continuing a part: its article's start
            lead_id, hops = first_of[lead_id], hops + 1
        lead = leads.get(lead_id)
        if lead is None or part.page == lead.page:
            continue
        if part.page not in lead.continues_on:
            lead.continues_on.append(part.page)
        section(part.page).continued.append(lead)
    return [sections[number] for number in sorted(sections) if sections[number].shown]


def _pages(user_is_staff: bool):
    """Return the query of an issue's pages, each with whether the user may see its scan: what
    ``with_scan_visible_to(user)`` decides, for staff (any servable scan) or for readers."""

    def build(issue):
        visible = Page.objects.filter(pk=OuterRef("pk"))
        visible = visible.with_servable_scan() if user_is_staff else visible.with_public_scan()
        return Page.objects.filter(issue=issue).annotate(scan_visible=Exists(visible))

    return CompiledQuery(build, Page._meta.get_field("issue"))


# Compiled once (archive/queries.py CompiledQuery): the pages as staff and as readers see their scans.
_pages_for_staff, _pages_for_readers = _pages(True), _pages(False)
_page_staff = CompiledQuery(lambda issue: PageStaff.objects.filter(page__issue=issue).select_related("person"),
                            Page._meta.get_field("issue"))
_continuing_parts = CompiledQuery(
    lambda issue: Article.objects.filter(published(), issue=issue, continues__isnull=False)
    .order_by("page", "position").only("pk", "page", "position", "continues_id"),
    Article._meta.get_field("issue"),
)
