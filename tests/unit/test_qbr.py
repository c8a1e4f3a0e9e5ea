"""The QBR pack: a PowerPoint deck of one account, opened again with python-pptx and checked slide
by slide (titles, figures, pictures, tables, the customer-facing cut, French, an almost empty
account, an unknown one)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu
from sqlalchemy import select
from sqlmodel import Session

from kam_core.account.accounts import create_account
from kam_core.account.handshake import read_handshake
from kam_core.common.errors import NotFoundError
from kam_core.common.formatting import money
from kam_core.documents.charts import matrix_chart
from kam_core.documents.qbr import QbrPack, build_qbr
from kam_core.documents.qbr_layout import MAX_ROWS, MIN_PT, TABLE_PT, _Cell, _measured_row_height
from kam_core.i18n import catalog, translate
from kam_core.store import db
from kam_core.store.models import (
    CLOSED_ACTION_STATUSES,
    Account,
    AccountYear,
    Action,
    Priority,
    Programme,
    Stakeholder,
)
from kam_core.store.models import Stakeholder as StakeholderRow
from tests.conftest import TODAY

RICH = "Aerivon Aerostructures"  # strategic, handshake in quarterly review with KPI readings
WITH_OVERDUE_ACTION = "Veltara Motors Group"
FOOTER_TOP = Emu(int(6.85 * 914400))  # footers and page numbers sit below this line
ROOT = Path(__file__).resolve().parents[2]


def _titles(key_of_slide: list[str], language: str) -> list[str]:
    return [translate(key, language) for key in key_of_slide]


INTERNAL_KEYS = [
    "qbr.title",
    "section.key_figures",
    "qbr.slide.portfolio",
    "qbr.slide.priorities",
    "section.buying_centre",
    "section.white_space",
    "qbr.slide.handshake",
    "page.executives",
    "qbr.slide.actions",
]
CUSTOMER_KEYS = [
    "qbr.title",
    "section.key_figures",
    "qbr.slide.priorities",
    "qbr.slide.contacts",
    "qbr.slide.white_space",
    "qbr.slide.handshake",
    "page.executives",
    "qbr.slide.next_steps",
]


# --- reading a deck back ------------------------------------------------------------------------------


def _open(pack: QbrPack):
    return Presentation(io.BytesIO(pack.data))


def _shape_texts(shape) -> list[str]:
    if shape.has_text_frame:
        return [shape.text_frame.text]
    if shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    return []


def _texts(slide) -> str:
    return "\n".join(text for shape in slide.shapes for text in _shape_texts(shape))


def _tables(slide):
    return [shape.table for shape in slide.shapes if shape.has_table]


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _pictures(slide):
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _slide(deck, title: str):
    return next(slide for slide in deck.slides if slide.shapes.title.text == title)


def _continued(title: str, language: str = "en") -> str:
    return translate("qbr.continued", language, title=title)


def _section(deck, title: str, language: str = "en") -> list:
    """The slide titled ``title`` and the slides that continue it ("… (continued)")."""
    return [slide for slide in deck.slides if slide.shapes.title.text in (title, _continued(title, language))]


def _sections(titles, language: str = "en") -> list[str]:
    """Slide titles without the continuation slides."""
    marker = _continued("", language).strip()
    return [title for title in titles if not title.endswith(marker)]


def _runs(shape):
    frames = (
        [shape.text_frame]
        if shape.has_text_frame
        else ([cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table else [])
    )
    return [run for frame in frames for paragraph in frame.paragraphs for run in paragraph.runs]


# --- the decks, built once ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory, databases):
    """The demo portfolio (read only here), its engine, and the decks the tests look at."""
    url = databases.demo(tmp_path_factory.mktemp("qbr"))
    engine = db.get_engine(url)
    with Session(engine) as session:
        ids = {
            name: session.scalar(select(Account.id).where(Account.name == name)) for name in (RICH, WITH_OVERDUE_ACTION)
        }
        decks = {
            "en": build_qbr(session, ids[RICH], TODAY),
            "fr": build_qbr(session, ids[RICH], TODAY, language="fr"),
            "customer": build_qbr(session, ids[RICH], TODAY, internal=False),
            "overdue": build_qbr(session, ids[WITH_OVERDUE_ACTION], TODAY),
        }
    yield {"url": url, "ids": ids, "decks": decks}
    db.dispose_all()
    databases.drop(url)


def _session(demo) -> Session:
    return Session(db.get_engine(demo["url"]))


# --- the whole deck -----------------------------------------------------------------------------------


def test_the_pack_names_its_account_its_slides_and_its_file(demo):
    pack = demo["decks"]["en"]
    assert pack.account_name == RICH
    assert _sections(pack.slides) == _titles(INTERNAL_KEYS, "en")
    assert pack.filename == "QBR-aerivon-aerostructures-2026-Q4-internal.pptx"
    assert demo["decks"]["customer"].filename == "QBR-aerivon-aerostructures-2026-Q4.pptx"
    assert pack.data[:2] == b"PK"  # a zip, as every .pptx


def test_the_deck_has_the_slides_in_order_16_by_9(demo):
    deck = _open(demo["decks"]["en"])
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    assert _sections(slide.shapes.title.text for slide in deck.slides) == _titles(INTERNAL_KEYS, "en")


@pytest.mark.parametrize("which", ["en", "fr", "customer", "overdue"])
def test_no_slide_has_an_empty_placeholder_text_frame_or_cell(demo, which):
    for number, slide in enumerate(_open(demo["decks"][which]).slides, start=1):
        for placeholder in slide.placeholders:
            assert placeholder.text_frame.text.strip(), (number, placeholder.name)
        for shape in slide.shapes:
            for text in _shape_texts(shape):
                assert text.strip(), (number, shape.name)


@pytest.mark.parametrize("which", ["en", "fr", "customer", "overdue"])
def test_every_shape_stays_on_the_slide_with_type_readable_in_a_room(demo, which):
    deck = _open(demo["decks"][which])
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (number, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (number, shape.name)
            for run in _runs(shape):
                if not run.text.strip():
                    continue
                if shape == slide.shapes.title:
                    assert run.font.size.pt >= 28, (number, run.text)
                elif shape.top < FOOTER_TOP:  # stepped down to fit, never below MIN_PT
                    assert run.font.size.pt >= MIN_PT, (number, run.text)
        for table in _tables(slide):
            assert len(table.rows) - 1 <= MAX_ROWS, number


def test_every_slide_has_the_footer_and_its_page_number(demo):
    deck = _open(demo["decks"]["en"])
    total = len(deck.slides)
    for page, slide in enumerate(deck.slides, start=1):
        footer = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.top >= FOOTER_TOP]
        assert translate("qbr.footer_internal", "en", account=RICH, period="Q4 2026") in footer
        assert f"{page} / {total}" in footer
    customer = _open(demo["decks"]["customer"]).slides[1]
    assert translate("qbr.footer", "en", account=RICH, period="Q4 2026") in _texts(customer)


@pytest.mark.parametrize("which", ["en", "fr", "customer", "overdue"])
def test_the_quarter_is_written_for_a_reader_never_as_its_code(demo, which):
    """The stored period '2026-Q4' reads 'Q4 2026' (English) or 'T4 2026' (French) on the cover and
    in every footer; only the file's name keeps the code."""
    deck = _open(demo["decks"][which])
    shown = "T4 2026" if which == "fr" else "Q4 2026"
    assert shown in _texts(deck.slides[0])
    for number, slide in enumerate(deck.slides, start=1):
        text = _texts(slide)
        assert not re.search(r"\b20\d\d-Q[1-4]\b", text), number  # nor an earlier quarter's
        assert shown in text, number  # the footer


