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
    """(text, its tag) of a table of texts, whatever its shape (a list, a dict of lists, of tuples, a
    dataclass such as a sector...); numbers and keys (a priority's offer) are tags, with an empty text."""
    import dataclasses

    if isinstance(table, str):
        return [(table, None)]
    if isinstance(table, int | float) or table is None:
        return [("", table)]
    if dataclasses.is_dataclass(table):
        return [
            (text, (field.name, tag))
            for field in dataclasses.fields(table)
            for text, tag in (
                [("", getattr(table, field.name))]
                if field.name in KEY_FIELDS
                else _texts_of(getattr(table, field.name))
            )
        ]
    if isinstance(table, dict):
        return [(text, (key, tag)) for key, value in table.items() for text, tag in _texts_of(value)]
    if len(table) == 2 and isinstance(table[0], str) and isinstance(table[1], str) and table[1].isidentifier():
        return [(table[0], table[1])]  # (text, when): "any", "strong", "site"...
    return [(text, (index, tag)) for index, item in enumerate(table) for text, tag in _texts_of(item)]


KEY_FIELDS = {"offer", "not_relevant"}  # a sector's or a priority's keys into data.OFFERS
# Texts a French room reads as they are: units, and words spelled alike in both languages.
SAME_IN_FRENCH = {"%", "kWh", "MWh", "MW", "tCO2", "min", "Finance", "Supply chain", "DACH", "France"}


def test_every_french_demo_table_matches_its_english_one():
    """Same names, same lengths, same tags and placeholders: the seed draws the same rows in both languages."""
    from kam_core.demo import data, data_fr

    for name in [name for name in vars(data_fr) if name.isupper()]:
        if not hasattr(data, name):
            continue  # French-only texts (the rationales that quote figures)
        table = getattr(data, name)
        if name == "SECTORS":  # only the French customers' sectors are French
            table = {key: table[key] for key in data_fr.SECTORS}
        english, french = _texts_of(table), _texts_of(getattr(data_fr, name))
        assert [tag for _, tag in english] == [tag for _, tag in french], name
        for (en, _), (fr, _) in zip(english, french, strict=True):
            assert _placeholders(en) == _placeholders(fr), (name, en, fr)
            assert en != fr or not en.strip() or en in SAME_IN_FRENCH, (name, en)


def test_every_french_only_table_keeps_its_english_keys_and_placeholders():
    """The French texts that replace data's rows by key (our side, the accounts' events, the buying
    centre, the competitors) cover every key, with the same placeholders."""
    from kam_core.demo import data, data_fr

    assert set(data_fr.KAM_REGIONS) == {key for key, _, _ in data.KAMS}
    assert set(data_fr.EXECUTIVE_TITLES) == {row[0] for row in data.EXECUTIVES}
    assert set(data_fr.OFFER_NAMES) == set(data.OFFERS)
    assert set(data_fr.SECTOR_LABELS) == set(data.SECTORS)
    assert set(data_fr.COMPETITOR_STRENGTHS) == {name for name, _ in data.COMPETITORS}
    french_customers = {spec.key for spec in data.ACCOUNTS if data.POOL_OF_COUNTRY[spec.country] == "fr"}
    assert set(data_fr.ACCOUNT_EVENTS) == {
        spec.key for spec in data.ACCOUNTS if spec.key in french_customers and spec.event
    }
    assert {spec.sector for spec in data.ACCOUNTS if spec.key in french_customers} <= set(data_fr.SECTORS)
    for slot, title, unit, *_ in data.ORG_CHART:
        assert [_placeholders(text) for text in data_fr.ORG_CHART_WORDS[slot]] == [
            _placeholders(title),
            _placeholders(unit),
        ]
    assert set(data_fr.ORG_CHART_WORDS) == {row[0] for row in data.ORG_CHART}


