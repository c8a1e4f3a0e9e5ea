"""Command line: python -m kam_core COMMAND, on the database named by KAM_DATABASE_URL
(data/kam.db by default).

  setup [--demo-if-empty] [--language fr]
                                       create or migrate the database; load the demo portfolio when empty
  seed --demo [--seed N] [--language fr]
                                       load the demo portfolio into an empty database
                                       (--language: the language a new programme is created in - its name,
                                       its scoring criteria, the demo's French customers; default KAM_LANGUAGE,
                                       else English; an existing programme keeps its own)
  migrate                              apply pending schema migrations (a copy of a SQLite file is kept first)
  info                                 where the database is and its schema version
  import accounts|contacts|revenue FILE [--mapping MAPPING.json] [--all-or-nothing] [--set-yearly-revenue]
                                       import a CRM or Excel export (CSV or XLSX); prints rows read, created,
                                       updated and refused with the reasons; a copy of the database first
  export FILE.xlsx                     the whole database as one Excel workbook, a sheet per table
  restore FILE.xlsx                    restore such a workbook into an empty database
  qbr "ACCOUNT NAME" --out FILE.pptx [--language fr] [--customer [--overdue-as-new-date]]
                                       the QBR PowerPoint deck of one account; the customer's version leaves
                                       our overdue commitments out unless --overdue-as-new-date
  backup [FILE]                        an online copy of the SQLite database into FILE; without FILE, into
                                       data/backups/ (the oldest copies beyond KAM_BACKUPS_KEEP, default 20, go)
  backups                              the copies kept in data/backups/: when, why, size
  restore-backup FILE                  put a copy (a file of data/backups/, or any copy made by backup) back
                                       into the database; the current content is copied first (before-restore)

Who acts: the operating-system user, as admin (``access.local_actor()``, stated once in ``main``):
whoever may run this on the server may read and copy its database file anyway. Every change is
recorded under that user's name.

Exit status: 0 when done, 1 when the input is refused (nothing written; an import whose every row
is refused too), 2 for a command line or a setting (KAM_TODAY, KAM_TIMEZONE) that does not parse, 3 when
the database cannot be used (also when another save holds it longer than the busy wait, 5 s at most:
nothing written, run the command again).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kam_core.common.clock import ClockSettingError, check_settings, today
from kam_core.common.errors import ConflictError, ValidationError
from kam_core.common.formatting import quoted, quoted_params
from kam_core.governance import access
from kam_core.i18n import LANGUAGES, translate
from kam_core.store import backups, db
from kam_core.store.models import Account


def _engine():
    return db.get_engine(db.database_url())


def _is_empty(engine) -> bool:
    with db.session_scope(engine) as session:
        return session.execute(select(func.count(Account.id))).scalar_one() == 0


@contextmanager
def _creating_in(language: str | None):
    """While a command creates a programme: KAM_LANGUAGE set to ``--language`` when given."""
    if language is None:
        yield
        return
    before = os.environ.get("KAM_LANGUAGE")
    os.environ["KAM_LANGUAGE"] = language
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KAM_LANGUAGE", None)
        else:
            os.environ["KAM_LANGUAGE"] = before


def _seed(engine, rng_seed: int) -> None:
    from kam_core.demo.seed import seed_demo

    with db.session_scope(engine) as session:
        counts = seed_demo(session, today=today(), rng_seed=rng_seed)
    print(
        f"Demo portfolio loaded into {db.describe(str(engine.url))}: "
        f"{counts.get('account', 0)} accounts, {sum(counts.values())} rows."
    )


def cmd_setup(args) -> None:
    with _creating_in(args.language):
        engine = _engine()
        print(f"Database ready: {db.describe(str(engine.url))} (schema {db.current_revision(engine)})")
        if args.demo_if_empty and _is_empty(engine):
            _seed(engine, args.seed)


def cmd_seed(args) -> None:
    if not args.demo:
        raise SystemExit("Nothing to do: say --demo to load the demo portfolio.")
    with _creating_in(args.language):
        engine = _engine()
        if not _is_empty(engine):
            raise SystemExit(
                f"{db.describe(str(engine.url))} already holds accounts; the demo portfolio "
                "is only loaded into an empty database."
            )
        _seed(engine, args.seed)


def cmd_migrate(_args) -> None:
    engine = db.make_engine(db.database_url())
    db.check_readable(engine)
    backup = db.migrate(engine)
    if backup:
        print(f"Copy kept before migrating: {backup}")
    print(f"Schema at {db.current_revision(engine)} in {db.describe(str(engine.url))}")


def cmd_info(_args) -> None:
    info = db.store_info(_engine())
    print(f"location: {info.location}\nbackend:  {info.backend}\nschema:   {info.revision} (head {info.head})")


class Refused(Exception):
    """The command's input is refused; the message says why. Nothing was written."""


