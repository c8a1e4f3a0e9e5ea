"""The command line: each command prints what it did and exits non-zero with a clear reason."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from sqlmodel import Session, func, select

from kam_core.__main__ import main
from kam_core.common.formatting import quoted
from kam_core.i18n import translate
from kam_core.store import backups, db
from kam_core.store.models import Account, AccountYear, RevenueLine
from tests.conftest import POSTGRES
from tests.locks import write_lock_held_by_another_process

PROJECT = Path(__file__).resolve().parents[2]


def _accounts(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(Account)).one()


def test_export_then_restore_into_an_empty_database(on, demo_url, empty_url, tmp_path, capsys):
    workbook = tmp_path / "all.xlsx"
    on(demo_url)
    assert main(["export", str(workbook)]) == 0
    assert "Exported" in capsys.readouterr().out
    on(empty_url)
    assert main(["restore", str(workbook)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert _accounts(empty_url) == _accounts(demo_url) == 30
    # a second restore is refused: the database is no longer empty, and nothing changes
    assert main(["restore", str(workbook)]) == 1
    assert "already has 30 accounts" in capsys.readouterr().err
    assert _accounts(empty_url) == 30


def test_qbr_writes_the_deck_of_the_named_account(on, demo_url, tmp_path, capsys):
    on(demo_url)
    out = tmp_path / "qbr.pptx"
    assert main(["qbr", "aerivon AEROSTRUCTURES", "--out", str(out), "--language", "fr"]) == 0
    printed = capsys.readouterr().out
    deck = Presentation(str(out))
    assert f"{len(deck.slides)} slides written" in printed and "Aerivon Aerostructures" in printed
    assert main(["qbr", "No Such Customer", "--out", str(tmp_path / "x.pptx")]) == 1
    assert "No account named" in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()


def test_qbr_customer_version_shows_our_overdue_commitments_only_when_asked(on, demo_url, tmp_path, capsys):
    on(demo_url)
    decks = {}
    for flags in ([], ["--overdue-as-new-date"]):
        out = tmp_path / f"qbr{len(flags)}.pptx"
        assert main(["qbr", "Aerivon Aerostructures", "--out", str(out), "--customer", *flags]) == 0
        decks[bool(flags)] = _deck_text(out)
    assert "In progress, new date" not in decks[False]
    assert "In progress, new date" in decks[True]
    assert main(["qbr", "Aerivon Aerostructures", "--out", str(tmp_path / "x.pptx"), "--overdue-as-new-date"]) == 1
    assert "add --customer" in capsys.readouterr().err and not (tmp_path / "x.pptx").exists()


def _deck_text(path) -> str:
    deck = Presentation(str(path))
    return "\n".join(
        shape.text_frame.text
        if shape.has_text_frame
        else "\n".join(cell.text for row in shape.table.rows for cell in row.cells)
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame or shape.has_table
    )


def test_backup_copies_the_database_and_never_overwrites(on, demo_url, tmp_path, capsys):
    on(demo_url)
    target = tmp_path / "copy.db"
    if POSTGRES:  # the copy is of a SQLite file: a PostgreSQL server is backed up with pg_dump
        assert main(["backup", str(target)]) == 1
        assert "pg_dump" in capsys.readouterr().err and not target.exists()
        return
    assert main(["backup", str(target)]) == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from account").fetchone()[0] == 30
    assert main(["backup", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_import_reports_what_it_did_and_is_idempotent(on, demo_url, tmp_path, capsys):
    on(demo_url)
    before = _accounts(demo_url)
    source = tmp_path / "accounts.csv"
    source.write_text(
        "Id,Name,Industry,BillingCountry\n"
        "001A,Brightwater Utilities,Energy,France\n"
        "001B,Nordlys Shipping AS,Logistics,Norway\n"
        "001C,,Energy,France\n",
        encoding="utf-8",
    )
    assert main(["import", "accounts", str(source)]) == 0
    out = capsys.readouterr().out
    assert "3 rows read, 2 created, 0 updated, 1 refused" in out
    assert "row 4" in out
    assert _accounts(demo_url) == before + 2
    assert main(["import", "accounts", str(source)]) == 0
    assert "0 created, 2 updated" in capsys.readouterr().out
    assert _accounts(demo_url) == before + 2


def test_import_all_or_nothing_writes_nothing_when_a_row_is_refused(on, demo_url, tmp_path, capsys):
    on(demo_url)
    before = _accounts(demo_url)
    source = tmp_path / "accounts.csv"
    source.write_text("Id,Name,Industry\n001A,Brightwater Utilities,Energy\n001C,,Energy\n", encoding="utf-8")
    assert main(["import", "accounts", str(source), "--all-or-nothing"]) == 1
    assert "Nothing imported" in capsys.readouterr().err
    assert _accounts(demo_url) == before


def _won_2025(url: str, account_id: int) -> float:
    with Session(db.get_engine(url)) as session:
        amounts = session.exec(
            select(RevenueLine.amount).where(
                RevenueLine.account_id == account_id,
                RevenueLine.kind.in_(("won", "invoice")),
                RevenueLine.line_date >= date(2025, 1, 1),
                RevenueLine.line_date <= date(2025, 12, 31),
            )
        ).all()
    return sum(amounts)


def test_import_of_a_french_revenue_file_sets_the_yearly_revenue(on, demo_url, tmp_path, capsys):
    on(demo_url)
    with Session(db.get_engine(demo_url)) as session:
        aerivon = session.exec(select(Account.id).where(Account.name == "Aerivon Aerostructures")).one()
    before = _won_2025(demo_url, aerivon)
    source = tmp_path / "ca.csv"
    source.write_text(
        "Raison sociale;Montant;Date de clôture;Étape\n"
        "Aerivon Aerostructures;1 250 000,50;15/03/2025;Gagnée\n"
        "Aerivon Aerostructures;250 000;30/06/2025;Gagnée\n"
        "Société inconnue;100;01/01/2025;Gagnée\n",
        encoding="cp1252",
    )
    with Session(db.get_engine(demo_url)) as session:
        stored = session.exec(
            select(AccountYear.revenue).where(AccountYear.account_id == aerivon, AccountYear.year == 2025)
        ).one()
    assert main(["import", "revenue", str(source)]) == 0
    out = capsys.readouterr().out
    assert "2 created" in out and "row 4" in out
    assert "Yearly revenue left as it was" in out  # a partial file never cuts the year's revenue by default
    with Session(db.get_engine(demo_url)) as session:
        assert (
            session.exec(
                select(AccountYear.revenue).where(AccountYear.account_id == aerivon, AccountYear.year == 2025)
            ).one()
            == stored
        )
    assert main(["import", "revenue", str(source), "--set-yearly-revenue"]) == 0
    assert "0 created, 2 updated" in capsys.readouterr().out
    with Session(db.get_engine(demo_url)) as session:
        year = session.exec(
            select(AccountYear).where(AccountYear.account_id == aerivon, AccountYear.year == 2025)
        ).one()
    # the won lines are the source of the year's revenue: the demo's lines plus the two imported
    assert _won_2025(demo_url, aerivon) == pytest.approx(before + 1_500_000.50)
    assert year.revenue == pytest.approx(before + 1_500_000.50)


def test_unreadable_files_are_refused_with_a_reason(on, demo_url, tmp_path, capsys):
    on(demo_url)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["import", "accounts", str(empty)]) == 1
    assert "empty.csv" in capsys.readouterr().err
    assert main(["import", "accounts", str(tmp_path / "missing.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_files_that_cannot_be_written_and_existing_exports_are_refused(on, demo_url, tmp_path, capsys):
    on(demo_url)
    assert main(["export", str(tmp_path / "missing-folder" / "all.xlsx")]) == 1
    assert "cannot be written" in capsys.readouterr().err
    existing = tmp_path / "all.xlsx"
    existing.write_bytes(b"keep me")
    assert main(["export", str(existing)]) == 1
    assert existing.read_bytes() == b"keep me"


def test_an_import_whose_every_row_is_refused_fails(on, demo_url, tmp_path, capsys):
    on(demo_url)
    source = tmp_path / "accounts.csv"
    source.write_text("Id,Name,Industry\n001A,,Energy\n001B,,Energy\n", encoding="utf-8")
    assert main(["import", "accounts", str(source)]) == 1
    assert "every row" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value"), [("KAM_TIMEZONE", "Europe/Pariss"), ("KAM_TODAY", "2026-13-01")])
@pytest.mark.parametrize("command", [["info"], ["migrate"], ["backups"]])
def test_a_clock_setting_that_does_not_parse_stops_every_command(
    on, empty_url, monkeypatch, capsys, variable, value, command
):
    on(empty_url)
    monkeypatch.setenv(variable, value)  # KAM_TODAY stays pinned for the zone's case: the zone is checked all the same
    assert main(command) == 2
    assert f"{variable}={value}" in capsys.readouterr().err


# --- a database busy with another process's save ---------------------------------------------------


def _run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    """``python -m kam_core ARGS`` in a process of its own, with the tests' short busy wait (the
    product's own, 5 s at most, is tested in tests/unit/test_busy.py); killed if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "kam_core", *args],
        cwd=PROJECT,
        env={**os.environ, "KAM_DATABASE_URL": url, db.BUSY_WAIT_VARIABLE: "300"},
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a hang, far beyond the wait: not a measure
    )


