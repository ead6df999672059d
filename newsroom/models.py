"""The editorial core of Newsroom, in the newspaper's own terms.

A Publication prints an Issue each day; an Issue holds Articles, Photos and
Advertisements on its pages; People are credited on articles and photos;
SourceFile and ImportRun say where everything came from; ReviewFlags are what
the importer repaired or doubted, for an editor to accept or undo.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager

from newsroom.lib.blocks import Block, parse_body
from newsroom.lib.bounds import ISSUE_NUMBERS, PAGES, POSITIONS

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def in_range(field: str, allowed: range) -> Q:
    """Return the condition that a number lies in a range of newsroom.lib.bounds.

    PostgreSQL's column types cap these numbers already; SQLite stores any 64-bit integer,
    so without the check an archive on SQLite could hold what PostgreSQL cannot restore.
    """
    return Q(**{f"{field}__gte": allowed.start, f"{field}__lte": allowed.stop - 1})


def within(allowed: range) -> list:
    """Return the validators of a range of newsroom.lib.bounds, so that forms and the API
    refuse a number out of it with the same message on every database."""
    return [MinValueValidator(allowed.start), MaxValueValidator(allowed.stop - 1)]


class SnapshotField(models.JSONField):
    """A JSON snapshot of what the importer wrote (Article, Photo, Advertisement.imported).

    On PostgreSQL, Django 5.2 bulk-inserts rows as UNNEST(array per column) unless a field
    has a placeholder of its own. A JSON document inside a text array costs psycopg a regex
    escape per double quote: a quarter of the importer's CPU (26 instead of 35 ms a page,
    measured in benchmarks/import_benchmark.py). With this placeholder the importer's
    inserts bind every value as its own parameter instead.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"

    def deconstruct(self):
        # Stored exactly as a JSONField (migrations see one): only how inserts bind it differs.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


