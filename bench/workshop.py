"""The workshop's two live paths, measured in Chromium (issue 21): ``python -m bench.workshop``.

- slider → position: on the facilitator's Workshop page, one step of the first criterion's slider
  (the arrow key) until the account's position line ("Lands in ...") shows the new figures;
- vote → facilitator: a participant's vote written (``kam_core.workshop.votes.cast_votes``, as the
  Join page writes it) until the facilitator's slider shows the room's new median (the room's panel
  polls every 2 s, so half of that on average is the wait for the next poll);

each at 30 and 2,000 generated accounts (``bench.generate``), and the same two paths in a trivial
Streamlit app measured in the same run (a slider whose value a text repeats; a fragment polling a file
every 2 s, as the room's panel polls the votes): the figures are given as ratios to it. Median of
``--repeats`` tries each. Nothing is asserted (README: timings are never asserted in make test).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.generate import BENCH_TODAY, CACHE_DIR, cached
from bench.load import _free_port, app_server
from tests.browser import APP_IDLE, CHROMIUM_FLAGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (30, 2000)
REPEATS = 7
TIMEOUT_S = 30.0
TRIVIAL_APP = """
import time
from pathlib import Path
import streamlit as st

value = st.select_slider("value", [x / 2 for x in range(21)], value=5.0, key="s")
st.markdown(f"position {value * 2:.1f}")

@st.fragment(run_every=2)
def room():
    st.markdown(f"room {Path(__file__).with_name('vote.txt').read_text().strip()}")

