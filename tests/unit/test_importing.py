"""Import of accounts, contacts and revenue lines from CSV and XLSX files as CRMs and Excel export
them: reading (encodings, separators, number and date formats), the proposed mapping, the preview
and its problems, the import itself (one transaction, re-import updates, totals per year, open
pipeline, backup), and bad input that is reported, never a traceback or a half-done import."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.exchange import importing
from kam_core.exchange.import_synonyms import SYNONYMS, fold_header, synonyms_table
from kam_core.exchange.importing import (
    KINDS,
    REQUIRED,
    TARGETS,
    ImportFileError,
    ImportPreview,
    ImportProblem,
    ImportRefused,
    RawTable,
    YearTotal,
    country_code,
    load_mapping,
    preview_import,
    propose_mapping,
    read_table,
    run_import,
)
from kam_core.exchange.importing import files as import_files
from kam_core.exchange.importing import revenue as import_revenue
from kam_core.store import db
from kam_core.store.models import Account, AccountYear, Kam, RevenueLine, Stakeholder
from tests.conftest import TODAY
from tests.unit.fixtures_import import (
    FRENCH_REVENUE_2024,
    FRENCH_REVENUE_2025,
    NBSP,
    french_accounts,
    french_accounts_utf8_bom,
    french_invoices,
    garbage,
    hubspot_contacts,
    many_revenue_lines,
    salesforce_accounts,
    salesforce_opportunities,
    write_xlsx,
    xlsx_opportunities,
)

GROUP, FRANCE, NORDLICHT, HELVETIA = (
    "0015g00000AbCdEAA0",
    "0015g00000AbCdEAA1",
    "0015g00000AbCdEAA2",
    "0015g00000AbCdEAA3",
)


@pytest.fixture
def engine(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        session.add(Kam(name="Claire Martin", email="claire.martin@example.com"))
        session.add(Kam(name="Paul Weber", email="paul.weber@example.com"))
        session.add(Kam(name="Old Timer", email="old.timer@example.com", active=False))
    return engine


def _table(path) -> RawTable:
    return read_table(path.read_bytes(), path.name)


def _import(engine, path, kind, **options):
    table = _table(path)
    return run_import(engine, table, kind, propose_mapping(table.headers, kind), today=TODAY, **options)


def _preview(engine, table: RawTable, kind: str, mapping=None, **options) -> ImportPreview:
    with Session(engine) as session:
        return preview_import(session, table, kind, mapping or propose_mapping(table.headers, kind), TODAY, **options)


def _csv_table(headers, *rows, separator=",") -> RawTable:
    """A table as read from a CSV file (every cell text, blank cells None)."""
    return RawTable(
        tuple(headers),
        tuple(tuple(cell if cell not in ("", None) else None for cell in row) for row in rows),
        "utf-8",
        separator,
        "csv",
    )


def _counts(engine) -> dict:
    with Session(engine) as session:
        return {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Account, AccountYear, RevenueLine, Stakeholder)
        }


def _accounts(engine) -> dict[str, Account]:
    with Session(engine) as session:
        return {account.crm_id or account.name: account for account in session.execute(select(Account)).scalars()}


def _years(engine) -> dict[tuple[str, int], float]:
    with Session(engine) as session:
        rows = session.execute(
            select(Account.name, AccountYear.year, AccountYear.revenue).join(
                Account, Account.id == AccountYear.account_id
            )
        ).all()
    return {(name, year): revenue for name, year, revenue in rows}


def _codes(problems, skip=("default_sector",)) -> list[tuple[int, str | None, str, str]]:
    """(row, column, code, severity) of each problem; the sector warning of files without one left out."""
    return [
        (problem.row, problem.column, problem.code, problem.severity)
        for problem in problems
        if problem.code not in skip
    ]


def _only(problems, code: str) -> list[ImportProblem]:
    return [problem for problem in problems if problem.code == code]


# --- accounts -----------------------------------------------------------------------------------


def test_salesforce_accounts_are_created_with_their_fields_and_parent(engine, tmp_path):
    result = _import(engine, salesforce_accounts(tmp_path), "accounts")
    assert (result.read, result.created, result.updated, result.rejected) == (4, 4, 0, 0)
    accounts = _accounts(engine)
    group, france, nordlicht, helvetia = (accounts[crm] for crm in (GROUP, FRANCE, NORDLICHT, HELVETIA))
    with Session(engine) as session:
        kams = {kam.name: kam.id for kam in session.execute(select(Kam)).scalars()}
    assert (group.name, group.sector, group.country, group.status, group.kam_id, group.parent_id) == (
        "Veltara Motors Group",
        "Automotive",
        "DE",
        "active",
        kams["Claire Martin"],
        None,
    )
    assert (france.parent_id, france.country, france.notes, france.name_key) == (
        group.id,
        "FR",
        "French arm",
        "veltara motors france",
    )
    assert (nordlicht.status, nordlicht.kam_id, nordlicht.country) == ("prospect", kams["Paul Weber"], "DE")
    assert (helvetia.status, helvetia.country, helvetia.kam_id) == ("active", "CH", None)
    # "Other" is no status we know: a warning, the account is still created (active)
    assert _codes(result.problems) == [(5, "Type", "choice", "warning")]
    # AnnualRevenue is the customer's turnover, not ours: left unmapped, reported as ignored
    assert _years(engine) == {}


def test_importing_the_same_salesforce_file_again_updates_and_never_duplicates(engine, tmp_path):
    path = salesforce_accounts(tmp_path)
    _import(engine, path, "accounts")
    before = {crm: (account.id, account.version) for crm, account in _accounts(engine).items()}
    again = _import(engine, path, "accounts")
    assert (again.read, again.created, again.updated, again.rejected) == (4, 0, 4, 0)
    after = {crm: (account.id, account.version) for crm, account in _accounts(engine).items()}
    assert after == before  # same rows; nothing changed, so no version moved either
    assert _counts(engine)["Account"] == 4


def test_preview_shows_rows_as_stored_actions_and_ignored_columns(engine, tmp_path):
    table = _table(salesforce_accounts(tmp_path))
    preview = _preview(engine, table, "accounts")
    assert preview.counts == {"create": 4, "update": 0, "reject": 0, "skip": 0, "remove": 0}
    assert preview.ignored_columns == ("AnnualRevenue",)
    first = preview.rows[0]
    assert (first.row, first.action) == (2, "create")
    assert first.values == {
        "name": "Veltara Motors France",
        "crm_id": FRANCE,
        "group_name": None,
        "sector": "Automotive",
        "country": "FR",
        "status": "active",
        "potential_3y": None,
        "margin_pct": None,
        "notes": "French arm",
        "kam": "Claire Martin",
        "parent_name": "Veltara Motors Group",
        "revenue": None,
        "revenue_year": None,
    }
    assert _counts(engine)["Account"] == 0  # a preview writes nothing


def test_an_update_only_overwrites_mapped_and_filled_cells(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _csv_table(
        ["Account ID", "Account Name", "Industry", "Billing Country", "Description"],
        [GROUP, "Veltara Motors Group", "", "Atlantis", ""],
        [NORDLICHT, "Nordlicht Energie AG", "Utilities", "", "n/a"],
    )
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (result.created, result.updated) == (0, 2)
    assert _codes(result.problems) == [(2, "Billing Country", "country_code", "warning")]
    accounts = _accounts(engine)
    group, nordlicht = accounts[GROUP], accounts[NORDLICHT]
    assert (group.sector, group.country, group.version) == ("Automotive", "DE", 1)  # empty cell, unknown country
    assert (nordlicht.name, nordlicht.name_key, nordlicht.sector, nordlicht.country, nordlicht.notes) == (
        "Nordlicht Energie AG",
        "nordlicht energie ag",
        "Utilities",
        "DE",
        "Met at the Hanover fair",
    )
    assert nordlicht.version == 2


def test_accounts_match_on_the_folded_name_when_the_file_has_no_crm_id(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _csv_table(["Company name", "Industry"], ["  VELTARA   motors group ", "Mobility"], ["Brand New", ""])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (result.created, result.updated) == (1, 1)
    accounts = _accounts(engine)
    assert accounts[GROUP].sector == "Mobility"
    assert accounts[GROUP].name == "VELTARA   motors group".strip()
    assert accounts["Brand New"].sector == "Unclassified"
    assert _codes(result.problems, skip=()) == [(3, "Industry", "default_sector", "warning")]


def test_french_excel_csv_in_windows_1252_with_decimal_commas(engine, tmp_path):
    path = french_accounts(tmp_path)
    table = _table(path)
    assert (table.encoding, table.separator, table.source) == ("cp1252", ";", "csv")
    assert table.headers[1] == "Secteur d'activité"
    mapping = propose_mapping(table.headers, "accounts")
    assert {target: header for target, header in mapping.items() if header} == {
        "name": "Raison sociale",
        "sector": "Secteur d'activité",
        "country": "Pays",
        "revenue": "Chiffre d'affaires",
        "revenue_year": "Année",
        "margin_pct": "Marge %",
        "parent_name": "Société mère",
        "crm_id": "Identifiant",
        "notes": "Commentaire",
    }
    result = run_import(engine, table, "accounts", mapping, today=TODAY)
    assert (result.created, result.rejected, result.years_updated) == (3, 0, 3)
    assert result.problems == ()
    accounts = _accounts(engine)
    sge, cremerie, filiale = accounts["FR-001"], accounts["FR-002"], accounts["FR-003"]
    assert (sge.name, sge.sector, sge.country, sge.margin_pct, sge.notes) == (
        "Société Générale d'Électricité",
        "Énergie",
        "DE",
        12.5,
        "Façade ouest à revoir",
    )
    assert (cremerie.name, cremerie.margin_pct, cremerie.country) == ("Crèmerie Française", 8.25, "FR")
    assert (filiale.parent_id, filiale.margin_pct, filiale.country) == (sge.id, -3.5, "BE")
    years = _years(engine)
    assert years == {
        ("Société Générale d'Électricité", 2025): 1250.5,
        ("Crèmerie Française", 2025): 2_000_000.25,
        ("Filiale Française Électricité", 2024): 750.0,
    }
    assert sum(revenue for (_name, year), revenue in years.items() if year == 2025) == FRENCH_REVENUE_2025
    assert sum(revenue for (_name, year), revenue in years.items() if year == 2024) == FRENCH_REVENUE_2024


def test_utf8_with_bom_and_narrow_no_break_spaces(engine, tmp_path):
    table = _table(french_accounts_utf8_bom(tmp_path))
    assert (table.encoding, table.separator, table.headers[0]) == ("utf-8-sig", ";", "Raison sociale")
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert result.rejected == 0
    assert _years(engine)[("Crèmerie Française", 2025)] == 2_000_000.25
    assert _years(engine)[("Société Générale d'Électricité", 2025)] == 1250.5


def test_annual_revenue_sets_the_year_and_defaults_to_last_year(engine):
    table = _csv_table(
        ["Name", "Sector", "Revenue", "Year"], ["Acme", "Energy", "100", ""], ["Acme Two", "Energy", "200", "2024"]
    )
    run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert _years(engine) == {("Acme", TODAY.year - 1): 100.0, ("Acme Two", 2024): 200.0}
    table = _csv_table(["Name", "Revenue", "Year"], ["Acme", "150", str(TODAY.year - 1)])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (result.updated, result.years_updated) == (1, 1)
    assert _years(engine)[("Acme", TODAY.year - 1)] == 150.0


def test_a_sector_typed_in_other_capitals_takes_one_spelling(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")  # "Energy" exists
    table = _csv_table(["Name", "Sector"], ["A", "ENERGY"], ["B", "Nuclear power"], ["C", "nuclear POWER"])
    run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    accounts = _accounts(engine)
    assert [accounts[name].sector for name in "ABC"] == ["Energy", "Nuclear power", "Nuclear power"]


def test_numeric_crm_ids_from_a_workbook_are_text(engine, tmp_path):
    path = write_xlsx(
        tmp_path,
        "accounts.xlsx",
        [["Account ID", "Account Name", "Industry"], [1001, "Acme", "Energy"], [1002.0, "Beta", "Energy"]],
    )
    result = _import(engine, path, "accounts")
    assert result.created == 2
    assert set(_accounts(engine)) == {"1001", "1002"}


# --- reading files -------------------------------------------------------------------------------


def test_xlsx_with_datetime_cells_and_numbers(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _table(xlsx_opportunities(tmp_path))
    assert (table.source, table.encoding, table.separator) == ("xlsx", None, None)
    assert table.rows[0][2] == 15000 and table.rows[0][3].year == 2026
    mapping = propose_mapping(table.headers, "revenue")
    assert {target: header for target, header in mapping.items() if header} == {
        "label": "Deal Name",
        "account_name": "Associated Company",
        "amount": "Amount",
        "date": "Close Date",
        "stage": "Deal Stage",
        "probability_pct": "Deal probability",
    }
    result = run_import(engine, table, "revenue", mapping, today=TODAY)
    assert (result.read, result.created, result.skipped, result.rejected) == (4, 3, 1, 0)
    assert _codes(result.problems) == [(6, "Deal Stage", "lost_deal", "warning")]  # row 5 is empty
    with Session(engine) as session:
        lines = {line.label: line for line in session.execute(select(RevenueLine)).scalars()}
    assert (lines["Fleet telematics"].line_date, lines["Fleet telematics"].probability_pct) == (date(2026, 2, 27), 75)
    assert (lines["Charging points"].kind, lines["Charging points"].amount, lines["Charging points"].line_date) == (
        "won",
        2500.5,
        date(2025, 12, 31),
    )
    accounts = _accounts(engine)
    assert result.pipeline == {accounts[NORDLICHT].id: (15000.0, 11250.0), accounts[HELVETIA].id: (40000.0, 10000.0)}
    assert _years(engine) == {}  # the yearly revenue is only set when asked
    assert result.year_totals == (YearTotal(accounts[NORDLICHT].id, "Nordlicht Energie", 2025, None, 2500.5),)


def test_xlsx_header_below_blank_rows_keeps_the_file_row_numbers(tmp_path):
    path = write_xlsx(
        tmp_path,
        "x.xlsx",
        [
            [None, None],
            [None, None],
            ["Name", "Sector"],
            ["Acme", "Energy"],
            [None, None],
            ["Beta", None],
            [None, None],
            [None, None],
        ],
    )
    table = _table(path)
    assert (table.header_row, table.headers) == (3, ("Name", "Sector"))
    assert table.rows == (("Acme", "Energy"), (None, None), ("Beta", None))


def test_the_separator_is_sniffed_with_quotes_respected():
    text = 'Name,Amount,Notes\n"Acme; Inc","1,250.50","a; b; c"\n"Beta",3,"x"\n'
    table = read_table(text.encode(), "export.txt")
    assert (table.separator, table.headers) == (",", ("Name", "Amount", "Notes"))
    assert table.rows[0] == ("Acme; Inc", "1,250.50", "a; b; c")
    for separator in ("\t", "|", ";"):
        table = read_table(
            separator.join(["Name", "Sector"]).encode() + b"\nAcme" + separator.encode() + b"x,y\n", "f.csv"
        )
        assert (table.separator, table.rows) == (separator, (("Acme", "x,y"),))


def test_a_file_that_is_not_utf8_is_read_as_windows_1252():
    table = read_table("Nom;Fonction\nFrançois Bérégovoy;Contrôleur\n".encode("cp1252"), "c.csv")
    assert (table.encoding, table.rows) == ("cp1252", (("François Bérégovoy", "Contrôleur"),))


def test_repeated_cells_of_a_csv_share_one_string():
    table = read_table(b"Account Name;Stage\nNordhavn Automotive;Won\nNordhavn Automotive;Won\n", "deals.csv")
    first, second = table.rows
    assert first == second == ("Nordhavn Automotive", "Won")
    assert first[0] is second[0] and first[1] is second[1]  # a 100,000-line file holds each name once


def test_utf16_text_as_excel_saves_unicode_text():
    table = read_table("Name\tCountry\nÅsa Öberg\tSE\n".encode("utf-16"), "unicode.txt")
    assert (table.encoding, table.separator, table.rows) == ("utf-16", "\t", (("Åsa Öberg", "SE"),))


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_file"),
        (b"  \r\n \n", "empty_file"),
        (b"\xef\xbb\xbf", "empty_file"),
        (b";;;\n;;\n", "empty_file"),
        (b"Name;Sector\n", "header_only"),
        (b"Name;Sector\n;\n ; \n", "header_only"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "xls_format"),
        (b"PK\x03\x04 this is no workbook", "unreadable_xlsx"),
    ],
)
def test_files_that_cannot_be_read_raise_a_clear_error(data, code):
    with pytest.raises(ImportFileError) as raised:
        read_table(data, "upload.csv")
    assert raised.value.code == code


def test_binary_garbage_is_refused(tmp_path):
    with pytest.raises(ImportFileError) as raised:
        _table(garbage(tmp_path))
    assert raised.value.code == "not_text"


def test_an_xlsx_extension_on_text_is_refused():
    with pytest.raises(ImportFileError) as raised:
        read_table(b"Name\nAcme\n", "accounts.xlsx")
    assert (raised.value.code, raised.value.params) == ("unreadable_xlsx", {"reason": "not a zip file"})


def test_duplicated_headers_are_named():
    with pytest.raises(ImportFileError) as raised:
        read_table(b"Name,Email,Name,Phone,Email\nA,a@x.io,B,1,b@x.io\n", "c.csv")
    assert (raised.value.code, raised.value.params) == ("duplicate_headers", {"headers": ["Name", "Email"]})


def test_trailing_empty_columns_and_rows_are_dropped_and_short_rows_padded():
    table = read_table(b"Name,Sector,,\nAcme,Energy,,\nBeta\n,,,\n\n", "c.csv")
    assert table.headers == ("Name", "Sector")
    assert table.rows == (("Acme", "Energy"), ("Beta", None))


# --- cells: numbers, dates, texts ----------------------------------------------------------------


def test_numbers_as_exports_write_them(engine):
    table = _csv_table(
        ["Name", "Potential", "Margin %"],
        ["A", f"1{NBSP}250,5", "12.5%"],
        ["B", "1,250.50", "12,5 %"],
        ["C", "€ 1 200", "-"],
        ["D", "1.250,50", "n/a"],
        ["E", "N/A", ""],
        ["F", "(1 200)", ""],
        ["G", "12.5%", ""],
        ["H", "1.2E+06", "(3)"],
        ["I", "1200 EUR", "abc"],
        ["J", "$1,250,000", "0,5"],
        separator=";",
    )
    preview = _preview(engine, table, "accounts")
    values = {row.values["name"]: (row.values["potential_3y"], row.values["margin_pct"]) for row in preview.rows}
    assert values == {
        "A": (1250.5, 12.5),
        "B": (1250.5, 12.5),
        "C": (1200.0, None),
        "D": (1250.5, None),
        "E": (None, None),
        "F": (-1200.0, None),
        "G": (None, None),
        "H": (1_200_000.0, -3.0),
        "I": (1200.0, None),
        "J": (1_250_000.0, 0.5),
    }
    assert [
        (problem.row, problem.column, problem.value, problem.code)
        for problem in preview.problems
        if problem.severity == "error"
    ] == [
        (7, "Potential", "(1 200)", "number_range"),  # an accounting negative, where none is allowed
        (8, "Potential", "12.5%", "number_format"),  # a percent sign where no percentage is expected
        (10, "Margin %", "abc", "number_format"),
    ]
    assert _only(preview.rows[5].problems, "number_range")[0].params == {
        "value": "(1 200)",
        "min": 0,
        "max": 10_000_000_000_000,
    }
    assert preview.counts["reject"] == 3


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["1,250", "3,5"], [1.25, 3.5]),  # a decimal comma elsewhere in the column
        (["1,250", "3.5"], [1250.0, 3.5]),  # a decimal point elsewhere
        (["1,250", "1,000,000"], [1250.0, 1_000_000.0]),  # commas grouping thousands
        (["1.250", "2,75"], [1250.0, 2.75]),
    ],
)
def test_an_ambiguous_separator_is_decided_by_the_column(engine, cells, expected):
    table = _csv_table(["Name", "Potential"], *[[f"N{index}", cell] for index, cell in enumerate(cells)])
    preview = _preview(engine, table, "accounts")
    assert [row.values["potential_3y"] for row in preview.rows] == expected


def test_an_ambiguous_number_follows_the_files_separator_when_the_column_cannot_tell(engine):
    semicolon = _csv_table(["Name", "Potential"], ["A", "1,250"], separator=";")
    comma = _csv_table(["Name", "Potential"], ["A", "1,250"], separator=",")
    assert _preview(engine, semicolon, "accounts").rows[0].values["potential_3y"] == 1.25
    assert _preview(engine, comma, "accounts").rows[0].values["potential_3y"] == 1250.0


def _dates(engine, *cells) -> list:
    _import_accounts_for_lines(engine)
    table = _csv_table(
        ["Account Name", "Amount", "Close Date", "Kind", "Label"],
        *[["Acme", "10", cell, "invoice", f"line {index}"] for index, cell in enumerate(cells)],
    )
    preview = _preview(engine, table, "revenue")
    return [row.values["date"] if row.action != "reject" else row.problems[0].code for row in preview.rows]


def _import_accounts_for_lines(engine) -> None:
    if not _accounts(engine):
        table = _csv_table(["Name", "Sector"], ["Acme", "Energy"])
        run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)


def test_dates_in_the_formats_exports_use(engine):
    assert _dates(
        engine,
        "2026-03-31",
        "31/03/2026",
        "31.03.2026",
        "2026-03-31T10:15:00Z",
        "31/03/26",
        "2026/03/31",
        "01/02/2026 14:30",
        "",
    ) == [
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 2, 1),
        "required",
    ]


def test_month_first_dates_when_the_column_shows_a_day_above_12_in_second_position(engine):
    assert _dates(engine, "03/31/2026", "04/01/2026") == [date(2026, 3, 31), date(2026, 4, 1)]
    assert _dates(engine, "13/04/2026", "04/01/2026") == [date(2026, 4, 13), date(2026, 1, 4)]


def test_a_column_with_both_orders_refuses_the_dates_it_cannot_decide(engine):
    assert _dates(engine, "04/13/2026", "13/04/2026", "03/04/2026", "05/05/2026") == [
        date(2026, 4, 13),
        date(2026, 4, 13),
        "ambiguous_date",
        date(2026, 5, 5),
    ]


def test_impossible_and_out_of_range_dates(engine):
    assert _dates(engine, "31/02/2026", "1989-12-31", "next week", "45123") == [
        "not_a_date",
        "date_range",
        "not_a_date",
        "not_a_date",
    ]


def test_a_very_long_name_refuses_the_row_naming_the_limit(engine):
    table = _csv_table(["Name", "Sector"], ["x" * 5000, "Energy"], ["Fine", "Energy"])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (result.created, result.rejected) == (1, 1)
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.code, problem.params["max"]) == (2, "Name", "text_length", 160)
    assert problem.value == problem.params["value"] == "x" * 79 + "…"  # quoted back by its start, never stored cut
    assert set(_accounts(engine)) == {"Fine"}


def test_formulas_are_stored_as_plain_text(engine):
    formula = "=cmd|' /C calc'!A0"
    table = _csv_table(["Name", "Sector", "Notes"], [formula, "+SUM(A1:A2)", "@risk -1"])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (result.created, result.rejected) == (1, 0)
    account = _accounts(engine)[formula]
    assert (account.name, account.sector, account.notes) == (formula, "+SUM(A1:A2)", "@risk -1")


def test_countries_as_codes_and_english_or_french_names():
    assert [
        country_code(text)
        for text in (
            "de",
            "DEU",
            "Germany",
            "Allemagne",
            "États-Unis",
            "Etats Unis",
            "United Kingdom",
            "UK",
            "Royaume-Uni",
            "Côte d'Ivoire",
            "Suisse",
            "Korea, Republic of",
            "Atlantis",
        )
    ] == ["DE", "DE", "DE", "DE", "US", "US", "GB", "GB", "GB", "CI", "CH", "KR", None]


# --- parents --------------------------------------------------------------------------------------


def test_parent_cycles_and_self_parents_in_the_file_are_refused(engine):
    table = _csv_table(
        ["Id", "Name", "ParentId", "Parent Account"],
        ["A", "Alpha", "B", ""],
        ["B", "Beta", "C", ""],
        ["C", "Gamma", "A", ""],
        ["D", "Delta", "", "Delta"],
        ["E", "Epsilon", "A", ""],
        ["F", "Phi", "ZZ", "Nowhere"],
    )
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert _codes(result.problems) == [
        (2, "ParentId", "parent_cycle", "error"),
        (3, "ParentId", "parent_cycle", "error"),
        (4, "ParentId", "parent_cycle", "error"),
        (5, "Parent Account", "own_parent", "error"),
        (6, "ParentId", "unknown_parent", "warning"),
        (7, "ParentId", "unknown_parent", "warning"),
    ]
    assert (result.created, result.rejected) == (2, 4)
    accounts = _accounts(engine)
    assert set(accounts) == {"E", "F"}
    assert accounts["E"].parent_id is None and accounts["F"].parent_id is None
    assert _only(result.problems, "unknown_parent")[0].params == {"value": "A", "parent_row": 2}  # refused


def test_a_parent_change_that_would_close_a_circle_with_the_database_is_refused(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")  # France's parent is Group
    table = _csv_table(["Id", "Name", "ParentId"], [GROUP, "Veltara Motors Group", FRANCE])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert _codes(result.problems) == [(2, "ParentId", "parent_cycle", "error")]
    assert _accounts(engine)[GROUP].parent_id is None


def test_a_parent_already_in_the_database_is_found_by_name(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _csv_table(["Name", "Parent Account", "Group"], ["Veltara Trucks", "veltara MOTORS group", "Ignored"])
    run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    trucks = _accounts(engine)["Veltara Trucks"]
    assert (trucks.parent_id, trucks.group_name) == (_accounts(engine)[GROUP].id, None)


def test_duplicates_inside_the_file_refuse_the_second_row(engine):
    table = _csv_table(["Id", "Name"], ["A", "Alpha"], ["B", "ALPHA"], ["A", "Another"], ["C", "Gamma"])
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert [
        (problem.row, problem.code, problem.params["first_row"])
        for problem in _only(result.problems, "duplicate_in_file")
    ] == [(3, "duplicate_in_file", 2), (4, "duplicate_in_file", 2)]
    assert (result.created, result.rejected) == (2, 2)


def test_kams_are_matched_never_created(engine):
    table = _csv_table(
        ["Name", "Owner"],
        ["A", "claire MARTIN"],
        ["B", "PAUL.WEBER@example.com"],
        ["C", "Somebody Else"],
        ["D", "Old Timer"],
    )
    result = run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert [
        (problem.row, problem.code, problem.severity) for problem in result.problems if problem.code != "default_sector"
    ] == [(4, "unknown_kam", "warning"), (5, "inactive_kam", "warning")]
    accounts = _accounts(engine)
    assert accounts["C"].kam_id is None and accounts["D"].kam_id is None
    assert accounts["A"].kam_id is not None and accounts["B"].kam_id is not None
    assert _counts(engine)["Account"] == 4
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Kam)).scalar_one() == 3


def test_the_forms_rules_apply_through_validate_account(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _csv_table(
        ["Id", "Name", "Margin"],
        ["X1", "Helvetia Care", "10"],
        [NORDLICHT, "Veltara Motors Group", "5"],
        ["X2", "New One", "101"],
    )
    preview = _preview(engine, table, "accounts")
    errors = [problem for problem in preview.problems if problem.severity == "error"]
    assert [(problem.row, problem.column, problem.code) for problem in errors] == [
        (2, "Id", "crm_id_mismatch"),
        (3, "Name", "account_name_taken"),
        (4, "Margin", "number_range"),
    ]
    assert errors[0].params == {"value": "X1", "stored": HELVETIA}
    assert errors[1].params == {"value": "Veltara Motors Group", "other": "Veltara Motors Group"}


# --- contacts -------------------------------------------------------------------------------------


def test_hubspot_contacts_are_matched_to_their_accounts(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    table = _table(hubspot_contacts(tmp_path))
    mapping = propose_mapping(table.headers, "contacts")
    assert {target: header for target, header in mapping.items() if header} == {
        "crm_id": "Record ID",
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "Email",
        "title": "Job Title",
        "account_name": "Associated Company",
        "role": "Buying Role",
        "owner": "Contact owner",
    }
    result = run_import(engine, table, "contacts", mapping, today=TODAY)
    assert (result.read, result.created, result.rejected) == (4, 3, 1)
    assert _codes(result.problems) == [
        (4, "Email", "email_format", "warning"),
        (4, "Buying Role", "choice", "warning"),
        (5, "Associated Company", "unknown_account", "error"),
    ]
    accounts = _accounts(engine)
    with Session(engine) as session:
        people = {person.name: person for person in session.execute(select(Stakeholder)).scalars()}
    assert set(people) == {"Anke Vogel", "Jean Dupont", "Olaf Schulz"}
    anke, jean, olaf = people["Anke Vogel"], people["Jean Dupont"], people["Olaf Schulz"]
    assert (anke.account_id, anke.role, anke.title, anke.owner, anke.crm_id) == (
        accounts[GROUP].id,
        "approver",
        "Head of Procurement",
        "Claire Martin",
        "51",
    )
    assert (jean.account_id, jean.role) == (accounts[FRANCE].id, "decision_maker")
    assert (olaf.account_id, olaf.role, olaf.email) == (accounts[NORDLICHT].id, "influencer", None)
    again = run_import(engine, table, "contacts", mapping, today=TODAY)
    assert (again.created, again.updated, again.rejected) == (0, 3, 1)
    assert _counts(engine)["Stakeholder"] == 3
    # matched on its CRM id, an update keeps its account and name when their cells are empty
    table = _csv_table(
        ["Record ID", "Associated Company", "Last Name", "Job Title"], ["51", "", "", "Chief Procurement Officer"]
    )
    result = run_import(engine, table, "contacts", propose_mapping(table.headers, "contacts"), today=TODAY)
    assert (result.updated, result.rejected) == (1, 0)
    with Session(engine) as session:
        anke = session.execute(select(Stakeholder).where(Stakeholder.crm_id == "51")).scalar_one()
    assert (anke.name, anke.account_id, anke.title) == ("Anke Vogel", accounts[GROUP].id, "Chief Procurement Officer")


def test_contacts_without_crm_id_match_on_email_then_name_within_the_account(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    first = _csv_table(
        ["Account ID", "Name", "E-mail", "Title"],
        [GROUP, "Anke Vogel", "anke@veltara.example", "Buyer"],
        [GROUP, "Jens Ohm", "", "Engineer"],
    )
    run_import(engine, first, "contacts", propose_mapping(first.headers, "contacts"), today=TODAY)
    second = _csv_table(
        ["Account ID", "Name", "E-mail", "Title"],
        [GROUP, "Anke Vogel-Schmidt", "ANKE@veltara.example", ""],
        [GROUP, "JENS  OHM", "jens@veltara.example", "Lead engineer"],
        [FRANCE, "Jens Ohm", "", ""],
    )
    result = run_import(engine, second, "contacts", propose_mapping(second.headers, "contacts"), today=TODAY)
    assert (result.created, result.updated) == (1, 2)
    with Session(engine) as session:
        people = sorted(
            (person.name, person.email, person.title) for person in session.execute(select(Stakeholder)).scalars()
        )
    assert people == [
        ("Anke Vogel-Schmidt", "ANKE@veltara.example", "Buyer"),  # e-mail matched, case aside
        ("JENS  OHM", "jens@veltara.example", "Lead engineer"),  # name matched, folded
        ("Jens Ohm", None, None),
    ]  # same name in another account: another person


# --- revenue lines --------------------------------------------------------------------------------


def test_revenue_lines_set_each_account_years_revenue_and_give_the_open_pipeline(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    accounts = _accounts(engine)
    group, france, nordlicht = accounts[GROUP].id, accounts[FRANCE].id, accounts[NORDLICHT].id
    with db.session_scope(engine) as session:  # typed by hand before the lines existed: replaced
        session.add(AccountYear(account_id=group, year=2025, revenue=1.0, category_spend=900_000.0))
        session.add(AccountYear(account_id=group, year=2023, revenue=42.0))  # no line touches 2023: kept
    table = _table(salesforce_opportunities(tmp_path))
    mapping = propose_mapping(table.headers, "revenue")
    assert {target: header for target, header in mapping.items() if header} == {
        "crm_id": "Id",
        "account_crm_id": "AccountId",
        "label": "Name",
        "amount": "Amount",
        "date": "CloseDate",
        "stage": "StageName",
        "probability_pct": "Probability",
        "is_won": "IsWon",
        "is_closed": "IsClosed",
    }
    result = run_import(engine, table, "revenue", mapping, today=TODAY, set_yearly_revenue=True)
    assert (result.read, result.created, result.skipped, result.rejected) == (8, 6, 1, 1)
    assert _codes(result.problems) == [
        (6, "StageName", "lost_deal", "warning"),
        (7, "AccountId", "unknown_account", "error"),
    ]
    assert result.problems[1].value == "0015g00000ZZZZZZZ9"
    assert _years(engine) == {
        ("Veltara Motors Group", 2025): 150_000.5,
        ("Veltara Motors Group", 2023): 42.0,
        ("Veltara Motors France", 2025): 10_000.0,
    }
    assert result.years_updated == 2
    assert result.pipeline == {group: (0.0, 0.0), france: (100_000.0, 50_000.0), nordlicht: (45_000.0, 0.0)}
    with Session(engine) as session:
        spend = session.execute(
            select(AccountYear.category_spend).where(AccountYear.account_id == group, AccountYear.year == 2025)
        ).scalar_one()
    assert spend == 900_000.0  # only the revenue is set

    invoices = _table(french_invoices(tmp_path))
    assert propose_mapping(invoices.headers, "revenue")["kind"] == "Nature"
    result = run_import(
        engine, invoices, "revenue", propose_mapping(invoices.headers, "revenue"), today=TODAY, set_yearly_revenue=True
    )
    assert (result.created, result.rejected) == (3, 0)
    assert _years(engine) == {
        ("Veltara Motors Group", 2025): 155_000.0,
        ("Veltara Motors Group", 2024): 2500.0,
        ("Veltara Motors Group", 2023): 42.0,
        ("Veltara Motors France", 2025): 11_000.0,
    }


def test_reimporting_lines_updates_them_and_a_deal_now_lost_leaves_the_pipeline(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    path = salesforce_opportunities(tmp_path)
    _import(engine, path, "revenue", set_yearly_revenue=True)
    again = _import(engine, path, "revenue", set_yearly_revenue=True)
    assert (again.created, again.updated, again.skipped, again.rejected) == (0, 6, 1, 1)
    assert _counts(engine)["RevenueLine"] == 6
    france = _accounts(engine)[FRANCE].id
    table = _csv_table(
        ["Opportunity ID", "Account ID", "Amount", "Close Date", "Stage", "Probability (%)"],
        ["0065g0000003", FRANCE, "90000", "2026-06-30", "Closed Lost", "0"],
        ["0065g0000004", FRANCE, "", "2026-10-31", "Proposal", "40"],
        ["0065g0000008", FRANCE, "12000", "2026-01-15", "Closed Won", "100"],
    )
    result = run_import(
        engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY, set_yearly_revenue=True
    )
    assert (result.created, result.updated, result.removed) == (0, 2, 1)
    assert _codes(result.problems) == [(2, "Stage", "lost_deal", "warning")]
    assert result.pipeline == {france: (20_000.0, 8000.0)}  # amount kept (empty cell), new probability
    # the won line moved from 2025 to 2026: both years follow the lines
    assert _years(engine)[("Veltara Motors France", 2025)] == 0.0
    assert _years(engine)[("Veltara Motors France", 2026)] == 12_000.0
    assert _counts(engine)["RevenueLine"] == 5


def test_lines_without_crm_id_match_on_account_kind_date_amount_and_label(engine):
    _import_accounts_for_lines(engine)
    table = _csv_table(
        ["Client", "Date", "Montant", "Libellé"],
        ["Acme", "2025-01-10", "100", "Audit"],
        ["Acme", "2025-01-10", "100", "Audit"],
        ["Acme", "2025-01-10", "100", "Other"],
        separator=";",
    )
    result = run_import(
        engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY, default_kind="invoice"
    )
    assert (result.created, result.rejected) == (2, 1)
    assert _codes(result.problems) == [(3, "Libellé", "duplicate_in_file", "error")]
    result = run_import(
        engine,
        table,
        "revenue",
        propose_mapping(table.headers, "revenue"),
        today=TODAY,
        default_kind="invoice",
        only_valid=True,
        set_yearly_revenue=True,
    )
    assert (result.created, result.updated) == (0, 2)
    assert _years(engine) == {("Acme", 2025): 200.0}


def test_a_line_whose_kind_cannot_be_told_is_refused(engine):
    _import_accounts_for_lines(engine)
    table = _csv_table(["Account", "Amount", "Date"], ["Acme", "10", "2025-01-01"])
    preview = _preview(engine, table, "revenue")
    assert _codes(preview.problems) == [(2, None, "kind_unknown", "error")]
    assert _preview(engine, table, "revenue", default_kind="won").counts["create"] == 1


def test_amounts_must_be_positive_and_probabilities_within_0_and_100(engine):
    _import_accounts_for_lines(engine)
    table = _csv_table(
        ["Account", "Amount", "Date", "Stage", "Probability"],
        ["Acme", "(1 200)", "2025-01-01", "Closed Won", "100"],
        ["Acme", "10", "2025-01-01", "Open", "150"],
        ["Acme", "abc", "2025-01-01", "Open", "10"],
    )
    preview = _preview(engine, table, "revenue")
    assert [(problem.row, problem.column, problem.code) for problem in preview.problems] == [
        (2, "Amount", "number_range"),
        (3, "Probability", "number_range"),
        (4, "Amount", "number_format"),
    ]


# --- all or nothing -------------------------------------------------------------------------------


def test_only_valid_false_with_one_bad_row_writes_nothing(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    before, backups = _counts(engine), set((tmp_path / "backups").glob("*.db"))
    path = salesforce_opportunities(tmp_path)  # one line for an unknown account
    with pytest.raises(ImportRefused) as raised:
        _import(engine, path, "revenue", only_valid=False)
    assert raised.value.rejected == 1
    assert ("unknown_account", 7) in [(problem.code, problem.row) for problem in raised.value.problems]
    assert _counts(engine) == before
    assert set((tmp_path / "backups").glob("*.db")) == backups  # nothing to write: no copy either


def test_a_failure_in_the_middle_of_an_import_leaves_the_database_unchanged(engine, tmp_path, monkeypatch):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    _import(engine, salesforce_opportunities(tmp_path), "revenue")
    before, years = _counts(engine), _years(engine)
    calls = []
    real = import_revenue._execute_batch

    def failing(session, statement, rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(session, statement, rows)

    monkeypatch.setattr(import_revenue, "BATCH_SIZE", 2)
    monkeypatch.setattr(import_revenue, "_execute_batch", failing)
    path = many_revenue_lines(tmp_path, 10, [GROUP, FRANCE])
    with pytest.raises(RuntimeError, match="disk full"):
        _import(engine, path, "revenue")
    assert calls == [2, 2, 2]
    assert _counts(engine) == before
    assert _years(engine) == years


@pytest.mark.sqlite_only("the copy of the .db file")
def test_a_backup_is_made_before_writing_to_a_sqlite_file(engine, tmp_path):
    result = _import(engine, salesforce_accounts(tmp_path), "accounts")
    assert result.backup is not None and result.backup.exists()
    assert result.backup.name.endswith("-before-import.db")
    assert result.backup.parent == db.sqlite_path(str(engine.url)).parent / "backups"
    assert _import(engine, salesforce_accounts(tmp_path), "accounts", backup=False).backup is None


def test_progress_is_reported_in_steps_up_to_the_end(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    calls: list[float] = []
    result = _import(
        engine, many_revenue_lines(tmp_path, 1000, [GROUP, FRANCE, NORDLICHT]), "revenue", progress=calls.append
    )
    assert result.created == 1000
    assert calls == sorted(calls) and calls[0] == 0.0 and calls[-1] == 1.0
    assert 20 <= len(calls) <= 110


# --- mapping --------------------------------------------------------------------------------------


def _mapped(headers, kind) -> dict[str, str]:
    return {target: header for target, header in propose_mapping(headers, kind).items() if header is not None}


def test_propose_mapping_for_salesforce_api_names():
    assert _mapped(
        [
            "Id",
            "Name",
            "Industry",
            "AnnualRevenue",
            "ParentId",
            "BillingCountry",
            "OwnerId",
            "Owner.Name",
            "Type",
            "Description",
        ],
        "accounts",
    ) == {
        "crm_id": "Id",
        "name": "Name",
        "sector": "Industry",
        "parent_crm_id": "ParentId",
        "country": "BillingCountry",
        "kam": "Owner.Name",
        "status": "Type",
        "notes": "Description",
    }
    assert _mapped(["Id", "AccountId", "FirstName", "LastName", "Title", "Email", "Department"], "contacts") == {
        "crm_id": "Id",
        "account_crm_id": "AccountId",
        "first_name": "FirstName",
        "last_name": "LastName",
        "title": "Title",
        "email": "Email",
        "unit": "Department",
    }


def test_propose_mapping_for_salesforce_report_labels():
    assert _mapped(
        [
            "Account Name",
            "Account ID",
            "Parent Account ID",
            "Parent Account",
            "Billing Country",
            "Account Owner",
            "Industry",
            "Type",
        ],
        "accounts",
    ) == {
        "name": "Account Name",
        "crm_id": "Account ID",
        "parent_crm_id": "Parent Account ID",
        "parent_name": "Parent Account",
        "country": "Billing Country",
        "kam": "Account Owner",
        "sector": "Industry",
        "status": "Type",
    }
    assert _mapped(
        [
            "Opportunity Name",
            "Account Name",
            "Opportunity ID",
            "Amount",
            "Close Date",
            "Stage",
            "Probability (%)",
            "Won",
            "Closed",
            "Type",
        ],
        "revenue",
    ) == {
        "label": "Opportunity Name",
        "account_name": "Account Name",
        "crm_id": "Opportunity ID",
        "amount": "Amount",
        "date": "Close Date",
        "stage": "Stage",
        "probability_pct": "Probability (%)",
        "is_won": "Won",
        "is_closed": "Closed",
    }


def test_propose_mapping_for_hubspot():
    assert _mapped(
        [
            "Record ID",
            "Company name",
            "Industry",
            "Country/Region",
            "Company owner",
            "Parent Company",
            "Annual Revenue",
            "Lifecycle Stage",
        ],
        "accounts",
    ) == {
        "crm_id": "Record ID",
        "name": "Company name",
        "sector": "Industry",
        "country": "Country/Region",
        "kam": "Company owner",
        "parent_name": "Parent Company",
        "status": "Lifecycle Stage",
    }
    assert _mapped(
        ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Amount", "Associated Company", "Deal owner"], "revenue"
    ) == {
        "crm_id": "Record ID",
        "label": "Deal Name",
        "stage": "Deal Stage",
        "date": "Close Date",
        "amount": "Amount",
        "account_name": "Associated Company",
    }


def test_propose_mapping_for_dynamics():
    assert _mapped(
        [
            "(Do Not Modify) Account",
            "(Do Not Modify) Row Checksum",
            "Account Name",
            "Primary Contact",
            "Address 1: Country/Region",
            "Owner",
            "Industry",
            "Parent Account",
        ],
        "accounts",
    ) == {
        "crm_id": "(Do Not Modify) Account",
        "name": "Account Name",
        "country": "Address 1: Country/Region",
        "kam": "Owner",
        "sector": "Industry",
        "parent_name": "Parent Account",
    }
    assert _mapped(["accountid", "Account Name"], "accounts") == {"crm_id": "accountid", "name": "Account Name"}
    assert _mapped(
        [
            "Topic",
            "Potential Customer",
            "Est. Revenue",
            "Actual Revenue",
            "Est. Close Date",
            "Actual Close Date",
            "Status Reason",
            "Probability",
        ],
        "revenue",
    ) == {
        "label": "Topic",
        "account_name": "Potential Customer",
        "amount": "Actual Revenue",
        "date": "Actual Close Date",
        "stage": "Status Reason",
        "probability_pct": "Probability",
    }
    assert _mapped(["Topic", "Potential Customer", "Est. Revenue", "Est. Close Date"], "revenue") == {
        "label": "Topic",
        "account_name": "Potential Customer",
        "amount": "Est. Revenue",
        "date": "Est. Close Date",
    }
    assert _mapped(["Full Name", "Company Name", "Job Title", "Email", "Business Phone"], "contacts") == {
        "name": "Full Name",
        "account_name": "Company Name",
        "title": "Job Title",
        "email": "Email",
    }


def test_propose_mapping_for_french_headers():
    assert _mapped(
        ["Raison sociale", "Secteur", "Pays", "CA", "Société mère", "Identifiant", "Responsable"], "accounts"
    ) == {
        "name": "Raison sociale",
        "sector": "Secteur",
        "country": "Pays",
        "revenue": "CA",
        "parent_name": "Société mère",
        "crm_id": "Identifiant",
        "kam": "Responsable",
    }
    assert _mapped(["Société", "Nom", "Prénom", "Fonction", "Courriel", "Service", "Rôle"], "contacts") == {
        "account_name": "Société",
        "last_name": "Nom",
        "first_name": "Prénom",
        "title": "Fonction",
        "email": "Courriel",
        "unit": "Service",
        "role": "Rôle",
    }
    assert _mapped(["Société", "Montant", "Date de clôture", "Étape", "Probabilité"], "revenue") == {
        "account_name": "Société",
        "amount": "Montant",
        "date": "Date de clôture",
        "stage": "Étape",
        "probability_pct": "Probabilité",
    }
    assert _mapped(["RAISON_SOCIALE", "secteur.d.activite", "E-MAIL"], "accounts") == {
        "name": "RAISON_SOCIALE",
        "sector": "secteur.d.activite",
    }


def test_targets_required_groups_and_synonyms_hold_together():
    assert KINDS == ("accounts", "contacts", "revenue")
    for kind in KINDS:
        assert set(TARGETS[kind]) == set(SYNONYMS[kind])
        assert all(target in TARGETS[kind] for group in REQUIRED[kind] for target in group)
        owner: dict[str, str] = {}
        for target, headers in SYNONYMS[kind].items():
            for header in headers:
                assert owner.setdefault(fold_header(header), target) == target, (kind, header)
    assert fold_header("Secteur d’activité") == "secteurdactivite"


def test_the_synonym_table_in_the_docstring_is_up_to_date():
    from kam_core.exchange import import_synonyms

    assert synonyms_table() in import_synonyms.__doc__


def test_load_mapping_from_json_checks_targets_and_headers(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"name": "Raison sociale", "sector": "Secteur", "country": None}), encoding="utf-8")
    assert load_mapping(path, "accounts", ["Raison sociale", "Secteur"]) == {
        "name": "Raison sociale",
        "sector": "Secteur",
        "country": None,
    }
    for bad in ({"nom": "Raison sociale"}, {"name": "Nom"}, {"name": 3}):
        with pytest.raises(ImportFileError) as raised:
            load_mapping(bad, "accounts", ["Raison sociale", "Secteur"])
        assert raised.value.code == "bad_mapping"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportFileError) as raised:
        load_mapping(path)
    assert raised.value.code == "bad_mapping"


def test_a_mapping_without_a_required_field_is_refused(engine):
    table = _csv_table(["First Name", "Email"], ["Anke", "a@b.io"])
    with pytest.raises(ImportFileError) as raised:
        _preview(engine, table, "contacts")
    assert raised.value.code == "missing_required"
    assert raised.value.params["groups"] == [["name", "last_name"], ["account_crm_id", "account_name"]]
    with pytest.raises(ImportFileError) as raised:
        _preview(engine, table, "contacts", {"name": "Nope", "account_name": "Email"})
    assert raised.value.code == "bad_mapping"


def test_an_edited_mapping_is_used_as_given(engine):
    table = _csv_table(["Customer", "Branch", "Whatever"], ["Acme", "Energy", "x"])
    mapping = {"name": "Customer", "sector": "Branch"}
    preview = _preview(engine, table, "accounts", mapping)
    assert preview.ignored_columns == ("Whatever",)
    assert (preview.rows[0].values["name"], preview.rows[0].values["sector"]) == ("Acme", "Energy")


def test_problems_are_plain_data():
    problem = ImportProblem(2, "Name", "x", "required", {"value": "x"})
    assert problem.severity == "error"


# --- review fixes -------------------------------------------------------------------------------


def test_a_partial_revenue_file_leaves_the_yearly_revenue_and_reports_stored_and_lines_totals(engine):
    _import_accounts_for_lines(engine)
    acme = _accounts(engine)["Acme"].id
    with db.session_scope(engine) as session:
        session.add(AccountYear(account_id=acme, year=2025, revenue=17_758_000.0))
        session.add(
            RevenueLine(account_id=acme, kind="won", label="Old deal", amount=7_934_000.0, line_date=date(2025, 2, 1))
        )
        session.add(
            RevenueLine(account_id=acme, kind="opportunity", label="Open", amount=99.0, line_date=date(2025, 3, 1))
        )
    table = _csv_table(
        ["Client", "Date", "Montant", "Libellé", "Étape"], ["Acme", "2025-06-10", "5000", "New", "Gagné"], separator=";"
    )
    expected = (YearTotal(acme, "Acme", 2025, 17_758_000.0, 7_939_000.0),)
    assert _preview(engine, table, "revenue").year_totals == expected
    result = run_import(engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY)
    assert (result.created, result.years_updated, result.year_totals) == (1, 0, expected)
    assert _years(engine) == {("Acme", 2025): 17_758_000.0}
    again = _csv_table(
        ["Client", "Date", "Montant", "Libellé", "Étape"],
        ["Acme", "2025-06-10", "5000", "New", "Gagné"],
        ["Acme", "2024-06-10", "10", "Older", "Gagné"],
        separator=";",
    )
    result = run_import(
        engine, again, "revenue", propose_mapping(again.headers, "revenue"), today=TODAY, set_yearly_revenue=True
    )
    assert (result.created, result.updated, result.years_updated) == (1, 1, 2)
    assert result.year_totals == (
        YearTotal(acme, "Acme", 2024, None, 10.0),
        YearTotal(acme, "Acme", 2025, 17_758_000.0, 7_939_000.0),
    )
    assert _years(engine) == {("Acme", 2025): 7_939_000.0, ("Acme", 2024): 10.0}
    accounts = _csv_table(["Name", "Revenue"], ["Acme", "12"])
    result = run_import(engine, accounts, "accounts", propose_mapping(accounts.headers, "accounts"), today=TODAY)
    assert _codes(result.problems) == [(2, "Revenue", "revenue_year_defaulted", "warning")]
    assert result.problems[0].params == {"value": "12", "year": TODAY.year - 1}
    assert result.year_totals == ()


def test_a_credit_note_is_refused_with_its_own_code(engine):
    _import_accounts_for_lines(engine)
    table = _csv_table(
        ["Client", "Date", "Montant", "Nature"],
        ["Acme", "2025-01-10", "-100", "Facture"],
        ["Acme", "2025-01-10", "-100", "Gagné"],
        separator=";",
    )
    preview = _preview(engine, table, "revenue")
    assert _codes(preview.problems) == [(2, "Montant", "credit_note", "error"), (3, "Montant", "number_range", "error")]
    assert preview.problems[0].params == {"value": "-100"}


def _lines(engine) -> list[tuple]:
    with Session(engine) as session:
        return sorted(
            (line.crm_id, line.kind, line.label, line.amount, line.line_date)
            for line in session.execute(select(RevenueLine)).scalars()
        )


def test_a_line_imported_without_id_then_with_its_id_is_one_line(engine):
    _import_accounts_for_lines(engine)
    headers = ["Id", "Client", "Date", "Montant", "Libellé", "Étape"]
    first = _csv_table(headers, ["", "Acme", "2025-01-10", "100", "Audit", "Gagné"], separator=";")
    run_import(engine, first, "revenue", propose_mapping(first.headers, "revenue"), today=TODAY)
    again = _csv_table(headers, ["006A", "Acme", "2025-01-10", "100", "Audit", "Gagné"], separator=";")
    result = run_import(engine, again, "revenue", propose_mapping(again.headers, "revenue"), today=TODAY)
    assert (result.created, result.updated) == (0, 1)
    assert _lines(engine) == [("006A", "won", "Audit", 100.0, date(2025, 1, 10))]
    # a line that has an id is never taken by another id's natural key
    other = _csv_table(headers, ["006B", "Acme", "2025-01-10", "100", "Audit", "Gagné"], separator=";")
    result = run_import(engine, other, "revenue", propose_mapping(other.headers, "revenue"), today=TODAY)
    assert (result.created, result.updated) == (1, 0)


def test_an_open_deal_without_id_is_matched_on_account_and_label_until_won_or_lost(engine):
    _import_accounts_for_lines(engine)
    headers = ["Client", "Date", "Montant", "Libellé", "Étape", "Probabilité"]

    def run(*row):
        table = _csv_table(headers, row, separator=";")
        return run_import(engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY)

    assert run("Acme", "2026-03-31", "1000", "Fleet", "Proposal", "20").created == 1
    result = run("Acme", "2026-06-30", "1500", "FLEET", "Negotiation", "60")
    assert (result.created, result.updated) == (0, 1)
    assert _lines(engine) == [(None, "opportunity", "FLEET", 1500.0, date(2026, 6, 30))]  # the label as now typed
    result = run("Acme", "2026-07-15", "1400", "Fleet", "Closed Won", "100")
    assert (result.created, result.updated) == (0, 1)
    assert _lines(engine) == [(None, "won", "Fleet", 1400.0, date(2026, 7, 15))]
    assert run("Acme", "2026-08-01", "10", "Pilot", "Proposal", "10").created == 1
    result = run("Acme", "2026-09-01", "10", "Pilot", "Closed Lost", "0")
    assert (result.removed, _lines(engine)) == (1, [(None, "won", "Fleet", 1400.0, date(2026, 7, 15))])


def test_salesforce_15_and_18_character_ids_of_one_record_match():
    assert importing.crm_key("001A000001abcDEFGH") == "001A000001abcDEFGH"  # not Salesforce's checksum
    assert importing.crm_key("0015g00000AbCdEAAV") == "0015g00000AbCdE"
    assert importing.crm_key("0015g00000AbCdE") == "0015g00000AbCdE"
    assert importing.crm_key("0015g00000abcdeAAA") == "0015g00000abcde"
    assert importing.crm_key("0015g00000ABCDEAAA") == "0015g00000ABCDEAAA"  # the case does count


def test_salesforce_15_character_ids_find_the_records_stored_with_18(engine):
    table = _csv_table(
        ["Id", "Name", "ParentId"], ["0015g00000AbCdEAAV", "Parent Co", ""], ["0015g00000XyZabAAF", "Child Co", ""]
    )
    run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    again = _csv_table(
        ["Account ID", "Account Name", "Parent Account ID"],
        ["0015g00000AbCdE", "Parent Co", ""],
        ["0015g00000XyZab", "Child Co", "0015g00000AbCdE"],
    )
    result = run_import(engine, again, "accounts", propose_mapping(again.headers, "accounts"), today=TODAY)
    assert (result.created, result.updated, _codes(result.problems)) == (0, 2, [])
    accounts = _accounts(engine)
    assert accounts["0015g00000XyZab"].parent_id == accounts["0015g00000AbCdE"].id
    lines = _csv_table(
        ["Id", "AccountId", "Amount", "CloseDate", "StageName"],
        ["0065g00000AbCdEAAV", "0015g00000XyZabAAF", "10", "2025-01-01", "Closed Won"],
    )
    run_import(engine, lines, "revenue", propose_mapping(lines.headers, "revenue"), today=TODAY)
    short = _csv_table(
        ["Id", "AccountId", "Amount", "CloseDate", "StageName"],
        ["0065g00000AbCdE", "0015g00000XyZab", "20", "2025-01-01", "Closed Won"],
    )
    result = run_import(engine, short, "revenue", propose_mapping(short.headers, "revenue"), today=TODAY)
    assert (result.created, result.updated) == (0, 1)
    contacts = _csv_table(["Id", "AccountId", "LastName"], ["0035g00000AbCdEAAV", "0015g00000XyZabAAF", "Vogel"])
    run_import(engine, contacts, "contacts", propose_mapping(contacts.headers, "contacts"), today=TODAY)
    contacts = _csv_table(["Id", "AccountId", "LastName"], ["0035g00000AbCdE", "0015g00000XyZab", "Vogel-Braun"])
    result = run_import(engine, contacts, "contacts", propose_mapping(contacts.headers, "contacts"), today=TODAY)
    assert (result.created, result.updated) == (0, 1)


def _workbook_bytes(fill) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_one_formatted_empty_cell_far_away_does_not_make_millions_of_rows():
    from openpyxl.styles import Font

    def fill(sheet):
        sheet.append(["Name", "Industry", "Since"])
        sheet.append(["Bomb Co", "Energy", date(2024, 5, 2)])
        sheet["ZZ1048576"].font = Font(bold=True)  # formatted, no value
        sheet["XFD5"].font = Font(bold=True)

    table = read_table(_workbook_bytes(fill), "bomb.xlsx")
    assert (table.headers, table.rows) == (
        ("Name", "Industry", "Since"),
        (("Bomb Co", "Energy", datetime(2024, 5, 2)),),
    )
    assert table.rows[0][2].__class__.__name__ == "datetime"


def test_an_xlsx_stops_after_1000_blank_rows_and_refuses_too_many_columns_or_rows(monkeypatch):
    def gap(sheet):
        sheet.append(["Name"])
        sheet.append(["Near"])
        sheet["A1002"] = "Still read"  # 999 blank rows before it
        sheet["A2004"] = "Too far"  # 1001 blank rows before it

    assert read_table(_workbook_bytes(gap), "gap.xlsx").rows[-1] == ("Still read",)
    assert ("Too far",) not in read_table(_workbook_bytes(gap), "gap.xlsx").rows

    def wide(sheet):
        sheet.append([f"C{number}" for number in range(501)])
        sheet.append(["x"] * 501)

    with pytest.raises(ImportFileError) as error:
        read_table(_workbook_bytes(wide), "wide.xlsx")
    assert (error.value.code, error.value.params) == ("too_large", {"rows": 1_000_000, "columns": 500})
    with pytest.raises(ImportFileError) as error:
        read_table((",".join(f"C{number}" for number in range(501)) + "\n" + "x," * 500 + "x\n").encode(), "w.csv")
    assert error.value.code == "too_large"
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)

    def long(sheet):
        for number in range(5):
            sheet.append([f"Row {number}"])

    with pytest.raises(ImportFileError) as error:
        read_table(_workbook_bytes(long), "long.xlsx")
    assert (error.value.code, error.value.params) == ("too_large", {"rows": 3, "columns": 500})
    with pytest.raises(ImportFileError):
        read_table(b"Name\na\nb\nc\nd\n", "long.csv")
    assert len(read_table(b"Name\na\nb\nc\n", "ok.csv").rows) == 3


def test_a_merged_title_cell_and_date_cells_read_right_from_a_streamed_sheet():
    def fill(sheet):
        sheet["A1"] = "Export of accounts"
        sheet.merge_cells("A1:C1")
        sheet.append(["Name", "Sector", "Since"])
        sheet.append(["Acme", "Energy", datetime(2025, 12, 31, 14, 30)])

    table = read_table(_workbook_bytes(fill), "title.xlsx")
    assert (table.header_row, table.headers) == (2, ("Name", "Sector", "Since"))
    assert table.rows == (("Acme", "Energy", datetime(2025, 12, 31, 14, 30)),)


def test_a_salesforce_report_footer_is_dropped_and_a_title_line_skipped():
    text = (
        '"Account Name","Account ID","Industry"\r\n"Acme","0015g00000AbCdE","Energy"\r\n\r\n""\r\n'
        '"Generated By:  Claire Fontaine  26/11/2026 09:12"\r\n"Acme Corp"\r\n'
        '"Confidential Information - Do Not Distribute"\r\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    )
    table = read_table(text.encode(), "report.csv")
    assert table.rows == (("Acme", "0015g00000AbCdE", "Energy"),)
    # a last row filling only its first column after a blank row is data, not a footer
    assert read_table(b"Name,Sector\nAcme,Energy\n\nBeta\n", "f.csv").rows == (
        ("Acme", "Energy"),
        (None, None),
        ("Beta", None),
    )
    titled = read_table("Export des comptes — novembre 2026\nRaison sociale;Secteur\nAcme;Énergie\n".encode(), "t.csv")
    assert (titled.separator, titled.header_row, titled.headers, titled.rows) == (
        ";",
        2,
        ("Raison sociale", "Secteur"),
        (("Acme", "Énergie"),),
    )
    # a single-column file keeps its first row as the header
    assert read_table(b"Name\nAcme\n", "one.csv").headers == ("Name",)


def test_dynamics_actual_revenue_and_close_date_win_and_open_deals_take_the_estimated_ones(engine):
    _import_accounts_for_lines(engine)
    headers = [
        "(Do Not Modify) Opportunity",
        "Topic",
        "Potential Customer",
        "Est. Close Date",
        "Est. Revenue",
        "Status",
        "Actual Revenue",
        "Actual Close Date",
    ]
    table = _csv_table(
        headers,
        ["a-1", "Fleet", "Acme", "15/12/2026", "€120,000.00", "Open", "", ""],
        ["a-2", "Sensors", "Acme", "01/03/2026", "€80,000.00", "Won", "€75,000.00", "20/03/2026"],
    )
    mapping = propose_mapping(table.headers, "revenue")
    assert (mapping["amount"], mapping["date"]) == ("Actual Revenue", "Actual Close Date")
    preview = _preview(engine, table, "revenue")
    assert [(row.values["kind"], row.values["amount"], row.values["date"]) for row in preview.rows] == [
        ("opportunity", 120_000.0, date(2026, 12, 15)),
        ("won", 75_000.0, date(2026, 3, 20)),
    ]
    assert preview.ignored_columns == ()  # the estimated columns are used, for the open deal


def test_preview_values_are_keyed_by_targets_and_years_are_integers(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    accounts = _csv_table(
        ["Id", "Name", "Parent ID", "Revenue", "Year"], [FRANCE, "Veltara Motors France", GROUP, "10", "2025.0"]
    )
    row = _preview(engine, accounts, "accounts").rows[0]
    assert (row.values["parent_name"], row.values["revenue_year"]) == ("Veltara Motors Group", 2025)
    assert type(row.values["revenue_year"]) is int
    contacts = _csv_table(["Last Name", "Account ID"], ["Vogel", GROUP])
    lines = _csv_table(["AccountId", "Amount", "CloseDate", "StageName"], [GROUP, "1", "2025-01-01", "Closed Won"])
    for kind, table in (("accounts", accounts), ("contacts", contacts), ("revenue", lines)):
        values = _preview(engine, table, kind).rows[0].values
        assert set(values) <= set(TARGETS[kind]), (kind, set(values) - set(TARGETS[kind]))
    assert _preview(engine, lines, "revenue").rows[0].values["account_name"] == "Veltara Motors Group"


def test_an_invalid_date_does_not_vote_for_the_columns_order(engine):
    # 13/14/2026 is no date in either order: 03/04/2026 stays day-first, not refused as ambiguous
    assert _dates(engine, "13/14/2026", "03/04/2026", "01/13/2026") == [
        "not_a_date",
        date(2026, 3, 4),
        date(2026, 1, 13),
    ]
    assert _dates(engine, "13/14/2026", "03/04/2026") == ["not_a_date", date(2026, 4, 3)]


def test_an_undecided_date_column_of_an_american_file_is_month_first_with_a_warning(engine):
    _import_accounts_for_lines(engine)
    headers = ["Account Name", "Amount", "Close Date", "Kind"]
    us = _csv_table(headers, ["Acme", "1250.50", "03/04/2026", "invoice"], ["Acme", "10", "05/05/2026", "invoice"])
    preview = _preview(engine, us, "revenue")
    assert [row.values["date"] for row in preview.rows] == [date(2026, 3, 4), date(2026, 5, 5)]
    assert _codes(preview.problems) == [(2, "Close Date", "date_order_guessed", "warning")]
    assert preview.problems[0].params == {"value": "03/04/2026", "order": "mdy"}
    french = _csv_table(headers, ["Acme", "1250,50", "03/04/2026", "invoice"], separator=";")
    assert _preview(engine, french, "revenue").rows[0].values["date"] == date(2026, 4, 3)
    decided = _csv_table(headers, ["Acme", "1250.50", "03/04/2026", "invoice"], ["Acme", "1", "25/04/2026", "invoice"])
    preview = _preview(engine, decided, "revenue")
    assert [row.values["date"] for row in preview.rows] == [date(2026, 4, 3), date(2026, 4, 25)]
    assert preview.problems == ()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 2,5", "number_format"),
        ("1 25", "number_format"),
        ("12 3456", "number_format"),
        ("1'2", "number_format"),
        ("1 250,5", 1250.5),
        ("12 345 678", 12_345_678.0),
        ("€ 1 200", 1200.0),
        ("1'250.50", 1250.5),
        ("(1 250)", "credit_note"),
    ],
)
def test_digit_groups_must_be_three_digits(engine, cell, expected):
    _import_accounts_for_lines(engine)
    table = _csv_table(
        ["Account Name", "Amount", "Date", "Kind"], ["Acme", cell, "2025-01-01", "invoice"], separator=";"
    )
    row = _preview(engine, table, "revenue").rows[0]
    assert (row.values["amount"] if row.action != "reject" else row.problems[0].code) == expected


def test_a_revenue_file_matches_the_right_lines_among_many_unrelated_stored_ones(engine):
    """Only the stored lines a file can match are read (by its CRM ids, in chunks, then by natural
    key and open deal within its accounts): lines of other accounts and ids never get in the way,
    and the year totals and the pipeline still sum every stored line of the touched accounts."""
    accounts = _csv_table(["Name", "Sector"], ["Acme", "Energy"], ["Beta", "Energy"], ["Gamma", "Energy"])
    run_import(engine, accounts, "accounts", propose_mapping(accounts.headers, "accounts"), today=TODAY)
    ids = {account.name: account.id for account in _accounts(engine).values()}
    with db.session_scope(engine) as session:
        for number in range(1, 1201):  # more ids than one IN (...) list holds
            account = ("Acme", "Beta", "Gamma")[number % 3]
            kind = ("won", "invoice", "opportunity")[number % 3]
            session.add(
                RevenueLine(
                    account_id=ids[account],
                    crm_id=f"L{number:05d}",
                    kind=kind,
                    label=f"Deal {number}",
                    amount=float(number),
                    line_date=date(2024 + number % 2, 1 + number % 12, 1),
                    probability_pct=50.0 if kind == "opportunity" else None,
                )
            )
        session.add(
            RevenueLine(
                account_id=ids["Acme"],
                crm_id="0065g00000AbCdEAAV",
                kind="won",
                label="Salesforce",
                amount=10.0,
                line_date=date(2025, 3, 1),
            )
        )
        session.add(
            RevenueLine(
                account_id=ids["Acme"],
                crm_id=None,
                kind="invoice",
                label="Bare",
                amount=99.5,
                line_date=date(2025, 4, 1),
            )
        )
        session.add(
            RevenueLine(
                account_id=ids["Beta"],
                crm_id=None,
                kind="invoice",
                label="Bare",
                amount=99.5,
                line_date=date(2025, 4, 1),
            )
        )
        session.add(
            RevenueLine(
                account_id=ids["Acme"],
                crm_id=None,
                kind="opportunity",
                label="Fleet  Renewal",
                amount=500.0,
                line_date=date(2026, 6, 1),
                probability_pct=20.0,
            )
        )
    with Session(engine) as session:
        before = {
            line.crm_id or f"{line.account_id}:{line.label}": (line.id, line.amount, line.version)
            for line in session.execute(select(RevenueLine)).scalars()
        }
    headers = ["Id", "Account", "Amount", "Date", "Name", "Stage", "Probability"]
    rows = [
        [f"L{number:05d}", "Acme", f"{number + 0.25}", "2025-05-01", f"Deal {number}", "Closed Won", "100"]
        for number in range(3, 1201, 3)
    ]  # Acme's own lines, by their ids
    rows += [
        ["0065g00000AbCdE", "Acme", "11", "2025-03-01", "Salesforce", "Closed Won", "100"],  # 15 for 18
        ["006NEW0001", "Acme", "99.5", "2025-04-01", "Bare", "Invoice", ""],  # Acme's line without id
        ["", "Acme", "650", "2026-07-01", "fleet renewal", "Negotiation", "60"],  # the open deal, by label
        ["006NEW0002", "Gamma", "7", "2025-08-01", "New", "Closed Won", "100"],
    ]  # a new line
    table = _csv_table(headers, *rows)
    preview = _preview(engine, table, "revenue")
    assert (preview.counts["update"], preview.counts["create"], preview.counts["reject"]) == (403, 1, 0)
    result = run_import(engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY)
    assert (result.created, result.updated, result.rejected) == (1, 403, 0)
    with Session(engine) as session:
        after = {line.id: line for line in session.execute(select(RevenueLine)).scalars()}
    for number in range(1, 1201):
        line_id, amount, version = before[f"L{number:05d}"]
        line = after[line_id]
        if number % 3 == 0:
            assert (line.kind, line.amount, line.line_date, line.version) == ("won", number + 0.25, date(2025, 5, 1), 2)
        else:
            assert (line.amount, line.version) == (amount, version)  # another account's line: untouched
    assert after[before["0065g00000AbCdEAAV"][0]].amount == 11.0
    bare = after[before[f"{ids['Acme']}:Bare"][0]]
    assert (bare.crm_id, bare.amount, bare.version) == ("006NEW0001", 99.5, 2)  # its id stored
    assert after[before[f"{ids['Beta']}:Bare"][0]].crm_id is None
    fleet = after[before[f"{ids['Acme']}:Fleet  Renewal"][0]]
    assert (fleet.amount, fleet.probability_pct, fleet.label) == (650.0, 60.0, "fleet renewal")
    assert len(after) == len(before) + 1
    sums: dict[tuple[int, int], float] = {}
    for line in after.values():
        if line.kind in ("won", "invoice"):
            pair = (line.account_id, line.line_date.year)
            sums[pair] = sums.get(pair, 0.0) + line.amount
    touched = {(ids["Acme"], 2024), (ids["Acme"], 2025), (ids["Gamma"], 2025)}  # Acme's 2024 lines moved to 2025
    assert {(total.account_id, total.year): total.lines_total for total in result.year_totals} == {
        pair: pytest.approx(sums.get(pair, 0.0)) for pair in touched
    }
    assert {(total.account_id, total.year): total.lines_total for total in preview.year_totals} == {
        (total.account_id, total.year): pytest.approx(total.lines_total) for total in result.year_totals
    }
    open_acme = [line for line in after.values() if line.account_id == ids["Acme"] and line.kind == "opportunity"]
    assert result.pipeline[ids["Acme"]] == pytest.approx(
        (sum(line.amount for line in open_acme), sum(line.amount * line.probability_pct / 100 for line in open_acme))
    )


def test_an_empty_date_cell_keeps_the_stored_date_of_a_won_line(engine, tmp_path):
    _import(engine, salesforce_accounts(tmp_path), "accounts")
    _import(engine, salesforce_opportunities(tmp_path), "revenue", set_yearly_revenue=True)
    before = _years(engine)
    table = _csv_table(
        ["Opportunity ID", "Account ID", "Amount", "Close Date", "Stage", "Probability (%)"],
        ["0065g0000008", FRANCE, "12000", "", "Closed Won", "100"],
    )
    result = run_import(
        engine, table, "revenue", propose_mapping(table.headers, "revenue"), today=TODAY, set_yearly_revenue=True
    )
    assert (result.updated, result.rejected) == (1, 0)
    after = _years(engine)
    changed = {key for key in after if after[key] != before.get(key)}
    assert len(changed) == 1 and after[changed.pop()] != 0  # the amount changed in the line's own (stored) year


def test_an_import_of_revenue_lines_leaves_one_audit_entry_per_account(engine, tmp_path):
    from kam_core.store.models import AuditEntry

    _import(engine, salesforce_accounts(tmp_path), "accounts")
    accounts = _accounts(engine)
    result = _import(engine, salesforce_opportunities(tmp_path), "revenue", set_yearly_revenue=True)
    with Session(engine) as session:
        entries = session.execute(select(AuditEntry).where(AuditEntry.table_name == "revenue_line")).scalars().all()
        years = session.execute(select(AuditEntry).where(AuditEntry.table_name == "account_year")).scalars().all()
    assert len(years) == result.years_updated > 0  # the yearly revenue the lines set is traced too
    assert all(json.loads(entry.changes)["revenue"][1] is not None for entry in years)
    created = {entry.account_id: json.loads(entry.changes)["lines_created"][1] for entry in entries}
    assert sum(created.values()) == result.created
    assert set(created) <= {account.id for account in accounts.values()}
    assert all(entry.action == "update" and entry.record_id is None for entry in entries)