class Publication(models.Model):
    """A newspaper whose issues the archive holds."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(_("标识"), max_length=100, unique=True)
    slogan = models.CharField(_("办报宗旨"), max_length=200, blank=True)
    cn_number = models.CharField(_("国内统一刊号"), max_length=20, blank=True)
    postal_code = models.CharField(_("邮发代号"), max_length=20, blank=True)
    website = models.CharField(_("网址"), max_length=200, blank=True)
    email = models.CharField(_("电子邮件"), max_length=200, blank=True)
    address = models.CharField(_("社址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=10, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("报纸名称")
        verbose_name_plural = pgettext_lazy("plural", "报纸名称")

    def __str__(self) -> str:
        return self.name

    def masthead_identifiers(self) -> dict[str, str]:
        """Return the identifiers a masthead is checked against."""
        return {
            "cn_number": self.cn_number,
            "postal_code": self.postal_code,
            "website": self.website,
            "email": self.email,
        }


class SourceFile(models.Model):
    """An OCR'd page file as it was imported."""

    name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("字节数"), default=0)
    encoding = models.CharField(_("编码"), max_length=20, default="utf-8")
    text = models.TextField(_("解码后文本"), blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("来源文件")
        verbose_name_plural = pgettext_lazy("plural", "来源文件")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One run of the importer, kept even when what it imported is deleted."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("部分文件失败")
        DRY_RUN = "dry_run", _("试运行")

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.CharField(_("发起人"), max_length=150, blank=True)
    arguments = models.TextField(_("参数"), blank=True)
    files_total = models.PositiveIntegerField(_("文件数"), default=0)
    files_failed = models.PositiveIntegerField(_("失败文件数"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("导入记录")
        verbose_name_plural = pgettext_lazy("plural", "导入记录")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ImportedFile(models.Model):
    """What one import run did with one file, in the order the run read its files.

    Written as the run goes, a few hundred at a time, so a run of any number of files
    holds only those few hundred in memory (importers/load/reports.py, RunFiles).
    """

    class Status(models.TextChoices):
        CREATED = "created", _("新建")
        UPDATED = "updated", _("已更新")
        UNCHANGED = "unchanged", _("未变")
        FAILED = "failed", _("失败")

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="files", verbose_name=_("导入记录")
    )
    position = models.PositiveIntegerField(_("序号"))
    source = models.CharField(_("文件"), max_length=500)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    encoding = models.CharField(_("编码"), max_length=40, blank=True)
    # The issue the file was loaded into (none for a dry run, whose issues never existed).
    issue = models.ForeignKey(
        "Issue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("期"),
    )
    error = models.TextField(_("错误"), blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    notes = models.JSONField(_("备注"), default=list, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("导入的文件")
        verbose_name_plural = pgettext_lazy("plural", "导入的文件")
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="imported_file_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_status_display()})"


class IssueQuerySet(models.QuerySet):
    def on_date(self, date: dt.date) -> IssueQuerySet:
        return self.filter(date=date)

    def in_year(self, year: int) -> IssueQuerySet:
        return self.filter(date__year=year)

    def with_public_articles(self) -> IssueQuerySet:
        """Return the issues that have at least one article a reader may see."""
        return self.filter(
            Exists(Article.objects.public().filter(issue=OuterRef("pk")))
        )


class Issue(models.Model):
    """One day's paper (期)."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="issues", verbose_name=_("报纸名称")
    )
    date = models.DateField(_("日期"))
    edition = models.PositiveSmallIntegerField(_("版次"), default=1)
    lunar_date = models.CharField(_("农历日期（原印）"), max_length=30, blank=True)
    weekday = models.CharField(_("星期（原印）"), max_length=10, blank=True)
    number = models.PositiveIntegerField(
        _("总期号"), null=True, blank=True, validators=within(ISSUE_NUMBERS)
    )
    source = models.ForeignKey(
        SourceFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("来源文件"),
    )
    masthead = models.JSONField(
        _("报头原印信息"),
        default=dict,
        blank=True,
        help_text=_("报头上印出的原样标识（刊号、网址等）。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IssueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "edition"]
        verbose_name = _("期")
        verbose_name_plural = pgettext_lazy("plural", "报纸")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "date", "edition"], name="issue_unique_per_day_edition"
            ),
            models.CheckConstraint(condition=Q(edition__gte=1), name="issue_edition_positive"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | in_range("number", ISSUE_NUMBERS),
                name="issue_number_in_range",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="issue_date_idx")]

    def __str__(self) -> str:
        return f"{self.publication.name} {self.date:%Y-%m-%d}" + (
            f" ({self.edition})" if self.edition != 1 else ""
        )

    def get_absolute_url(self) -> str:
        return reverse("archive:issue", kwargs={"date": self.date.isoformat()})

    def expected_weekday(self) -> str:
        """Return the weekday the date falls on, as the paper prints it."""
        return WEEKDAYS[self.date.weekday()]

    def weekday_matches(self) -> bool:
        return not self.weekday or self.weekday == self.expected_weekday()


class PersonQuerySet(models.QuerySet):
    def named(self, name: str) -> PersonQuerySet:
        """Return the people whose display name or an alias is exactly this name."""
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()


class Person(models.Model):
    """A contributor: reporter, correspondent, photographer, ..."""

    name = models.CharField(_("姓名"), max_length=100, unique=True)
    version = models.PositiveIntegerField(
        _("版本"), default=1, editable=False, help_text=_("每次保存加一，用于防止覆盖他人修改。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("作者")
        verbose_name_plural = pgettext_lazy("plural", "作者")
        permissions = [("merge_person", _("可以合并作者"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:person", kwargs={"pk": self.pk})


class PersonAlias(models.Model):
    """Another spelling of a person's name: an OCR variant or a former byline."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("作者")
    )
    name = models.CharField(_("别名"), max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("别名")
        verbose_name_plural = pgettext_lazy("plural", "别名")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REPORTER = "reporter", _("记者")
    TRAINEE_REPORTER = "trainee_reporter", _("见习记者")
    CORRESPONDENT = "correspondent", _("通讯员")
    PHOTOGRAPHER = "photographer", _("摄影")
    INTERN = "intern", _("实习生")
    SPECIAL_CORRESPONDENT = "special_correspondent", _("特约记者")


class CorrectionStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", _("未校对")
    IN_REVIEW = "in_review", _("校对中")
    REVIEWED = "reviewed", _("已校对")


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ArticleQuerySet(models.QuerySet):
    def public(self) -> ArticleQuerySet:
        """Return the articles a reader may see."""
        return self.filter(visibility=Visibility.PUBLISHED)

    def withdrawn(self) -> ArticleQuerySet:
        return self.filter(visibility=Visibility.WITHDRAWN)

    def on_date(self, date: dt.date) -> ArticleQuerySet:
        return self.filter(issue__date=date)

    def by_person(self, person: Person) -> ArticleQuerySet:
        """Return the articles credited to a person, or with a photo credited to them (once each)."""
        # Two semi-joins, not a join with DISTINCT: no duplicate rows to remove, and the
        # result can still be ordered by related fields and sliced.
        return self.filter(
            Exists(Credit.objects.filter(person=person, article=OuterRef("pk")))
            | Exists(Credit.objects.filter(person=person, photo__article=OuterRef("pk")))
        )

    def with_open_flags(self) -> ArticleQuerySet:
        return self.filter(
            Exists(ReviewFlag.objects.open().filter(article=OuterRef("pk")))
        )

    def in_page_order(self) -> ArticleQuerySet:
        return self.order_by("-issue__date", "issue__edition", "page", "position")


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


class Article(models.Model):
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
    def blocks(self) -> list[Block]:
        """Return the body as blocks, parsed once for as long as `body` holds the same string.

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
        return self.filter(Q(article__isnull=True) | Q(article__visibility=Visibility.PUBLISHED))



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


class Credit(models.Model):
    """A person credited, in a role, on an article or on a photo."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="credits", verbose_name=_("作者")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credits",
        verbose_name=_("文章"),
    )
    photo = models.ForeignKey(
        Photo,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credits",
        verbose_name=_("图片"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("署名")
        verbose_name_plural = pgettext_lazy("plural", "署名")
        constraints = [
            models.CheckConstraint(
                condition=(Q(article__isnull=False) & Q(photo__isnull=True))
                | (Q(article__isnull=True) & Q(photo__isnull=False)),
                name="credit_on_article_or_photo",
            ),
            models.UniqueConstraint(
                fields=["article", "person", "role"],
                condition=Q(article__isnull=False),
                name="credit_unique_on_article",
            ),
            models.UniqueConstraint(
                fields=["photo", "person", "role"],
                condition=Q(photo__isnull=False),
                name="credit_unique_on_photo",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "reporter",
                        "trainee_reporter",
                        "correspondent",
                        "photographer",
                        "intern",
                        "special_correspondent",
                    ]
                ),
                name="credit_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"

    def get_role_display(self) -> str:
        """Return the role as the paper prints it (记者), translated.

        Django's generated method rebuilds the whole choice list on every call (about
        70 µs); pages and API lists call it for every credit.
        """
        try:
            return Role(self.role).label
        except ValueError:
            return self.role


class ReviewFlagQuerySet(models.QuerySet):
    def open(self) -> ReviewFlagQuerySet:
        return self.filter(status=ReviewFlag.Status.OPEN)

    def resolved(self) -> ReviewFlagQuerySet:
        return self.exclude(status=ReviewFlag.Status.OPEN)


class ReviewFlag(models.Model):
    """Something the importer repaired or doubted, for an editor to accept or undo."""

    class Code(models.TextChoices):
        JOINED_PARAGRAPHS = "joined_paragraphs", _("合并段落")
        REMOVED_STRAY_LINE = "removed_stray_line", _("删除重复碎行")
        REMOVED_FURNITURE = "removed_furniture", _("删除版面杂项")
        CROSSHEAD_DETECTED = "crosshead_detected", _("识别出小标题")
        TRUNCATED_ARTICLE = "truncated_article", _("文章不完整")
        PHOTO_CREDIT_INFERRED = "photo_credit_inferred", _("推断图片署名")
        UNATTACHED_CREDIT = "unattached_credit", _("图片署名未归属")
        UNASSIGNED_TEXT = "unassigned_text", _("文字未归属任何文章")
        MASTHEAD_MISMATCH = "masthead_mismatch", _("报头信息不符")
        WEEKDAY_MISMATCH = "weekday_mismatch", _("星期与日期不符")
        LUNAR_DATE_MISMATCH = "lunar_date_mismatch", _("农历日期与公历日期不符")
        DECODED_ENCODING = "decoded_encoding", _("从其他编码解码")
        POSSIBLE_DUPLICATE_CONTRIBUTOR = (
            "possible_duplicate_contributor",
            _("疑似重复作者"),
        )
        IMPORT_CONFLICT = "import_conflict", _("重新导入与编辑校对冲突")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已接受")
        UNDONE = "undone", _("已撤销")
        # Closed by a re-import: the changed file no longer gives this repair or doubt.
        SUPERSEDED = "superseded", _("已过时")

    code = models.CharField(_("类型"), max_length=40, choices=Code.choices)
    message = models.TextField(_("说明"))
    # What the message is made of, so it can be worded in the reader's language
    # (newsroom/flag_messages.py); flags from before this have only the message.
    message_key = models.CharField(_("说明类型"), max_length=60, blank=True)
    message_params = models.JSONField(_("说明参数"), default=dict, blank=True)
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="flags", verbose_name=_("期")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("文章"),
    )
    photo = models.ForeignKey(
        # A re-import that drops a photo or an ad keeps the flags naming it: they stay on the
        # issue (and article), and close as superseded if the file no longer gives them.
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags",
        verbose_name=_("图片"),
    )
    advertisement = models.ForeignKey(
        Advertisement, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags",
        verbose_name=_("广告"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="flags",
        verbose_name=_("作者"),
    )
    line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    original = models.TextField(_("原始行"), blank=True)
    before = models.TextField(_("修复前文本"), blank=True)
    after = models.TextField(_("修复后文本"), blank=True)
    fingerprint = models.CharField(
        _("指纹"),
        max_length=64,
        help_text=_("在重复导入时识别同一标记，避免重复提出。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The flags the parser derives from a file, which a re-import of the file gives again
    # (or, when the file changed there, no longer gives): by message_key.
    FROM_THE_FILE = frozenset(
        {
            Code.JOINED_PARAGRAPHS, Code.REMOVED_STRAY_LINE, Code.REMOVED_FURNITURE,
            Code.CROSSHEAD_DETECTED, Code.TRUNCATED_ARTICLE, Code.PHOTO_CREDIT_INFERRED,
            Code.MASTHEAD_MISMATCH, Code.WEEKDAY_MISMATCH, Code.LUNAR_DATE_MISMATCH,
            Code.DECODED_ENCODING, "unassigned_text", "unattached_credit",
        }
    )

    # The codes whose before/after describe a change the importer made to an article's body.
    BODY_REPAIR_CODES = frozenset(
        {
            Code.JOINED_PARAGRAPHS,
            Code.REMOVED_STRAY_LINE,
            Code.REMOVED_FURNITURE,
            Code.CROSSHEAD_DETECTED,
        }
    )

    objects = ReviewFlagQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "line_start", "pk"]
        verbose_name = _("审校标记")
        verbose_name_plural = pgettext_lazy("plural", "审校标记")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "fingerprint"], name="flag_unique_per_issue"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(resolved_at__isnull=True))
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="flag_resolved_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["status", "code"], name="flag_status_code_idx")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.display_message[:60]}"

    @property
    def display_message(self) -> str:
        """Return the message in the active language (the stored English one if it has no key)."""
        from newsroom.flag_messages import flag_message

        return flag_message(self.message_key, self.message_params, self.message)

    @property
    def is_repair(self) -> bool:
        """Return whether undoing this flag can put body text back.

        Only the importer's repairs of the body qualify. An import_conflict also records
        before/after, but they are two versions of a field, not a change to the body.
        """
        return self.code in self.BODY_REPAIR_CODES and bool(self.after or self.before)
