"""Every page of the app, named once: its file, its url path, its title and icon, its navigation group.

app.py builds ``st.navigation`` from ``ROUTES``; a page or a widget that links to another page takes
its ``path`` from here (``st.page_link``, ``st.switch_page``); bench/run.py lists the pages from here.
Plain data: no streamlit import, so the benchmark and the tests read it without a page running."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    path: str  # the page's file, relative to app.py (what st.Page, st.switch_page and st.page_link take)
    url_path: str
    title: str  # i18n key of the page's title
    icon: str
    group: str  # i18n key of its group in the navigation
    default: bool = False  # the page opened at /


# --- Programme (the programme as a whole: its home page, and its business case) ---
HOME = Route("pages/portfolio/home.py", "home", "page.home", ":material/dashboard:", "nav.programme", default=True)
AMBITION = Route("pages/programme/ambition.py", "ambition", "page.ambition", ":material/flag:", "nav.programme")
ROI = Route("pages/programme/roi.py", "roi", "page.roi", ":material/trending_up:", "nav.programme")
CYCLE = Route("pages/programme/cycle.py", "cycle", "page.cycle", ":material/event_repeat:", "nav.programme")
INPUTS = Route(
    "pages/programme/inputs.py", "programme-inputs", "page.programme_inputs", ":material/calculate:", "nav.programme"
)
# A page opened at one of its sections: ?section=<its heading's anchor> (``kam_core.ui.sections``; a
# "#anchor" in a link does not hold, the app rewrites the URL at its first run)
SECTION_PARAM = "section"
# The Programme inputs page's sections (each a heading with this anchor) and the inputs each edits. A
# link to where an input is given: ``st.page_link(INPUTS.path, query_params={SECTION_PARAM:
# input_anchor(name)})``
INPUT_SECTIONS: dict[str, tuple[str, ...]] = {
    "start": ("start_year", "horizon_years"),
    "growth": ("organic_growth_pct", "default_margin_pct"),
    "kam-costs": ("kam_yearly_cost", "kam_share_pct", "kam_cost", "kam_share"),
    "executive-time": ("executive_hour_cost", "meeting_hours"),
    "other-costs": ("tools_cost", "training_cost", "events_cost"),
    "accounts": ("programme_since", "margin_pct", "margin", "ambition", "plan"),
}


def input_anchor(name: str) -> str:
    """The anchor of the Programme inputs section where the input ``name`` is given."""
    return next(anchor for anchor, names in INPUT_SECTIONS.items() if name in names)


# --- Portfolio ---
MATRIX = Route("pages/portfolio/matrix.py", "matrix", "page.matrix", ":material/bubble_chart:", "nav.portfolio")
SCORING = Route("pages/portfolio/scoring.py", "scoring", "page.scoring", ":material/tune:", "nav.portfolio")
WORKSHOP = Route("pages/portfolio/workshop.py", "workshop", "page.workshop", ":material/groups_3:", "nav.portfolio")
JOIN = Route("pages/portfolio/join.py", "join", "page.join", ":material/how_to_vote:", "nav.portfolio")
HANDSHAKES = Route(
    "pages/portfolio/handshakes.py", "handshakes", "page.handshakes", ":material/handshake:", "nav.portfolio"
)
EXECUTIVES = Route(
    "pages/portfolio/executives.py", "executives", "page.executives", ":material/groups:", "nav.portfolio"
)
ACCOUNTS = Route("pages/portfolio/accounts.py", "accounts", "page.accounts", ":material/list_alt:", "nav.portfolio")
# --- Account (pages about the account chosen in the frame's selector) ---
CANVAS = Route("pages/account/canvas.py", "canvas", "page.canvas", ":material/dashboard_customize:", "nav.account")
CHALLENGE = Route(
    "pages/account/challenge.py", "challenge", "page.challenge", ":material/record_voice_over:", "nav.account"
)
HANDSHAKE = Route(
    "pages/account/handshake.py", "handshake", "page.handshake", ":material/approval_delegation:", "nav.account"
)
EXECUTIVE_PLAN = Route(
    "pages/account/executive_plan.py", "executive-plan", "page.executive_plan", ":material/diversity_3:", "nav.account"
)
ACCOUNT = Route(
    "pages/account/overview.py", "account", "page.account_overview", ":material/business_center:", "nav.account"
)
QBR = Route("pages/account/qbr.py", "qbr", "page.qbr", ":material/slideshow:", "nav.account")
RECORD = Route("pages/account/record.py", "account-record", "page.record", ":material/edit_note:", "nav.account")
HISTORY = Route("pages/account/history.py", "history", "page.history", ":material/history:", "nav.account")
# --- Data ---
EXCHANGE = Route("pages/data/exchange.py", "import-export", "page.exchange", ":material/sync_alt:", "nav.data")
TEAM = Route("pages/data/team.py", "team", "page.team", ":material/badge:", "nav.data")
MERGE = Route("pages/data/merge.py", "merge", "page.merge", ":material/merge:", "nav.data")
SETTINGS = Route("pages/data/settings.py", "settings", "page.settings", ":material/settings:", "nav.data")

# In the navigation's order (groups in the order of their first page)
ROUTES: tuple[Route, ...] = (
    HOME,
    AMBITION,
    ROI,
    CYCLE,
    INPUTS,
    MATRIX,
    SCORING,
    WORKSHOP,
    JOIN,
    HANDSHAKES,
    EXECUTIVES,
    ACCOUNTS,
    CANVAS,
    CHALLENGE,
    HANDSHAKE,
    EXECUTIVE_PLAN,
    ACCOUNT,
    QBR,
    RECORD,
    HISTORY,
    EXCHANGE,
    TEAM,
    MERGE,
    SETTINGS,
)
