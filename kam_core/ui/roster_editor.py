"""One editable table for a programme-wide list (our executives, our KAM team, our offers), drawn
and saved the same way: the whole table is saved at once, a row left out is made inactive, a
refused save names the row and the column, and a save that comes after someone else's is refused
with a button to reload their version. What the user typed stays in the table until it is saved.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.ui import readers
from kam_core.ui.i18n import t
from kam_core.ui.saving import conflict_message, denied_message, show_row_errors


def roster_editor(name: str, table: pd.DataFrame, column_config: dict, *,
                  save: Callable[[list[dict], set[int]], int], field_label: Callable[[str], str],
                  read_only: tuple[str, ...] = ()) -> None:
    """``column_config`` lists the columns shown, in order; ``read_only`` ones are figures the
    table shows but the save ignores."""
    generation_key = f"{name}_generation"
    generation = st.session_state.setdefault(generation_key, 0)
    edited = st.data_editor(table, key=f"{name}_{generation}", num_rows="dynamic", hide_index=True, width="stretch",
                            column_order=tuple(column_config), column_config=column_config, disabled=read_only)
    actions = st.container(horizontal=True, vertical_alignment="center")  # the button keeps its full label
    if actions.button(t("canvas.save"), key=f"save_{name}", icon=":material/save:", type="primary"):
        rows = [{key: value for key, value in row.items() if key not in read_only}
                for row in edited.to_dict("records")]
        try:
            changes = save(rows, set(int(i) for i in table["id"].dropna()))
        except ValidationError as error:
            show_row_errors(error, field_label)
            return
        except ConflictError as error:
            st.session_state[f"{name}_conflict"] = conflict_message(error)
            return
        except PermissionDenied as denied:
            st.error(denied_message(denied), icon=":material/lock:")
            return
        readers.clear()
        st.session_state[generation_key] = generation + 1
        st.session_state[f"{name}_saved"] = changes
        st.rerun()
    changes = st.session_state.pop(f"{name}_saved", None)
    if changes is not None:
        actions.success(t("canvas.saved") if changes else t("canvas.unchanged"), icon=":material/check:")
    if st.session_state.get(f"{name}_conflict"):
        st.error(st.session_state[f"{name}_conflict"], icon=":material/sync_problem:")
        if st.button(t("canvas.reload"), key=f"reload_{name}", icon=":material/refresh:"):
            del st.session_state[f"{name}_conflict"]
            readers.clear()
            st.session_state[generation_key] = generation + 1
            st.rerun()
