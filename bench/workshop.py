"""The workshop's two live paths, measured in Chromium (issue 21): ``python -m bench.workshop``, and
``make bench`` after the sizes (``bench.run``; ``--no-workshop`` skips it).

- slider → position: on the facilitator's Workshop page, one move of the first criterion's slider (a
  key press: End, then one step left, and again) until the account's position chart shows the account at its new
  place: the chart Vega drew is read in the browser at every frame (``CHART_POSITION``: the red mark's
  centre, against the quadrants' extent) and compared with the place ``consensus.live_position`` gives
  for the sliders' values;
- vote → facilitator: a participant's tap on a value (the Join page, in its own browser context) until
  the facilitator's room panel shows the criterion's new count of votes (``ROOM_COUNT``: the table's
  cells, as the data grid gives them to assistive technology). Every try is a new participant, and every
  vote moves the room's median, so the facilitator's whole page runs again (the sliders follow): the
  heavier of the two ways a vote arrives. The panel polls every 2 s: the taps are spread evenly over
  the poll (``phase_ms``), so about 1 s on average is the wait for the next poll;

each at 30 and 2,000 generated accounts (``bench.generate``), and the same two paths in a trivial
Streamlit app measured in the same run (a slider moving one mark on a chart of the same kind and size; a
tap in another page counted in a table that a fragment draws again every 2 s): the figures are given as
ratios to it. Both ends are timed in the browser (``performance.timeOrigin + performance.now()``: the key
or click event, the frame where the result is on screen), so Playwright's own round trips are not
counted. Median of ``--repeats`` tries each. Nothing is asserted in the tests; ``bench.run`` holds the
figures to the budget (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.generate import BENCH_TODAY, CACHE_DIR, cached
from tests.browser import APP_IDLE, CHROMIUM_FLAGS, chromium_path, streamlit_server

SIZES = (30, 2000)
REPEATS = 7
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1920, "height": 1080}
POLL_MS = 2000  # the room panel's poll (pages/portfolio/workshop.py REFRESH_SECONDS), and the trivial app's
PERIOD = "2026-Q4"
MIN_MOVE = 0.05  # the account on screen moves at least this far (score units) at each key press
TOLERANCE = 0.01  # the mark's centre read from the SVG is within this of the expected place (0.24 px at 240)
PLOT_COLOUR = "#eeeeee"  # the trivial app's plot
MARK_COLOUR = "#c0392b"  # the account now (kam_core.ui.workshop.position_chart)
NOT_SCORED = "–"  # the sliders' first stop (pages/portfolio/workshop.py)

TRIVIAL_APP = f"""
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

VOTES = Path(__file__).with_name("votes.txt")

def vote():
    with VOTES.open("a") as votes:
        votes.write("1\\n")


if st.query_params.get("role") == "voter":
    st.pills("vote", list(range(11)), key="vote", on_change=vote)
    st.stop()

value = st.select_slider("value", ["{NOT_SCORED}", *[x / 2 for x in range(21)]], value=5.0, key="s")
y = 0.0 if value == "{NOT_SCORED}" else value
scale = alt.Scale(domain=[0, 10], nice=False)
area = alt.Chart(pd.DataFrame([{{"x": 0, "x2": 10, "y": 0, "y2": 10}}])).mark_rect(color="{PLOT_COLOUR}")
area = area.encode(x=alt.X("x:Q", scale=scale), x2="x2:Q", y=alt.Y("y:Q", scale=scale), y2="y2:Q")
mark = alt.Chart(pd.DataFrame([{{"x": 5.0, "y": y}}])).mark_point(size=260, strokeWidth=3, shape="diamond")
mark = mark.encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), color=alt.value("{MARK_COLOUR}"))
st.altair_chart(alt.layer(area, mark).properties(width=240, height=240), width="content")


@st.fragment(run_every={POLL_MS / 1000:g})
def room():
    count = len(VOTES.read_text().splitlines())
    st.dataframe([{{"Criterion": "value", "Votes": count}}], hide_index=True)


