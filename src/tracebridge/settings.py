"""Django settings for a TraceBridge node, built once from ``tracebridge.config``."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from tracebridge import config

CONFIG = config.load()
BASE_DIR = Path(__file__).resolve().parent
HOME = CONFIG.home

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)
NODE_NAME = CONFIG.node_name
globals().update(CONFIG.email)  # EMAIL_BACKEND and the rest (docs/operator.md)
PUBLIC_CHECK_PER_MINUTE = CONFIG.public_check_per_minute
PUBLIC_MIN_COUNT = CONFIG.public_min_count

TRACEBRIDGE_APPS = [
    "tracebridge.agencies",
    "tracebridge.complaints",
    "tracebridge.campaigns",
    "tracebridge.cases",
    "tracebridge.evidence",
    "tracebridge.sharing",
    "tracebridge.assistance",
    "tracebridge.witness",
    "tracebridge.telecom",
    "tracebridge.money",
    "tracebridge.portal",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    *TRACEBRIDGE_APPS,
    "tracebridge.node",  # the node itself, above every app: its commands (docs/architecture.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tracebridge.agencies.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracebridge.node.urls"
WSGI_APPLICATION = "tracebridge.node.wsgi.application"

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
                "tracebridge.agencies.context.navigation",
            ],
        },
    }
]


def _database() -> dict[str, object]:
    # Persistent connections: opening SQLite (with its PRAGMAs) or a PostgreSQL session per
    # request costs more than the lookups the public checker makes.
    db: dict[str, object] = dict(dj_database_url.parse(CONFIG.database_url, conn_max_age=60))
    if CONFIG.uses_sqlite:
        db["OPTIONS"] = {
            # WAL lets readers run beside the single writer; IMMEDIATE avoids
            # "database is locked" upgrades from read to write transactions.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=10000;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    db["TEST"] = {"NAME": None}
    return db


DATABASES = {"default": _database()}


def caches_for(node: config.Config) -> dict[str, dict[str, object]]:
    """Redis when REDIS_URL is set: rate limits and caches are then one per node, not one per
    worker process. Keys carry the node's name, so nodes may share one Redis database."""
    if not node.redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": node.redis_url,
            "KEY_PREFIX": node.node_name,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }


CACHES = caches_for(CONFIG)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracebridge.agencies.views.locked_out"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
# Django looks up LOCALE_PATHS before any app, and earlier apps before later ones, so admin's
# and auth's Hindi catalogs used to win over ours ("Unknown" read अनजान, "Password" कूटशब्द).
# Listing the project's override catalog (Django's own form errors the public sees) and then
# every app's catalog here puts all of ours ahead of Django's.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *(BASE_DIR / app.rsplit(".", 1)[1] / "locale" for app in TRACEBRIDGE_APPS),
]
USE_I18N = True
# Hindi dates, times and digit grouping (tracebridge/formats/hi/formats.py; docs/portal.md).
FORMAT_MODULE_PATH = ["tracebridge.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads spool to FILE_UPLOAD_TEMP_DIR/<process id>/ (tracebridge.uploads), so that
# `tracebridge serve` removes what a worker that died mid-upload left there.
FILE_UPLOAD_TEMP_DIR = str(CONFIG.upload_dir)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "tracebridge.uploads.TemporaryFileUploadHandler",
]
# Django checks that FILE_UPLOAD_TEMP_DIR exists; ours is made on the first large upload (a
# per-process folder inside it), so that loading settings creates no folder.
SILENCED_SYSTEM_CHECKS = ["files.E001"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and not CONFIG.allowed_hosts_are_local
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
