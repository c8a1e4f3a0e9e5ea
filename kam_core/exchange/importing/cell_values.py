"""Reading cells: the values of one column of a file, as CRMs and Excel write them.

Reading cells. Empty cells and placeholders ("", "n/a", "N/A", "#N/A", "-", "—"; for numbers,
dates and yes/no also "na", "nan", "null", "none") are empty, and **an empty cell never erases
stored data**: an update only overwrites the fields that are mapped and filled in the file.
Numbers accept a decimal comma or point, thousands separated by spaces (also U+00A0 and U+202F),
apostrophes, points or commas ("1 250,5", "1.250,50", "1,250.50"), a currency sign or code
("€ 1 200", "1200 EUR"), a percent sign where a percentage is expected ("12.5%"), an
exponent ("1.2E+06") and accounting negatives ("(1 200)", then refused wherever a negative is not
allowed). A value such as "1,250" or "1.250" is ambiguous: the column decides, from its other
values (a value like "3,5" shows a decimal comma, "1,250,000" a point), else from the file (a
";"-separated file uses a decimal comma). A percentage column whose values all lie between 0 and
1 (Excel's percent cells, HubSpot's deal probability) is read as fractions: 0.25 is 25 %.
Dates: ISO (2026-03-31, with or without a time), 2026/03/31, 31/03/2026, 31.03.2026, 31-03-26,
and 03/31/2026 when the column shows a value above 12 in second position (day-first by default;
a column holding both orders refuses the values it cannot decide, ambiguous_date; a value valid
in no order does not vote; an undecided column of a ","-separated file with decimal points is
month-first, date_order_guessed {order} warning on the values read on that guess), and Excel
date cells. Digit groups separated by spaces or apostrophes must be 3 digits ("1 2,5":
number_format). Texts are stripped and kept as they are: a text starting with = + - @ is plain
text, never evaluated. A text longer than its field allows refuses the row (text_length
{min, max}); nothing is ever truncated.

The words of the CRMs are read here too: countries, statuses, buying roles and kinds of lines.
"""

from __future__ import annotations

import gettext
import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import lru_cache

import pycountry

from kam_core.exchange.import_synonyms import fold_header
from kam_core.exchange.importing.model import DATE_MAX, DATE_MIN
from kam_core.programme.countries import COUNTRY_CODES, country_name
from kam_core.store.models import BUYING_ROLES


class _Bad:
    """A cell that cannot be read for its target: the problem's code and params."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params


_TEXT_PLACEHOLDERS = frozenset({"n/a", "#n/a", "-", "--", "—", "–"})
_VALUE_PLACEHOLDERS = _TEXT_PLACEHOLDERS | frozenset({"na", "nan", "null", "none", "n.a.", "#na"})


def _text(raw) -> str | None:
    """A cell as text, stripped; None when empty or a placeholder."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        return None if not text or text.casefold() in _TEXT_PLACEHOLDERS else text
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip() or None


def _text_column(cells: Sequence) -> list:
    """``_text`` of every cell, with a fast path for text cells."""
    values = []
    append = values.append
    for cell in cells:
        if cell.__class__ is str:
            text = cell.strip()
            append(text if text and (len(text) > 4 or text.casefold() not in _TEXT_PLACEHOLDERS) else None)
        else:
            append(_text(cell))
    return values


def _shown(raw) -> str | None:
    """A cell as the problem reports it."""
    if raw is None:
        return None
    return raw if isinstance(raw, str) else _text(raw)


def _is_placeholder(text: str) -> bool:
    return text.casefold() in _VALUE_PLACEHOLDERS


_NUMBER_FAST = re.compile(r"-?\d+(?:\.(?:\d{1,2}|\d{4,}))?")
# 1 250,5 and 12,50: French Excel's numbers, as unambiguous as the fast path (spaces group thousands)
_NUMBER_FRENCH = re.compile(r"-?(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?|\d+,(?:\d{1,2}|\d{4,}))")
_FRENCH_TO_POINT = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "\u2009": None, ",": "."})
_NUMBER_BODY = re.compile(r"\d[\d.,]*|[.,]\d+")
_EXPONENT = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d+")
_CURRENCIES = "EUR|USD|GBP|CHF|CAD|AUD|JPY|CNY|SEK|NOK|DKK|PLN|CZK|HUF"
_CURRENCY_START = re.compile(rf"^(?:[€$£¥]|(?:{_CURRENCIES})(?![A-Za-z]))\s*", re.IGNORECASE)
_CURRENCY_END = re.compile(rf"\s*(?:[€$£¥]|(?<![A-Za-z])(?:{_CURRENCIES}))$", re.IGNORECASE)
_DIGIT_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009\u2007\u2008'’\t")
_MINUS = ("-", "−", "–")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009\u2007\u2008'’\t]\d{3})+(?:[.,]\d*)?")


