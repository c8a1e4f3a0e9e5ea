"""The workshop's minutes as files: the Word document and the slide are opened again with
python-docx and python-pptx and read (names, segments and scores before → after, decisions and
reasons, actions sorted by due date, the room's vote spread, French in French), user text stays text,
and the slide's tables stay within the body by the rule stated in ``minutes_docs`` (at most
``MAX_ROWS`` accounts a slide, fewer when their estimated height would pass the body's bottom)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from pptx import Presentation
from pptx.util import Emu

from kam_core.documents.minutes import MinutesAction, ReviewedAccount, VoteSpread, WorkshopMinutes
from kam_core.documents.minutes_docs import (
    SLIDE_MAX_LINES,
    consolidated_actions,
    minutes_counts,
    minutes_docx,
    minutes_filename,
    minutes_frame,
    minutes_pptx,
    summary_line,
)
from kam_core.documents.qbr_layout import (
    BODY_BOTTOM,
    BOX_MARGIN_X,
    CONTENT_WIDTH,
    MAX_ROWS,
    TITLE_PT,
    _Cell,
    _cell_lines,
    _chars_per_line,
    _row_height,
    _wrap,
)
from kam_core.i18n import LANGUAGES, catalog, translate

HELD_ON = date(2026, 12, 7)
LONG_NAME = "Compagnie Générale des Établissements Industriels, Logistiques et Commerciaux du Grand Nord-Est Européen"
HOSTILE_NAME = "<b>Acme</b> **Corp** # [click](javascript:alert(1))"
HOSTILE_REASON = "`code` | pipe | <script>alert(1)</script> & _under_ *star* \\escaped"
HOSTILE_ACTION = "**Call** the <i>CFO</i> & [agree](http://x) | scope"


def _spread(criterion, axis, votes, low, median, high, outliers=(), committed=None) -> VoteSpread:
    return VoteSpread(criterion, axis, votes, low, median, high, tuple(outliers), committed)


def _workshop() -> WorkshopMinutes:
    """Five accounts: a change with votes and two actions, one without decision nor votes, a long
    name whose room did not vote (zero votes), hostile text, one not placed before the workshop."""
    return WorkshopMinutes(
        title="Q4 scoring workshop",
        held_on=HELD_ON,
        period="2026-Q4",
        facilitator="Claire Martin",
        participants=("Ann Lee", "Bob Diaz", "Chloé Durand"),
        accounts=(
            ReviewedAccount(
                name="Aerivon Aerostructures",
                segment_before="develop",
                segment_after="strategic",
                attractiveness_before=6.2,
                strength_before=4.4,
                attractiveness_after=7.5,
                strength_after=5.3,
                decision="changed",
                reason="Spend doubled; the board opened its door",
                actions=(
                    MinutesAction("Present the joint plan", "Ann Lee", date(2027, 2, 15)),
                    MinutesAction("Meet the CFO", "Bob Diaz", date(2027, 1, 10)),
                ),
                spreads=(
                    _spread("Size of spend", "attractiveness", 6, 5, 7.5, 9, ["Bob Diaz"], 7.5),
                    _spread("Share of wallet", "strength", 5, 3, 4, 8, ["Ann Lee", "Chloé Durand"], 4.0),
                ),
                minutes_spent=7.4,
            ),
            ReviewedAccount(
                name="Norrland Paper",
                segment_before="strategic",
                segment_after="strategic",
                attractiveness_before=8.0,
                strength_before=7.0,
                attractiveness_after=8.0,
                strength_after=7.0,
                decision="",
                reason="",
                actions=(MinutesAction("Book the QBR", "Chloé Durand", None),),
            ),
            ReviewedAccount(
                name=LONG_NAME,
                segment_before="maintain",
                segment_after="maintain",
                attractiveness_before=3.0,
                strength_before=6.0,
                attractiveness_after=3.5,
                strength_after=6.0,
                decision="confirmed",
                reason="Stable business",
                minutes_spent=0.3,
                spreads=(_spread("Growth", "attractiveness", 0, None, None, None),),
            ),
            ReviewedAccount(
                name=HOSTILE_NAME,
                segment_before="opportunistic",
                segment_after="develop",
                attractiveness_before=4.0,
                strength_before=3.0,
                attractiveness_after=6.0,
                strength_after=3.0,
                decision="changed",
                reason=HOSTILE_REASON,
                actions=(MinutesAction(HOSTILE_ACTION, "Ann & <Bob>", date(2027, 1, 10)),),
            ),
            ReviewedAccount(
                name="Brightwater Foods",
                segment_before=None,
                segment_after="maintain",
                attractiveness_before=None,
                strength_before=None,
                attractiveness_after=4.0,
                strength_after=5.5,
                decision="confirmed",
                reason="First scoring",
                actions=(MinutesAction("Name a sponsor", "Bob Diaz", date(2026, 12, 20)),),
            ),
        ),
    )


def _many(count: int, reason: str = "Agreed") -> WorkshopMinutes:
    accounts = tuple(
        ReviewedAccount(
            name=f"Account {index:02d}",
            segment_before="develop",
            segment_after="strategic" if index % 4 == 0 else "develop",
            attractiveness_before=5.0,
            strength_before=5.0,
            attractiveness_after=6.0,
            strength_after=5.0,
            decision="changed" if index % 4 == 0 else "confirmed",
            reason=reason,
            actions=tuple(MinutesAction(f"Step {n}", "Ann", date(2027, 1, 1 + n)) for n in range(index % 3)),
        )
        for index in range(1, count + 1)
    )
    return WorkshopMinutes("Big workshop", HELD_ON, "2026-Q4", "Claire Martin", ("Ann",), accounts)


# --- reading the files back -----------------------------------------------------------------------------


def _docx_blocks(data: bytes) -> list:
    """The body in order: ('p', style, text) for a paragraph, ('t', rows of cell texts) for a table."""
    document = Document(io.BytesIO(data))
    blocks = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            blocks.append(("p", paragraph.style.name, paragraph.text))
        elif tag == "tbl":
            blocks.append(("t", [[cell.text for cell in row.cells] for row in Table(child, document).rows]))
    return blocks


def _paragraphs(blocks) -> list[str]:
    return [block[2] for block in blocks if block[0] == "p"]


def _tables(blocks) -> list[list[list[str]]]:
    return [block[1] for block in blocks if block[0] == "t"]


def _section_of(blocks, name: str) -> list:
    """The blocks under the account's heading, up to the next heading."""
    start = next(i for i, block in enumerate(blocks) if block[0] == "p" and block[2] == name)
    end = next(
        (i for i in range(start + 1, len(blocks)) if blocks[i][0] == "p" and blocks[i][1].startswith("Heading")),
        len(blocks),
    )
    return blocks[start + 1 : end]


