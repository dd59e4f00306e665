"""The calendar in real headless Chromium (Debian's package) against a live server.

Screenshots go to bench/out/screenshots/ (path printed in the output). Without
/usr/bin/chromium the test is skipped on a developer machine and fails in CI
(CI=true), where .ci/run installs it first.
"""

import base64
import io
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from PIL import Image

from autopost.models import ExecutorHeartbeat, ScheduledPost
from autopost.pipeline import transition
from tests.factories import CharacterFactory, ScheduledPostFactory

Status = ScheduledPost.Status
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screenshots"
PASSWORD = "a-long-browser-test-password"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread, which Django
    # would take for an async context when the test then uses the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def afternoon(settings):
    """Run the server's clock from 14:00 in Paris today (real date), so every post below is today."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    paris = ZoneInfo("Europe/Paris")
    start = datetime.now(paris).replace(hour=14, minute=0, second=0, microsecond=0)
    with time_machine.travel(start.astimezone(UTC), tick=True):
        yield start


@pytest.fixture
def scene(transactional_db, afternoon):
    get_user_model().objects.create_superuser("alice", "alice@example.com", PASSWORD)
    ExecutorHeartbeat.objects.create(worker="cron", pass_started_at=afternoon - timedelta(minutes=2))
    mila = CharacterFactory(slug="mila", name="Mila")
    elena = CharacterFactory(slug="elena", name="Elena")

    def at(hour, minute=0, days=0):
        return (afternoon + timedelta(days=days)).replace(hour=hour, minute=minute).astimezone(UTC)

    return {
        "posted": ScheduledPostFactory(
            character=mila,
            at=at(9),
            status=Status.POSTED,
            caption="Croissant au Marais",
            instagram_permalink="https://instagram.example/p/demo/",
        ),
        "failed": ScheduledPostFactory(
            character=mila,
            at=at(11),
            status=Status.FAILED,
            error_message="Instagram a refusé le format de l'image",
            error_step="posting",
            retry_count=3,
            image_urls=[thumbnail("#fb7185"), thumbnail("#fda4af")],
        ),
        "evening": ScheduledPostFactory(character=mila, at=at(18, 30), image_urls=[thumbnail("#60a5fa")]),
        "elena": ScheduledPostFactory(character=elena, at=at(12)),
        "next_week": ScheduledPostFactory(character=mila, at=at(10, days=7)),
    }


def thumbnail(colour):
    """Return a small JPEG as a data URL: the live server does not serve media files."""
    output = io.BytesIO()
    Image.new("RGB", (40, 50), colour).save(output, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(output.getvalue()).decode()


def sign_in(page, base_url):
    page.goto(base_url + "/calendar/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/calendar/"))


def post_in_grid(page, post):
    return page.locator(f'#week [data-post-id="{post.pk}"]')


def test_calendar_in_chromium(browser, live_server, scene, settings):
    settings.AUTOPOST_CALENDAR_REFRESH_SECONDS = 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {SCREENSHOTS}")
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    # Sign in and see the week: seven days, this week's posts, not next week's.
    sign_in(page, live_server.url)
    assert page.locator("#week .day").count() == 7
    assert post_in_grid(page, scene["posted"]).is_visible()
    assert post_in_grid(page, scene["elena"]).is_visible()
    assert post_in_grid(page, scene["next_week"]).count() == 0
    assert page.locator("#week .day.is-today .now-line").count() == 1
    assert "dernière exécution il y a 2" in page.inner_text("#week .executor")
    assert page.locator(f'#today [data-post-id="{scene["failed"].pk}"] .error').is_visible()

    # Switch character: Elena's tab hides Mila's posts.
    page.click("nav.tabs >> text=Elena")
    page.wait_for_url(re.compile(r"character=elena"))
    assert post_in_grid(page, scene["elena"]).is_visible()
    assert post_in_grid(page, scene["posted"]).count() == 0
    page.click("nav.tabs >> text=Tous les personnages")
    page.wait_for_url(re.compile(r"week=\d{4}-W\d{2}$"))

    # Next week and back.
    page.click("a[rel=next]")
    page.wait_for_selector(f'#week [data-post-id="{scene["next_week"].pk}"]')
    assert post_in_grid(page, scene["posted"]).count() == 0
    page.click("a[rel=prev]")
    page.wait_for_selector(f'#week [data-post-id="{scene["posted"].pk}"]')

    # A status change shows up through the htmx refresh, with no page load.
    page.evaluate("window.loadedOnce = true")
    evening = scene["evening"]
    transition(evening, Status.GENERATING, actor="browser-test", claim="browser-test")
    page.wait_for_selector(f'#week [data-post-id="{evening.pk}"][data-status="generating"]', timeout=10_000)
    assert page.locator(f'#week [data-post-id="{evening.pk}"] .badge--amber.badge--pulse').is_visible()
    assert page.evaluate("window.loadedOnce") is True

    # A failed refresh keeps the last view and shows the time of the last good one.
    page.route("**/calendar/partials/**", lambda route: route.abort())
    page.wait_for_selector("#refresh-notice:not([hidden])", timeout=10_000)
    assert "Pas de mise à jour depuis" in page.inner_text("#refresh-notice")
    assert post_in_grid(page, evening).is_visible()
    page.unroute("**/calendar/partials/**")
    page.wait_for_selector("#refresh-notice[hidden]", state="attached", timeout=10_000)

    # Hidden tab: no polling. Shown again: a refresh at once.
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => window.fakeHidden});
            window.fakeHidden = true;
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    time.sleep(0.5)
    before = len(requests)
    time.sleep(3)
    assert len(requests) == before, "polling went on while the tab was hidden"
    page.evaluate('window.fakeHidden = false; document.dispatchEvent(new Event("visibilitychange"))')
    page.wait_for_timeout(600)
    assert len(requests) >= before + 2, "showing the tab did not refresh both regions at once"

    # Retry the failed post from today's panel.
    failed = scene["failed"]
    page.click(f'#today [data-post-id="{failed.pk}"] form.retry button')
    page.wait_for_selector("#today .flash--success")
    failed.refresh_from_db()
    assert failed.status == Status.IMAGES_READY
    assert failed.retry_count == 0
    page.wait_for_selector(f'#week [data-post-id="{failed.pk}"][data-status="images_ready"]')
    page.screenshot(path=str(SCREENSHOTS / "calendar-desktop.png"), full_page=True)

    # Phone: an agenda, today first, nothing wider than the screen.
    phone = browser.new_page(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(live_server.url + "/calendar/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    first_day = phone.evaluate(
        """() => [...document.querySelectorAll("#week .day")]
                .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0]
                .classList.contains("is-today")"""
    )
    assert first_day, "today is not the first day of the agenda"
    overflowing = phone.evaluate(
        """() => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().width > 0)
                .filter(e => e.getBoundingClientRect().right > 360.5 || e.getBoundingClientRect().left < -0.5)
                .filter(e => !e.closest(".tabs"))
                .map(e => e.tagName + "." + e.className)"""
    )
    assert overflowing == []
    phone.screenshot(path=str(SCREENSHOTS / "calendar-mobile.png"), full_page=True)
    phone.close()
    page.close()
