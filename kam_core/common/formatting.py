"""How numbers and dates read on screen, in English or French."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def currency_symbol(currency: str) -> str:
    return _SYMBOLS.get(currency, currency)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _decimal(text: str, language: str) -> str:
    return text.replace(".", ",") if language == "fr" else text


def money(value: float | None, currency: str = "EUR", language: str = "en") -> str:
    """Compact money: 12_400_000 -> '€12.4M' (en) or '12,4 M€' (fr)."""
    if _missing(value):
        return "–"
    symbol = _SYMBOLS.get(currency, currency)
    for threshold, suffix_en, suffix_fr in ((1e9, "B", "Md"), (1e6, "M", "M"), (1e3, "k", "k")):
        if abs(value) >= threshold:
            number = _decimal(f"{value / threshold:.1f}", language)
            return f"{number} {suffix_fr}{symbol}" if language == "fr" else f"{symbol}{number}{suffix_en}"
    number = f"{value:.0f}"
    return f"{number} {symbol}" if language == "fr" else f"{symbol}{number}"


def percent(value: float | None, language: str = "en", digits: int = 0) -> str:
    """A percentage given as 0-100: 42.0 -> '42%' (en) or '42 %' (fr)."""
    if _missing(value):
        return "–"
    number = _decimal(f"{value:.{digits}f}", language)
    return f"{number} %" if language == "fr" else f"{number}%"


def ratio(share: float | None, language: str = "en") -> str:
    """A share given as 0-1: 0.42 -> '42%'."""
    return percent(None if _missing(share) else 100.0 * share, language)


def day(value: date | None, language: str = "en") -> str:
    """'26 Nov 2026' / '26 nov. 2026'."""
    if value is None:
        return "–"
    return f"{value.day} {_MONTHS[language][value.month - 1]} {value.year}"


def moment(value: datetime | None, language: str = "en") -> str:
    """A stored time (UTC) as '26 Nov 2026, 14:03 UTC'; naive values are taken as UTC."""
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{day(value.date(), language)}, {value:%H:%M} UTC"


def score(value: float | None, language: str = "en") -> str:
    return "–" if _missing(value) else _decimal(f"{value:.1f}", language)


def number(value: float | None, language: str = "en") -> str:
    """A plain number without needless decimals: 25.0 -> '25', 7.5 -> '7.5' (en) or '7,5' (fr)."""
    return "–" if _missing(value) else _decimal(f"{value:g}", language)


def grouped(value: float | None, language: str = "en") -> str:
    """A number in full with its thousands grouped and at most two decimals:
    1250000.5 -> '1,250,000.5' (en) or '1 250 000,5' (fr, narrow no-break spaces)."""
    if _missing(value):
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if language == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


QUOTE_MAX = 80  # characters of a value quoted back in a message


def quoted(value, limit: int = QUOTE_MAX):
    """A value as a message quotes it back: a text longer than ``limit`` characters cut to its first
    ones and an ellipsis ("Acme Corporation…", ``limit`` characters in all), so that a 1 MB cell
    gives a line, not a megabyte; anything else as it is."""
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def quoted_params(params: dict, limit: int = QUOTE_MAX) -> dict:
    """A message's parameters with each text, and each text of a list, ``quoted``."""
    return {
        key: type(value)(quoted(item, limit) for item in value)
        if isinstance(value, (list, tuple))
        else quoted(value, limit)
        for key, value in params.items()
    }
