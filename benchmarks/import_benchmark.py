"""Print the importer's throughput and memory on generated pages, into its own PostgreSQL database.

    .venv/bin/python benchmarks/import_benchmark.py            # 10,000 pages (about 3 minutes)
    .venv/bin/python benchmarks/import_benchmark.py --pages 2000 --small 500
    .venv/bin/python benchmarks/import_benchmark.py --whole-issues --pages 1200 --small 300 --jobs 2
    .venv/bin/python benchmarks/import_benchmark.py --whole-issues --scans --pages 1200 --small 300 --jobs 2

What it measures (figures, not assertions: see docs/performance.md):
- parse only: read_page() over every file, no database (pages/s);
- end to end: import_paths() of 1,000 and of 10,000 files into an emptied database, each in a
  fresh process, with pages/s for every tenth of the run (it must not slow down as the tables
  grow) and the process's peak memory (ru_maxrss; with --tracemalloc also Python's own peak),
  which must stay flat between 1,000 and 10,000 files;
- re-import: the same files again, which must write nothing;
- PostgreSQL's CPU a page: the benchmark database's backends (and autovacuum workers), sampled
  from /proc every 20 ms during each timed import (a lower bound: a backend's last few
  milliseconds before it exits are missed); "n/a" when the server is not on this machine.
With --scans every page has a 2,500 x 3,500 JPEG scan beside it (benchmarks/generate_scans.py),
checked by decoding and stored under its hash by the import, into a scans storage emptied first.
Target: at least 100 pages/s end to end. --profile writes a pyinstrument profile of the
1,000-file import (pip install pyinstrument into .venv first).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    BENCH_DIR,
    ROOT,
    benchmark_env,
    current_rss_mb,
    ensure_database,
    load_average,
    machine,
    pages,
    peak_rss_mb,
    postgres_version,
    whole_issue_pages,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench_import"
TARGET_PAGES_PER_SECOND = 100


def parse_only(paths: list[Path]) -> dict:
    """Return the parser's throughput over the files, reading them from disk as the importer does."""
    from importers.parse import read_page

    started, cpu = time.perf_counter(), time.process_time()
    articles = 0
    for path in paths:
        articles += len(read_page(path.read_bytes(), path.name).articles)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"files": len(paths), "articles": articles, "seconds": round(elapsed, 2),
            "pages_per_second": round(len(paths) / elapsed, 1),
            "cpu_ms_per_page": round(cpu / len(paths) * 1000, 2)}


def _cpu_seconds() -> float:
    """Return the CPU time of this process and of its finished children (--jobs workers)."""
    import resource

    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF),
                      resource.getrusage(resource.RUSAGE_CHILDREN))
    )


class PostgresCpu:
    """Sample the CPU time of the PostgreSQL processes serving one database (Linux /proc).

    Its backends come and go (each worker process of a run has its own connection), so each
    one's CPU time is read every ``interval`` seconds and the last reading kept. The child
    marks the timed import by creating ``<marker>.start`` and ``<marker>.stop``; ``result()`` is
    the CPU seconds spent between the two, or None if no process could be read.
    """

    def __init__(self, database: str, marker: str, interval: float = 0.02):
        self.database, self.marker, self.interval = database, marker, interval
        self.latest: dict[int, float] = {}
        self.at_start: dict[int, float] | None = None
        self.at_stop: dict[int, float] | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _sample(self) -> None:
        wanted = f" {self.database} ".encode()
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                    title = handle.read()
                if not title.startswith(b"postgres:") or wanted not in title + b" ":
                    continue
                with open(f"/proc/{entry.name}/schedstat") as handle:
                    self.latest[int(entry.name)] = int(handle.read().split()[0]) / 1e9
            except OSError:
                continue  # gone meanwhile, or not ours to read

    def _run(self) -> None:
        while not self.done.is_set():
            self._sample()
            if self.at_start is None and os.path.exists(self.marker + ".start"):
                self.at_start = dict(self.latest)
            if self.at_start is not None and self.at_stop is None and os.path.exists(self.marker + ".stop"):
                self.at_stop = dict(self.latest)
            self.done.wait(self.interval)

    def result(self) -> float | None:
        if not self.at_start and not self.at_stop:
            return None
        start, stop = self.at_start or {}, self.at_stop or self.latest
        return sum(max(0.0, cpu - start.get(pid, 0.0)) for pid, cpu in stop.items())


