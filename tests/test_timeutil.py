"""Local slot times to UTC instants in Europe/Paris, on ordinary days and both DST days of 2026."""

import zoneinfo
from datetime import UTC, date, datetime, time

import pytest
from django.utils import translation

from autopost.timeutil import local_to_utc

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def to_utc(day, slot, zone=PARIS):
    with translation.override("en"):
        return local_to_utc(day, slot, zone)


@pytest.mark.parametrize(
    ("day", "slot", "expected"),
    [
        (date(2026, 12, 24), time(10, 0), datetime(2026, 12, 24, 9, 0, tzinfo=UTC)),
        (date(2026, 7, 14), time(10, 0), datetime(2026, 7, 14, 8, 0, tzinfo=UTC)),
        (date(2026, 1, 1), time(0, 0), datetime(2025, 12, 31, 23, 0, tzinfo=UTC)),
        (date(2026, 6, 30), time(23, 59), datetime(2026, 6, 30, 21, 59, tzinfo=UTC)),
    ],
)
def test_ordinary_day_has_no_note(day, slot, expected):
    assert to_utc(day, slot) == (expected, "")


def test_spring_gap_moves_to_three_oclock():
    instant, note = to_utc(date(2026, 3, 29), time(2, 30))

    assert instant == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert instant.astimezone(PARIS).time() == time(3, 0)
    assert note == ("02:30 does not exist on 2026-03-29 in Europe/Paris (clocks go forward); moved to 03:00.")


def test_spring_gap_start_moves_too():
    instant, note = to_utc(date(2026, 3, 29), time(2, 0))

    assert instant == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert "moved to 03:00" in note


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (time(1, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (time(3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (time(10, 0), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
    ],
)
def test_spring_day_outside_gap_has_no_note(slot, expected):
    assert to_utc(date(2026, 3, 29), slot) == (expected, "")


def test_autumn_repeat_takes_first_occurrence():
    instant, note = to_utc(date(2026, 10, 25), time(2, 30))

    # The first 02:30 is still summer time (UTC+2); the second would be 01:30 UTC.
    assert instant == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert note == (
        "02:30 occurs twice on 2026-10-25 in Europe/Paris (clocks go back); the first occurrence is used."
    )


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (time(1, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
        (time(3, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
        (time(10, 0), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    ],
)
def test_autumn_day_outside_repeat_has_no_note(slot, expected):
    assert to_utc(date(2026, 10, 25), slot) == (expected, "")


def test_other_zone_is_respected():
    instant, note = to_utc(date(2026, 3, 8), time(2, 30), zoneinfo.ZoneInfo("America/New_York"))

    assert instant == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert "moved to 03:00" in note
