"""The language chosen in the sidebar survives a page reload: it is kept in the URL (``?lang=fr``), as
the selected account and presentation mode are."""

from __future__ import annotations

from tests.pages.conftest import no_exception


def test_a_link_with_lang_fr_opens_in_french(demo_app):
    app = demo_app(lang="fr")
    no_exception(app)
    assert app.radio(key="language").value == "fr"
    assert "Stratégiques / capacité" in [metric.label for metric in app.metric]


def test_choosing_french_writes_it_into_the_url_and_a_page_switch_keeps_it(demo_app):
    app = demo_app()
    assert app.query_params.get("lang") in (None, "en", ["en"])
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert app.query_params["lang"] in ("fr", ["fr"])
    app.switch_page("pages/portfolio/accounts.py").run()  # a page switch empties the URL's parameters
    no_exception(app)
    assert app.query_params["lang"] in ("fr", ["fr"])


def test_choosing_english_again_writes_it_into_the_url(demo_app):
    app = demo_app(lang="fr")
    app.radio(key="language").set_value("en").run()
    no_exception(app)
    assert app.query_params["lang"] in ("en", ["en"])
    assert "Strategic accounts / capacity" in [metric.label for metric in app.metric]


def test_a_language_the_app_does_not_speak_in_the_link_falls_back_to_the_browser(demo_app):
    app = demo_app(lang="xx")
    no_exception(app)
    assert app.radio(key="language").value == "en"


def test_in_presentation_mode_the_link_keeps_the_language(demo_app):
    app = demo_app(lang="fr", present="1")
    no_exception(app)
    assert app.query_params["lang"] in ("fr", ["fr"])
    assert app.query_params["present"] in ("1", ["1"])


def test_a_database_the_app_creates_for_a_french_visitor_has_a_french_programme(new_url, monkeypatch):
    from sqlmodel import Session

    from kam_core.store import db
    from kam_core.store.models import Criterion, Programme
    from tests.pages.conftest import open_app

    monkeypatch.delenv("KAM_LANGUAGE", raising=False)
    app = open_app(new_url, monkeypatch, "pages/data/settings.py", lang="fr")
    no_exception(app)
    with Session(db.get_engine(new_url)) as session:
        assert session.get(Programme, 1).name == "Programme grands comptes"
        assert session.get(Criterion, 7).name == "Part de portefeuille"
    assert "Programme grands comptes" in [text_input.value for text_input in app.text_input]  # editable there
