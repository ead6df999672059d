"""Gunicorn settings for serving Newsroom in production: `gunicorn` in the project folder reads it.

Every value comes from the environment so the same file serves a laptop, one server and a fleet
behind a load balancer. Run behind a reverse proxy that terminates TLS and sets
X-Forwarded-Proto (see README, "Running in production").
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name}={value!r} is not a whole number.") from None


wsgi_app = "newsroom.wsgi:application"

# Where to listen: the proxy talks to this address. GUNICORN_BIND wins over PORT.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# Sync workers: each request holds one process, so the default follows the cores
# (2 x cores + 1, gunicorn's rule of thumb for requests that wait on PostgreSQL).
# Each worker holds its own PostgreSQL connection (each thread its own with GUNICORN_THREADS),
# so workers x threads x app servers must stay below PostgreSQL's max_connections (or put
# PgBouncer in between). Kept between requests (DATABASE_CONN_MAX_AGE): DATABASE_POOL=on
# measured slower for both worker classes (docs/performance.md, "Connection pooling").
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# The page cache's scopes live in the cache itself (newsroom/pagescopes.py): each worker's own
# memory would not see another worker's changes, and would serve its pages stale.
if (os.environ.get("PAGE_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")
        and os.environ.get("PAGE_CACHE_LOCATION", "").strip() == "memory" and workers > 1):
    raise SystemExit(
        f"gunicorn.conf.py: PAGE_CACHE_LOCATION=memory keeps a page cache in each of the "
        f"{workers} workers, and a change made in one would not reach the pages another cached. "
        "Leave PAGE_CACHE_LOCATION unset (a folder shared by the workers), use redis://..., "
        "or set GUNICORN_WORKERS=1."
    )

# A request taking longer than this is killed and logged: a page should take milliseconds.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so that a slow leak cannot grow without bound; the jitter
# keeps them from all restarting at once. Rarely: a new worker opens its connection and warms
# its templates and compiled queries while requests wait for it. Every 2,000 requests (at a
# few hundred requests a second a worker, every few seconds) cost a quarter to a third of the
# cached pages' throughput and put 0.1-1 s into the 95th percentile (docs/performance.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 5000)

# Load the application once in the master, before forking: faster start, shared memory.
preload_app = True

# Trust X-Forwarded-* only from the proxy (comma-separated addresses; "*" behind a private LB).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for the service manager; "-" means the console, a path a file.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The client (as the proxy forwarded it), the request, status, size, referrer, user agent,
# whether the page cache answered (cache=hit/miss/-), and the time spent in the worker in
# microseconds (rt_us), which the serving benchmark reads.
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" '
    "cache=%({x-page-cache}o)s rt_us=%(D)s"
)

# Temporary request-body files in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Gunicorn >= 25 opens a control socket at one fixed path per user, so two instances on one
# host (a blue/green deploy, the benchmark beside a running site) would take each other's.
# Give it a path of its own to use `gunicornc`; otherwise it is off.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