# --- slide by slide -----------------------------------------------------------------------------------


def test_the_title_slide_names_the_account_the_quarter_and_the_signatory(demo):
    slide = _open(demo["decks"]["en"]).slides[0]
    text = _texts(slide)
    assert RICH in text
    assert "Q4 2026" in text and "26\u00a0Nov\u00a02026" in text  # a date's parts never break apart
    with _session(demo) as session:
        signatory = read_handshake(session, demo["ids"][RICH]).signatory
    assert signatory and signatory in text
    assert translate("qbr.internal_note", "en") in text
    assert translate("qbr.internal_note", "en") not in _texts(_open(demo["decks"]["customer"]).slides[0])


def test_the_key_figures_show_the_revenue_of_the_last_closed_year_and_a_chart(demo):
    with _session(demo) as session:
        currency = session.get(Programme, 1).currency
        revenue = session.scalar(
            select(AccountYear.revenue).where(
                AccountYear.account_id == demo["ids"][RICH], AccountYear.year == TODAY.year - 1
            )
        )
    slide = _slide(_open(demo["decks"]["en"]), translate("section.key_figures", "en"))
    text = _texts(slide)
    assert translate("overview.revenue", "en", year=TODAY.year - 1) in text
    assert money(revenue, currency, "en") in text.splitlines()
    assert translate("overview.margin", "en") in text
    assert not _pictures(slide)  # the chart is native: tests/unit/test_deck_charts.py
    assert len([shape for shape in slide.shapes if shape.has_chart]) == 1


