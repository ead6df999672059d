"""Print how the folder page cache behaves when the archive is bigger than its size limit.

    .venv/bin/python benchmarks/page_cache_benchmark.py [--pages 20000] [--size-mb 64]
        [--processes 5] [--reads 20000] [--touch 1]

Readers ask for pages with a long-tailed popularity (Zipf, s=1.1, over --pages distinct pages
of about the archive's compressed size), from --processes processes at once (gunicorn's
workers), through the page cache's own code (newsroom/pagecache.py: a miss stores the page,
a hit re-stores a page stored --touch seconds ago) on the default backend (diskcache in a
temporary folder, settings._page_cache). Printed: the folder's size against the limit, the
hit share, and the CPU and wall time of a get and a set, with the cache's eviction as
configured (least recently stored, re-stored when read: least recently used) and, for
comparison, with no re-store (least recently stored only).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import load_average

SENTENCES = ("全省职工技能大赛昨日在杭州开幕，来自各行各业的选手同台竞技。", "本报讯 记者阮向民 见习记者金钩报道",
             "工会组织开展送清凉活动，走访慰问一线职工。", "浙江工人日报社举办新闻发布会。")


def page_body(index: int) -> bytes:
    rng = random.Random(index)
    text = "".join(rng.choice(SENTENCES) + str(rng.random()) for _ in range(300))
    return f"<html><body><h1>第{index}篇</h1><p>{text}</p></body></html>".encode()


def configure(location: str, size_mb: int, touch: int) -> None:
    from django.conf import settings

    os.environ["PAGE_CACHE_SIZE_MB"] = str(size_mb)
    from newsroom.settings import _page_cache  # reads PAGE_CACHE_SIZE_MB at import

    settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                               "pages": _page_cache(location)},
                       PAGE_CACHE_TOUCH=touch, USE_TZ=True)
    import django

    django.setup()


def reader(location, size_mb, touch, pages, reads, seed, out) -> None:
    configure(location, size_mb, touch)
    from django.http import HttpResponse

    from newsroom import pagecache

    cache = pagecache.page_cache()
    rng = random.Random(seed)
    weights = [1 / (rank ** 1.1) for rank in range(1, pages + 1)]
    order = list(range(pages))
    random.Random(0).shuffle(order)  # popularity independent of the page number
    picks = rng.choices(order, weights=weights, k=reads)
    hits, get_cpu, get_wall, set_cpu = 0, [], [], []
    for index in picks:
        key = f"page:{index}"
        cpu, wall = time.process_time(), time.perf_counter()
        value = pagecache._read(cache, key)
        if value is not None:
            pagecache._touch(cache, key, value)
        get_cpu.append(time.process_time() - cpu)
        get_wall.append(time.perf_counter() - wall)
        if value is not None:
            hits += 1
            continue
        cpu = time.process_time()
        pagecache._write(cache, key, pagecache._stored(HttpResponse(page_body(index))))
        set_cpu.append(time.process_time() - cpu)
    out.put((hits, get_cpu, get_wall, set_cpu))


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(args, touch: int, label: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="page-cache-bench-"))
    try:
        out = multiprocessing.Queue()
        processes = [multiprocessing.Process(
            target=reader, args=(str(folder), args.size_mb, touch, args.pages, args.reads, seed, out))
            for seed in range(args.processes)]
        started = time.perf_counter()
        for process in processes:
            process.start()
        results = [out.get() for _ in processes]
        for process in processes:
            process.join()
        wall = time.perf_counter() - started
        hits = sum(r[0] for r in results)
        total = args.processes * args.reads
        get_cpu = [x for r in results for x in r[1]]
        get_wall = sorted(x for r in results for x in r[2])
        set_cpu = [x for r in results for x in r[3]]
        size = folder_size(folder)
        import diskcache

        with diskcache.FanoutCache(str(folder), shards=8) as stored:
            volume, entries = stored.volume(), len(stored)
        print(f"{label}: {total:,} reads by {args.processes} processes in {wall:.1f} s; "
              f"hits {hits / total:.1%}; {entries:,} pages kept, the cache's volume "
              f"{volume / 2**20:.1f} MiB (limit {args.size_mb} MiB), the folder with SQLite's "
              f"write-ahead logs {size / 2**20:.1f} MiB; "
              f"get CPU mean {statistics.fmean(get_cpu) * 1e3:.3f} ms, wall p50/p95 "
              f"{get_wall[len(get_wall) // 2] * 1e3:.3f}/{get_wall[int(len(get_wall) * .95)] * 1e3:.3f} ms; "
              f"set CPU mean {statistics.fmean(set_cpu) * 1e3 if set_cpu else 0:.3f} ms", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--size-mb", type=int, default=64)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--reads", type=int, default=20000, help="reads per process")
    parser.add_argument("--touch", type=int, default=1, help="PAGE_CACHE_TOUCH for the run")
    args = parser.parse_args()
    sample = len(zlib.compress(page_body(1), 3))
    print(f"load average {load_average()}; {args.pages:,} pages of about {sample / 1024:.1f} KiB "
          f"compressed ({args.pages * sample / 2**20:.0f} MiB in all), limit {args.size_mb} MiB")
    run(args, args.touch, f"re-stored when read after {args.touch} s (least recently used)")
    run(args, 10**9, "never re-stored (least recently stored)")


if __name__ == "__main__":
    main()
