"""What a page holds: articles (with their history's tags), photos and advertisements."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager
from taggit.models import Tag

from newsroom.lib.blocks import Block, parse_body
from newsroom.lib.bounds import PAGES, POSITIONS
from newsroom.models.access import sees_unpublished
from newsroom.models.continuations import ContinuedArticle, continuing
from newsroom.models.fields import SnapshotField, count_of, in_range, related_model, within
from newsroom.models.papers import Issue, public_issue


class CorrectionStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", _("未校对")
    IN_REVIEW = "in_review", _("校对中")
    REVIEWED = "reviewed", _("已校对")


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


def published(via: str = "") -> Q:
    """Return the condition that an article (reached through ``via``, e.g. "article__") is public:
    published, in an issue that is not held."""
    return Q(**{f"{via}visibility": Visibility.PUBLISHED}) & public_issue(f"{via}issue__")


def public_photo(via: str = "") -> Q:
    """Return the condition that a photo (reached through ``via``) is public: in an issue that is
    not held, and not on a withdrawn article."""
    return public_issue(f"{via}issue__") & (
        Q(**{f"{via}article__isnull": True}) | Q(**{f"{via}article__visibility": Visibility.PUBLISHED})
    )


def page_order(*, by_edition: bool = True) -> tuple[str, ...]:
    """Return the order "newest issue first, then as printed": edition, page, position.

    ``by_edition=False`` leaves the edition out, as the archive's lists always have; the pk
    last makes the order total. For orders that put something first (search relevance).
    """
    edition = ("issue__edition",) if by_edition else ()
    return ("-issue__date", *edition, "page", "position", "pk")


class ArticleQuerySet(models.QuerySet):
    def public(self) -> ArticleQuerySet:
        """Return the articles a reader may see: published, and each continued article once
        (the parts that continue one are read within it, see continuations.py)."""
        return self.filter(published()).as_read()

    def visible_to(self, user) -> ArticleQuerySet:
        """Return the articles this user may see: staff see withdrawn ones (and held issues') too."""
        return self if sees_unpublished(user) else self.public()

    def in_public_issues(self) -> ArticleQuerySet:
        """Return the articles (withdrawn or not) of issues that are not held: the archive's
        article page answers 410 for a withdrawn one, and knows nothing of a held one."""
        return self.filter(public_issue("issue__"))

    def as_read(self) -> ArticleQuerySet:
        """Return the articles as readers meet them: each continued article once, by its first part."""
        return self.filter(continues__isnull=True)

    def on_page(self, number: int) -> ArticleQuerySet:
        """Return the articles on a page (版), those continued on it included: by a part that
        continues them, or a part continuing such a part (an article on up to four pages)."""
        parts = self.model.objects.filter(continuing(OuterRef("pk")), page=number)
        return self.filter(Q(page=number) | Exists(parts))

    def withdrawn(self) -> ArticleQuerySet:
        return self.filter(visibility=Visibility.WITHDRAWN)

    def on_date(self, date: dt.date) -> ArticleQuerySet:
        return self.filter(issue__date=date)

    def by_person(self, person=None, *, role: str | None = None) -> ArticleQuerySet:
        """Return the articles credited to a person, or with a photo credited to them (once each).

        ``person`` is a Person, its id, or a QuerySet of people (any of them); None is anyone.
        With ``role``, only credits in that role count.
        """
        credits = related_model(self.model, "credits").objects.of(person, role=role)
        # Two semi-joins, not a join with DISTINCT: no duplicate rows to remove, and the
        # result can still be ordered by related fields and sliced.
        return self.filter(
            Exists(credits.filter(article=OuterRef("pk")))
            | Exists(credits.filter(photo__article=OuterRef("pk")))
        )

    def with_open_flags(self) -> ArticleQuerySet:
        flags = related_model(self.model, "flags").objects.open()
        return self.filter(Exists(flags.filter(article=OuterRef("pk"))))

    def with_open_flag_count(self) -> ArticleQuerySet:
        """Return the articles annotated with ``open_flag_count``, their open review flags."""
        flags = related_model(self.model, "flags").objects.open()
        return self.annotate(open_flag_count=count_of(flags, "article"))

    def in_page_order(self, *, by_edition: bool = True) -> ArticleQuerySet:
        """Return the articles newest issue first, then as printed (see page_order())."""
        return self.order_by(*page_order(by_edition=by_edition))


class ArticleVersion(models.Model):
    """What an article's history holds beyond its own fields: its tags at that version.

    taggit's tags are not a field django-simple-history copies, so each history record keeps
    the tag names itself: record_article_tags fills them whenever an article is saved, the
    importer gives a new article's record none ([]). ``tag_names`` is None where a record does
    not hold them: a bulk status or visibility change (which never touches tags) and every
    record written before tags were recorded.
    """

    tag_names = models.JSONField(_("标签"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def held_tags(self) -> list[str] | None:
        """Return the article's tags at this version, or None when its history does not hold them.

        A record without tags (a bulk change) has the tags of the latest record before it that
        holds them: nothing that changes tags writes a record without them.
        """
        if self.tag_names is not None:
            return list(self.tag_names)
        earlier = (
            type(self).objects.filter(id=self.id, tag_names__isnull=False)
            .filter(
                Q(history_date__lt=self.history_date)
                | Q(history_date=self.history_date, history_id__lt=self.history_id)
            )
            .order_by("-history_date", "-history_id")
            .values_list("tag_names", flat=True)
            .first()
        )
        return None if earlier is None else list(earlier)


class Article(ContinuedArticle, models.Model):
    """A piece on a page: a story, or a photo-news item (图片新闻)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("文章")
        PHOTO = "photo", _("图片新闻")

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="articles", verbose_name=_("期")
    )
    page = models.PositiveSmallIntegerField(_("版"), default=1, validators=within(PAGES))
    position = models.PositiveSmallIntegerField(_("版面位置"), validators=within(POSITIONS))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    heading = models.CharField(
        _("原印标题"), max_length=500, blank=True, editable=False
    )
    kicker = models.CharField(_("引题"), max_length=300, blank=True)
    headline = models.CharField(_("主标题"), max_length=300)
    subheadline = models.CharField(_("副题"), max_length=300, blank=True)
    dateline = models.CharField(_("电头"), max_length=100, blank=True)
    body = models.TextField(
        _("正文"),
        blank=True,
        help_text=_("段落之间空一行；小标题以“### ”开头。"),
    )
    original_text = models.TextField(_("OCR原文"), blank=True, editable=False)
    imported = SnapshotField(
        _("上次导入文本"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("导入程序上次写入的文本，用于区分编辑的校对。"),
    )
    line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    truncated = models.BooleanField(_("转至缺失版面"), default=False)
    # An article cut at the foot of a page goes on on a later one (PAGES.md): the part that
    # jumps says where (jump_to, from its 下转第N版 line) and whether the cut falls mid-sentence;
    # the part that continues it says which page its 上接第N版 names and, once the importer
    # (or an editor) joined it, which part it continues. See newsroom/models/continuations.py.
    jump_to = models.PositiveSmallIntegerField(_("转至版"), null=True, blank=True, editable=False)
    jump_mid_sentence = models.BooleanField(_("转版处在句中"), default=False, editable=False)
    is_continuation = models.BooleanField(_("接续部分"), default=False, editable=False)
    continued_from = models.PositiveSmallIntegerField(_("上接版"), null=True, blank=True, editable=False)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("接续的文章"),
        help_text=_("本部分接续的文章（上接第N版）；为空则是独立的文章。"),
    )
    correction_status = models.CharField(
        _("校对状态"),
        max_length=20,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.UNREVIEWED,
    )
    visibility = models.CharField(
        _("公开状态"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    version = models.PositiveIntegerField(
        _("版本"), default=1, editable=False, help_text=_("每次保存加一，用于防止覆盖他人修改。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The text an editor corrects, and with it what else an editor may change (editorial
    # operations, the API's edit form and the admin's form all offer these).
    TEXT_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body")
    EDITABLE_FIELDS = (*TEXT_FIELDS, "kind", "correction_status")

    tags = TaggableManager(_("标签"), blank=True)
    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["imported", "original_text"], bases=[ArticleVersion])

    class Meta:
        ordering = ["issue", "page", "position"]
        verbose_name = _("文章")
        verbose_name_plural = pgettext_lazy("plural", "文章")
        permissions = [("publish_article", _("可以撤回或重新发布文章"))]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "page", "position"], name="article_unique_position"
            ),
            models.CheckConstraint(condition=in_range("page", PAGES), name="article_page_in_range"),
            models.CheckConstraint(
                condition=in_range("position", POSITIONS), name="article_position_in_range"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["article", "photo"]), name="article_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(correction_status__in=["unreviewed", "in_review", "reviewed"]),
                name="article_correction_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["published", "withdrawn"]),
                name="article_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(line_start__isnull=True)
                | Q(line_end__isnull=True)
                | Q(line_start__lte=models.F("line_end")),
                name="article_line_span_ordered",
            ),
        ]
        indexes = [models.Index(fields=["visibility", "correction_status"], name="article_state_idx")]

    def __str__(self) -> str:
        return self.headline or self.heading

    def get_absolute_url(self) -> str:
        return reverse("archive:article", kwargs={"pk": self.pk})

    @property
    def full_heading(self) -> str:
        """Return kicker, headline and subheadline as one line, as the page printed them."""
        return " ".join(part for part in (self.kicker, self.headline, self.subheadline) if part)

    @property
    def own_blocks(self) -> list[Block]:
        """Return this part's own body as blocks, parsed once for as long as `body` holds the same string.

        Keyed on the string's identity, not a flag: a changed body (an edit, the loader, a
        form, refresh_from_db) is another string object, so no caller has to invalidate.
        """
        body = self.body
        cached = self.__dict__.get("_parsed_body")
        if cached is None or cached[0] is not body:
            cached = (body, tuple(parse_body(body)))
            self.__dict__["_parsed_body"] = cached
        return list(cached[1])

    @property
    def blocks(self) -> list[Block]:
        """Return the article's text as blocks: its own, then those of the parts continuing it."""
        if not self.has_continuation:
            return self.own_blocks
        return list(parse_body(self.joined_body))

    @property
    def body_text(self) -> str:
        """Return the body as plain text, one block per line (as plain_text() does)."""
        return "\n".join(block.text for block in self.blocks)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLISHED

    @property
    def is_photo_news(self) -> bool:
        """Tell whether this is photo news (图片新闻): a photo whose caption is the article's text."""
        return self.kind == self.Kind.PHOTO

    def caption_of(self, photo: Photo) -> str:
        """Return the caption a photo adds to this article: none for photo news.

        A photo-news item's caption *is* its text, which the body holds (and editors
        correct there), so pages, the API, ninjs and search snippets show it once, as the body.
        """
        return "" if self.is_photo_news else photo.caption

    @property
    def etag(self) -> str:
        """Return the HTTP entity tag of this version of the article (for If-Match locking)."""
        return f'"article-{self.pk}-v{self.version}"'


def prefetch_tags(articles: list[Article]) -> None:
    """Load the tags of these articles in one query, as ``prefetch_related("tags")`` would.

    taggit's own prefetch builds a filtered queryset for every article it fills (about 1 ms
    each: a tenth of an issue page's rendering); this fills the same cache
    (``article.tags.all()`` reads it) from one query, in the order taggit gives.
    """
    if not articles:
        return
    through = Article.tags.through
    content_type = ContentType.objects.get_for_model(Article)
    tags_of: dict[int, list] = {article.pk: [] for article in articles}
    for item in (through.objects.filter(content_type=content_type, object_id__in=list(tags_of))
                 .select_related("tag").order_by("pk")):
        tags_of[item.object_id].append(item.tag)
    for article in articles:
        # What Django's prefetch stores: a queryset whose results are already in hand.
        cached = Tag.objects.all()
        cached._result_cache, cached._prefetch_done = tags_of[article.pk], True
        article._prefetched_objects_cache = {**getattr(article, "_prefetched_objects_cache", {}),
                                             "tags": cached}


@receiver(pre_create_historical_record, sender=Article.history.model)
def record_article_tags(sender, instance: Article, history_instance, **kwargs) -> None:
    """Record the article's tags in each history record a save writes (see ArticleVersion).

    Callers that change tags change them before they save, so the record holds the new ones.
    A new article has no tags yet: its record needs no query.
    """
    if history_instance.history_type == "+":
        history_instance.tag_names = []
    else:
        history_instance.tag_names = sorted(instance.tags.names())


class PhotoQuerySet(models.QuerySet):
    def public(self) -> PhotoQuerySet:
        """Return photos a reader may see: not attached to a withdrawn article."""
        return self.filter(public_photo())

    def visible_to(self, user) -> PhotoQuerySet:
        """Return the photos this user may see: staff see those of withdrawn articles (and held issues) too."""
        return self if sees_unpublished(user) else self.public()


class AdvertisementQuerySet(models.QuerySet):
    def public(self) -> AdvertisementQuerySet:
        """Return the advertisements a reader may see: those of issues that are not held."""
        return self.filter(public_issue("issue__"))

    def visible_to(self, user) -> AdvertisementQuerySet:
        """Return the advertisements this user may see: staff see those of held issues too."""
        return self if sees_unpublished(user) else self.public()


class Photo(models.Model):
    """A photograph on a page, with its caption and credits."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="photos", verbose_name=_("期")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("文章"),
    )
    page = models.PositiveSmallIntegerField(_("版"), default=1, validators=within(PAGES))
    position = models.PositiveSmallIntegerField(_("版面位置"), validators=within(POSITIONS))
    caption = models.TextField(_("图片说明"), blank=True)
    image = models.FileField(_("图片文件"), upload_to="photos/%Y/%m/", blank=True)
    original_text = models.TextField(_("OCR原文"), blank=True, editable=False)
    imported = SnapshotField(_("上次导入文本"), default=dict, blank=True, editable=False)
    line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("版本"), default=1, editable=False, help_text=_("每次保存加一，用于防止覆盖他人修改。")
    )

    objects = PhotoQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["imported", "original_text"])

    class Meta:
        ordering = ["issue", "page", "position"]
        verbose_name = _("图片")
        verbose_name_plural = pgettext_lazy("plural", "图片")
        constraints = [
            models.UniqueConstraint(fields=["issue", "page", "position"], name="photo_unique_position"),
            models.CheckConstraint(condition=in_range("page", PAGES), name="photo_page_in_range"),
            models.CheckConstraint(
                condition=in_range("position", POSITIONS), name="photo_position_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.caption[:40] or f"{self.issue} photo {self.position}"

    @property
    def is_public(self) -> bool:
        return self.article_id is None or self.article.is_public


class Advertisement(models.Model):
    """An advertisement printed on a page (the banks' boxes under the fold)."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="advertisements", verbose_name=_("期")
    )
    page = models.PositiveSmallIntegerField(_("版"), default=1, validators=within(PAGES))
    position = models.PositiveSmallIntegerField(_("版面位置"), validators=within(POSITIONS))
    advertiser = models.CharField(_("广告主"), max_length=200)
    text = models.TextField(_("原印文本"), blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    original_text = models.TextField(_("OCR原文"), blank=True, editable=False)
    imported = SnapshotField(_("上次导入文本"), default=dict, blank=True, editable=False)
    line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)

    objects = AdvertisementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["imported", "original_text"])

    class Meta:
        ordering = ["issue", "page", "position"]
        verbose_name = _("广告")
        verbose_name_plural = pgettext_lazy("plural", "广告")
        constraints = [
            models.UniqueConstraint(fields=["issue", "page", "position"], name="ad_unique_position"),
            models.CheckConstraint(condition=in_range("page", PAGES), name="ad_page_in_range"),
            models.CheckConstraint(
                condition=in_range("position", POSITIONS), name="ad_position_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.advertiser

    @property
    def printed_heading_and_lines(self) -> tuple[str, list[str]]:
        """Return the advertisement's heading and its other printed lines, the name once.

        An advertisement's first printed line is usually its advertiser (the logo line,
        e.g. "ICBC 中国工商银行"): then that line is the heading. Otherwise the
        advertiser's name heads the printed lines.
        """
        lines = [line for line in self.text.splitlines() if line.strip()]
        if lines and self.advertiser and self.advertiser in lines[0]:
            return lines[0], lines[1:]
        return self.advertiser, lines
