"""Measure the Python cost of the API article list in-process: ms of CPU per request.

Fills its own PostgreSQL database (``newsroom_bench_apispeed``) with generated pages through the
real importer once, then calls ``/api/v1/articles/?page_size=20`` (and the harvesting variant
``&fields=full``) through Django's test client with production settings (DEBUG off), as an
anonymous reader (whose lists the page cache answers: after the first request, these are cache
hits) and as a staff editor with an API token (the benchmark makes the account and its token;
lists for staff are never cached), N times each after a warm-up, and prints CPU and wall ms per
request, the queries one request runs and how the page cache answered (X-Page-Cache).
CPU time (``time.process_time``) is this process only: Django, DRF and the serializers, not
PostgreSQL's own work.

    .venv/bin/python benchmarks/api_list_benchmark.py [--requests 50] [--pages 30] [--profile]

``--profile`` also prints the 25 functions with the most own time (cProfile, CPU) of the staff
lists (the uncached ones), each URL. ``--general-path`` answers every list by DRF's general path
(FilterSet, QuerySet, models), not by the quick list of compiled queries that a list naming no
filter takes (newsroom/api/quicklist.py): the figures to compare with.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import pages, setup_django  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench_apispeed"
URLS = {
    "list": "/api/v1/articles/?page_size=20",
    "list, fields=full": "/api/v1/articles/?page_size=20&fields=full",
}


def fill(page_count: int) -> int:
    """Import generated pages unless the database holds articles already; return the article count."""
    from django.core.management import call_command

    from newsroom.models import Article

    if not Article.objects.exists():
        paths = [str(path) for path in pages(page_count)]
        print(f"importing {len(paths)} generated pages ...", flush=True)
        call_command("import_pages", *paths, stdout=io.StringIO())
    return Article.objects.count()


def staff_token() -> str:
    """Return the API token of the benchmark's editor: a staff account (staff see withdrawn
    articles, so their lists are never cached), in the editor group where the database has it;
    made, or made staff again, when needed."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    user, created = User.objects.get_or_create(username="benchmark-editor", defaults={"is_staff": True})
    if not (user.is_staff and user.is_active):
        user.is_staff = user.is_active = True
        user.save(update_fields=["is_staff", "is_active"])
    group = Group.objects.filter(name="editor").first()  # `flush` empties the groups
    if group is not None:
        user.groups.add(group)
    token, token_created = Token.objects.get_or_create(user=user)
    print(f"staff account benchmark-editor: {'made' if created else 'reused'}, token "
          f"{'made' if token_created else 'reused'}")
    return token.key


def measure(client, url: str, requests: int) -> tuple[float, float, int, Counter]:
    """Return (CPU ms, wall ms) per request over `requests` calls, the queries of one call and
    how the page cache answered the timed calls (X-Page-Cache: hit, miss, or - when it was
    not asked)."""
    from django.db import connection

    for _ in range(3):  # warm-up: URL resolver, serializer fields, connection
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert len(response.json()["results"]) == 20, "the database needs at least 20 articles"
    # Counted with a wrapper: the query log is reset at each request's start.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(url)
    answers = Counter()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        answers[client.get(url).get("X-Page-Cache", "-")] += 1
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu * 1000 / requests, wall * 1000 / requests, len(queries), answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pages", type=int, default=30, help="generated pages to import when empty")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the list")
    parser.add_argument("--general-path", action="store_true",
                        help="answer the lists by DRF's general path, not the quick list")
    args = parser.parse_args()

    # One client asks many times: lift the anonymous throttle; production keeps the default.
    os.environ.update({"ALLOWED_HOSTS": "127.0.0.1", "API_ANON_THROTTLE": "100000000/min"})
    warnings.filterwarnings("ignore", message="No directory at")  # static files are not served here
    setup_django(args.database_url)
    from django.test import Client

    if args.general_path:
        from newsroom.api import views

        views.wants_quick_list = lambda view: False
    articles = fill(args.pages)
    # An anonymous reader (whose lists the page cache may answer) and an editor with a token
    # (whose lists are never cached: they hold withdrawn articles), the figure #21 asks for.
    clients = {
        "anonymous": Client(HTTP_HOST="127.0.0.1"),
        "staff token": Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {staff_token()}"),
    }
    path = "DRF's general path" if args.general_path else "the quick list where no filter is named"
    print(f"{articles} articles; {args.requests} requests a URL after 3 warm-up requests; {path}")
    print(f"{'client':<12} {'url':<64} {'CPU ms/req':>10} {'wall ms/req':>11} {'SQL':>4}  page cache")
    for who, client in clients.items():
        for name, url in URLS.items():
            cpu, wall, queries, answers = measure(client, url, args.requests)
            cache = ", ".join(f"{'not asked' if answer == '-' else answer} {n}"
                              for answer, n in sorted(answers.items()))
            print(f"{who:<12} {name + ' ' + url:<64} {cpu:>10.1f} {wall:>11.1f} {queries:>4}  {cache}")

    if args.profile:
        client = clients["staff token"]
        for name, url in URLS.items():
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.requests):
                client.get(url)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(f"staff token, {name} {url}:\n{out.getvalue()}")


if __name__ == "__main__":
    main()
