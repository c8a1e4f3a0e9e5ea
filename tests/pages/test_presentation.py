"""Presentation mode under AppTest (``?present=1``): no sidebar, the compact header's controls, edit
controls only once the facilitator's Edit switch is on, the mode kept in the URL from page to page."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.portfolio.directory import account_directory, neighbour
from kam_core.store import db
from kam_core.ui import presentation, routes, state
from tests.pages.conftest import no_exception, texts


def _directory(url: str):
    with Session(db.get_engine(url)) as session:
        return account_directory(session)


def _present(demo_app, page: str, account_id: int | None = None):
    query = {"present": "1"} | ({"account": str(account_id)} if account_id is not None else {})
    app = demo_app(page, **query)
    no_exception(app)
    return app


def _has_selector(app) -> bool:
    try:
        app.selectbox(key=state.SELECTOR_KEY)
    except KeyError:
        return False
    return True


def _keys(elements) -> set[str]:
    return {str(element.key) for element in elements if element.key}


def test_presentation_mode_draws_no_sidebar_and_the_compact_header(demo_app, demo_url):
    app = _present(demo_app, routes.HOME.path)
    assert not _has_selector(app) and len(app.sidebar) == 0  # nothing at all in the sidebar
    assert {presentation.PREVIOUS_KEY, presentation.NEXT_KEY, presentation.MATRIX_KEY, presentation.LEAVE_KEY} <= (
        _keys(app.button)
    )
    assert app.toggle(key=presentation.EDIT_KEY).value is False
    assert app.query_params["present"] == "1"
    normal = demo_app(routes.HOME.path)
    assert _has_selector(normal) and presentation.ENTER_KEY in _keys(normal.button)


def test_the_canvas_shows_no_edit_control_until_the_facilitator_asks(demo_app, demo_url):
    account_id = _directory(demo_url).ids[0]
    app = _present(demo_app, routes.CANVAS.path, account_id)
    assert not [key for key in _keys(app.toggle) if key.startswith("edit_")]  # no section's Edit switch
    assert not app.data_editor and not [k for k in _keys(app.button) if k.startswith("save_")]
    assert "Key figures" in texts(app)  # the plan itself is there, read-only
    app.toggle(key=presentation.EDIT_KEY).set_value(True).run()
    no_exception(app)
    assert f"edit_key_figures_{account_id}" in _keys(app.toggle)
    app.toggle(key=f"edit_key_figures_{account_id}").set_value(True).run()
    no_exception(app)
    assert app.data_editor and f"save_years_{account_id}" in _keys(app.button)


@pytest.mark.parametrize(
    "route, editor_key",
    [(routes.EXECUTIVE_PLAN, "save_pairings"), (routes.HANDSHAKE, "move_"), (routes.SCORING, "FormSubmitter")],
)
def test_the_room_pages_draw_their_forms_and_editors_only_with_edit_on(demo_app, demo_url, route, editor_key):
    account_id = _directory(demo_url).ids[0]
    app = _present(demo_app, route.path, account_id)
    assert not app.data_editor
    assert not [key for key in _keys(app.button) if editor_key in key]
    app.toggle(key=presentation.EDIT_KEY).set_value(True).run()
    no_exception(app)
    assert [key for key in _keys(app.button) if editor_key in key]


def test_a_page_made_of_forms_waits_for_edit(demo_app):
    app = _present(demo_app, routes.SETTINGS.path)
    assert not app.data_editor and not [k for k in _keys(app.button) if "FormSubmitter" in k]
    assert "Switch Edit on" in texts(app)
    app.toggle(key=presentation.EDIT_KEY).set_value(True).run()
    no_exception(app)
    assert [k for k in _keys(app.button) if "FormSubmitter" in k]


def test_next_and_previous_step_through_the_accounts_in_the_selectors_order(demo_app, demo_url):
    directory = _directory(demo_url)
    first = directory.ids[0]
    app = _present(demo_app, routes.ACCOUNT.path, first)
    app.button(key=presentation.NEXT_KEY).click().run()
    no_exception(app)
    second = neighbour(directory, first, 1)
    assert app.title[0].value == directory.names[second] and app.query_params["account"] == str(second)
    app.button(key=presentation.PREVIOUS_KEY).click().run()
    app.button(key=presentation.PREVIOUS_KEY).click().run()  # before the first: the last
    no_exception(app)
    assert app.query_params["account"] == str(directory.ids[-1])
    assert app.query_params["present"] == "1"


def test_the_url_keeps_present_across_page_switches(demo_app, demo_url):
    account_id = _directory(demo_url).ids[2]
    app = _present(demo_app, routes.HOME.path, account_id)
    app.selectbox(key=presentation.PAGE_KEY).select(routes.CANVAS.url_path).run()  # the header's page picker
    no_exception(app)
    assert app.query_params["present"] == "1" and app.query_params["account"] == str(account_id)
    assert app.title[0].value == _directory(demo_url).names[account_id] and not _has_selector(app)
    app.button(key=presentation.MATRIX_KEY).click().run()  # the M key's button
    no_exception(app)
    assert app.query_params["present"] == "1" and app.selectbox(key=presentation.PAGE_KEY).value == "matrix"
    app.switch_page(routes.HANDSHAKES.path).run()
    no_exception(app)
    assert app.query_params["present"] == "1" and not _has_selector(app)


def test_leaving_brings_the_sidebar_back_and_entering_keeps_the_language(demo_app):
    app = demo_app(routes.HOME.path)
    app.sidebar.radio[0].set_value("fr").run()
    app.button(key=presentation.ENTER_KEY).click().run()
    no_exception(app)
    assert app.query_params["present"] == "1" and not _has_selector(app)
    assert app.button(key=presentation.LEAVE_KEY).label == "Quitter"  # still in French without the switch
    app.button(key=presentation.LEAVE_KEY).click().run()
    no_exception(app)
    assert "present" not in app.query_params and _has_selector(app)
    assert app.sidebar.radio[0].value == "fr"
