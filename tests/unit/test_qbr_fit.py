"""The QBR deck is fit to show: every deck of the demo portfolio is rendered and read back, and no text
is cut ("…", "and N more"), no text box or table cell holds more measured text than its shape, no
slide is more than half empty, footers are readable, every slide has speaker notes naming its
sources, and the customer's deck carries nothing internal (marker strings put in every internal field
never appear anywhere in its file).

Which decks: the customer deck in English of every demo account (the deck the issue is about, 30
accounts), and the three other combinations (customer French, internal English, internal French) for
a sample of ``SAMPLE`` accounts chosen for the most content (rendering every combination of every
account takes minutes on the shared machine).

How text is measured: with the font the deck names and ships (Liberation Sans, through Pillow), by
``qbr_layout.wrap``; a line is ``LINE_SPACING`` font sizes high. How "empty" is measured: the part of
the body (the slide between the title's rule and the footer's rule, ``CONTENT_WIDTH`` wide) covered by
tables (their rows), pictures and filled tiles (their whole area) and text boxes (their width times the
measured height of their text, not the box's own height); a slide is more than half empty when that
covers less than half the body.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.documents.qbr import build_qbr
from kam_core.documents.qbr_layout import (
    BODY_BOTTOM,
    BODY_TOP,
    BOX_MARGIN_X,
    BOX_MARGIN_Y,
    CELL_MARGIN_X,
    CELL_MARGIN_Y,
    CONTENT_WIDTH,
    FONT_NAME,
    LINE_SPACING,
    wrap,
)
from kam_core.i18n import translate
from kam_core.store import db
from kam_core.store.models import (
    Account,
    Commitment,
    Competitor,
    Engagement,
    Handshake,
    HandshakeReview,
    HandshakeStageEvent,
    Stakeholder,
    SwotItem,
    WhiteSpaceCell,
)
from tests.conftest import TODAY

INCH = 914400
FOOTER_TOP = 6.85  # inches: footers sit below
SAMPLE = 4
COMBINATIONS = [("en", False), ("fr", False), ("en", True), ("fr", True)]


@pytest.fixture(scope="module")
def decks(tmp_path_factory, databases):
    """{(account name, language, internal): pptx bytes} — see the module's docstring for which."""
    url = databases.demo(tmp_path_factory.mktemp("qbr_fit"))
    engine = db.get_engine(url)
    built = {}
    with Session(engine) as session:
        accounts = session.execute(select(Account.id, Account.name).order_by(Account.name)).all()
        richest = session.execute(  # the accounts with the most meetings and people: the fullest decks
            select(Account.id, Account.name)
            .join(Stakeholder, Stakeholder.account_id == Account.id)
            .group_by(Account.id, Account.name)
            .order_by(func.count(Stakeholder.id).desc(), Account.name)
            .limit(SAMPLE)
        ).all()
        for account_id, name in accounts:
            built[(name, "en", False)] = build_qbr(session, account_id, TODAY, "en", internal=False).data
        for account_id, name in richest:
            for language, internal in COMBINATIONS[1:]:
                built[(name, language, internal)] = build_qbr(session, account_id, TODAY, language, internal).data
    yield built
    db.dispose_all()
    databases.drop(url)


def _slides(data: bytes):
    return Presentation(io.BytesIO(data)).slides


def _frames(shape):
    if shape.has_text_frame:
        return [shape.text_frame]
    if shape.has_table:
        return [cell.text_frame for row in shape.table.rows for cell in row.cells]
    return []


def _texts(data: bytes) -> list[str]:
    """Every paragraph of every shape and every speaker note."""
    texts = []
    for slide in _slides(data):
        for shape in slide.shapes:
            texts += [paragraph.text for frame in _frames(shape) for paragraph in frame.paragraphs]
        if slide.has_notes_slide:
            texts += slide.notes_slide.notes_text_frame.text.splitlines()
    return texts


