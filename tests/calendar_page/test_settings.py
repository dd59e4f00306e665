import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**environ):
    """Import the settings in a fresh interpreter, as start-up would, and return the process result."""
    env = {**os.environ, "SECRET_KEY": "settings-test", **environ}
    return subprocess.run(
        [sys.executable, "-c", "import autopost.settings as s; print(s.AUTOPOST_CALENDAR_REFRESH_SECONDS)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_short_api_token_stops_start_up():
    result = load_settings(AUTOPOST_API_TOKEN="tiny-secret-9f3")

    assert result.returncode != 0
    assert "AUTOPOST_API_TOKEN is too short" in result.stderr
    assert "tiny-secret-9f3" not in result.stderr


@pytest.mark.parametrize("value", ["0", "soon", "3601"])
def test_bad_refresh_interval_stops_start_up(value):
    result = load_settings(AUTOPOST_CALENDAR_REFRESH_SECONDS=value)

    assert result.returncode != 0
    assert f"AUTOPOST_CALENDAR_REFRESH_SECONDS='{value}' is invalid" in result.stderr


def test_refresh_interval_is_read():
    result = load_settings(AUTOPOST_CALENDAR_REFRESH_SECONDS="45")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "45"