def _slides(data: bytes):
    return list(Presentation(io.BytesIO(data)).slides)


def _slide_tables(slide) -> list:
    return [shape for shape in slide.shapes if shape.has_table]


def _rows(data: bytes) -> list[list[str]]:
    """The body rows of every slide's table, in order."""
    return [
        [cell.text for cell in row.cells]
        for slide in _slides(data)
        for shape in _slide_tables(slide)
        for row in list(shape.table.rows)[1:]
    ]


def _label(key: str, language: str, text: str) -> str:
    return translate("brief.labelled", language).format(label=translate(key, language), text=text)


# --- the Word document ----------------------------------------------------------------------------------


def test_word_holds_the_workshop_the_accounts_and_the_votes_in_english():
    blocks = _docx_blocks(minutes_docx(_workshop(), "en"))
    text = _paragraphs(blocks)
    assert text[0] == "Workshop minutes — Q4 scoring workshop"
    assert "Date: 7 Dec 2026" in text
    assert "Period: Q4 2026" in text
    assert "Facilitator: Claire Martin" in text
    assert "Participants: Ann Lee, Bob Diaz, Chloé Durand" in text
    assert "5 accounts reviewed · 3 segment changes · 5 actions" in text
    # the segment changes first, one line each
    assert "Aerivon Aerostructures: Develop → Strategic" in text
    assert "Brightwater Foods: Not fully scored → Maintain" in text

    section = _section_of(blocks, "Aerivon Aerostructures")
    lines = _paragraphs(section)
    assert "Segment: Develop → Strategic" in lines
    assert "Attractiveness: 6.2 → 7.5" in lines
    assert "Our strength: 4.4 → 5.3" in lines
    assert "Decision: Segment changed" in lines
    assert "Reason: Spend doubled; the board opened its door" in lines
    assert "Time spent: 7 min" in lines
    actions, votes = _tables(section)
    assert actions == [
        ["Action", "Owner", "Due"],
        ["Present the joint plan", "Ann Lee", "15 Feb 2027"],
        ["Meet the CFO", "Bob Diaz", "10 Jan 2027"],
    ]
    assert votes == [
        ["Criterion", "Axis", "Votes", "Min", "Median", "Max", "Committed", "Far from the room"],
        ["Size of spend", "Attractiveness", "6", "5", "7.5", "9", "7.5", "Bob Diaz"],
        ["Share of wallet", "Our strength", "5", "3", "4", "8", "4", "Ann Lee, Chloé Durand"],
    ]


