"""The cell normaliser: the value one cell stands for in a column (``Column``), as it will be
stored, or ``Refused`` with the code of the problem and what the column allows. Every table of
the app goes through it (the plan's sections, the account form, the rosters, the engagements).

Empty cells (None, NaN, NaT, NA, blank text) are "nothing typed" (``is_empty``); ``plain`` gives
a cell as it may go into an error's params. Plain data: no Streamlit, no database.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

# The largest whole number an INTEGER column holds in PostgreSQL (SQLite's hold up to 2**63 - 1):
# a whole number or a reference beyond it is refused, never handed to the database to overflow.
INTEGER_MAX = 2**31 - 1
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Column:
    name: str  # model attribute
    kind: str  # "text" | "int" | "float" | "date" | "choice" | "bool" | "ref"
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    choices: tuple = ()  # for "choice"; for "ref" the choices are computed (see ref_choices)
    default: object = None  # stored when the cell is left empty (a column with a default is never "required")


class Refused(Exception):
    """A cell that cannot be stored: ``code`` and ``params`` of its FieldError (without row/value)."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_empty(raw) -> bool:
    """None, NaN, NaT, pandas NA and blank text are all "nothing typed"."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    try:
        return bool(pd.isna(raw))
    except (TypeError, ValueError):  # not a scalar
        return False


def plain(raw):
    """A cell's value as it may go into an error's params: Python scalars, None for NaN/NaT/NA."""
    if not isinstance(raw, str) and is_empty(raw):
        return None
    return raw.item() if isinstance(raw, np.generic) else raw


def _number(raw) -> float:
    """A finite number from a number or typed text ('7,5' and '7.5' both mean 7.5)."""
    if isinstance(raw, (bool, np.bool_)):
        raise ValueError(raw)
    if isinstance(raw, numbers.Real):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        value = float(text)
    else:
        raise ValueError(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _integer(raw) -> int:
    if isinstance(raw, numbers.Integral) and not isinstance(raw, (bool, np.bool_)):
        return int(raw)
    value = _number(raw)
    if not value.is_integer():
        raise ValueError(raw)
    return int(value)


def _date(raw) -> date:
    if isinstance(raw, np.datetime64):
        raw = pd.Timestamp(raw)
    if isinstance(raw, datetime):  # pandas Timestamp included
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            return datetime.fromisoformat(text).date()
    raise ValueError(raw)


_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")


def _boolean(raw) -> bool:
    if isinstance(raw, (bool, np.bool_)):
        return bool(raw)
    if isinstance(raw, numbers.Real) and float(raw) in (0.0, 1.0):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in (*_TRUE, *_FALSE):
        return raw.strip().lower() in _TRUE
    raise ValueError(raw)


def _text_value(raw) -> str:
    return raw.strip() if isinstance(raw, str) else str(plain(raw))


def _text_value_checked(raw) -> str:
    """Text as stored; a NUL character is refused: SQLite's length() stops at it (a name starting
    with one reads as blank to the database's checks) and PostgreSQL cannot store it at all."""
    value = _text_value(raw)
    if "\x00" in value:
        raise Refused("text_nul")
    return value


def _choice_value(raw):
    return raw.strip() if isinstance(raw, str) else plain(raw)


# kind -> (parser raising ValueError/TypeError, the error code of the kind)
_PARSERS: dict[str, tuple[Callable, str]] = {
    "text": (_text_value_checked, "text_length"),
    "int": (_integer, "integer_range"),
    "float": (_number, "number_range"),
    "date": (_date, "not_a_date"),
    "choice": (_choice_value, "choice"),
    "bool": (_boolean, "choice"),
    "ref": (_integer, "unknown_ref"),
}


def _allowed(column: Column, value, ref_ids: Iterable[int]) -> bool:
    if column.kind == "text":
        return column.max_length is None or len(value) <= column.max_length
    if column.kind in ("int", "float"):
        return (column.minimum is None or value >= column.minimum) and (
            column.maximum is None or value <= column.maximum
        )
    if column.kind == "choice":
        return value in column.choices
    if column.kind == "ref":
        return value in set(ref_ids)
    return True


def _limits(column: Column) -> dict:
    """What the column allows, as the params of its error."""
    if column.kind == "text":
        return {"min": 1 if column.required else 0, "max": column.max_length}
    if column.kind in ("int", "float"):
        return {"min": column.minimum, "max": column.maximum}
    if column.kind in ("choice", "bool"):
        return {"choices": list(column.choices) if column.kind == "choice" else [True, False]}
    return {}


def normalise(column: Column, raw, ref_ids: Iterable[int] = ()):
    """The value ``raw`` stands for in ``column``, as it will be stored.

    Empty cells (None, NaN, NaT, NA, blank text) give the column's default (None unless set);
    text is stripped; numbers, dates and references accept what a table editor or a caller
    hands over (numpy and pandas values, typed text with a decimal comma, ISO dates). Raises
    ``Refused`` with the code of the problem (required, text_length, integer_range,
    number_range, not_a_date, choice, unknown_ref) and what the column allows.
    """
    if is_empty(raw):
        if column.required and column.default is None:
            raise Refused("required")
        return column.default
    parse, code = _PARSERS[column.kind]
    try:
        value = parse(raw)
    except Refused:
        raise
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer too large for a float (10**400)
        raise Refused(code, **_limits(column)) from None
    if column.kind in ("int", "ref") and not -INTEGER_MAX - 1 <= value <= INTEGER_MAX:
        if column.kind == "ref":
            raise Refused(code)
        low = column.minimum if column.minimum is not None else -INTEGER_MAX - 1
        raise Refused(code, min=low, max=column.maximum if column.maximum is not None else INTEGER_MAX)
    if not _allowed(column, value, ref_ids):
        if column.kind in ("int", "float") and column.maximum is None:
            raise Refused("number_min", min=column.minimum)  # "{value} is below {min}", not "to None"
        raise Refused(code, **_limits(column))
    return value


# --- one validator loop, small rules per section ----------------------------------------------
