"""The numbers of the pages' tables in the session's language (``?lang=fr``), whatever the browser's:
what each touched table carries in French (padded text written by ``kam_core.common.formatting``,
or a printf format writing "86 %"), and that English keeps its numeric columns."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session

from kam_core.common import formatting as fmt
from kam_core.store import db
from kam_core.ui.tables import FIGURE_SPACE
from kam_core.workshop import agenda, sessions
from tests.pages.conftest import no_exception, open_app
from tests.pages.test_account_pages import _duplicate, _id

ACCOUNTS = "pages/portfolio/accounts.py"
MATRIX = "pages/portfolio/matrix.py"
MERGE = "pages/data/merge.py"
WORKSHOP = "pages/portfolio/workshop.py"
NBSP = "\u00a0"


def _config(table) -> dict:
    return json.loads(table.proto.columns)


def _unpadded(texts) -> list[str]:
    return [text.lstrip(FIGURE_SPACE) for text in texts]


def _padded_to_one_width(texts) -> bool:
    return len({len(text) for text in texts}) == 1


def test_the_accounts_grid_writes_its_numbers_the_french_way(demo_url, monkeypatch):
    app = open_app(demo_url, monkeypatch, ACCOUNTS, lang="fr")
    no_exception(app)
    grid = app.dataframe[0]
    frame, config = grid.value, _config(grid)
    revenue = frame["revenue_m"]
    assert _padded_to_one_width(revenue) and all("," in text and "." not in text for text in _unpadded(revenue))
    assert config["revenue_m"]["type_config"]["type"] == "text" and config["revenue_m"]["alignment"] == "right"
    assert config["revenue_m"]["label"].endswith("(M€)") and config["potential_m"]["label"].endswith("(M€)")  # not MEUR
    assert _padded_to_one_width(frame["potential_m"])
    for column in ("share_of_wallet_pct", "completeness_pct"):  # numbers still: sorted as numbers
        assert config[column]["type_config"]["format"] == f"%.0f{NBSP}%%"  # "86 %"
        assert frame[column].dtype.kind == "f"
    # English keeps numeric columns, written by their printf format
    app = open_app(demo_url, monkeypatch, ACCOUNTS)
    frame, config = app.dataframe[0].value, _config(app.dataframe[0])
    assert frame["revenue_m"].dtype.kind == "f" and config["revenue_m"]["type_config"]["format"] == "%.1f"
    assert config["share_of_wallet_pct"]["type_config"]["format"] == "%.0f%%"


def test_the_matrix_list_writes_scores_and_revenue_the_french_way(demo_url, monkeypatch):
    app = open_app(demo_url, monkeypatch, MATRIX, lang="fr")
    no_exception(app)
    table = app.dataframe[0]
    frame = table.value
    scores = _unpadded(frame["Attractivité"])
    assert all(text == fmt.MISSING or ("," in text and len(text.split(",")[1]) == 1) for text in scores)
    assert "," in scores[0]  # the list starts with its most attractive account, scored
    revenue = _unpadded(frame["CA"])
    assert all(text.endswith(f"{NBSP}€") for text in revenue if text != fmt.MISSING)
    assert any("\u202f" in text for text in revenue)  # thousands grouped the French way: "20 030 000 €"
    assert _config(table)["Part de portefeuille"]["type_config"]["format"] == f"%.0f{NBSP}%%"


def test_the_merge_similarity_reads_as_a_french_percentage(demo_url, monkeypatch):
    keep_id = _id(demo_url, "Aerivon")
    _duplicate(demo_url, keep_id, "Aerivon Aerostructures SAS")
    app = open_app(demo_url, monkeypatch, MERGE, lang="fr")
    no_exception(app)
    pairs = app.dataframe[0]
    assert _config(pairs)["similarity"]["type_config"]["format"] == f"%.0f{NBSP}%%"


def test_the_workshop_minutes_write_their_scores_the_french_way(demo_url, monkeypatch):
    engine = db.get_engine(demo_url)
    view = sessions.create_session(engine, "Revue T4", "2026-Q4", "me")
    with Session(engine) as session:
        table, _ = agenda.portfolio_table(session, "2026-Q4", date(2026, 11, 26))
    chosen = [int(a) for a in table.sort_values("name")["account_id"][:2]]
    view = sessions.set_agenda(engine, view.id, [(a, 5) for a in chosen], view.version)
    sessions.move_to(engine, view.id, 0, None)
    sessions.close_session(engine, view.id)
    app = open_app(demo_url, monkeypatch, WORKSHOP, session=str(view.id), lang="fr")
    no_exception(app)
    minutes = app.dataframe[0].value
    before = _unpadded(minutes["Attractivité avant"])
    assert before and all(text == fmt.MISSING or "," in text for text in before)
    assert any("," in text for text in before)


def test_a_french_session_types_decimals_with_a_comma_in_an_editable_table(demo_url, monkeypatch):
    """Glide's number editor takes its decimal sign from the browser: in an en-GB browser, "14,9"
    typed in a French session would lose its comma. In French the canvas's decimal columns are text to
    type over, written the French way (``formatting.typed``), and what the editor hands back is read
    back the French way by the save (``cells.normalise``): untouched, the same numbers (nothing
    changes); typed "15000000,5", 15,000,000.5."""
    from kam_core.account import sections
    from kam_core.common.clock import today
    from kam_core.ui.section_editor import _to_codes

    account_id = _id(demo_url, "Aerivon")
    app = open_app(demo_url, monkeypatch, "pages/account/canvas.py", account=str(account_id), lang="fr")
    app.toggle(key=f"edit_key_figures_{account_id}").set_value(True).run()
    no_exception(app)
    editor = next(node for node in app.dataframe if "revenue" in node.value)
    config = _config(editor)
    assert config["revenue"]["type_config"]["type"] == "text" and config["revenue"]["alignment"] == "right"
    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        before = sections.load_section(session, "years", account_id)
    shown = editor.value
    assert list(shown["revenue"]) == [fmt.typed(value, "fr") for value in before["revenue"]]
    assert "," in fmt.typed(14.9, "fr")
    read = sections.versions(before)
    assert (
        sections.save_section(engine, "years", account_id, _to_codes(shown, {}), today=today(), read_versions=read) == 0
    )
    typed = shown.assign(revenue=["15000000,5", *shown["revenue"][1:]])
    assert sections.save_section(engine, "years", account_id, _to_codes(typed, {}), today=today(), read_versions=read)
    with Session(engine) as session:
        assert sections.load_section(session, "years", account_id).loc[0, "revenue"] == 15_000_000.5