def test_word_says_when_there_is_no_decision_no_vote_or_no_earlier_place():
    blocks = _docx_blocks(minutes_docx(_workshop(), "en"))
    norrland = _paragraphs(_section_of(blocks, "Norrland Paper"))
    assert "Decision: No decision recorded" in norrland
    assert "Reason: –" in norrland
    assert "The room did not vote on this account." in norrland
    assert _tables(_section_of(blocks, "Norrland Paper")) == [
        [["Action", "Owner", "Due"], ["Book the QBR", "Chloé Durand", "–"]]
    ]
    long_one = _section_of(blocks, LONG_NAME)  # zero votes on its one criterion: no vote table
    assert "The room did not vote on this account." in _paragraphs(long_one)
    assert "No action." in _paragraphs(long_one)
    assert "Time spent: 1 min" in _paragraphs(long_one)  # a few seconds count as a minute
    assert not any(line.startswith("Time spent") for line in norrland)  # not measured: not said
    assert _tables(long_one) == []
    brightwater = _paragraphs(_section_of(blocks, "Brightwater Foods"))
    assert "Segment: Not fully scored → Maintain" in brightwater
    assert "Attractiveness: – → 4.0" in brightwater


def test_word_shows_scores_committed_without_votes_and_an_unknown_axis_as_a_dash():
    account = replace(
        _workshop().accounts[1],
        spreads=(
            _spread("Growth", "attractiveness", 0, None, None, None, committed=6.0),
            _spread("Old criterion", "", 0, None, None, None),  # neither votes nor a score: left out
            _spread("Removed criterion", "", 2, 4, 5, 6, committed=5),
        ),
    )
    minutes = replace(_workshop(), accounts=(account,))
    section = _section_of(_docx_blocks(minutes_docx(minutes, "en")), "Norrland Paper")
    assert "The room did not vote on this account." not in _paragraphs(section)
    assert _tables(section)[1][1:] == [
        ["Growth", "Attractiveness", "0", "–", "–", "–", "6", "–"],
        ["Removed criterion", "–", "2", "4", "5", "6", "5", "–"],
    ]
    account = replace(account, spreads=account.spreads[:2])
    section = _section_of(_docx_blocks(minutes_docx(replace(minutes, accounts=(account,)), "en")), "Norrland Paper")
    assert "The room did not vote on this account." in _paragraphs(section)
    assert _tables(section)[1][1:] == [["Growth", "Attractiveness", "0", "–", "–", "–", "6", "–"]]


def test_word_lists_every_action_by_due_date_undated_last():
    blocks = _docx_blocks(minutes_docx(_workshop(), "en"))
    assert _tables(blocks)[-1] == [
        ["Account", "Action", "Owner", "Due"],
        ["Brightwater Foods", "Name a sponsor", "Bob Diaz", "20 Dec 2026"],
        ["Aerivon Aerostructures", "Meet the CFO", "Bob Diaz", "10 Jan 2027"],
        [HOSTILE_NAME, HOSTILE_ACTION, "Ann & <Bob>", "10 Jan 2027"],  # same day: the minutes' order
        ["Aerivon Aerostructures", "Present the joint plan", "Ann Lee", "15 Feb 2027"],
        ["Norrland Paper", "Book the QBR", "Chloé Durand", "–"],
    ]


