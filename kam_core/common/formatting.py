"""How numbers, dates, months and quarters read on screen, in English or French.

The one place they are formatted, from CLDR's data through Babel: the app's "en" is British
English ("26 Nov 2026", "€20,030,000"), its "fr" is French of France ("26 nov. 2026",
"20 030 000 €", "86 %"). French groups thousands with a narrow no-break space (U+202F) and puts a
no-break space (U+00A0) before "%" and "€", as CLDR says: a French line never breaks inside a number.
Charts get the same conventions as a Vega locale (``vega_locale``)."""

from __future__ import annotations

import copy
import math
import re
from datetime import UTC, date, datetime
from functools import cache

import numpy as np
from babel import Locale
from babel import dates as _dates
from babel import numbers as _numbers

LOCALES = {"en": "en_GB", "fr": "fr_FR"}  # the app's languages as Babel locales
MISSING = "–"  # what a missing value reads as
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")  # a stored period code ("2026-Q4", programme.periods)


def locale_of(language: str) -> str:
    """The Babel locale of an app language; English for anything else."""
    return LOCALES.get(language, LOCALES["en"])


def currency_symbol(currency: str) -> str:
    return _SYMBOLS.get(currency, currency)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _decimal(value: float, language: str, pattern: str | None = None) -> str:
    return _numbers.format_decimal(value, format=pattern, locale=locale_of(language))


def money(value: float | None, currency: str = "EUR", language: str = "en") -> str:
    """Compact money: 12_400_000 -> '€12.4M' (en) or '12,4 M€' (fr)."""
    if _missing(value):
        return MISSING
    symbol = _SYMBOLS.get(currency, currency)
    sign = "-" if value < 0 else ""
    size = abs(value)
    for threshold, suffix_en, suffix_fr in ((1e9, "B", "Md"), (1e6, "M", "M"), (1e3, "k", "k")):
        if size >= threshold:
            figure = _decimal(round(size / threshold, 1), language, "0.0")
            if language == "fr":
                return f"{sign}{figure}\u00a0{suffix_fr}{symbol}"
            return f"{sign}{symbol}{figure}{suffix_en}"
    figure = _decimal(round(size), language, "0")
    return f"{sign}{figure}\u00a0{symbol}" if language == "fr" else f"{sign}{symbol}{figure}"


def amount(value: float | None, currency: str = "EUR", language: str = "en") -> str:
    """Money in full, to the unit: 20_030_000 -> '€20,030,000' (en) or '20 030 000 €' (fr)."""
    if _missing(value):
        return MISSING
    pattern = _whole_currency_pattern(language)
    return _numbers.format_currency(round(value), currency, pattern, currency_digits=False, locale=locale_of(language))


@cache
def _whole_currency_pattern(language: str) -> str:
    pattern = Locale.parse(locale_of(language)).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "")


def percent(value: float | None, language: str = "en", digits: int = 0) -> str:
    """A percentage given as 0-100: 42.0 -> '42%' (en) or '42 %' (fr)."""
    if _missing(value):
        return MISSING
    return _numbers.format_percent(value / 100.0, format=_percent_pattern(language, digits), locale=locale_of(language))


@cache
def _percent_pattern(language: str, digits: int) -> str:
    """The locale's percent pattern ('#,##0%', '#,##0\u00a0%') with ``digits`` decimals."""
    pattern = Locale.parse(locale_of(language)).percent_formats[None].pattern.split(";")[0]
    return re.sub(r"([#,0]*0)", lambda m: m.group(1) + "." + "0" * digits, pattern, count=1) if digits > 0 else pattern


def ratio(share: float | None, language: str = "en") -> str:
    """A share given as 0-1: 0.42 -> '42%'."""
    return percent(None if _missing(share) else 100.0 * share, language)


def day(value: date | None, language: str = "en") -> str:
    """'26 Nov 2026' / '26 nov. 2026'."""
    if value is None:
        return MISSING
    return _dates.format_date(value, "d MMM y", locale=locale_of(language))


def month(value: date | None, language: str = "en") -> str:
    """A month as a chart or a table shows it: 'Jul 2026' / 'juil. 2026'."""
    if value is None:
        return MISSING
    return _dates.format_date(value, "MMM y", locale=locale_of(language))


