"""Print how fast gunicorn serves the archive, the search and the API over 100,000 articles.

    .venv/bin/python benchmarks/serve_benchmark.py                 # fills the database once
    .venv/bin/python benchmarks/serve_benchmark.py --duration 5 --articles 20000
    .venv/bin/python benchmarks/serve_benchmark.py --only article,issue --paths 20000 \
        --distinct --save-every      # the long tail, an editor saving every 2 s

Steps: (1) fill its own PostgreSQL database (newsroom_bench_serve) with --articles articles from
generated pages, parsed by the real parser and written with bulk_create (the importer's own speed
is import_benchmark.py's business), then rebuild the search index and ANALYZE; a filled database
is reused. (2) collectstatic into a temporary folder and start gunicorn with gunicorn.conf.py and
production settings (DEBUG=0, HTTPS enforced, hashed static files) on 127.0.0.1. (3) drive each
URL with wrk on the loopback for --duration seconds, walking many different articles, issues
and years (wrk_paths.lua: each wrk thread its own share of the paths, shuffled with its own seed,
so no path is asked twice back to back; --distinct: no path twice at all, a thread stopping when
its share runs out). Before each run, --warm-up seconds (default 2, 0 for none) over other
articles and issues than the measured ones (the first request and the query count ask for those
too), so the page cache holds none of the measured pages unless --warm-every-path asks for each
once. --save-every [SECONDS] (2 when no number is given): a separate process saves an editor's
correction (editorial.edit_article) to a random article that often during each measured run.
Report requests/s, the client's p50/p95 and the server's own p50/p95, the page cache's hit share
(cache=hit/miss) and the distinct paths answered, all read from gunicorn's access log, beside
the targets. (4) --profile: profile each URL that missed its target in-process with
pyinstrument (pip install pyinstrument into .venv).
Only 127.0.0.1 is ever contacted; every wrk run stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    BENCH_DIR,
    ROOT,
    benchmark_env,
    load_average,
    machine,
    postgres_version,
    setup_django,
)
from benchmarks.generate_pages import generate_page, load_pools

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench_serve"
LAST_DAY = dt.date(2022, 6, 16)  # the day before the newest seed page
ARTICLES_PER_PAGE = 4.5  # what the generator averages
BATCH = 400
WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")
WRK_THREADS = 2


# --------------------------------------------------------------------------- filling the database


def _parse(args: tuple[int, int, str]):
    from importers.parse import read_page

    index, seed, start = args
    page = generate_page(index, seed=seed, start=dt.date.fromisoformat(start), pools=load_pools())
    return read_page(page.text.encode("utf-8"), page.name)


def populate(target: int, *, seed: int, force: bool) -> None:
    """Fill the database with at least ``target`` articles unless it has them already."""
    from django.core.management import call_command
    from django.db import connection

    from newsroom.models import Article

    have = Article.objects.count()
    if have >= target and not force:
        print(f"database: {have} articles already there (--repopulate to refill)")
        return
    call_command("flush", "--noinput", verbosity=0)
    pages = int(target / ARTICLES_PER_PAGE * 1.02) + 1
    start = LAST_DAY - dt.timedelta(days=pages - 1)
    print(f"database: writing ~{target} articles from {pages} generated pages "
          f"({start} to {LAST_DAY}) ...", flush=True)
    started = time.perf_counter()
    writer = _Writer()
    with Pool(os.cpu_count() or 1) as pool:
        jobs = ((i, seed, start.isoformat()) for i in range(pages))
        batch = []
        for record in pool.imap(_parse, jobs, chunksize=50):
            batch.append(record)
            if len(batch) == BATCH:
                writer.write(batch)
                batch = []
                if writer.articles >= target:
                    break
                if writer.pages % 4000 == 0:
                    print(f"  {writer.pages} pages, {writer.articles} articles", flush=True)
        if batch and writer.articles < target:
            writer.write(batch)
        pool.terminate()
    print(f"  wrote {writer.pages} issues, {writer.articles} articles, {writer.photos} photos in "
          f"{time.perf_counter() - started:.0f} s; rebuilding the search index ...", flush=True)
    started = time.perf_counter()
    try:
        call_command("rebuild_search_index", verbosity=0)
        print(f"  search index rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    except Exception as error:  # search may not have landed: serve what exists and say so
        print(f"  search index NOT rebuilt: {type(error).__name__}: {error}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


class _Writer:
    """Write parsed pages with bulk_create: issues, articles, photos, ads, people, credits."""

    def __init__(self):
        from newsroom.models import Publication

        self.publication = Publication.objects.create(
            name="浙江工人日报", slug="zjgrrb", slogan="倾情关注劳动群体 全心服务工会组织",
            cn_number="CN33-0018", postal_code="31-2", website="www.zjgrrb.com",
            email="zjgrrb@163.com", address="杭州市学院路107号", postcode="310012",
        )
        self.people: dict[str, int] = {}
        self.pages = self.articles = self.photos = 0

    def person_ids(self, names: set[str]) -> None:
        from newsroom.models import Person

        new = names - self.people.keys()
        if new:
            Person.objects.bulk_create([Person(name=n) for n in sorted(new)], ignore_conflicts=True)
            self.people.update(Person.objects.filter(name__in=new).values_list("name", "id"))

    def write(self, records) -> None:
        from django.db import transaction

        from newsroom.lib.blocks import render_body
        from newsroom.models import Advertisement, Article, Credit, Issue, Photo

        names = {c.name for r in records for a in r.articles for c in a.contributors}
        names |= {c.name for r in records for a in r.articles for p in a.photos
                  for c in p.contributors}
        with transaction.atomic():
            self.person_ids(names)
            issues = Issue.objects.bulk_create([
                Issue(publication=self.publication, date=r.issue.date, edition=1,
                      lunar_date=r.issue.lunar_date, weekday=r.issue.weekday,
                      number=r.issue.number, masthead={"cn_number": r.issue.cn_number})
                for r in records
            ])
            articles, photos, ads, credits = [], [], [], []
            photo_credits = []
            for issue, record in zip(issues, records, strict=True):
                photo_position = 0
                for a in record.articles:
                    article = Article(
                        issue=issue, page=a.page, position=a.position, kind=a.kind,
                        heading=a.heading[:500], kicker=a.kicker[:300],
                        headline=(a.headline or a.heading)[:300], subheadline=a.subheadline[:300],
                        dateline=a.dateline[:100], body=render_body(a.blocks),
                        original_text=a.original_text, line_start=a.lines[0],
                        line_end=a.lines[1], truncated=a.truncated,
                    )
                    articles.append(article)
                    seen = set()
                    for order, c in enumerate(a.contributors, start=1):
                        if (c.name, c.role) not in seen:
                            seen.add((c.name, c.role))
                            credits.append((article, c, order))
                    for p in a.photos:
                        photo_position += 1
                        photo = Photo(issue=issue, article=article, page=a.page,
                                      position=photo_position, caption=p.caption,
                                      line_start=p.lines[0], line_end=p.lines[1])
                        photos.append(photo)
                        photo_credits.extend((photo, c, order)
                                             for order, c in enumerate(p.contributors, start=1))
                for ad in record.advertisements:
                    ads.append(Advertisement(
                        issue=issue, page=ad.page, position=ad.position,
                        advertiser=ad.advertiser[:200], text=ad.text, phone=ad.phone[:50],
                        website=ad.website[:200], line_start=ad.lines[0], line_end=ad.lines[1],
                    ))
            Article.objects.bulk_create(articles)
            for photo in photos:
                photo.article_id = photo.article.pk
            Photo.objects.bulk_create(photos)
            Advertisement.objects.bulk_create(ads)
            Credit.objects.bulk_create(
                [Credit(person_id=self.people[c.name], role=c.role, order=o, article_id=a.pk)
                 for a, c, o in credits]
                + [Credit(person_id=self.people[c.name], role=c.role, order=o, photo_id=p.pk)
                   for p, c, o in photo_credits],
                ignore_conflicts=True,
            )
        self.pages += len(records)
        self.articles += len(articles)
        self.photos += len(photos)


# --------------------------------------------------------------------------- the URLs


def url_sets(count: int, rng: random.Random, *, exclude: dict | None = None) -> dict[str, list[str]]:
    """Return, per benchmarked page, the paths wrk cycles through; with ``exclude`` (another
    call's result), article and issue paths other than those (for a warm-up that warms the
    workers, not the page cache of the measured paths): as many as the archive has others,
    maybe none."""
    from newsroom.models import Article, Issue

    public = Article.objects.public()
    ids = list(public.values_list("pk", flat=True).order_by("pk"))
    dates = list(Issue.objects.values_list("date", flat=True).order_by("date"))
    years = sorted({d.year for d in dates})
    if exclude:
        taken = {p for name in ("article page", "issue page") for p in exclude.get(name, ())}
        ids = [pk for pk in ids if f"/articles/{pk}/" not in taken]
        dates = [d for d in dates if f"/issues/{d.isoformat()}/" not in taken]
    return {
        "trivial view (/healthz)": ["/healthz"],
        "article page": [f"/articles/{pk}/" for pk in rng.sample(ids, min(count, len(ids)))],
        "issue page": [f"/issues/{d.isoformat()}/" for d in rng.sample(dates, min(count, len(dates)))],
        "calendar page (year)": [f"/issues/{y}/" for y in years],
        "search 工会": ["/search/?q=" + urllib.request.quote("工会")],
        "search 数字化改革": ["/search/?q=" + urllib.request.quote("数字化改革")],
        "API articles (20)": ["/api/v1/articles/?page_size=20"],
        # An editor's tool with a token: staff lists are never cached (HEADERS gives the token).
        "API articles for staff (20)": [f"/api/v1/articles/?page_size=20&year={y}" for y in years],
        "API issues": ["/api/v1/issues/"],
    }


# Request headers per page, beyond X-Forwarded-Proto (the staff token, set in main()).
HEADERS: dict[str, dict[str, str]] = {}


LONG_TAIL = ("article page", "issue page")  # many paths: the warm-up asks for others

TARGETS = {
    "article page": ("p95<30ms, >=50% of trivial req/s", 30, 0.5),
    "issue page": ("p95<30ms, >=50% of trivial req/s", 30, 0.5),
    "search 工会": ("p95<50ms", 50, None),
    "search 数字化改革": ("p95<50ms", 50, None),
    "API articles (20)": ("p95<40ms", 40, None),
    "API articles for staff (20)": ("p95<40ms", 40, None),
}


def queries_per_request(paths: dict[str, list[str]]) -> dict[str, int]:
    """Return how many SQL queries one request of each page runs (in-process, first path), on
    whichever database answered them (the primary, or a replica with --replica-url)."""
    from contextlib import ExitStack

    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, options in paths.items():
        extra = {"HTTP_" + key.upper().replace("-", "_"): value
                 for key, value in HEADERS.get(name, {}).items()}
        client.get(options[0], secure=True, **extra)  # warm caches a worker would have warm
        with ExitStack() as stack:
            captured = [stack.enter_context(CaptureQueriesContext(connections[alias]))
                        for alias in connections]
            response = client.get(options[-1], secure=True, **extra)
        queries = sum(len(ctx.captured_queries) for ctx in captured)
        counts[name] = queries if response.status_code == 200 else -1
    return counts


# --------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving_env(database_url: str, data_dir: Path, port: int, workers: int | None,
                replica_url: str | None = None, max_requests: int = 0) -> dict:
    env = {
        **os.environ,
        **benchmark_env(database_url),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "STATIC_MANIFEST": "1",
        "NEWSROOM_DATA_DIR": str(data_dir),
        "API_ANON_THROTTLE": "100000000/min",  # wrk is one client; production keeps the default
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": str(data_dir / "access.log"),
        "GUNICORN_ERRORLOG": str(data_dir / "error.log"),
        # No worker recycling mid-run by default: a recycled worker's CPU time is lost to the
        # figures (--max-requests measures what recycling costs).
        "GUNICORN_MAX_REQUESTS": str(max_requests),
        "LOG_LEVEL": "ERROR",
    }
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    if replica_url:  # anonymous reads go to the replica (newsroom/replicas.py)
        env["DATABASE_REPLICA_URLS"] = replica_url
    return env


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        time.sleep(0.2)
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {env['GUNICORN_ERRORLOG']}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return server
        except OSError:
            continue
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 20 s")


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """Return the resident memory of gunicorn's workers (children of the master), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server.pid):
            sizes.append(int(fields.get("VmRSS", "0 kB").split()[0]) / 1024)
    return sorted(sizes)