def test_word_in_french_speaks_french():
    blocks = _docx_blocks(minutes_docx(_workshop(), "fr"))
    text = _paragraphs(blocks)
    assert text[0] == "Compte rendu d'atelier — Q4 scoring workshop"
    assert "Date : 7 déc. 2026" in text
    assert "Période : T4 2026" in text
    assert "Animation : Claire Martin" in text
    assert "5 comptes revus · 3 changements de segment · 5 actions" in text
    assert "Synthèse" in text and "Comptes revus" in text and "Toutes les actions, par échéance" in text
    section = _section_of(blocks, "Aerivon Aerostructures")
    lines = _paragraphs(section)
    assert "Segment : À développer → Stratégique" in lines
    assert "Attractivité : 6,2 → 7,5" in lines
    assert "Décision : Segment modifié" in lines
    assert "Motif : Spend doubled; the board opened its door" in lines
    assert "Temps passé : 7 min" in lines
    actions, votes = _tables(section)
    assert actions[0] == ["Action", "Responsable", "Échéance"]
    assert actions[2] == ["Meet the CFO", "Bob Diaz", "10 janv. 2027"]
    assert votes[0] == ["Critère", "Axe", "Votes", "Min", "Médiane", "Max", "Note retenue", "Votes atypiques"]
    assert votes[1] == ["Size of spend", "Attractivité", "6", "5", "7,5", "9", "7,5", "Bob Diaz"]
    norrland = _paragraphs(_section_of(blocks, "Norrland Paper"))
    assert "Décision : Aucune décision enregistrée" in norrland
    assert "La salle n'a pas voté sur ce compte." in norrland
    assert "Segment : Opportuniste → À développer" in _paragraphs(_section_of(blocks, HOSTILE_NAME))
    assert _tables(blocks)[-1][0] == ["Compte", "Action", "Responsable", "Échéance"]


def test_word_keeps_user_text_as_typed():
    blocks = _docx_blocks(minutes_docx(_workshop(), "en"))
    assert ("p", "Heading 3", HOSTILE_NAME) in blocks
    section = _section_of(blocks, HOSTILE_NAME)
    assert f"Reason: {HOSTILE_REASON}" in _paragraphs(section)
    assert _tables(section)[0][1] == [HOSTILE_ACTION, "Ann & <Bob>", "10 Jan 2027"]


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    account = _workshop().accounts[0]
    broken = WorkshopMinutes(
        "Bell\x07 workshop",
        HELD_ON,
        "2026-Q4",
        "Claire\x00",
        ("Ann\x0b",),
        (replace(account, name="Acme\x1b Corp", reason="a\x0cb"),),
    )
    blocks = _docx_blocks(minutes_docx(broken, "en"))
    assert ("p", "Heading 3", "Acme Corp") in blocks
    assert "Reason: ab" in _paragraphs(blocks)
    assert _rows(minutes_pptx(broken, "en"))[0][0] == "Acme Corp"


def test_an_empty_workshop_still_gives_both_files():
    empty = WorkshopMinutes("Nothing reviewed", HELD_ON, "2026-Q4", "", ())
    text = _paragraphs(_docx_blocks(minutes_docx(empty, "fr")))
    assert "0 compte revu · 0 changement de segment · 0 action" in text
    assert "Animation : –" in text and "Participants : –" in text
    assert text.count("Aucun compte n'a été revu.") == 1
    slides = _slides(minutes_pptx(empty, "fr"))
    assert len(slides) == 1
    texts = [shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame]
    assert "Aucun compte n'a été revu." in texts
    assert not _slide_tables(slides[0])


# --- the slide ------------------------------------------------------------------------------------------


