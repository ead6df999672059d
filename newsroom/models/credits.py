"""Who is credited, in which role, on an article or a photo."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from newsroom.models.articles import Article, Photo, public_photo, published
from newsroom.models.people import Person, Role


class CreditQuerySet(models.QuerySet):
    def of(self, person=None, *, role: str | None = None) -> CreditQuerySet:
        """Return the credits of a person (a Person, its id, or a QuerySet of people; None is
        anyone), in one role if given: what ArticleQuerySet.by_person() looks for."""
        credits = self
        if isinstance(person, models.QuerySet):
            credits = credits.filter(person__in=person)
        elif person is not None:
            credits = credits.filter(person=person)
        return credits.filter(role=role) if role else credits

    def on_public_work(self) -> CreditQuerySet:
        """Return the credits on public articles and on public photos.

        The conditions of ``Article.objects.public()`` and ``Photo.objects.public()``, over the
        credit's own joins: as ``article_id IN (public articles) OR photo_id IN (public
        photos)`` PostgreSQL hashed every article and photo of the archive on each query
        (0.5 s at 100,000 articles for one person).
        """
        return self.filter(published("article__") | (Q(photo__isnull=False) & public_photo("photo__")))


class Credit(models.Model):
    """A person credited, in a role, on an article or on a photo."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="credits", verbose_name=_("作者")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    # The name as the paper printed it on this byline or photo credit: a fact of the page.
    # A merge moves the credit to the person kept and leaves this as it was, so the byline
    # still reads as printed (张浩呈) while it links to the person (张浩星).
    printed_name = models.CharField(
        _("印刷署名"), max_length=100, blank=True, default="",
        help_text=_("报纸上印出的姓名；合并作者后仍保持不变。"),
    )
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

    objects = CreditQuerySet.as_manager()
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
                condition=Q(role__in=Role.values),
                name="credit_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"

    @property
    def name_as_printed(self) -> str:
        """Return the name the paper printed on this credit (the person's name if not recorded)."""
        return self.printed_name or self.person.name

    def get_role_display(self) -> str:
        """Return the role as the paper prints it (记者), translated.

        Django's generated method rebuilds the whole choice list on every call (about
        70 µs); pages and API lists call it for every credit.
        """
        try:
            return Role(self.role).label
        except ValueError:
            return self.role


def credited_names(credits) -> str:
    """Return who is credited, each person once per role, joined by "、" in the credits' order.

    A person credited in two roles (wrote the article, took its photo) is named with each
    role ("程雪（记者）、程雪（摄影）"); credited twice in one role, once ("程雪", not "程雪、程雪").
    """
    pairs = list(dict.fromkeys((credit.person, credit.role) for credit in credits))
    roles_of: dict = {}
    for person, role in pairs:
        roles_of.setdefault(person, []).append(role)
    labels = dict(Role.choices)
    return "、".join(
        person.name if len(roles_of[person]) == 1 else f"{person.name}（{labels.get(role, role)}）"
        for person, role in pairs
    )


def credits_of_parts(parts: list) -> list[Credit]:
    """Return the byline of an article's parts in order, each person once per role (one query)."""
    rank = {part.pk: n for n, part in enumerate(parts)}
    credits = sorted(
        Credit.objects.filter(article__in=parts).select_related("person"),
        key=lambda c: (rank[c.article_id], c.order, c.pk),
    )
    seen, unique = set(), []
    for credit in credits:
        if (credit.person_id, credit.role) not in seen:
            seen.add((credit.person_id, credit.role))
            unique.append(credit)
    return unique
