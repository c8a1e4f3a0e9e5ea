"""A programme created in French: its default name and its scoring criteria, with their anchored
scales, are French data (and stay editable as data); created in English, English. The language comes
from the creator (``language=``) or from ``KAM_LANGUAGE``."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlmodel import Session, select

from kam_core.demo.seed import seed_demo
from kam_core.i18n import programme_language
from kam_core.programme.defaults import default_criteria, install_defaults
from kam_core.store import db
from kam_core.store import models as m
from tests.unit.test_seed import make_session  # noqa: F401 - the fixture: a fresh database per session

TODAY = date(2026, 5, 13)
TEXTS = ("name", "description", "anchor_low", "anchor_mid", "anchor_high")


def _criteria(session: Session) -> list[m.Criterion]:
    return list(session.exec(select(m.Criterion).order_by(m.Criterion.axis, m.Criterion.position)).all())


def test_defaults_installed_in_french_are_french(make_session):  # noqa: F811
    session = make_session()
    install_defaults(session, today=TODAY, language="fr")
    session.commit()
    assert session.get(m.Programme, 1).name == "Programme grands comptes"
    names = {criterion.name for criterion in _criteria(session)}
    assert {"Part de portefeuille", "Croissance", "Accès aux décideurs", "Profondeur de la relation"} <= names
    assert not names & {criterion["name"] for criterion in default_criteria("en")}
    share = next(c for c in _criteria(session) if c.name == "Part de portefeuille")
    assert share.anchor_high == "> 50 % de ses dépenses : nous sommes son premier fournisseur"


def test_defaults_installed_in_english_are_english(make_session):  # noqa: F811
    session = make_session()
    install_defaults(session, today=TODAY, language="en")
    session.commit()
    assert session.get(m.Programme, 1).name == "Key Account Programme"
    assert "Share of wallet" in {criterion.name for criterion in _criteria(session)}


def test_every_default_criterion_text_is_translated_and_the_scales_agree():
    english, french = default_criteria("en"), default_criteria("fr")
    assert [(c["axis"], c["position"], c["weight"]) for c in english] == [
        (c["axis"], c["position"], c["weight"]) for c in french
    ]
    for en, fr in zip(english, french, strict=True):
        for field in TEXTS:
            assert fr[field] and fr[field] != en[field], (en["name"], field)
    for axis in m.AXES:
        assert sum(c["weight"] for c in french if c["axis"] == axis) == 100


@pytest.mark.parametrize(
    ("setting", "expected"), [("fr", "fr"), ("fr-FR", "fr"), ("en", "en"), (None, "en"), ("de", "en")]
)
def test_the_programme_language_comes_from_kam_language(monkeypatch, setting, expected):
    if setting is None:
        monkeypatch.delenv("KAM_LANGUAGE", raising=False)
    else:
        monkeypatch.setenv("KAM_LANGUAGE", setting)
    assert programme_language() == expected


def test_a_new_database_with_kam_language_fr_starts_in_french(tmp_path, databases, monkeypatch):
    monkeypatch.setenv("KAM_LANGUAGE", "fr")
    url = databases.new(tmp_path)
    try:
        with Session(db.get_engine(url)) as session:  # created, migrated and given its defaults
            assert session.get(m.Programme, 1).name == "Programme grands comptes"
            assert "Part de portefeuille" in {criterion.name for criterion in _criteria(session)}
    finally:
        db.dispose_all()
        databases.drop(url)


def test_the_demo_seeded_in_french_scores_as_the_english_one(make_session):  # noqa: F811
    """The demo's scores follow each default criterion whatever its language: same values, same quarters."""
    scores, engagements = {}, {}
    for language in ("en", "fr"):
        session = make_session(language)
        seed_demo(session, today=TODAY, language=language)
        session.commit()
        criteria = {c.id: (c.axis, c.position) for c in _criteria(session)}
        scores[language] = sorted(
            (s.account_id, s.period, *criteria[s.criterion_id], s.value) for s in session.exec(select(m.Score)).all()
        )
        assert (session.get(m.Programme, 1).name == "Programme grands comptes") == (language == "fr")
        engagements[language] = sorted(
            (e.account_id, e.kind, e.status, e.on_date) for e in session.exec(select(m.Engagement)).all()
        )
    assert scores["fr"] == scores["en"]
    assert engagements["fr"] == engagements["en"]  # the same meetings, of the same kinds, on the same days


