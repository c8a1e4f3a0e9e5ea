"""Today's date, in one place, so tests and demos can pin it (KAM_TODAY=2026-11-26)."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    pinned = os.environ.get("KAM_TODAY", "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()
