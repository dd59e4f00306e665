"""Django settings for Autopost. Every value comes from the environment (see README)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from autopost.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing: set it in the environment "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DEBUG=1 on a development machine."
        )
    # A key per process: sessions do not survive a restart, which is fine on a
    # development machine and keeps any committed secret out of the repository.
    SECRET_KEY = get_random_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_q",
    "autopost",
    "scheduler",
    "calendar_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "autopost.urls"
WSGI_APPLICATION = "autopost.wsgi.application"

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
        },
    },
]

DATABASE_URL = env.url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql"),
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers
    # queue on the busy timeout instead of failing with "database is locked"
    # when a reader upgrades to a writer. WAL lets readers run during a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.choice("LANGUAGE_CODE", "fr", {"fr", "en"})
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.timezone("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("AUTOPOST_MEDIA_ROOT", str(BASE_DIR / "media")))

LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.bool("AUTOPOST_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("AUTOPOST_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}),
    },
}

# Pipeline: when a post is due for each step.
AUTOPOST_CATCHUP_HOURS = env.int("AUTOPOST_CATCHUP_HOURS", 18, minimum=1, maximum=168)
AUTOPOST_LOOKAHEAD_MINUTES = env.int("AUTOPOST_LOOKAHEAD_MINUTES", 60, minimum=0, maximum=1440)
AUTOPOST_CLAIM_SECONDS = env.int("AUTOPOST_CLAIM_SECONDS", 600, minimum=30, maximum=86400)
AUTOPOST_RETRY_BASE_SECONDS = env.int("AUTOPOST_RETRY_BASE_SECONDS", 120, minimum=1, maximum=86400)

# Providers: the offline defaults need nothing outside this machine.
AUTOPOST_PLANNER = env.choice("AUTOPOST_PLANNER", "template", {"template"})
AUTOPOST_IMAGE_GENERATOR = env.choice("AUTOPOST_IMAGE_GENERATOR", "local", {"local"})
AUTOPOST_PUBLISHER = env.choice("AUTOPOST_PUBLISHER", "outbox", {"outbox"})
AUTOPOST_NOTIFIER = env.choice("AUTOPOST_NOTIFIER", "log", {"log"})

# Calendar and its JSON API.
# Bearer token for /api/calendar-posts/ when no staff session is at hand; empty
# disables token access. Compared in constant time, never logged.
AUTOPOST_API_TOKEN = env.str("AUTOPOST_API_TOKEN", "")
if AUTOPOST_API_TOKEN and len(AUTOPOST_API_TOKEN) < 32:
    raise ImproperlyConfigured(
        "AUTOPOST_API_TOKEN is too short: use at least 32 characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(32))").'
    )
AUTOPOST_CALENDAR_REFRESH_SECONDS = env.int("AUTOPOST_CALENDAR_REFRESH_SECONDS", 30, minimum=1, maximum=3600)
# The calendar shows the executor's last pass in red once it is older than this.
AUTOPOST_EXECUTOR_LATE_MINUTES = env.int("AUTOPOST_EXECUTOR_LATE_MINUTES", 10, minimum=1, maximum=1440)
