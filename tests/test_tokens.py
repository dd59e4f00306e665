"""Refreshing Instagram tokens against the fake refresh endpoint."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from autopost import tasks, tokens
from autopost.models import Character
from tests.factories import CharacterFactory

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
TOKEN = "IGQWRtest-long-lived-token-0001"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def character(fake, slug, *, expires_in_days, token=None):
    token = token or f"{TOKEN}-{slug}"
    fake.add_account(f"1784{len(fake.tokens)}", token)
    return CharacterFactory(
        slug=slug, access_token=token, token_expires_at=NOW + timedelta(days=expires_in_days)
    )


def test_refreshes_tokens_expiring_within_a_week(db, fake_instagram, frozen):
    soon = character(fake_instagram, "mila", expires_in_days=3)
    later = character(fake_instagram, "elena", expires_in_days=30)

    summary = tokens.refresh_tokens()

    soon.refresh_from_db()
    later.refresh_from_db()
    request = fake_instagram.requests_to("GET", r"/refresh_access_token$")[0]
    assert summary.refreshed == ["mila"]
    assert request.query == {"grant_type": ["ig_refresh_token"], "access_token": [f"{TOKEN}-mila"]}
    assert soon.access_token != f"{TOKEN}-mila"
    assert soon.token_expires_at == NOW + timedelta(days=60)
    assert later.access_token == f"{TOKEN}-elena"
    assert len(fake_instagram.requests) == 1


def test_expired_token_is_flagged_and_notified(db, fake_instagram, fake_discord, frozen):
    expired = character(fake_instagram, "mila", expires_in_days=-1)

    summary = tokens.refresh_tokens()

    expired.refresh_from_db()
    assert summary.expired == ["mila"]
    assert expired.needs_new_token is True
    assert fake_instagram.requests == []
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == ["Jeton d'accès expiré"]


def test_refresh_failure_is_notified(db, fake_instagram, fake_discord, frozen):
    mila = character(fake_instagram, "mila", expires_in_days=2)
    fake_instagram.fail("GET", r"/refresh_access_token$", status=500)

    summary = tokens.refresh_tokens()

    mila.refresh_from_db()
    assert summary.failed == ["mila"]
    assert mila.access_token == f"{TOKEN}-mila"
    assert mila.needs_new_token is False
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == ["Jeton d'accès non renouvelé"]
    assert "il expire le 2026-12-06 06:00 UTC" in fake_discord.messages[0]["embeds"][0]["description"]


def test_rejected_token_needs_a_new_one(db, fake_instagram, fake_discord, frozen):
    mila = character(fake_instagram, "mila", expires_in_days=2)
    fake_instagram.tokens.clear()

    tokens.refresh_tokens()

    mila.refresh_from_db()
    assert mila.needs_new_token is True
    assert [m["embeds"][0]["title"] for m in fake_discord.messages] == ["Jeton d'accès expiré"]


def test_token_never_logged(db, fake_instagram, frozen, caplog):
    caplog.set_level(logging.DEBUG)
    character(fake_instagram, "mila", expires_in_days=2)
    fake_instagram.fail("GET", r"/refresh_access_token$", drop=True)

    tokens.refresh_tokens()

    assert "token refresh failed" in caplog.text
    assert TOKEN not in caplog.text


def test_command_reports_each_character(db, fake_instagram, frozen, capsys):
    character(fake_instagram, "mila", expires_in_days=2)

    call_command("refresh_tokens")

    out = capsys.readouterr().out
    assert "mila: token refreshed" in out
    assert "refreshed 1, failed 0, expired 0" in out


def test_task_wraps_the_service(db, fake_instagram, frozen):
    character(fake_instagram, "mila", expires_in_days=2)

    assert tasks.refresh_tokens() == {"refreshed": ["mila"], "failed": [], "expired": []}
    assert Character.objects.get(slug="mila").token_expires_at == NOW + timedelta(days=60)
