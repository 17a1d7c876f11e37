"""Configuration read from environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_PATH = Path(os.environ.get("FORUM_INSTANCE_DIR", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-insecure-secret-key"


def _bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings for development and production, all overridable from the environment."""

    ENV_NAME = os.environ.get("FORUM_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    DEBUG = _bool("FLASK_DEBUG")

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'forum.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = _bool("SQLALCHEMY_RECORD_QUERIES")

    INSTANCE_DIR = str(INSTANCE_PATH)
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_PATH / "search-index"))
    SEARCH_SYNC_ON_COMMIT = _bool("SEARCH_SYNC_ON_COMMIT", True)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_PATH / "uploads"))
    MAX_UPLOAD_BYTES = _int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "exchange@localhost")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_PATH / "outbox"))
    # Mail goes through the mail_outbox table. "after_commit": this process sends right after
    # the commit (after the response), so `make run` needs no worker; "worker": only
    # `flask mail worker` sends (production default).
    MAIL_DELIVERY = os.environ.get(
        "MAIL_DELIVERY",
        "worker" if ENV_NAME == "production" else "after_commit",
    )
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)  # then the message is dead (retry by hand)
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))  # doubles
    MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))
    # A claimed message not marked sent within the lease is taken again (its worker died).
    MAIL_LEASE_SECONDS = float(os.environ.get("MAIL_LEASE_SECONDS", "300"))
    MAIL_BATCH_SIZE = _int("MAIL_BATCH_SIZE", 20)
    MAIL_WORKER_POLL = float(os.environ.get("MAIL_WORKER_POLL", "1.0"))
    MAIL_SEND_DELAY = float(os.environ.get("MAIL_SEND_DELAY", "0"))  # seconds; tests only

    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    # The public address of the site, e.g. https://exchange.example.org (or set SERVER_NAME):
    # emailed links are built from it. Required in production, where requests for any other
    # host are refused; ALLOWED_HOSTS (comma-separated) adds names such as a health-check host.
    BASE_URL = os.environ.get("BASE_URL", "").strip()
    ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

    HTTPS = PREFERRED_URL_SCHEME == "https"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Unset: memory in development, the database in production (shared by every worker);
    # REDIS_URL is used when RATELIMIT_STORAGE_URI is not set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Web workers of this installation (gunicorn's --workers is read too): several workers
    # need a shared throttling store.
    WEB_CONCURRENCY = _int("WEB_CONCURRENCY", 0)
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)

    LANGUAGES = ("en", "es", "fr")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    INVITATION_TTL_HOURS = 24 * 7
    RESET_TTL_HOURS = 1
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_HASH_METHOD = "scrypt"
    THREADS_PER_PAGE = 20
    POSTS_PER_PAGE = 25

    # search settings
    SEARCH_MMAP = _bool("SEARCH_MMAP", False)  # mmap costs ~2x the index size per process
    SEARCH_BATCH_SIZE = _int("SEARCH_BATCH_SIZE", 200)
    # Processes analysing documents during `flask search reindex` (1: in the command itself),
    # used from SEARCH_REINDEX_PARALLEL_FROM documents (forking does not pay for small indexes).
    SEARCH_REINDEX_PROCS = _int("SEARCH_REINDEX_PROCS", min(os.cpu_count() or 1, 4))
    SEARCH_REINDEX_PARALLEL_FROM = _int("SEARCH_REINDEX_PARALLEL_FROM", 20_000)
    # Postings a rebuild keeps in memory before sorting them through temporary files, by
    # Whoosh's estimate (~0.8 M postings per 128 MB); each process of a parallel rebuild gets half.
    SEARCH_REINDEX_POOL_MB = _int("SEARCH_REINDEX_POOL_MB", 128)
    SEARCH_LATE_COMMIT_GRACE = _int("SEARCH_LATE_COMMIT_GRACE", 300)  # seconds re-scanned
    SEARCH_RETENTION_SECONDS = _int("SEARCH_RETENTION_SECONDS", 7 * 24 * 3600)
    SEARCH_PRUNE_INTERVAL = _int("SEARCH_PRUNE_INTERVAL", 60)
    SEARCH_REQUEST_SYNC_WAIT = float(os.environ.get("SEARCH_REQUEST_SYNC_WAIT", "1.0"))
    SEARCH_REQUEST_SYNC_BATCHES = _int("SEARCH_REQUEST_SYNC_BATCHES", 5)
    SEARCH_RESULTS_PER_PAGE = _int("SEARCH_RESULTS_PER_PAGE", 10)
    SEARCH_FACET_SAMPLE = _int("SEARCH_FACET_SAMPLE", 2000)
    SEARCH_WORKER_POLL = float(os.environ.get("SEARCH_WORKER_POLL", "0.5"))
    # seconds between tries, at most, while the index cannot be written (doubling from the poll)
    SEARCH_WORKER_MAX_BACKOFF = float(os.environ.get("SEARCH_WORKER_MAX_BACKOFF", "300"))

    # practices and documents
    PRACTICES_CATEGORY_SLUG = os.environ.get("PRACTICES_CATEGORY_SLUG", "practices")
    PRACTICES_PER_PAGE = 20

    # moderation

    # synthesis

    # /healthz answers 503 below this much free space on the site's disks
    HEALTH_MIN_FREE_MB = _int("HEALTH_MIN_FREE_MB", 512)

    # production
    # FORUM_ENV=production refuses to start with an unsafe setting (see forum/production.py).
    PRODUCTION = ENV_NAME == "production"
    # SQLite is refused in production unless explicitly allowed (single-server installs).
    ALLOW_SQLITE_IN_PRODUCTION = _bool("ALLOW_SQLITE_IN_PRODUCTION")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    # Adds an X-SQL-Statements header to every response (benchmarks); off by default.
    SQL_COUNT_HEADER = _bool("SQL_COUNT_HEADER")
    # Static URLs carry ?v=<content hash>; such requests may be cached for a year.
    STATIC_FINGERPRINT = _bool("STATIC_FINGERPRINT", True)
    STATIC_IMMUTABLE_MAX_AGE = _int("STATIC_IMMUTABLE_MAX_AGE", 365 * 24 * 60 * 60)
    STATIC_HASH_RECHECK_SECONDS = _int("STATIC_HASH_RECHECK_SECONDS", 2)
    # Rendered HTML kept per worker process (0 turns the cache off); see forum/caching/fragments.py.
    # Enough for the pages and posts of a few hundred threads per kind of reader.
    FRAGMENT_CACHE_BYTES = _int("FRAGMENT_CACHE_BYTES", 64 * 1024 * 1024)
