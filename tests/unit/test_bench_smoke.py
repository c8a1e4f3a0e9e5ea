"""The benchmark (bench/) keeps working: a tiny portfolio, a short run. No timed assertion."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench.generate import BENCH_TODAY, PER_ACCOUNT, expected_counts, generate
from bench.run import app_pages, run_benchmark
from tests.conftest import TODAY

ACCOUNTS = 15
ACCOUNT_PAGES = {
    "Account strategy canvas",
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


@pytest.mark.sqlite_only("the benchmark generates SQLite files")
def test_generate_is_deterministic(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    generate(first, 5, seed=3)
    generate(second, 5, seed=3)
    dumps = []
    for path in (first, second):
        connection = sqlite3.connect(path)
        # the audit trail records when the defaults were written: real time, not generated data
        dumps.append([line for line in connection.iterdump() if not line.startswith('INSERT INTO "audit_entry"')])
        connection.close()
    assert dumps[0] == dumps[1]


def test_the_pages_are_read_from_app_py():
    pages = app_pages()
    assert len(pages) == 17
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


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch):
    monkeypatch.delenv("KAM_DATABASE_URL", raising=False)
