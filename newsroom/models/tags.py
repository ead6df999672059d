"""Tags found by the sound of their names: each tag's pinyin spellings (django-taggit's Tag has
no field for them, so they live beside it, kept by newsroom/changes.py whenever a tag is saved)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.lib.pinyin import fold_query, spellings


class TagSpelling(models.Model):
    tag = models.OneToOneField("taggit.Tag", on_delete=models.CASCADE, primary_key=True,
                               related_name="spelling", verbose_name=_("标签"))
    spellings = models.CharField(_("拼音"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("标签拼音")
        verbose_name_plural = pgettext_lazy("plural", "标签拼音")

    def __str__(self) -> str:
        return self.spellings


def spell_tag(tag) -> None:
    """Store (or refresh) a tag's spellings."""
    TagSpelling.objects.update_or_create(tag=tag, defaults={"spellings": spellings(tag.name)})


def tag_matching(text: str) -> Q:
    """Return the condition that a tag's name contains ``text``, or its pinyin does (``gonghui``, ``gh``)."""
    condition = Q(name__icontains=text)
    folded = fold_query(text)
    if folded:
        condition |= Q(spelling__spellings__icontains=folded)
    return condition
