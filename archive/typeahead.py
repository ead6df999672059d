"""The search box's suggestions as JSON: headlines, contributors and tags for what a reader types.

`GET /search/suggest/?q=工会` answers (three queries, newsroom/search/typeahead.py)::

    {"q": "工会",
     "headlines": [{"text": "…", "date": "2021-03-19", "url": "/articles/1/"}],
     "people": [{"text": "阮向民", "url": "/people/3/"}],
     "tags": [{"text": "工会", "url": "/tags/工会/"}]}

The text is the paper's, unescaped: archive/static/archive/typeahead.js puts it in the page
with textContent, never as HTML. Nothing here depends on the reader or the language, so the
answer is cached in the page cache (keyed by the archive's generation: exact) and by
browsers and proxies for a minute.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from newsroom.pagecache import cached_public_page
from newsroom.search.typeahead import suggest

# Short: a withdrawn article leaves a shared cache's copy within this many seconds.
MAX_AGE = 60


@cached_public_page
@require_safe
def search_suggestions(request: HttpRequest) -> JsonResponse:
    """Answer the suggestions for ?q= as JSON (none under two characters; q cut to 50)."""
    found = suggest(request.GET.get("q", ""))
    response = JsonResponse(
        {
            "q": found.text,
            "headlines": [
                {
                    "text": article.full_heading,
                    "date": article.issue.date.isoformat(),
                    "url": article.get_absolute_url(),
                }
                for article in found.headlines
            ],
            "people": [{"text": person.name, "url": person.get_absolute_url()} for person in found.people],
            "tags": [{"text": tag.name, "url": tag_url(tag)} for tag in found.tags],
        },
        # The text as it is, in UTF-8 (served as application/json with nosniff): the script
        # never treats any of it as HTML.
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def tag_url(tag) -> str:
    """Return the archive address of a tag's page."""
    return reverse("archive:tag", kwargs={"slug": tag.slug})
