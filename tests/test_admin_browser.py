"""The retry action driven from a real headless Chromium, as a person uses it."""

import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from autopost.models import PostTransition, ScheduledPost
from tests.factories import ScheduledPostFactory

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password-8431"

Status = ScheduledPost.Status

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="needs Chromium at /usr/bin/chromium")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("camille", "camille@example.invalid", PASSWORD)


def test_retry_from_browser(live_server, staff, mila):
    now = timezone.now()
    failed = ScheduledPostFactory(
        character=mila,
        at=now + timedelta(hours=2),
        status=Status.FAILED,
        error_message="timeout",
        retry_count=3,
    )
    posted = ScheduledPostFactory(character=mila, at=now + timedelta(hours=3), status=Status.POSTED)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR", extra_http_headers={"Accept-Language": "fr"})
        page.goto(f"{live_server.url}/admin/login/?next=/admin/autopost/scheduledpost/")
        page.fill("#id_username", "camille")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.check(f"input[name=_selected_action][value='{failed.pk}']")
        page.check(f"input[name=_selected_action][value='{posted.pk}']")
        page.select_option("select[name=action]", "retry_posts")
        page.click("button[name=index]")
        preview = page.inner_text("table.autopost-action-preview")
        page.click("input[value='Oui, appliquer']")
        summary = page.inner_text("ul.messagelist")
        browser.close()

    failed.refresh_from_db()
    posted.refresh_from_db()
    assert "sera modifiée" in preview
    assert "ignorée" in preview
    assert "Relancer : 1 publication modifiée, 1 ignorée(s)." in summary
    assert failed.status == Status.SCHEDULED
    assert posted.status == Status.POSTED
    assert PostTransition.objects.get(post=failed).actor == "admin:camille"
