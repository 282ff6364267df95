"""Mutuality settings: one file, driven by environment variables, safe by default.

Every variable is listed in README.md ("Configuration"). Nothing here reads the
database or the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("MUTUALITY_DEBUG")
TESTING = envbool("MUTUALITY_TESTING")

SECRET_KEY = os.environ.get("MUTUALITY_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "Set MUTUALITY_SECRET_KEY (a long random string), or MUTUALITY_DEBUG=1 for local use."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 - dev/test only

ALLOWED_HOSTS = envlist("MUTUALITY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("MUTUALITY_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("MUTUALITY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DATA_DIR = Path(os.environ.get("MUTUALITY_DATA_DIR", BASE_DIR))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mutuality.core",
    "mutuality.accounts",
    "mutuality.orgs",
    "mutuality.commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside the URL resolver and ninja: /api/v1/ answers unknown paths and methods in JSON.
    "mutuality.core.api.errors.ApiErrorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mutuality.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

# `make bench` only: count queries and time each request, and route a bare baseline view.
MUTUALITY_BENCH = envbool("MUTUALITY_BENCH")
if MUTUALITY_BENCH:
    MIDDLEWARE.insert(0, "mutuality.core.bench.QueryCountMiddleware")

ROOT_URLCONF = "mutuality.urls"
WSGI_APPLICATION = "mutuality.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutuality.orgs.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default (one file, WAL, writers queue instead of failing); PostgreSQL through
# DATABASE_URL=postgres://user:pass@host:5432/name.
_default_sqlite = f"sqlite:///{DATA_DIR / 'mutuality.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=envint("MUTUALITY_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends a second compiling queries it guesses are large;
    # Mutuality's queries are short index lookups and aggregates, so it only adds latency.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server, and a query run a few times on a connection
    # prepared there: PostgreSQL then plans it once per connection instead of on every
    # request (planning the navigation's badges took longer than running them). Only
    # where connections are kept: a pooler in transaction mode (MUTUALITY_DB_CONN_MAX_AGE
    # =0, docs/operations.md) would hand a prepared statement to the wrong session.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    if DATABASES["default"]["CONN_MAX_AGE"]:
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept like PostgreSQL's (MUTUALITY_DB_CONN_MAX_AGE): a new SQLite
    # connection per request parses the schema again and starts with a cold page cache,
    # which at 20,000 people doubled the time of a commitment page.
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock at BEGIN so concurrent writers wait on the busy timeout
        # instead of failing with "database is locked" when a read upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA journal_size_limit=27103364; PRAGMA cache_size=-20000; "
            "PRAGMA mmap_size=134217728;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that locked-out credentials never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Idle timeout: the cookie is renewed on every request and expires after this many idle
# seconds. Absolute lifetime: SessionLifetimeMiddleware logs out after this many seconds
# since login, however active the session.
SESSION_COOKIE_AGE = envint("MUTUALITY_SESSION_IDLE_SECONDS", 60 * 60 * 8)
# Renewed by mutuality.accounts.middleware at most once a minute, not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_SECONDS = envint("MUTUALITY_SESSION_ABSOLUTE_SECONDS", 60 * 60 * 24 * 7)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock (username, ip) pairs, not whole accounts, so nobody can lock a colleague
# out from elsewhere; the lock lifts by itself.
AXES_FAILURE_LIMIT = envint("MUTUALITY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = not envbool("MUTUALITY_AXES_DISABLED")
AXES_IPWARE_PROXY_COUNT = envint("MUTUALITY_PROXY_COUNT", 0) or None

# --- Production hardening ------------------------------------------------------------------
SECURE = not DEBUG and not TESTING and not envbool("MUTUALITY_INSECURE_HTTP")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = envbool("MUTUALITY_SSL_REDIRECT", "True")
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("MUTUALITY_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("MUTUALITY_HSTS_PRELOAD")
if envbool("MUTUALITY_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is an operator's decision (it is hard to undo); see README.
    "security.W021",
]

# Content-Security-Policy: only our own scripts and styles; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Email ----------------------------------------------------------------------------------
# Printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("MUTUALITY_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("MUTUALITY_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("MUTUALITY_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("MUTUALITY_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = envbool("MUTUALITY_EMAIL_USE_TLS", "True")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("MUTUALITY_FROM_EMAIL", "Mutuality <mutuality@localhost>")

# --- Background tasks ----------------------------------------------------------------------
# The database backend works on SQLite and PostgreSQL; `mutuality worker` runs the queue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MUTUALITY_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache ------------------------------------------------------------------------------------
if os.environ.get("MUTUALITY_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["MUTUALITY_REDIS_URL"],
        }
    }

# --- Static files, i18n -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MUTUALITY_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when no collectstatic has run (demo, tests).
WHITENOISE_USE_FINDERS = DEBUG or TESTING or envbool("MUTUALITY_STATIC_FROM_APPS")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("MUTUALITY_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUTUALITY_LOG_LEVEL", "WARNING")},
}

# --- Mutuality ------------------------------------------------------------------------------
MUTUALITY_PAGE_SIZE = 50
MUTUALITY_INVITATION_DAYS = envint("MUTUALITY_INVITATION_DAYS", 14)

# A unit's trust ledger shows figures only with at least this many active members:
# smaller, and it would be one or two people's own ledgers.
MUTUALITY_LEDGER_MIN_GROUP = envint("MUTUALITY_LEDGER_MIN_GROUP", 3)
