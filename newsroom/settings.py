"""Settings for Newsroom: one module, every environment-dependent value from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from newsroom.env import database_from_url, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("NEWSROOM_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or DEBUG=1 for a development key."
        )
    SECRET_KEY = "dev-only-" + get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public https address absolute links start with in production (newsroom/siteurl.py);
# with DEBUG on, links follow the request instead, so it may stay empty.
SITE_URL = env_str("SITE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "taggit",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "newsroom",
    "newsroom.search",
    "importers",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.LanguageMiddleware",
    # Before anything that queries: PostgreSQL cannot hold NUL, so %00 would be a 500.
    "newsroom.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the user is known: an anonymous reader's request may read from a replica.
    "newsroom.replicas.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'newsroom.sqlite3'}")
# PostgreSQL connections: by default each process keeps its own for DATABASE_CONN_MAX_AGE
# seconds. DATABASE_POOL=on gives each process a psycopg pool instead (docs/performance.md,
# "Connection pooling": what it costs and where it helps); a pooled connection goes back to
# the pool after each request, so it excludes DATABASE_CONN_MAX_AGE.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0 if DATABASE_POOL else 60)
# Connections a pool keeps open, at most opens, and seconds a request waits for one; a replica
# waits at most DATABASE_POOL_REPLICA_TIMEOUT, since one that is down is read around.
DATABASE_POOL_OPTIONS = {
    "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
    "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
    "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0),
} if DATABASE_POOL else None
if DATABASE_POOL_OPTIONS and not 0 <= DATABASE_POOL_OPTIONS["min_size"] <= DATABASE_POOL_OPTIONS["max_size"]:
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MIN_SIZE={DATABASE_POOL_OPTIONS['min_size']} and DATABASE_POOL_MAX_SIZE="
        f"{DATABASE_POOL_OPTIONS['max_size']}: the minimum must be 0 or more and at most the maximum."
    )
DATABASES = {"default": database_from_url(DATABASE_URL, base_dir=BASE_DIR, conn_max_age=DATABASE_CONN_MAX_AGE,
                                          pool=DATABASE_POOL_OPTIONS)}
if DATABASE_POOL:
    def _close_pools_before_fork() -> None:
        """Close this process's pools before it forks (import_pages --jobs, gunicorn's master).

        A pool keeps connections open after Django gives them back, so a forked child would
        take the parent's sockets from it; each process opens its own pool instead.
        """
        import sys

        backend = sys.modules.get("django.db.backends.postgresql.base")
        for alias in list(backend.DatabaseWrapper._connection_pools) if backend else []:
            backend.DatabaseWrapper._connection_pools.pop(alias).close()

    os.register_at_fork(before=_close_pools_before_fork)
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and env_str("SQLITE_TEST_NAME", ""):
    # The test database in a file rather than in memory, so that a process a test starts (a
    # task worker) reads the same database (pyproject.toml sets it for the suite).
    # One file a test process: two runs at once never share (nor destroy) each other's database.
    _test_name = BASE_DIR / env_str("SQLITE_TEST_NAME", "")
    DATABASES["default"]["TEST"] = {"NAME": str(_test_name.with_name(f"{_test_name.stem}-{os.getpid()}{_test_name.suffix}"))}
# PostgreSQL read replicas (newsroom/replicas.py): anonymous readers' requests read from the
# first fresh one; everything else from the primary (DATABASE_URL).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL (the primary).")
    _replica_pool = DATABASE_POOL_OPTIONS and {
        **DATABASE_POOL_OPTIONS,
        "timeout": min(DATABASE_POOL_OPTIONS["timeout"], env_float("DATABASE_POOL_REPLICA_TIMEOUT", 1.0)),
    }
    # The test runner points a replica at the test database instead of creating one.
    DATABASES[f"replica_{_number}"] = {**database_from_url(_url, base_dir=BASE_DIR, conn_max_age=DATABASE_CONN_MAX_AGE,
                                                           pool=_replica_pool),
                                      "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["newsroom.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
# Server-side binding (psycopg 3): parameters travel apart from the SQL, and psycopg prepares a
# statement a connection has run DATABASE_PREPARE_THRESHOLD times, so PostgreSQL plans it once
# per connection, not once a request (docs/performance.md, "Rendering afresh, session of
# 2026-12-06 (helper)"). On by default with PostgreSQL (the whole suite runs so); a pooler in
# transaction mode (PgBouncer before 1.21, or without max_prepared_statements) hands a prepared
# statement's next use to another server connection: behind one, DATABASE_PREPARE_THRESHOLD=off
# binds on the server and prepares nothing, and DATABASE_SERVER_SIDE_BINDING=off binds as Django
# does by default (in the client).
DATABASE_SERVER_SIDE_BINDING = env_bool(
    "DATABASE_SERVER_SIDE_BINDING", DATABASES["default"]["ENGINE"].endswith("postgresql"))
if DATABASE_SERVER_SIDE_BINDING:
    _threshold = env_str("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
    for _alias, _database in DATABASES.items():
        if not _database["ENGINE"].endswith("postgresql"):
            raise ImproperlyConfigured("DATABASE_SERVER_SIDE_BINDING is for PostgreSQL: unset it for SQLite.")
        _database["OPTIONS"]["server_side_binding"] = True
        _database["OPTIONS"]["prepare_threshold"] = None if _threshold == "off" else env_int(
            "DATABASE_PREPARE_THRESHOLD", 5)
# A replica further behind the primary than this many seconds is not read from.
REPLICA_MAX_LAG = env_float("REPLICA_MAX_LAG", 5.0)
# How often each process checks each replica (seconds).
REPLICA_CHECK_SECONDS = env_float("REPLICA_CHECK_SECONDS", 2.0)
# After a write, its sender reads from the primary for this many seconds.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Dates typed in the desk read 2021-03-19 in Chinese too (newsroom/formats).
FORMAT_MODULE_PATH = ["newsroom.formats"]
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# The interface language: the reader's choice in the language switch (a cookie, kept a year),
# else the browser's Accept-Language, else Simplified Chinese (newsroom.middleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# Each app keeps its catalog in <app>/locale (newsroom, archive, importers).
LOCALE_PATHS: list = []
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The desk's browser libraries, installed from the npm registry as package-lock.json pins them
# (`make install` runs `npm ci`): {% static 'vendor/openseadragon/openseadragon.min.js' %}.
STATICFILES_DIRS = [
    ("vendor/openseadragon", BASE_DIR / "node_modules" / "openseadragon" / "build" / "openseadragon"),
]
# Hashed, compressed static files need `collectstatic` first (production); off for development.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Page scans (newsroom/scans/store.py), named by content hash. Never served from MEDIA_URL:
    # every byte of a scan goes out through the IIIF views, which check who may see it. Any
    # storage backend works (django-storages' S3, say): set SCAN_STORAGE_BACKEND and its options.
    "scans": {
        "BACKEND": env_str("SCAN_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(DATA_DIR / "scans"), "base_url": None}
        if env_str("SCAN_STORAGE_BACKEND", "") in ("", "django.core.files.storage.FileSystemStorage")
        else {},
    },
    # Files an editor uploaded for the day's intake, until the job that imports them is done:
    # read by workers that may run on other machines, so a shared backend in production.
    "intake": {
        "BACKEND": env_str("INTAKE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(DATA_DIR / "intake"), "base_url": None}
        if env_str("INTAKE_STORAGE_BACKEND", "") in ("", "django.core.files.storage.FileSystemStorage")
        else {},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Page scans (newsroom/scans/): what a scan may be, and where IIIF derivatives are cached.
SCAN_MAX_BYTES = env_int("SCAN_MAX_BYTES", 80 * 1024 * 1024)
# 150 million pixels: a broadsheet page at 400 dpi (about 6,600 x 9,400) with room to spare.
SCAN_MAX_PIXELS = env_int("SCAN_MAX_PIXELS", 150_000_000)
# A scan's structure is checked when it comes in; it is decoded afterwards by the task queue's
# worker (newsroom/editorial/scanchecks.py), and readers see it once it decoded. True: decode it
# at once, in the transaction that set it (the tests; a site that runs no worker).
SCAN_VERIFY_INLINE = env_bool("SCAN_VERIFY_INLINE", False)
# Tiles and sizes made for IIIF requests: a cache (safe to delete), on this machine's disk.
IIIF_CACHE_DIR = Path(env_str("IIIF_CACHE_DIR", str(DATA_DIR / "iiif-cache")))
# The largest image an IIIF request may ask for (maxArea in info.json): bigger asks get 400.
IIIF_MAX_AREA = env_int("IIIF_MAX_AREA", 4096 * 4096)

# Background work (the day's intake, scheduled releases): Django's task framework with its
# database backend. Jobs wait in the database until a worker (manage.py db_worker, on this
# machine or another that reaches the database) runs them; see the README's production section.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Readers' suggestions (报错, archive/suggestions.py): at most this many an hour from one address.
READER_SUGGESTIONS_PER_HOUR = env_int("READER_SUGGESTIONS_PER_HOUR", 5)
# The number of reverse proxies in front of the app: the reader's address is the one the
# outermost proxy put into X-Forwarded-For (0: REMOTE_ADDR, no proxy).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Yearly bulk exports of the public archive (newsroom/exports.py, manage.py export_archive),
# offered on the download page /data/; the files' names start with EXPORT_PREFIX.
EXPORT_DIR = Path(env_str("EXPORT_DIR", str(DATA_DIR / "exports")))
EXPORT_PREFIX = env_str("EXPORT_PREFIX", "zjgrrb")
# The day's intake (newsroom/intake/): what an editor may upload at once.
INTAKE_MAX_FILE_BYTES = env_int("INTAKE_MAX_FILE_BYTES", 100 * 1024 * 1024)
INTAKE_MAX_TOTAL_BYTES = env_int("INTAKE_MAX_TOTAL_BYTES", 300 * 1024 * 1024)
INTAKE_MAX_FILES = env_int("INTAKE_MAX_FILES", 400)
# Django refuses a request with more files than this before any view reads it.
DATA_UPLOAD_MAX_NUMBER_FILES = INTAKE_MAX_FILES + 10
# A job whose worker has made no progress for this long may be started again from the desk.
INTAKE_STALE_SECONDS = env_int("INTAKE_STALE_SECONDS", 600)
# Pages of new issues an import writes in one transaction (importers/load/batches.py).
IMPORT_BATCH_PAGES = env_int("IMPORT_BATCH_PAGES", 100)
if IMPORT_BATCH_PAGES < 1:
    raise ImproperlyConfigured(f"IMPORT_BATCH_PAGES={IMPORT_BATCH_PAGES}: a batch holds at least one page.")
# Worker processes one intake job imports with (PostgreSQL only; see import_pages --jobs).
INTAKE_IMPORT_JOBS = env_int("INTAKE_IMPORT_JOBS", 1)

LOGIN_URL = "admin:login"
# Password guessing (django-axes, newsroom/throttle.py): after LOGIN_FAILURE_LIMIT failures for
# one username (in any case) from one address, every login for that pair is refused, even with
# the right password, until LOGIN_LOCKOUT_SECONDS have passed since the last failure. Failures
# are counted in the database, so the limit holds across workers and servers.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "newsroom.throttle.lockout_username"
AXES_LOCKOUT_CALLABLE = "newsroom.throttle.lockout_response"
AXES_COOLOFF_MESSAGE = _("登录失败次数过多，此账号已暂时锁定。请稍后再试，或联系管理员。")
AXES_RESET_ON_SUCCESS = True
# Refused logins during a lockout do not count, so the lock ends on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Only the throttle: no log of every login, and no admin pages (unlock with
# `manage.py axes_reset_username <name in lower case>`).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "newsroom.api.schema.NewsroomAutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "newsroom.api.rendering.StrictContentNegotiation",
    # Token first: an unauthenticated write then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication, its lookup compiled once (newsroom/api/authentication.py).
        "newsroom.api.authentication.CompiledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["newsroom.api.permissions.ReadOnlyOrEditor"],
    # Edits are JSON: a form cannot carry `blocks` (a list of objects); other types are a 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "newsroom.api.pagination.KeysetCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_THROTTLE", "120/min")},
    "EXCEPTION_HANDLER": "newsroom.api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": (
        "Read the archive of 浙江工人日报; editors correct articles through it. "
        "Anonymous clients read published content (rate-limited); staff authenticate with a "
        "token (`Authorization: Token <key>`) or a session. Lists are cursor-paginated: "
        "follow `next` (cursors are opaque and signed). Errors are JSON, every one under "
        "/api/v1/: `detail`, and `errors` by parameter for bad input; a query parameter "
        "given with an empty value is bad input (leave it out instead)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come with the sidecar package, not from a CDN: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A separate component for what PATCH accepts, so read-only fields are not offered as input.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "newsroom.models.Role",
        "CorrectionStatusEnum": "newsroom.models.CorrectionStatus",
        "VisibilityEnum": "newsroom.models.Visibility",
        "ArticleKindEnum": "newsroom.models.Article.Kind",
        "FlagStatusEnum": "newsroom.models.ReviewFlag.Status",
        "FlagCodeEnum": "newsroom.models.ReviewFlag.Code",
    },
}

# Taggit: tags are matched without regard to case (Latin tags such as RCEP).
TAGGIT_CASE_INSENSITIVE = True

# Security headers; the cookie and HTTPS settings follow whether we run behind TLS.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is a promise to browsers that is slow to undo: only on request (and >= 1 year).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The public pages' cache (newsroom/pagecache.py). PAGE_CACHE_LOCATION picks where pages
# live: by default a folder under NEWSROOM_DATA_DIR, shared by every worker of this machine
# (diskcache: SQLite files, bounded by PAGE_CACHE_SIZE_MB); redis://host:6379/1, shared by
# every server (needs `redis`); "memory", each process's own (one process only: a change
# made in one worker would not reach the pages cached by another).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_LOCATION = env_str("PAGE_CACHE_LOCATION", str(DATA_DIR / "page-cache"))
# Bounds: entries for "memory"; megabytes on disk for a folder (the least recently used go
# first: a page read is marked used at most once every PAGE_CACHE_TOUCH seconds). Redis is
# bounded by its own maxmemory with an LRU policy (README).
PAGE_CACHE_ENTRIES = env_int("PAGE_CACHE_ENTRIES", 3000)
PAGE_CACHE_SIZE_MB = env_int("PAGE_CACHE_SIZE_MB", 2048)
PAGE_CACHE_TOUCH = env_int("PAGE_CACHE_TOUCH", 600)
# A page is exact until the archive changes; the timeout only bounds how long unused or
# superseded pages take space (and what a lost update could leave behind).
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 7 * 24 * 3600)
# Seconds a worker keys readers' pages by the generation it last read (0: read it for every
# request). The worker that commits a change, and every editor, sees it at once.
PAGE_CACHE_GENERATION_TTL = env_float("PAGE_CACHE_GENERATION_TTL", 1.0)
# What a change invalidated is rendered again in the background (newsroom/pagerefresh.py):
# "queue" (a task for the workers), "inline" (at once, in the process that committed: a site
# with no worker, the tests), "off". Default: queued when the cache is shared, else off.
PAGE_CACHE_REFRESH = env_str("PAGE_CACHE_REFRESH",
                             "off" if PAGE_CACHE_LOCATION in ("", "memory") else "queue")
if PAGE_CACHE_REFRESH not in ("queue", "inline", "off"):
    raise ImproperlyConfigured(f"PAGE_CACHE_REFRESH={PAGE_CACHE_REFRESH!r}: use queue, inline or off.")
# The languages those pages are rendered in ahead of readers (each language is its own page).
PAGE_CACHE_WARM_LANGUAGES = env_list("PAGE_CACHE_WARM_LANGUAGES", [LANGUAGE_CODE])


def _page_cache(location: str) -> dict:
    common = {"TIMEOUT": PAGE_CACHE_TIMEOUT, "KEY_PREFIX": "pages"}
    if location in ("", "memory"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-pages",
            "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_ENTRIES},
            **common,
        }
    if location.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location, **common}
    if location.startswith("/"):
        return {
            "BACKEND": "newsroom.cachebackends.FolderCache",
            "LOCATION": location,
            "SHARDS": 8,
            # A shard busy for longer than this: the read is a miss, the write is skipped
            # (the scopes' versions retry: newsroom/pagescopes.py).
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {
                "size_limit": PAGE_CACHE_SIZE_MB * 1024 * 1024,
                # Reads write nothing (fast with many workers); pagecache re-stores a page read
                # after PAGE_CACHE_TOUCH seconds, so the least recently *used* pages go first.
                "eviction_policy": "least-recently-stored",
            },
            **common,
        }
    raise ImproperlyConfigured(
        f"PAGE_CACHE_LOCATION={location!r}: use an absolute folder path, a redis:// address, "
        "or memory (one process only)."
    )


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsroom",
    },
    "pages": _page_cache(PAGE_CACHE_LOCATION),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
