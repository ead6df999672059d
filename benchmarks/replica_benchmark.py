"""Print what reading from a streaming replica costs and how soon it shows an editor's save.

    .venv/bin/python benchmarks/replica_benchmark.py [--saves 50] [--requests 300]

Starts the project's own primary and replica pair (scripts/pg-replica, 127.0.0.1:25432/25433,
in a temporary folder; stopped at the end), migrates the primary, imports the seeds, and prints:

- **save to replica**: an editor's correction committed on the primary (a headline changed),
  then the replica asked for the row until it has it: the seconds between the commit and the
  moment a reader routed to the replica would see it (p50, p95, max);
- **pages through the router**: anonymous article pages in this process (Django's test client,
  page cache off) read from the replica, and the same with the replica switched off (read from
  the primary): requests/s and CPU ms a request, so the router's own cost shows.

With ``--serve [serve_benchmark options]`` it fills the pair's primary as
serve_benchmark.py fills its database (100,000 articles by default), waits for the replica to
replay it, and runs serve_benchmark.py against the primary with ``--replica-url``: gunicorn
reads anonymous pages from the replica through the router, while the editor's saves (with
``--save-every``) go to the primary; the pair is stopped at the end.

    .venv/bin/python benchmarks/replica_benchmark.py --serve --only "article page,issue page" \
        --paths 20000 --distinct --save-every 2 --warm-every-path --duration 5

Figures, not assertions (docs/performance.md). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-replica"


def start_pair(folder: Path) -> tuple[str, str]:
    """Start the pair in ``folder``; return the primary's and the replica's database URLs."""
    env = {**os.environ, "NEWSROOM_REPLICA_DIR": str(folder / "pair")}
    started = subprocess.run([SCRIPT, "start"], env=env, capture_output=True, text=True, check=True)
    urls = dict(line.split(" ", 1) for line in started.stdout.splitlines())
    subprocess.run(["psql", urls["primary"], "-qc", "CREATE DATABASE newsroom"], check=True,
                   capture_output=True)
    return (urls["primary"].rsplit("/", 1)[0] + "/newsroom",
            urls["replica"].rsplit("/", 1)[0] + "/newsroom")


def settings_env(folder: Path, primary: str, replica: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "0",
        "DATABASE_URL": primary, "DATABASE_REPLICA_URLS": replica, "PAGE_CACHE": "0",
        "REPLICA_CHECK_SECONDS": "2", "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://testserver", "SECURE_HTTPS": "0", "LOG_LEVEL": "ERROR",
        "STATIC_MANIFEST": "0",
        "SECRET_KEY": "replica-benchmark-only-" + "x" * 40, "NEWSROOM_DATA_DIR": str(folder / "data"),
        "NEWSROOM_REPLICA_DIR": str(folder / "pair"),
    }


def measure(saves: int, requests: int) -> dict:
    import django

    django.setup()
    from django.test import Client

    from newsroom import replicas
    from newsroom.models import Article

    client = Client()
    article = Article.objects.public().order_by("pk").first()
    path = f"/articles/{article.pk}/"
    replica_rows = Article.objects.using("replica_1").only("headline")
    lags = []
    for n in range(saves):
        headline = f"更正标题{n}"
        Article.objects.filter(pk=article.pk).update(headline=headline)  # autocommit: committed
        committed = time.perf_counter()
        # What a reader routed to the replica would read: the row as the replica has it.
        while replica_rows.get(pk=article.pk).headline != headline:
            if time.perf_counter() - committed > 10:
                break
        lags.append(time.perf_counter() - committed)
    assert headline in client.get(path).content.decode()
    ids = list(Article.objects.public().values_list("pk", flat=True))
    rates = {}
    for where in ("replica", "primary"):
        if where == "primary":
            replicas.replica_aliases = lambda: []  # the router's choice off: the primary
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(requests):
            client.get(f"/articles/{ids[n % len(ids)]}/")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rates[where] = {"requests_per_second": round(requests / wall, 1),
                        "cpu_ms": round(cpu * 1000 / requests, 2)}
    lags.sort()
    return {
        "save_to_served_s": {
            "p50": round(statistics.median(lags), 4),
            "p95": round(lags[min(len(lags) - 1, int(len(lags) * 0.95))], 4),
            "max": round(lags[-1], 4), "saves": len(lags),
        },
        "article_pages": rates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true",
                        help="serve through gunicorn from the replica (other options go to serve_benchmark.py)")
    args, rest = parser.parse_known_args()
    if args.serve:
        serve(rest)
        return
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.child:
        print("RESULT " + json.dumps(measure(args.saves, args.requests)))
        return

    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-bench-"))
    folder.chmod(0o755)  # the servers' owner (postgres, when run as root) must reach it
    try:
        primary, replica = start_pair(folder)
        env = {**os.environ, **settings_env(folder, primary, replica)}
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "import_pages", str(ROOT / "seeds")], env=env, check=True,
                       cwd=ROOT, capture_output=True)
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", "--saves", str(args.saves),
             "--requests", str(args.requests)],
            env={**env, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, text=True)
        if child.returncode:
            raise SystemExit(f"the measuring process failed:\n{child.stderr[-3000:]}")
        result = json.loads(next(line for line in child.stdout.splitlines()
                                 if line.startswith("RESULT "))[7:])
    finally:
        subprocess.run([SCRIPT, "stop"], env={**os.environ, "NEWSROOM_REPLICA_DIR": str(folder / "pair")},
                       check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)
    lag = result["save_to_served_s"]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"save on the primary to visible on the replica: p50 {lag['p50'] * 1000:.1f} ms, "
          f"p95 {lag['p95'] * 1000:.1f} ms, max {lag['max'] * 1000:.1f} ms ({lag['saves']} saves)")
    for where, figures in result["article_pages"].items():
        print(f"article pages read from the {where}: {figures['requests_per_second']} req/s "
              f"in one process, {figures['cpu_ms']} ms of CPU a request")


def serve(options: list[str]) -> None:
    """Run serve_benchmark.py against the pair: filled on the primary, read from the replica."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-replica-serve-"))
    folder.chmod(0o755)
    pair = {**os.environ, "NEWSROOM_REPLICA_DIR": str(folder / "pair")}
    serve_script = [sys.executable, str(ROOT / "benchmarks" / "serve_benchmark.py")]
    try:
        primary, replica = start_pair(folder)
        primary = primary.rsplit("/", 1)[0] + "/newsroom_bench_serve"
        replica = replica.rsplit("/", 1)[0] + "/newsroom_bench_serve"
        subprocess.run(["psql", primary.rsplit("/", 1)[0] + "/postgres", "-qc",
                        "CREATE DATABASE newsroom_bench_serve"], check=True, capture_output=True)
        articles = [o for i, o in enumerate(options) if options[i - 1:i] == ["--articles"]]
        subprocess.run([*serve_script, "--database-url", primary, "--populate-only",
                        *(["--articles", articles[0]] if articles else [])], check=True, cwd=ROOT)
        wait_for_replay(primary, replica)
        subprocess.run([*serve_script, "--database-url", primary, "--replica-url", replica,
                        *options], check=True, cwd=ROOT)
    finally:
        subprocess.run([SCRIPT, "stop"], env=pair, check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def wait_for_replay(primary: str, replica: str, limit: float = 600) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    import psycopg

    with psycopg.connect(primary, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    started = time.monotonic()
    with psycopg.connect(replica, autocommit=True) as conn:
        while time.monotonic() - started < limit:
            caught_up = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                                     [target]).fetchone()[0]
            if caught_up:
                print(f"replica: replayed the fill in {time.monotonic() - started:.1f} s more")
                return
            time.sleep(0.5)
    raise SystemExit("the replica did not replay the fill within 10 minutes")


if __name__ == "__main__":
    main()
