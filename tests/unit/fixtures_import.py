"""Import files as CRMs and Excel export them, built by the tests in their tmp_path (no binary
fixture is committed): Salesforce, HubSpot and Dynamics CSV, French Excel CSV (Windows-1252 or
UTF-8 with BOM, ";" and decimal commas), XLSX workbooks written with openpyxl."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

NBSP, NARROW_NBSP = "\u00a0", "\u202f"


def write_csv(
    folder: Path, name: str, rows: list[list], *, encoding: str = "utf-8", separator: str = ",", line_end: str = "\r\n"
) -> Path:
    """A CSV file as Excel or a CRM writes it: quotes only where needed, CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator=line_end)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    path = folder / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    folder: Path, name: str, rows: list[list], *, title: str = "Export", blank_sheet_first: bool = False
) -> Path:
    """A workbook whose first sheet holds ``rows`` (cells as given: numbers, datetimes, text)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell in sheet["D"][1:]:
        if isinstance(cell.value, datetime):
            cell.number_format = "DD/MM/YYYY"
    path = folder / name
    workbook.save(path)
    return path


# --- accounts -----------------------------------------------------------------------------------

SALESFORCE_ACCOUNTS = [
    ["Id", "Name", "Industry", "BillingCountry", "ParentId", "Type", "Owner.Name", "AnnualRevenue", "Description"],
    # the subsidiary comes before its parent: the file's order does not matter
    [
        "0015g00000AbCdEAA1",
        "Veltara Motors France",
        "Automotive",
        "France",
        "0015g00000AbCdEAA0",
        "Customer - Direct",
        "Claire Martin",
        "1200000000",
        "French arm",
    ],
    [
        "0015g00000AbCdEAA0",
        "Veltara Motors Group",
        "Automotive",
        "DEU",
        "",
        "Customer - Channel",
        "Claire Martin",
        "9000000000",
        "",
    ],
    [
        "0015g00000AbCdEAA2",
        "Nordlicht Energie",
        "Energy",
        "Germany",
        "",
        "Prospect",
        "paul.weber@example.com",
        "",
        "Met at the Hanover fair",
    ],
    ["0015g00000AbCdEAA3", "Helvetia Care", "Hospital groups", "CH", "", "Other", "", "", ""],
]


def salesforce_accounts(folder: Path) -> Path:
    """Salesforce data export (API names, UTF-8, comma), parent linked by ParentId in the file."""
    return write_csv(folder, "Account.csv", SALESFORCE_ACCOUNTS)


FRENCH_ACCOUNTS = [
    [
        "Raison sociale",
        "Secteur d'activité",
        "Pays",
        "Chiffre d'affaires",
        "Année",
        "Marge %",
        "Société mère",
        "Identifiant",
        "Commentaire",
    ],
    [
        "Société Générale d'Électricité",
        "Énergie",
        "Allemagne",
        f"1{NBSP}250,5",
        "2025",
        "12,5",
        "",
        "FR-001",
        "Façade ouest à revoir",
    ],
    ["Crèmerie Française", "Agroalimentaire", "France", f"2{NBSP}000{NBSP}000,25", "2025", "8,25 %", "", "FR-002", ""],
    [
        "Filiale Française Électricité",
        "Énergie",
        "Belgique",
        "750",
        "2024",
        "-3,5",
        "Société Générale d'Électricité",
        "FR-003",
        "",
    ],
]
FRENCH_REVENUE_2025 = 1250.5 + 2_000_000.25
FRENCH_REVENUE_2024 = 750.0


def french_accounts(folder: Path) -> Path:
    """French Excel 'CSV (séparateur: point-virgule)': Windows-1252, ';', decimal commas, thousands
    separated by a non-breaking space, French headers and accents."""
    return write_csv(folder, "comptes.csv", FRENCH_ACCOUNTS, encoding="cp1252", separator=";")


def french_accounts_utf8_bom(folder: Path) -> Path:
    """The same export saved as 'CSV UTF-8': a byte order mark, and a narrow no-break space (U+202F)
    between thousands, which Windows-1252 cannot hold."""
    rows = [list(row) for row in FRENCH_ACCOUNTS]
    rows[1][3] = f"1{NARROW_NBSP}250,5"
    rows[2][3] = f"2{NARROW_NBSP}000{NARROW_NBSP}000,25"
    return write_csv(folder, "comptes-utf8.csv", rows, encoding="utf-8-sig", separator=";")


# --- contacts -----------------------------------------------------------------------------------

HUBSPOT_CONTACTS = [
    [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Job Title",
        "Associated Company",
        "Buying Role",
        "Contact owner",
        "Phone Number",
    ],
    [
        "51",
        "Anke",
        "Vogel",
        "anke.vogel@veltara.example",
        "Head of Procurement",
        "Veltara Motors Group",
        "Budget Holder",
        "Claire Martin",
        "+49 30 1234",
    ],
    [
        "52",
        "Jean",
        "Dupont",
        "jean.dupont@veltara.example",
        "Directeur technique",
        "VELTARA MOTORS FRANCE",
        "Decision Maker",
        "",
        "",
    ],
    ["53", "Olaf", "Schulz", "not-an-email", "Engineer", "Nordlicht Energie", "Blocker", "", ""],
    ["54", "Mia", "Keller", "mia.keller@unknown.example", "CFO", "Unknown Holding", "Decision Maker", "", ""],
]


def hubspot_contacts(folder: Path) -> Path:
    return write_csv(folder, "hubspot-contacts.csv", HUBSPOT_CONTACTS, encoding="utf-8-sig")


# --- revenue lines ------------------------------------------------------------------------------

SALESFORCE_OPPORTUNITIES = [
    ["Id", "AccountId", "Name", "Amount", "CloseDate", "StageName", "Probability", "IsWon", "IsClosed", "Type"],
    [
        "0065g0000001",
        "0015g00000AbCdEAA0",
        "Fleet renewal 2025",
        "120000.50",
        "2025-03-31",
        "Closed Won",
        "100",
        "true",
        "true",
        "New Business",
    ],
    [
        "0065g0000002",
        "0015g00000AbCdEAA0",
        "Service contract",
        "30000",
        "2025-11-15",
        "Closed Won",
        "100",
        "true",
        "true",
        "Existing Business",
    ],
    [
        "0065g0000003",
        "0015g00000AbCdEAA1",
        "Plant retrofit",
        "80000",
        "2026-06-30",
        "Negotiation/Review",
        "60",
        "false",
        "false",
        "New Business",
    ],
    [
        "0065g0000004",
        "0015g00000AbCdEAA1",
        "Pilot line",
        "20000",
        "2026-09-30",
        "Prospecting",
        "10",
        "false",
        "false",
        "New Business",
    ],
    [
        "0065g0000005",
        "0015g00000AbCdEAA0",
        "Lost tender",
        "500000",
        "2025-05-01",
        "Closed Lost",
        "0",
        "false",
        "true",
        "New Business",
    ],
    [
        "0065g0000006",
        "0015g00000ZZZZZZZ9",
        "Nobody's deal",
        "1000",
        "2025-02-01",
        "Closed Won",
        "100",
        "true",
        "true",
        "New Business",
    ],
    [
        "0065g0000007",
        "0015g00000AbCdEAA2",
        "Heat pumps",
        "45000",
        "2026-03-31",
        "Qualification",
        "",
        "false",
        "false",
        "New Business",
    ],
    [
        "0065g0000008",
        "0015g00000AbCdEAA1",
        "Spare parts 2025",
        "10000",
        "2025-12-01",
        "Closed Won",
        "100",
        "true",
        "true",
        "Existing Business",
    ],
]


def salesforce_opportunities(folder: Path) -> Path:
    return write_csv(folder, "Opportunity.csv", SALESFORCE_OPPORTUNITIES)


FRENCH_INVOICES = [
    ["N° facture", "Client", "Date facture", "Montant HT", "Nature", "Libellé"],
    ["F-2025-001", "Veltara Motors Group", "15/01/2025", f"4{NBSP}999,50", "Facture", "Pièces détachées"],
    ["F-2025-002", "Veltara Motors France", "28/02/2025", "1.000,00", "Facture", "Formation"],
    ["F-2024-003", "Veltara Motors Group", "20/12/2024", "2 500", "Facture", "Audit"],
]


def french_invoices(folder: Path) -> Path:
    return write_csv(folder, "factures.csv", FRENCH_INVOICES, encoding="cp1252", separator=";")


def xlsx_opportunities(folder: Path) -> Path:
    """A HubSpot-like deals export opened and saved in Excel: dates as datetime cells, amounts as
    numbers, the probability as a percent cell (0.25 for 25 %)."""
    rows = [
        ["Deal Name", "Associated Company", "Amount", "Close Date", "Deal Stage", "Deal probability"],
        ["Fleet telematics", "Nordlicht Energie", 15000, datetime(2026, 2, 27), "Contract Sent", 0.75],
        ["Charging points", "Nordlicht Energie", 2500.5, datetime(2025, 12, 31, 14, 30), "Closed Won", 1],
        ["Wind service", "Helvetia Care", 40000, datetime(2026, 7, 1), "Appointment Scheduled", 0.25],
        [None, None, None, None, None, None],
        ["Old deal", "Helvetia Care", 999, date(2024, 5, 2), "Closed Lost", 0],
    ]
    return write_xlsx(folder, "hubspot-deals.xlsx", rows)


def many_revenue_lines(folder: Path, lines: int, accounts: list[str], seed: int = 7) -> Path:
    rng = random.Random(seed)
    rows = [["Id", "AccountId", "Name", "Amount", "CloseDate", "StageName", "Probability"]]
    for number in range(lines):
        rows.append(
            [
                f"006L{number:07d}",
                rng.choice(accounts),
                f"Deal {number}",
                f"{rng.randrange(100, 9999)}.50",
                f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                rng.choice(["Closed Won", "Prospecting"]),
                "50",
            ]
        )
    return write_csv(folder, "many.csv", rows)


def garbage(folder: Path, size: int = 4096, seed: int = 3) -> Path:
    path = folder / "garbage.csv"
    path.write_bytes(random.Random(seed).randbytes(size))
    return path
