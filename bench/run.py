"""The performance benchmark: ``python -m bench.run [--sizes 200,2000,10000] [--reruns 10]
[--import-rows 100000] [--out bench/results/latest.json]`` (see bench/README.md).

For each portfolio size, in this one process so that the figures compare: the floor (an empty
Streamlit page under AppTest), every page of app.py's navigation with a typical account selected
(first run with cold caches, median of the reruns), the import of revenue lines from CSV, the QBR
pack of the typical account and the process's peak memory. Then the workshop's live paths in Chromium
(bench/workshop.py: slider → position, vote → facilitator, against a trivial app; ``--no-workshop``) and
the load test (bench/load.py: concurrent users on SQLite and PostgreSQL; ``--load-seconds``,
``--no-load``). Prints a table per
size marked OK / OVER against the budget, the load test's table and checks, and writes the figures
as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.generate import BENCH_TODAY, CACHE_DIR, cached, copy_database, in_cache

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "latest.json"
DEFAULT_SIZES = (200, 2000, 10000)
RUN_TIMEOUT_S = 900  # one AppTest run; a page slower than this is reported as an error
FIRST_RUNS = 5  # cold runs per page (caches cleared before each); first_ms is their median

# The budget (2-core machine), see bench/README.md.
BUDGET_SIZE = 2000  # where every page's rerun is held to the two limits below
RERUN_MS_MAX = 300.0
RATIO_TO_FLOOR_MAX = 10.0
SAME_COST_TOLERANCE = 0.20  # account pages: 10,000 accounts within 20 % of 200
IMPORT_ROWS_PER_S_MIN = 20_000.0
QBR_S_MAX = 3.0
DEMO_SEED_S_MAX = 2.0  # the demo portfolio loaded into an empty database (make run's first start)
RSS_SIZE = 10000
RSS_MB_MAX = 600.0
WORKSHOP_SLIDER_RATIO_MAX = 8.0  # slider → position, at each size, over the trivial app's slider → chart
WORKSHOP_VOTE_MS_MAX = 3500.0  # vote → facilitator: the room's poll (2 s) + 1.5 s
ACCOUNT_GROUP_KEY = "nav.account"  # pages about one account: the "Account" group of the navigation


# --- the pages, as app.py declares them (kam_core.ui.routes) ----------------------------------------------------------


@dataclass(frozen=True)
class Page:
    path: str  # relative to app.py, as AppTest.switch_page wants it
    title: str  # English title, the key of the JSON
    url_path: str | None
    group: str  # i18n key of the navigation group
    about_one_account: bool


def app_pages() -> list[Page]:
    """The pages of app.py's st.navigation, in its order (titles in English): app.py builds it from
    kam_core.ui.routes.ROUTES, the one table of the pages, read here without running app.py."""
    from kam_core.i18n import translate
    from kam_core.ui.routes import ROUTES

    if "routes.ROUTES" not in APP.read_text(encoding="utf-8"):
        raise RuntimeError("app.py no longer builds its navigation from kam_core.ui.routes.ROUTES")
    return [
        Page(
            path=route.path,
            title=translate(route.title, "en"),
            url_path=route.url_path,
            group=route.group,
            about_one_account=route.group == ACCOUNT_GROUP_KEY,
        )
        for route in ROUTES
    ]


def select_pages(pages: list[Page], wanted: list[str] | None) -> list[Page]:
    """Pages named by url path, file stem or title (case ignored); all of them when ``wanted`` is empty."""
    if not wanted:
        return pages
    chosen = []
    for name in wanted:
        folded = name.strip().casefold()
        match = [
            page
            for page in pages
            if folded in {(page.url_path or "").casefold(), Path(page.path).stem.casefold(), page.title.casefold()}
        ]
        if not match:
            raise SystemExit(f"unknown page {name!r}; pages: {', '.join(page.url_path or page.path for page in pages)}")
        chosen.extend(page for page in match if page not in chosen)
    return chosen


def check_registered(app, pages: list[Page]) -> None:
    """The pages read from app.py are the ones st.navigation registered (same files, same titles)."""
    registered = getattr(app, "_registered_pages", None)
    if not registered:  # an AppTest without the registry: switch_page itself refuses unknown pages
        return
    running = {
        str(Path(str(info["script_path"])).resolve()): info.get("page_name")
        for info in registered.values()
        if info.get("script_path")
    }
    declared = {str((APP.parent / page.path).resolve()): page.title for page in pages}
    if running != declared:
        raise RuntimeError(f"app.py's pages as read {declared} differ from st.navigation's {running}")


# --- measuring -----------------------------------------------------------------------------------


class QueryCounter:
    """SQL statements sent by any engine of the process (one per execute / executemany)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self, *_args, **_kwargs) -> None:
        with self._lock:
            self.count += 1

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        if not event.contains(Engine, "before_cursor_execute", self):
            event.listen(Engine, "before_cursor_execute", self)

    def remove(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        if event.contains(Engine, "before_cursor_execute", self):
            event.remove(Engine, "before_cursor_execute", self)


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def _exceptions(app) -> list[str]:
    found = []
    for element in app.exception:
        where = [line.strip() for line in element.stack_trace if line.strip()][-2:]
        found.append(" | ".join([str(element.value), *where]))
    return found


def _timed_run(app) -> float:
    started = time.perf_counter()
    app.run()
    return time.perf_counter() - started


def measure_floor(runs: int) -> float:
    """Median run time (ms) of a page holding one st.write, under AppTest, over ``runs`` runs after a first
    one (not counted: like the pages' reruns, the floor is the cost of running an already opened page)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string("import streamlit as st\nst.write('floor')\n", default_timeout=RUN_TIMEOUT_S)
    app.run()
    return _ms(statistics.median(_timed_run(app) for _ in range(max(1, runs))))


def measure_frame(account_id: int, runs: int) -> float:
    """Median rerun (ms) of app.py without its page: the router and the sidebar (language, account
    selector, programme) that every page pays before drawing anything. For information: it tells a
    page's own cost (``rerun_ms - frame_ms``) from the frame's."""
    from streamlit.testing.v1 import AppTest

    source = APP.read_text(encoding="utf-8")
    if "navigation.run()" not in source:
        raise RuntimeError("app.py no longer ends with navigation.run()")
    frame_only = ROOT / f".bench-frame-{os.getpid()}.py"  # beside app.py: the pages' paths resolve from there
    frame_only.write_text(source.replace("navigation.run()", "pass  # the frame alone"), encoding="utf-8")
    try:
        app = AppTest.from_file(str(frame_only), default_timeout=RUN_TIMEOUT_S)
        app.query_params["account"] = str(account_id)
        app.run()
        if app.exception:
            raise RuntimeError(str(app.exception[0].value))
        return _ms(statistics.median(_timed_run(app) for _ in range(max(1, runs))))
    finally:
        frame_only.unlink(missing_ok=True)


def measure_page(page: Page, pages: list[Page], account_id: int, reruns: int, counter: QueryCounter) -> dict:
    """First run of the page with cold caches, then ``reruns`` reruns: times, SQL statements, exceptions."""
    from streamlit.testing.v1 import AppTest

    from kam_core.ui import readers

    result: dict = {
        "path": page.path,
        "first_ms": None,
        "rerun_ms": None,
        "ratio_to_floor": None,
        "first_queries": None,
        "rerun_queries": None,
        "exceptions": [],
    }
    try:
        app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
        app.query_params["account"] = str(account_id)
        app.run()  # the default page: st.navigation registers the pages, switch_page needs it
        check_registered(app, pages)
        app.switch_page(page.path)
        firsts, first_queries = [], []
        for _ in range(FIRST_RUNS):  # one sample is at the mercy of the machine: the median of five
            readers.clear()  # cold caches: the first run reads everything it shows
            before = counter.count
            firsts.append(_timed_run(app))
            first_queries.append(counter.count - before)
            result["exceptions"] += [
                f"first run: {text}" for text in _exceptions(app) if f"first run: {text}" not in result["exceptions"]
            ]
        result["first_ms"] = _ms(statistics.median(firsts))
        result["first_queries"] = int(statistics.median(first_queries))
        times, queries = [], []
        for _ in range(reruns):
            before = counter.count
            times.append(_timed_run(app))
            queries.append(counter.count - before)
            result["exceptions"] += [
                f"rerun: {text}" for text in _exceptions(app) if f"rerun: {text}" not in result["exceptions"]
            ]
        if times:
            result["rerun_ms"] = _ms(statistics.median(times))
            result["rerun_queries"] = int(statistics.median(queries))
        errors = [str(element.value)[:200] for element in app.error]
        if errors:
            result["error_messages"] = errors[:3]  # st.error on the page: shown, not raised
    except Exception as exc:  # noqa: BLE001 - a page that cannot run is a result to report
        result["exceptions"].append(
            f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
            + " | "
            + traceback.format_exc().strip().splitlines()[-1][:200]
        )
    return result


def typical_account(url: str) -> tuple[int, str]:
    """A strategic, active account with a handshake in quarterly review, of median revenue among them
    (falls back to any account with a handshake, then to any account)."""
    from sqlalchemy import select
    from sqlmodel import Session

    from kam_core.portfolio.overview import reference_year
    from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
    from kam_core.store import db
    from kam_core.store.models import Account, AccountYear, Handshake

    with Session(db.get_engine(url)) as session:
        programme = load_programme(session)
        table = segments(
            session,
            programme.current_period,
            Thresholds(programme.attractiveness_threshold, programme.strength_threshold),
        )
        strategic = set(int(i) for i in table.loc[table["quadrant"] == "strategic", "account_id"])
        rows = session.execute(
            select(Account.id, Account.name, Account.status, Handshake.stage, AccountYear.revenue)
            .outerjoin(Handshake, Handshake.account_id == Account.id)
            .outerjoin(
                AccountYear, (AccountYear.account_id == Account.id) & (AccountYear.year == reference_year(BENCH_TODAY))
            )
            .order_by(Account.id)
        ).all()
    for keep in (
        lambda r: r.id in strategic and r.status == "active" and r.stage == "in_review",
        lambda r: r.stage is not None,
        lambda r: True,
    ):
        candidates = sorted((r for r in rows if keep(r)), key=lambda r: (r.revenue or 0.0, r.id))
        if candidates:
            chosen = candidates[len(candidates) // 2]
            return int(chosen.id), chosen.name
    raise RuntimeError("the benchmark database holds no account")


STAGES = (
    ("Closed Won", None),
    ("Closed Won", None),
    ("Prospecting", 10),
    ("Qualification", 20),
    ("Proposal/Price Quote", 50),
    ("Negotiation/Review", 80),
)


def revenue_csv(url: str, rows: int, seed: int) -> bytes:
    """``rows`` revenue lines as a Salesforce opportunity report exports them, over the database's accounts:
    Opportunity ID, Account Name, Opportunity Name, Amount, Close Date (day first), Stage, Probability (%)."""
    from sqlalchemy import select
    from sqlmodel import Session

    from kam_core.store import db
    from kam_core.store.models import Account

    with Session(db.get_engine(url)) as session:
        names = list(session.execute(select(Account.name).order_by(Account.id)).scalars())
    rng = random.Random(f"{seed}:import:{rows}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["Opportunity ID", "Account Name", "Opportunity Name", "Amount", "Close Date", "Stage", "Probability (%)"]
    )
    for number in range(1, rows + 1):
        stage, probability = rng.choice(STAGES)
        won = probability is None
        day = BENCH_TODAY + timedelta(days=rng.randint(-900, -1) if won else rng.randint(-30, 270))
        writer.writerow(
            [
                f"006BENCH{number:09d}",
                rng.choice(names),
                f"Benchmark deal {number}",
                f"{rng.uniform(2_000, 400_000):.2f}",
                day.strftime("%d/%m/%Y"),
                stage,
                "100" if won else str(probability),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def measure_import(source: Path, workdir: Path, rows: int, seed: int) -> dict:
    """read_table + run_import (the app's defaults: only valid rows, a backup first) of ``rows`` revenue lines,
    on a copy of the database."""
    from kam_core.exchange.importing import propose_mapping, read_table, run_import
    from kam_core.store import db

    target = copy_database(source, workdir / "import.db")
    url = f"sqlite:///{target}"
    db.get_engine(url)  # opened (and checked) as the app opens it, before the clock starts
    data = revenue_csv(url, rows, seed)
    started = time.perf_counter()
    table = read_table(data, "opportunities.csv")
    result = run_import(
        db.get_engine(url), table, "revenue", propose_mapping(table.headers, "revenue"), today=BENCH_TODAY
    )
    elapsed = time.perf_counter() - started
    return {
        "import_rows_per_s": round(rows / elapsed, 1),
        "import_s": round(elapsed, 3),
        "import_created": result.created,
        "import_updated": result.updated,
        "import_rejected": result.rejected,
    }


def measure_qbr(url: str, account_id: int) -> float:
    from sqlmodel import Session

    from kam_core.documents.qbr import build_qbr
    from kam_core.store import db

    with Session(db.get_engine(url)) as session:
        started = time.perf_counter()
        pack = build_qbr(session, account_id, BENCH_TODAY, "en", internal=True)
        elapsed = time.perf_counter() - started
    if not pack.data:
        raise RuntimeError("build_qbr returned an empty deck")
    return round(elapsed, 3)


def measure_demo_seed(workdir: Path) -> float:
    """Seconds to load the demo portfolio into a migrated, empty SQLite file (what make run does first)."""
    from kam_core.demo.seed import seed_demo
    from kam_core.store import db

    engine = db.make_engine(f"sqlite:///{workdir / 'demo-seed.db'}")
    try:
        db.migrate(engine)
        started = time.perf_counter()
        with db.session_scope(engine) as session:  # committed on leaving
            seed_demo(session, today=BENCH_TODAY)
        return round(time.perf_counter() - started, 3)
    finally:
        engine.dispose()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux, bytes on macOS
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def machine() -> dict:
    cpu = platform.processor() or None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gb": ram_gb,
    }


@contextlib.contextmanager
def environment(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --- one size ------------------------------------------------------------------------------------


def generated(size: int, seed: int, cache_dir: Path) -> tuple[Path, dict]:
    """The cached portfolio, generated when missing in a child process: generating 2.6 M rows is not
    the app's work, and in this process it would raise the peak memory measured (786 MB instead of
    587 on a fresh clone) and leave its heap fragmented for the import."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    found = in_cache(size, seed, cache_dir)
    if found is not None:
        return found
    # an executor, not a Pool: a child that dies (out of memory) raises BrokenProcessPool instead of hanging
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as executor:
        return executor.submit(cached, size, seed, cache_dir).result()


def measure_size(
    size: int,
    pages: list[Page],
    all_pages: list[Page],
    *,
    reruns: int,
    import_rows: int,
    seed: int,
    cache_dir: Path,
    warmup: bool,
    counter: QueryCounter,
    echo,
) -> dict:
    from kam_core.store import db
    from kam_core.ui import readers

    source, info = generated(size, seed, cache_dir)
    echo(
        f"  database: {info['rows']:,} rows, "
        + ("from the cache" if info["cached"] else f"generated in {info['generate_s']} s")
    )
    workdir = Path(tempfile.mkdtemp(prefix=f"kam-bench-{size}-"))
    try:
        target = copy_database(source, workdir / "kam.db")
        url = f"sqlite:///{target}"
        with environment(KAM_DATABASE_URL=url, KAM_TODAY=BENCH_TODAY.isoformat()):
            account_id, account_name = typical_account(url)
            if warmup:  # one-time costs of the process (imports of chart, Word and PowerPoint libraries...)
                echo("  warm-up run of every page (not measured)")
                for page in pages:
                    measure_page(page, all_pages, account_id, 0, counter)
            floor_ms = measure_floor(reruns)
            frame_ms = measure_frame(account_id, reruns)
            echo(f"  floor: {floor_ms} ms, frame: {frame_ms} ms; typical account #{account_id} {account_name}")
            results = {}
            for page in pages:
                figures = measure_page(page, all_pages, account_id, reruns, counter)
                if figures["rerun_ms"] is not None and floor_ms > 0:
                    figures["ratio_to_floor"] = round(figures["rerun_ms"] / floor_ms, 2)
                results[page.title] = figures
                echo(
                    f"  {page.title}: first {figures['first_ms']} ms, rerun {figures['rerun_ms']} ms"
                    + (f" - EXCEPTION {figures['exceptions'][0][:120]}" if figures["exceptions"] else "")
                )
            qbr = _attempt(lambda: {"qbr_s": measure_qbr(url, account_id)}, "qbr", ("qbr_s",))
            echo(f"  QBR pack: {qbr['qbr_s']} s" + (f" - EXCEPTION {qbr['qbr_error']}" if "qbr_error" in qbr else ""))
            readers.clear()
            db.dispose_all()
            pages_rss_mb = peak_rss_mb()  # what the pages and the QBR deck reached; the import comes on top
            imported = _attempt(
                lambda: measure_import(source, workdir, import_rows, seed),
                "import",
                ("import_rows_per_s", "import_s", "import_created", "import_updated", "import_rejected"),
            )
            echo(
                f"  import: {imported['import_rows_per_s']} rows/s"
                + (f" - EXCEPTION {imported['import_error']}" if "import_error" in imported else "")
            )
        readers.clear()
        db.dispose_all()
        gc.collect()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "accounts": size,
        "rows": info["rows"],
        "generate_s": info["generate_s"],
        "cached": info["cached"],
        "typical_account": {"id": account_id, "name": account_name},
        "floor_ms": floor_ms,
        "frame_ms": frame_ms,
        "pages": results,
        **imported,
        **qbr,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_before_import_mb": pages_rss_mb,
    }


