"""Today's date, in one place: the programme's day, which tests and demos can pin.

- ``KAM_TODAY=2026-11-26`` pins the day (demos, tests, the benchmark).
- ``KAM_TIMEZONE=Europe/Paris`` (an IANA name) says in which time zone the programme lives, so "today"
  turns at the programme's midnight, not at the server's: a server kept on UTC serving a room in Paris
  would otherwise show yesterday's date, quarter and "days since" until 01:00 Paris time. Without it,
  the server's own time zone is the programme's.

Stored times (``updated_at``, the history of changes) stay in UTC and are shown with "UTC".
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kam_core.common.formatting import quoted


class ClockSettingError(ValueError):
    """KAM_TODAY or KAM_TIMEZONE holds something that is not a date or a time zone."""

    def __init__(self, variable: str, value: str) -> None:
        self.variable, self.value = variable, quoted(value)  # quoted back: at most QUOTE_MAX characters
        allowed = (
            "a date as YYYY-MM-DD, e.g. 2026-11-26"
            if variable == "KAM_TODAY"
            else "an IANA time zone name, e.g. Europe/Paris or UTC"
        )
        super().__init__(f"{variable}={self.value!r} is not {allowed}")


def programme_zone() -> tzinfo | None:
    """The programme's time zone (KAM_TIMEZONE), or None for the server's own."""
    name = os.environ.get("KAM_TIMEZONE", "").strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ClockSettingError("KAM_TIMEZONE", name) from error


def check_settings() -> None:
    """Raises ClockSettingError when KAM_TODAY or KAM_TIMEZONE does not parse (both are checked, even when a
    pinned day would make the zone unused): the app and the command line refuse to start on them."""
    programme_zone()
    today()


def today(now: datetime | None = None) -> date:
    """The programme's day: KAM_TODAY when pinned, else the date of ``now`` (the real clock's by default)
    in the programme's time zone."""
    pinned = os.environ.get("KAM_TODAY", "").strip()
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError as error:
            raise ClockSettingError("KAM_TODAY", pinned) from error
    zone = programme_zone()
    if now is None:
        return datetime.now(zone).date() if zone is not None else date.today()
    if zone is not None:
        return (now if now.tzinfo is not None else now.astimezone()).astimezone(zone).date()
    return (now.astimezone() if now.tzinfo is not None else now).date()


def now() -> datetime:
    """The moment, in UTC: what stored times are written with and compared to (a workshop's timer runs
    from the times stored on the server, never from a browser's clock)."""
    return datetime.now(UTC)
