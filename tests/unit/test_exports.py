"""Table downloads never carry a live formula, whatever text an import brought in."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from kam_core.exchange.exports import table_csv, table_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "Acme"]


def test_the_excel_download_holds_formula_like_text_as_text():
    table = pd.DataFrame({"name": HOSTILE, "revenue": [1.5, -2.0, 3.0, 4.0, 5.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table, "Accounts"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert [sheet.cell(row=i, column=1).value for i in range(2, 7)] == ["'" + text for text in HOSTILE[:4]] + ["Acme"]
    assert sheet.cell(row=3, column=2).value == -2.0  # numbers stay numbers, negative ones too


def test_the_csv_download_prefixes_formula_like_text():
    text = table_csv(pd.DataFrame({"name": HOSTILE})).decode("utf-8-sig")
    lines = text.splitlines()[1:]
    assert all(not line.lstrip('"').startswith(("=", "+", "@", "-")) for line in lines)
    assert lines[-1] == "Acme"
