"""Command line: python -m kam_core {setup,seed,migrate,info}.

  setup [--demo-if-empty]   create or migrate the database; load the demo portfolio when it is empty
  seed --demo [--seed N]    load the demo portfolio into an empty database
  migrate                   apply pending schema migrations (a copy of a SQLite file is kept first)
  info                      where the database is and its schema version
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select

from kam_core import db
from kam_core.clock import today
from kam_core.i18n import translate
from kam_core.models import Account


def _engine():
    return db.get_engine(db.database_url())


def _is_empty(engine) -> bool:
    with db.session_scope(engine) as session:
        return session.execute(select(func.count(Account.id))).scalar_one() == 0


def _seed(engine, rng_seed: int) -> None:
    from kam_core.seed import seed_demo

    with db.session_scope(engine) as session:
        counts = seed_demo(session, today=today(), rng_seed=rng_seed)
    print(f"Demo portfolio loaded into {db.describe(str(engine.url))}: "
          f"{counts.get('account', 0)} accounts, {sum(counts.values())} rows.")


def cmd_setup(args) -> None:
    engine = _engine()
    print(f"Database ready: {db.describe(str(engine.url))} (schema {db.current_revision(engine)})")
    if args.demo_if_empty and _is_empty(engine):
        _seed(engine, args.seed)


def cmd_seed(args) -> None:
    if not args.demo:
        raise SystemExit("Nothing to do: say --demo to load the demo portfolio.")
    engine = _engine()
    if not _is_empty(engine):
        raise SystemExit(f"{db.describe(str(engine.url))} already holds accounts; the demo portfolio "
                         "is only loaded into an empty database.")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam_core", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="create or migrate the database")
    setup.add_argument("--demo-if-empty", action="store_true", help="load the demo portfolio into an empty database")
    setup.add_argument("--seed", type=int, default=2021, help="random seed of the demo portfolio")
    setup.set_defaults(run=cmd_setup)
    seed = commands.add_parser("seed", help="load the demo portfolio into an empty database")
    seed.add_argument("--demo", action="store_true", help="the demo portfolio (about 30 fictional accounts)")
    seed.add_argument("--seed", type=int, default=2021, help="random seed; the same seed gives the same data")
    seed.set_defaults(run=cmd_seed)
    commands.add_parser("migrate", help="apply pending schema migrations").set_defaults(run=cmd_migrate)
    commands.add_parser("info", help="where the database is").set_defaults(run=cmd_info)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except db.StoreError as error:
        print(translate(f"error.{error.code}", "en", **error.params), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