def test_the_slide_shows_the_accounts_their_segments_and_decisions():
    data = minutes_pptx(_workshop(), "en")
    slides = _slides(data)
    assert len(slides) == 1
    presentation = Presentation(io.BytesIO(data))
    assert (presentation.slide_width, presentation.slide_height) == (Emu(12192000), Emu(6858000))  # 16:9
    assert slides[0].shapes.title.text_frame.text == "Workshop minutes — Q4 scoring workshop"
    texts = [shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame]
    assert (
        "7 Dec 2026 · Q4 2026 · Facilitated by Claire Martin\n5 accounts reviewed · 3 segment changes · 5 actions"
        in (texts)
    )
    header = [cell.text for cell in _slide_tables(slides[0])[0].table.rows[0].cells]
    assert header == ["Account", "Segment before → after", "Decision and reason", "Actions"]
    rows = _rows(data)
    assert rows[0] == [
        "Aerivon Aerostructures",
        "Develop → Strategic",
        "Changed — Spend doubled; the board opened its door",
        "2",
    ]
    assert rows[1] == ["Norrland Paper", "Strategic → Strategic", "No decision", "1"]
    assert rows[2][0].endswith("…") and LONG_NAME.startswith(rows[2][0][:-1])  # cut to two lines
    assert rows[3][0] == "<b>Acme</b> **Corp** #…"  # as typed, cut at a word to two lines
    assert rows[3][2].startswith("Changed — `code` | pipe | <script>alert(1)</script>")
    assert rows[4][1] == "Not fully scored → Maintain"


def test_the_slide_sets_a_changed_segment_apart():
    slide = _slides(minutes_pptx(_workshop(), "en"))[0]
    table = _slide_tables(slide)[0].table
    changed = table.cell(1, 1).text_frame.paragraphs[0].runs[0].font
    kept = table.cell(2, 1).text_frame.paragraphs[0].runs[0].font
    assert changed.bold and str(changed.color.rgb) == "0B4F8A"
    assert not kept.bold


def test_the_slide_in_french():
    data = minutes_pptx(_workshop(), "fr")
    slide = _slides(data)[0]
    assert slide.shapes.title.text_frame.text == "Compte rendu d'atelier — Q4 scoring workshop"
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert any(text.startswith("7 déc. 2026 · T4 2026 · Animé par Claire Martin\n5 comptes revus") for text in texts)
    header = [cell.text for cell in _slide_tables(slide)[0].table.rows[0].cells]
    assert header == ["Compte", "Segment avant → après", "Décision et motif", "Actions"]
    rows = _rows(data)
    assert rows[0][1:3] == ["À développer → Stratégique", "Modifié — Spend doubled; the board opened its door"]
    assert rows[1][2] == "Sans décision"
    assert rows[2][2] == "Confirmé — Stable business"
    assert rows[4][1] == "Notation incomplète → À maintenir"


@pytest.mark.parametrize("language", LANGUAGES)
def test_fifteen_accounts_continue_on_a_second_slide(language):
    data = minutes_pptx(_many(15), language)
    slides = _slides(data)
    assert len(slides) == 2
    assert [len(_slide_tables(slide)[0].table.rows) - 1 for slide in slides] == [MAX_ROWS, 15 - MAX_ROWS]
    assert [row[0] for row in _rows(data)] == [f"Account {index:02d}" for index in range(1, 16)]
    continued = translate("minutes.continued", language, title=translate("minutes.heading", language))
    assert slides[1].shapes.title.text_frame.text == continued
    footers = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame][-1] for slide in slides]
    assert footers == ["1 / 2", "2 / 2"]


def test_eight_accounts_take_one_slide():
    assert len(_slides(minutes_pptx(_many(MAX_ROWS), "en"))) == 1


def test_long_reasons_take_more_slides_and_every_account_is_kept():
    reason = "The customer reorganised its purchasing around three regional hubs and asked us for a joint plan " * 3
    data = minutes_pptx(_many(15, reason), "fr")
    slides = _slides(data)
    assert len(slides) > 2  # two-line rows: fewer than MAX_ROWS a slide
    assert [row[0] for row in _rows(data)] == [f"Account {index:02d}" for index in range(1, 16)]
    assert all(row[2].endswith("…") for row in _rows(data))


