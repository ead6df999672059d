"""The newspapers (Publication) and the issue each prints a day (Issue)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from newsroom.lib.bounds import ISSUE_NUMBERS
from newsroom.lib.weekdays import printed_weekday_matches, weekday_name
from newsroom.models.access import sees_unpublished
from newsroom.models.fields import count_of, in_range, related_model, within
from newsroom.models.provenance import SourceFile


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

    # What a masthead prints about its paper, in the API's order: the importer stores these
    # from each page, and checks the printed numbers and addresses against the paper's own.
    hold_new_issues = models.BooleanField(
        _("新一期待发布"), default=False,
        help_text=_("勾选后，新导入的一期先不公开，由总编辑发布（立即或定时）后读者才能看到。"),
    )

    reader_suggestions = models.BooleanField(
        _("接受读者报错"), default=True,
        help_text=_("读者可在文章页选中文字，建议报纸原本印的是什么；建议进入审校队列，由编辑采纳或驳回。"),
    )

    IDENTIFIERS = ("slogan", "cn_number", "postal_code", "website", "email", "address", "postcode")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("报纸名称")
        verbose_name_plural = pgettext_lazy("plural", "报纸名称")

    def __str__(self) -> str:
        return self.name

    def masthead_identifiers(self) -> dict[str, str]:
        """Return the paper's own masthead identifiers, which a printed masthead is checked against."""
        return {name: getattr(self, name) for name in self.IDENTIFIERS}


def public_issue(via: str = "") -> Q:
    """Return the condition that an issue (reached through ``via``, e.g. "issue__") is public:
    not held. A held issue, and everything printed in it, waits for a chief editor's release
    (newsroom/editorial/releases.py); every public condition of the archive includes this one."""
    return Q(**{f"{via}held": False})


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> IssueQuerySet:
        """Return the issues this user may see: all for staff (held ones too), else the public
        issues with a public article."""
        return self if sees_unpublished(user) else self.with_public_articles()

    def with_open_flag_count(self) -> IssueQuerySet:
        """Return the issues annotated with ``open_flag_count``, their open review flags."""
        flags = related_model(self.model, "flags").objects.open()
        return self.annotate(open_flag_count=count_of(flags, "issue"))

    def on_date(self, date: dt.date) -> IssueQuerySet:
        return self.filter(date=date)

    def in_year(self, year: int) -> IssueQuerySet:
        return self.filter(date__year=year)

    def with_public_articles(self) -> IssueQuerySet:
        """Return the issues that have at least one article a reader may see (so not held)."""
        articles = related_model(self.model, "articles").objects.public()
        return self.filter(public_issue(), Exists(articles.filter(issue=OuterRef("pk"))))


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
    held = models.BooleanField(
        _("待发布"), default=False, db_index=True,
        help_text=_("待发布的一期及其文章、版面和版面图不向读者公开，直到总编辑发布。"),
    )
    release_at = models.DateTimeField(_("定时发布"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IssueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "edition"]
        verbose_name = _("期")
        verbose_name_plural = pgettext_lazy("plural", "报纸")
        permissions = [("release_issue", _("可发布待发布的一期"))]
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
        """Return the weekday the date falls on, as the paper prints it (星期五)."""
        return weekday_name(self.date)

    def weekday_matches(self) -> bool:
        """Return whether the printed weekday (星期五, 礼拜五, 星期天; or none) fits the date."""
        return printed_weekday_matches(self.date, self.weekday)
