"""The editable grid (streamlit-aggrid) behind one small function, so page tests can drive the
same code path without a browser (AgGrid is a custom component AppTest does not draw)."""

from __future__ import annotations

import pandas as pd
from st_aggrid import AgGrid, GridOptionsBuilder, JsCode

from kam_core.common.formatting import locale_of

ROW_HEIGHT = 40


def number_formatter(language: str) -> JsCode:
    """An AG Grid valueFormatter writing a cell's number in the session's language ("7,5" in French),
    whatever the browser's: the value stays a number (sorted as one); a text typed over it ("7,5", a
    typo) shows as typed until it is saved or refused."""
    tag = locale_of(language).replace("_", "-")
    return JsCode(
        "function(params) {"
        " const value = params.value;"
        " if (value === null || value === undefined || value === '') return '';"
        " if (typeof value !== 'number') return String(value);"
        f" return new Intl.NumberFormat('{tag}', {{maximumFractionDigits: 2}}).format(value);"
        " }"
    )


def edit_score_sheet(
    sheet: pd.DataFrame, columns: dict[str, str], name_header: str, key: str, language: str = "en"
) -> pd.DataFrame:
    """Show ``sheet`` (account_id, name, one column per criterion id) with the criterion columns
    editable, their numbers written in ``language``; returns the sheet as the user left it.
    ``columns`` maps column -> header."""
    # Criterion columns go to the grid as text: st_aggrid would coerce "7,5" or a typo to NaN (= a cleared
    # score) in a float column; as object they come back as typed and parse_score judges them.
    sheet = sheet.astype({column: object for column in columns})
    builder = GridOptionsBuilder.from_dataframe(sheet)
    builder.configure_default_column(
        resizable=True, sortable=True, filter=False, wrapHeaderText=True, autoHeaderHeight=True
    )
    builder.configure_column("account_id", hide=True)
    builder.configure_column("name", header_name=name_header, editable=False, pinned="left", minWidth=230)
    for column, header in columns.items():
        builder.configure_column(
            column,
            header_name=header,
            editable=True,
            type=["numericColumn"],
            minWidth=120,
            cellEditor="agTextCellEditor",
            valueFormatter=number_formatter(language),
        )
    builder.configure_grid_options(rowHeight=ROW_HEIGHT, stopEditingWhenCellsLoseFocus=True, singleClickEdit=True)
    response = AgGrid(
        sheet,
        gridOptions=builder.build(),
        height=min(ROW_HEIGHT * (len(sheet) + 2) + 20, 760),
        update_on=["cellValueChanged"],
        key=key,
        theme="streamlit",
        show_download_button=False,
        show_search=False,
        conversion_errors="ignore",
        allow_unsafe_jscode=True,  # the valueFormatter above: our own code, no user text in it
        custom_css={".ag-cell, .ag-header-cell-text": {"font-size": "16px !important"}},
    )
    data = response.data if response is not None and response.data is not None else sheet
    return pd.DataFrame(data)