@pytest.mark.parametrize(
    "minutes",
    [_workshop(), _many(15), _many(15, "word " * 200), _many(30, "Agreed at length " * 4)],
    ids=["five", "fifteen", "long-reasons", "thirty"],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_passes_the_slide_bounds(minutes, language):
    """The rule: every shape inside the 13.33 x 7.5 in slide; a table holds at most MAX_ROWS accounts,
    each cell at most SLIDE_MAX_LINES estimated lines, each row at least as high as its lines need
    (qbr_layout's safe estimate), and the table ends above the body's bottom (the footer's line)."""
    data = minutes_pptx(minutes, language)
    presentation = Presentation(io.BytesIO(data))
    width, height = presentation.slide_width, presentation.slide_height
    for slide in presentation.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, shape.name
        title = slide.shapes.title.text_frame.text
        assert len(_wrap(title, _chars_per_line(CONTENT_WIDTH - 2 * BOX_MARGIN_X, TITLE_PT, True))) == 1
        for shape in _slide_tables(slide):
            table = shape.table
            assert len(table.rows) - 1 <= MAX_ROWS
            widths = [Emu(column.width).inches for column in table.columns]
            bottom = Emu(shape.top).inches
            for index, row in enumerate(table.rows):
                cells = []
                for cell, column_width in zip(row.cells, widths):
                    bold = bool(cell.text_frame.paragraphs[0].runs[0].font.bold)
                    cells.append(_Cell(cell.text, bold=bold))
                    limit = 2 if index == 0 else SLIDE_MAX_LINES
                    assert _cell_lines(_Cell(cell.text, bold=bold), column_width) <= limit, cell.text
                assert Emu(row.height).inches >= _row_height(cells, widths, 0) - 1e-3
                bottom += Emu(row.height).inches
            assert bottom <= BODY_BOTTOM + 1e-3


# --- what both share ------------------------------------------------------------------------------------


def test_counts_and_the_summary_line_in_both_languages():
    counts = minutes_counts(_workshop())
    assert (counts.accounts, counts.segment_changes, counts.actions) == (5, 3, 5)
    one = _many(1)  # one account, one action, no change
    assert summary_line(one, "en") == "1 account reviewed · 0 segment changes · 1 action"
    assert summary_line(one, "fr") == "1 compte revu · 0 changement de segment · 1 action"
    assert summary_line(_many(4), "en") == "4 accounts reviewed · 1 segment change · 4 actions"
    assert summary_line(_many(4), "fr") == "4 comptes revus · 1 changement de segment · 4 actions"


def test_consolidated_actions_are_sorted_by_due_and_keep_the_minutes_order_on_ties():
    pairs = consolidated_actions(_workshop())
    assert [(name, action.title) for name, action in pairs] == [
        ("Brightwater Foods", "Name a sponsor"),
        ("Aerivon Aerostructures", "Meet the CFO"),
        (HOSTILE_NAME, HOSTILE_ACTION),
        ("Aerivon Aerostructures", "Present the joint plan"),
        ("Norrland Paper", "Book the QBR"),
    ]


def test_the_preview_frame():
    frame = minutes_frame(_workshop(), "fr")
    assert list(frame.columns)[:3] == ["Compte", "Segment avant", "Segment après"]
    assert frame.iloc[0].tolist()[:3] == ["Aerivon Aerostructures", "À développer", "Stratégique"]
    assert frame["Décision"].tolist()[1] == "Aucune décision enregistrée"
    assert frame["Motif"].tolist()[3] == HOSTILE_REASON
    assert frame["Actions"].tolist() == [2, 1, 0, 1, 1]
    assert minutes_frame(WorkshopMinutes("x", HELD_ON, "", "", ()), "en").empty


def test_file_names():
    assert minutes_filename(_workshop(), "en", "docx") == "workshop-minutes-q4-scoring-workshop-2026-12-07.docx"
    assert minutes_filename(_workshop(), "fr", "pptx") == "compte-rendu-atelier-q4-scoring-workshop-2026-12-07.pptx"


def test_the_same_minutes_give_the_same_content():
    first, second = minutes_docx(_workshop(), "fr"), minutes_docx(_workshop(), "fr")
    assert _docx_blocks(first) == _docx_blocks(second)
    assert _rows(minutes_pptx(_workshop(), "fr")) == _rows(minutes_pptx(_workshop(), "fr"))


def test_every_minutes_key_is_french_in_french():
    same = {"Action", "Actions", "Date", "Participants", "Segment", "Votes", "Min", "Max", "{minutes} min"}
    english, french = catalog("en"), catalog("fr")
    keys = [key for key in english if key.startswith("minutes.")]
    assert keys and all(key in french for key in keys)
    assert [key for key in keys if english[key] == french[key] and english[key] not in same] == [
        "minutes.count.actions.one",  # "{count} action" is French too
        "minutes.count.actions.other",
    ]
    assert _label("minutes.reason", "fr", "x") == "Motif : x"
