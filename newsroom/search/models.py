"""The search index: one document per article, derived from it and rebuilt at will."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.models import Article


class TsVectorField(SearchVectorField):
    """Store a tsvector on PostgreSQL; elsewhere an always-empty text column.

    The value is written as a tsvector literal made in Python (lexeme:position+weight),
    cast on the way in, because the positions are character offsets that no
    PostgreSQL parser could produce from Chinese text.
    """

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor == "postgresql" and value is not None:
            return "%s::tsvector"
        return "%s"


class ArticleDocument(models.Model):
    """What search knows about one article: normalized text and its tokens.

    ``title`` holds kicker, headline and subheadline; ``body`` the body text; ``extra``
    photo captions and contributors' names and aliases; ``ocr`` the lines of the original
    OCR that the corrected text no longer holds (``ocr_text``: the same as printed, for the
    results page). On PostgreSQL ``vector`` holds every token and ``body``/``extra``/``ocr``/
    ``*_words`` stay empty; on SQLite two FTS5 tables (trigram and word) read these columns
    through triggers.
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("文章"),
    )
    title = models.TextField(_("标题文本"), blank=True)
    body = models.TextField(_("正文文本"), blank=True)
    extra = models.TextField(_("图片说明与作者"), blank=True)
    title_words = models.TextField(_("标题词"), blank=True)
    body_words = models.TextField(_("正文词"), blank=True)
    extra_words = models.TextField(_("图片说明与作者词"), blank=True)
    # Nullable so that adding them keeps SQLite's table (and the FTS5 triggers on it).
    ocr_text = models.TextField(_("OCR原文片段"), null=True, blank=True)  # noqa: DJ001
    ocr = models.TextField(_("OCR原文检索文本"), null=True, blank=True)  # noqa: DJ001
    ocr_words = models.TextField(_("OCR原文词"), null=True, blank=True)  # noqa: DJ001
    vector = TsVectorField(_("检索向量"), null=True, blank=True)
    # What a reader's search filters and sorts on without leaving this table (PostgreSQL:
    # published_month and is_public are in the one GIN index, see docs/search.md).
    published_on = models.DateField(_("出版日期"), null=True, blank=True, db_index=True)
    published_month = models.IntegerField(_("出版年月"), null=True, blank=True)  # 202203
    position_key = models.IntegerField(_("版面顺序"), null=True, blank=True)
    # The printed name of the article's page (要闻), for the reader's facet by 版名.
    page_name = models.CharField(_("版名"), max_length=50, null=True, blank=True)  # noqa: DJ001
    is_public = models.BooleanField(_("公开"), null=True, blank=True)
    segmenter = models.CharField(_("分词器版本"), max_length=60)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = pgettext_lazy("plural", "检索文档")

    def __str__(self) -> str:
        return self.title[:40]
