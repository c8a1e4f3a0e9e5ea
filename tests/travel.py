"""The tests' clock, moved: run the suite as if it were another day, in another time zone.

``KAM_TEST_MOMENT=2027-12-31T23:57:00 KAM_TEST_ZONE=Pacific/Kiritimati pytest tests`` starts the tests'
clock at that local time in that zone (``time.time``, ``datetime.now``, ``date.today``,
``time.localtime`` and the ``TZ`` variable, through time-machine) and lets it run on from there, so a
run that starts a few minutes before midnight crosses into the next day, month or year while it runs.
The monotonic clocks (timeouts, waits) are left alone. ``make test-calendar`` runs the suite this way
on the days that break date code: the 1st of a month, New Year's Eve, the 29th of February.

A streamlit server that the browser tests start is moved too: ``python -m tests.travel MODULE ARGS...``
runs MODULE with the clock set to the moment the parent process has reached (``server_command``). The
command-line children a few tests start (crash safety, memory) inherit the zone (TZ), not the moment.

Without ``KAM_TEST_MOMENT`` nothing is moved. libfaketime was tried first: under Python 3.11 it hangs
every ``threading.Event.wait`` with a timeout, which streamlit and pytest-timeout rely on.
"""

from __future__ import annotations

import os
import runpy
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

MOMENT, ZONE = "KAM_TEST_MOMENT", "KAM_TEST_ZONE"
_traveller = None


def moment_from_environment() -> datetime | None:
    """The moment KAM_TEST_MOMENT names, in KAM_TEST_ZONE (UTC by default); None when not set."""
    text = os.environ.get(MOMENT, "").strip()
    if not text:
        return None
    zone = ZoneInfo(os.environ.get(ZONE, "").strip() or "UTC")
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def start_from_environment() -> datetime | None:
    """Move this process's clock to KAM_TEST_MOMENT (once); returns the moment, or None."""
    global _traveller
    moment = moment_from_environment()
    if moment is None or _traveller is not None:
        return moment
    import time_machine  # a test dependency only: imported when the clock is to move

    _traveller = time_machine.travel(moment, tick=True)  # a ZoneInfo moment also sets TZ (and tzset)
    _traveller.start()
    return moment


def server_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment that start ``python -m module args`` on this process's clock:
    the moment reached now, so the server and the tests read the same time."""
    if moment_from_environment() is None:
        return [sys.executable, "-m", module, *args], {}
    now = datetime.now(ZoneInfo(os.environ.get(ZONE, "").strip() or "UTC"))
    return [sys.executable, "-m", "tests.travel", module, *args], {MOMENT: now.replace(tzinfo=None).isoformat()}


if __name__ == "__main__":  # python -m tests.travel MODULE ARGS...: MODULE on the moved clock
    start_from_environment()
    module, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
