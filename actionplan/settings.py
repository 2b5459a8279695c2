"""Settings for the action-plan system, driven by environment variables (see .env.example).

SQLite is the zero-setup default; set DATABASE_URL for PostgreSQL. With DEBUG off the app refuses
to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "template_partials",
    "import_export",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "actionplan",
    "projects",
    "budgets",
    "indicators",
    "notify",
    "workflow",
    "plans",
    "monitoring",
    "development",
    "printing",
    "imports",
    "transparency",
    "oversight",
    "setup",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "actionplan.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "actionplan.middleware.ContentSecurityPolicyMiddleware",
    "actionplan.middleware.SessionLimitsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the Thai lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actionplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["budgets.templatetags.money"],
        },
    },
]

WSGI_APPLICATION = "actionplan.wsgi.application"

# Per-process memory cache: the plan roll-up keeps each project's figures under its (id, version,
# updated_at), so a stale entry is never read, only an unchanged project's reused. 20,000 entries
# hold the figures of every project of several plans (a few hundred bytes each); each web
# process fills its own. A shared cache (Redis, memcached) would serve all instances alike.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{os.environ.get('SQLITE_PATH', BASE_DIR / 'db.sqlite3')}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; the busy timeout makes writers wait instead of
    # failing with "database is locked"; IMMEDIATE takes the write lock at BEGIN so two
    # transactions never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions (ASVS V7.3): the cookie lives at most as long as the absolute limit; the middleware
# ends a session after 60 idle minutes or 10 hours after login, whichever comes first, and when
# an administrator ends every session of a user (admin action on users). Logout deletes the
# session on the server; Django rotates the session key at login.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 60 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "actionplan.views.csrf_failure"  # the Thai page, in the app's frame
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind nginx the TLS terminates at the proxy; it sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The project editor posts one page with every row (projects/forms.py, max_num per formset),
# counted as Django counts, one per name=value pair (a checked box is one, each ticked month one):
#   budget lines  500 x  8 (id, activity_ref, description, formula, plain amount, category,
#                           fund, DELETE)                                          = 4,000
#   activities    100 x 25 (id, is_sub, title, steps, period, place, responsible, target
#                           group, q1-q4, DELETE = 13, + up to 12 months)          = 2,500
#   people         20 x  5 (id, person, name, position, DELETE)                    =   100
#   indicators     50 x 11 (id, level, type, text, comparator, value, unit, text target,
#                           method, tool, DELETE)                                  =   550
#   management forms 4 x 4 = 16, header fields 19 (csrf token and version included) =  35
#   total at every formset's maximum                                               = 7,185
# 10,000 leaves 2,815 for the ticked co-units and policy alignments and for rows removed in the
# same save (a removed row is still posted, with DELETE ticked). Django's default of 1,000 refused
# a draft of about 140 lines. Past the limit the editor's script refuses to send (nothing typed
# is lost); a post that gets through anyway is answered with the Thai 400 page
# (actionplan.views.bad_request, docs/decisions/editor-size.md).
# tests/projects/test_editor_size.py recounts the 7,185 from the forms.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "actionplan.storage.CleanTemporaryFileUploadHandler",  # no partial file on a full disk
]
# An import preview nobody confirms within this many hours is forgotten, with its uploaded
# file (imports.services.purge_pending; cron runs `manage.py purge_pending_imports`).
IMPORT_PENDING_HOURS = max(1, env_int("IMPORT_PENDING_HOURS", 24))  # 0 would purge at upload

# Background jobs (plan-book PDFs): django-tasks, by default with its database backend (run
# one `python manage.py db_worker` per core on any machine that reaches the database). Another
# django-tasks backend replaces it without code changes: TASKS_BACKEND=django_tasks_rq.RQBackend
# queues on Redis for RQ workers (docs/deploy.md, "Scaling out"). Tests use the ImmediateBackend.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
if TASKS_BACKEND.startswith("django_tasks_rq."):
    # pip install -e '.[rq]' (django-tasks-rq, django-rq, rq); workers:
    # python manage.py rqworker default --job-class django_tasks_rq.Job --with-scheduler
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            # RQ kills a job after 180 s by default: a long book waiting for a render slot
            # would fail. Renders report progress instead (RENDER_STALE_SECONDS).
            "DEFAULT_TIMEOUT": 3600,
        }
    }
PDF_CACHE_DIR = os.environ.get("PDF_CACHE_DIR") or None  # default MEDIA_ROOT/pdf-cache
# A running PDF render with no progress for this long lost its worker: it is marked failed and
# the next request queues a new one (a live render reports progress every second or so).
RENDER_STALE_SECONDS = max(10, env_int("RENDER_STALE_SECONDS", 300))

# E-mail (notify app): SMTP when EMAIL_HOST is set, else the console. Sent in the background
# with retries (notify/services.py); every attempt is on the delivery log page.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "actionplan@localhost")
# LINE Messaging API (push messages); the host is changed only by tests and proxies.
LINE_API_HOST = os.environ.get("LINE_API_HOST", "https://api.line.me")
LINE_TIMEOUT = env_int("LINE_TIMEOUT", 15)
# The address people open the app at, for links in e-mail and LINE messages.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

AUTH_USER_MODEL = "actionplan.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "actionplan.backends.UserBackend",
]

# Login throttling: 5 failures for one username from one address lock that pair for 15 minutes.
# The pair, not the address alone, so a whole office behind one NAT address is never locked out
# by one person; the same message is shown for an unknown user and a wrong password.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address (docs/decisions/login-throttling-behind-proxy.md): with no proxy in front it
# is the socket's REMOTE_ADDR and X-Forwarded-For is ignored, since anyone can send one. Behind
# TRUSTED_PROXY_COUNT proxies that each append their peer to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for), it is the entry the first of them appended, the Nth from the right;
# whatever the client wrote further left is ignored. django-ipware counts only the proxies whose
# own address is in the header, hence N - 1; not strict, so a forged or malformed left part
# cannot make it fall back to the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("PROXY_COUNT", 0))  # old name kept
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
IPWARE_STRICT = False

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
