"""Linli settings: one module, every deployment choice read from the environment.

The README's configuration table lists each variable. Nothing here needs editing for a
deployment; set the variables instead.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

# The repository root (settings.py is src/linli/settings.py).
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the embedded database, the generated secret key and uploaded files live.
DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR", BASE_DIR / "var"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in DATA_DIR.

    Keeping the generated key on disk means a restart does not log everybody out.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Behind TLS (set HTTPS=true): secure cookies, redirect and HSTS, so that
# `manage.py check --deploy` is clean.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))

INSTALLED_APPS = [
    "linli.accounts",
    "linli.places",
    "linli.party",
    "linli.cases",
    "linli.triage",
    "linli.open311",
    "linli.jobs",
    "linli.api",
    "linli.demo",
    "linli.lib",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.lib.middleware.LanguageMiddleware",
    "linli.lib.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "linli" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.lib.nav.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'linli.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue on the busy timeout instead of failing
    # with "database is locked" when a read lock cannot be upgraded.
    DATABASES["default"]["ENGINE"] = "linli.lib.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
            # 64 MB of page cache: index inserts and searches over a million residents
            # stay in memory instead of going back to the file.
            "PRAGMA cache_size=-65536;"
        ),
    }
    # Tests use a file, not shared-cache memory, whose table locks ignore the busy timeout:
    # concurrency tests then see the same locking as production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_linli.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "src" / "linli" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Front-end libraries come from the npm registry through package-lock.json (./linli runs
# `npm ci`); they are served from node_modules, never from a CDN and never copied into git.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
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
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Background worker: how long a claimed job may run before another worker may take it
# over (the first worker is presumed dead), and how often an idle worker looks for work.
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "600"))
JOB_POLL_SECONDS = float(os.environ.get("JOB_POLL_SECONDS", "2"))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "5"))

# 1名党员中心户联系10户群众: how many households one party-member household looks after.
PARTY_HOUSEHOLD_LIMIT = int(os.environ.get("PARTY_HOUSEHOLD_LIMIT", "10"))

# Cases (spec §3). Working days allowed per time class; "immediate=1,deadline=5,long_term=60".
CASE_WORKING_DAYS = {
    key.strip(): int(value)
    for key, value in (
        part.split("=")
        for part in os.environ.get(
            "CASE_WORKING_DAYS", "immediate=1,deadline=5,long_term=60"
        ).split(",")
    )
}
# Days a resolved case waits for the reporter's rating before it closes as "no response".
CASE_FOLLOWUP_DAYS = int(os.environ.get("CASE_FOLLOWUP_DAYS", "7"))
# Working days a 12345 hotline hand-off gives the community to reply to the hotline.
HOTLINE_REPLY_DAYS = int(os.environ.get("HOTLINE_REPLY_DAYS", "3"))

# Open311 GeoReport v2 (/open311/v2/): who answers questions about the endpoint, and which
# categories are about public space and so readable by anyone (cases an Open311 client
# posted are always readable; risks and cases inside a home never are).
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "社区服务中心 / community service centre")
OPEN311_PUBLIC_CATEGORIES = ["safety", "environment", "facility", "order", "suggestion"]
CASE_PHOTO_MAX_BYTES = int(os.environ.get("CASE_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "linli@localhost")

# Passwords of the demo accounts that `manage.py demo` creates.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "linli-demo-2026")

NINJA_PAGINATION_PER_PAGE = 50

# Role labels and other lazily translated strings used in settings-level data.
SITE_NAME = _("Linli")
