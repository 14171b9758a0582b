"""Settings for the Plan Climat Local platform.

Everything that differs between machines is read from the environment through one `env`
(see `.env.example` for every variable). Production is the default: DEBUG is off unless set, and
the platform then refuses to start without SECRET_KEY, or without a broker unless tasks are asked to
run inline. `make run` sets DEBUG=true, which brings the development defaults (a development key,
SQLite, Celery tasks executed eagerly when no REDIS_URL is set) so that it works on a fresh machine.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Off unless set: `make run` (and the test settings, tests/settings.py) turn it on for development.
DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on: production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="Plan Climat Local")
# Absolute address used in emails (invitations, password resets) sent from background tasks.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "accounts",
    "communes",
    "actions",
    "observatory",
    "workgroups",
    "reporting",
    "public",
    "api",
    # Its templates and static files: the API's documentation page served from our static files, offline.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pcl.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pcl.jobs.EagerBeatMiddleware",
]

ROOT_URLCONF = "pcl.urls"
WSGI_APPLICATION = "pcl.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communes.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or any database URL) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` writes from two threads (a request, a job in the background): a writer waits for the other
    # instead of failing with "database is locked", and readers (a page polling a job) never wait (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request within seconds instead of holding it
    # (and its worker) until the proxy gives up; a restarted one is reconnected to at the next request.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and shared cache when REDIS_URL is set; a local cache otherwise, and tasks run
# inline (eagerly) only when asked to or in development (see the check in the security section).
# With Redis down the cache reads as empty (pcl/cache.py) and jobs are refused with a message (pcl/jobs.py):
# every page still serves.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pcl.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pcl",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=DEBUG and not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Run eagerly, a job runs in a thread of the web process after the request's commit (pcl/jobs.py), so that
# a page asking for a 10-second document answers at once and shows its progress; off: inside the request.
JOBS_EAGER_IN_BACKGROUND = env.bool("JOBS_EAGER_IN_BACKGROUND", default=True)
# Background jobs (observatory imports, documents, letters) lose nothing and never stay stuck: a message is
# acknowledged only once its task has ended and given back to the broker when the worker dies; past the
# soft limit the task records its job as failed; the sweep (below) fails jobs whose worker is gone.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "CELERY_TASK_SOFT_TIME_LIMIT", default=max(CELERY_TASK_TIME_LIMIT - 60, CELERY_TASK_TIME_LIMIT * 9 // 10)
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job still running (or waiting) with no sign of life for this long has lost its worker.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing a job from a page must not hold the page when the broker is down: short socket timeouts and
# a short publish retry, after which pcl.jobs.enqueue reports the job as refused.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Redis gives an unacknowledged message (acks_late) to another worker after this long: longer than
    # any task may run.
    "visibility_timeout": max(3600, 2 * CELERY_TASK_TIME_LIMIT),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
# Jobs record their state in the database; nobody reads Celery's results. Storing none also spares
# every enqueue a subscription to the result store, which retries for 20 s when Redis is down.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0}}
CELERY_TIMEZONE = "Europe/Paris"

# Authentication
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=14 * 24 * 3600)
# Sign-in throttling: after LOGIN_FAILURE_LIMIT failures for one email (or 4x that for one client
# address), further attempts are refused for LOGIN_LOCKOUT_SECONDS. The authentication backend
# enforces it, so the site's login, the administration's (which leads to it) and any API obey it.
# The counts live in the default cache: with several web processes (WEB_CONCURRENCY) set REDIS_URL
# so that they share one count (a system check warns otherwise).
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# The client's address is read from X-Forwarded-For only when the request comes from one of these
# proxies (addresses or networks); behind a TLS proxy (BEHIND_TLS_PROXY) the default trusts the
# loopback and the private networks where a proxy or a container bridge usually sits.
_PRIVATE_NETWORKS = ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES", default=_PRIVATE_NETWORKS if env.bool("BEHIND_TLS_PROXY", default=False) else []
)
# The API (/api/v1/): anonymous use is limited to API_ANON_RATE requests per client address ("60/min",
# "1000/hour"; empty: no limit), counted in the default cache (Redis: shared by every web process);
# token holders are not limited. Anonymous answers may be cached by proxies for API_PUBLIC_MAX_AGE s.
API_ANON_RATE = env.str("API_ANON_RATE", default="60/min")
API_PUBLIC_MAX_AGE = env.int("API_PUBLIC_MAX_AGE", default=60)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)

# Email: printed on the console by default; SMTP through EMAIL_URL (smtp+tls://user:password@host:587).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {
                option: _email[key]
                for key, option in _SMTP_OPTIONS.items()
                if _email.get(key) not in (None, "")
            }
            | {"timeout": 20}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Plan Climat Local <no-reply@plan-climat.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's number and date formats agree with pcl.formatting (the one way a figure becomes text).
FORMAT_MODULE_PATH = ["pcl.formats"]

# Static files, served by the app itself through whitenoise (no CDN).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Tasks sent to no broker would never run: without REDIS_URL, tasks must be asked to run inline
# (CELERY_TASK_ALWAYS_EAGER=true, the default in development only).
if not REDIS_URL and not CELERY_TASK_ALWAYS_EAGER:
    raise ImproperlyConfigured(
        "REDIS_URL must be set (the Celery broker): without it, tasks would be queued where no worker "
        "reads them. To run tasks inline in the web process instead, set CELERY_TASK_ALWAYS_EAGER=true."
    )

# Content-Security-Policy on every response (Django's own middleware): everything from the site itself,
# no inline script, no inline style, no eval; no frame, plugin or foreign form target. Charts are drawn
# by plotly (static/vendor) in SVG; the map's outlines are fetched from the site's static files.
# Two <style> elements are let in by the hash of their exact text, no other: plotly.js creates its style
# elements empty and fills them through the CSSOM (which the policy leaves to scripts, already limited
# to the site's own), and its map library (MapLibre) adds its fixed stylesheet. tests/test_csp.py checks
# both hashes against the two vendored plotly bundles, so that an update of plotly that changes them fails.
# Style attributes: only empty ones ('unsafe-hashes' with the empty text's hash), which plotly sets on a
# colour bar's rectangles to clear them. MapLibre draws the map in a worker it starts from a blob: URL.
CSP_PLOTLY_EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CSP_MAPLIBRE_STYLE = "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP_PLOTLY_EMPTY_STYLE, CSP_MAPLIBRE_STYLE],
    "style-src-attr": [CSP.UNSAFE_HASHES, CSP_PLOTLY_EMPTY_STYLE],
    "img-src": [CSP.SELF, "data:"],
    "worker-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Security: everything `manage.py check --deploy` asks for once DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health checks come from the load balancer or the container runtime over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Observatory: files from this size on (bytes) are imported on two PostgreSQL connections at once.
OBSERVATORY_IMPORT_SPLIT_BYTES = env.int("OBSERVATORY_IMPORT_SPLIT_BYTES", default=8 << 20)

# Action plans: an open action with no update for this long reads as stale on the portfolio.
STALE_ACTION_DAYS = env.int("STALE_ACTION_DAYS", default=183)

# Working groups: a commune's group that has not met for this long is flagged and reminded (daily).
MEETING_INTERVAL_DAYS = env.int("MEETING_INTERVAL_DAYS", default=122)

# Uploads: the largest file accepted per field, in bytes (pcl/uploads.py checks type, content and size).
# Signed deliberations are scanned PDFs; meeting documents any office file or photo; observatory imports
# whole national CSV files (larger ones are imported with `manage.py import_observatory`).
DELIBERATION_MAX_BYTES = env.int("DELIBERATION_MAX_BYTES", default=20 * 2**20)
MEETING_DOCUMENT_MAX_BYTES = env.int("MEETING_DOCUMENT_MAX_BYTES", default=20 * 2**20)
OBSERVATORY_IMPORT_MAX_BYTES = env.int("OBSERVATORY_IMPORT_MAX_BYTES", default=512 * 2**20)
# A commune's list of actions (XLSX or CSV) to import into a draft plan: a few hundred rows at most.
ACTION_IMPORT_MAX_BYTES = env.int("ACTION_IMPORT_MAX_BYTES", default=5 * 2**20)

CELERY_BEAT_SCHEDULE = {
    "meeting-reminders": {
        "task": "workgroups.tasks.meeting_reminders_task",
        "schedule": crontab(hour=7, minute=30),
    },
    "observatory-stale-imports-sweep": {
        "task": "observatory.tasks.stale_batches_sweep_task",
        "schedule": crontab(minute="*/10"),
    },
    "reporting-stale-jobs-sweep": {
        "task": "reporting.tasks.stale_jobs_sweep_task",
        "schedule": crontab(minute="*/10"),
    },
    "observatory-work-tables-sweep": {
        "task": "observatory.tasks.work_tables_sweep_task",
        "schedule": crontab(hour=3, minute=15),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint and fontTools narrate every PDF at INFO level.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
