"""The reader's search form: a query and filters, validated before anything is searched."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.models import Article, Person

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
    year = forms.IntegerField(
        label=_("年份"), required=False, min_value=1900, max_value=2999, widget=forms.HiddenInput
    )
    order = forms.ChoiceField(label=_("排序"), required=False, choices=ORDER_CHOICES)

    FILTERS = ("start", "end", "contributor", "tag", "kind", "year")

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return cleaned

    def has_criteria(self) -> bool:
        """Return whether the reader asked for anything (a query or a filter)."""
        return bool(self.cleaned_data.get("q")) or any(
            self.cleaned_data.get(name) not in (None, "") for name in self.FILTERS
        )

    def _filtered(self):
        """Return the public articles matching every filter but the year."""
        data = self.cleaned_data
        articles = Article.objects.public()
        if data.get("start"):
            articles = articles.filter(issue__date__gte=data["start"])
        if data.get("end"):
            articles = articles.filter(issue__date__lte=data["end"])
        if data.get("kind"):
            articles = articles.filter(kind=data["kind"])
        if data.get("tag"):
            # A subquery, not a join, so the search module's ordering and annotations stay intact.
            articles = articles.filter(pk__in=Article.objects.filter(tags__slug=data["tag"]).values("pk"))
        if data.get("contributor"):
            people = Person.objects.named(data["contributor"]).values("pk")
            credited = Article.objects.filter(
                Q(credits__person__in=people) | Q(photos__credits__person__in=people)
            ).values("pk")
            articles = articles.filter(pk__in=credited)
        query = data.get("q")
        if query:
            from newsroom.search import search_articles

            return search_articles(query, articles, order=data.get("order") or "relevance")
        return articles.order_by("-issue__date", "page", "position")

    def year_facets(self) -> list[tuple[int, int]]:
        """Return (year, count) of the results before the year filter, so any year can be picked."""
        from newsroom.search import year_facets

        return year_facets(self._filtered())

    def results(self):
        """Return the matching public articles, with issues and credits ready for display."""
        from archive.queries import credits_prefetch

        articles = self._filtered()
        if self.cleaned_data.get("year"):
            articles = articles.filter(issue__date__year=self.cleaned_data["year"])
        # Photos too: the search module's snippet looks in their captions.
        return articles.select_related("issue").prefetch_related(credits_prefetch(), "photos")

    def querystring(self, *, exclude: tuple[str, ...] = ()) -> str:
        """Return the valid criteria as a query string, for page and facet links."""
        pairs = []
        for name, value in self.cleaned_data.items():
            if name in exclude or value in (None, ""):
                continue
            pairs.append((name, value.isoformat() if hasattr(value, "isoformat") else value))
        return urlencode(pairs)
