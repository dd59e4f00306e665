"""The typed environment helper and the settings that read through it."""

import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from autopost.env import Env

ROOT = Path(__file__).resolve().parent.parent


def env(**values):
    return Env(environ=values)


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_bool_accepts_true_words(raw):
    assert env(DEBUG=raw).bool("DEBUG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_bool_accepts_false_words(raw):
    assert env(DEBUG=raw).bool("DEBUG", True) is False


def test_bool_rejects_other_words():
    with pytest.raises(ImproperlyConfigured) as raised:
        env(DEBUG="maybe").bool("DEBUG")

    assert str(raised.value) == (
        "DEBUG='maybe' is invalid: expected one of 1, true, yes, on, 0, false, no, off."
    )


def test_missing_values_give_defaults():
    empty = env()

    assert empty.bool("DEBUG") is False
    assert empty.int("AUTOPOST_CATCHUP_HOURS", 18) == 18
    assert empty.list("ALLOWED_HOSTS", ["127.0.0.1"]) == ["127.0.0.1"]
    assert empty.timezone("TIME_ZONE", "Europe/Paris") == "Europe/Paris"
    assert empty.str("SECRET_KEY") is None


def test_int_reads_whole_numbers():
    assert env(AUTOPOST_CATCHUP_HOURS=" 24 ").int("AUTOPOST_CATCHUP_HOURS", 18, minimum=1) == 24


def test_int_rejects_text():
    with pytest.raises(ImproperlyConfigured) as raised:
        env(AUTOPOST_CATCHUP_HOURS="18h").int("AUTOPOST_CATCHUP_HOURS", 18)

    assert str(raised.value) == "AUTOPOST_CATCHUP_HOURS='18h' is invalid: expected a whole number."


@pytest.mark.parametrize("raw", ["0", "169"])
def test_int_rejects_out_of_range(raw):
    with pytest.raises(ImproperlyConfigured) as raised:
        env(AUTOPOST_CATCHUP_HOURS=raw).int("AUTOPOST_CATCHUP_HOURS", 18, minimum=1, maximum=168)

    assert str(raised.value) == (
        f"AUTOPOST_CATCHUP_HOURS='{raw}' is invalid: expected a whole number from 1 to 168."
    )


def test_timezone_rejects_unknown_zone():
    with pytest.raises(ImproperlyConfigured) as raised:
        env(TIME_ZONE="Europe/Lutece").timezone("TIME_ZONE", "Europe/Paris")

    assert str(raised.value) == (
        "TIME_ZONE='Europe/Lutece' is invalid: expected an IANA time zone such as Europe/Paris."
    )


def test_url_rejects_other_scheme():
    with pytest.raises(ImproperlyConfigured) as raised:
        env(DATABASE_URL="mysql://db/autopost").url("DATABASE_URL", schemes=("sqlite", "postgres"))

    assert str(raised.value) == (
        "DATABASE_URL='mysql://db/autopost' is invalid: expected a URL starting with sqlite:// or postgres://."
    )


def test_url_drops_trailing_slash():
    assert env(HOOK="https://hooks.example.invalid/x/").url("HOOK") == "https://hooks.example.invalid/x"


def test_choice_rejects_unknown_value():
    with pytest.raises(ImproperlyConfigured) as raised:
        env(LANGUAGE_CODE="de").choice("LANGUAGE_CODE", "fr", {"fr", "en"})

    assert str(raised.value) == "LANGUAGE_CODE='de' is invalid: expected one of en, fr."


def test_clock_time_parses_and_rejects():
    assert env(AT="06:05").clock_time("AT", "00:00") == time(6, 5)
    with pytest.raises(ImproperlyConfigured, match="AT='6h05' is invalid: expected a time as HH:MM"):
        env(AT="6h05").clock_time("AT", "00:00")


def test_list_splits_on_commas():
    assert env(ALLOWED_HOSTS="a.example, b.example,,").list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_required_str_names_variable():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is missing: set it in the environment."):
        env().str("SECRET_KEY", required=True)


# The settings module itself, loaded in a fresh interpreter with a given environment.


def load_settings(**variables):
    environ = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environ.pop("DATABASE_URL", None)
    environ.update(variables)
    return subprocess.run(
        [sys.executable, "-c", "import autopost.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_without_secret_key_fail_when_debug_off():
    result = load_settings()

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is missing" in result.stderr
    assert "DEBUG=1" in result.stderr


def test_settings_without_secret_key_load_in_debug():
    result = load_settings(DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "sometimes"),
        ("AUTOPOST_CATCHUP_HOURS", "many"),
        ("AUTOPOST_LOOKAHEAD_MINUTES", "-5"),
        ("TIME_ZONE", "Paris"),
        ("DATABASE_URL", "mysql://localhost/autopost"),
        ("LANGUAGE_CODE", "de"),
        ("AUTOPOST_PUBLISHER", "instagram-typo"),
    ],
)
def test_settings_reject_bad_value(name, value):
    result = load_settings(SECRET_KEY="x" * 50, **{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name}={value!r} is invalid" in result.stderr


def test_settings_read_postgres_url():
    result = load_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/autopost_x")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"
