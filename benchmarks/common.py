"""What both benchmarks need: their own PostgreSQL database, Django set up on it, the pages."""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate_pages import write_pages  # noqa: E402

BENCH_DIR = Path(os.environ.get("NEWSROOM_BENCH_DIR", "/tmp/newsroom-bench"))


def benchmark_env(database_url: str) -> dict[str, str]:
    """Return the settings environment of a benchmark run: production mode, its own database.

    DEBUG stays off: with DEBUG on Django keeps every query in memory, which would both slow
    the importer and make its memory grow with the number of files.
    """
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-" + "x" * 50,
        "STATIC_MANIFEST": os.environ.get("STATIC_MANIFEST", "0"),
        "SECURE_HTTPS": os.environ.get("SECURE_HTTPS", "0"),
        # Production mode needs the archive's public address (newsroom/siteurl.py).
        "SITE_URL": os.environ.get("SITE_URL", "https://archive.example.org"),
        "LOG_LEVEL": "ERROR",
        # Files a run writes (stored scans, caches) stay out of the checkout's var/.
        "NEWSROOM_DATA_DIR": os.environ.get("NEWSROOM_DATA_DIR") or str(BENCH_DIR / "data"),
    }


def ensure_database(database_url: str) -> None:
    """Create the benchmark's PostgreSQL database (UTF-8, C.UTF-8 ctype) unless it exists."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("newsroom_bench"):
        raise SystemExit(f"refusing to use {name!r}: benchmark databases are named newsroom_bench*")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(
                f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )


def setup_django(database_url: str) -> None:
    """Point Django at the benchmark database, set it up and migrate it."""
    os.environ.update(benchmark_env(database_url))
    ensure_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)


def pages(count: int, *, seed: int = 1) -> list[Path]:
    """Return ``count`` generated pages, writing them once into BENCH_DIR and reusing them."""
    out = BENCH_DIR / f"pages-seed{seed}"
    manifest = out / "manifest.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("seed") == seed and known.get("count", 0) >= count:
            return [out / entry["name"] for entry in known["pages"][:count]]
    print(f"generating {count} pages into {out} ...", flush=True)
    return write_pages(count, out, seed=seed)


def whole_issue_pages(count: int, *, seed: int = 1) -> list[Path]:
    """Return the pages of whole issues (benchmarks/generate_issues.py), at least ``count`` of
    them, in their shuffled name order; written once into BENCH_DIR and reused."""
    from benchmarks.generate_issues import write_issues

    issues = max(1, -(-count // 6))  # 4 to 8 pages an issue: about 6
    out = BENCH_DIR / f"issues-seed{seed}-{issues}"
    manifest = out / "manifest.json"
    if not manifest.exists():
        print(f"generating {issues} whole issues into {out} ...", flush=True)
        write_issues(issues, out, seed=seed)
    return sorted(out.glob("*.md"))


def peak_rss_mb() -> float:
    """Return this process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Return this process's resident memory now, in MB (VmRSS), or its peak where unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def machine() -> dict[str, str]:
    """Return the facts the figures depend on: cores, memory, Python, PostgreSQL."""
    import platform

    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    facts = {
        "cpus": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return facts


def postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages: other work on the machine skews figures."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"
