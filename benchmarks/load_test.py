"""Load-test gunicorn on the loopback with a mixed workload: zero 5xx, flat worker memory.

    .venv/bin/python benchmarks/load_test.py                       # 30 s, 8 clients, 20 s warm-up
    .venv/bin/python benchmarks/load_test.py --duration 60 --clients 16 --articles 20000

Steps: (1) use the serving benchmark's database (newsroom_bench_serve; filled on first use with
--articles articles from generated pages, see serve_benchmark.py). (2) start gunicorn with
gunicorn.conf.py and production settings on 127.0.0.1, with worker recycling off
(GUNICORN_MAX_REQUESTS=0) so that memory growth is not hidden by restarts. (3) run --clients
threads, each with one keep-alive connection, for --duration seconds over a fixed mix: public pages
(home, calendars, issues, articles, people, tags), searches, feeds and the sitemap, API lists,
details, filters, search and ninjs, and hostile requests (injection strings in every search and
filter parameter, unknown ids). (4) sample the workers' resident memory (RSS) after a warm-up and
at the end. Prints requests/s, latency percentiles, status counts per kind of request and the RSS
change; exits 1 on any 5xx or socket error, or if a worker's RSS grew by more than --max-growth-mb.
Only 127.0.0.1 is contacted; the run stops by itself after --duration seconds.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import BENCH_DIR, load_average, machine, setup_django
from benchmarks.serve_benchmark import (
    DEFAULT_DATABASE,
    free_port,
    populate,
    serving_env,
    start_gunicorn,
    worker_rss_mb,
)

HOSTILE = ["' OR 1=1 --", '"', "%", "\\", "🙂📰", "NEAR(", "*", '"unbalanced', "x" * 2000,
           "-1", "99999999999999999999", "<script>alert(1)</script>"]  # fmt: skip
QUERIES = ["工会", "数字化改革", "劳模", "职工 权益", '"红色工会"', "浙江", "疫情防控"]


def quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def workload(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """Return (kind, path) pairs in a fixed mix, from the rows in the database."""
    from taggit.models import Tag

    from newsroom.models import Article, Issue, Person

    article_ids = list(Article.objects.public().order_by("?").values_list("pk", flat=True)[:size])
    issues = list(Issue.objects.order_by("?").values_list("pk", "date")[:size])
    people = list(Person.objects.order_by("?").values_list("pk", flat=True)[:size])
    tags = list(Tag.objects.values_list("slug", flat=True)[:size])
    years = sorted({date.year for _pk, date in issues})
    mix: list[tuple[str, str]] = [("page", "/")]
    mix += [("page", f"/articles/{pk}/") for pk in article_ids]
    mix += [("page", f"/issues/{date.isoformat()}/") for _pk, date in issues]
    mix += [("page", f"/issues/{y}/") for y in years]
    mix += [("page", f"/issues/{date.year}/{date.month}/") for _pk, date in issues[:20]]
    mix += [("page", f"/people/{pk}/") for pk in people[:50]]
    mix += [("page", f"/tags/{quote(slug)}/") for slug in tags[:20]]
    mix += [("feed", "/feeds/issues/"), ("feed", "/sitemap.xml")]
    mix += [("feed", f"/people/{pk}/feed/") for pk in people[:10]]
    for q in QUERIES:
        mix += [("search", f"/search/?q={quote(q)}")] * 5
        mix += [("search", f"/search/?q={quote(q)}&order=date&page=2")]
        mix += [("api", f"/api/v1/articles/?q={quote(q)}")] * 3
    mix += [("api", "/api/v1/articles/?page_size=20")] * 10
    mix += [("api", f"/api/v1/articles/{pk}/") for pk in article_ids[:100]]
    mix += [("api", f"/api/v1/articles/{pk}/ninjs/") for pk in article_ids[:30]]
    mix += [("api", f"/api/v1/issues/{pk}/") for pk, _date in issues[:50]]
    mix += [("api", f"/api/v1/issues/?year={y}") for y in years[:10]]
    mix += [("api", "/api/v1/people/"), ("api", "/api/v1/tags/"), ("api", "/api/v1/photos/")]
    for value in HOSTILE:
        mix += [("hostile", f"/search/?q={quote(value)}"),
                ("hostile", f"/search/?q={quote('工会')}&start={quote(value)}&year={quote(value)}"),
                ("hostile", f"/api/v1/articles/?q={quote(value)}"),
                ("hostile", f"/api/v1/articles/?date_after={quote(value)}&person={quote(value)}"),
                ("hostile", f"/api/v1/articles/?ordering={quote(value)}&cursor={quote(value)}"),
                ("hostile", f"/api/v1/issues/?year={quote(value)}&page_size={quote(value)}")]
    mix += [("hostile", "/articles/99999999999/"), ("hostile", "/issues/2021-02-30/"),
            ("hostile", "/api/v1/articles/0/")]
    rng.shuffle(mix)
    return mix


class Client(threading.Thread):
    """Request paths in turn over one keep-alive connection until the deadline."""

    def __init__(self, port: int, mix: list[tuple[str, str]], deadline: float, offset: int):
        super().__init__(daemon=True)
        self.port, self.mix, self.deadline, self.offset = port, mix, deadline, offset
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.slowest: list[tuple[float, str]] = []
        self.statuses: collections.Counter = collections.Counter()
        self.errors: list[str] = []
        self.server_errors: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        index = self.offset
        while time.monotonic() < self.deadline:
            kind, path = self.mix[index % len(self.mix)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"X-Forwarded-Proto": "https",
                                                         "Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{path}: {type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            took = time.perf_counter() - started
            self.latencies[kind].append(took)
            self.slowest = sorted([*self.slowest, (took, path)], reverse=True)[:5]
            self.statuses[(kind, response.status)] += 1
            if response.status >= 500:
                self.server_errors.append(f"{response.status} {path}")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.close()


def run_clients(port: int, mix, *, clients: int, seconds: float) -> list[Client]:
    deadline = time.monotonic() + seconds
    threads = [Client(port, mix, deadline, offset=i * len(mix) // clients) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return threads


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (max 300)")
    parser.add_argument("--warmup", type=int, default=20, help="seconds before the first RSS sample")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--articles", type=int, default=20_000,
                        help="articles to fill an empty benchmark database with")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--max-growth-mb", type=float, default=15.0,
                        help="largest RSS growth of a worker that still counts as flat")
    parser.add_argument("--paths", type=int, default=60,
                        help="distinct articles, issues and people in the mix")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.duration <= 300:
        parser.error("--duration must be between 1 and 300 seconds")

    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    setup_django(args.database_url)
    populate(args.articles, seed=args.seed, force=False)
    facts = machine()
    print(f"machine: {facts['cpus']} CPUs, {facts['memory']}, Python {facts['python']}, "
          f"load average {load_average()}")
    mix = workload(random.Random(args.seed), args.paths)
    kinds = collections.Counter(kind for kind, _path in mix)
    print(f"workload: {len(mix)} distinct requests ({', '.join(f'{k} {n}' for k, n in kinds.items())})")

    workdir = Path(tempfile.mkdtemp(prefix="load-", dir=BENCH_DIR))
    port = free_port()
    env = serving_env(args.database_url, workdir, port, args.workers)
    env |= {"STATIC_MANIFEST": "0", "GUNICORN_MAX_REQUESTS": "0", "GUNICORN_ACCESSLOG": ""}
    server = start_gunicorn(env, port)
    try:
        warm = run_clients(port, mix, clients=args.clients, seconds=args.warmup)
        before = worker_rss_mb(server)
        started = time.monotonic()
        threads = run_clients(port, mix, clients=args.clients, seconds=args.duration)
        elapsed = time.monotonic() - started
        after = worker_rss_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    latencies: dict[str, list[float]] = collections.defaultdict(list)
    statuses: collections.Counter = collections.Counter()
    errors, server_errors = [], []
    for thread in [*warm, *threads]:
        server_errors += thread.server_errors
        errors += thread.errors
    slowest = sorted((item for t in threads for item in t.slowest), reverse=True)[:5]
    for thread in threads:
        for kind, values in thread.latencies.items():
            latencies[kind] += values
        statuses.update(thread.statuses)
    total = sum(statuses.values())
    workers = len(after)
    print(f"\ngunicorn: {workers} sync workers, {args.clients} clients, {args.duration} s after a "
          f"{args.warmup} s warm-up, loopback; load average after: {load_average()}")
    print(f"{total:,} requests in {elapsed:.1f} s: {total / elapsed:,.0f} req/s")
    print(f"{'kind':<9} {'requests':>9} {'p50':>8} {'p95':>8} {'p99':>8}  statuses")
    for kind in sorted(latencies):
        values = latencies[kind]
        codes = ", ".join(f"{code}: {n}" for (k, code), n in sorted(statuses.items()) if k == kind)
        print(f"{kind:<9} {len(values):>9,} {percentile(values, 50) * 1000:>6.1f}ms "
              f"{percentile(values, 95) * 1000:>6.1f}ms {percentile(values, 99) * 1000:>6.1f}ms  {codes}")
    print("slowest: " + "; ".join(f"{took * 1000:.0f}ms {path[:60]}" for took, path in slowest))
    growth = [b - a for a, b in zip(before, after, strict=False)]
    print(f"worker RSS after warm-up: {', '.join(f'{m:.1f}' for m in before)} MB; at the end: "
          f"{', '.join(f'{m:.1f}' for m in after)} MB; growth: "
          f"{', '.join(f'{g:+.1f}' for g in growth)} MB")
    print(f"5xx responses: {len(server_errors)}; socket errors: {len(errors)}")
    for line in (server_errors + errors)[:20]:
        print("  " + line)
    flat = len(before) == len(after) and all(g <= args.max_growth_mb for g in growth)
    if not flat:
        print(f"memory NOT flat (a worker grew more than {args.max_growth_mb} MB, or one restarted)")
    return 0 if flat and not server_errors and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
