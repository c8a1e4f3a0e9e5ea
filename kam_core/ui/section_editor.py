"""One editable table per account-plan section, drawn the same way for every section, and the
same section read-only (``section_table``), as the canvas shows it until its Edit switch is on.

The table shows labels (translated enumerations, names of referenced rows) and hands back ids
and codes; a section is saved on its own, validated whole, and refused when someone else saved
it in between; in both cases what the user typed stays in the table.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kam_core.account import section_specs, sections
from kam_core.common import cells
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.ui import auth, presentation, readers
from kam_core.ui.i18n import language, t
from kam_core.ui.memo import has_unsaved, remember, while_editing
from kam_core.ui.saving import kept_conflict, save_table
from kam_core.ui.store import engine

# Which enumeration labels (catalog "enum.<kind>.<code>") a choice column shows.
CHOICE_LABELS = {
    ("swot", "kind"): "swot",
    ("stakeholders", "role"): "role",
    ("units", "kind"): "unit_kind",
    ("white_space", "status"): "white_space",
    ("objectives", "kind"): "objective_kind",
    ("objectives", "status"): "objective_status",
    ("actions", "status"): "action_status",
    ("commitments", "side"): "follow_up",
    ("commitments", "status"): "commitment_status",
    ("engagements", "kind"): "engagement_kind",
    ("engagements", "status"): "engagement_status",
}
ATTITUDE_COLUMN = ("stakeholders", "attitude")
# How the read-only table shows a figure (other numbers as they are).
MONEY_COLUMNS = {
    ("years", "revenue"),
    ("years", "category_spend"),
    ("value_propositions", "value_amount"),
    ("white_space", "value"),
}
PERCENT_COLUMNS = {("competitors", "share_pct")}


def _choice_labels(section: str, column: cells.Column) -> dict:
    if (section, column.name) == ATTITUDE_COLUMN:
        return {code: t(f"enum.attitude.{code}") for code in range(-2, 3)}
    kind = CHOICE_LABELS.get((section, column.name))
    return {code: t(f"enum.{kind}.{code}") for code in column.choices} if kind else {}


def _labels_for(section: str, column: cells.Column, refs: dict[str, dict[int, str]]) -> dict:
    if column.kind == "ref":
        return refs.get(column.name, {})
    return _choice_labels(section, column)


def _column_config(section: str, column: cells.Column, labels: dict):
    title = t(f"col.{section}.{column.name}")
    if labels is not None:
        return st.column_config.SelectboxColumn(title, options=list(labels.values()), required=column.required)
    if column.kind == "date":
        return st.column_config.DateColumn(title, required=column.required, format="YYYY-MM-DD")
    if column.kind == "bool":
        return st.column_config.CheckboxColumn(title)
    if column.kind == "float" and language() == "fr":
        # Glide's number editor takes its decimal sign from the browser: in an English browser, "14,9"
        # typed in a French session would lose its comma (149). As text, written and read back the
        # French way (formatting.typed, cells.normalise), whatever the browser.
        return st.column_config.TextColumn(title, required=column.required, alignment="right")
    if column.kind in ("int", "float"):
        return st.column_config.NumberColumn(
            title,
            required=column.required,
            min_value=column.minimum,
            max_value=column.maximum,
            step=1 if column.kind == "int" else None,
            format="%d" if column.kind == "int" else "localized",
        )
    return st.column_config.TextColumn(
        title,
        required=column.required,
        max_chars=column.max_length,
        width="large" if (column.max_length or 0) > 300 else "medium",
    )


def _to_labels(frame: pd.DataFrame, mapping: dict[str, dict]) -> pd.DataFrame:
    shown = frame.copy()
    for name, labels in mapping.items():
        shown[name] = shown[name].map(lambda value, labels=labels: labels.get(value) if pd.notna(value) else None)
    return shown


def _to_typed(
    shown: pd.DataFrame, spec: section_specs.SectionSpec, mapping: dict[str, dict], lang: str
) -> pd.DataFrame:
    """In French, the float columns as text to type over ("14,9"), as ``_column_config`` shows them."""
    if lang != "fr":
        return shown
    floats = [c.name for c in spec.columns if c.kind == "float" and c.name not in mapping and c.name in shown.columns]
    return shown.assign(**{name: [fmt.typed(value, lang) for value in shown[name]] for name in floats})


def _to_codes(edited: pd.DataFrame, mapping: dict[str, dict]) -> list[dict]:
    rows = edited.to_dict("records")
    reverse = {name: {label: code for code, label in labels.items()} for name, labels in mapping.items()}
    for row in rows:
        for name, back in reverse.items():
            value = row.get(name)
            row[name] = back.get(value, value) if isinstance(value, str) else value
    return rows


def _mapping(section: str, spec: section_specs.SectionSpec, refs: dict[str, dict[int, str]]) -> dict[str, dict]:
    """{column: {code or id: label}} of the columns that show labels."""
    return {
        column.name: labels
        for column in spec.columns
        if (labels := _labels_for(section, column, refs)) or column.kind == "ref"
    }


def edit_switch(section: str, account_id: int, where=st, tables: tuple[str, ...] = ()) -> bool:
    """The Edit switch of a canvas section: True while it is on (the section's ``tables`` are
    editable). It does not switch off while one of those tables holds changes not saved: what was
    typed would be lost with the table; the section says so instead. For a role that may not
    change plans it is disabled, its help saying why. In presentation mode it is drawn only while the
    facilitator's Edit switch is on (``presentation.editing``); until then the section stays read-only."""
    if not presentation.editing():
        return False
    key = f"edit_{section}_{account_id}"
    allowed = auth.permit("editor")
    editing = where.toggle(
        t("canvas.edit"),
        key=key,
        help=allowed.help(t("canvas.edit_help")),
        disabled=allowed.disabled,
        on_change=_keep_unsaved_open,
        args=(key, account_id, tables),
    )
    if st.session_state.pop(f"unsaved_{key}", False):
        st.warning(t("canvas.unsaved"), icon=":material/edit_note:")
    return editing


