"""Two people adding a priority to the same account at once, 200 times each, in two processes
(issue 20, item 2): every addition gets its own rank, every refusal is one a retry clears, and the
section still saves unchanged afterwards.

Each process does what the canvas section editor does on Save (``kam_core.ui.section_editor``):
read the table (``load_section``), add a row with the next rank as the user would type it, hand
the whole list to ``save_section`` with the versions read. Both start together (a barrier) on the
same database: the same SQLite file, or the same PostgreSQL database under
``KAM_TEST_BACKEND=postgres``. Before ranks were placed inside the write, both processes stored the
same rank within the first few additions, and from then on every save was refused ("duplicate rank").
"""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.account.accounts import create_account
from kam_core.account.sections import load_section, save_section, versions
from kam_core.common.errors import ConflictError
from kam_core.store import db
from kam_core.store.models import Priority
from tests.conftest import TODAY

TIMES = 200  # additions per process
GIVE_UP = 20 * TIMES  # refusals in a row-adding loop after which a process stops (a refusal that never clears)
DEADLINE_S = 300  # generous: a process still running then has hung


def _add_priorities(url: str, account_id: int, worker: str, start, results) -> None:
    """One person: ``TIMES`` priorities added one save at a time, each refused save tried again
    on a fresh read. Puts (worker, added, {refusal kind: count}, [unexpected errors], overlaps) on
    ``results``; an overlap is a save that met a row the other process stored after this one's read
    (its row then landed below the rank typed): the race the test is about."""
    engine = db.make_engine(url)
    refusals: dict[str, int] = {}
    unexpected: list[str] = []
    added = overlaps = 0
    start.wait()
    try:
        while added < TIMES and sum(refusals.values()) < GIVE_UP:
            with Session(engine) as session:
                frame = load_section(session, "priorities", account_id)
            rank = int(frame["rank"].max()) + 1 if len(frame) else 1
            new = {"id": None, "version": None, "rank": rank, "title": f"{worker} {added + 1}", "description": None}
            try:
                save_section(
                    engine,
                    "priorities",
                    account_id,
                    [*frame.to_dict("records"), new],
                    today=TODAY,
                    read_versions=versions(frame),
                )
                added += 1
                with Session(engine) as session:
                    landed = session.scalar(
                        select(Priority.rank).where(Priority.account_id == account_id, Priority.title == new["title"])
                    )
                overlaps += landed != rank
            except ConflictError:
                refusals["conflict"] = refusals.get("conflict", 0) + 1
            except db.StoreError as error:
                if error.code != "store.busy":
                    raise
                refusals["busy"] = refusals.get("busy", 0) + 1
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        unexpected.append(repr(error))
    finally:
        engine.dispose()
        results.put((worker, added, refusals, unexpected, overlaps))


def test_two_processes_adding_priorities_at_once_never_duplicate_a_rank(empty_url):
    engine = db.get_engine(empty_url)
    account_id = create_account(engine, {"name": "Racing Ranks SA", "sector": "Energy", "status": "active"})
    start_rows = [{"rank": rank, "title": f"Priority {rank}", "description": None} for rank in (1, 2, 3)]
    save_section(engine, "priorities", account_id, start_rows, today=TODAY)

    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no connection inherited
    start, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_add_priorities, args=(empty_url, account_id, name, start, results))
        for name in ("Anna", "Bruno")
    ]
    for worker in workers:
        worker.start()
    try:
        reports = [results.get(timeout=DEADLINE_S) for _ in workers]
        for worker in workers:
            worker.join(timeout=DEADLINE_S)
            assert worker.exitcode == 0
    finally:
        for worker in workers:  # one that hung is stopped, not left behind
            if worker.is_alive():
                worker.terminate()
                worker.join()

    refused = {kind: sum(report[2].get(kind, 0) for report in reports) for kind in ("conflict", "busy")}
    overlaps = sum(report[4] for report in reports)
    print(f"\nsaves that met the other's row: {overlaps}; refusals, each cleared by a retry: {refused}")
    assert [report[3] for report in reports] == [[], []], f"a refusal a retry does not clear: {reports}"
    assert [report[1] for report in reports] == [TIMES, TIMES]
    assert overlaps > 0  # the two really raced

    with Session(engine) as session:
        ranks = session.scalars(select(Priority.rank).where(Priority.account_id == account_id)).all()
        titles = set(session.scalars(select(Priority.title).where(Priority.account_id == account_id)))
        total = session.scalar(select(func.count()).select_from(Priority).where(Priority.account_id == account_id))
    assert total == 3 + 2 * TIMES
    assert sorted(ranks) == list(range(1, total + 1))  # no duplicate, no gap
    assert {f"{name} {n}" for name in ("Anna", "Bruno") for n in range(1, TIMES + 1)} <= titles

    with Session(engine) as session:
        frame = load_section(session, "priorities", account_id)
    assert (
        save_section(
            engine, "priorities", account_id, frame.to_dict("records"), today=TODAY, read_versions=versions(frame)
        )
        == 0
    )  # the section still saves unchanged
