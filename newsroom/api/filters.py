"""Every API filter, in one module: query parameters, each with an explicit field and lookup.

Bad values are refused with a 400 that names the parameter (django-filter's form
validation), never turned into a 500 or silently ignored; so is a parameter given
with no value (``?date=``): a client that means "no filter" leaves it out. Each FilterSet also
owns the ``ordering`` parameter: it names the sort keys, which the cursor
pagination then walks (``keyset_fields``).
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from taggit.models import Tag, TaggedItem

from newsroom.models import (
    Advertisement,
    Article,
    CorrectionStatus,
    Credit,
    Issue,
    Person,
    Photo,
    Publication,
    ReviewFlag,
    Role,
    Visibility,
)
from newsroom.models.tags import tag_matching
from newsroom.search import search_articles

# Bounds of the integer columns behind the filters, so no value reaches the database
# that it cannot compare (SQLite raises on integers beyond 64 bits).
MAX_ID = 2**63 - 1
MAX_SMALL = 32767

# (FilterSet class, language) -> its form class: see OrderedFilterSet.get_form_class.
_FORM_CLASSES: dict[tuple[type, str | None], type] = {}


class StrictBooleanField(forms.Field):
    """A true/false query value that refuses anything else (NullBooleanField would ignore it)."""

    TRUE = frozenset({"true", "1", "yes"})
    FALSE = frozenset({"false", "0", "no"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("请输入 true 或 false。"), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def get_max_validator(self):
        return None  # the form field's own max_value bounds it


def integer_filter(field_name: str, *, maximum: int, help_text: str, lookup_expr: str = "exact",
                   **kwargs) -> IntegerFilter:
    """Return an integer filter bounded to the column's range, documented with those bounds."""
    flt = IntegerFilter(
        field_name=field_name, lookup_expr=lookup_expr, min_value=1, max_value=maximum,
        help_text=help_text, **kwargs,
    )
    return extend_schema_field(
        {"type": "integer", "minimum": 1, "maximum": maximum, "description": help_text}
    )(flt)


def _date_filters(field_name: str):
    """Return the date, date_from and date_to filters on one date column."""
    return (
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="exact",
            help_text="Printed on this day (YYYY-MM-DD). Not an empty value: leave it out instead.",
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="gte",
            help_text="Printed on or after this day (YYYY-MM-DD); with `date_to`, an inclusive range.",
        ),
        django_filters.DateFilter(
            field_name=field_name, lookup_expr="lte",
            help_text=(
                "Printed on or before this day (YYYY-MM-DD); a `date_to` before `date_from` is a 400. "
                "All three date parameters may be combined; each narrows the list."
            ),
        ),
    )


