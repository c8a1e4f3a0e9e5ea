"""Quarters ("2026-Q3") as the unit of scoring periods."""

from __future__ import annotations

import re
from datetime import date

_PERIOD = re.compile(r"([0-9]{4})-Q([1-4])")  # ASCII digits; matched whole (fullmatch): no "\n" after it


def period_of(day: date) -> str:
    """The quarter a day falls in: date(2026, 11, 26) -> '2026-Q4'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def is_period(text) -> bool:
    """Whether ``text`` is a period code, exactly: anything else (None, a number, "2026-Q4\\n") is not."""
    return isinstance(text, str) and _PERIOD.fullmatch(text) is not None


def shift_period(period: str, quarters: int) -> str:
    """Move a period by a number of quarters: shift_period('2026-Q1', -1) -> '2025-Q4'."""
    match = _PERIOD.fullmatch(period)
    if not match:
        raise ValueError(f"not a period: {period!r}")
    index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def period_start(period: str) -> date:
    match = _PERIOD.fullmatch(period)
    if not match:
        raise ValueError(f"not a period: {period!r}")
    return date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)
