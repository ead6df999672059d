import datetime as dt

from django.http import Http404, HttpResponseGone
from django.shortcuts import get_object_or_404, render

from newsroom.models import Article, Issue, Person


def home(request):
    issues = Issue.objects.with_public_articles().select_related("publication")[:10]
    return render(request, "archive/home.html", {"issues": issues})


def issue_detail(request, date: str):
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404("not a date") from None
    issue = get_object_or_404(Issue.objects.select_related("publication"), date=day, edition=1)
    articles = issue.articles.public().order_by("page", "position")
    return render(request, "archive/issue.html", {"issue": issue, "articles": articles})


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("issue__publication"), pk=pk)
    if not article.is_public:
        return HttpResponseGone()
    return render(request, "archive/article.html", {"article": article})


def person_detail(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    articles = Article.objects.public().by_person(person).select_related("issue")
    return render(request, "archive/person.html", {"person": person, "articles": articles})