def test_the_demo_seeded_in_french_writes_its_french_customers_justifications_in_french(make_session):  # noqa: F811
    session = make_session()
    seed_demo(session, today=TODAY, language="fr")
    session.commit()
    french = session.exec(select(m.Account).where(m.Account.name == "Aerivon Aerostructures")).one()
    english = session.exec(select(m.Account).where(m.Account.name == "Veltara Motors Group")).one()

    def rationales(account):
        return {s.rationale for s in session.exec(select(m.Score).where(m.Score.account_id == account.id)).all()}

    said = " ".join(rationales(french))
    assert "dépenses dans nos catégories" in said and "Marge d'environ" in said
    assert not [
        phrase
        for phrase in ("Our revenue", "Margin about", "on this criterion", "since last quarter")
        if phrase in said
    ]
    assert any(text.startswith("Our revenue is about") for text in rationales(english))  # a Dutch customer: English
    met = session.exec(select(m.Engagement).where(m.Engagement.account_id == french.id)).all()
    assert met and all(e.attendees.startswith("Nous : ") for e in met)
    assert not [e.objective for e in met if e.objective.split()[0] in {"Review", "Share", "Visit", "Site", "Quarterly"}]
    notes = session.exec(
        select(m.HandshakeStageEvent.note).join(m.Handshake).where(m.Handshake.account_id == french.id)
    ).all()
    assert notes and all(not note.startswith(("First", "Reviewed", "Presented", "Agreed")) for note in notes)


def test_the_command_line_creates_the_demo_programme_in_the_language_asked(on, new_url, monkeypatch, capsys):
    from kam_core.__main__ import main

    monkeypatch.delenv("KAM_LANGUAGE", raising=False)
    on(new_url)
    assert main(["setup", "--demo-if-empty", "--language", "fr"]) == 0
    with Session(db.get_engine(new_url)) as session:
        assert session.get(m.Programme, 1).name == "Programme grands comptes"
        assert "Part de portefeuille" in {criterion.name for criterion in _criteria(session)}
        aerivon = session.exec(select(m.Account).where(m.Account.name == "Aerivon Aerostructures")).one()
        said = {s.rationale for s in session.exec(select(m.Score).where(m.Score.account_id == aerivon.id)).all()}
        assert any("dépenses dans nos catégories" in text for text in said)
    assert "KAM_LANGUAGE" not in os.environ  # the command's choice does not outlive it


def test_without_kam_language_the_creator_s_language_is_taken(monkeypatch):
    monkeypatch.delenv("KAM_LANGUAGE", raising=False)
    assert programme_language("fr") == "fr"
    assert programme_language("xx") == programme_language(None) == "en"
    monkeypatch.setenv("KAM_LANGUAGE", "en")
    assert programme_language("fr") == "en"  # the server's setting wins over the first visitor's browser


def _placeholders(text: str) -> set[str]:
    import string

    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _texts_of(table) -> list[tuple[str, object]]:
    """(text, its tag) of a table of texts, whatever its shape (a list, a dict of lists, of tuples...)."""
    if isinstance(table, str):
        return [(table, None)]
    if isinstance(table, dict):
        return [(text, (key, tag)) for key, value in table.items() for text, tag in _texts_of(value)]
    if isinstance(table, tuple) and len(table) == 2 and isinstance(table[0], str) and not isinstance(table[1], list):
        return [(table[0], table[1])]
    return [(text, (index, tag)) for index, item in enumerate(table) for text, tag in _texts_of(item)]


def test_every_french_demo_table_matches_its_english_one():
    """Same names, same lengths, same tags and placeholders: the seed draws the same rows in both languages."""
    from kam_core.demo import data, data_fr

    for name in [name for name in vars(data_fr) if name.isupper()]:
        if not hasattr(data, name):
            continue  # French-only texts (the rationales that quote figures)
        english, french = _texts_of(getattr(data, name)), _texts_of(getattr(data_fr, name))
        assert [tag for _, tag in english] == [tag for _, tag in french], name
        for (en, _), (fr, _) in zip(english, french, strict=True):
            assert _placeholders(en) == _placeholders(fr), (name, en, fr)
            assert en != fr or not en.strip(), (name, en)