room()
"""


@contextlib.contextmanager
def trivial_server(folder: Path):
    app = folder / "trivial.py"
    app.write_text(TRIVIAL_APP)
    (folder / "vote.txt").write_text("0")
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port",
               str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    with (folder / "trivial.log").open("w") as log:
        process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().decode() == "ok":
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the trivial app did not start")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_text(page, locator: str, expected: str) -> float:
    """Seconds until the first ``locator`` contains ``expected`` (polled by the browser)."""
    start = time.perf_counter()
    page.locator(locator).first.filter(has_text=expected).wait_for(timeout=TIMEOUT_S * 1000)
    return time.perf_counter() - start


def _press(page, key: str) -> None:
    slider = page.get_by_role("slider").first
    slider.wait_for(timeout=TIMEOUT_S * 1000)
    slider.press(key)


def slider_trivial(page, repeats: int) -> list[float]:
    times = []
    shown = page.locator('[data-testid="stMarkdownContainer"]:has-text("position")').first
    for n in range(repeats):
        before = shown.inner_text()
        start = time.perf_counter()
        _press(page, "ArrowRight" if n % 2 == 0 else "ArrowLeft")
        shown.filter(has_not_text=before).wait_for(timeout=TIMEOUT_S * 1000)
        times.append(time.perf_counter() - start)
        page.wait_for_selector(APP_IDLE)
    return times


def vote_trivial(page, folder: Path, repeats: int) -> list[float]:
    times = []
    for n in range(repeats):
        value = str(2 + n % 2 * 7)
        (folder / "vote.txt").write_text(value)
        start = time.perf_counter()
        _wait_text(page, '[data-testid="stMarkdownContainer"]:has-text("room")', f"room {value}")
        times.append(time.perf_counter() - start)
    return times


def prepared_session(url: str) -> tuple[int, int, int, str]:
    """A started session of three accounts; (session id, account on screen, second criterion id, voter token)."""
    from sqlmodel import Session

    from kam_core.governance import access
    from kam_core.portfolio import scoring
    from kam_core.store import db
    from kam_core.workshop import sessions, votes

    with access.acting_as(access.local_actor()):
        engine = db.get_engine(url)
        with Session(engine) as session:
            criteria = scoring.list_criteria(session, include_inactive=False)
            accounts = scoring.score_sheet(session, "2026-Q4", "attractiveness")["account_id"].tolist()[:3]
        view = sessions.create_session(engine, "Bench", "2026-Q4", "bench")
        view = sessions.set_agenda(engine, view.id, [(int(a), 5) for a in accounts], view.version)
        sessions.move_to(engine, view.id, 0, None)
        voter = votes.join_session(engine, view.id, "Voter")
        return view.id, int(accounts[0]), criteria[1].id, voter.token  # the second: the slider test moves the first


def slider_app(page, repeats: int) -> list[float]:
    times = []
    for n in range(repeats):
        before = page.get_by_text("Lands in").first.inner_text()
        start = time.perf_counter()
        # End (10) then one step down, and again: each move shifts the axis by 0.125 at least, which the
        # one-decimal figures always show (a first arrow step may only reach the next half point)
        _press(page, "End" if n % 2 == 0 else "ArrowLeft")
        page.get_by_text("Lands in").first.filter(has_not_text=before).wait_for(timeout=TIMEOUT_S * 1000)
        times.append(time.perf_counter() - start)
        page.wait_for_selector(APP_IDLE)
    return times


def vote_app(page, url: str, account_id: int, criterion_id: int, token: str, repeats: int) -> list[float]:
    from kam_core.governance import access
    from kam_core.store import db
    from kam_core.workshop import votes

    engine = db.get_engine(url)
    times = []
    for n in range(repeats):
        value = 2.0 + (n % 2) * 7
        with access.acting_as(access.local_actor()):
            votes.cast_votes(engine, token, account_id, {criterion_id: value})
        start = time.perf_counter()
        second = page.locator('[data-testid="stSlider"]').nth(1)
        second.filter(has_text=f"{value:.1f}").wait_for(timeout=TIMEOUT_S * 1000)
        times.append(time.perf_counter() - start)
        page.wait_for_selector(APP_IDLE)
    return times


def run(sizes=SIZES, repeats: int = REPEATS) -> dict:
    from playwright.sync_api import sync_playwright

    result: dict = {"repeats": repeats, "sizes": {}}
    with tempfile.TemporaryDirectory() as temporary, sync_playwright() as playwright:
        folder = Path(temporary)
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        with trivial_server(folder) as base:
            page.goto(base)
            page.wait_for_selector(APP_IDLE)
            slider_trivial(page, 1)  # warm
            trivial = {
                "slider_s": statistics.median(slider_trivial(page, repeats)),
                "vote_s": statistics.median(vote_trivial(page, folder, repeats)),
            }
        result["trivial"] = trivial
        for size in sizes:
            source, _ = cached(size, 7, CACHE_DIR)
            copy = folder / f"bench-{size}.db"
            shutil.copy(source, copy)
            url = f"sqlite:///{copy}"
            os.environ["KAM_TODAY"] = BENCH_TODAY.isoformat()
            session_id, account_id, criterion_id, token = prepared_session(url)
            with app_server(url, BENCH_TODAY.isoformat(), folder) as (base, _log):
                page.goto(f"{base}/workshop?session={session_id}")
                page.wait_for_selector(APP_IDLE, timeout=120_000)
                slider_app(page, 2)  # warm (and the slider left one step below 10: the first End moves it)
                slider = statistics.median(slider_app(page, repeats))
                vote = statistics.median(vote_app(page, url, account_id, criterion_id, token, repeats))
            result["sizes"][str(size)] = {
                "slider_s": slider,
                "vote_s": vote,
                "slider_ratio": slider / trivial["slider_s"],
                "vote_ratio": vote / trivial["vote_s"],
            }
        browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workshop", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    options = parser.parse_args(argv)
    result = run(tuple(int(size) for size in options.sizes.split(",")), options.repeats)
    trivial = result["trivial"]
    print(f"trivial app: slider {trivial['slider_s'] * 1000:.0f} ms, external write {trivial['vote_s'] * 1000:.0f} ms")
    for size, figures in result["sizes"].items():
        slider = f"slider → position {figures['slider_s'] * 1000:.0f} ms (× {figures['slider_ratio']:.1f})"
        vote = f"vote → facilitator {figures['vote_s'] * 1000:.0f} ms (× {figures['vote_ratio']:.1f})"
        print(f"{size:>6} accounts: {slider}, {vote}")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
