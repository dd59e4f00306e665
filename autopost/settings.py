"""Django settings for Autopost. Every value comes from the environment (see README)."""

import re
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
# Read even with DEBUG on, so a bad value fails on a development machine too.
_secure_cookies = env.bool("AUTOPOST_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = not DEBUG and _secure_cookies
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
# "database" reads the instant from PostgreSQL so that workers on several hosts
# share one clock; "host" reads this machine's clock (tests freeze it).
AUTOPOST_CLOCK = env.choice("AUTOPOST_CLOCK", "database", {"database", "host"})
AUTOPOST_RETRY_BASE_SECONDS = env.int("AUTOPOST_RETRY_BASE_SECONDS", 120, minimum=1, maximum=86400)

# Providers: the offline defaults need nothing outside this machine.
AUTOPOST_PLANNER = env.choice("AUTOPOST_PLANNER", "template", {"template", "llm"})
AUTOPOST_IMAGE_GENERATOR = env.choice("AUTOPOST_IMAGE_GENERATOR", "local", {"local", "replicate"})
AUTOPOST_PUBLISHER = env.choice("AUTOPOST_PUBLISHER", "outbox", {"outbox", "instagram"})

# Real providers. Base URLs are settings so tests can point them at local fakes.
AUTOPOST_HTTP_TIMEOUT = env.int("AUTOPOST_HTTP_TIMEOUT", 30, minimum=1, maximum=300)
AUTOPOST_SITE_URL = env.url("AUTOPOST_SITE_URL", "http://127.0.0.1:8000")

REPLICATE_API_TOKEN = env.str("REPLICATE_API_TOKEN", "")
REPLICATE_API_URL = env.url("REPLICATE_API_URL", "https://api.replicate.com/v1")
AUTOPOST_REPLICATE_MODEL = env.str("AUTOPOST_REPLICATE_MODEL", "google/nano-banana-pro")
if not re.fullmatch(r"[\w.-]+/[\w.-]+", AUTOPOST_REPLICATE_MODEL):
    raise ImproperlyConfigured(
        f"AUTOPOST_REPLICATE_MODEL={AUTOPOST_REPLICATE_MODEL!r} is invalid: "
        "expected owner/name, such as google/nano-banana-pro."
    )
AUTOPOST_REPLICATE_DEADLINE_SECONDS = env.int(
    "AUTOPOST_REPLICATE_DEADLINE_SECONDS", 300, minimum=10, maximum=3600
)
if AUTOPOST_REPLICATE_DEADLINE_SECONDS >= AUTOPOST_CLAIM_SECONDS:
    # The claim is renewed after each image, so one prediction must end before it expires.
    raise ImproperlyConfigured(
        f"AUTOPOST_REPLICATE_DEADLINE_SECONDS={AUTOPOST_REPLICATE_DEADLINE_SECONDS} is invalid: expected "
        f"less than AUTOPOST_CLAIM_SECONDS ({AUTOPOST_CLAIM_SECONDS}), or another worker takes the post over."
    )
AUTOPOST_REPLICATE_POLL_SECONDS = env.float("AUTOPOST_REPLICATE_POLL_SECONDS", 2.0, minimum=0.01, maximum=60)

INSTAGRAM_GRAPH_URL = env.url("INSTAGRAM_GRAPH_URL", "https://graph.instagram.com/v21.0")
INSTAGRAM_TOKEN_REFRESH_URL = env.url(
    "INSTAGRAM_TOKEN_REFRESH_URL", "https://graph.instagram.com/refresh_access_token"
)
AUTOPOST_PUBLIC_MEDIA_URL = env.url("AUTOPOST_PUBLIC_MEDIA_URL", None)
AUTOPOST_INSTAGRAM_POLL_SECONDS = env.float("AUTOPOST_INSTAGRAM_POLL_SECONDS", 5.0, minimum=0.01, maximum=60)
AUTOPOST_INSTAGRAM_POLL_TIMEOUT = env.int("AUTOPOST_INSTAGRAM_POLL_TIMEOUT", 300, minimum=1, maximum=3600)

ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", "")
ANTHROPIC_API_URL = env.url("ANTHROPIC_API_URL", "https://api.anthropic.com")
AUTOPOST_ANTHROPIC_MODEL = env.str("AUTOPOST_ANTHROPIC_MODEL", "claude-sonnet-4-5")

# The webhook URL contains its secret token, so a bad value is reported without it.
DISCORD_WEBHOOK_URL = env.str("DISCORD_WEBHOOK_URL", "")
if DISCORD_WEBHOOK_URL and not DISCORD_WEBHOOK_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "DISCORD_WEBHOOK_URL is invalid: expected the webhook URL that Discord shows, starting with https://."
    )