def _png_of(picture) -> tuple[int, int]:
    assert picture.image.content_type == "image/png"
    return picture.image.size


def test_the_matrix_slide_holds_a_sharp_png(demo):  # the KPI charts are native: tests/unit/test_deck_charts.py
    slide = _slide(_open(demo["decks"]["en"]), translate("qbr.slide.portfolio", "en"))
    pictures = _pictures(slide)
    assert len(pictures) == 1
    width, height = _png_of(pictures[0])
    assert width >= 800 and height >= 600  # rendered at twice the size, sharp on a projector
    assert pictures[0].width >= Emu(4 * 914400)  # at least 4 inches wide on the slide


def test_the_matrix_slide_gives_the_segment_and_its_posture(demo):
    slide = _slide(_open(demo["decks"]["en"]), translate("qbr.slide.portfolio", "en"))
    text = _texts(slide)
    assert translate("enum.segment.strategic", "en") in text
    assert translate("posture.strategic", "en") in text


def test_the_priorities_slide_lists_the_top_priority(demo):
    with _session(demo) as session:
        top = session.scalars(
            select(Priority.title).where(Priority.account_id == demo["ids"][RICH]).order_by(Priority.rank)
        ).first()
    slide = _slide(_open(demo["decks"]["en"]), translate("qbr.slide.priorities", "en"))
    rows = _rows(_tables(slide)[0])
    assert rows[1][0] == "1" and rows[1][1] == top


def test_the_buying_centre_rows_are_stakeholders_of_the_account(demo):
    with _session(demo) as session:
        names = set(session.scalars(select(Stakeholder.name).where(Stakeholder.account_id == demo["ids"][RICH])))
    slides = _section(_open(demo["decks"]["en"]), translate("section.buying_centre", "en"))
    shown = []
    for slide in slides:  # every stakeholder, on as many slides as they need, the header on each
        rows = _rows(_tables(slide)[0])
        assert rows[0] == [
            translate(f"col.stakeholders.{name}", "en") for name in ("name", "title", "role", "influence", "attitude")
        ]
        assert len(rows) - 1 <= MAX_ROWS
        shown += [row[0] for row in rows[1:]]
    assert sorted(shown) == sorted(names)
    assert len(slides) == 1 or len(names) > MAX_ROWS


def test_the_white_space_slide_shows_the_open_total(demo):
    slides = _section(_open(demo["decks"]["en"]), translate("section.white_space", "en"))
    text = "\n".join(_texts(slide) for slide in slides)
    assert re.search(
        re.escape(translate("qbr.open_total", "en", count=999, value="X")).replace("999", r"\d+").replace("X", ".+"),
        text,
    )
    assert translate("qbr.ws.competitor", "en") in text  # the internal deck shows what competitors hold


def test_the_handshake_slide_shows_the_stage_and_the_joint_objectives(demo):
    slide = _slide(_open(demo["decks"]["en"]), translate("qbr.slide.handshake", "en"))
    text = _texts(slide)
    assert translate("enum.stage.in_review", "en") in text
    header = _rows(_tables(slide)[0])[0]
    assert translate("qbr.latest_reading", "en") in header