room()
"""

# In the page: where the position chart's red mark stands, in the chart's units (x: strength, y:
# attractiveness, 0-10), from the SVG Vega drew (Streamlit draws Vega-Lite charts as SVG): the extent of
# the quadrants' rectangles is the plot (0 to 10 on both axes), the centre of the red symbol is the mark.
# null while there is no chart, or not exactly one red mark.
CHART_POSITION = """
(mark) => {
  const svg = document.querySelector('[data-testid="stVegaLiteChart"] svg.marks');
  if (!svg) return null;
  const areas = [...svg.querySelectorAll('g.mark-rect path')].map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0 && r.height > 0);
  const marks = [...svg.querySelectorAll('g.mark-symbol path')]
    .filter((e) => (e.getAttribute('stroke') || '').toLowerCase() === mark);
  if (!areas.length || marks.length !== 1) return null;
  const x0 = Math.min(...areas.map((r) => r.left)), x1 = Math.max(...areas.map((r) => r.right));
  const y0 = Math.min(...areas.map((r) => r.top)), y1 = Math.max(...areas.map((r) => r.bottom));
  const r = marks[0].getBoundingClientRect();
  return [((r.left + r.right) / 2 - x0) / (x1 - x0) * 10, (y1 - (r.top + r.bottom) / 2) / (y1 - y0) * 10];
}
"""

# In the page: the count of votes the room panel (a data grid) shows on the row of ``name``; null while
# there is no such row.
ROOM_COUNT = """
(name) => {
  for (const row of document.querySelectorAll('[data-testid="stDataFrame"] [role="row"]')) {
    const cells = [...row.querySelectorAll('[role="gridcell"]')].map((cell) => cell.textContent.trim());
    if (cells[0] === name) return Number(cells[1]);
  }
  return null;
}
"""

NOW = "performance.timeOrigin + performance.now()"
# the moment of the last key press or click in this page, on the browser's clock
RECORD_EVENTS = f"""
() => {{
  if (window.__benchEvents) return;
  window.__benchEvents = true;
  for (const kind of ['keydown', 'click'])
    document.addEventListener(kind, () => {{ window.__benchStart = {NOW}; }}, true);
}}
"""


def _shown_at(page, script: str, argument, accept: str) -> float:
    """The browser's clock (ms) at the first frame where ``script(argument)`` gives a value ``accept``
    (a JavaScript expression of ``value``) holds for."""
    waiter = f"(argument) => {{ const value = ({script})(argument); return ({accept}) ? {NOW} : null; }}"
    return page.wait_for_function(waiter, arg=argument, polling="raf", timeout=TIMEOUT_MS).json_value()


def _started(page) -> float:
    return page.evaluate("window.__benchStart")


def _position_shown(page, expected: tuple[float, float]) -> float:
    accept = (
        f"value !== null && Math.abs(value[0] - {expected[0]}) <= {TOLERANCE}"
        f" && Math.abs(value[1] - {expected[1]}) <= {TOLERANCE}"
    )
    return _shown_at(page, CHART_POSITION, MARK_COLOUR, accept)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS * 2)
    page.evaluate(RECORD_EVENTS)


def measure_slider(page, moves: list[tuple[str, tuple[float, float]]]) -> list[float]:
    """Seconds from each key press on the first slider to the frame where the chart shows its place."""
    times = []
    slider = page.get_by_role("slider").first
    slider.wait_for(timeout=TIMEOUT_MS)
    for key, expected in moves:
        slider.press(key)
        shown = _position_shown(page, expected)
        times.append((shown - _started(page)) / 1000)
        page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    return times


def measure_votes(facilitator, ready, name: str, first_count: int, repeats: int) -> list[float]:
    """Seconds from each participant's tap to the frame where the facilitator's panel shows
    ``first_count + n`` votes on ``name``. ``ready(n)`` opens the n-th participant's page, joins and
    gives the page and the value to tap; the tap comes ``phase_ms(n)`` later, so that the taps
    fall evenly over the room panel's poll (else each try would land at the same moment of it, the page
    opening after the last poll taking about as long at every try)."""
    times = []
    for n in range(repeats):
        participant, value = ready(n)
        participant.wait_for_timeout(phase_ms(n))
        value.click()
        shown = _shown_at(facilitator, ROOM_COUNT, name, f"value === {first_count + n}")
        times.append((shown - _started(participant)) / 1000)
        participant.close()
    return times


def phase_ms(n: int) -> float:
    """The n-th tap's wait once its page is ready, within one poll: the golden ratio's multiples, which
    spread evenly over the poll whatever the number of tries."""
    return round((n * 0.6180339887) % 1 * POLL_MS, 1)


def vote_value(n: int) -> int:
    """The n-th participant's vote: 2, 9, 2, 9...: each moves the room's median (2, 5.5, 2, 5.5...)."""
    return 2 if n % 2 == 0 else 9


def trivial_moves(count: int) -> list[tuple[str, tuple[float, float]]]:
    """End (10) then one step left (9.5), and again; the mark stands at x 5, y the slider's value."""
    return [("End", (5.0, 10.0)) if n % 2 == 0 else ("ArrowLeft", (5.0, 9.5)) for n in range(count)]