AUTOPOST_NOTIFIER = env.choice(
    "AUTOPOST_NOTIFIER", "discord" if DISCORD_WEBHOOK_URL else "log", {"log", "discord"}
)
if AUTOPOST_NOTIFIER == "discord" and not DISCORD_WEBHOOK_URL:
    raise ImproperlyConfigured("AUTOPOST_NOTIFIER=discord needs DISCORD_WEBHOOK_URL to be set.")

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

# Scheduler: when the django-q2 cluster plans days and runs executor passes.
# AUTOPOST_PLAN_AT is "HH:MM" or "HH:MM Area/City"; the zone defaults to TIME_ZONE.
_plan_at = env.str("AUTOPOST_PLAN_AT", "06:05 Europe/Paris").split()
if not 1 <= len(_plan_at) <= 2:
    raise ImproperlyConfigured(
        f"AUTOPOST_PLAN_AT={' '.join(_plan_at)!r} is invalid: expected HH:MM with an optional "
        "IANA time zone, such as 06:05 Europe/Paris."
    )
_plan_env = Env(
    {"AUTOPOST_PLAN_AT": _plan_at[0], "AUTOPOST_PLAN_AT zone": _plan_at[1] if len(_plan_at) == 2 else ""}
)
AUTOPOST_PLAN_AT = _plan_env.clock_time("AUTOPOST_PLAN_AT", "06:05")
AUTOPOST_PLAN_TIME_ZONE = _plan_env.timezone("AUTOPOST_PLAN_AT zone", TIME_ZONE)
AUTOPOST_EXECUTOR_EVERY_MINUTES = env.int("AUTOPOST_EXECUTOR_EVERY_MINUTES", 1, minimum=1, maximum=1440)

# django-q2. The ORM broker keeps the embedded default free of any other
# service; AUTOPOST_Q_BROKER=redis://host:6379/0 switches to Redis.
AUTOPOST_Q_BROKER = env.str("AUTOPOST_Q_BROKER", "orm")
if AUTOPOST_Q_BROKER != "orm" and not re.fullmatch(r"rediss?://\S+", AUTOPOST_Q_BROKER):
    # The value may hold a password, so the message shows only its scheme.
    raise ImproperlyConfigured(
        f"AUTOPOST_Q_BROKER={AUTOPOST_Q_BROKER.split(':', 1)[0]}:... is invalid: expected orm "
        "(the default) or a Redis URL such as redis://127.0.0.1:6379/0."
    )
Q_CLUSTER = {
    "name": "autopost",
    "workers": env.int("AUTOPOST_Q_WORKERS", 2, minimum=1, maximum=64),
    # A task that runs longer than `timeout` seconds is killed. `retry` must be
    # larger: a broker hands an unacknowledged task to another worker after
    # `retry` seconds, so retry <= timeout could run a slow pass twice
    # (django-q2 docs, configure.rst, "retry").
    "timeout": 600,
    "retry": 720,
    # A cluster that was down for hours runs each missed schedule once, not
    # once per missed interval (django-q2 docs, configure.rst, "catch_up").
    "catch_up": False,
    # One delivery per task: a failed planner or executor run is not re-queued,
    # because the next scheduled run redoes its work. 0 would mean retry
    # forever (django-q2 docs, configure.rst, "max_attempts").
    "max_attempts": 1,
    "ack_failures": True,
    # Successful results kept for the admin. Failed tasks are always kept
    # (django-q2 docs, configure.rst, "save_limit").
    "save_limit": 500,
    # Daily schedules keep their wall-clock time across DST in this zone.
    "time_zone": AUTOPOST_PLAN_TIME_ZONE,
}
if AUTOPOST_Q_BROKER == "orm":
    Q_CLUSTER["orm"] = "default"
else:
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "AUTOPOST_Q_BROKER is a Redis URL but the redis package is missing: install it with "
            'pip install -e ".[redis]", or unset AUTOPOST_Q_BROKER to use the ORM broker.'
        ) from None
    Q_CLUSTER["redis"] = AUTOPOST_Q_BROKER