def _params(params: dict) -> dict:
    """A message's parameters as the command line prints them: each text quoted (at most
    QUOTE_MAX characters), lists as "a, b, c"."""
    return {
        key: ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
        for key, value in quoted_params(params).items()
    }


def _problem_line(problem) -> str:
    where = f"row {problem.row}" + (f", {quoted(problem.column)}" if problem.column else "")
    value = f" “{quoted(problem.value)}”" if problem.value not in (None, "") else ""
    message = translate(f"import.problem.{problem.code}", "en", **_params(problem.params))
    return f"  {problem.severity:<7} {where}{value}: {message}"


def _validation_lines(error: ValidationError) -> str:
    return "\n".join(
        f"  {problem.field}: {translate(f'error.{problem.code}', 'en', **_params(problem.params))}"
        for problem in error.errors
    )


def _headers(headers) -> str:
    return ", ".join(str(quoted(header)) for header in headers)


def cmd_import(args) -> None:
    from kam_core.exchange import importing

    path = Path(args.file)
    if not path.is_file():
        raise Refused(f"{path}: no such file.")
    try:
        table = importing.read_table(path.read_bytes(), path.name)
        if table.source == "csv":
            separator = {"\t": "tab"}.get(table.separator, f"“{table.separator}”")
            print(f"{path.name}: CSV, encoding {importing.encoding_name(table.encoding)}, separator {separator}.")
        mapping = (
            importing.load_mapping(args.mapping, args.kind, table.headers)
            if args.mapping
            else importing.propose_mapping(table.headers, args.kind)
        )
        engine = _engine()
        result = importing.run_import(
            engine,
            table,
            args.kind,
            mapping,
            today=today(),
            only_valid=not args.all_or_nothing,
            set_yearly_revenue=args.set_yearly_revenue,
        )
    except importing.ImportFileError as error:
        raise Refused(f"{path}: {translate(f'import.error.{error.code}', 'en', **_params(error.params))}") from error
    except importing.ImportRefused as refused:
        lines = "\n".join(_problem_line(problem) for problem in refused.problems)
        raise Refused(f"Nothing imported: {refused.rejected} row(s) refused.\n{lines}") from refused
    mapped = ", ".join(f"{target} <- {quoted(header)}" for target, header in mapping.items() if header)
    print(f"Columns used: {mapped}.")
    ignored = [header for header in table.headers if header not in set(mapping.values())]
    if ignored:
        print(f"Columns not imported: {_headers(ignored)}.")
    print(
        f"{path.name}: {result.read} rows read, {result.created} created, {result.updated} updated, "
        f"{result.rejected} refused"
        + (f", {result.skipped} lost deals skipped" if result.skipped else "")
        + (f", {result.removed} lost deals removed" if result.removed else "")
        + "."
    )
    for problem in result.problems:
        print(_problem_line(problem))
    _print_revenue(result)
    if result.backup:
        print(f"Copy of the database before the import: {result.backup}")
    if result.read and result.rejected == result.read:
        raise Refused(f"Nothing imported: every row of {path.name} is refused.")