_wrk_runs = 0


def run_wrk(port: int, paths: list[str], *, seconds: int, connections: int, workdir: Path,
            distinct: bool = False, headers: dict[str, str] | None = None) -> dict:
    """Run wrk over ``paths`` (wrk_paths.lua) and return its figures; with ``distinct``, no path
    is asked twice (a thread whose share runs out stops: ``threads_ran_out``)."""
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk", "-t", str(WRK_THREADS), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", "10s", "-H", "X-Forwarded-Proto: https", "-s", str(WRK_SCRIPT),
        *(item for key, value in (headers or {}).items() for item in ("-H", f"{key}: {value}")),
        f"http://127.0.0.1:{port}",
    ]
    global _wrk_runs
    _wrk_runs += 1
    # WRK_THREADS: the script gives each thread its share of the paths; WRK_RUN: another shuffle.
    wrk_env = {**os.environ, "WRK_PATHS": str(listing), "WRK_THREADS": str(WRK_THREADS),
               "WRK_RUN": str(_wrk_runs), "WRK_DISTINCT": "1" if distinct else "0"}
    result = subprocess.run(command, env=wrk_env,
                            capture_output=True, text=True, timeout=seconds + 60)
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Return the user + system CPU seconds each of these processes has used (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """Return the CPU seconds used between two readings (new processes count from zero).

    A process that ended in between (a database connection closed after CONN_MAX_AGE) is
    missing from ``after``; its last stretch is lost, so the figure errs low, never negative.
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def child_pids(parent: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("PPid:"):
                    if line.split()[1] == str(parent):
                        pids.append(int(status.parent.name))
                    break
        except OSError:
            continue
    return pids


def backend_pids(database_url: str) -> list[int]:
    """Return the PostgreSQL server processes serving the benchmark database (the workers')."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [pid for (pid,) in rows]


def drain(log: Path, *, quiet: float = 1.5, limit: float = 180) -> None:
    """Wait until the workers have finished the requests wrk left queued (the log stops growing).

    wrk closes its connections when its time is up, but sync workers still answer what was
    already accepted; measuring the next URL before that would charge it for the last one.
    """
    deadline = time.monotonic() + limit
    size, still_since = log.stat().st_size, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = log.stat().st_size
        if now != size:
            size, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return


@dataclass
class LogFigures:
    """What gunicorn's access log says about a run: the time of each request in the worker
    (rt_us), the answers by status and by page cache (hit, miss, -), and the paths asked."""

    times: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    cache: Counter = field(default_factory=Counter)
    paths: Counter = field(default_factory=Counter)

    @property
    def hit_share(self) -> float | None:
        """Return the share of the page cache's answers that were hits (None: it never answered)."""
        answered = self.cache["hit"] + self.cache["miss"]
        return self.cache["hit"] / answered if answered else None

    @property
    def repeated(self) -> int:
        """Return how many requests asked for a path already asked in the same run."""
        return sum(self.paths.values()) - len(self.paths)


def read_access_log(lines) -> LogFigures:
    """Return the figures of these access-log lines (gunicorn.conf.py's access_log_format:
    ``... "GET /path HTTP/1.1" 200 ... cache=hit rt_us=1234``)."""
    figures = LogFigures()
    for line in lines:
        if "rt_us=" not in line:
            continue
        figures.times.append(int(line.rsplit("rt_us=", 1)[1]))
        request, _, rest = line.partition('" ')
        figures.statuses[rest.split()[0] if rest else "?"] += 1
        figures.cache[line.rsplit("cache=", 1)[1].split()[0] if "cache=" in line else "-"] += 1
        words = request.rsplit('"', 1)[-1].split()  # GET /path HTTP/1.1
        figures.paths[words[1] if len(words) >= 2 else "?"] += 1
    return figures


def server_times(log: Path, offset: int) -> LogFigures:
    """Return the figures of the access-log lines written after ``offset``."""
    with log.open("rb") as handle:
        handle.seek(offset)
        return read_access_log(raw.decode("utf-8", "replace") for raw in handle)


def save_corrections(every: float, stopped, saves, seed: int) -> None:
    """Save an editor's correction to a random public article every ``every`` seconds until
    ``stopped`` is set, counting them in ``saves`` (the desk at work while readers read). Runs
    in its own process (Saver), as a desk's save runs in another worker than the readers'."""
    from django.contrib.auth.models import User
    from django.db import connection

    from newsroom import editorial
    from newsroom.models import Article

    try:
        # A superuser: the benchmark database is emptied with `flush`, which keeps no groups.
        user, _ = User.objects.update_or_create(
            username="benchmark-editor", defaults={"is_staff": True, "is_superuser": True})
        ids = list(Article.objects.public().values_list("pk", flat=True))
        rng = random.Random(seed)
        while not stopped.wait(every):
            article = Article.objects.get(pk=rng.choice(ids))
            headline = article.headline[:-1] if article.headline.endswith("·") else article.headline + "·"
            editorial.edit_article(article, changes={"headline": headline},
                                   expected_version=article.version, user=user)
            with saves.get_lock():
                saves.value += 1
    finally:
        connection.close()


class Saver:
    """A separate process saving an editor's correction every ``every`` seconds (--save-every)."""

    def __init__(self, every: float, seed: int):
        from django.db import connections

        context = multiprocessing.get_context("fork")  # Django is set up already: inherit it
        self.stopped, self._saves = context.Event(), context.Value("i", 0)
        connections.close_all()  # the child opens its own connection, never shares ours
        self.process = context.Process(target=save_corrections, daemon=True,
                                       args=(every, self.stopped, self._saves, seed))

    @property
    def saves(self) -> int:
        return self._saves.value

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.stopped.set()
        self.process.join(timeout=60)
        if self.process.exitcode:
            print(f"  the editor's process exited with {self.process.exitcode} (see above)", flush=True)


def percentile(values: list[int], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--repopulate", action="store_true", help="empty and refill the database")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL (max 60)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--paths", type=int, default=300, help="distinct articles/issues cycled")
    parser.add_argument("--profile", action="store_true", help="profile pages that miss a target")
    parser.add_argument("--populate-only", action="store_true", help="fill the database and stop")
    parser.add_argument("--replica-url", help="a streaming replica of --database-url: gunicorn "
                        "reads anonymous pages from it (replica_benchmark.py --serve starts one)")
    parser.add_argument("--only", help="comma-separated names of the pages to run (substrings)")
    parser.add_argument("--save-every", type=float, nargs="?", const=2.0, default=0,
                        metavar="SECONDS",
                        help="a separate process saves an editor's correction to a random "
                             "article every this many seconds (2 when no number is given) "
                             "during each measured run (default: no saves)")
    parser.add_argument("--distinct", action="store_true",
                        help="ask no path twice in a measured run (each wrk thread stops when "
                             "its share of --paths runs out; the rate is then not measured)")
    parser.add_argument("--warm-up", type=int, default=2, metavar="SECONDS",
                        help="seconds of wrk over other articles and issues than the measured "
                             "ones before each run (warms the workers, not the page cache of "
                             "the measured paths; 0: none)")
    parser.add_argument("--max-requests", type=int, default=0, metavar="N",
                        help="gunicorn restarts each worker after about N requests, as "
                             "GUNICORN_MAX_REQUESTS does in production (default 0: never; the "
                             "CPU figures then miss the recycled workers' time)")
    parser.add_argument("--warm-every-path", action="store_true",
                        help="ask for every path once before measuring (a warm page cache; with "
                             "PAGE_CACHE_LOCATION shared by the workers, every page is a hit)")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be between 1 and 60 seconds")
    if args.save_every < 0 or args.warm_up < 0:
        parser.error("--save-every and --warm-up take a number of seconds >= 0")
    if shutil.which("wrk") is None and not args.populate_only:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"  # for the in-process query counts
    # One page cache for gunicorn's workers, the editor's process and the task worker that
    # renders again what a save invalidated (the default location's kind: a folder), emptied
    # before the run so that no page of an earlier run is counted.
    os.environ.setdefault("PAGE_CACHE_LOCATION", str(BENCH_DIR / "serve-page-cache"))
    if os.environ["PAGE_CACHE_LOCATION"].startswith("/"):
        shutil.rmtree(os.environ["PAGE_CACHE_LOCATION"], ignore_errors=True)
    if args.replica_url:
        # The editor's process runs with the site's settings: its changes record the primary's
        # WAL position for the replica's readers (newsroom/pagescopes.py covering_position).
        os.environ["DATABASE_REPLICA_URLS"] = args.replica_url
    setup_django(args.database_url)
    facts = machine()
    print(f"machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']}, "
          f"Python {facts['python']}, PostgreSQL {postgres_version(args.database_url)}, "
          f"load average {load_average()}")
    populate(args.articles, seed=args.seed, force=args.repopulate)
    from newsroom.models import Article, Issue

    print(f"database: {Article.objects.count()} articles, {Issue.objects.count()} issues")
    if args.populate_only:
        return
    paths = url_sets(args.paths, random.Random(args.seed))
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        paths = {k: v for k, v in paths.items() if k.startswith("trivial") or any(w in k for w in wanted)}
    if any("staff" in name for name in paths):
        from benchmarks.api_list_benchmark import staff_token

        HEADERS["API articles for staff (20)"] = {"Authorization": f"Token {staff_token()}"}
    # The warm-up (and the first request, and the in-process query count) asks for other
    # articles and issues: it warms the workers (imports, connections, query plans), not the page
    # cache of the paths then measured. The other pages are one hot path or a few (a year's
    # calendar, a search, an API list): their warm-up asks the measured paths.
    warm_paths = url_sets(args.paths, random.Random(args.seed + 1), exclude=paths)
    for name in LONG_TAIL:
        if name in paths and not warm_paths[name] and len(paths[name]) > 1:
            # The archive has no others: one measured path is given to the warm-up instead.
            warm_paths[name] = [paths[name].pop()]
            print(f"{name}: all {len(paths[name]) + 1} paths of the archive are measured but one, "
                  f"{warm_paths[name][0]}, the warm-up's")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="serve-", dir=BENCH_DIR))
    port = free_port()
    env = serving_env(args.database_url, workdir, port, args.workers, args.replica_url,
                      max_requests=args.max_requests)
    # The database servers' CPU: the primary's backends and, with a replica, the replica's.
    databases = [args.database_url, *([args.replica_url] if args.replica_url else [])]
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    # Counted on the warm-up's paths: the measured ones are asked first by the measured run.
    queries = queries_per_request({name: warm_paths[name] for name in paths})
    print(f"wrk: {WRK_THREADS} threads x {args.connections} connections, {args.duration} s a page; "
          + (f"{args.warm_up} s of warm-up over other paths; " if args.warm_up else "no warm-up; ")
          + ("every measured path asked once beforehand (--warm-every-path); "
             if args.warm_every_path else "")
          + ("no path asked twice (--distinct)" if args.distinct
             else "each thread cycles through its shuffled share of the paths")
          + (f"; an editor's save every {args.save_every:g} s" if args.save_every else ""),
          flush=True)
    server = start_gunicorn(env, port)
    # The task worker beside the site (as in production): it renders again, in the background,
    # the pages an editor's save invalidated (newsroom/pagerefresh.py, PAGE_CACHE_REFRESH).
    worker = (subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.5",
                                "--no-reload"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
              if args.save_every else None)
    rows = []
    try:
        for name, options in paths.items():
            print(f"{name}: {len(options)} paths ...", flush=True)
            # The first request (is the page there at all?) asks for a warm-up path, so the
            # measured paths are first asked by the measured run (unless --warm-every-path).
            probe = warm_paths[name][0]
            try:
                started = time.perf_counter()
                status, body = fetch(port, probe, HEADERS.get(name))
                first_ms = (time.perf_counter() - started) * 1000
            except OSError as error:
                print(f"{name}: {probe} did not answer ({error}); skipped", flush=True)
                continue
            if status != 200:
                print(f"{name}: {probe} answered {status}; skipped: {body[:200]!r}")
                continue
            log = workdir / "access.log"
            if args.warm_every_path:
                # The steady state of a cache: every page asked once (four at a time).
                from multiprocessing.pool import ThreadPool

                with ThreadPool(4) as pool:
                    headers = HEADERS.get(name)
                    pool.map(lambda path, headers=headers: fetch(port, path, headers), options,
                             chunksize=16)
            if args.warm_up:
                run_wrk(port, warm_paths[name], seconds=args.warm_up,
                        connections=args.connections, workdir=workdir, headers=HEADERS.get(name))
            drain(log, quiet=max(1.5, 2 * first_ms / 1000))
            offset = log.stat().st_size
            workers = child_pids(server.pid)
            app_before = cpu_seconds(workers)
            refresh_before = cpu_seconds([worker.pid]) if worker is not None else {}
            db_before = cpu_seconds([pid for url in databases for pid in backend_pids(url)])
            saver = Saver(args.save_every, seed=args.seed + len(rows)) if args.save_every else None
            if saver is not None:
                saver.start()
            # /healthz is one path: --distinct would stop it after its first request.
            figures = run_wrk(port, options, seconds=args.duration, connections=args.connections,
                              headers=HEADERS.get(name),
                              workdir=workdir, distinct=args.distinct and len(options) > WRK_THREADS)
            if saver is not None:
                saver.stop()
                if saver.saves == 0:
                    raise SystemExit(f"{name}: the editor saved nothing during the run (see above)")
            # The requests still queued when wrk stopped count for this URL.
            drain(log, quiet=max(1.5, 2 * first_ms / 1000))
            app_cpu = cpu_used(app_before, cpu_seconds(workers))
            refresh_cpu = (cpu_used(refresh_before, cpu_seconds([worker.pid]))
                           if worker is not None else 0.0)
            db_cpu = cpu_used(db_before, cpu_seconds([pid for url in databases
                                                      for pid in backend_pids(url)]))
            answers = server_times(log, offset)
            times, statuses = answers.times, answers.statuses
            ran_out = figures.get("threads_ran_out", 0)
            rows.append({
                "name": name,
                "first_request_ms": first_ms,
                "app_cpu_ms": app_cpu * 1000 / max(1, len(times)),
                "db_cpu_ms": db_cpu * 1000 / max(1, len(times)),
                "paths": len(options),
                "queries": queries.get(name),
                # wrk waits out -d when a thread ran out of paths: no rate then.
                "rps": float("nan") if ran_out else figures["requests"] / (figures["duration_us"] / 1e6),
                "requests": len(times),
                "distinct_paths": len(answers.paths),
                "repeated_requests": answers.repeated,
                "threads_ran_out": ran_out,
                "client_p50_ms": figures["p50_us"] / 1000,
                "client_p95_ms": figures["p95_us"] / 1000,
                "server_p50_ms": percentile(times, 50) / 1000,
                "server_p95_ms": percentile(times, 95) / 1000,
                "server_mean_ms": statistics.fmean(times) / 1000 if times else float("nan"),
                "non_200": sum(n for s, n in statuses.items() if s != "200") + figures["status_errors"],
                "socket_errors": figures["connect_errors"] + figures["read_errors"] + figures["timeouts"],
                "cache_hit_share": answers.hit_share,
                "saves": saver.saves if saver is not None else 0,
                # The task worker rendering again what the saves invalidated, in all.
                "refresh_cpu_s": refresh_cpu,
            })
            print(f"  {rows[-1]['rps']:.0f} req/s, server p50/p95 {rows[-1]['server_p50_ms']:.1f}/"
                  f"{rows[-1]['server_p95_ms']:.1f} ms, first request {first_ms:.0f} ms, CPU a request: "
                  f"gunicorn {rows[-1]['app_cpu_ms']:.1f} ms + PostgreSQL "
                  f"{rows[-1]['db_cpu_ms']:.1f} ms"
                  + (f", page cache hits {rows[-1]['cache_hit_share']:.0%}"
                     if rows[-1]["cache_hit_share"] is not None else "")
                  + (f", {rows[-1]['saves']} editor saves (the task worker rendering again: "
                     f"{refresh_cpu:.2f} s of CPU)" if saver is not None else ""), flush=True)
            print(f"  {len(times)} requests answered, {len(answers.paths)} distinct paths "
                  f"({answers.repeated} requests asked for a path already asked in this run)",
                  flush=True)
            if ran_out:
                print(f"  {ran_out} of {WRK_THREADS} wrk threads ran out of paths before "
                      f"{args.duration} s: no rate measured (raise --paths or lower --duration)",
                      flush=True)
        rss = worker_rss_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)

    ceiling = next((r["rps"] for r in rows if r["name"].startswith("trivial")), None)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    print(f"\nload average after the runs: {load_average()}")
    threads = int(os.environ.get("GUNICORN_THREADS") or 1)
    kind = f"gthread workers x {threads} threads" if threads > 1 else "sync workers"
    pool = ", DATABASE_POOL on" if os.environ.get("DATABASE_POOL", "").lower() in ("1", "true", "yes", "on") else ""
    print(f"gunicorn: {workers} {kind}{pool}, wrk {WRK_THREADS} threads x {args.connections} connections, "
          f"{args.duration} s per URL, loopback; worker RSS after the run: "
          f"{', '.join(f'{m:.0f}' for m in rss)} MB")
    header = (f"{'page':<26} {'req/s':>7} {'server p50':>10} {'p95':>7} {'client p50':>10} "
              f"{'p95':>7} {'SQL':>4} {'CPU app+db':>11} {'non-200':>7} {'hits':>5} "
              f"{'paths/answered':>14}  target")
    print(header)
    print("-" * len(header))
    missed = []
    for r in rows:
        target = TARGETS.get(r["name"])
        verdict = ""
        hits = "-" if r["cache_hit_share"] is None else f"{r['cache_hit_share']:.0%}"
        if target:
            label, p95_limit, share = target
            ok = r["server_p95_ms"] < p95_limit and (
                share is None or (ceiling and r["rps"] >= share * ceiling))
            verdict = f"{label}: {'ok' if ok else 'MISSED'}"
            if r["threads_ran_out"]:
                verdict += " (no rate: the paths ran out)"
            if not ok:
                missed.append(r["name"])
        print(f"{r['name']:<26} {r['rps']:>7.0f} {r['server_p50_ms']:>8.1f}ms {r['server_p95_ms']:>5.1f}ms "
              f"{r['client_p50_ms']:>8.1f}ms {r['client_p95_ms']:>5.1f}ms {r['queries']:>4} "
              f"{r['app_cpu_ms']:>5.1f}+{r['db_cpu_ms']:<5.1f}"
              f"{r['non_200'] + r['socket_errors']:>7} {hits:>5} "
              f"{str(r['distinct_paths']) + '/' + str(r['requests']):>14}  {verdict}")
    print(json.dumps({"rows": rows, "worker_rss_mb": rss}, ensure_ascii=False), file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)
    if args.profile and missed:
        profile(paths, missed)


def profile(paths: dict[str, list[str]], names: list[str]) -> None:
    """Profile the pages that missed a target, in-process, and write pyinstrument reports."""
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1")
    for name in names:
        options = paths[name]
        client.get(options[0], secure=True)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(100):
            client.get(options[i % len(options)], secure=True)
        profiler.stop()
        slug = "".join(ch if ch.isalnum() else "-" for ch in name)
        out = BENCH_DIR / f"serve-profile-{slug}.txt"
        out.write_text(profiler.output_text(unicode=True, color=False))
        print(f"profile of 100 requests of {name}: {out}")


if __name__ == "__main__":
    main()