def editable_heading(
    section: str, account_id: int, title: str, *, anchor: str | None = None, tables: tuple[str, ...] = ()
) -> bool:
    """A section's heading with its Edit switch beside it: True while the section is open for editing."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.subheader(title, anchor=anchor)
    return edit_switch(section, account_id, row, tables)


def table_or_editor(section: str, account_id: int, editing: bool, columns: tuple[str, ...] | None = None) -> None:
    """The section's editable table while Edit is on, else its rows as a read-only table."""
    if editing:
        section_editor(section, account_id)
    else:
        section_table(section, account_id, columns)


def _keep_unsaved_open(key: str, account_id: int, tables: tuple[str, ...]) -> None:
    if not st.session_state[key] and any(unsaved_rows(table, account_id) for table in tables):
        st.session_state[key] = True
        st.session_state[f"unsaved_{key}"] = True


def unsaved_rows(section: str, account_id: int) -> bool:
    """Whether the section's table holds rows changed, added or deleted and not saved."""
    generation = st.session_state.get(f"generation_{section}_{account_id}", 0)
    return has_unsaved(f"editor_{section}_{account_id}_{generation}")


def section_table(section: str, account_id: int, columns: tuple[str, ...] | None = None) -> None:
    """The section's rows as a read-only table (``columns``: those shown, all by default), in the
    page's own font: what a room reads on a projector. Built once per state of the data."""
    currency = readers.programme_settings().currency
    st.markdown(
        remember(
            f"section_table_{section}_{account_id}",
            (language(), currency, columns),
            lambda: _markdown_table(section, account_id, columns, currency),
        )
    )


