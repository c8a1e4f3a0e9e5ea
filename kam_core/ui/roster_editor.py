"""One editable table for a programme-wide list (our executives, our KAM team, our offers), drawn
and saved the same way: the whole table is saved at once, a row left out is made inactive, a
refused save names the row and the column, and a save that comes after someone else's is refused
with a button to reload their version. What the user typed stays in the table until it is saved.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kam_core.ui import auth, presentation
from kam_core.ui.i18n import t
from kam_core.ui.memo import while_editing
from kam_core.ui.saving import kept_conflict, save_table


def roster_editor(
    name: str,
    table: pd.DataFrame,
    column_config: dict,
    *,
    save: Callable[[list[dict], set[int]], int],
    field_label: Callable[[str], str],
    read_only: tuple[str, ...] = (),
) -> None:
    """``column_config`` lists the columns shown, in order; ``read_only`` ones are figures the
    table shows but the save ignores. For a role that may not change the team, the table and its
    Save button are disabled, the reason in the button's help. In presentation mode, until the
    facilitator's Edit switch is on, the table is read-only and has no Save button."""
    if not presentation.editing():
        st.dataframe(
            table, hide_index=True, width="stretch", column_order=tuple(column_config), column_config=column_config
        )
        return
    allowed = auth.permit("editor")
    generation_key = f"{name}_generation"
    generation = st.session_state.setdefault(generation_key, 0)
    table = while_editing(name, f"{name}_{generation}", lambda: table)  # what is typed outlives a write elsewhere
    edited = st.data_editor(
        table,
        key=f"{name}_{generation}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=tuple(column_config),
        column_config=column_config,
        disabled=True if allowed.disabled else read_only,
    )
    actions = st.container(horizontal=True, vertical_alignment="center")  # the button keeps its full label
    if actions.button(
        t("canvas.save"),
        key=f"save_{name}",
        icon=":material/save:",
        type="primary",
        disabled=allowed.disabled,
        help=allowed.help(),
    ):
        rows = [{key: value for key, value in row.items() if key not in read_only} for row in edited.to_dict("records")]
        save_table(
            lambda: save(rows, set(int(i) for i in table["id"].dropna())),
            field_label,
            generation_key=generation_key,
            saved_key=f"{name}_saved",
            conflict_key=f"{name}_conflict",
        )
    changes = st.session_state.pop(f"{name}_saved", None)
    if changes is not None:
        actions.success(t("canvas.saved") if changes else t("canvas.unchanged"), icon=":material/check:")
    kept_conflict(f"{name}_conflict", f"reload_{name}", generation_key)