def _attempt(measure, name: str, keys: tuple[str, ...]) -> dict:
    """The figures of ``measure``, or None for each and ``<name>_error`` when it raised: a failure is reported."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001
        where = traceback.extract_tb(exc.__traceback__)
        app_frames = [frame for frame in where if "/kam_core/" in frame.filename] or where
        last = app_frames[-1]
        return {
            **dict.fromkeys(keys),
            f"{name}_error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]} "
            f"(at {Path(last.filename).name}:{last.lineno} {last.name})",
        }


# --- the budget ----------------------------------------------------------------------------------


def _check(checks: list, name: str, value, limit, ok: bool, **where) -> None:
    checks.append({"check": name, **where, "value": value, "limit": limit, "ok": bool(ok)})


def evaluate(
    sizes: dict[str, dict],
    pages: list[Page],
    demo_seed_s: float | None = None,
    demo_seed_error: str | None = None,
    load: dict | None = None,
    workshop: dict | None = None,
) -> dict:
    """Every check of the budget that the sizes run allow, the workshop's live paths' (bench.workshop) and
    the load test's (bench.load); ``passed`` when all hold."""
    checks: list[dict] = []
    if workshop is not None:
        checks += workshop_checks(workshop)
    if load is not None:
        if "error" in load:
            _check(checks, "load test runs", load["error"], None, False, load="all")
        checks += load.get("checks", [])
    if demo_seed_error is not None:
        _check(checks, "demo seed runs without exception", demo_seed_error, None, False)
    if demo_seed_s is not None:
        _check(
            checks, f"demo_seed_s < {DEMO_SEED_S_MAX:g}", demo_seed_s, DEMO_SEED_S_MAX, demo_seed_s < DEMO_SEED_S_MAX
        )
    about_one = {page.title: page.about_one_account for page in pages}
    for key, figures in sizes.items():
        size = int(key)
        for title, page in figures["pages"].items():
            _check(
                checks,
                "runs without exception",
                len(page["exceptions"]),
                0,
                not page["exceptions"],
                size=size,
                page=title,
            )
            if size == BUDGET_SIZE and page["rerun_ms"] is not None:
                _check(
                    checks,
                    f"rerun_ms <= {RERUN_MS_MAX:g}",
                    page["rerun_ms"],
                    RERUN_MS_MAX,
                    page["rerun_ms"] <= RERUN_MS_MAX,
                    size=size,
                    page=title,
                )
                _check(
                    checks,
                    f"ratio_to_floor <= {RATIO_TO_FLOOR_MAX:g}",
                    page["ratio_to_floor"],
                    RATIO_TO_FLOOR_MAX,
                    page["ratio_to_floor"] is not None and page["ratio_to_floor"] <= RATIO_TO_FLOOR_MAX,
                    size=size,
                    page=title,
                )
        rate, qbr_s = figures["import_rows_per_s"], figures["qbr_s"]
        _check(
            checks,
            f"import_rows_per_s >= {IMPORT_ROWS_PER_S_MIN:,.0f}",
            rate,
            IMPORT_ROWS_PER_S_MIN,
            rate is not None and rate >= IMPORT_ROWS_PER_S_MIN,
            size=size,
            **({"error": figures["import_error"]} if "import_error" in figures else {}),
        )
        _check(
            checks,
            f"qbr_s < {QBR_S_MAX:g}",
            qbr_s,
            QBR_S_MAX,
            qbr_s is not None and qbr_s < QBR_S_MAX,
            size=size,
            **({"error": figures["qbr_error"]} if "qbr_error" in figures else {}),
        )
        if size == RSS_SIZE:
            _check(
                checks,
                f"peak_rss_mb < {RSS_MB_MAX:g}",
                figures["peak_rss_mb"],
                RSS_MB_MAX,
                figures["peak_rss_mb"] < RSS_MB_MAX,
                size=size,
            )
    for small, large, kind in ((200, 10000, "same"), (2000, 10000, "linear")):
        if str(small) not in sizes or str(large) not in sizes:
            continue
        for title, low in sizes[str(small)]["pages"].items():
            high = sizes[str(large)]["pages"].get(title)
            if high is None or (kind == "same") != about_one.get(title, False):
                continue
            for figure in ("rerun_ms",) if kind == "same" else ("first_ms", "rerun_ms"):
                if not low[figure] or high[figure] is None:
                    continue
                ratio = round(high[figure] / low[figure], 2)
                limit = round(1 + SAME_COST_TOLERANCE, 2) if kind == "same" else round(large / small, 2)
                _check(
                    checks,
                    f"{figure} at {large:,} / at {small:,} <= {limit:g}",
                    ratio,
                    limit,
                    ratio <= limit,
                    page=title,
                    sizes=[small, large],
                )
    over = [check for check in checks if not check["ok"]]
    return {"passed": not over, "checks": checks, "over": over}