def _print_revenue(result) -> None:
    """What revenue lines add up to: per account and year (won deals and invoices), and the pipeline."""
    totals = getattr(result, "year_totals", ())
    for total in totals:
        stored = "none" if total.stored is None else f"{total.stored:,.2f}"
        print(
            f"  {total.account_name} {total.year}: won and invoiced lines {total.lines_total:,.2f} "
            f"(yearly revenue stored: {stored})"
        )
    if totals and not getattr(result, "years_updated", 0):
        print("  Yearly revenue left as it was; --set-yearly-revenue replaces it with these totals.")
    for account_id, (open_amount, weighted) in sorted(result.pipeline.items()):
        print(f"  pipeline of account {account_id}: {open_amount:,.2f} open, {weighted:,.2f} weighted")


def cmd_export(args) -> None:
    from kam_core.exchange.workbook import export_workbook

    target = Path(args.file)
    if target.exists():
        raise Refused(f"{target} already exists; choose a new file name.")
    with db.session_scope(_engine()) as session:
        try:
            data = export_workbook(session)
        except ValidationError as error:
            raise Refused(f"Nothing exported:\n{_validation_lines(error)}") from error
    _write(target, data)
    print(f"Exported {db.describe(str(_engine().url))} to {target} ({len(data) // 1024} KB).")


def cmd_restore(args) -> None:
    from kam_core.exchange.workbook import restore_workbook

    source = Path(args.file)
    if not source.is_file():
        raise Refused(f"{source}: no such file.")
    try:
        counts = restore_workbook(_engine(), source.read_bytes())
    except ValidationError as error:
        raise Refused(f"Nothing restored:\n{_validation_lines(error)}") from error
    print(f"Restored {sum(counts.values())} rows in {len(counts)} tables into {db.describe(str(_engine().url))}.")


def cmd_qbr(args) -> None:
    from kam_core.common.text import fold_name
    from kam_core.documents.qbr import build_qbr

    with db.session_scope(_engine()) as session:
        account_id = session.execute(select(Account.id).where(Account.name_key == fold_name(args.account))).scalar()
        if account_id is None:
            raise Refused(f"No account named “{quoted(args.account)}” (capitals and accents do not count).")
        if args.overdue_as_new_date and not args.customer:
            raise Refused("--overdue-as-new-date is a choice about the customer's version: add --customer.")
        pack = build_qbr(
            session,
            account_id,
            today(),
            args.language,
            internal=not args.customer,
            overdue_as_new_date=args.overdue_as_new_date,
        )
    out = Path(args.out)
    _write(out, pack.data)
    print(f"QBR deck of {pack.account_name}: {len(pack.slides)} slides written to {out}.")
    for number, title in enumerate(pack.slides, start=1):
        print(f"  {number}. {title}")


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as error:
        raise Refused(f"{target} cannot be written: {error.strerror or error}.") from error


POSTGRES_BACKUPS = (
    "Backups from here are for a SQLite database; back up a PostgreSQL server with pg_dump "
    "and restore it with pg_restore."
)