def quarter(code: str | None, language: str = "en") -> str:
    """A stored period code as text: '2026-Q4' -> 'Q4 2026' (en) or 'T4 2026' (fr, trimestre).
    Anything that is not a period code is given back as it is."""
    if code is None:
        return MISSING
    match = _QUARTER.fullmatch(code) if isinstance(code, str) else None
    if not match:
        return code
    first_month = (int(match.group(2)) - 1) * 3 + 1
    return _dates.format_date(date(int(match.group(1)), first_month, 1), "QQQ y", locale=locale_of(language))


def moment(value: datetime | None, language: str = "en") -> str:
    """A stored time (UTC) as '26 Nov 2026, 14:03 UTC'; naive values are taken as UTC."""
    if value is None:
        return MISSING
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{day(value.date(), language)}, {value:%H:%M} UTC"


def score(value: float | None, language: str = "en") -> str:
    return MISSING if _missing(value) else _decimal(value, language, "0.0")


def number(value: float | None, language: str = "en") -> str:
    """A plain number without needless decimals, its thousands grouped: 25.0 -> '25', 7.5 -> '7.5'
    (en) or '7,5' (fr), 4320 -> '4,320' / '4 320'."""
    return MISSING if _missing(value) else _decimal(value, language, "#,##0.###")


def grouped(value: float | None, language: str = "en") -> str:
    """A number in full with its thousands grouped and at most two decimals:
    1250000.5 -> '1,250,000.5' (en) or '1 250 000,5' (fr, narrow no-break spaces)."""
    return MISSING if _missing(value) else _decimal(value, language, "#,##0.##")


def typed(value: float | None, language: str = "en") -> str:
    """A number as a cell to edit holds it, for a user to type over: in full (the shortest text that
    reads back as the same float: nothing is lost by a row left untouched), the locale's decimal sign,
    no grouping: 14.9 -> '14.9' (en) or '14,9' (fr), 28226000.0 -> '28226000'. What
    ``kam_core.common.cells`` reads back ('7,5' and '7.5'); '' when missing."""
    if _missing(value):
        return ""
    text = np.format_float_positional(float(value), unique=True, trim="-")  # never "1e+20"
    return text.replace(".", _numbers.get_decimal_symbol(locale_of(language)))


@cache
def _vega_locale(language: str, currency: str) -> tuple:
    """(number, time) locale definitions of d3-format and d3-time-format, from CLDR."""
    code = locale_of(language)
    locale = Locale.parse(code)
    symbol = _SYMBOLS.get(currency, currency)
    whole = _whole_currency_pattern(language)
    before = whole.startswith("¤")
    space = "\u00a0" if "\u00a0¤" in whole or " ¤" in whole else ""
    number = {
        "decimal": _numbers.get_decimal_symbol(code),
        "thousands": _numbers.get_group_symbol(code),
        "grouping": [3],
        "currency": [symbol, ""] if before else ["", f"{space}{symbol}"],
        "minus": _numbers.get_minus_sign_symbol(code),
        "percent": _percent_pattern(language, 0).rsplit("0", 1)[1],
    }
    sunday_first = (6, 0, 1, 2, 3, 4, 5)
    time = {
        "dateTime": "%a %e %b %Y %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": [locale.days["format"]["wide"][i] for i in sunday_first],
        "shortDays": [locale.days["format"]["abbreviated"][i] for i in sunday_first],
        "months": [locale.months["format"]["wide"][i] for i in range(1, 13)],
        "shortMonths": [locale.months["format"]["abbreviated"][i] for i in range(1, 13)],
    }
    return number, time


def vega_locale(language: str = "en", currency: str = "EUR") -> dict:
    """The Vega/Vega-Lite ``config.locale`` of a language: a chart's axes, legends and tooltips then
    write months ("juil. 2026" for ``%b %Y``), decimals, thousands, "%" and the currency (``$``
    in a d3 format) the way ``day``, ``grouped``, ``percent`` and ``amount`` do."""
    number, time = _vega_locale(language, currency)
    return copy.deepcopy({"number": number, "time": time})  # the cached definitions stay as they are


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