def workshop_checks(workshop: dict) -> list[dict]:
    """The workshop's live paths at each size: slider → position within WORKSHOP_SLIDER_RATIO_MAX times the
    trivial app's, vote → facilitator within WORKSHOP_VOTE_MS_MAX; a run that failed is a failed check (one
    without Chromium is reported as skipped, as the load test's browsers are)."""
    checks: list[dict] = []
    if "error" in workshop:
        _check(checks, "workshop bench runs", workshop["error"], None, False, workshop="all")
    for key, figures in workshop.get("sizes", {}).items():
        size = int(key)
        ratio, vote = figures["slider_ratio"], figures["vote_ms"]
        _check(
            checks,
            f"slider → position <= {WORKSHOP_SLIDER_RATIO_MAX:g} x trivial app",
            ratio,
            WORKSHOP_SLIDER_RATIO_MAX,
            ratio <= WORKSHOP_SLIDER_RATIO_MAX,
            size=size,
            workshop="slider",
        )
        _check(
            checks,
            f"vote → facilitator <= {WORKSHOP_VOTE_MS_MAX:g} ms",
            vote,
            WORKSHOP_VOTE_MS_MAX,
            vote <= WORKSHOP_VOTE_MS_MAX,
            size=size,
            workshop="vote",
        )
        if figures.get("server_errors"):
            _check(checks, "no traceback in the server's log", figures["server_errors"], 0, False, size=size,
                   workshop="server")  # fmt: skip
    return checks


