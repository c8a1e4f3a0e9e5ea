"""An account's history as a table to read: labels for record kinds and fields, values shortened."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from kam_core.account import challenge
from kam_core.account.section_specs import SECTIONS
from kam_core.common import formatting as fmt
from kam_core.governance.audit import HistoryLine, referred_table
from kam_core.i18n import catalog
from kam_core.ui import readers
from kam_core.ui.i18n import label, language, t

TEXT_SHOWN = 160  # characters of a long value shown in the table
_SECTION_OF = {spec.model.__tablename__: spec.name for spec in SECTIONS.values()}
_FIELD_PREFIX = {
    "account": "account",
    "handshake": "handshake",
    "executive": "executives",
    "kam": "team",
    "offer": "team",
    "challenge_session": "challenge",
    "challenge_item": "challenge",
    "handshake_review": "handshake",
    "handshake_stage_event": "handshake",
    "commitment": "handshake",
    "kpi_reading": "handshake",
}  # where the page that edits these records names its fields


def kind_label(table: str) -> str:
    return t(f"audit.table.{table}")


def field_label(table: str, field: str) -> str:
    """The field's name as the page that edits it shows it, else as the history names it
    (``audit.field.<field>``), else the name of what it points to: in the session's language."""
    key = field_label_key(table, field)
    if key is not None:
        return t(key, currency=readers.programme_settings().currency)
    return field.replace("_id", "").replace("_", " ").capitalize()


def field_label_key(table: str, field: str) -> str | None:
    """The catalog key that names ``field`` of ``table``, None when none does."""
    known = catalog(language())
    prefix = _FIELD_PREFIX.get(table)
    target = referred_table(table, field)
    keys = (
        f"col.{_SECTION_OF.get(table)}.{field}",
        f"col.{table}s.{field}",
        f"{prefix}.field.{field}",
        f"{prefix}.field.{field.removesuffix('_id')}",
        f"field.{field}",
        f"criteria.{field}" if table == "criterion" else "",
        f"audit.field.{field}",
        f"audit.table.{target}" if target else "",
    )
    return next((key for key in keys if key in known), None)


def value_text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return fmt.number(value, language())
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


# Fields holding an enumeration code, and the catalog kind of its labels.
ENUMS = {
    ("account", "status"): "account_status",
    ("action", "status"): "action_status",
    ("stakeholder", "attitude"): "attitude",
    ("stakeholder", "role"): "role",
    ("commitment", "status"): "commitment_status",
    ("engagement", "kind"): "engagement_kind",
    ("engagement", "status"): "engagement_status",
    ("revenue_line", "kind"): "line_kind",
    ("objective", "kind"): "objective_kind",
    ("objective", "status"): "objective_status",
    ("handshake", "stage"): "stage",
    ("handshake_stage_event", "stage"): "stage",
    ("swot_item", "kind"): "swot",
    ("customer_unit", "kind"): "unit_kind",
    ("white_space_cell", "status"): "white_space",
    ("role_grant", "role"): "access_role",
    ("challenge_item", "kind"): "challenge_kind",
    ("challenge_item", "outcome"): "challenge_outcome",
}
MOMENTS = frozenset({("challenge_session", "opened_at"), ("challenge_session", "closed_at")})  # stored as ISO text
HIDDEN = frozenset({"account_id", "name_key"})  # the account the history is about; a search key


def shown_value(table: str, field: str, value, refs: dict) -> str:
    """A value as a person reads it: what an id stands for, a long text shortened."""
    if (table, field) == ("challenge_session", "summary") and value:
        return summary_value(value)
    if (table, field) in MOMENTS and isinstance(value, str):
        return fmt.moment(datetime.fromisoformat(value), language())
    target = referred_table(table, field)
    if target and isinstance(value, int):
        return refs.get((target, value)) or f"{kind_label(target)} #{value}"
    kind = ENUMS.get((table, field))
    if kind and value not in (None, ""):
        return label(kind, value)
    return value_text(value)


def summary_value(value: str) -> str:
    """A challenge session's summary (JSON, written at its close) in words, whole: the counts, then
    what became of each recommendation (``kam_core.account.challenge``)."""
    try:
        summary = challenge.Summary.from_json(value)
    except (ValueError, KeyError, TypeError):  # not a summary of ours: shown as stored
        return value_text(value)
    return challenge.summary_text(summary, language())


def _fields_text(table: str, values: tuple, refs: dict) -> str:
    return "; ".join(
        f"{field_label(table, field)}: {shown_value(table, field, value, refs)}"
        for field, value in values
        if field not in HIDDEN
    )


def history_table(lines: list[HistoryLine], refs: dict) -> pd.DataFrame:
    """One row per line; ``refs`` names what ids stand for (``audit.reference_labels``)."""
    lang = language()
    rows = []
    for line in lines:
        if line.field in HIDDEN:
            continue
        named = line.label and line.table != "account"  # the page is about the account already
        record = kind_label(line.table) + (f" · {line.label}" if named else "")
        if line.field is None:
            described = _fields_text(line.table, line.values, refs)
            before, after = ("–", described) if line.action == "create" else (described, "–")
            field = "–"
        else:
            before, after = (shown_value(line.table, line.field, value, refs) for value in (line.old, line.new))
            field = field_label(line.table, line.field)
        rows.append(
            {
                "when": fmt.moment(line.at, lang),
                "who": line.actor,
                "action": t(f"audit.action.{line.action}"),
                "record": record,
                "field": field,
                "before": before,
                "after": after,
                "record_kind": kind_label(line.table),
            }
        )
    return pd.DataFrame(rows, columns=["when", "who", "action", "record", "field", "before", "after", "record_kind"])