def measure_trivial(browser, folder: Path, repeats: int) -> dict:
    app = folder / "trivial.py"
    app.write_text(TRIVIAL_APP)
    (folder / "votes.txt").write_text("")
    command = [sys.executable, "-m", "streamlit", "run", str(app)]
    with streamlit_server(command, folder / "trivial.log", cwd=folder) as base:
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        page = context.new_page()
        _open(page, base)
        measure_slider(page, trivial_moves(2))  # warm
        slider = measure_slider(page, trivial_moves(repeats))
        voters = browser.new_context(viewport=VIEWPORT, locale="en-GB")

        def ready(_n: int):
            voter = voters.new_page()
            _open(voter, f"{base}/?role=voter")
            return voter, voter.get_by_role("radio", name="7", exact=True)

        votes = measure_votes(page, ready, "value", 1, repeats)
        voters.close()
        context.close()
    return _figures(slider, votes)


def _figures(slider: list[float], votes: list[float]) -> dict:
    return {
        "slider_ms": round(statistics.median(slider) * 1000, 1),
        "vote_ms": round(statistics.median(votes) * 1000, 1),
        "slider_tries_ms": [round(s * 1000, 1) for s in slider],
        "vote_tries_ms": [round(s * 1000, 1) for s in votes],
    }


def prepared_session(url: str) -> dict:
    """A started session of three accounts whose first is one the first slider moves (``slider_places``);
    the places End and the step left of it give it, and the criterion the votes go to."""
    from sqlmodel import Session

    from kam_core.governance import access
    from kam_core.portfolio import scoring
    from kam_core.portfolio.segmentation import Thresholds, load_programme
    from kam_core.store import db
    from kam_core.workshop import consensus, sessions

    with access.acting_as(access.local_actor()):
        engine = db.get_engine(url)
        with Session(engine) as session:
            programme = load_programme(session)
            limits = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
            candidates = scoring.score_sheet(session, PERIOD, "attractiveness")["account_id"].tolist()
            chosen = None
            for account_id in candidates[:50]:
                scores = scoring.account_scores(session, int(account_id), PERIOD)
                places = slider_places(scores, limits, consensus.live_position)
                if places is not None:
                    chosen = int(account_id), scores, places
                    break
        if chosen is None:
            raise RuntimeError("no account of the portfolio moves enough with its first criterion")
        account_id, scores, places = chosen
        others = [int(a) for a in candidates if int(a) != account_id][:2]
        view = sessions.create_session(engine, "Bench", PERIOD, "bench")
        view = sessions.set_agenda(engine, view.id, [(a, 5) for a in [account_id, *others]], view.version)
        sessions.move_to(engine, view.id, 0, None)
        voted = [s.criterion for s in scores if s.criterion.axis == scores[0].criterion.axis][1]
        return {"session": view.id, "code": view.join_code, "account": account_id, "places": places,
                "voted": voted.name}  # fmt: skip


def slider_places(scores, limits, live_position) -> dict[str, tuple[float, float]] | None:
    """Where the account stands (strength, attractiveness) with the first slider (the first criterion of
    the first axis, as the page draws them) at End (10) and one step left of it (the slider's stops: the
    half points and the score stored), the others at the scores stored; None when it is not placed or the
    two places are less than ``MIN_MOVE`` apart."""
    criteria = [s.criterion for s in scores]
    values = {s.criterion.id: s.value for s in scores}
    first = scores[0]
    stops = sorted({step / 2 for step in range(21)} | ({first.value} if first.value is not None else set()))
    places = {}
    for key, value in (("End", 10.0), ("ArrowLeft", stops[-2])):
        now = live_position(criteria, {**values, first.criterion.id: value}, limits)
        if now.strength is None or now.attractiveness is None:
            return None
        places[key] = (now.strength, now.attractiveness)
    apart = max(abs(a - b) for a, b in zip(places["End"], places["ArrowLeft"], strict=True))
    return places if apart >= MIN_MOVE else None