class _Ambiguous:
    """ "1,250" or "1.250": a decimal or a thousands separator, as the column decides."""

    __slots__ = ("whole", "digits", "separator", "sign")

    def __init__(self, whole: str, digits: str, separator: str, sign: float) -> None:
        self.whole, self.digits, self.separator, self.sign = whole, digits, separator, sign

    def value(self, decimal: str) -> float:
        text = f"{self.whole}.{self.digits}" if self.separator == decimal else self.whole + self.digits
        return self.sign * float(text)


def _grouped(text: str, separator: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", text) is not None


def _read_number(text: str):
    """(value, decimal seen: "," "." or None, had a percent sign), an _Ambiguous, a _Bad or None."""
    text = text.strip()
    if _NUMBER_FAST.fullmatch(text):
        return float(text), ("." if "." in text else None), False
    if not text or _is_placeholder(text):
        return None
    sign, percent = 1.0, False
    body = text
    if body.startswith("(") and body.endswith(")"):
        sign, body = -1.0, body[1:-1].strip()
    if body.endswith("%"):
        percent, body = True, body[:-1].strip()
    for _ in range(2):
        body = _CURRENCY_END.sub("", _CURRENCY_START.sub("", body))
        if body.startswith(_MINUS):
            sign, body = -sign, body[1:].strip()
        elif body.startswith("+"):
            body = body[1:].strip()
        elif body.endswith("-"):  # 1200- (accounting exports)
            sign, body = -sign, body[:-1].strip()
    if body != body.translate(_DIGIT_GROUPING) and not _SPACE_GROUPED.fullmatch(body):
        return _Bad("number_format")  # "1 2,5": groups of thousands are 3 digits
    body = body.translate(_DIGIT_GROUPING)
    if _EXPONENT.fullmatch(body):
        return sign * float(body.replace(",", ".")), None, percent
    if not _NUMBER_BODY.fullmatch(body):
        return _Bad("number_format")
    commas, points = body.count(","), body.count(".")
    if commas and points:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        whole, _, digits = body.rpartition(decimal)
        if digits and not digits.isdigit() or not (_grouped(whole, grouping) or whole.isdigit()):
            return _Bad("number_format")
        return sign * float(whole.replace(grouping, "") + "." + digits), decimal, percent
    separator = "," if commas else "." if points else None
    if separator is None:
        return sign * float(body), None, percent
    count = commas or points
    if count > 1:
        if not _grouped(body, separator):
            return _Bad("number_format")
        return sign * float(body.replace(separator, "")), ("." if separator == "," else ","), percent
    whole, _, digits = body.partition(separator)
    if len(digits) == 3 and whole and len(whole) <= 3 and whole != "0" and not percent:
        return _Ambiguous(whole, digits, separator, sign)
    return sign * float(f"{whole or '0'}.{digits or '0'}"), separator, percent


def _number_column(cells: Sequence, default_decimal: str, percent: bool, seen: dict | None = None) -> list:
    """Every cell of a number column read: float, None or _Bad. "12.5%" only where a percentage
    is expected; a percentage column of fractions (all within 0..1) is scaled to 0..100."""
    values: list = []
    votes = {",": 0, ".": 0}
    ambiguous: list[int] = []
    percent_signs = False
    fast, french = _NUMBER_FAST.fullmatch, _NUMBER_FRENCH.fullmatch
    for cell in cells:
        if cell.__class__ is str and fast(cell):
            values.append(float(cell))
            if "." in cell:
                votes["."] += 1
        elif cell.__class__ is str and french(cell):
            values.append(float(cell.translate(_FRENCH_TO_POINT)))
            if "," in cell:
                votes[","] += 1
        elif cell is None:
            values.append(None)
        elif isinstance(cell, bool):
            values.append(_Bad("number_format"))
        elif isinstance(cell, (int, float)):
            values.append(float(cell) if math.isfinite(cell) else _Bad("number_format"))
        elif isinstance(cell, str):
            read = _read_number(cell)
            if isinstance(read, tuple):
                value, decimal, had_percent = read
                if had_percent and not percent:
                    values.append(_Bad("number_format"))
                    continue
                percent_signs = percent_signs or had_percent
                if decimal is not None:
                    votes[decimal] += 1
                values.append(value if math.isfinite(value) else _Bad("number_format"))
            else:
                if isinstance(read, _Ambiguous):
                    ambiguous.append(len(values))
                values.append(read)
        else:
            values.append(_Bad("number_format"))
    if seen is not None:  # the decimal separators the column shows, for the file's look
        seen[","] = seen.get(",", 0) + votes[","]
        seen["."] = seen.get(".", 0) + votes["."]
    if ambiguous:
        decimal = "," if votes[","] > votes["."] else "." if votes["."] > votes[","] else default_decimal
        for index in ambiguous:
            values[index] = values[index].value(decimal)
    if percent and not percent_signs:
        numbers = [value for value in values if isinstance(value, float)]
        if numbers and all(0 <= value <= 1 for value in numbers) and any(0 < value < 1 for value in numbers):
            values = [value * 100 if isinstance(value, float) else value for value in values]
    return values


_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_DAY_OR_MONTH_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int):
    try:
        value = date(year, month, day)
    except ValueError:
        return _Bad("not_a_date")
    if not DATE_MIN <= value <= DATE_MAX:
        return _Bad("date_range", min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
    return value


def _date_column(cells: Sequence, us_file: bool = False, guessed: set | None = None) -> list:
    """Every cell of a date column read: date, None or _Bad. a/b/yyyy is day-first unless the
    column shows a day above 12 in second position (then month-first); a column showing both
    refuses the values it cannot decide (ambiguous_date). Only a value valid in one order votes
    (13/14/2026 does not). A column no value decides, in a file that looks American (``us_file``),
    is month-first: the positions of the values read on that guess go in ``guessed``."""
    values: list = []
    pending: list[tuple[int, int, int, int, str]] = []
    day_first_seen = month_first_seen = False
    cache: dict[str, object] = {}
    for cell in cells:
        if cell is None:
            values.append(None)
        elif isinstance(cell, (datetime, date)):
            values.append(_make_date(cell.year, cell.month, cell.day))
        elif isinstance(cell, str):
            text = cell.strip()
            known = cache.get(text)
            if known is not None:
                if isinstance(known, tuple):
                    pending.append((len(values), *known))
                    values.append(None)
                else:
                    values.append(known)
                continue
            if not text or _is_placeholder(text):
                values.append(None)
                continue
            match = _YEAR_FIRST.fullmatch(text)
            if match:
                read = _make_date(int(match[1]), int(match[3]), int(match[4]))
                cache[text] = read
                values.append(read)
                continue
            match = _DAY_OR_MONTH_FIRST.fullmatch(text)
            if match is None:
                cache[text] = _Bad("not_a_date")
                values.append(cache[text])
                continue
            first, second, year = int(match[1]), int(match[3]), _year(match[4])
            day_first_seen = day_first_seen or (12 < first <= 31 and second <= 12) or match[2] == "."
            month_first_seen = month_first_seen or (12 < second <= 31 and first <= 12)
            cache[text] = (first, second, year, text)
            pending.append((len(values), first, second, year, text))
            values.append(None)
        else:
            values.append(_Bad("not_a_date"))
    order = "mdy" if month_first_seen and not day_first_seen else "dmy" if not month_first_seen else "mixed"
    if us_file and not month_first_seen and not day_first_seen:
        order = "mdy"
        if guessed is not None:
            guessed.update(
                index
                for index, first, second, _year_value, _text_value in pending
                if first <= 12 and second <= 12 and first != second
            )
    made: dict[tuple[int, int, int], object] = {}  # a file repeats its dates: one object each
    for index, first, second, year, _text_value in pending:
        if order == "mixed" and first <= 12 and second <= 12 and first != second:
            values[index] = _Bad("ambiguous_date")
            continue
        ymd = (year, first, second) if order == "mdy" or (order == "mixed" and second > 12) else (year, second, first)
        value = made.get(ymd)
        if value is None:
            value = made[ymd] = _make_date(*ymd)
        values[index] = value
    return values


_TRUE = frozenset({"true", "yes", "y", "1", "x", "oui", "o", "vrai", "won", "closed", "wahr", "ja"})
_FALSE = frozenset({"false", "no", "n", "0", "non", "faux", "open", "falsch", "nein"})


def _bool_column(cells: Sequence) -> list:
    values: list = []
    for cell in cells:
        if cell is None:
            values.append(None)
        elif isinstance(cell, bool):
            values.append(cell)
        elif isinstance(cell, (int, float)) and cell in (0, 1):
            values.append(bool(cell))
        elif isinstance(cell, str):
            text = cell.strip().casefold()
            if not text or text in _VALUE_PLACEHOLDERS:
                values.append(None)
            elif text in _TRUE:
                values.append(True)
            elif text in _FALSE:
                values.append(False)
            else:
                values.append(_Bad("choice", choices=["true", "false"]))
        else:
            values.append(_Bad("choice", choices=["true", "false"]))
    return values


# --- words: countries, statuses, roles, kinds of lines ------------------------------------------

_COUNTRY_ALIASES = {
    "uk": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "angleterre": "GB",
    "grandebretagne": "GB",
    "ecosse": "GB",
    "paysdegalles": "GB",
    "america": "US",
    "unitedstatesofamerica": "US",
    "etatsunisdamerique": "US",
    "russia": "RU",
    "russie": "RU",
    "turkey": "TR",
    "turquie": "TR",
    "ivorycoast": "CI",
    "holland": "NL",
    "hollande": "NL",
    "czechrepublic": "CZ",
    "republiquetcheque": "CZ",
    "uae": "AE",
    "eau": "AE",
    "southkorea": "KR",
    "korea": "KR",
    "coree": "KR",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "syrie": "SY",
    "iran": "IR",
    "bolivie": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "tanzanie": "TZ",
    "moldova": "MD",
    "moldavie": "MD",
}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    names: dict[str, str] = {}
    for code in COUNTRY_CODES:
        country = pycountry.countries.get(alpha_2=code)
        variants = {country_name(code, "en"), country_name(code, "fr"), country.name}
        for attribute in ("official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                variants |= {value, french.gettext(value)}
        variants.add(french.gettext(country.name))
        for variant in variants:
            names.setdefault(fold_header(variant), code)
        names.setdefault(fold_header(country.alpha_3), code)
    for alias, code in _COUNTRY_ALIASES.items():
        names.setdefault(alias, code)
    return names


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code of a country given as an alpha-2 or alpha-3 code or an English or
    French name (capitals, accents and punctuation not counting); None when unknown."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.upper() in COUNTRY_CODES:
        return cleaned.upper()
    code = _country_names().get(fold_header(cleaned))
    if code is not None:
        return code
    try:
        return pycountry.countries.lookup(cleaned).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=1024)
def _status(text: str) -> str | None:
    key = fold_header(text)
    if key in ("prospect", "active", "archived"):
        return key
    if key.startswith(("customer", "client", "actif", "active", "current", "existingcustomer")):
        return "active"
    if key.startswith(
        ("prospect", "lead", "suspect", "subscriber", "marketingqualified", "salesqualified", "opportunit")
    ) or key in ("mql", "sql", "piste"):
        return "prospect"
    if key.startswith(
        (
            "inactive",
            "inactif",
            "former",
            "ancien",
            "exclient",
            "excustomer",
            "archiv",
            "churn",
            "lost",
            "perdu",
            "closed",
            "ferme",
            "dormant",
        )
    ):
        return "archived"
    return None


_ROLES = {
    "decision_maker": ("decisionmaker", "decideur", "decisionnaire", "economicdecisionmaker", "dm"),
    "approver": (
        "approver",
        "approbateur",
        "validateur",
        "budgetholder",
        "economicbuyer",
        "executivesponsor",
        "signataire",
        "signatory",
    ),
    "influencer": (
        "influencer",
        "influenceur",
        "prescripteur",
        "evaluator",
        "evaluateur",
        "technicalbuyer",
        "technicalevaluator",
        "expert",
    ),
    "user": ("user", "enduser", "businessuser", "utilisateur", "utilisateurfinal"),
    "buyer": ("buyer", "purchaser", "procurement", "acheteur", "achats", "purchasing", "acheteuse"),
    "gatekeeper": ("gatekeeper", "filtre", "barrage", "legalandcompliance", "legal", "juridique"),
    "champion": ("champion", "coach", "mentor", "allie", "ally"),
}
_ROLE_WORDS = {word: role for role, words in _ROLES.items() for word in words} | {
    fold_header(role): role for role in BUYING_ROLES
}

_WON = frozenset({"won", "closedwon", "gagne", "gagnee", "signe", "signee", "signed", "win", "booked"})
_LOST = frozenset(
    {
        "lost",
        "closedlost",
        "perdu",
        "perdue",
        "canceled",
        "cancelled",
        "outsold",
        "annule",
        "annulee",
        "abandonne",
        "abandonnee",
    }
)
_INVOICE = frozenset({"invoice", "invoiced", "facture", "facturee", "billed", "invoices", "factures"})
_OPEN = frozenset(
    {"opportunity", "opportunite", "open", "ouvert", "ouverte", "pipeline", "opp", "encours", "forecast", "prevision"}
)


@lru_cache(maxsize=1024)
def _line_kind(text: str | None) -> str | None:
    """won / invoice / opportunity / lost from a kind or stage text; None when it says none of them."""
    if text is None:
        return None
    key = fold_header(text)
    if key in _WON or key.startswith("closedwon"):
        return "won"
    if key in _LOST or key.startswith("closedlost"):
        return "lost"
    if key in _INVOICE:
        return "invoice"
    if key in _OPEN:
        return "opportunity"
    return None
