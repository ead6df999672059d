"""Print how fast gunicorn answers IIIF requests for page scans: info.json and tiles, cold and warm.

    .venv/bin/python benchmarks/iiif_benchmark.py                    # 30 scans of each format
    .venv/bin/python benchmarks/iiif_benchmark.py --scans 10 --formats JPEG

Steps: (1) generate whole issues (benchmarks/generate_issues.py) and a 2,500 x 3,500 scan beside
each page (benchmarks/generate_scans.py), the formats in turn (JPEG, PNG, PDF by default); import
them into the benchmark's own PostgreSQL database (newsroom_bench_iiif) and scans storage.
(2) start gunicorn with gunicorn.conf.py and production settings on 127.0.0.1, the IIIF
derivative cache emptied. (3) for each scan, one client asks in turn for: its info.json; a
256 x 256 tile at full resolution (``x,y,256,256/256,/0/default.jpg``, the deepest zoom); a
viewer's 512 px tile at 1/4 scale (``x,y,2048,2048/512,/0/default.jpg``, what OpenSeadragon asks
for first); a thumbnail (``full/!200,200/0/default.jpg``). That is the cold pass: every image
is made from the scan (the first pixel request of a scan decodes it; a PDF is rendered once at
200 dpi). (4) the same requests again: the warm pass, served from the derivative cache.
Latency is the client's, one request at a time over the loopback (no keep-alive), so each
figure is one request's whole cost; p50 / p95 / max by format and kind. Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    BENCH_DIR,
    load_average,
    machine,
    postgres_version,
    setup_django,
    whole_issue_pages,
)
from benchmarks.generate_scans import with_scans
from benchmarks.serve_benchmark import fetch, free_port, percentile, serving_env, start_gunicorn

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench_iiif"
KINDS = ("info.json", "256 px tile, full resolution", "512 px tile at 1/4", "thumbnail 200 px")


def requests_for(identifier: str, width: int, height: int, rng: random.Random) -> list[tuple[str, str]]:
    """The requests a reader's viewer makes of one scan, in the order it makes them."""
    base = f"/iiif/3/{identifier}"
    x, y = rng.randrange(0, width - 256) // 256 * 256, rng.randrange(0, height - 256) // 256 * 256
    x4, y4 = rng.randrange(0, width - 2048) // 2048 * 2048, rng.randrange(0, height - 2048) // 2048 * 2048
    return [
        (KINDS[0], f"{base}/info.json"),
        (KINDS[1], f"{base}/{x},{y},256,256/256,/0/default.jpg"),
        (KINDS[2], f"{base}/{x4},{y4},2048,2048/512,/0/default.jpg"),
        (KINDS[3], f"{base}/full/!200,200/0/default.jpg"),
    ]


def timed_pass(port: int, plan: list[tuple[str, str, str]]) -> dict[tuple[str, str], list[float]]:
    """Ask for every request of the plan once; return the latencies (ms) by (format, kind)."""
    times: dict[tuple[str, str], list[float]] = {}
    for fmt, kind, path in plan:
        started = time.perf_counter()
        status, body = fetch(port, path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or not body:
            raise SystemExit(f"{path}: HTTP {status}")
        times.setdefault((fmt, kind), []).append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=30, help="scans of each format (default 30)")
    parser.add_argument("--formats", default="JPEG,PNG,PDF")
    parser.add_argument("--width", type=int, default=2500)
    parser.add_argument("--height", type=int, default=3500)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    formats = tuple(f.strip().upper() for f in args.formats.split(","))

    data_dir = BENCH_DIR / "iiif-data"
    os.environ["NEWSROOM_DATA_DIR"] = str(data_dir)
    setup_django(args.database_url)
    facts = machine()
    print(f"machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']}, "
          f"Python {facts['python']}, PostgreSQL {postgres_version(args.database_url)}, "
          f"load average {load_average()}")

    from django.conf import settings
    from django.core.management import call_command

    from importers.load import import_paths
    from newsroom.editorial.scanchecks import verify_pending
    from newsroom.models import Page

    count = args.scans * len(formats)
    pages = whole_issue_pages(count, seed=args.seed)[:count]
    folder = pages[0].parent
    name = f"{folder.name}-{count}-{'-'.join(f.lower() for f in formats)}-{args.width}x{args.height}"
    paths = with_scans(pages, folder.with_name(name), width=args.width, height=args.height, formats=formats)
    call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(settings.STORAGES["scans"]["OPTIONS"]["location"], ignore_errors=True)
    report = import_paths(paths)
    failed = [r.error for r in report.files if r.failed]
    if failed:
        raise SystemExit(f"the import failed: {failed[:3]}")
    # The import only checks a scan's structure; the task queue's worker decodes it before
    # readers see it (newsroom/editorial/scanchecks.py). Here, as `manage.py verify_scans` would.
    started = time.perf_counter()
    verified = verify_pending()
    print(f"verify_scans: {verified} in {time.perf_counter() - started:.1f} s")
    rows = list(Page.objects.with_scan().select_related("issue__publication").order_by("pk"))
    print(f"scans: {len(rows)} pages with a scan ({', '.join(formats)}), {args.width} x {args.height}")

    rng = random.Random(args.seed)
    plan = [(row.scan_format.upper(), kind, path)
            for row in rows
            for kind, path in requests_for(row.iiif_identifier, row.scan_width, row.scan_height, rng)]

    port = free_port()
    env = serving_env(args.database_url, data_dir, port, args.workers)
    env.update({"STATIC_MANIFEST": "0", "PAGE_CACHE": "0"})
    shutil.rmtree(settings.IIIF_CACHE_DIR, ignore_errors=True)
    server = start_gunicorn(env, port)
    try:
        # Warm the workers (imports, connections) on the trivial view, not on an image.
        for _ in range(20):
            fetch(port, "/healthz")
        trivial = timed_pass(port, [("-", "trivial view /healthz", "/healthz")] * 50)
        cold = timed_pass(port, plan)
        warm = timed_pass(port, plan)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    cache_bytes = sum(p.stat().st_size for p in Path(settings.IIIF_CACHE_DIR).rglob("*") if p.is_file())

    print(f"gunicorn: {env.get('GUNICORN_WORKERS', 'gunicorn.conf.py default')} workers; "
          f"one request at a time; latency in ms (p50 / p95 / max)")
    print(f"{'format':<6} {'request':<30} {'cold':>24} {'warm':>24}")
    floor = trivial[("-", "trivial view /healthz")]
    print(f"{'-':<6} {'trivial view /healthz':<30} {'':>24} "
          f"{percentile(floor, 50):6.1f} / {percentile(floor, 95):6.1f} / {max(floor):6.1f}")
    for fmt in sorted({f for f, _k in cold}):
        for kind in KINDS:
            c, w = cold.get((fmt, kind), []), warm.get((fmt, kind), [])
            if not c:
                continue

            def cell(values: list[float]) -> str:
                return (f"{percentile(values, 50):6.1f} / {percentile(values, 95):6.1f} / "
                        f"{max(values):6.1f}")

            print(f"{fmt:<6} {kind:<30} {cell(c):>24} {cell(w):>24}")
    print(f"derivative cache after the runs: {cache_bytes / 2**20:.1f} MiB")
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