def test_the_action_slide_shows_an_overdue_action_first_in_red(demo):
    with _session(demo) as session:
        overdue = session.scalars(
            select(Action.title)
            .where(
                Action.account_id == demo["ids"][WITH_OVERDUE_ACTION],
                Action.status.not_in(CLOSED_ACTION_STATUSES),
                Action.due_date < TODAY,
            )
            .order_by(Action.due_date)
        ).first()
    assert overdue, "the demo account should have an overdue action"
    slide = _slide(_open(demo["decks"]["overdue"]), translate("qbr.slide.actions", "en"))
    rows = _rows(_tables(slide)[0])
    assert len(rows) - 1 <= MAX_ROWS
    row = next(row for row in rows if row[1] == overdue)
    assert row[0] == translate("enum.follow_up.action", "en") and row[4] == translate("rag.red", "en")
    assert translate("handshake.next_review", "en") in _texts(slide)


# --- the customer-facing cut and French ---------------------------------------------------------------


def test_the_customer_deck_leaves_the_internal_parts_out(demo):
    pack = demo["decks"]["customer"]
    deck = _open(pack)
    assert _sections(pack.slides) == _titles(CUSTOMER_KEYS, "en")
    assert [slide.shapes.title.text for slide in deck.slides] == list(pack.slides)
    everything = "\n".join(_texts(slide) for slide in deck.slides)
    assert translate("qbr.slide.portfolio", "en") not in everything
    contacts = _rows(_tables(_slide(deck, translate("qbr.slide.contacts", "en")))[0])
    assert contacts[0] == [translate(f"col.stakeholders.{name}", "en") for name in ("name", "title", "unit")]
    for word in (
        translate("col.stakeholders.attitude", "en"),
        translate("overview.margin", "en"),
        translate("qbr.ws.competitor", "en"),
        translate("enum.attitude.2", "en"),
    ):
        assert word not in everything, word
    steps = _tables(_slide(deck, translate("qbr.slide.next_steps", "en")))
    kinds = {row[0] for table in steps for row in _rows(table)[1:]}
    assert translate("enum.follow_up.action", "en") not in kinds


def test_the_french_deck_is_in_french(demo):
    pack = demo["decks"]["fr"]
    deck = _open(pack)
    assert _sections((slide.shapes.title.text for slide in deck.slides), "fr") == _titles(INTERNAL_KEYS, "fr")
    assert pack.slides[0] == "Revue d'affaires trimestrielle"
    assert "Chiffres clés" in pack.slides and "Centre de décision" in pack.slides
    everything = "\n".join(_texts(slide) for slide in deck.slides)
    assert "Confidentiel" in everything and "26\u00a0nov.\u00a02026" in everything
    assert translate("col.stakeholders.attitude", "fr") in everything
    lines = {line.strip() for line in everything.splitlines()}  # the demo's own texts are in English: whole lines only
    for english in _titles(INTERNAL_KEYS, "en") + ["Overdue", "Share of wallet", "Revenue by year", "Name", "Due"]:
        assert english not in lines, english
    assert "Confidential" not in everything
    headers = [cell for slide in deck.slides for table in _tables(slide) for cell in _rows(table)[0]]
    assert translate("col.stakeholders.role", "fr") in headers and "Buying role" not in headers
    with _session(demo) as session:
        revenue = session.scalar(
            select(AccountYear.revenue).where(
                AccountYear.account_id == demo["ids"][RICH], AccountYear.year == TODAY.year - 1
            )
        )
    assert money(revenue, "EUR", "fr") in everything  # "17,8 M€"
    assert pack.filename.endswith("-interne.pptx")


# --- edges --------------------------------------------------------------------------------------------


