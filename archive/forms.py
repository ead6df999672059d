"""The reader's search form: a query and filters, validated before anything is searched."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from archive.queries import credits_prefetch
from newsroom.models import Article, Page, Person
from newsroom.search import search_public, year_facets

ORDER_CHOICES = [("relevance", _("按相关度")), ("date", _("按日期"))]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("检索词"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("例如：工会")}),
    )
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contributor = forms.CharField(label=_("作者"), required=False, max_length=100)
    tag = forms.SlugField(label=_("标签"), required=False, max_length=100, allow_unicode=True)
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *Article.Kind.choices]
    )
    pageno = forms.IntegerField(label=_("版次"), required=False, min_value=1, max_value=99)
    year = forms.IntegerField(
        label=_("年份"), required=False, min_value=1900, max_value=2999, widget=forms.HiddenInput
    )
    month = forms.IntegerField(
        label=_("月份"), required=False, min_value=1, max_value=12, widget=forms.HiddenInput
    )
    pagename = forms.CharField(
        label=_("版名"), required=False, max_length=50, widget=forms.HiddenInput
    )
    order = forms.ChoiceField(label=_("排序"), required=False, choices=ORDER_CHOICES)

    FILTERS = ("start", "end", "contributor", "tag", "kind", "pageno", "year", "month", "pagename")
    # The facets' own filters: a facet link replaces them, the others stay.
    FACETS = ("year", "month", "pagename")

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        if cleaned.get("month") and not cleaned.get("year"):
            cleaned["month"] = None  # a month means nothing without its year
        return cleaned

    def has_criteria(self) -> bool:
        """Return whether the reader asked for anything (a query or a filter)."""
        return bool(self.cleaned_data.get("q")) or any(
            self.cleaned_data.get(name) not in (None, "") for name in self.FILTERS
        )

    def _narrowed(self):
        """Return the public articles matching the filters that are not about dates, or None."""
        data = self.cleaned_data
        if not any(data.get(name) for name in ("kind", "tag", "contributor")):
            return None
        articles = Article.objects.public()
        if data.get("kind"):
            articles = articles.filter(kind=data["kind"])
        if data.get("tag"):
            # A subquery, not a join, so the search module's ordering and annotations stay intact.
            articles = articles.filter(pk__in=Article.objects.filter(tags__slug=data["tag"]).values("pk"))
        if data.get("contributor"):
            articles = articles.by_person(Person.objects.named_or_spelled(data["contributor"]).values("pk"))
        return articles

    def _filtered(self):
        """Return the public articles matching every filter but the year (no query)."""
        data = self.cleaned_data
        narrowed = self._narrowed()
        articles = narrowed if narrowed is not None else Article.objects.public()
        if data.get("start"):
            articles = articles.filter(issue__date__gte=data["start"])
        if data.get("end"):
            articles = articles.filter(issue__date__lte=data["end"])
        if data.get("pageno"):
            articles = articles.filter(page=data["pageno"])
        if data.get("pagename"):
            articles = articles.filter(
                Exists(Page.objects.filter(issue=OuterRef("issue"), number=OuterRef("page"),
                                           name=data["pagename"]))
            )
        return articles.in_page_order(by_edition=False)

    @staticmethod
    def _displayed(articles):
        """Return the articles with what a result shows: issue, credits, photos."""
        # Photos too: the search module's snippet looks in their captions. Not the OCR text
        # or the import snapshot: large, and a result does not show them.
        return (
            articles.select_related("issue")
            .defer("original_text", "imported")
            .prefetch_related(credits_prefetch(), "photos")
        )

    def search(self):
        """Return the reader's search for the query (newsroom.search.search_public), once."""
        if not hasattr(self, "_search"):
            data = self.cleaned_data
            self._search = search_public(
                data["q"],
                articles=self._displayed(Article.objects.public()),
                among=self._narrowed(),
                start=data.get("start"),
                end=data.get("end"),
                year=data.get("year"),
                month=data.get("month"),
                page_name=data.get("pagename") or None,
                page_number=data.get("pageno"),
                order=data.get("order") or "relevance",
            )
        return self._search

    def year_facets(self) -> list[tuple[int, int]]:
        """Return (year, count) of the results before the year filter, so any year can be picked."""
        if self.cleaned_data.get("q"):
            return self.search().year_facets()
        return year_facets(self._filtered())

    def month_facets(self) -> list[tuple[int, int]]:
        """Return (month, count) within the chosen year, for a search with a query."""
        return self.search().month_facets() if self.cleaned_data.get("q") else []

    def page_name_facets(self) -> list[tuple[str, int]]:
        """Return (page name, count), most first, for a search with a query."""
        return self.search().page_name_facets() if self.cleaned_data.get("q") else []

    def results(self):
        """Return the matching public articles, ready for display and pagination.

        With a query, a SearchResults (counts and slices like a QuerySet); without one,
        the filtered articles newest first.
        """
        if self.cleaned_data.get("q"):
            return self.search()
        articles = self._filtered()
        if self.cleaned_data.get("year"):
            articles = articles.filter(issue__date__year=self.cleaned_data["year"])
            if self.cleaned_data.get("month"):
                articles = articles.filter(issue__date__month=self.cleaned_data["month"])
        return self._displayed(articles)

    def querystring(self, *, exclude: tuple[str, ...] = ()) -> str:
        """Return the valid criteria as a query string, for page and facet links."""
        pairs = []
        for name, value in self.cleaned_data.items():
            if name in exclude or value in (None, ""):
                continue
            pairs.append((name, value.isoformat() if hasattr(value, "isoformat") else value))
        return urlencode(pairs)