@pytest.mark.sqlite_only("SQLite's write lock held by another process")
@pytest.mark.parametrize("command", ["import", "seed", "restore-backup"])
def test_a_write_command_while_another_process_saves_says_busy_and_writes_nothing(
    demo_url, empty_url, tmp_path, command
):
    target = demo_url if command != "seed" else empty_url
    if command == "import":
        source = tmp_path / "accounts.csv"
        source.write_text("Name,Industry\nBusy Test Co,Energy\n", encoding="utf-8")
        args = ["import", "accounts", str(source)]
    elif command == "seed":
        args = ["seed", "--demo"]
    else:
        copy = backups.copy_sqlite(db.sqlite_path(empty_url), tmp_path / "empty-copy.db")
        args = ["restore-backup", str(copy)]  # were it restored, the demo's accounts would be gone
    before = _accounts(target)
    db.dispose_all()
    with write_lock_held_by_another_process(db.sqlite_path(target)):
        done = _run_cli(target, *args)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert translate("error.store.busy", "en", path=str(db.sqlite_path(target))) in done.stderr
    assert "Traceback" not in done.stderr
    assert _accounts(target) == before


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_a_refused_megabyte_cell_is_quoted_by_its_start(on, demo_url, tmp_path, capsys, all_or_nothing):
    # a 1 MB cell gave 2 MB of output: the value after the row, then again in the message
    on(demo_url)
    huge = "Colossal Industries " + "x" * 1_000_000
    source = tmp_path / "big.csv"
    source.write_text(f"Name,Industry,{'Header ' * 150_000}\n{huge},Energy,a\nFine Corp,Energy,b\n", encoding="utf-8")
    code = main(["import", "accounts", str(source)] + (["--all-or-nothing"] if all_or_nothing else []))
    assert code == (1 if all_or_nothing else 0)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert len(output) < 10_000, len(output)
    assert "row 2, Name “Colossal Industries xxx" in output and "x…”: too long" in output
    if not all_or_nothing:
        assert f"Columns not imported: {quoted(' '.join(['Header'] * 150_000))}." in output


def test_a_shift_jis_file_is_imported_right_and_its_encoding_shown(on, demo_url, tmp_path, capsys):
    on(demo_url)
    source = tmp_path / "取引先.csv"
    source.write_bytes("会社名,業種\n株式会社テスト,製造\n日本電気株式会社,電機\n".encode("shift_jis"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"name": "会社名", "sector": "業種"}', encoding="utf-8")
    assert main(["import", "accounts", str(source), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "取引先.csv: CSV, encoding Shift-JIS, separator “,”." in out and "2 created" in out
    with Session(db.get_engine(demo_url)) as session:
        assert session.exec(select(Account.sector).where(Account.name == "株式会社テスト")).one() == "製造"


def test_a_file_whose_encoding_is_unsure_is_refused_naming_the_guess(on, demo_url, tmp_path, capsys):
    on(demo_url)
    before = _accounts(demo_url)
    source = tmp_path / "accounts.csv"
    source.write_bytes("北京科技有限公司,北京\n".encode("gb18030") * 2)
    assert main(["import", "accounts", str(source)]) == 1
    err = capsys.readouterr().err
    assert "encoding cannot be told for sure" in err and "GB18030" in err and "save the file as UTF-8" in err
    assert _accounts(demo_url) == before