def test_an_account_with_almost_no_data_still_gets_a_clean_deck(demo_engine):
    account_id = create_account(demo_engine, {"name": "Bare Néant SAS", "sector": "Energy", "status": "active"})
    with Session(demo_engine) as session:
        pack = build_qbr(session, account_id, TODAY)
        customer = build_qbr(session, account_id, TODAY, language="fr", internal=False)
    deck = _open(pack)
    assert list(pack.slides) == _titles(INTERNAL_KEYS, "en")
    assert [slide.shapes.title.text for slide in deck.slides] == list(pack.slides)
    everything = "\n".join(_texts(slide) for slide in deck.slides)
    for key in (
        "qbr.no_revenue_yet",
        "overview.not_scored",
        "qbr.no_priorities",
        "qbr.no_stakeholders",
        "qbr.no_white_space",
        "overview.no_handshake",
        "qbr.no_pairings",
        "qbr.no_follow_ups",
        "overview.no_engagements",
    ):
        assert translate(key, "en") in everything, key
    assert not any(_pictures(slide) or _tables(slide) for slide in deck.slides)
    for slide in deck.slides:
        for shape in slide.shapes:
            for text in _shape_texts(shape):
                assert text.strip()
    assert customer.filename == "QBR-bare-neant-sas-2026-Q4.pptx"
    assert translate("qbr.customer.no_commitments", "fr") in "\n".join(
        _texts(slide) for slide in _open(customer).slides
    )


def test_an_unknown_account_is_not_found(demo_engine):
    with Session(demo_engine) as session, pytest.raises(NotFoundError):
        build_qbr(session, 999_999, TODAY)


# --- what the module relies on ------------------------------------------------------------------------


def test_every_catalog_key_the_pack_names_exists_in_both_languages():
    source = "".join(
        (ROOT / "kam_core" / "documents" / name).read_text(encoding="utf-8") for name in ("qbr.py", "qbr_layout.py")
    )
    keys = set(re.findall(r"""translate\(\s*"([a-z0-9_.]+)\"""", source))
    keys |= set(
        re.findall(r'"((?:qbr|overview|brief|section|canvas|handshake|col|page|matrix|posture)\.[a-z0-9_.]+)"', source)
    )
    keys |= {f"qbr.ws.{status}" for status in ("sold", "open", "competitor", "not_relevant")}
    assert len(keys) > 40
    for language in ("en", "fr"):
        missing = sorted(key for key in keys if key not in catalog(language))
        assert not missing, (language, missing)


# --- what the customer never sees ---------------------------------------------------------------------

ROLES = ("decision_maker", "approver", "buyer", "gatekeeper", "champion", "influencer", "user")


def _cells_and_lines(deck) -> set[str]:
    """Every table cell, and every line of every text, whole."""
    return {
        line.strip()
        for slide in deck.slides
        for shape in slide.shapes
        for text in _shape_texts(shape)
        for line in [text, *text.splitlines()]
    }


def _internal_marks(pack: QbrPack, language: str = "en") -> dict[str, bool]:
    """Which pieces of internal information ``pack`` shows."""
    deck = _open(pack)
    everything = "\n".join(_texts(slide) for slide in deck.slides)
    whole = _cells_and_lines(deck)
    figures = _texts(_slide(deck, translate("section.key_figures", language)))
    white_space = next(
        _texts(slide)
        for slide in deck.slides
        if slide.shapes.title.text
        in (translate("section.white_space", language), translate("qbr.slide.white_space", language))
    )
    every = re.escape(translate("executives.every", language, days=999)).replace("999", r"\d+")
    total = re.escape(translate("qbr.open_total", language, count=999, value="X")).replace("999", r"\d+")
    return {
        "share of wallet": translate("overview.share_of_wallet", language) in figures,
        "potential": translate("overview.potential", language) in figures,
        "roles": any(translate(f"enum.role.{role}", language) in whole for role in ROLES),
        "cadence": bool(re.search(every, everything)) or translate("qbr.cadence", language) in whole,
        "never met": translate("canvas.tooltip.never", language) in whole
        or translate("qbr.last_met", language) in whole,
        "open total": bool(re.search(total.replace("X", ".+"), everything)),
        "values on the white space": "€" in white_space,
        "competitors": translate("qbr.ws.competitor", language) in whole,
        "Handshake": "Handshake" in everything,
    }


