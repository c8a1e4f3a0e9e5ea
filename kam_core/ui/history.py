"""An account's history as a table to read: labels for record kinds and fields, values shortened."""

from __future__ import annotations

import pandas as pd

from kam_core import formatting as fmt
from kam_core.audit import HistoryLine
from kam_core.i18n import catalog
from kam_core.sections import SECTIONS
from kam_core.ui.i18n import language, t

TEXT_SHOWN = 160  # characters of a long value shown in the table
_SECTION_OF = {spec.model.__tablename__: spec.name for spec in SECTIONS.values()}


def kind_label(table: str) -> str:
    return t(f"audit.table.{table}")


def field_label(table: str, field: str) -> str:
    """The field's name as the page that edits it shows it."""
    known = catalog(language())
    for key in (f"col.{_SECTION_OF.get(table)}.{field}", f"field.{field}"):
        if key in known:
            return known[key]
    return field.replace("_id", "").replace("_", " ").capitalize()


def value_text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return fmt.number(value, language())
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 1] + "…"


def _fields_text(table: str, values: tuple) -> str:
    return "; ".join(f"{field_label(table, field)}: {value_text(value)}" for field, value in values)


def history_table(lines: list[HistoryLine]) -> pd.DataFrame:
    lang = language()
    rows = []
    for line in lines:
        record = kind_label(line.table) + (f" · {line.label}" if line.label else "")
        if line.field is None:
            before, after = ("–", _fields_text(line.table, line.values)) if line.action == "create" else (
                _fields_text(line.table, line.values), "–")
            field = "–"
        else:
            before, after, field = value_text(line.old), value_text(line.new), field_label(line.table, line.field)
        rows.append({"when": fmt.moment(line.at, lang), "who": line.actor, "action": t(f"audit.action.{line.action}"),
                     "record": record, "field": field, "before": before, "after": after,
                     "record_kind": kind_label(line.table)})
    return pd.DataFrame(rows, columns=["when", "who", "action", "record", "field", "before", "after", "record_kind"])
