"""The import's two entry points, its third and fourth steps.

3. ``preview_import(session, table, kind, mapping, today)`` reads every row as it will be
   stored, matches it with what the database holds and lists every problem per row
   (``ImportProblem``: the row number as in the file, the column's header, the cell, a code and
   its params). Nothing is written.
4. ``run_import(engine, ...)`` does the same reading again inside one transaction and writes:
   the valid rows (``only_valid=True``), or nothing at all when any row is rejected
   (``only_valid=False`` raises ``ImportRefused``). With a SQLite file a copy of the database is
   made first (``backups.backup_sqlite(path, "before-import")``). Any failure while writing rolls
   the whole import back.

Performance: lookups are loaded once into dicts (no query per row for contacts and revenue
lines), revenue lines are written with bulk statements in batches of ``BATCH_SIZE``, and
``progress`` is called about every 2 %. A revenue file reads only the stored lines it can match
(its CRM ids, in IN lists of ``_IN_CHUNK``; the natural keys and open deals of its accounts) and
lets the database sum the touched accounts' lines, so its time follows the file's size, not the
database's. Accounts go through ``validate_account`` row by row (a
few queries each), which is the price of the form's rules: thousands of accounts, not millions.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.errors import ConflictError
from kam_core.exchange.importing.accounts import _plan_accounts, _write_accounts
from kam_core.exchange.importing.contacts import _plan_contacts, _write_contacts
from kam_core.exchange.importing.mapping import _checked_mapping, _fallbacks
from kam_core.exchange.importing.model import (
    LINE_KINDS,
    ImportPreview,
    ImportRefused,
    ImportResult,
    RawTable,
    YearTotal,
)
from kam_core.exchange.importing.revenue import _plan_revenue, _revenue_year_totals, _sqlite_cache, _write_revenue
from kam_core.exchange.importing.rows import _Cells, _Plan, _Progress
from kam_core.governance import access
from kam_core.store import backups, db
from kam_core.store.memory import release_free_memory, without_gc_pauses


def _plan(
    session: Session,
    table: RawTable,
    kind: str,
    mapping: Mapping[str, str | None],
    today: date,
    progress: _Progress,
    default_kind: str | None,
    shown: bool = True,
) -> _Plan:
    """``shown``: the plan is previewed (each row's display values, the year totals' sums before
    the import). run_import needs neither for revenue: the rows it writes are not displayed and
    every account-year the plan touches is summed again by the writer once written."""
    columns = _checked_mapping(table, kind, mapping)
    if default_kind is not None and default_kind not in LINE_KINDS:
        raise ValueError(f"default_kind must be one of {LINE_KINDS}")
    fallbacks = _fallbacks(table, kind, columns)
    used = set(columns.values()) | set(fallbacks.values())
    ignored = tuple(header for index, header in enumerate(table.headers) if header and index not in used)
    cells = _Cells(table, columns, fallbacks)
    if kind == "accounts":
        rows = _plan_accounts(session, table, cells, today, progress)
    elif kind == "contacts":
        rows = _plan_contacts(session, table, cells, today, progress)
    else:
        rows = _plan_revenue(session, table, cells, today, progress, default_kind, shown)
        return _Plan(kind, rows, ignored, _revenue_year_totals(session, rows, shown))
    return _Plan(kind, rows, ignored)


def preview_import(
    session: Session,
    table: RawTable,
    kind: str,
    mapping: Mapping[str, str | None],
    today: date,
    default_kind: str | None = None,
) -> ImportPreview:
    """Every row as it would be stored and its problems; nothing is written. ImportFileError
    (bad_mapping, missing_required) when the mapping cannot be used."""
    with session.no_autoflush, without_gc_pauses():
        return _plan(session, table, kind, mapping, today, _Progress(None, 0, 0, 0), default_kind).preview()


class _EarlyBackup:
    """The copy of a SQLite file (``backups.backup_sqlite(path, "before-import")``) an import makes
    before it writes, started in a thread as the import starts: the copy (disk work, the GIL
    released) and the planning (Python work) overlap. The import waits for it (``result``,
    whose error is raised as the copy's own) before writing anything; an import that writes
    nothing deletes it (``discard``), as if it had never been made."""

    def __init__(self, engine: Engine | None) -> None:
        self.copy: Path | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        path = db.sqlite_path(str(engine.url)) if engine is not None else None
        if path is None or not path.exists():
            return
        self.new_folder = not backups.backup_folder(path).exists()
        self.path = path
        # in the importer's context: the copy is made as the person importing (the role check of
        # backups.backup_sqlite), not as the process default (nobody, under sign-in)
        context = contextvars.copy_context()
        self.thread = threading.Thread(target=context.run, args=(self._copy, path), name="import-backup", daemon=True)
        self.thread.start()

    def _copy(self, path: Path) -> None:
        try:
            self.copy = backups.backup_sqlite(path, "before-import", prune=False)  # pruned once kept (result)
        except BaseException as exc:  # raised in the import's thread by result()
            self.error = exc

    def result(self) -> Path | None:
        if self.thread is None:
            return None
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.copy is not None:
            backups.prune(self.path, protect=(self.copy,))  # once it is kept: a discarded copy costs none
        return self.copy

    def discard(self) -> None:
        if self.thread is None:
            return
        self.thread.join()
        self.thread = None
        if self.copy is not None:
            folder = self.copy.parent
            self.copy.unlink(missing_ok=True)
            if self.new_folder:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # made for this copy only, and empty


_WRITERS = {"accounts": _write_accounts, "contacts": _write_contacts, "revenue": _write_revenue}


def run_import(
    engine: Engine,
    table: RawTable,
    kind: str,
    mapping: Mapping[str, str | None],
    *,
    today: date,
    only_valid: bool = True,
    progress: Callable[[float], None] | None = None,
    backup: bool = True,
    default_kind: str | None = None,
    set_yearly_revenue: bool = False,
) -> ImportResult:
    """Import the table in one transaction (see the module's docstring). ``only_valid``: write
    the valid rows and report the others; off, any refused row raises ImportRefused and nothing
    is written. ``default_kind`` (revenue) is the kind of lines whose row does not say it. With a
    SQLite file and ``backup``, a copy of the database is made before writing.

    Revenue: the yearly revenue (AccountYear.revenue) is left as it is unless
    ``set_yearly_revenue``; then each touched account-year's revenue is set to the sum of its won
    and invoice lines (``years_updated`` counts the rows created or changed). Either way
    ``year_totals`` gives, per touched account-year, the revenue stored before the import and the
    lines' total after it."""
    access.require("editor")  # before the copy of the database: a refused import makes none
    copy = None
    early = _EarlyBackup(engine if backup else None)  # copied while the rows are planned
    try:
        with without_gc_pauses(), db.session_scope(engine) as session:
            with session.no_autoflush:
                plan = _plan(
                    session,
                    table,
                    kind,
                    mapping,
                    today,
                    _Progress(progress, 0.0, 0.5, len(table.rows)),
                    default_kind,
                    shown=False,
                )
            counts, problems = plan.summary()
            rejected = counts["reject"]
            if rejected and not only_valid:
                raise ImportRefused(problems, rejected)
            writes = sum(counts[action] for action in ("create", "update", "remove"))
            if writes and backup:
                copy = early.result()  # waited for: nothing is written before the copy is whole
            written = {"created": 0, "updated": 0, "years_updated": 0}
            if writes:
                writer_progress = _Progress(progress, 0.5, 1.0, writes)
                if kind == "revenue":
                    with _sqlite_cache(session, writes):
                        written = _write_revenue(session, plan, writer_progress, set_yearly_revenue)
                else:
                    written = _WRITERS[kind](session, plan, writer_progress)
    except (StaleDataError, IntegrityError) as exc:  # someone wrote the same records meanwhile
        raise ConflictError(kind) from exc
    finally:
        if copy is None:
            early.discard()  # nothing to write (or no import): no copy either
        release_free_memory()  # what the file's rows held goes back to the system
    if progress is not None:
        progress(1.0)
    return ImportResult(
        kind=kind,
        read=len(plan.rows),
        created=written["created"],
        updated=written["updated"],
        rejected=rejected,
        problems=problems,
        backup=copy,
        pipeline=written.get("pipeline", {}),
        years_updated=written["years_updated"],
        skipped=counts["skip"],
        removed=counts["remove"],
        year_totals=_final_totals(plan, written),
    )


def _final_totals(plan: _Plan, written: dict) -> tuple[YearTotal, ...]:
    """The plan's year totals, with the lines' totals as the database holds them once written."""
    sums = written.get("lines_totals")
    if not sums:
        return tuple(plan.year_totals)
    return tuple(
        YearTotal(
            total.account_id,
            total.account_name,
            total.year,
            total.stored,
            sums.get((total.account_id, total.year), total.lines_total),
        )
        for total in plan.year_totals
    )