def test_the_customer_deck_shows_no_internal_view_and_the_internal_deck_does(demo):
    with _session(demo) as session:
        account = session.get(Account, demo["ids"][RICH])
        currency = session.get(Programme, 1).currency
        potential = money(account.potential_3y, currency, "en")
    customer = _internal_marks(demo["decks"]["customer"])
    assert not any(customer.values()), customer
    internal = _internal_marks(demo["decks"]["en"])
    assert all(value for name, value in internal.items() if name != "Handshake"), internal
    figures = _texts(_slide(_open(demo["decks"]["customer"]), translate("section.key_figures", "en")))
    assert potential not in figures
    assert translate("overview.revenue", "en", year=TODAY.year - 1) in figures
    assert translate("qbr.growth", "en", year=TODAY.year - 2) in figures
    executives = _rows(_tables(_slide(_open(demo["decks"]["customer"]), translate("page.executives", "en")))[0])
    assert executives[0] == [translate("qbr.our_executive", "en"), translate("qbr.your_executive", "en")]
    white_space = _texts(_slide(_open(demo["decks"]["customer"]), translate("qbr.slide.white_space", "en")))
    assert translate("qbr.ws_customer.sold", "en") in white_space


def test_an_empty_customer_deck_speaks_to_the_customer(demo_engine):
    account_id = create_account(demo_engine, {"name": "Vide Total SA", "sector": "Energy", "status": "active"})
    with Session(demo_engine) as session:
        decks = {
            language: build_qbr(session, account_id, TODAY, language=language, internal=False)
            for language in ("en", "fr")
        }
    for language, pack in decks.items():
        everything = "\n".join(_texts(slide) for slide in _open(pack).slides)
        assert translate("qbr.no_joint_plan", language) in everything
        assert "handshake" not in everything.lower()


# --- nothing is drawn over a table --------------------------------------------------------------------


def _cell_of(cell) -> _Cell:
    runs = [run for paragraph in cell.text_frame.paragraphs for run in paragraph.runs]
    return _Cell(
        "\n".join(paragraph.text for paragraph in cell.text_frame.paragraphs), bold=bool(runs and runs[0].font.bold)
    ), (runs[0].font.size.pt if runs else TABLE_PT)


def _assert_no_overlap(pack: QbrPack) -> None:
    """Each table row is at least as high as the estimated lines of its cells need, and no text box
    below a table's top starts above the table's bottom where it shares the table's width."""
    inch = 914400
    for number, slide in enumerate(_open(pack).slides, start=1):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            widths = [column.width / inch for column in table.columns]
            for row in table.rows:
                cells = [_cell_of(cell) for cell in row.cells]
                needed = _measured_row_height(
                    [cell for cell, _ in cells], widths, 0, size=max(size for _, size in cells)
                )
                assert row.height / inch >= needed - 1e-3, (number, [cell.text for cell in row.cells])
            bottom = shape.top + sum(row.height for row in table.rows)
            assert bottom <= FOOTER_TOP, number
            for other in slide.shapes:
                if (
                    other.shape_id == shape.shape_id
                    or other == slide.shapes.title
                    or not (other.has_text_frame or other.has_table)
                ):
                    continue
                across = other.left < shape.left + shape.width and shape.left < other.left + other.width
                if across and other.top >= shape.top:
                    assert other.top >= bottom, (number, other.name, _shape_texts(other))


@pytest.mark.parametrize("which", ["en", "fr", "customer", "overdue"])
def test_notes_and_status_lines_sit_below_the_tables(demo, which):
    _assert_no_overlap(demo["decks"][which])


def test_a_french_deck_with_long_job_titles_keeps_every_row_and_its_notes_below_the_table(demo_engine):
    """Was: the rows that did not fit were left out and counted in "et N de plus". Now every row is
    shown, whole, on as many slides as needed, and the status line still sits below the table."""
    account_id = create_account(demo_engine, {"name": "Titres Longs SA", "sector": "Energy", "status": "active"})
    title = "Directrice adjointe des achats stratégiques et de la performance fournisseurs Europe"
    with Session(demo_engine) as session:
        for index in range(MAX_ROWS + 4):
            session.add(
                StakeholderRow(
                    account_id=account_id,
                    name=f"Marie-Hélène Dupont-Lefebvre {index}",
                    title=title,
                    unit="Direction industrielle et technique groupe",
                    role="decision_maker",
                    influence=5 - index % 5,
                )
            )
        session.commit()
        packs = [build_qbr(session, account_id, TODAY, language="fr", internal=internal) for internal in (True, False)]
    for pack, internal in zip(packs, (True, False)):
        _assert_no_overlap(pack)
        deck = _open(pack)
        heading = translate("section.buying_centre" if internal else "qbr.slide.contacts", "fr")
        slides = _section(deck, heading, "fr")
        assert len(slides) >= 2
        tables = [next(shape for shape in slide.shapes if shape.has_table).table for slide in slides]
        assert sum(len(table.rows) - 1 for table in tables) == MAX_ROWS + 4
        assert all(0 < len(table.rows) - 1 <= MAX_ROWS for table in tables)
        assert any(cell.text == title for table in tables for row in table.rows for cell in row.cells)
        everything = "\n".join(_texts(slide) for slide in deck.slides)
        assert "…" not in everything and not re.search(r"et \d+ de plus", everything)
    assert TABLE_PT >= 16