def _paragraphs_height(frame, width: float) -> float:
    """The measured height of ``frame``'s text, ``width`` inches wide inside its margins."""
    height = 0.0
    paragraphs = [paragraph for paragraph in frame.paragraphs if paragraph.text]
    for index, paragraph in enumerate(paragraphs):
        runs = paragraph.runs
        size = max(run.font.size.pt for run in runs)
        bold = any(run.font.bold for run in runs)
        lines = len(wrap(paragraph.text, width, size, bold))
        height += lines * size * LINE_SPACING / 72
        if index < len(paragraphs) - 1 and paragraph.space_after is not None:
            height += paragraph.space_after.pt / 72
    return height


def _overflows(data: bytes) -> list[tuple]:
    """(slide, text) of every text box or table cell whose measured text is taller than its shape."""
    found = []
    for number, slide in enumerate(_slides(data), start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                width = shape.width / INCH - 2 * BOX_MARGIN_X
                needed = _paragraphs_height(shape.text_frame, width) + 2 * BOX_MARGIN_Y
                if needed > shape.height / INCH + 0.005:
                    found.append((number, shape.text_frame.text[:60], round(needed, 2), shape.height / INCH))
            if shape.has_table:
                table = shape.table
                for row in table.rows:
                    for column, cell in zip(table.columns, row.cells):
                        width = column.width / INCH - 2 * CELL_MARGIN_X
                        needed = _paragraphs_height(cell.text_frame, width) + 2 * CELL_MARGIN_Y
                        if needed > row.height / INCH + 0.005:
                            found.append((number, cell.text[:60], round(needed, 2), row.height / INCH))
    return found


def _coverage(slide) -> float:
    """The share of the body covered, as the module's docstring defines it."""
    covered = 0.0
    for shape in slide.shapes:
        if shape == slide.shapes.title or shape.top / INCH >= FOOTER_TOP or shape.height / INCH < 0.05:
            continue  # the title, the footer and the rules
        width, height = shape.width / INCH, shape.height / INCH
        if shape.has_table:
            covered += width * sum(row.height for row in shape.table.rows) / INCH
        elif shape.shape_type == MSO_SHAPE_TYPE.PICTURE or shape.has_chart:
            covered += width * height
        elif shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and shape.fill.type is not None:
            covered += width * height  # a tile: a filled rectangle is seen whole
        elif shape.has_text_frame and shape.text_frame.text.strip():
            text = _paragraphs_height(shape.text_frame, width - 2 * BOX_MARGIN_X) + 2 * BOX_MARGIN_Y
            covered += width * min(height, text)
    return covered / (CONTENT_WIDTH * (BODY_BOTTOM - BODY_TOP))


def _which(key) -> str:
    name, language, internal = key
    return f"{name} {language} {'internal' if internal else 'customer'}"


# --- nothing is cut -----------------------------------------------------------------------------------


def test_no_text_of_any_deck_is_cut_short(decks):
    more = [translate("overview.more", language, count=999) for language in ("en", "fr")]
    more = re.compile("|".join(re.escape(text).replace("999", r"\d+") for text in more) + r"|et \d+ autres")
    for key, data in decks.items():
        for text in _texts(data):
            assert "…" not in text, (_which(key), text)
            assert not more.search(text), (_which(key), text)


def test_no_text_box_or_table_cell_holds_more_than_its_shape(decks):
    for key, data in decks.items():
        assert not _overflows(data), (_which(key), _overflows(data)[:3])


def test_every_run_names_the_font_the_deck_is_measured_with(decks):
    data = next(iter(decks.values()))
    for slide in _slides(data):
        for shape in slide.shapes:
            for frame in _frames(shape):
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.name == FONT_NAME, run.text


def test_a_long_table_goes_on_over_continued_slides(decks):
    """At least one demo deck needs a continuation slide, and it says so in its title and notes."""
    continued = {
        language: re.escape(translate("qbr.continued", language, title="X")).replace("X", ".+")
        for language in ("en", "fr")
    }
    seen = 0
    for (_name, language, _internal), data in decks.items():
        for slide in _slides(data):
            if re.fullmatch(continued[language], slide.shapes.title.text):
                seen += 1
                notes = slide.notes_slide.notes_text_frame.text
                assert translate("qbr.notes.continued_from", language, page=999).split("999")[0] in notes
    assert seen > 0


# --- a layout per amount of content -------------------------------------------------------------------


def test_no_slide_is_more_than_half_empty(decks):
    for key, data in decks.items():
        for number, slide in enumerate(_slides(data), start=1):
            assert _coverage(slide) >= 0.5, (_which(key), number, slide.shapes.title.text, round(_coverage(slide), 2))


def test_footers_are_at_least_10_pt_and_every_slide_has_notes_with_its_sources(decks):
    for key, data in decks.items():
        language = key[1]
        source = translate("qbr.notes.source", language, source="X").split("X")[0]
        for number, slide in enumerate(_slides(data), start=1):
            footer = [shape for shape in slide.shapes if shape.top / INCH >= FOOTER_TOP and shape.has_text_frame]
            assert len(footer) == 2, (_which(key), number)
            for shape in footer:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.size.pt >= 10, (_which(key), number, run.text)
            assert slide.has_notes_slide, (_which(key), number)
            assert source in slide.notes_slide.notes_text_frame.text, (_which(key), number)


# --- units that read right -----------------------------------------------------------------------------


def test_kpi_values_read_with_their_units(decks):
    everything = "\n".join(text for data in decks.values() for text in _texts(data))
    assert not re.search(r"\d count\b", everything)
    assert not re.search(r"\d EUR\b", everything)
    assert "Value" not in [text.strip() for text in everything.splitlines()]


def test_kpi_value_formats():
    from kam_core.documents.qbr import _kpi_value

    assert _kpi_value(6, "count", "en") == "6"
    assert _kpi_value(4320, "EUR per bed", "fr") == "4\u202f320 € per bed"
    assert _kpi_value(4320, "EUR per bed", "en") == "4,320 € per bed"
    assert _kpi_value(250, "kEUR", "en") == "250 k€"
    assert _kpi_value(86, "%", "fr") == "86\u00a0%"  # CLDR: a no-break space before the sign
    assert _kpi_value(None, "kWh", "en") == "–"


# --- customer-safe by rule ----------------------------------------------------------------------------

RICH = "Aerivon Aerostructures"  # strategic, handshake in quarterly review, meetings, white space


def _xml(data: bytes) -> str:
    """Every part of the .pptx (slides, notes, charts, properties), as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _mark_internal_fields(session: Session, account_id: int) -> list[str]:
    """Put a marker string in every internal-only text field of the account; returns the markers."""
    from kam_core.store.models import Action, ChallengeItem, ChallengeSession, Objective

    marks = []

    def mark(row, field: str) -> None:
        value = f"ZZINTERNAL{len(marks):02d}"
        setattr(row, field, value)
        marks.append(value)
        session.add(row)

    mark(session.get(Account, account_id), "notes")
    for person in session.scalars(select(Stakeholder).where(Stakeholder.account_id == account_id)):
        mark(person, "owner")
        mark(person, "email")
    for cell in session.scalars(select(WhiteSpaceCell).where(WhiteSpaceCell.account_id == account_id)):
        cell.status, cell.value = "competitor", 123456.0
        mark(cell, "competitor")
        break
    session.add(Competitor(account_id=account_id, name="ZZRIVAL", strengths="ZZRIVALSTRENGTH"))
    session.add(SwotItem(account_id=account_id, kind="weakness", text="ZZSWOT"))
    marks += ["ZZRIVAL", "ZZRIVALSTRENGTH", "ZZSWOT"]
    handshake = session.scalar(select(Handshake).where(Handshake.account_id == account_id))
    for review in session.scalars(select(HandshakeReview).where(HandshakeReview.handshake_id == handshake.id)):
        mark(review, "notes")
        mark(review, "decisions")
    for event in session.scalars(select(HandshakeStageEvent).where(HandshakeStageEvent.handshake_id == handshake.id)):
        mark(event, "note")
    for engagement in session.scalars(select(Engagement).where(Engagement.account_id == account_id)):
        mark(engagement, "ask")
        mark(engagement, "outcome")
        mark(engagement, "next_step")
    for action in session.scalars(select(Action).where(Action.account_id == account_id)):
        mark(action, "title")
    for objective in session.scalars(select(Objective).where(Objective.account_id == account_id)):
        mark(objective, "title")
    for challenge in session.scalars(select(ChallengeSession).where(ChallengeSession.account_id == account_id)):
        mark(challenge, "title")
        for item in session.scalars(select(ChallengeItem).where(ChallengeItem.session_id == challenge.id)):
            mark(item, "text")
    # one of our commitments overdue: left out of the customer's deck by default
    overdue = Commitment(
        handshake_id=handshake.id, side="ours", description="ZZOVERDUE", owner="ZZOWNER", due_date=TODAY.replace(day=1)
    )
    session.add(overdue)
    session.commit()
    return marks


def test_no_internal_field_reaches_any_part_of_the_customer_deck(demo_engine):
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == RICH))
        marks = _mark_internal_fields(session, account_id)
        customer = {
            language: build_qbr(session, account_id, TODAY, language, internal=False) for language in ("en", "fr")
        }
        internal = build_qbr(session, account_id, TODAY, "en", internal=True)
        shown = build_qbr(session, account_id, TODAY, "en", internal=False, overdue_as_new_date=True)
    assert len(marks) > 20
    for language, pack in customer.items():
        xml = _xml(pack.data)
        assert not [mark for mark in [*marks, "ZZOVERDUE"] if mark in xml], language
        assert translate("rag.red", language) not in "\n".join(_texts(pack.data))  # never "Overdue"
        assert translate("qbr.customer_scope", language) in _texts(pack.data)  # says what it leaves out
        assert translate("qbr.notes.customer_scope_detail", language) in _texts(pack.data)  # precisely, in its notes
    internal_text = "\n".join(_texts(internal.data))
    assert "ZZOVERDUE" in internal_text  # listed in the internal version
    left_out = re.escape(translate("qbr.notes.overdue_left_out", "en", count=999)).replace("999", r"\d+")
    assert re.search(left_out, internal_text)  # and its notes say they are left out of the customer's
    texts = _texts(shown.data)
    assert "ZZOVERDUE" in texts  # shown when the KAM chooses so, as in progress with a new date
    new_date = re.escape(translate("qbr.in_progress_new_date", "en", date="X")).replace("X", ".+")
    new_date += "|" + re.escape(translate("qbr.in_progress_date_to_agree", "en"))
    assert any(re.fullmatch(new_date, text) for text in texts)
    assert translate("rag.red", "en") not in texts


@pytest.mark.parametrize("stage", ["draft", "internally_reviewed"])
def test_a_plan_not_yet_presented_is_a_proposal_not_our_joint_plan(demo_engine, stage):
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == RICH))
        handshake = session.scalar(select(Handshake).where(Handshake.account_id == account_id))
        handshake.stage = stage
        session.add(handshake)
        session.commit()
        packs = {internal: build_qbr(session, account_id, TODAY, "fr", internal=internal) for internal in (True, False)}
    for pack in packs.values():
        assert translate("qbr.slide.handshake", "fr") not in pack.slides
        assert translate("qbr.slide.handshake_proposal", "fr") in pack.slides
        assert translate("qbr.draft_note", "fr") in _texts(pack.data)
    cover = "\n".join(shape.text_frame.text for shape in _slides(packs[False].data)[0].shapes if shape.has_text_frame)
    assert translate("qbr.customer_scope_proposal", "fr") in cover  # the cover does not say "our joint plan"
    assert translate("qbr.customer_scope", "fr") not in cover


def test_the_cover_says_what_it_leaves_out_in_words_for_the_customer():
    """Short and neutral on the slide (no "assessments", "margins", "competition" shown to the
    customer's executive), the precise list in the speaker notes for the presenter."""
    for language, words in (("en", ("assess", "margin", "competit")), ("fr", ("évaluation", "marge", "concurren"))):
        for key in ("qbr.customer_scope", "qbr.customer_scope_proposal", "qbr.customer_scope_no_plan"):
            text = translate(key, language).lower()
            assert not [word for word in words if word in text], (language, key)
            assert len(text) < 200, (language, key)
        detail = translate("qbr.notes.customer_scope_detail", language).lower()
        assert all(word in detail for word in words), language


def _commitment_rows(pack) -> dict[str, list[str]]:
    """{description: row} of the commitments slide(s) of ``pack``."""
    rows = {}
    for slide in _slides(pack.data):
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    cells = [cell.text for cell in row.cells]
                    if cells[1].startswith("ZZC"):
                        rows[cells[1]] = cells
    return rows


def test_the_commitments_slide_is_balanced_between_both_sides(demo_engine):
    """What both sides delivered lately is shown ("Delivered"), open items on time of both sides too;
    late items of either side follow one rule in the customer's version (left out by default, "in
    progress, new date" when the KAM chooses so), so the deck never points at one side only; the
    internal version lists every late item and its notes count what the customer's leaves out."""
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == RICH))
        handshake = session.scalar(select(Handshake).where(Handshake.account_id == account_id))
        month = timedelta(days=30)
        for side, description, due, status, done_on in [
            ("ours", "ZZCDELIVEREDOURS", TODAY - month, "done", TODAY - month),
            ("theirs", "ZZCDELIVEREDTHEIRS", TODAY - month, "done", TODAY - month),
            ("ours", "ZZCLONGAGO", TODAY - 12 * month, "done", TODAY - 12 * month),
            ("ours", "ZZCLATEOURS", TODAY - month, "open", None),
            ("theirs", "ZZCLATETHEIRS", TODAY - month, "open", None),
            ("ours", "ZZCOPENOURS", TODAY + month, "open", None),
            ("theirs", "ZZCOPENTHEIRS", TODAY + month, "in_progress", None),
        ]:
            session.add(
                Commitment(
                    handshake_id=handshake.id,
                    side=side,
                    description=description,
                    owner="ZZOWNER",
                    due_date=due,
                    status=status,
                    done_on=done_on,
                )
            )
        session.commit()
        packs = {language: build_qbr(session, account_id, TODAY, language, internal=False) for language in ("en", "fr")}
        shown = build_qbr(session, account_id, TODAY, "en", internal=False, overdue_as_new_date=True)
        internal = build_qbr(session, account_id, TODAY, "en", internal=True)
    for language, pack in packs.items():
        rows = _commitment_rows(pack)
        assert set(rows) == {"ZZCDELIVEREDOURS", "ZZCDELIVEREDTHEIRS", "ZZCOPENOURS", "ZZCOPENTHEIRS"}, language
        assert rows["ZZCDELIVEREDOURS"][4] == rows["ZZCDELIVEREDTHEIRS"][4] == translate("qbr.delivered", language)
        assert translate("rag.red", language) not in "\n".join(_texts(pack.data))
    rows = _commitment_rows(shown)
    assert {"ZZCLATEOURS", "ZZCLATETHEIRS"} <= set(rows)
    assert rows["ZZCLATEOURS"][4] == rows["ZZCLATETHEIRS"][4]  # one rule for both sides
    assert rows["ZZCLATEOURS"][4].startswith(translate("qbr.in_progress", "en"))
    rows = _commitment_rows(internal)
    assert rows["ZZCLATEOURS"][4] == rows["ZZCLATETHEIRS"][4] == translate("rag.red", "en")
    assert "ZZCLONGAGO" not in rows
    left_out = re.escape(translate("qbr.notes.overdue_left_out", "en", count=999)).replace("999", r"(\d+)")
    counted = re.search(left_out, "\n".join(_texts(internal.data)))
    assert counted and int(counted.group(1)) >= 2  # both late items, ours and theirs
    assert translate("qbr.notes.late_left_out", "en") in _texts(packs["en"].data)