class DateRangeForm(forms.Form):
    """Refuse a date range that ends before it starts; check orderings that need `q`."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        if cleaned.get("ordering") == "relevance" and not cleaned.get("q"):
            self.add_error("ordering", _("按相关度排序需要同时提供检索词 q。"))
        return cleaned


class OrderedFilterSet(django_filters.FilterSet):
    """A FilterSet whose `ordering` choice names the sort keys the cursor walks."""

    #: ordering choice -> order_by() keys; None keeps the queryset's own order (relevance).
    orderings: dict[str, tuple[str, ...] | None] = {}
    default_ordering = ""

    @classmethod
    def keyset_fields(cls) -> frozenset[str]:
        """Return the names the cursor pagination may compare in a filter."""
        return frozenset(
            key.lstrip("-") for keys in cls.orderings.values() if keys for key in keys
        )

    #: the ordering when a search term (`q`) is given and no ordering is asked for
    search_ordering = ""

    def is_valid(self) -> bool:
        """Return whether every parameter is valid; one given with an empty value is not."""
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and "" in self.data.getlist(name) and name not in self.form.errors:
                self.form.add_error(name, _("请提供一个值，或不带这个参数。"))
                valid = False
        return valid

    def get_form_class(self):
        """Return the form class of this FilterSet, made once per class and language.

        django-filter makes it anew for every request (some 5% of a staff list's time); its
        fields depend on the class alone (no filter here reads the request), and every form
        still copies them. The language: a filter's label is read when its field is made.
        """
        key = (type(self), get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class

    def chosen_ordering(self) -> str:
        data = self.form.cleaned_data
        if data.get("ordering"):
            return data["ordering"]
        return self.search_ordering if data.get("q") and self.search_ordering else self.default_ordering

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        keys = self.orderings[self.chosen_ordering()]
        return queryset if keys is None else queryset.order_by(*keys)

    def filter_nothing(self, queryset, name, value: str):
        """Leave the queryset alone: `ordering` is applied after every filter."""
        return queryset


def ordering_filter(choices: dict[str, str], default: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        choices=list(choices.items()),
        method="filter_nothing",
        help_text=f"Sort order (default `{default}`): "
        + "; ".join(f"`{key}` {text}" for key, text in choices.items())
        + ".",
    )


def _people_matching(value: str):
    """Return the people a contributor parameter names: an id, a name or alias, or its pinyin."""
    if value.isdigit():
        return Person.objects.filter(pk=int(value)) if int(value) <= MAX_ID else Person.objects.none()
    return Person.objects.named_or_spelled(value).values("pk")


# --- publications ------------------------------------------------------------------------------


class PublicationFilterSet(OrderedFilterSet):
    orderings = {"name": ("name", "pk")}
    default_ordering = "name"
    slug = django_filters.CharFilter(
        field_name="slug", lookup_expr="exact", help_text="The paper's slug."
    )

    class Meta:
        model = Publication
        fields: list[str] = []


# --- issues ------------------------------------------------------------------------------------


class IssueFilterSet(OrderedFilterSet):
    orderings = {
        "date": ("date", "edition", "pk"),
        "-date": ("-date", "edition", "pk"),
    }
    default_ordering = "-date"
    date, date_from, date_to = _date_filters("date")
    publication = django_filters.CharFilter(
        field_name="publication__slug", lookup_expr="exact", help_text="The paper's slug."
    )
    number = integer_filter("number", maximum=MAX_ID, help_text="Running issue number (总第N号).")
    ordering = ordering_filter({"date": "oldest first", "-date": "newest first"}, "-date")

    class Meta:
        model = Issue
        form = DateRangeForm
        fields: list[str] = []


# --- articles ----------------------------------------------------------------------------------

ARTICLE_ORDERINGS = {
    "-date": "newest issue first, then in page order",
    "date": "oldest issue first, then in page order",
    "position": "by page and place on the page, newest issue first among equals",
    "updated": "least recently changed first (for incremental harvesting)",
    "relevance": "best match first (only with `q`)",
}


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time, turned into UTC before any query sees it.

    Python accepts offsets up to ±23:59, PostgreSQL only up to ±15:59 (a 500 otherwise), and a
    time near year 1 or 9999 can leave the calendar when moved to UTC.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(_("时间超出可表示的范围。"), code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ArticleFilterSet(OrderedFilterSet):
    orderings = {
        "-date": ("-issue_date", "issue_edition", "page", "position", "pk"),
        "date": ("issue_date", "issue_edition", "page", "position", "pk"),
        "position": ("page", "position", "-issue_date", "issue_edition", "pk"),
        "updated": ("updated_at", "pk"),
        "relevance": None,
    }
    default_ordering = "-date"
    search_ordering = "relevance"

    date, date_from, date_to = _date_filters("issue__date")
    publication = django_filters.CharFilter(
        field_name="issue__publication__slug", lookup_expr="exact", help_text="The paper's slug."
    )
    issue = integer_filter("issue_id", maximum=MAX_ID, help_text="The issue's id.")
    page = integer_filter(
        "page", maximum=MAX_SMALL, method="filter_page",
        help_text="Page (版) number: the articles on it, those continued on it (上接) included.",
    )
    kind = django_filters.ChoiceFilter(
        field_name="kind", lookup_expr="exact", choices=Article.Kind.choices,
        help_text="`article`, or `photo` for photo news.",
    )
    contributor = django_filters.CharFilter(
        field_name="credits__person", method="filter_contributor", max_length=100,
        help_text="A person credited on the article or its photos: an id, a name or alias, or its "
                  "pinyin in full or by initials (`ruan xiangmin`, `rxm`).",
    )
    role = django_filters.ChoiceFilter(
        field_name="credits__role", method="filter_role", choices=Role.choices,
        help_text="Someone credited in this role (with `contributor`: that person in this role).",
    )
    tag = django_filters.CharFilter(
        field_name="tags", method="filter_tag", max_length=100,
        help_text="Carries this tag (its name, any case, or its slug).",
    )
    correction_status = django_filters.ChoiceFilter(
        field_name="correction_status", lookup_expr="exact", choices=CorrectionStatus.choices,
        help_text="How far the editors have checked the OCR text.",
    )
    has_open_flags = StrictBooleanFilter(
        field_name="flags", method="filter_has_open_flags",
        help_text="true: has review flags still open; false: has none.",
    )
    visibility = django_filters.ChoiceFilter(
        field_name="visibility", lookup_expr="exact", choices=Visibility.choices,
        help_text="`published` or `withdrawn` (anonymous clients only ever see published ones).",
    )
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte",
        help_text="Changed at or after this time (ISO 8601), for incremental harvesting.",
    )
    q = django_filters.CharFilter(
        field_name="body", method="filter_q", max_length=200,
        help_text="Full-text search (Chinese words, headline and body); adds `snippet` to results.",
    )
    ordering = ordering_filter(ARTICLE_ORDERINGS, "-date; `relevance` with `q`")

    class Meta:
        model = Article
        form = DateRangeForm
        fields: list[str] = []

    def filter_page(self, queryset, name, value: int):
        return queryset.on_page(value)

    def filter_contributor(self, queryset, name, value: str):
        return queryset.by_person(_people_matching(value), role=self.form.cleaned_data.get("role"))

    def filter_role(self, queryset, name, value: str):
        if self.form.cleaned_data.get("contributor"):
            return queryset  # applied together with the contributor, on the same credit
        return queryset.by_person(role=value)

    def filter_tag(self, queryset, name, value: str):
        tags = Tag.objects.filter(Q(name__iexact=value) | Q(slug=value))
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=OuterRef("pk"),
            tag__in=tags,
        )
        return queryset.filter(Exists(tagged))

    def filter_has_open_flags(self, queryset, name, value: bool):
        flagged = queryset.with_open_flags()
        return flagged if value else queryset.exclude(pk__in=flagged.values("pk"))

    def filter_q(self, queryset, name, value: str):
        order = "relevance" if self.chosen_ordering() == "relevance" else "date"
        return search_articles(value, queryset, order=order)


# --- photos and advertisements -------------------------------------------------------------------

PRINT_ORDERINGS = {
    "-date": ("-issue_date", "issue_edition", "page", "position", "pk"),
    "date": ("issue_date", "issue_edition", "page", "position", "pk"),
}
PRINT_ORDERING_HELP = {"-date": "newest issue first", "date": "oldest issue first"}


class PrintedItemFilterSet(OrderedFilterSet):
    """The filters every item printed on a page shares: its issue's date, paper, issue and page."""

    orderings = PRINT_ORDERINGS
    default_ordering = "-date"
    date, date_from, date_to = _date_filters("issue__date")
    publication = django_filters.CharFilter(
        field_name="issue__publication__slug", lookup_expr="exact", help_text="The paper's slug."
    )
    issue = integer_filter("issue_id", maximum=MAX_ID, help_text="The issue's id.")
    page = integer_filter("page", maximum=MAX_SMALL, help_text="Page (版) number.")
    ordering = ordering_filter(PRINT_ORDERING_HELP, "-date")


class PhotoFilterSet(PrintedItemFilterSet):
    article = integer_filter("article_id", maximum=MAX_ID, help_text="The article it illustrates.")
    contributor = django_filters.CharFilter(
        field_name="credits__person", method="filter_contributor", max_length=100,
        help_text="A photographer credited: an id, or a name or alias.",
    )

    class Meta:
        model = Photo
        form = DateRangeForm
        fields: list[str] = []

    def filter_contributor(self, queryset, name, value: str):
        credits = Credit.objects.of(_people_matching(value))
        return queryset.filter(Exists(credits.filter(photo=OuterRef("pk"))))


class AdvertisementFilterSet(PrintedItemFilterSet):
    advertiser = django_filters.CharFilter(
        field_name="advertiser", lookup_expr="icontains", max_length=100,
        help_text="The advertiser's name contains this.",
    )

    class Meta:
        model = Advertisement
        form = DateRangeForm
        fields: list[str] = []


# --- people, tags, flags ---------------------------------------------------------------------------


class PersonFilterSet(OrderedFilterSet):
    orderings = {"name": ("name", "pk")}
    default_ordering = "name"
    name = django_filters.CharFilter(
        field_name="name", method="filter_name", max_length=100,
        help_text="The name or one of its aliases contains this, or its pinyin does "
                  "(`ruan xiangmin`, `ruanxiangmin` or the initials `rxm` find 阮向民).",
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_name(self, queryset, name, value: str):
        return queryset.filter(pk__in=Person.objects.matching(value).values("pk"))


class TagFilterSet(OrderedFilterSet):
    def filter_name(self, queryset, name, value: str):
        return queryset.filter(tag_matching(value))

    orderings = {"name": ("name", "pk")}
    default_ordering = "name"
    name = django_filters.CharFilter(
        field_name="name", method="filter_name", max_length=100,
        help_text="The tag's name contains this, or its pinyin does (`gonghui` or `gh` finds 工会).",
    )

    class Meta:
        model = Tag
        fields: list[str] = []


class ReviewFlagFilterSet(OrderedFilterSet):
    orderings = {"id": ("pk",), "-id": ("-pk",)}
    default_ordering = "id"
    status = django_filters.ChoiceFilter(
        field_name="status", lookup_expr="exact", choices=ReviewFlag.Status.choices,
        help_text="`open`, `accepted` or `undone`.",
    )
    code = django_filters.ChoiceFilter(
        field_name="code", lookup_expr="exact", choices=ReviewFlag.Code.choices,
        help_text="What kind of repair or doubt.",
    )
    issue = integer_filter("issue_id", maximum=MAX_ID, help_text="The issue's id.")
    article = integer_filter("article_id", maximum=MAX_ID, help_text="The article's id.")
    ordering = ordering_filter({"id": "oldest first", "-id": "newest first"}, "id")

    class Meta:
        model = ReviewFlag
        fields: list[str] = []