def _markdown_table(section: str, account_id: int, names: tuple[str, ...] | None, currency: str) -> str:
    spec = section_specs.spec_of(section)
    frame = readers.section_frame(section, account_id)
    if frame.empty:
        return t("canvas.empty_edit")
    columns = [column for column in spec.columns if names is None or column.name in names]
    mapping = _mapping(section, spec, readers.section_refs(section, account_id))
    shown = _to_labels(frame, mapping)
    lang = language()
    figures = {column.name for column in columns if column.kind in ("int", "float") and column.name not in mapping}
    lines = [
        "| " + " | ".join(md(t(f"col.{section}.{column.name}")) for column in columns) + " |",
        "| " + " | ".join("---:" if column.name in figures else "---" for column in columns) + " |",
    ]
    for record in shown[[column.name for column in columns]].itertuples(index=False):
        lines.append(
            "| "
            + " | ".join(_cell(section, column, value, lang, currency) for column, value in zip(columns, record))
            + " |"
        )
    return "\n".join(lines)


def _cell(section: str, column: cells.Column, value, lang: str, currency: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column.kind == "date" and isinstance(value, date):
        return fmt.day(value, lang)
    if column.kind == "float":
        if (section, column.name) in MONEY_COLUMNS:
            return fmt.money(value, currency, lang)
        if (section, column.name) in PERCENT_COLUMNS:
            return fmt.percent(value, lang)
        return fmt.number(value, lang)
    if column.kind == "bool":
        return "✓" if value else ""
    return md(value)


def section_editor(section: str, account_id: int, *, height: int | str = "auto") -> None:
    """The table of one section, its Save button, and what a save has to say (table and button
    disabled, with the reason, for a role that may not change plans). In presentation mode, until the
    facilitator's Edit switch is on, the section's rows read-only instead."""
    if not presentation.editing():
        section_table(section, account_id)
        return
    allowed = auth.permit("editor")
    spec = section_specs.spec_of(section)
    generation_key = f"generation_{section}_{account_id}"
    generation = st.session_state.setdefault(generation_key, 0)
    frame, mapping = while_editing(  # the rows being edited, even when a write elsewhere changed them
        f"section_{section}_{account_id}",
        f"editor_{section}_{account_id}_{generation}",
        lambda: (
            readers.section_frame(section, account_id),
            _mapping(section, spec, readers.section_refs(section, account_id)),
        ),
    )
    columns = [column.name for column in spec.columns]
    shown = remember(
        f"section_shown_{section}_{account_id}",
        language(),
        lambda: _to_typed(_to_labels(frame, mapping), spec, mapping, language()),
        source=frame,
    )
    edited = st.data_editor(
        shown,
        key=f"editor_{section}_{account_id}_{generation}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=height,
        disabled=allowed.disabled,
        column_order=columns,
        column_config={
            column.name: _column_config(section, column, mapping.get(column.name)) for column in spec.columns
        },
    )
    actions = st.container(horizontal=True, vertical_alignment="center")  # the button keeps its full label
    if actions.button(
        t("canvas.save"),
        key=f"save_{section}_{account_id}",
        icon=":material/save:",
        type="primary",
        disabled=allowed.disabled,
        help=allowed.help(),
    ):
        rows, read_versions = _to_codes(edited, mapping), sections.versions(frame)
        save_table(
            lambda: sections.save_section(
                engine(), section, account_id, rows, today=today(), read_versions=read_versions
            ),
            lambda field: t(f"col.{section}.{field}"),
            generation_key=generation_key,
            saved_key=f"saved_{section}_{account_id}",
            conflict_key=f"conflict_{section}_{account_id}",
        )
    changes = st.session_state.pop(f"saved_{section}_{account_id}", None)
    if changes is not None:
        actions.success(t("canvas.saved") if changes else t("canvas.unchanged"), icon=":material/check:")
    kept_conflict(f"conflict_{section}_{account_id}", f"reload_{section}_{account_id}", generation_key)
