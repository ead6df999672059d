"""The contributors (Person), the other spellings of their names, and the roles they are credited in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from newsroom.lib import roles
from newsroom.lib.pinyin import fold_query, spellings


class PersonQuerySet(models.QuerySet):
    def named(self, name: str) -> PersonQuerySet:
        """Return the people whose display name or an alias is exactly this name."""
        return self.filter(Q(name=name) | Q(aliases__name=name)).distinct()

    def named_or_spelled(self, text: str) -> PersonQuerySet:
        """Return the people this exact name or alias names, or, for pinyin, whose name is spelled
        so in full or by initials (``ruan xiangmin``, ``rxm``): a contributor filter's rule."""
        condition = Q(name=text) | Q(aliases__name=text)
        folded = fold_query(text)
        if folded:
            condition |= (Q(name_pinyin=folded) | Q(name_pinyin__startswith=f"{folded} ")
                          | Q(name_pinyin__endswith=f" {folded}") | Q(name_pinyin__contains=f" {folded} "))
        return self.filter(condition).distinct()

    def matching(self, text: str) -> PersonQuerySet:
        """Return the people whose name or an alias contains ``text``, or whose name's pinyin does
        (``ruan xiangmin``, ``ruanxiangmin``, ``rxm``: newsroom/lib/pinyin.py)."""
        aliased = self.model.objects.filter(aliases__name__icontains=text).values("pk")
        condition = Q(name__icontains=text) | Q(pk__in=aliased)
        folded = fold_query(text)
        if folded:
            condition |= Q(name_pinyin__icontains=folded)
        return self.filter(condition)

    def bulk_create(self, objs, *args, **kwargs):
        # The importer creates contributors in bulk, where save() does not run.
        for person in objs:
            person.name_pinyin = spellings(person.name)
        return super().bulk_create(objs, *args, **kwargs)


class Person(models.Model):
    """A contributor: reporter, correspondent, photographer, ..."""

    name = models.CharField(_("姓名"), max_length=100, unique=True)
    # How the name is spelled in pinyin (full and initials, each reading of the surname), for
    # finding it by sound; derived from the name on every save (newsroom/lib/pinyin.py).
    name_pinyin = models.CharField(_("拼音"), max_length=400, blank=True, editable=False)
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

    def save(self, *args, **kwargs):
        self.name_pinyin = spellings(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

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
    """The roles a contributor is credited in (codes from newsroom.lib.roles), as the paper prints them."""

    REPORTER = roles.REPORTER, _("记者")
    TRAINEE_REPORTER = roles.TRAINEE_REPORTER, _("见习记者")
    CORRESPONDENT = roles.CORRESPONDENT, _("通讯员")
    PHOTOGRAPHER = roles.PHOTOGRAPHER, _("摄影")
    INTERN = roles.INTERN, _("实习生")
    SPECIAL_CORRESPONDENT = roles.SPECIAL_CORRESPONDENT, _("特约记者")


class PersonRedirectQuerySet(models.QuerySet):
    def kept_person(self, old_id) -> Person | None:
        """Return the person a removed person's id now leads to, or None (one query)."""
        try:
            old_id = int(old_id)
        except (TypeError, ValueError):
            return None
        moved = self.filter(old_id=old_id).select_related("person").first()
        return moved.person if moved is not None else None


class PersonRedirect(models.Model):
    """Where a person removed by a merge went: their old id, and the person kept.

    editorial.merge_people writes it (and re-points older ones when the kept person is merged
    in turn), so that the removed person's archive page answers with a permanent redirect.
    """

    old_id = models.PositiveBigIntegerField(_("原作者编号"), unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("并入的作者")
    )

    objects = PersonRedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("作者去向")
        verbose_name_plural = pgettext_lazy("plural", "作者去向")

    def __str__(self) -> str:
        return f"{self.old_id} → {self.person_id}"
