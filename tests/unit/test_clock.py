"""The programme's day: pinned by KAM_TODAY, else the real clock's date in KAM_TIMEZONE (the server's zone by
default). Every case hands ``today`` its own instant, so nothing here reads the machine's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from kam_core.common import clock
from kam_core.programme.periods import period_of

# 23:30 UTC on the last evening of the year: already New Year's Day east of UTC, still 31 December west of it
NEW_YEARS_EVE_UTC = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def real_clock(monkeypatch):
    """Unpin the day for one test (the suite pins KAM_TODAY for every other test)."""
    monkeypatch.delenv("KAM_TODAY", raising=False)
    monkeypatch.delenv("KAM_TIMEZONE", raising=False)
    return monkeypatch


def test_a_pinned_day_wins_over_any_clock(monkeypatch):
    monkeypatch.setenv("KAM_TODAY", "2028-02-29")
    monkeypatch.setenv("KAM_TIMEZONE", "Pacific/Kiritimati")
    assert clock.today(NEW_YEARS_EVE_UTC) == date(2028, 2, 29)
    assert clock.today() == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Paris", date(2027, 1, 1)),  # UTC+1: 00:30 on New Year's Day
        ("Pacific/Kiritimati", date(2027, 1, 1)),  # UTC+14
        ("UTC", date(2026, 12, 31)),
        ("America/New_York", date(2026, 12, 31)),  # UTC-5: 18:30
        ("Pacific/Pago_Pago", date(2026, 12, 31)),  # UTC-11
    ],
)
def test_the_day_turns_at_the_programmes_midnight_not_the_servers(real_clock, zone, expected):
    real_clock.setenv("KAM_TIMEZONE", zone)
    assert clock.today(NEW_YEARS_EVE_UTC) == expected


def test_the_quarter_follows_the_programmes_day(real_clock):
    # a Paris programme on a UTC server at 23:30 UTC on 31 December is already in the first quarter of 2027
    real_clock.setenv("KAM_TIMEZONE", "Europe/Paris")
    assert period_of(clock.today(NEW_YEARS_EVE_UTC)) == "2027-Q1"
    real_clock.setenv("KAM_TIMEZONE", "UTC")
    assert period_of(clock.today(NEW_YEARS_EVE_UTC)) == "2026-Q4"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Paris", date(2027, 1, 1)), ("UTC", date(2026, 12, 31)), ("America/New_York", date(2026, 12, 31))],
)
def test_the_real_clock_is_read_in_the_programmes_zone(real_clock, zone, expected):
    real_clock.setenv("KAM_TIMEZONE", zone)
    with time_machine.travel(NEW_YEARS_EVE_UTC, tick=False):
        assert clock.today() == expected


def test_a_naive_instant_is_the_servers_local_time(real_clock):
    # without KAM_TIMEZONE the server's zone is the programme's: a naive instant is taken as it is
    assert clock.today(datetime(2028, 2, 29, 23, 59)) == date(2028, 2, 29)
    # an aware instant is read in the server's zone, whatever that zone is on the machine running the test
    instant = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert clock.today(instant) == instant.astimezone().date()


def test_the_real_clock_gives_a_day_within_a_day_of_utc(real_clock):
    # holds on every day, in every zone (UTC-12 to UTC+14): the programme's day is the UTC day, or a neighbour
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12", "Europe/Paris"):
        real_clock.setenv("KAM_TIMEZONE", zone)
        before = datetime.now(UTC).date()
        day = clock.today()
        after = datetime.now(UTC).date()
        assert before - timedelta(days=1) <= day <= after + timedelta(days=1)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KAM_TODAY", "26/11/2026"),
        ("KAM_TODAY", "2026-02-30"),
        ("KAM_TIMEZONE", "Mars/Olympus_Mons"),
        ("KAM_TIMEZONE", "../etc/passwd"),
    ],
)
def test_a_setting_that_is_not_a_date_or_a_zone_is_named(real_clock, variable, value):
    real_clock.setenv(variable, value)
    with pytest.raises(clock.ClockSettingError) as refused:
        clock.today(NEW_YEARS_EVE_UTC)
    assert (refused.value.variable, refused.value.value) == (variable, value)
    assert variable in str(refused.value) and value in str(refused.value)
