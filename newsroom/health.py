"""A health check for load balancers and the serving benchmark's ceiling."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Return "ok" without touching the database: the process is up and answering.

    It is the cheapest request Django can serve, so the serving benchmark uses it as the
    ceiling the real pages are compared with.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