# What a French customer's pages show (canvas, handshake, engagements, stakeholders, white space, our side).
SHOWN = {
    m.Account: ("sector", "notes"),
    m.Score: ("rationale",),
    m.AccountPlan: ("business", "markets", "recent_events", "ambition"),
    m.CustomerUnit: ("name",),
    m.Priority: ("title", "description"),
    m.ValueProposition: ("what_we_bring", "customer_value"),
    m.Competitor: ("strengths",),
    m.SwotItem: ("text",),
    m.Objective: ("title", "target"),
    m.Action: ("title",),
    m.RevenueLine: ("label",),
    m.Stakeholder: ("title", "unit"),
    m.Handshake: ("vision",),
    m.HandshakeStageEvent: ("note",),
    m.HandshakeReview: ("notes", "decisions"),
    m.JointObjective: ("title", "kpi", "unit"),
    m.Commitment: ("description",),
    m.Engagement: ("objective", "ask", "outcome", "next_step", "attendees"),
    m.Executive: ("title", "function"),
    m.Offer: ("name", "family"),
    m.Kam: ("region",),
}


def _shown_texts(session: Session, account_ids: set[int] | None) -> dict[tuple[str, str], set[str]]:
    """The texts of SHOWN, per (table, field): of the accounts ``account_ids`` (None: of all), and of our side."""
    handshakes = {h.id: h.account_id for h in session.exec(select(m.Handshake)).all()}
    priorities = {p.id: p.account_id for p in session.exec(select(m.Priority)).all()}
    texts: dict[tuple[str, str], set[str]] = {}
    for model, fields in SHOWN.items():
        for row in session.exec(select(model)).all():
            if model is m.Account:
                account = row.id
            elif hasattr(row, "account_id"):
                account = row.account_id
            elif hasattr(row, "handshake_id"):
                account = handshakes[row.handshake_id]
            elif hasattr(row, "priority_id"):
                account = priorities[row.priority_id]
            else:
                account = None  # our side: shown on every account's pages
            if account_ids is None or account is None or account in account_ids:
                for field in fields:
                    if getattr(row, field):
                        texts.setdefault((model.__tablename__, field), set()).add(getattr(row, field))
    return texts


def _deck_text(pack) -> str:
    import io

    from pptx import Presentation

    parts = []
    for slide in Presentation(io.BytesIO(pack.data)).slides:
        shapes = list(slide.shapes) + (list(slide.notes_slide.shapes) if slide.has_notes_slide else [])
        for shape in shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def test_a_french_customer_of_a_french_programme_shows_none_of_the_english_demo_texts(make_session):  # noqa: F811
    """Canvas, handshake, engagements, buying centre, white space and our side: no text of a French
    customer in the French demo is one of the English demo's texts (but units and words spelled alike);
    the customer's QBR deck in French (the customer's version and ours) quotes none of them either."""
    from kam_core.demo.data import POOL_OF_COUNTRY
    from kam_core.documents.qbr import build_qbr

    english_session = make_session("en")
    seed_demo(english_session, today=TODAY, language="en")
    english = set().union(*_shown_texts(english_session, None).values()) - SAME_IN_FRENCH
    session = make_session("fr")
    seed_demo(session, today=TODAY, language="fr")
    session.commit()
    french = {a.id: a.name for a in session.exec(select(m.Account)).all() if POOL_OF_COUNTRY.get(a.country) == "fr"}
    assert len(french) == 8
    shown = _shown_texts(session, set(french))
    assert {("handshake", "vision"), ("joint_objective", "unit"), ("engagement", "ask")} <= set(shown)
    assert {where: texts & english for where, texts in shown.items() if texts & english} == {}
    units = shown[("joint_objective", "unit")]
    assert "heures" in units and "€ par lit" in units and not units & {"hours", "EUR per bed", "count"}

    people = session.exec(select(m.Stakeholder).where(m.Stakeholder.account_id.in_(french))).all()
    women = [p for p in people if p.name.split()[0] in {"Sophie", "Nathalie", "Isabelle", "Céline", "Élodie"}]
    assert women and not [p.title for p in women if p.title.startswith(("Directeur", "Acheteur", "Assistant "))]

    aerivon = next(id_ for id_, name in french.items() if name == "Aerivon Aerostructures")
    sentences = {" ".join(text.split()) for text in english if len(text) >= 20 and " " in text}
    for internal in (False, True):  # the customer's deck, and ours
        deck = _deck_text(build_qbr(session, aerivon, TODAY, language="fr", internal=internal))
        assert "Diviser par deux l'énergie" in deck or "Tenir la montée en cadence" in deck
        assert sorted(text for text in sentences if text in deck or text[:30] in deck) == [], internal