def child(args: argparse.Namespace) -> None:
    """Import the first --files pages into an emptied database; print one JSON line of figures."""
    from benchmarks.common import setup_django

    setup_django(args.database_url)
    from django.core.management import call_command

    from importers.load import import_paths
    from newsroom.models import Article, Issue

    call_command("flush", "--noinput", verbosity=0)
    if args.scans:
        import shutil

        from django.conf import settings

        # Stored scans outlive a flush (they are files): remove them, so every scan is written.
        shutil.rmtree(settings.STORAGES["scans"]["OPTIONS"]["location"], ignore_errors=True)
    if args.async_commit:
        from django.db import connection

        # What-if: commits that do not wait for the WAL flush (safe for a re-runnable import:
        # a crash loses the last moments' pages, never corrupts; re-running brings them back).
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    paths = selected_pages(args, args.files)
    tenth = max(1, len(paths) // 10)
    marks: list[float] = []
    rss_by_tenth: list[float] = []

    def progress(index: int, total: int, report) -> None:
        if index % tenth == 0:
            marks.append(time.perf_counter())
            rss_by_tenth.append(round(current_rss_mb(), 1))
            rate = tenth / (marks[-1] - (marks[-2] if len(marks) > 1 else started))
            # Progress on stderr, so a run cut short still tells its rate and memory.
            print(f"  {index}/{total} files: {rate:.1f} pages/s, RSS {rss_by_tenth[-1]} MB",
                  file=sys.stderr, flush=True)

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    baseline_rss = current_rss_mb()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    if args.pg_marker:
        Path(args.pg_marker + ".start").touch()
        time.sleep(0.05)  # the parent's sampler reads the backends' CPU before the import
    started, cpu = time.perf_counter(), _cpu_seconds()
    report = import_paths(paths, progress=progress, jobs=args.jobs)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if args.pg_marker:
        Path(args.pg_marker + ".stop").touch()
        time.sleep(0.05)
    if profiler is not None:
        profiler.stop()
        out = BENCH_DIR / f"import-profile-{args.files}.txt"
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        (out.with_suffix(".html")).write_text(profiler.output_html())
    figures = {
        "files": len(paths),
        "failed": sum(r.failed for r in report.files),
        "errors": [r.error for r in report.files if r.failed][:3],
        "issues": Issue.objects.count(),
        "joined_parts": Article.objects.filter(continues__isnull=False).count(),
        "articles": Article.objects.count(),
        "seconds": round(elapsed, 2),
        "pages_per_second": round(len(paths) / elapsed, 1),
        # The importer's own CPU (not PostgreSQL's): steady even when other work shares the cores.
        "python_cpu_ms_per_page": round(cpu / len(paths) * 1000, 1),
        "tenths_pages_per_second": [
            round(tenth / (b - a), 1) for a, b in zip([started, *marks], marks, strict=False)
        ],
        "rss_before_mb": round(baseline_rss, 1),
        "rss_by_tenth_mb": rss_by_tenth,
        "rss_after_mb": round(current_rss_mb(), 1),
        "rss_peak_mb": round(peak_rss_mb(), 1),
    }
    if args.tracemalloc:
        import tracemalloc

        figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    again = paths[: min(len(paths), 500)]
    started = time.perf_counter()
    second = import_paths(again)
    figures["reimport_pages_per_second"] = round(len(again) / (time.perf_counter() - started), 1)
    figures["reimport_wrote"] = sum(r.wrote for r in second.files)
    print(json.dumps(figures))


def selected_pages(args: argparse.Namespace, count: int) -> list[Path]:
    """The generated pages a run imports: front pages or whole issues, with their scans or not."""
    paths = (whole_issue_pages if args.whole_issues else pages)(count, seed=args.seed)
    if not args.scans:
        return paths
    from benchmarks.generate_scans import with_scans

    folder = paths[0].parent
    return with_scans(paths, folder.with_name(f"{folder.name}-{len(paths)}-scans"))


def run_child(args: argparse.Namespace, files: int) -> dict:
    command = [sys.executable, __file__, "--child", "--files", str(files), "--seed", str(args.seed),
               "--database-url", args.database_url]
    if args.tracemalloc:
        command.append("--tracemalloc")
    if args.async_commit:
        command.append("--async-commit")
    command += ["--jobs", str(args.jobs)]
    marker_dir = tempfile.mkdtemp(prefix="import-benchmark-")
    marker = os.path.join(marker_dir, "import")
    command += ["--pg-marker", marker]
    if args.whole_issues:
        command.append("--whole-issues")
    if args.scans:
        command.append("--scans")
    if args.profile and files == args.small:
        command.append("--profile")
    env = {**os.environ, **benchmark_env(args.database_url)}
    if args.client_side_binding:
        env["DATABASE_SERVER_SIDE_BINDING"] = "0"  # newsroom/settings.py (on by default)
    database = urlsplit(args.database_url).path.lstrip("/")
    try:
        with PostgresCpu(database, marker) as postgres:
            result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    finally:
        for suffix in (".start", ".stop"):
            Path(marker + suffix).unlink(missing_ok=True)
        os.rmdir(marker_dir)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        raise SystemExit(f"the import of {files} files failed")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    pg_seconds = postgres.result()
    figures["postgres_cpu_ms_per_page"] = (
        None if pg_seconds is None else round(pg_seconds / figures["files"] * 1000, 1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000, help="the large run (default 10000)")
    parser.add_argument("--small", type=int, default=1_000, help="the small run (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations (slows the import about twofold)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the small import with pyinstrument")
    parser.add_argument("--async-commit", action="store_true",
                        help="what-if: run the import with synchronous_commit off")
    parser.add_argument("--client-side-binding", action="store_true",
                        help="what-if: run the imports with DATABASE_SERVER_SIDE_BINDING=0 (parameters "
                             "quoted into the SQL by psycopg, as Django does by default)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="import_paths(jobs=N): worker processes for the imports (default 1)")
    parser.add_argument("--whole-issues", action="store_true",
                        help="whole issues (4-8 pages, inside pages, jumps) in shuffled file order "
                             "instead of front pages (benchmarks/generate_issues.py)")
    parser.add_argument("--scans", action="store_true",
                        help="a 2,500 x 3,500 JPEG scan beside every page (benchmarks/generate_scans.py)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pg-marker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    ensure_database(args.database_url)
    facts = machine()
    print(f"machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']}, "
          f"Python {facts['python']}, PostgreSQL {postgres_version(args.database_url)}, "
          f"load average {load_average()}")
    for count in sorted({args.small, args.pages}):
        paths = selected_pages(args, count)  # made here once, not inside a timed child
    size = sum(p.stat().st_size for p in paths)
    scans = [p for path in paths for p in path.parent.glob(path.stem + ".*") if p.suffix != ".md"]
    print(f"pages: {len(paths)} generated pages (seed {args.seed}), {size / 2**20:.0f} MiB; "
          f"import jobs: {args.jobs}{'; client-side binding' if args.client_side_binding else ''}")
    if scans:
        scan_size = sum(p.stat().st_size for p in scans)
        print(f"scans: {len(scans)}, {scan_size / 2**20:.0f} MiB ({scan_size / len(scans) / 1024:.0f} KiB each)")

    parsed = parse_only(paths)
    print(f"parse only:  {parsed['pages_per_second']:>7} pages/s "
          f"({parsed['files']} files, {parsed['articles']} articles, {parsed['seconds']} s; "
          f"{parsed['cpu_ms_per_page']} ms of CPU a page)")

    results = {}
    for files in sorted({args.small, args.pages}):
        figures = run_child(args, files)
        results[files] = figures
        verdict = "ok" if figures["pages_per_second"] >= TARGET_PAGES_PER_SECOND else "BELOW TARGET"
        print(f"import {files:>6}: {figures['pages_per_second']:>7} pages/s end to end "
              f"({figures['seconds']} s, {figures['issues']} issues, {figures['articles']} articles, "
              f"{figures['failed']} failed, {figures['joined_parts']} continued parts joined) "
              f"[{verdict}: target {TARGET_PAGES_PER_SECOND}]")
        print(f"    importer CPU (Python, without PostgreSQL): "
              f"{figures['python_cpu_ms_per_page']} ms a page")
        pg = figures["postgres_cpu_ms_per_page"]
        print(f"    PostgreSQL CPU (the database's backends, sampled): "
              f"{'n/a' if pg is None else f'{pg} ms a page'}")
        print(f"    pages/s by tenth of the run: {figures['tenths_pages_per_second']}")
        memory = (f"    memory: RSS {figures['rss_before_mb']} MB before the import, "
                  f"{figures['rss_after_mb']} MB after (by tenth: {figures['rss_by_tenth_mb']}); "
                  f"process peak {figures['rss_peak_mb']} MB")
        if "tracemalloc_peak_mb" in figures:
            memory += f", tracemalloc peak {figures['tracemalloc_peak_mb']} MB"
        print(memory)
        print(f"    re-import of {min(files, 500)} unchanged files: "
              f"{figures['reimport_pages_per_second']} pages/s, {figures['reimport_wrote']} wrote")
        if figures["errors"]:
            print(f"    first errors: {figures['errors']}")
    if len(results) == 2:
        small, large = results[args.small], results[args.pages]
        # RSS sampled during each import (every tenth and at its end), less the RSS before it:
        # the process-lifetime peak also holds what happened before the import began.
        def rise(run: dict) -> float:
            return max([*run["rss_by_tenth_mb"], run["rss_after_mb"]]) - run["rss_before_mb"]

        print(f"memory: RSS rises {rise(small):+.1f} MB during the import of {args.small} files "
              f"and {rise(large):+.1f} MB during the import of {args.pages} files")
    print(f"load average at the end: {load_average()}")
    print(json.dumps({"parse_only": parsed, "imports": results}), file=sys.stderr)


if __name__ == "__main__":
    main()