# --- one account's pack does not depend on the size of the portfolio -----------------------------------


def _add_unrelated_accounts(engine, count: int, seed: int = 11) -> None:
    """``count`` accounts fully scored in the current quarter with a revenue, and one archived, none
    with anything else: accounts the deck of another account only shows as grey bubbles."""
    import random

    from kam_core.common.text import fold_name
    from kam_core.store.models import Criterion, Score

    rng = random.Random(seed)
    with Session(engine) as session:
        programme = session.get(Programme, 1)
        criteria = session.scalars(select(Criterion.id).where(Criterion.active)).all()
        for index in range(count + 1):
            name = f"Unrelated Holding {index:04d}"
            account = Account(
                name=name, name_key=fold_name(name), sector="Energy", status="archived" if index == count else "active"
            )
            session.add(account)
            session.flush()
            session.add(AccountYear(account_id=account.id, year=TODAY.year - 1, revenue=rng.randint(0, 90) * 100_000.0))
            session.add_all(
                [
                    Score(
                        account_id=account.id,
                        criterion_id=criterion,
                        period=programme.current_period,
                        value=float(rng.randint(0, 10)),
                    )
                    for criterion in criteria
                ]
            )
        session.commit()


def _deck_texts(pack: QbrPack) -> list[str]:
    return [_texts(slide) for slide in _open(pack).slides]


def test_the_pack_of_one_account_keeps_its_figures_when_many_unrelated_accounts_are_added(demo_engine):
    from kam_core.documents.qbr import MAX_OTHER_BUBBLES

    with Session(demo_engine) as session:
        rich = session.scalar(select(Account.id).where(Account.name == RICH))
        before = {language: build_qbr(session, rich, TODAY, language=language) for language in ("en", "fr")}
        customer_before = build_qbr(session, rich, TODAY, internal=False)
    _add_unrelated_accounts(demo_engine, MAX_OTHER_BUBBLES + 100)  # enough to bin the other bubbles
    with Session(demo_engine) as session:
        after = {language: build_qbr(session, rich, TODAY, language=language) for language in ("en", "fr")}
        customer_after = build_qbr(session, rich, TODAY, internal=False)
    for language in ("en", "fr"):
        assert after[language].slides == before[language].slides
        assert _deck_texts(after[language]) == _deck_texts(before[language])  # every figure, table and note
        matrix = _slide(_open(after[language]), translate("qbr.slide.portfolio", language))
        assert len(_pictures(matrix)) == 1
    assert customer_after.slides == customer_before.slides
    assert _deck_texts(customer_after) == _deck_texts(customer_before)


