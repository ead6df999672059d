"""A reader's suggestion of a correction (报错), sent from the article page; no account needed.

The rules of a suggestion are the editorial operation's (newsroom/editorial/suggestions.py);
this view adds what a public form needs: POST only, a honeypot field people never see (a
form that fills it is answered as if taken, and nothing is kept), at most
``READER_SUGGESTIONS_PER_HOUR`` from one address (429 beyond), and no cross-site posts (an
``Origin`` other than this site's is refused). The article page is cached for everyone, so
the form carries no CSRF token; it changes nothing but open a flag for an editor.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from archive import queries
from newsroom.editorial.suggestions import (
    MAX_NOTE,
    MAX_PASSAGE,
    MAX_SUGGESTION,
    SuggestionRefused,
    suggest_correction,
)
from newsroom.throttle import client_ip

HONEYPOT = "website"
WINDOW_SECONDS = 3600


class SuggestionForm(forms.Form):
    passage = forms.CharField(label=gettext_lazy("有误的文字"), max_length=MAX_PASSAGE, strip=True,
                              widget=forms.Textarea(attrs={"rows": 2}))
    suggestion = forms.CharField(label=gettext_lazy("报纸上印的是"), max_length=MAX_SUGGESTION, strip=True)
    note = forms.CharField(label=gettext_lazy("说明（可不填）"), max_length=MAX_NOTE, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    website = forms.CharField(required=False)  # the honeypot: hidden from people


def _over_the_rate(request: HttpRequest) -> bool:
    key = f"reader-suggestions:{client_ip(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > settings.READER_SUGGESTIONS_PER_HOUR


def _cross_site(request: HttpRequest) -> bool:
    origin = request.META.get("HTTP_ORIGIN")
    return bool(origin) and urlsplit(origin).netloc != request.get_host()


def _answer(request, article, *, status: int, message: str, form=None) -> HttpResponse:
    return render(request, "archive/suggestion.html",
                  {"article": article, "message": message, "form": form, "refused": status != 200},
                  status=status)


@csrf_exempt
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a reader's suggestion on an article into the review queue."""
    article = queries.article_with_state(pk)
    if article is None or not article.is_public or article.continues_id is not None:
        raise Http404(_("没有这篇文章。"))
    if _cross_site(request):
        return _answer(request, article, status=403, message=_("请从本站的文章页提交。"))
    if not article.issue.publication.reader_suggestions:
        return _answer(request, article, status=403, message=_("本报目前不接受读者报错。"))
    if _over_the_rate(request):
        return _answer(request, article, status=429, message=_("提交过于频繁，请稍后再试。"))
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        return _answer(request, article, status=400, form=form,
                       message=_("提交的内容不完整或过长，请检查后再试。"))
    if form.cleaned_data[HONEYPOT]:
        return _answer(request, article, status=200, message=_("谢谢！编辑会核对报纸原文后处理。"))
    try:
        suggest_correction(article, passage=form.cleaned_data["passage"],
                           suggestion=form.cleaned_data["suggestion"], note=form.cleaned_data["note"])
    except SuggestionRefused as refused:
        return _answer(request, article, status=400, form=form, message=refused.message)
    return _answer(request, article, status=200, message=_("谢谢！编辑会核对报纸原文后处理。"))