def _workshop_mark(size: int, path: str, figures: dict) -> str:
    if path == "slider":
        limit = f"<= {WORKSHOP_SLIDER_RATIO_MAX:g} x trivial"
        return f"  {_mark(figures['slider_ratio'] <= WORKSHOP_SLIDER_RATIO_MAX)} ({limit})"
    return f"  {_mark(figures['vote_ms'] <= WORKSHOP_VOTE_MS_MAX)} (<= {WORKSHOP_VOTE_MS_MAX:,.0f} ms)"


# --- report --------------------------------------------------------------------------------------


def _mark(ok: bool, binding: bool = True) -> str:
    text = "OK" if ok else "OVER"
    return text if binding else f"({text.lower()})"


def _num(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def report(result: dict, pages: list[Page]) -> str:
    lines = []
    budget = result["budget"]
    if result.get("demo_seed_s") is not None:
        lines.append(
            f"demo portfolio into an empty database: {result['demo_seed_s']} s  "
            f"{_mark(result['demo_seed_s'] < DEMO_SEED_S_MAX)} (< {DEMO_SEED_S_MAX:g} s)"
        )
    for key, figures in result["sizes"].items():
        size = int(key)
        binding = size == BUDGET_SIZE
        account = figures["typical_account"]
        lines.append("")
        lines.append(
            f"== {size:,} accounts ({figures['rows']:,} rows; typical account #{account['id']} {account['name']}) =="
        )
        lines.append(
            f"floor (empty page under AppTest): {figures['floor_ms']} ms; frame (app.py without a page: "
            f"router and sidebar): {figures.get('frame_ms')} ms"
        )
        lines.append(
            f"{'page':<28} {'first ms':>10} {'rerun ms':>10} {'x floor':>8} {'SQL first/rerun':>16}  "
            f"budget{'' if binding else ' (binding at 2,000 only)'}"
        )
        for title, page in figures["pages"].items():
            if page["exceptions"]:
                mark = "ERROR"
            elif page["rerun_ms"] is None:
                mark = "-"
            else:
                ok = page["rerun_ms"] <= RERUN_MS_MAX and (page["ratio_to_floor"] or 0) <= RATIO_TO_FLOOR_MAX
                mark = _mark(ok, binding)
            queries = f"{_num(page['first_queries'], 0)}/{_num(page['rerun_queries'], 0)}"
            lines.append(
                f"{title:<28} {_num(page['first_ms']):>10} {_num(page['rerun_ms']):>10} "
                f"{_num(page['ratio_to_floor'], 1):>8} {queries:>16}  {mark}"
            )
            for text in page["exceptions"][:2]:
                lines.append(f"    ! {text[:160]}")
        rate = figures["import_rows_per_s"]
        if rate is None:
            lines.append(f"import: ERROR {figures.get('import_error')}")
        else:
            lines.append(
                f"import: {_num(rate, 0)} rows/s ({figures['import_created']:,} lines created in "
                f"{figures['import_s']} s, {figures['import_rejected']} refused)  "
                f"{_mark(rate >= IMPORT_ROWS_PER_S_MIN)} (>= {IMPORT_ROWS_PER_S_MIN:,.0f})"
            )
        if figures["qbr_s"] is None:
            lines.append(f"QBR pack: ERROR {figures.get('qbr_error')}")
        else:
            lines.append(f"QBR pack: {figures['qbr_s']} s  {_mark(figures['qbr_s'] < QBR_S_MAX)} (< {QBR_S_MAX:g} s)")
        rss_binding = size == RSS_SIZE
        lines.append(
            f"peak RSS of the process so far: {figures['peak_rss_mb']} MB "
            f"({figures.get('peak_rss_before_import_mb', '–')} MB before the import)  "
            f"{_mark(figures['peak_rss_mb'] < RSS_MB_MAX, rss_binding)} (< {RSS_MB_MAX:g} MB at 10,000)"
        )
    if result.get("workshop"):
        from bench.workshop import report as workshop_report

        lines.append("")
        lines.append("== workshop live paths (Chromium; ratio to a trivial Streamlit app in the same run) ==")
        lines += workshop_report(result["workshop"], _workshop_mark)
    if result.get("load"):
        from bench.load import report as load_report

        lines.append(load_report(result["load"]) if "error" not in result["load"] else "")
    comparisons = [check for check in budget["checks"] if "sizes" in check]
    if comparisons:
        lines.append("")
        lines.append("== growth with the portfolio ==")
        for check in comparisons:
            lines.append(f"{check['page']:<28} {check['check']:<40} {check['value']:>7.2f}  {_mark(check['ok'])}")
    lines.append("")
    if budget["passed"]:
        lines.append("budget: every check passes")
    else:
        lines.append(f"budget: {len(budget['over'])} check(s) over:")
        for check in budget["over"]:
            where = check.get("page") or (f"load test on {check['load']}" if "load" in check else "")
            where = where or (f"workshop {check['workshop']}" if "workshop" in check else "")
            size = check.get("size") or "/".join(f"{s:,}" for s in check.get("sizes", []))
            error = f" - {check['error']}" if check.get("error") else ""
            lines.append(f"  OVER  {size} {where}: {check['check']} (value {check['value']}){error}")
    return "\n".join(lines)


# --- entry points --------------------------------------------------------------------------------


def _quiet_streamlit() -> None:
    """Cached readers called outside a session (readers.clear(), the typical account) log a warning at every
    call; AppTest resets Streamlit's log level at each run, so the two loggers get a filter instead."""
    from streamlit import logger

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
        target = logger.get_logger(name)
        if _QUIET not in target.filters:
            target.addFilter(_QUIET)


def _quiet(record) -> bool:
    message = record.getMessage()
    return "missing ScriptRunContext" not in message and "No runtime found" not in message


_QUIET = _quiet


@contextlib.contextmanager
def server_script_cache():
    """Runs AppTest with one script cache for the whole process, as ``streamlit run`` has.

    AppTest makes a new ``ScriptCache`` at every run, so each run parses and compiles app.py and the
    page again (with Streamlit's magic, about 2 ms per 100 lines): a cost the server pays once per
    script and process, never at a user's click. Without this, a page's rerun would be charged for
    the length of its source file, and the floor (a two-line script) would not be."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    for module in (app_test, local_script_runner):  # Streamlit 1.67 names it there; fail loudly if that changes
        if getattr(module, "ScriptCache", None) is not ScriptCache:
            raise RuntimeError(f"{module.__name__} no longer uses ScriptCache: update bench.run.server_script_cache")
    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    try:
        yield shared
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = saved


def run_benchmark(
    sizes=DEFAULT_SIZES,
    *,
    reruns: int = 10,
    import_rows: int = 100_000,
    out: Path | None = DEFAULT_OUT,
    pages: list[str] | None = None,
    seed: int = 7,
    cache_dir: Path = CACHE_DIR,
    warmup: bool = True,
    load_seconds: float | None = None,
    load_options: dict | None = None,
    workshop_options: dict | None = None,
    echo=print,
) -> dict:
    """Measure every size (ascending: peak RSS only grows), then the workshop's live paths (when
    ``workshop_options`` is given: bench.workshop.run's arguments), then the load test for ``load_seconds``
    (none when None; ``load_options``: bench.load.run_load's other arguments), write ``out`` (when given)
    and return the result."""
    started = time.perf_counter()
    _quiet_streamlit()
    all_pages = app_pages()
    chosen = select_pages(all_pages, pages)
    counter = QueryCounter()
    counter.install()
    result = {
        "machine": machine(),
        "settings": {"reruns": reruns, "import_rows": import_rows, "seed": seed, "today": BENCH_TODAY.isoformat()},
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="kam-bench-seed-") as workdir:  # a failure is reported, not raised
        result.update(
            _attempt(lambda: {"demo_seed_s": measure_demo_seed(Path(workdir))}, "demo_seed", ("demo_seed_s",))
        )
    echo(
        f"demo portfolio loaded into an empty database: {result['demo_seed_s']} s"
        + (f" - EXCEPTION {result['demo_seed_error']}" if "demo_seed_error" in result else "")
    )
    try:
        with server_script_cache():
            first = True
            for size in sorted(set(int(s) for s in sizes)):
                echo(f"{size:,} accounts")
                result["sizes"][str(size)] = measure_size(
                    size,
                    chosen,
                    all_pages,
                    reruns=reruns,
                    import_rows=import_rows,
                    seed=seed,
                    cache_dir=Path(cache_dir),
                    warmup=warmup and first,
                    counter=counter,
                    echo=echo,
                )
                first = False
    finally:
        counter.remove()
    if workshop_options is not None:
        result["workshop"] = measure_workshop({"cache_dir": Path(cache_dir), **workshop_options}, echo)
    if load_seconds:
        result["load"] = measure_load(load_seconds, load_options or {}, echo)
    result["budget"] = evaluate(
        result["sizes"],
        all_pages,
        result["demo_seed_s"],
        result.get("demo_seed_error"),
        result.get("load"),
        result.get("workshop"),
    )
    result["total_s"] = round(time.perf_counter() - started, 1)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        partial.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.replace(out)
    echo(report(result, chosen))
    echo(f"\ntotal {result['total_s']} s" + (f"; written to {out}" if out is not None else ""))
    return result


def measure_load(seconds: float, options: dict, echo) -> dict:
    """The load test (bench.load): users and browsers on SQLite and PostgreSQL; a failure is reported."""
    from bench.load import run_load

    echo(f"load test: {seconds:g} s per database")
    try:
        return run_load(seconds=seconds, echo=echo, **options)
    except Exception as exc:  # noqa: BLE001 - a load test that cannot run is a failed check
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}", "checks": []}


def measure_workshop(options: dict, echo) -> dict:
    """The workshop's live paths in Chromium (bench.workshop); a failure is reported, and fails the budget."""
    from bench.workshop import run as run_workshop

    try:
        return run_workshop(echo=echo, **options)
    except Exception as exc:  # noqa: BLE001 - a measurement that cannot run is a failed check
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}


def main(argv: list[str] | None = None) -> int:
    from kam_core.store.memory import limit_malloc_arenas

    limit_malloc_arenas()  # as the app's server does (kam_core.ui.serve), before AppTest's threads start
    from kam_core.ui.serve import preload

    preload()  # as the server does before its first session: the app's modules, frozen out of the collector's way
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="portfolio sizes in accounts, comma separated (default: %(default)s)",
    )
    parser.add_argument("--reruns", type=int, default=10, help="reruns per page, and runs of the floor (default: 10)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="revenue lines imported (default: 100000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON written (default: %(default)s)")
    parser.add_argument("--pages", default="", help="only these pages (url path, file name or title), comma separated")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated portfolios (default: 7)")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="where generated databases are kept")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a budget check is over")
    parser.add_argument(
        "--load-seconds", type=float, default=60.0, help="the load test's run per database (default: 60)"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load test (bench/load.py)")
    parser.add_argument(
        "--no-workshop", action="store_true", help="skip the workshop's live paths in Chromium (bench/workshop.py)"
    )
    parser.add_argument(
        "--workshop-sizes", default="30,2000", help="portfolio sizes of the workshop bench (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    pages = [part for part in args.pages.split(",") if part.strip()] or None
    result = run_benchmark(
        sizes,
        reruns=args.reruns,
        import_rows=args.import_rows,
        out=args.out,
        pages=pages,
        seed=args.seed,
        cache_dir=args.cache_dir,
        load_seconds=None if args.no_load else args.load_seconds,
        workshop_options=None
        if args.no_workshop
        else {"sizes": tuple(int(part) for part in args.workshop_sizes.split(",") if part.strip())},
    )
    return 1 if args.strict and not result["budget"]["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