SPARSE = "Quorvant Versicherung AG"  # the demo's account with no revenue yet, no proposition, no meeting


def test_a_sparse_account_gets_a_customer_deck_that_reads_well(demo_engine):
    """No "€0" key figure and no empty chart (the chart is left out, the slide says why), one "to be
    built together" statement instead of one per cell, and empty states phrased for the customer
    (no "pairing", no "this customer")."""
    with Session(demo_engine) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == SPARSE))
        packs = {language: build_qbr(session, account_id, TODAY, language, internal=False) for language in ("en", "fr")}
    for language, pack in packs.items():
        texts = _texts(pack.data)
        everything = "\n".join(texts)
        figures = next(
            slide
            for slide in _slides(pack.data)
            if slide.shapes.title.text == translate("section.key_figures", language)
        )
        assert not [shape for shape in figures.shapes if shape.has_chart or shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert not re.search(r"(€|EUR)\s?0\b|\b0\s?(€|EUR)", everything), language
        assert translate("qbr.no_revenue_yet", language) in texts
        assert everything.count(translate("qbr.to_build", language)) == 0, language
        assert translate("qbr.to_build_all", language) in texts
        for internal_wording in (
            "qbr.no_pairings",
            "overview.no_engagements",
            "qbr.no_meetings",
            "brief.no_commitments",
        ):
            assert translate(internal_wording, language) not in texts, (language, internal_wording)
        for phrased in ("qbr.customer.no_pairings", "qbr.customer.no_meetings", "qbr.customer.no_commitments"):
            assert translate(phrased, language) in texts, (language, phrased)


FOOTER_RULE = 6.92  # inches: the footer's rule
MONTHS = (
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
    "janv\\.|févr\\.|mars|avr\\.|mai|juin|juil\\.|août|sept\\.|oct\\.|nov\\.|déc\\."
)


def _slide_texts(slide) -> list[str]:
    return [paragraph.text for shape in slide.shapes for frame in _frames(shape) for paragraph in frame.paragraphs]


def test_the_decks_read_as_a_finished_document(decks):
    """Tables end clear of the footer's rule; a date never breaks across lines (its parts are joined
    by no-break spaces); the meetings' held/planned column is a "Status"; the customer's deck shows
    no internal workflow stage name, says "Value for you" and does not repeat every next meeting."""
    stages = ("internally_reviewed", "presented", "in_review")  # "Agreed", "Draft for discussion": plain words
    for (name, language, internal), data in decks.items():
        where = (name, language, internal)
        for number, slide in enumerate(_slides(data), start=1):
            for shape in slide.shapes:
                if shape.has_table:
                    bottom = (shape.top + sum(row.height for row in shape.table.rows)) / INCH
                    assert bottom <= FOOTER_RULE - 0.15, (where, number, bottom)
            texts = _slide_texts(slide)
            spaced_date = re.compile(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b")
            assert not [text for text in texts if spaced_date.search(text)], (where, number)
            assert translate("qbr.col.when", language) not in texts, (where, number)
            if not internal:
                for stage in stages:
                    assert not [text for text in texts if translate(f"enum.stage.{stage}", language) in text], (
                        where,
                        number,
                        stage,
                    )
                stage_label = translate("brief.labelled", language).format(
                    label=translate("brief.stage", language), text=""
                )
                assert not [text for text in texts if text.startswith(stage_label)], (where, number)
                assert translate("col.value_propositions.customer_value", language) not in texts, (where, number)
                label = translate("overview.next_engagements", language)
                assert not [text for text in texts if text.startswith(label)], (where, number)