def test_the_scoped_reads_agree_with_the_portfolio_functions(demo_engine):
    """What the pack reads about one account and the portfolio around it is what the account table,
    the segments and the matrix table say, for every account."""
    import math

    from kam_core.documents.qbr_scope import account_figures, axis_positions, binned_others, matrix_others
    from kam_core.portfolio.matrix import matrix_table
    from kam_core.portfolio.overview import account_table, reference_year
    from kam_core.portfolio.segmentation import Thresholds, load_programme, segments

    _add_unrelated_accounts(demo_engine, 60)
    with Session(demo_engine) as session:
        archived = session.scalar(select(Account).where(Account.name == "Unrelated Holding 0060"))
        assert archived.status == "archived"
        programme = load_programme(session)
        period, year = programme.current_period, reference_year(TODAY)
        thresholds = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
        table = account_table(session, TODAY)
        current = segments(session, period, thresholds)
        points = matrix_table(table, current)
        placed = current[current["attractiveness"].notna() & current["strength"].notna()]
        assert axis_positions(session, period) == {
            int(row.account_id): (row.attractiveness, row.strength) for row in placed.itertuples()
        }
        for row in table.itertuples():
            figures = account_figures(session, row.account_id, year)
            assert figures.revenue_year == row.revenue_year
            for name in ("revenue", "growth_pct", "share_of_wallet_pct"):
                expected = getattr(row, name)
                assert getattr(figures, name) == (None if math.isnan(expected) else expected), (row.name, name)
        one = int(placed["account_id"].iloc[0])
        others = points[points["scored"] & (points["account_id"] != one)]
        read = matrix_others(session, period, year, one)
        assert read["account_id"].tolist() == others["account_id"].tolist()  # the account table's order
        assert read["attractiveness"].tolist() == others["attractiveness"].tolist()
        assert read["strength"].tolist() == others["strength"].tolist()
        assert read["revenue"].fillna(-1).tolist() == others["revenue"].fillna(-1).tolist()
        assert archived.id not in set(read["account_id"])
        bins, count = binned_others(session, period, year, one, 0.5)
    assert count == len(others) == int(bins["accounts"].sum())
    assert len(bins) <= 400 and (bins["account_id"] < 0).all()
    assert bins["revenue"].max() == others["revenue"].max()  # the size scale of the matrix is unchanged
    assert bins["attractiveness"].between(others["attractiveness"].min(), others["attractiveness"].max()).all()


@pytest.mark.parametrize("which", ["en", "fr", "customer"])
def test_the_file_says_who_prepared_it_and_when_and_every_picture_has_alt_text(demo, which):
    """Not python-pptx's template ("Steve Canny", 2013, "generated using python-pptx", "image.png"):
    the KAM, the day the deck was built for (not the clock), a description and keywords."""
    deck = _open(demo["decks"][which])
    properties = deck.core_properties
    assert properties.author and properties.author == properties.last_modified_by
    assert "Canny" not in properties.author
    assert properties.created.date() == properties.modified.date() == TODAY
    assert properties.revision == 1
    assert "python-pptx" not in (properties.comments or "") and properties.comments
    assert RICH in properties.keywords
    for number, slide in enumerate(deck.slides, start=1):
        for picture in _pictures(slide):
            description = picture._element._nvXxPr.cNvPr.get("descr")
            assert description and description != "image.png", number


def _legends(spec) -> list[dict]:
    """Every legend of a Vega-Lite spec (as a dict), wherever it sits."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "legend" and isinstance(value, dict):
                found.append(value)
            else:
                found += _legends(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _legends(value)
    return found


def test_the_matrix_pictures_legend_never_cuts_a_name(demo, monkeypatch):
    """Vega cuts a legend entry past 160 px with "…" ("Aerivon Aerostructu…"): the deck's matrix
    draws every legend entry whole."""
    import kam_core.documents.qbr as qbr

    built = []

    def keep(*args, **kwargs):
        chart = matrix_chart(*args, **kwargs)
        built.append(chart)
        return chart

    monkeypatch.setattr(qbr, "matrix_chart", keep)
    with _session(demo) as session:
        build_qbr(session, demo["ids"][RICH], TODAY)
    (chart,) = built
    legends = [legend for legend in _legends(chart.to_dict()) if legend.get("orient") == "top"]  # the colours'
    assert legends
    for legend in legends:
        assert legend.get("labelLimit") == 0, legend


def test_a_customer_deck_whose_commitments_are_all_late_does_not_say_they_are_to_be_agreed(demo):
    """The demo's RICH account has commitments, all past their date: the customer's version leaves
    them out (both sides alike) and says they are reviewed together, not that none exists."""
    text = "\n".join(_texts(slide) for slide in _open(demo["decks"]["customer"]).slides)
    assert translate("qbr.customer.commitments_to_review", "en") in text
    assert translate("qbr.customer.no_commitments", "en") not in text