def measure_size(browser, folder: Path, size: int, repeats: int, cache_dir: Path = CACHE_DIR) -> dict:
    source, _ = cached(size, 7, cache_dir)
    copy = folder / f"bench-{size}.db"
    shutil.copy(source, copy)
    url = f"sqlite:///{copy}"
    today = BENCH_TODAY.isoformat()
    os.environ["KAM_TODAY"] = today
    prepared = prepared_session(url)
    places = prepared["places"]
    env = {"KAM_DATABASE_URL": url, "KAM_TODAY": today}
    command = [sys.executable, "-m", "kam_core.ui.serve"]
    with streamlit_server(command, folder / f"app-{size}.log", env=env) as base:
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        page = context.new_page()
        _open(page, f"{base}/workshop?session={prepared['session']}")
        moves = [(key, places[key]) for key in ("End", "ArrowLeft") * (repeats // 2 + 2)]
        measure_slider(page, moves[:2])  # warm
        slider = measure_slider(page, moves[2 : 2 + repeats])
        phones = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")

        def ready(n: int):
            phone = phones.new_page()
            _open(phone, f"{base}/join?code={prepared['code']}")
            phone.get_by_label("Your name").fill(f"Voter {n + 1}")
            phone.get_by_role("button", name="Join").click()
            groups = phone.get_by_test_id("stButtonGroup")
            groups.nth(1).wait_for(timeout=TIMEOUT_MS)
            phone.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
            return phone, groups.nth(1).get_by_role("radio", name=str(vote_value(n)), exact=True)

        votes = measure_votes(page, ready, prepared["voted"], 1, repeats)
        phones.close()
        context.close()
        server_errors = [line for line in (folder / f"app-{size}.log").read_text().splitlines() if "Traceback" in line]
    figures = _figures(slider, votes)
    figures["server_errors"] = len(server_errors)
    return figures


def run(sizes=SIZES, repeats: int = REPEATS, cache_dir: Path = CACHE_DIR, echo=print) -> dict:
    """The trivial app, then each size; the figures in ms and the ratios to the trivial app."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        return {"skipped": "Chromium is missing (apt-get install chromium, or set CHROMIUM=...)"}
    result: dict = {"repeats": repeats, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="kam-bench-workshop-") as temporary, sync_playwright() as playwright:
        folder = Path(temporary)
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            echo("workshop: the trivial app")
            trivial = result["trivial"] = measure_trivial(browser, folder, repeats)
            for size in sizes:
                echo(f"workshop: {size:,} accounts")
                figures = measure_size(browser, folder, size, repeats, cache_dir)
                figures["slider_ratio"] = round(figures["slider_ms"] / trivial["slider_ms"], 2)
                figures["vote_ratio"] = round(figures["vote_ms"] / trivial["vote_ms"], 2)
                result["sizes"][str(size)] = figures
        finally:
            browser.close()
    return result


def report(result: dict, mark=lambda _size, _path, _figures: "") -> list[str]:
    """The lines of the figures; ``mark(size, "slider" or "vote", figures)`` ends each path's line (the
    budget's mark, ``bench.run``)."""
    if "skipped" in result or "error" in result:
        return [f"workshop: SKIPPED - {result.get('skipped') or result.get('error')}"]
    trivial = result["trivial"]
    lines = [
        f"trivial app: slider → chart {trivial['slider_ms']:.0f} ms, tap → the other page's table "
        f"{trivial['vote_ms']:.0f} ms (median of {result['repeats']})"
    ]
    for size, figures in result["sizes"].items():
        slider, vote = figures["slider_ms"], figures["vote_ms"]
        lines.append(
            f"{int(size):>6,} accounts: slider → position {slider:7.0f} ms (× {figures['slider_ratio']:.1f})"
            f"{mark(int(size), 'slider', figures)}"
        )
        lines.append(
            f"{'':>6} {'':>8}  vote → facilitator {vote:7.0f} ms (× {figures['vote_ratio']:.1f})"
            f"{mark(int(size), 'vote', figures)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workshop", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    options = parser.parse_args(argv)
    result = run(tuple(int(size) for size in options.sizes.split(",")), options.repeats)
    print("\n".join(report(result)))
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
