"""An editable table of fixed rows for the Programme inputs page (the KAMs' own costs, the programme's
accounts): some columns are figures to read, some are numbers to type; the whole table is saved at
once (``saving.save_table``); a refused save names the row and the column and leaves what was typed
in the table; a save after someone else's is refused with a button to reload theirs.

In French a number to type is text written the French way (``formatting.typed``: "14,9"), read back
by ``kam_core.common.cells`` whatever the browser's language, as the plan's sections do; the figures
to read are written by ``formatting`` (``tables.shown_numbers``)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.ui import auth
from kam_core.ui.i18n import language, t
from kam_core.ui.memo import while_editing
from kam_core.ui.saving import kept_conflict, save_table


def number_entry(label: str, help: str, english_format: str):
    """The column of a number to type: a NumberColumn in English, right-aligned text in French."""
    if language() == "fr":
        return st.column_config.TextColumn(label, help=help, alignment="right")
    return st.column_config.NumberColumn(label, help=help, format=english_format)


def _typed(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """In French, the numbers to type as the text a French user types; in English as they are."""
    lang = language()
    if lang != "fr":
        return frame
    return frame.assign(
        **{
            column: [fmt.typed(None if pd.isna(value) else float(value), lang) for value in frame[column]]
            for column in columns
        }
    )


def input_table(
    name: str,
    table: pd.DataFrame,
    column_config: dict,
    *,
    editable: tuple[str, ...],
    decimals: tuple[str, ...] = (),
    save: Callable[[list[dict]], int],
    field_label: Callable[[str], str],
    needed: str = "editor",
    height: int | str = "auto",
) -> None:
    """``column_config`` lists the columns shown, in order; only those of ``editable`` may be changed
    (the others are shown to read, and the hidden ones, ids and versions, go to ``save`` as read);
    ``decimals``: the editable numbers that take decimals (text in French, see ``number_entry``).
    For a role below ``needed`` the table and its Save button are disabled, the reason in the
    button's help."""
    allowed = auth.permit(needed)
    generation_key = f"{name}_generation"
    generation = st.session_state.setdefault(generation_key, 0)
    editor_key = f"{name}_{generation}"
    shown = while_editing(name, editor_key, lambda: _typed(table, decimals))  # what is typed outlives a write elsewhere
    edited = st.data_editor(
        shown,
        key=editor_key,
        num_rows="fixed",
        hide_index=True,
        width="stretch",
        height=height,
        column_order=tuple(column_config),
        column_config=column_config,
        disabled=True if allowed.disabled else [column for column in shown.columns if column not in editable],
    )
    actions = st.container(horizontal=True, vertical_alignment="center")  # the button keeps its full label
    if actions.button(
        t("canvas.save"), key=f"save_{name}", icon=":material/save:", type="primary", **allowed.control()
    ):
        rows = edited.to_dict("records")
        save_table(
            lambda: save(rows),
            field_label,
            generation_key=generation_key,
            saved_key=f"{name}_saved",
            conflict_key=f"{name}_conflict",
        )
    changes = st.session_state.pop(f"{name}_saved", None)
    if changes is not None:
        actions.success(t("inputs.saved") if changes else t("canvas.unchanged"), icon=":material/check:")
    kept_conflict(f"{name}_conflict", f"reload_{name}", generation_key)
