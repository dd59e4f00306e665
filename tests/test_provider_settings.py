"""Provider settings: bad values stop start-up with a clear error, and secrets stay out of it."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from autopost.env import Env


def load_settings(**environ):
    """Import the settings in a fresh interpreter and return (exit code, stderr)."""
    env = {**os.environ, "SECRET_KEY": "x" * 50, **environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", "import autopost.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


def test_float_reader_rejects_words():
    with pytest.raises(ImproperlyConfigured, match="AUTOPOST_REPLICATE_POLL_SECONDS='soon' is invalid"):
        Env({"AUTOPOST_REPLICATE_POLL_SECONDS": "soon"}).float("AUTOPOST_REPLICATE_POLL_SECONDS", 2.0)


def test_float_reader_checks_range():
    with pytest.raises(ImproperlyConfigured, match="a number from 0.01 to 60"):
        Env({"X": "0"}).float("X", 2.0, minimum=0.01, maximum=60)


def test_defaults_pick_offline_providers():
    code, stderr = load_settings()

    assert code == 0, stderr


def test_bad_model_name_is_rejected():
    code, stderr = load_settings(AUTOPOST_REPLICATE_MODEL="nano banana")

    assert code != 0
    assert "AUTOPOST_REPLICATE_MODEL='nano banana' is invalid: expected owner/name" in stderr


def test_bad_webhook_is_rejected_without_its_value():
    code, stderr = load_settings(DISCORD_WEBHOOK_URL="discord.com/api/webhooks/1/very-secret-token")

    assert code != 0
    assert "DISCORD_WEBHOOK_URL is invalid" in stderr
    assert "very-secret-token" not in stderr


def test_discord_notifier_needs_webhook():
    code, stderr = load_settings(AUTOPOST_NOTIFIER="discord")

    assert code != 0
    assert "AUTOPOST_NOTIFIER=discord needs DISCORD_WEBHOOK_URL" in stderr


def test_unknown_publisher_lists_choices():
    code, stderr = load_settings(AUTOPOST_PUBLISHER="facebook")

    assert code != 0
    assert "expected one of instagram, outbox" in stderr


def test_prediction_deadline_must_fit_in_claim():
    code, stderr = load_settings(AUTOPOST_REPLICATE_DEADLINE_SECONDS="900", AUTOPOST_CLAIM_SECONDS="600")

    assert code != 0
    assert "expected less than AUTOPOST_CLAIM_SECONDS (600)" in stderr