def _sqlite_file() -> Path:
    """The SQLite file of KAM_DATABASE_URL (not opened: a damaged one can still be replaced)."""
    path = db.sqlite_path(db.database_url())
    if path is None:
        raise Refused(POSTGRES_BACKUPS)
    return path


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1024 / 1024:.1f} MB" if size_bytes >= 1024 * 1024 else f"{max(size_bytes // 1024, 1)} KB"


def cmd_backup(args) -> None:
    engine = _engine()
    path = db.sqlite_path(str(engine.url))
    if path is None:
        raise Refused(POSTGRES_BACKUPS)
    if args.file is None:
        target = backups.backup_sqlite(path, backups.MANUAL)
    else:
        target = Path(args.file)
        if target.exists():
            raise Refused(f"{target} already exists; choose a new file name.")
        backups.copy_sqlite(path, target)
    print(f"Copy of {path} written to {target} ({_size(target.stat().st_size)}).")


def cmd_backups(_args) -> None:
    path = _sqlite_file()
    kept = backups.list_backups(path)
    print(
        f"Backups of {path} in {backups.backup_folder(path)}: {len(kept)} kept "
        f"(at most {backups.keep_limit()}, {backups.KEEP_VARIABLE})."
    )
    for backup in kept:
        print(
            f"  {backup.made:%Y-%m-%d %H:%M:%S}  {backup.label:<34} {_size(backup.size_bytes):>9}  {backup.path.name}"
        )


def cmd_restore_backup(args) -> None:
    import sqlite3

    path = _sqlite_file()
    source = Path(args.file)
    if not source.exists() and not source.is_absolute() and (backups.backup_folder(path) / source).exists():
        source = backups.backup_folder(path) / source  # a name as `backups` lists it
    reasons = {
        "not_found": "no such file",
        "not_sqlite": "not a SQLite database, or a damaged one",
        "not_kam": "a SQLite database, but not one of this app",
        "same_file": "it is the database itself",
        "unknown_revision": "made by a newer version of the app (schema {detail}); update the app first",
    }
    try:
        restored = backups.restore(path, source)
    except backups.NotABackup as refused:
        reason = reasons[refused.code].format(detail=refused.detail)
        extra = f" ({refused.detail})" if refused.detail and refused.code != "unknown_revision" else ""
        raise Refused(f"{refused.path}: {reason}{extra}. Nothing was restored.") from refused
    except sqlite3.DatabaseError as error:
        raise Refused(
            f"{path} cannot be copied before the restore ({error}); move it aside and run the "
            "command again. Nothing was restored."
        ) from error
    if restored.safety_copy is not None:
        print(f"Copy of the database before the restore: {restored.safety_copy}")
    print(f"Restored {restored.source} into {restored.target} (schema {restored.revision}).")
    if restored.migrated_to:
        print(f"Schema migrated from {restored.revision} to {restored.migrated_to}.")
    print(
        "An app running on this database shows the restored data at its next page: reload the pages open in a browser."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kam_core", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="create or migrate the database")
    setup.add_argument("--demo-if-empty", action="store_true", help="load the demo portfolio into an empty database")
    setup.add_argument("--seed", type=int, default=2021, help="random seed of the demo portfolio")
    setup.add_argument("--language", choices=LANGUAGES, help="a new programme's language (default KAM_LANGUAGE)")
    setup.set_defaults(run=cmd_setup)
    seed = commands.add_parser("seed", help="load the demo portfolio into an empty database")
    seed.add_argument("--demo", action="store_true", help="the demo portfolio (about 30 fictional accounts)")
    seed.add_argument("--seed", type=int, default=2021, help="random seed; the same seed gives the same data")
    seed.add_argument("--language", choices=LANGUAGES, help="a new programme's language (default KAM_LANGUAGE)")
    seed.set_defaults(run=cmd_seed)
    commands.add_parser("migrate", help="apply pending schema migrations").set_defaults(run=cmd_migrate)
    commands.add_parser("info", help="where the database is").set_defaults(run=cmd_info)
    imports = commands.add_parser(
        "import",
        help="import accounts, contacts or revenue lines from a CSV or XLSX file",
        description="Import a CRM or Excel export. Columns are mapped from their usual "
        "names (README, section Import) unless --mapping gives them. Importing the same "
        "file again updates, never duplicates. A copy of the database is kept first.",
    )
    imports.add_argument("kind", choices=("accounts", "contacts", "revenue"))
    imports.add_argument("file", help="the .csv or .xlsx file")
    imports.add_argument("--mapping", help='a JSON file {"field": "Column header", ...}')
    imports.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="import nothing when any row is refused (default: import the valid rows)",
    )
    imports.add_argument(
        "--set-yearly-revenue",
        action="store_true",
        help="revenue files: replace each touched account's yearly revenue with the total of its "
        "won deals and invoices (default: report the totals, change nothing)",
    )
    imports.set_defaults(run=cmd_import)
    export = commands.add_parser("export", help="the whole database as one Excel workbook")
    export.add_argument("file", help="the .xlsx file to write")
    export.set_defaults(run=cmd_export)
    restore = commands.add_parser("restore", help="restore an exported workbook into an empty database")
    restore.add_argument("file", help="a workbook written by export")
    restore.set_defaults(run=cmd_restore)
    deck = commands.add_parser("qbr", help="the QBR PowerPoint deck of one account")
    deck.add_argument("account", help="the account's name (capitals and accents do not count)")
    deck.add_argument("--out", required=True, help="the .pptx file to write")
    deck.add_argument("--language", choices=("en", "fr"), default="en")
    deck.add_argument(
        "--customer", action="store_true", help="the customer's version (without our internal slides and remarks)"
    )
    deck.add_argument(
        "--overdue-as-new-date",
        action="store_true",
        help="in the customer's version, show our overdue commitments as 'in progress, new date' (left out by default)",
    )
    deck.set_defaults(run=cmd_qbr)
    backup = commands.add_parser(
        "backup",
        help="an online copy of the SQLite database",
        description="An online copy of the SQLite database (safe while the app runs). "
        "Without FILE the copy goes to data/backups/ beside the database, labelled "
        "'manual', and the oldest copies beyond KAM_BACKUPS_KEEP (default 20) are deleted.",
    )
    backup.add_argument("file", nargs="?", help="the file to write (must not exist); default: data/backups/")
    backup.set_defaults(run=cmd_backup)
    commands.add_parser(
        "backups",
        help="list the copies kept in data/backups/ (when, why, size)",
        description="The copies of the SQLite database kept in data/backups/, newest first: "
        "when each was made, why (before-import, before-migration-from-…, before-merge, "
        "before-delete, before-restore, manual) and its size.",
    ).set_defaults(run=cmd_backups)
    back = commands.add_parser(
        "restore-backup",
        help="put a copy of the SQLite database back (from data/backups/)",
        description="Put a copy made by `backup` (or kept in data/backups/) back into the "
        "SQLite database of KAM_DATABASE_URL. The file must be a database of this app; the "
        "current database is copied first (label before-restore); the copy is written with "
        "SQLite's backup API (safe while the app runs), then migrated to the current schema "
        "when it is older. PostgreSQL: use pg_dump and pg_restore.",
    )
    back.add_argument("file", help="the copy to restore: a path, or a file name as `backups` lists it")
    back.set_defaults(run=cmd_restore_backup)
    args = parser.parse_args(argv)
    try:
        check_settings()  # a KAM_TODAY or KAM_TIMEZONE that does not parse: refused before any command runs
        with access.acting_as(access.local_actor()):  # the one place the command line says who acts
            args.run(args)
    except db.StoreError as error:
        print(translate(f"error.{error.code}", "en", **error.params), file=sys.stderr)
        return 3
    except ConflictError:
        print(
            "Someone saved the same records at the same moment: nothing was written. Run the command again.",
            file=sys.stderr,
        )
        return 1
    except OperationalError as error:
        store_error = db.as_store_error(error)  # another save holds the lock: the catalog's "busy"
        if store_error is not None:
            print(translate(f"error.{store_error.code}", "en", **store_error.params), file=sys.stderr)
            return 3
        print(
            f"The database cannot be used right now ({str(error.orig).splitlines()[0]}). Nothing was written; "
            "try again in a moment.",
            file=sys.stderr,
        )
        return 3
    except Refused as refused:
        print(str(refused), file=sys.stderr)
        return 1
    except ClockSettingError as error:
        print(translate(f"error.clock.{error.variable}", "en", value=error.value), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
