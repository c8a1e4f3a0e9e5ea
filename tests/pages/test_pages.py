"""Every page under AppTest: renders without exception, real interactions, real writes."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.common import formatting as fmt
from kam_core.common.errors import FieldError  # noqa: F401 - documents what the settings page shows
from kam_core.portfolio.overview import account_table, portfolio_figures, reference_year
from kam_core.programme.settings import read_settings
from kam_core.store import db
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, open_app, texts

PAGES = [
    "pages/portfolio/home.py",
    "pages/portfolio/matrix.py",
    "pages/portfolio/scoring.py",
    "pages/portfolio/accounts.py",
    "pages/account/overview.py",
    "pages/data/settings.py",
]


def _figures(url):
    with Session(db.get_engine(url)) as session:
        table = account_table(session, TODAY)
        return table, portfolio_figures(table, read_settings(session).strategic_capacity, reference_year(TODAY))


def test_every_page_renders_on_the_demo_portfolio(demo_app):
    for page in PAGES:
        app = demo_app(page)
        no_exception(app)
        assert app.title, page


def test_home_shows_the_figures_kam_core_computes(demo_app, demo_url):
    table, figures = _figures(demo_url)
    app = demo_app()
    no_exception(app)
    metrics = {metric.label: metric.value for metric in app.metric}
    strategic = figures.segment_counts["strategic"]
    assert metrics["Strategic accounts / capacity"] == f"{strategic} / {figures.strategic_capacity}"
    assert metrics["Handshake agreed"] == fmt.ratio(figures.handshake_coverage.share)
    assert metrics["Executive sponsor"] == fmt.ratio(figures.sponsor_coverage.share)
    assert metrics["Overdue actions"] == str(figures.overdue_actions)
    assert metrics[f"Strategic revenue {TODAY.year - 1}"] == fmt.money(figures.strategic_revenue)
    assert 0 < strategic < len(table)


def test_a_home_figure_opens_the_accounts_it_stands_for(demo_app, demo_url):
    table, figures = _figures(demo_url)
    app = demo_app()
    app.button(key="link_sponsor").click().run()
    no_exception(app)
    assert app.session_state["accounts_view"] == "strategic_without_sponsor"
    grid = app.dataframe[0].value
    without = figures.sponsor_coverage.total - figures.sponsor_coverage.covered
    assert len(grid) == without > 0


def test_accounts_search_ignores_case_and_accents(demo_app, demo_url):
    table, _ = _figures(demo_url)
    name = table[table["status"] != "archived"]["name"].iloc[0]
    app = demo_app("pages/portfolio/accounts.py")
    app.text_input[0].input(name.upper()[:6]).run()
    no_exception(app)
    shown = app.dataframe[0].value
    assert name in set(shown.iloc[:, 0])
    assert len(shown) < len(table)


def test_the_account_in_the_link_is_the_selected_account(demo_app, demo_url):
    table, _ = _figures(demo_url)
    row = table[table["status"] == "active"].iloc[3]
    app = demo_app("pages/account/overview.py", account=str(int(row["account_id"])))
    no_exception(app)
    assert app.title[0].value == row["name"]
    assert app.selectbox(key="account_selector").value == int(row["account_id"])
    assert app.query_params["account"] == str(int(row["account_id"]))


def test_choosing_another_account_updates_the_link(demo_app, demo_url):
    table, _ = _figures(demo_url)
    other = table[table["status"] == "active"].iloc[-1]
    app = demo_app("pages/account/overview.py")
    app.selectbox(key="account_selector").select(int(other["account_id"])).run()
    no_exception(app)
    assert app.title[0].value == other["name"]
    assert app.query_params["account"] == str(int(other["account_id"]))


def test_an_unknown_account_in_the_link_is_said_not_crashed(demo_app):
    app = demo_app(account="99999")
    no_exception(app)
    assert "99999" in texts(app)


def test_french_switches_every_label(demo_app):
    app = demo_app()
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    labels = [metric.label for metric in app.metric]
    assert "Stratégiques / capacité" in labels
    assert "Strategic accounts / capacity" not in labels


def test_settings_save_is_written(demo_app, demo_url):
    app = demo_app("pages/data/settings.py")
    app.number_input[0].set_value(20)  # strategic accounts the programme can serve
    app.button[0].click().run()
    no_exception(app)
    assert "Settings saved." in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        assert read_settings(session).strategic_capacity == 20


def test_settings_bad_input_names_the_field_and_keeps_the_input(demo_app, demo_url):
    app = demo_app("pages/data/settings.py")
    app.text_input[1].input("2026-Q9")  # current period
    app.button[0].click().run()
    no_exception(app)
    # what was typed is quoted as text: Markdown's characters escaped (it shows as 2026-Q9)
    assert "Current period: “2026\\-Q9” is not a quarter; write it like 2026-Q4." in texts(app)
    assert app.text_input[1].value == "2026-Q9"
    with Session(db.get_engine(demo_url)) as session:
        assert read_settings(session).current_period == "2026-Q4"


def test_settings_conflict_is_told_and_nothing_is_overwritten(demo_app, demo_url):
    from kam_core.programme.settings import as_dict, save_settings

    app = demo_app("pages/data/settings.py")
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        current = read_settings(session)
    save_settings(engine, {**as_dict(current), "strategic_capacity": 30}, current.version)  # a colleague
    app.number_input[0].set_value(15)
    app.button[0].click().run()
    no_exception(app)
    assert "Someone else saved these settings" in texts(app)
    with Session(engine) as session:
        assert read_settings(session).strategic_capacity == 30
    assert app.number_input[0].value == 15  # the input is kept
    app.button[0].click().run()  # saving again, knowingly, replaces their version
    assert "Settings saved." in texts(app)
    with Session(engine) as session:
        assert read_settings(session).strategic_capacity == 15


def test_an_empty_database_renders_every_page(empty_url, monkeypatch):
    for page in PAGES:
        app = open_app(empty_url, monkeypatch, page)
        no_exception(app)


@pytest.mark.sqlite_only("a file that is not a database")
def test_a_file_that_is_not_a_database_is_named_on_the_page(tmp_path, monkeypatch):
    path = tmp_path / "kam.db"
    path.write_text("not a database at all " * 50)
    app = open_app(f"sqlite:///{path}", monkeypatch)
    no_exception(app)
    assert str(path) in texts(app)
    assert path.read_text().startswith("not a database at all")


def test_a_postgresql_server_that_does_not_answer_is_named_on_the_page(monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = open_app(f"postgresql+psycopg://kam:secret@127.0.0.1:{port}/kam", monkeypatch)
    no_exception(app)
    shown = texts(app)
    assert f"postgresql+psycopg://kam:***@127.0.0.1:{port}/kam" in shown and "secret" not in shown


def test_an_invalid_database_url_gives_a_message_not_a_traceback(monkeypatch):
    app = open_app("this-is-not-a-url", monkeypatch)
    no_exception(app)
    assert "KAM_DATABASE_URL" in texts(app)


@pytest.mark.parametrize(("variable", "value"), [("KAM_TIMEZONE", "Mars/Olympus"), ("KAM_TODAY", "31/12/2026")])
def test_a_clock_setting_that_does_not_parse_is_named_on_the_page(demo_url, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    app = open_app(demo_url, monkeypatch)
    no_exception(app)
    assert f"{variable}={value}" in texts(app)
    assert not app.metric  # the page stopped before drawing figures from a day it does not know


def test_a_large_programme_gets_a_shortlist_and_a_search_in_the_sidebar(large_programme, monkeypatch):
    from kam_core.ui.frame import SELECTOR_LIMIT

    url, directory = large_programme
    outside = directory.by_revenue[-1]  # the smallest account: not on the shortlist
    app = open_app(url, monkeypatch, "pages/account/overview.py", account=str(outside))
    no_exception(app)
    selector = app.selectbox(key="account_selector")
    assert selector.value == outside and app.title[0].value == directory.names[outside]  # the link's account
    assert len(selector.options) <= SELECTOR_LIMIT + 1
    assert f"of {len(directory)} accounts listed" in " ".join(str(c.value) for c in app.sidebar.caption)
    wanted = directory.ids[len(directory) // 2]
    part = directory.names[wanted].split()[0][:5].upper()
    app.text_input(key="account_search").input(part).run()
    no_exception(app)
    listed = [option for option in app.selectbox(key="account_selector").options]
    assert directory.names[wanted] in listed
    assert all(part.lower() in name.lower() for name in listed if name != directory.names[outside])
    app.selectbox(key="account_selector").set_value(wanted).run()
    no_exception(app)
    assert app.title[0].value == directory.names[wanted] and app.query_params["account"] == str(wanted)
