"""The benchmark (bench/) keeps working: a tiny portfolio, a short run. No timed assertion."""

from __future__ import annotations

import json
import sqlite3
import statistics

import pytest
from sqlmodel import Session

from bench import load, workshop
from bench.generate import BENCH_TODAY, PER_ACCOUNT, expected_counts, generate
from bench.run import WORKSHOP_SLIDER_RATIO_MAX, _workshop_mark, app_pages, evaluate, report, run_benchmark
from tests.conftest import TODAY

ACCOUNTS = 15
ACCOUNT_PAGES = {
    "Account strategy canvas",
    "Challenge session",
    "Handshake",
    "Executive plan",
    "Account overview",
    "Account record",
    "QBR pack",
    "Account history",
}


def _rows(path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_the_benchmark_day_is_the_tests_day():
    assert BENCH_TODAY == TODAY


@pytest.mark.sqlite_only("the benchmark generates SQLite files")
def test_generate_gives_every_account_exactly_its_rows(tmp_path):
    path = tmp_path / "bench.db"
    counts = generate(path, ACCOUNTS)

    for table, count in expected_counts(ACCOUNTS).items():
        assert counts[table] == count, table
    assert counts["criterion"] == 12
    assert counts["score"] == ACCOUNTS * 12 * 8
    # per account, not only in total
    for table in (
        "account_year",
        "revenue_line",
        "customer_unit",
        "score",
        "priority",
        "swot_item",
        "competitor",
        "stakeholder",
        "white_space_cell",
        "objective",
        "action",
        "engagement",
    ):
        per_account = _rows(path, f"SELECT account_id, count(*) FROM {table} GROUP BY account_id")
        assert len(per_account) == ACCOUNTS and {n for _, n in per_account} == {PER_ACCOUNT[table]}, table
    for table in ("joint_objective", "commitment"):
        per_handshake = _rows(path, f"SELECT handshake_id, count(*) FROM {table} GROUP BY handshake_id")
        assert len(per_handshake) == ACCOUNTS and {n for _, n in per_handshake} == {PER_ACCOUNT[table]}, table
    # the handshake's history follows its stage
    stages = ("draft", "internally_reviewed", "presented", "agreed", "in_review")
    handshakes = _rows(path, "SELECT id, stage FROM handshake")
    assert counts["handshake_stage_event"] == sum(stages.index(stage) + 1 for _, stage in handshakes)
    reviews = dict(_rows(path, "SELECT handshake_id, count(*) FROM handshake_review GROUP BY handshake_id"))
    assert set(reviews) == {id_ for id_, stage in handshakes if stage == "in_review"}
    assert counts["kpi_reading"] == sum(
        3 * (1 + reviews.get(id_, 0)) for id_, stage in handshakes if stage in ("agreed", "in_review")
    )
    # the database's own checks
    assert _rows(path, "PRAGMA foreign_key_check") == []
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(path, "SELECT current_period FROM programme") == [("2026-Q4",)]
    # the programme as a business case, as the demo's: started two years ago, its targets, next year's budget
    assert _rows(path, "SELECT start_year, horizon_years, budget_year FROM programme") == [(2024, 5, 2027)]
    assert _rows(path, "SELECT count(*) FROM programme WHERE ambition <> '' AND strategic_plan_on > '2026-11-26'")
    ambitions = _rows(path, "SELECT account_id, group_concat(year) FROM revenue_ambition GROUP BY account_id")
    assert ambitions and {years for _, years in ambitions} == {"2026,2027,2028"}
    statuses = dict(_rows(path, "SELECT id, status FROM account"))
    assert {statuses[account] for account, _ in ambitions} == {"active"}
    [(planned, budget)] = _rows(
        path, "SELECT sum(amount), (SELECT budget_amount FROM programme) FROM revenue_ambition WHERE year = 2027"
    )
    assert planned < budget <= planned * 1.05
    late = _rows(path, "SELECT id FROM account WHERE programme_since IS NOT NULL")
    assert {account for (account,) in late} <= {account for account, _ in ambitions}
    assert _rows(path, "SELECT count(*) FROM kam WHERE yearly_cost IS NOT NULL")[0][0] >= 1


@pytest.mark.sqlite_only("the benchmark generates SQLite files")
def test_generate_is_deterministic(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    generate(first, 5, seed=3)
    generate(second, 5, seed=3)
    dumps = []
    for path in (first, second):
        connection = sqlite3.connect(path)
        # the audit trail records when the defaults were written: real time, not generated data
        lines = [line for line in connection.iterdump() if not line.startswith('INSERT INTO "audit_entry"')]
        connection.close()
        schema = {_unordered(line) for line in lines if line.startswith("CREATE ")}
        dumps.append((schema, [line for line in lines if not line.startswith("CREATE ")]))
    assert dumps[0] == dumps[1]


def _unordered(line: str):
    """A table's or an index's definition, in any order: when a migration copies a table (Alembic's batch
    mode on SQLite), its constraints and indexes are written in the order of a Python set."""
    return frozenset(part.strip().rstrip(",") for part in line.splitlines())


def test_the_pages_are_read_from_app_py():
    pages = app_pages()
    # 20, and issue 23's four: Ambition and targets, Return on investment, Yearly cycle and budget,
    # Programme inputs
    assert len(pages) == 24
    assert {"Ambition and targets", "Return on investment", "Yearly cycle and budget", "Programme inputs"} <= {
        page.title for page in pages
    }
    assert {page.title for page in pages if page.about_one_account} == ACCOUNT_PAGES


@pytest.mark.sqlite_only("the benchmark runs on SQLite files")
def test_a_tiny_benchmark_writes_the_documented_json(tmp_path):
    out = tmp_path / "results" / "latest.json"
    run_benchmark(
        [ACCOUNTS],
        reruns=2,
        import_rows=500,
        out=out,
        pages=["home", "canvas", "accounts"],
        cache_dir=tmp_path / "cache",
        echo=lambda *_: None,
    )

    result = json.loads(out.read_text())
    assert {"machine", "sizes", "budget"} <= set(result)
    assert result["machine"]["cpu_count"] >= 1 and result["machine"]["python"]
    # the demo portfolio's load is measured here, not asserted in a test (test_seed.py had a timed assertion)
    assert isinstance(result["demo_seed_s"], float) and result["demo_seed_s"] > 0
    assert any(check["check"].startswith("demo_seed_s") for check in result["budget"]["checks"])
    assert list(result["sizes"]) == [str(ACCOUNTS)]
    size = result["sizes"][str(ACCOUNTS)]
    for key in ("floor_ms", "frame_ms", "import_rows_per_s", "qbr_s", "peak_rss_mb"):
        assert isinstance(size[key], (int, float)) and size[key] > 0, key
    assert set(size["pages"]) == {"Home", "Account strategy canvas", "Accounts"}
    for title, page in size["pages"].items():
        assert page["exceptions"] == [], title
        for key in ("first_ms", "rerun_ms", "ratio_to_floor"):
            assert isinstance(page[key], (int, float)) and page[key] > 0, (title, key)
    assert size["import_created"] == 500 and size["import_rejected"] == 0
    assert isinstance(result["budget"]["passed"], bool)
    checks = result["budget"]["checks"]
    assert checks and all({"check", "value", "limit", "ok"} <= set(check) for check in checks)


LOAD_CHECKS = {"no unhandled error", "no lost update", "no duplicate", "integrity check clean"}


@pytest.mark.sqlite_only("the load test's smoke run is on SQLite (the bench starts its own PostgreSQL)")
def test_a_tiny_load_test_reports_its_figures_and_its_checks():
    result = load.run_load(
        seconds=2, users=3, browsers=0, backends=("sqlite",), limit_steps=(2,), limit_seconds=1, echo=lambda *_: None
    )

    run = result["backends"]["sqlite"]
    assert run["users"] == 3 and run["browsers"] == 0 and run["accounts"] > 0
    assert run["operations"], "no operation ran"
    for kind, figures in run["operations"].items():
        assert kind in load.MIX or kind == "reload", kind  # reload: the read before a save
        assert figures["count"] == sum(figures[outcome] for outcome in load.OUTCOMES), kind
        assert {"per_s", "p50_ms", "p95_ms"} <= set(figures)
    assert set(run["refusals"]) == {"conflict", "busy", "validation", "other"}
    # the harness itself raised nothing, and the writes it committed are all there
    assert run["errors"] == [] and run["error_count"] == 0
    assert run["lost_updates"] == [] and run["integrity"] == []
    checks = result["checks"]
    assert {check["check"] for check in checks} == LOAD_CHECKS
    assert all(check["load"] == "sqlite" and isinstance(check["value"], int) for check in checks)
    limit = result["limits"]["sqlite"]
    assert [row["editors"] for row in limit["steps"]] == [2] and limit["holds"] in (0, 2)
    # the bench's budget carries the load test's checks, and its report prints the load test's table
    budget = evaluate({}, [], load=result)
    assert [check for check in budget["checks"] if "load" in check] == checks
    text = report({"sizes": {}, "budget": budget, "load": result}, [])
    assert "load test on SQLite" in text and "editors saving at once" in text


@pytest.mark.sqlite_only("the checks are tried on a SQLite copy of the demo")
def test_the_load_checks_find_a_lost_update_a_duplicate_and_a_broken_key(tmp_path):
    """The checks can fail: a committed write the database does not hold, two priorities of one rank,
    a row pointing at nothing."""
    backend = load.Backend("sqlite", tmp_path)
    url = backend.new(BENCH_TODAY)
    plan = load._plan(url, 1, 7, BENCH_TODAY.isoformat())
    assert load.lost_updates(url, [], plan) == []
    assert load.duplicates(url) == [] and load.integrity(url) == []
    path = url.removeprefix("sqlite:///")
    account, row_id, version = _rows(path, "SELECT account_id, id, version FROM priority ORDER BY id LIMIT 1")[0]
    rank = _rows(path, f"SELECT max(rank) FROM priority WHERE account_id = {account}")[0][0]

    ledger = [
        ("priority_edited", account, row_id, version + 1, "Load 1.1"),  # said committed, not in the database
        ("priority_edited", account, row_id, version + 1, "Load 2.1"),  # and a second commit from the same read
        ("priority_added", account, "Load 3.1"),  # said added, not there
        ("score", account, 1, 1, 1),  # said scored, no counter
    ]
    lost = load.lost_updates(url, ledger, plan)
    assert any("committed twice" in text for text in lost)
    assert any("last committed 'Load 2.1'" in text for text in lost)
    assert any("'Load 3.1'" in text for text in lost)
    assert any(text.startswith("score") for text in lost)

    connection = sqlite3.connect(path)  # foreign keys are not enforced on this connection
    connection.execute(
        "INSERT INTO value_proposition (priority_id, what_we_bring, customer_value, version, created_at, updated_at) "
        "SELECT 999999, 'x', 'x', 1, created_at, updated_at FROM priority LIMIT 1"
    )
    try:  # two priorities of one rank: the database lets them in (today), or refuses them (a constraint)
        connection.execute(
            "INSERT INTO priority (account_id, rank, title, version, created_at, updated_at) "
            "SELECT account_id, ?, 'Load 9.9', 1, created_at, updated_at FROM priority WHERE id = ?",
            (rank, row_id),
        )
        shared = True
    except sqlite3.IntegrityError:
        shared = False
    connection.commit()
    connection.close()
    assert any("value_proposition -> priority" in text for text in load.integrity(url))
    if shared:
        assert any(f"rank {rank} held by 2" in text for text in load.duplicates(url))
        assert any("never committed" in text for text in load.lost_updates(url, [], plan))


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch):
    monkeypatch.delenv("KAM_DATABASE_URL", raising=False)


# --- the workshop's live paths (bench/workshop.py): its parts without a browser ----------------------


@pytest.mark.sqlite_only("the benchmark generates SQLite files")
def test_the_workshop_bench_prepares_a_started_session_whose_account_moves_with_the_slider(tmp_path):
    from kam_core.store import db
    from kam_core.workshop import sessions

    path = tmp_path / "bench.db"
    generate(path, ACCOUNTS)
    url = f"sqlite:///{path}"

    prepared = workshop.prepared_session(url)

    with Session(db.get_engine(url)) as session:
        view = sessions.read_session(session, prepared["session"])
    assert view.position == 0 and view.current.account_id == prepared["account"] and len(view.items) == 3
    assert view.join_code == prepared["code"]
    end, left = prepared["places"]["End"], prepared["places"]["ArrowLeft"]
    assert max(abs(a - b) for a, b in zip(end, left)) >= workshop.MIN_MOVE  # the chart's mark moves
    assert all(0 <= figure <= 10 for figure in (*end, *left))
    db.dispose_all()


def test_the_workshop_bench_votes_move_the_median_and_fall_all_over_the_poll():
    values = [workshop.vote_value(n) for n in range(6)]
    medians = [statistics.median(values[: n + 1]) for n in range(6)]
    assert all(a != b for a, b in zip(medians, medians[1:]))
    assert [key for key, _ in workshop.trivial_moves(4)] == ["End", "ArrowLeft"] * 2
    # the taps fall all over the room's poll, not at one moment of it
    phases = sorted(workshop.phase_ms(n) for n in range(7))
    assert phases[0] >= 0 and phases[-1] < workshop.POLL_MS
    assert max(b - a for a, b in zip([0, *phases], [*phases, workshop.POLL_MS])) < workshop.POLL_MS / 3


def test_the_trivial_app_runs_and_counts_the_votes(tmp_path):
    from streamlit.testing.v1 import AppTest

    app = tmp_path / "trivial.py"
    app.write_text(workshop.TRIVIAL_APP)
    (tmp_path / "votes.txt").write_text("1\n1\n")

    room = AppTest.from_file(str(app)).run()
    assert not room.exception
    assert room.dataframe[0].value["Votes"].tolist() == [2]
    voter = AppTest.from_file(str(app))
    voter.query_params["role"] = "voter"
    voter.run()
    assert not voter.exception


def test_the_workshop_figures_go_to_the_budget_and_the_report():
    def sizes(slider_ratio: float, vote_ms: float) -> dict:
        return {"2000": {"slider_ms": 500.0, "vote_ms": vote_ms, "slider_ratio": slider_ratio, "vote_ratio": 1.5}}

    trivial = {"slider_ms": 100.0, "vote_ms": 1000.0}
    within = {"repeats": 3, "trivial": trivial, "sizes": sizes(1.0, 1000.0)}
    over = {"repeats": 3, "trivial": trivial, "sizes": sizes(WORKSHOP_SLIDER_RATIO_MAX + 1, 1e9)}

    assert evaluate({}, [], workshop=within)["passed"]
    failed = evaluate({}, [], workshop=over)
    assert {check["workshop"] for check in failed["over"]} == {"slider", "vote"}
    assert not evaluate({}, [], workshop={"error": "RuntimeError: no Chromium page"})["passed"]
    assert evaluate({}, [], workshop={"skipped": "Chromium is missing"})["checks"] == []
    lines = workshop.report(within, _workshop_mark)
    assert len(lines) == 3 and "OK" in lines[1] and "OK" in lines[2]
    text = report({"sizes": {}, "workshop": over, "budget": failed}, [])
    assert "OVER" in text and "workshop slider" in text
