"""The QBR pack (docs/method.md: "revue d'affaires trimestrielle"): one account's quarterly business
review as a PowerPoint deck the KAM takes into the customer meeting.

``build_qbr`` reads everything once (through the modules the pages use: ``account_summary``,
``sections``, ``buying_centre``, ``white_space``, ``handshake``, ``engagement``, each asked about this
account only, and ``qbr_scope`` for the account's key figures and the portfolio around it on the
matrix, so that one account's deck costs the same in a portfolio of 200 or 10,000 accounts) and
draws a 16:9 deck in English or French (catalog keys ``qbr.*`` and the
existing ``section.*``, ``enum.*``, ``rag.*``, ``col.*`` keys):

1. title: account, quarter, date, our KAM and sponsor, the customer's signatory;
2. key figures and revenue by year (chart): revenue with us and growth; the internal deck adds our
   share of their wallet, the 3-year potential and our margin;
3. where the account stands in our portfolio matrix among the other accounts, drawn as anonymous grey
   bubbles (binned into squares of neighbours beyond ``MAX_OTHER_BUBBLES``) (internal only);
4. the customer's priorities and our value proposition for each;
5. buying centre: the internal deck gives each person's buying role, influence and attitude and the
   map's status; the customer's deck ("our contacts") shows name, title and unit only;
6. white space: the internal deck shows every cell with our value estimate, the cells held by a
   competitor and the open total; the customer's deck shows only where our offers already serve
   their units and where we could help, with no value and no competitor;
7. the joint plan (the handshake): stage, vision, joint objectives and one KPI trend chart;
8. executive engagement: pairings, meetings held and planned; the internal deck adds each pairing's
   cadence and last meeting, the customer's deck shows "our executive, your executive" only;
9. action plan and next steps (the customer-facing deck keeps the handshake's commitments of both
   sides and leaves our internal account-plan actions out).

The customer's deck speaks to the customer ("your signatory", "your commitment", "our joint plan is
still to be written together") and never uses our method's vocabulary ("Handshake") or our internal
stages.

The look is sober on purpose: white background, one accent colour (the app's primary colour),
titles at 30 pt, body at 16 pt or more, at most ``MAX_ROWS`` table rows or 6 bullets per slide
("and N more" says what was left out), a footer with the account, the quarter and
"Confidential", and the page number. Every slide is made from the "Title Only" layout with its
title filled, so no placeholder is left empty and PowerPoint's outline shows the titles. A
section without data gets one sober sentence instead of an empty table.

Nothing is drawn over a table: python-pptx cannot measure text, so the deck estimates wrapped lines
on the safe side (see "how much room text takes"), cuts each cell to a few lines with "…", gives each
row the height its lines need, places notes and status lines below the table's estimated bottom, and
leaves out (and counts in "and N more") the rows that would not fit above them.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import vl_convert
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt
from sqlmodel import Session

from kam_core.account.summary import AccountSummary, account_summary
from kam_core.account.buying_centre import ATTITUDE_FILL, map_status
from kam_core.documents.charts import SEGMENT_COLOURS, MatrixLabels, chart_dict, kpi_chart, matrix_chart, revenue_chart
from kam_core.account.engagement import cadence_grid, engagements_between
from kam_core.common.errors import NotFoundError
from kam_core.exchange.exports import PNG_SCALE
from kam_core.common.formatting import currency_symbol, day, money, number, percent, score
from kam_core.account.handshake import kpi_history, read_handshake
from kam_core.i18n import translate
from kam_core.store.models import Account
from kam_core.portfolio.overview import reference_year
from kam_core.programme.periods import period_of, period_start, shift_period
from kam_core.portfolio.segmentation import QUADRANTS, Thresholds, load_programme
from kam_core.documents.qbr_scope import AccountFigures, account_figures, binned_others, matrix_others
from kam_core.account.sections import load_section
from kam_core.common.text import fold_name
from kam_core.account.white_space import STATUS_FILL, compact_value, load_white_space, white_space_totals

# --- the look -------------------------------------------------------------------------------------

ACCENT = "0B4F8A"  # the app's primary colour (.streamlit/config.toml)
INK = "111827"
MUTED = "4B5563"
RULE = "C7D0DB"
BAND = "EEF2F7"  # every other table row (the app's secondary background)
WHITE = "FFFFFF"
RAG_INK = {"red": "B91C1C", "amber": "B45309", "green": "15803D", "done": "4B5563"}
OTHER_ACCOUNTS_COLOUR = "#CBD2DB"

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in
MARGIN = 0.6  # inches, left and right
CONTENT_WIDTH = 13.333 - 2 * MARGIN
BODY_TOP = 1.55
BODY_BOTTOM = 6.82  # the footer's rule is at 6.92
TITLE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 30, 18, 16, 12

MAX_ROWS = 8  # table rows per slide, at most
MAX_BULLETS = 6
MAX_PRIORITIES = 4  # each row holds several lines of text
MAX_VALUE_PROPOSITIONS = 2  # per priority
MAX_UNITS = 5  # white space columns
MAX_OFFERS = 6  # white space rows (two lines each)
MAX_OBJECTIVES = 4
MAX_KPI_CHARTS = 2
MAX_PAIRINGS = 6
MAX_MEETINGS = 3  # held, and planned
MAX_FOLLOW_UPS = 6
MAX_NEXT_MEETINGS = 3

_LANGUAGE_IDS = {"en": MSO_LANGUAGE_ID.ENGLISH_UK, "fr": MSO_LANGUAGE_ID.FRENCH}
_D3_LOCALES = {"en": "en-GB", "fr": "fr-FR"}


@dataclass(frozen=True)
class QbrPack:
    account_name: str
    slides: tuple[str, ...]  # slide titles, in order
    data: bytes  # the .pptx
    filename: str


# --- small helpers ----------------------------------------------------------------------------------


# --- how much room text takes ---------------------------------------------------------------------
# The deck cannot measure text (python-pptx does not lay it out), so it estimates, on the safe side:
# a character is taken as 0.53 em wide (0.57 in bold), more than Calibri / Carlito need on average
# (about 0.47), a line as 1.25 font sizes high, and lines are wrapped word by word as a text frame
# does. Every table cell is cut (with "…") to at most a few estimated lines, every row is given the
# height its estimated lines need, and every note is placed below the table's estimated height, which
# is never less than the real one: a long French job title makes a row taller and pushes the note
# down, it never runs under it. Rows that would not fit above the notes are left out and counted in
# "and N more".

CHAR_EM, BOLD_CHAR_EM = 0.53, 0.57
LINE_SPACING = 1.25
CELL_MARGIN_X, CELL_MARGIN_Y = 0.08, 0.03  # inches
BOX_MARGIN_X, BOX_MARGIN_Y = 0.1, 0.05  # a text box's own insets (python-pptx's default)


def _chars_per_line(width: float, size: float, bold: bool = False) -> int:
    """How many characters of ``size`` points surely fit on one line ``width`` inches wide."""
    return max(4, int(width * 72 / (size * (BOLD_CHAR_EM if bold else CHAR_EM))))


def _wrap(text, chars: int) -> list[str]:
    """``text`` wrapped word by word into lines of at most ``chars`` characters (a longer word is
    broken, as a text frame breaks it)."""
    lines, current = [], ""
    for word in str(text or "").split():
        while len(word) > chars:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:chars])
            word = word[chars:]
        if not word:
            continue
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= chars:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _fit(text, chars: int, max_lines: int) -> str:
    """``text`` cut at a word with "…" so that it wraps to at most ``max_lines`` lines of ``chars``."""
    text = " ".join(str(text or "").split())
    limit = len(text)
    while limit > 1 and len(_wrap(_clip(text, limit), chars)) > max_lines:
        limit -= 1
    return _clip(text, limit)


def _line_height(size: float) -> float:
    return size * LINE_SPACING / 72


def _cell_lines(cell: "_Cell", width: float) -> int:
    chars = _chars_per_line(width - 2 * CELL_MARGIN_X, TABLE_PT, cell.bold)
    return sum(len(_wrap(part or "–", chars)) for part in (cell.text or "–").split("\n"))


def _row_height(cells: list["_Cell"], widths: list[float], minimum: float) -> float:
    """The height a table row needs for its cells' estimated lines, at least ``minimum``."""
    lines = max(_cell_lines(cell, width) for cell, width in zip(cells, widths))
    return max(minimum, round(lines * _line_height(TABLE_PT) + 2 * CELL_MARGIN_Y + 0.03, 3))


def _text_height(lines: list["_Line"], width: float) -> float:
    """The estimated height of a text box ``width`` inches wide holding ``lines``."""
    lines = [line for line in lines if line.text]
    height = 2 * BOX_MARGIN_Y
    for index, line in enumerate(lines):
        count = len(_wrap(line.text, _chars_per_line(width - 2 * BOX_MARGIN_X, line.size, line.bold)))
        height += count * _line_height(line.size) + (line.space_after / 72 if index < len(lines) - 1 else 0)
    return height


def _clip(text, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return f"{cut}…"


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_name(text)).strip("-") or "account"


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _png(chart, language: str, width: int | None = None) -> bytes:
    """A chart as PNG through vl-convert, as ``exports.chart_png`` does, with numbers and months in
    the deck's language."""
    spec = chart_dict(chart)
    if width is not None:
        spec["width"] = width
    spec.pop("params", None)
    for layer in spec.get("layer", []):
        layer.pop("params", None)
    locale = _D3_LOCALES.get(language, "en-GB")
    return vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, format_locale=locale, time_format_locale=locale)


@dataclass(frozen=True)
class _Cell:
    text: str
    fill: str | None = None  # hex without '#'
    ink: str | None = None
    bold: bool = False
    align: str = "left"  # left | center


@dataclass(frozen=True)
class _Line:
    text: str
    size: int = BODY_PT
    bold: bool = False
    italic: bool = False
    ink: str = INK
    space_after: int = 6  # points


class _Deck:
    """The presentation and the few ways this pack draws on a slide."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.layout = next(layout for layout in self.presentation.slide_layouts if layout.name == "Title Only")
        self.titles: list[str] = []

    # text
    def _run(self, paragraph, line: _Line) -> None:
        run = paragraph.add_run()
        run.text = line.text
        font = run.font
        font.size, font.bold, font.italic = Pt(line.size), line.bold, line.italic
        font.color.rgb = RGBColor.from_string(line.ink)
        font.language_id = _LANGUAGE_IDS.get(self.language, MSO_LANGUAGE_ID.ENGLISH_UK)

    def slide(self, title: str):
        slide = self.presentation.slides.add_slide(self.layout)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(0.35)
        shape.width, shape.height = Inches(CONTENT_WIDTH), Inches(0.9)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        self._run(paragraph, _Line(title, TITLE_PT, bold=True, ink=ACCENT))
        self.rule(slide, MARGIN, 1.3, MARGIN + 1.4, 1.3, ACCENT, 4)
        self.titles.append(title)
        return slide

    def rule(self, slide, x1: float, y1: float, x2: float, y2: float, colour: str, width_pt: float) -> None:
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(x1), Inches(y1), Inches(x2), Inches(y2))
        line.line.color.rgb = RGBColor.from_string(colour)
        line.line.width = Pt(width_pt)

    def text(self, slide, left: float, top: float, width: float, height: float, lines: list[_Line],
             align: str = "left", anchor=MSO_ANCHOR.TOP) -> None:
        lines = [line for line in lines if line.text]
        if not lines:
            return
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.CENTER if align == "center" else (
                PP_ALIGN.RIGHT if align == "right" else PP_ALIGN.LEFT)
            paragraph.space_after = Pt(line.space_after)
            self._run(paragraph, line)

    def sentence(self, slide, text: str, top: float = BODY_TOP + 0.2, left: float = MARGIN,
                 width: float = CONTENT_WIDTH) -> None:
        """The sober sentence of a section without data."""
        self.text(slide, left, top, width, 0.8, [_Line(text, 20, italic=True, ink=MUTED)])

    def table(self, slide, left: float, top: float, widths: list[float], header: list[str],
              rows: list[list[_Cell]], row_height: float = 0.45, room: float | None = None,
              max_lines: int = 2) -> tuple[float, int]:
        """A table with a coloured header row, at most ``room`` inches high (down to ``BODY_BOTTOM``
        when not given); returns its estimated height in inches and how many of ``rows`` it shows.

        Each paragraph of a cell is cut to ``max_lines`` estimated lines (one for the header), each
        row is as high as its estimated lines need, and the rows that would not fit are left out."""
        room = BODY_BOTTOM - top if room is None else room

        def fitted(cell: _Cell, width: float, lines: int) -> _Cell:
            chars = _chars_per_line(width - 2 * CELL_MARGIN_X, TABLE_PT, cell.bold)
            text = "\n".join(_fit(part, chars, lines) or "–" for part in (cell.text or "–").split("\n"))
            return _Cell(text, cell.fill, cell.ink, cell.bold, cell.align)

        header_cells = [fitted(_Cell(text, fill=ACCENT, ink=WHITE, bold=True), width, 2)
                        for text, width in zip(header, widths)]
        body = [[fitted(cell, width, max_lines) for cell, width in zip(cells, widths)] for cells in rows]
        heights = [_row_height(header_cells, widths, row_height)]
        for cells in body:
            height = _row_height(cells, widths, row_height)
            if sum(heights) + height > room and len(heights) > 1:
                break
            heights.append(height)
        body = body[:len(heights) - 1]
        shape = slide.shapes.add_table(len(heights), len(widths), Inches(left), Inches(top),
                                       Inches(sum(widths)), Inches(sum(heights)))
        table = shape.table
        table.first_row, table.horz_banding = True, False
        for index, width in enumerate(widths):
            table.columns[index].width = Inches(width)
        for index, height in enumerate(heights):
            table.rows[index].height = Inches(height)
        for r, cells in enumerate([header_cells, *body]):
            for c, cell in enumerate(cells):
                target = table.cell(r, c)
                target.fill.solid()
                target.fill.fore_color.rgb = RGBColor.from_string(cell.fill or (BAND if r % 2 == 0 else WHITE))
                target.margin_left = target.margin_right = Inches(CELL_MARGIN_X)
                target.margin_top = target.margin_bottom = Inches(CELL_MARGIN_Y)
                target.vertical_anchor = MSO_ANCHOR.MIDDLE
                frame = target.text_frame
                frame.word_wrap = True
                for index, part in enumerate(cell.text.split("\n")):
                    paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                    paragraph.alignment = PP_ALIGN.CENTER if cell.align == "center" else PP_ALIGN.LEFT
                    self._run(paragraph, _Line(part or "–", TABLE_PT, bold=cell.bold, ink=cell.ink or INK,
                                               space_after=0))
        return sum(heights), len(body)

    def picture(self, slide, png: bytes, left: float, top: float, width: float, height: float) -> None:
        """The image fitted into the box, aspect kept, centred across and set at the top."""
        pixels_wide, pixels_high = _png_size(png)
        scale = min(width / pixels_wide, height / pixels_high)
        shown_wide, shown_high = pixels_wide * scale, pixels_high * scale
        slide.shapes.add_picture(io.BytesIO(png), Inches(left + (width - shown_wide) / 2), Inches(top),
                                 Inches(shown_wide), Inches(shown_high))

    def finish(self, footer: str) -> bytes:
        total = len(self.presentation.slides)
        for page, slide in enumerate(self.presentation.slides, start=1):
            self.rule(slide, MARGIN, 6.92, MARGIN + CONTENT_WIDTH, 6.92, RULE, 0.75)
            self.text(slide, MARGIN, 6.97, CONTENT_WIDTH - 1.6, 0.4,
                      [_Line(footer, FOOTER_PT, ink=MUTED, space_after=0)])
            self.text(slide, MARGIN + CONTENT_WIDTH - 1.5, 6.97, 1.5, 0.4,
                      [_Line(translate("qbr.page", self.language, page=page, total=total), FOOTER_PT, ink=MUTED,
                             space_after=0)], align="right")
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


NOTE_GAP = 0.1  # inches between a table and the note below it
NOTE_ROOM = 0.55  # inches kept below a table for an "and N more" note


def _note(deck: _Deck, slide, top: float, lines: list[_Line], left: float = MARGIN,
          width: float = CONTENT_WIDTH) -> float:
    """``lines`` in a box starting ``NOTE_GAP`` below ``top`` (a table's estimated bottom), as high as
    their estimated lines; returns the box's bottom."""
    lines = [line for line in lines if line.text]
    if not lines:
        return top
    height = _text_height(lines, width)
    deck.text(slide, left, top + NOTE_GAP, width, height, lines)
    return top + NOTE_GAP + height


def _more(count: int, language: str) -> str:
    return translate("overview.more", language, count=count) if count > 0 else ""


def _labelled(label: str, text: str, language: str) -> str:
    return translate("brief.labelled", language).format(label=label, text=text)


# --- the facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What the deck shows about the account, read once with queries about that account only (the
    portfolio around it is read by the matrix slide alone, see ``_portfolio_slide``)."""

    account: Account
    summary: AccountSummary
    figures: AccountFigures  # the account's figures of overview.account_table
    currency: str
    thresholds: Thresholds
    today: date


def _facts(session: Session, account_id: int, today: date) -> _Facts:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id}")
    summary = account_summary(session, account_id, today)
    programme = load_programme(session)
    thresholds = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
    figures = account_figures(session, account_id, reference_year(today))
    return _Facts(account, summary, figures, programme.currency, thresholds, today)


# --- slides -------------------------------------------------------------------------------------------


def _title_slide(deck: _Deck, facts: _Facts, signatory: str | None, internal: bool) -> None:
    language, summary = deck.language, facts.summary
    slide = deck.slide(translate("qbr.title", language))
    deck.rule(slide, MARGIN + 0.05, 1.9, MARGIN + 0.05, 5.9, ACCENT, 6)
    people = [(translate("qbr.kam", language), summary.kam),
              (translate("handshake.sponsor", language), summary.sponsor),
              (translate("handshake.signatory" if internal else "qbr.your_signatory", language), signatory)]
    lines = [
        _Line(summary.name, 44, bold=True, ink=ACCENT, space_after=10),
        _Line(f"{summary.current_period} · {day(facts.today, language)}", 26, space_after=24),
        *(_Line(_labelled(label, name, language), 20, ink=MUTED) for label, name in people if name),
    ]
    if internal:
        lines.append(_Line(translate("qbr.internal_note", language), 18, italic=True, ink=RAG_INK["red"]))
    deck.text(slide, MARGIN + 0.45, 1.9, CONTENT_WIDTH - 0.5, 4.2, lines)


def _figures_slide(deck: _Deck, facts: _Facts, internal: bool) -> None:
    language, row, currency = deck.language, facts.figures, facts.currency
    slide = deck.slide(translate("section.key_figures", language))
    year = row.revenue_year
    growth = row.growth_pct
    figures = [
        (translate("overview.revenue", language, year=year), money(row.revenue, currency, language)),
        (translate("qbr.growth", language, year=year - 1),
         "–" if growth is None else ("+" if growth > 0 else "") + percent(growth, language, 1)),
    ]
    if internal:  # our view of their wallet and our margin are never shown to the customer
        figures += [
            (translate("overview.share_of_wallet", language), percent(row.share_of_wallet_pct, language)),
            (translate("overview.potential", language), money(facts.account.potential_3y, currency, language)),
            (translate("overview.margin", language), percent(facts.account.margin_pct, language)),
        ]
    lines = []
    for label, text in figures:
        lines += [_Line(label, 16, ink=MUTED, space_after=0), _Line(text, 28, bold=True, ink=INK, space_after=12)]
    deck.text(slide, MARGIN, BODY_TOP, 4.2, BODY_BOTTOM - BODY_TOP, lines)
    years = facts.summary.revenue_by_year
    years = years[years["year"] <= year]
    left = MARGIN + 4.5
    width = CONTENT_WIDTH - 4.5
    deck.text(slide, left, BODY_TOP, width, 0.45,
              [_Line(translate("overview.revenue_by_year", language), 20, bold=True, space_after=0)])
    if years.empty:
        deck.sentence(slide, translate("overview.no_revenue", language), top=BODY_TOP + 0.6, left=left, width=width)
        return
    chart = revenue_chart(years, revenue_label=translate("overview.revenue_axis", language),
                          year_label=translate("overview.year", language), height=380)
    deck.picture(slide, _png(chart, language, width=620), left, BODY_TOP + 0.55, width, BODY_BOTTOM - BODY_TOP - 0.6)


def _matrix_labels(language: str, account_name: str) -> MatrixLabels:
    quadrants = {code: translate(f"enum.segment.{code}", language) for code in QUADRANTS}
    quadrants |= {"this": account_name, "other": translate("qbr.other_accounts", language)}
    return MatrixLabels(
        attractiveness=translate("matrix.axis_attractiveness", language),
        strength=translate("matrix.axis_strength", language), quadrants=quadrants,
        name=translate("column.account", language), revenue=translate("column.revenue", language),
        potential=translate("matrix.size.potential_3y", language),
        share_of_wallet=translate("column.share_of_wallet", language), kam=translate("column.kam", language),
        quadrant=translate("column.segment", language), sector=translate("column.sector", language),
        previous=translate("matrix.previous_short", language))


MAX_OTHER_BUBBLES = 400  # other accounts drawn one by one on the matrix slide; beyond, they are binned
OTHERS_BIN = 1 / 3  # score points: the side of a bin of other accounts (30 x 30 bins over the matrix)


def _matrix_points(session: Session, facts: _Facts, now) -> pd.DataFrame:
    """The bubbles of the matrix slide: the programme's other placed accounts (anonymous, grey, in the
    account table's order, read compactly: axis scores and revenue only), then this account.

    Rasterising a bubble costs the same whatever it stands for, so beyond ``MAX_OTHER_BUBBLES`` others
    the slide draws one grey bubble per ``OTHERS_BIN`` square that holds any (at their mean position,
    as big as the biggest of them): the slide costs the same at 500 or 10,000 accounts and still
    shows where the portfolio lies around this account."""
    summary, figures = facts.summary, facts.figures
    others, count = binned_others(session, summary.current_period, figures.revenue_year, summary.account_id,
                                  OTHERS_BIN)
    if count <= MAX_OTHER_BUBBLES:  # a small portfolio: every other account its own bubble
        others = matrix_others(session, summary.current_period, figures.revenue_year, summary.account_id)
    others = others.assign(name="", quadrant="other", scored=True, share_of_wallet_pct=None, kam=None, sector=None)
    this = pd.DataFrame([{
        "account_id": summary.account_id, "attractiveness": now.attractiveness, "strength": now.strength,
        "revenue": figures.revenue, "name": summary.name, "quadrant": "this", "scored": True,
        "share_of_wallet_pct": figures.share_of_wallet_pct, "kam": summary.kam, "sector": summary.sector}])
    columns = ["account_id", "name", "quadrant", "scored", "attractiveness", "strength", "revenue",
               "share_of_wallet_pct", "kam", "sector"]
    shown = pd.concat([others[columns], this[columns]], ignore_index=True) if len(others) else this[columns]
    shown["revenue"] = shown["revenue"].astype(float)
    return shown


def _portfolio_slide(deck: _Deck, session: Session, facts: _Facts) -> None:
    language, summary = deck.language, facts.summary
    slide = deck.slide(translate("qbr.slide.portfolio", language))
    segment = summary.segment
    now = next((position for position in summary.trajectory if position.period == summary.current_period), None)
    # an archived account has left the matrix; an account not scored on both axes has no place in it
    if summary.status == "archived" or now is None or now.quadrant is None:
        deck.sentence(slide, translate("overview.not_scored", language))
        return
    # Only this account stands out: the others are grey bubbles without names, drawn first.
    shown = _matrix_points(session, facts, now)
    chart = matrix_chart(shown, attractiveness_threshold=facts.thresholds.attractiveness,
                         strength_threshold=facts.thresholds.strength,
                         labels=_matrix_labels(language, summary.name),
                         colours={"this": SEGMENT_COLOURS.get(segment, ACCENT),
                                  "other": OTHER_ACCOUNTS_COLOUR},
                         selected_id=summary.account_id, height=620, interactive=False)
    deck.picture(slide, _png(chart, language, width=760), MARGIN, BODY_TOP, 7.9, BODY_BOTTOM - BODY_TOP)
    before = [position for position in summary.trajectory if position.period < summary.current_period]
    lines = [
        _Line(translate("overview.segment", language), 16, ink=MUTED, space_after=0),
        _Line(translate(f"enum.segment.{segment}", language), 30, bold=True,
              ink=SEGMENT_COLOURS.get(segment, "#" + ACCENT).lstrip("#"), space_after=8),
        _Line(translate(f"posture.{segment}", language), 18, space_after=18),
        _Line(_labelled(translate("overview.attractiveness", language), score(now.attractiveness, language),
                        language), 18, space_after=4),
        _Line(_labelled(translate("overview.strength", language), score(now.strength, language), language), 18,
              space_after=14),
    ]
    if before and before[-1].quadrant:
        lines.append(_Line(translate("qbr.previously", language, period=before[-1].period,
                                     segment=translate(f"enum.segment.{before[-1].quadrant}", language)), 18,
                           ink=MUTED))
    deck.text(slide, MARGIN + 8.2, BODY_TOP + 0.2, CONTENT_WIDTH - 8.2, BODY_BOTTOM - BODY_TOP - 0.2, lines)


def _priorities_slide(deck: _Deck, session: Session, facts: _Facts) -> None:
    language = deck.language
    slide = deck.slide(translate("qbr.slide.priorities", language))
    priorities = load_section(session, "priorities", facts.summary.account_id)
    if priorities.empty:
        deck.sentence(slide, translate("qbr.no_priorities", language))
        return
    propositions = load_section(session, "value_propositions", facts.summary.account_id)
    rows = []
    for priority in priorities.head(MAX_PRIORITIES).itertuples(index=False):
        mine = propositions[propositions["priority_id"] == priority.id]
        brings, values = [], []
        for proposition in mine.head(MAX_VALUE_PROPOSITIONS).itertuples(index=False):
            brings.append(_clip(proposition.what_we_bring, 200))
            worth = "" if _missing(proposition.value_amount) else \
                f" · {money(proposition.value_amount, facts.currency, language)}"
            values.append(_clip(proposition.customer_value, 200) + worth)
        if len(mine) > MAX_VALUE_PROPOSITIONS:
            brings.append(_more(len(mine) - MAX_VALUE_PROPOSITIONS, language))
        to_build = translate("qbr.to_build", language)
        rows.append([_Cell(str(priority.rank), bold=True, align="center"),
                     _Cell(_clip(priority.title, 200), bold=True),
                     _Cell("\n".join(brings) or to_build, ink=None if brings else MUTED),
                     _Cell("\n".join(values) or to_build, ink=None if values else MUTED)])
    header = [translate("col.priorities.rank", language), translate("col.priorities.title", language),
              translate("col.value_propositions.what_we_bring", language),
              translate("col.value_propositions.customer_value", language)]
    height, shown = deck.table(slide, MARGIN, BODY_TOP, [0.7, 3.3, 4.4, 3.7], header, rows, row_height=0.9,
                               room=BODY_BOTTOM - BODY_TOP - NOTE_ROOM)
    _note(deck, slide, BODY_TOP + height, [_Line(_more(len(priorities) - shown, language), 16, italic=True,
                                                 ink=MUTED)])


def _buying_centre_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    language = deck.language
    title = translate("section.buying_centre" if internal else "qbr.slide.contacts", language)
    slide = deck.slide(title)
    people = load_section(session, "stakeholders", facts.summary.account_id)  # most influential first
    if people.empty:
        deck.sentence(slide, translate("qbr.no_stakeholders", language))
        return
    rows = []
    for person in people.head(MAX_ROWS).itertuples(index=False):
        cells = [_Cell(_clip(person.name, 80), bold=True), _Cell(_clip(person.title, 120) or "–")]
        if not internal:  # the customer sees who is who, not the buying role we give each person
            cells.append(_Cell(_clip(person.unit, 120) or "–"))
        else:
            cells.append(_Cell(translate(f"enum.role.{person.role}", language)))
            attitude = int(person.attitude)
            cells += [_Cell(f"{int(person.influence)}/5", align="center"),
                      _Cell(translate(f"enum.attitude.{attitude}", language),
                            fill=ATTITUDE_FILL.get(attitude, "#FFFFFF").lstrip("#"))]
        rows.append(cells)
    header = [translate(f"col.stakeholders.{name}", language)
              for name in ("name", "title", "role" if internal else "unit")]
    if internal:
        header += [translate("col.stakeholders.influence", language), translate("col.stakeholders.attitude", language)]
        widths = [2.7, 3.9, 2.2, 1.4, 1.9]
    else:
        widths = [3.6, 5.0, 3.5]
    lines = [_Line("", 16)]  # the "and N more", once the table says how many rows it shows
    if internal:
        status = map_status(people)
        lines.append(_Line(translate(f"canvas.map_status.{status}", language), 18, bold=True, ink=RAG_INK[status]))
    reserve = NOTE_GAP + _text_height([_Line(_more(len(people), language), 16), *lines[1:]], CONTENT_WIDTH)
    height, shown = deck.table(slide, MARGIN, BODY_TOP, widths, header, rows, row_height=0.42,
                               room=BODY_BOTTOM - BODY_TOP - reserve)
    lines[0] = _Line(_more(len(people) - shown, language), 16, italic=True, ink=MUTED)
    _note(deck, slide, BODY_TOP + height, lines)


def _keep(names: list[str], weights: dict[str, float], limit: int) -> list[str]:
    """``names`` in their order, at most ``limit`` of them: those with the largest weight."""
    if len(names) <= limit:
        return names
    chosen = set(sorted(names, key=lambda name: (-weights.get(name, 0.0), names.index(name)))[:limit])
    return [name for name in names if name in chosen]


def _white_space_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    """The internal deck shows every cell with our value estimate, the competitors' cells and the
    open total; the customer's deck shows only which of our offers already serve which of their units
    and where we could help, with no value and no competitor."""
    language = deck.language
    slide = deck.slide(translate("section.white_space" if internal else "qbr.slide.white_space", language))
    cells = load_white_space(session, facts.summary.account_id)
    if not internal:
        cells = cells[cells["status"].isin(["sold", "open"])]
    if cells.empty:
        deck.sentence(slide, translate("qbr.no_white_space", language))
        return
    units_order = [str(name) for name in load_section(session, "units", facts.summary.account_id)["name"]]
    units_order = [unit for unit in dict.fromkeys([*units_order, *cells["unit"].tolist()])
                   if internal or unit in set(cells["unit"])]
    offers_order = sorted(dict.fromkeys(cells["offer"].tolist()), key=fold_name)
    totals = white_space_totals(cells)
    units = _keep(units_order, totals.open_by_unit, MAX_UNITS)
    offers = _keep(offers_order, totals.open_by_offer, MAX_OFFERS)
    symbol = currency_symbol(facts.currency)
    by_pair = {(row.offer, row.unit): row for row in cells.itertuples(index=False)}
    rows = []
    for offer in offers:
        line = [_Cell(_clip(offer, 100), bold=True)]
        for unit in units:
            cell = by_pair.get((offer, unit))
            if cell is None:
                line.append(_Cell("–", fill=WHITE, ink=MUTED, align="center"))
                continue
            fill = STATUS_FILL[cell.status].lstrip("#")
            if not internal:
                line.append(_Cell(translate(f"qbr.ws_customer.{cell.status}", language), fill=fill, align="center"))
                continue
            word = translate(f"qbr.ws.{cell.status}", language)
            worth = compact_value(None if _missing(cell.value) else float(cell.value), symbol, language)
            line.append(_Cell(f"{word}\n{worth}" if worth else word, fill=fill, align="center"))
        rows.append(line)
    first = 3.2
    widths = [first, *[(CONTENT_WIDTH - first) / len(units)] * len(units)]
    header = [translate("col.white_space.offer_id", language), *(_clip(unit, 80) for unit in units)]
    total = [translate("qbr.open_total", language, count=totals.open_cells,
                       value=money(totals.open_value, facts.currency, language))] if internal else []
    widest = [translate(key, language, count=99) for key in ("qbr.more_offers", "qbr.more_units")]
    reserve = NOTE_GAP + _text_height([_Line(" · ".join([*total, *widest]), 16, bold=True)], CONTENT_WIDTH)
    height, shown = deck.table(slide, MARGIN, BODY_TOP, widths, header, rows, row_height=0.63,
                               room=BODY_BOTTOM - BODY_TOP - reserve)
    hidden = [translate(key, language, count=left_out) for key, left_out in (
        ("qbr.more_offers", len(offers_order) - shown), ("qbr.more_units", len(units_order) - len(units)))
        if left_out > 0]
    _note(deck, slide, BODY_TOP + height, [_Line(" · ".join([*total, *hidden]), 16, bold=bool(total),
                                                 ink=INK if total else MUTED, italic=not total)])


def _kpi_value(value, unit: str, language: str) -> str:
    return "–" if _missing(value) else f"{number(round(float(value), 2), language)} {unit}".strip()


def _handshake_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    language = deck.language
    slide = deck.slide(translate("qbr.slide.handshake", language))
    view = read_handshake(session, facts.summary.account_id)
    if view.stage is None:  # the customer's deck speaks to the customer, not in our method's words
        deck.sentence(slide, translate("overview.no_handshake" if internal else "qbr.no_joint_plan", language))
        return
    stage = translate(f"enum.stage.{view.stage}", language)
    agreed = view.reached_on("agreed")
    if agreed is not None and view.stage in ("agreed", "in_review"):
        stage = f"{stage} · {translate('qbr.agreed_on', language, date=day(agreed, language))}"
    history = kpi_history(session, facts.summary.account_id)
    read = history[history["value"].notna() & history["reading_date"].notna()]
    charted = list(dict.fromkeys(read["objective_id"]))[:MAX_KPI_CHARTS]
    left_width = 7.0 if charted else CONTENT_WIDTH  # the KPI chart takes the right-hand side
    lines = []
    if internal or view.stage not in ("draft", "internally_reviewed"):  # our own stages stay ours
        lines.append(_Line(_labelled(translate("brief.stage", language), stage, language), 20, bold=True,
                           space_after=4))
    if view.vision:
        vision = _fit(view.vision, _chars_per_line(left_width - 2 * BOX_MARGIN_X - 0.2, 18), 3)
        lines.append(_Line(f"« {vision} »" if language == "fr" else f"“{vision}”", 18, italic=True, ink=MUTED,
                           space_after=0))
    height = _text_height(lines, left_width) if lines else 0.0
    deck.text(slide, MARGIN, BODY_TOP, left_width, height, lines)
    top = BODY_TOP + height + 0.15
    if history.empty:
        deck.sentence(slide, translate("qbr.no_joint_objectives", language), top=top)
        return
    objectives = history.drop_duplicates("objective_id")
    latest = read.groupby("objective_id")["value"].last()
    rows = []
    for objective in objectives.head(MAX_OBJECTIVES).itertuples(index=False):
        rows.append([_Cell(_clip(objective.title, 120), bold=True),
                     _Cell(_kpi_value(objective.baseline, objective.unit, language), align="center"),
                     _Cell(_kpi_value(latest.get(objective.objective_id), objective.unit, language), align="center",
                           bold=True),
                     _Cell(_kpi_value(objective.target, objective.unit, language), align="center"),
                     _Cell(day(objective.due_date, language), align="center")])
    header = [translate("col.joint_objectives.title", language), translate("col.joint_objectives.baseline", language),
              translate("qbr.latest_reading", language), translate("col.joint_objectives.target", language),
              translate("col.joint_objectives.due_date", language)]
    first = left_width - 4 * 1.15 - 0.2
    notes = [_Line("", 16)] + ([] if charted else [_Line(translate("qbr.no_readings", language), 18, italic=True,
                                                         ink=MUTED)])
    reserve = NOTE_GAP + _text_height([_Line(_more(len(objectives), language), 16), *notes[1:]], left_width)
    height, shown = deck.table(slide, MARGIN, top, [first, 1.15, 1.15, 1.15, 1.35], header, rows, row_height=0.6,
                               room=BODY_BOTTOM - top - reserve, max_lines=3)
    notes[0] = _Line(_more(len(objectives) - shown, language), 16, italic=True, ink=MUTED)
    _note(deck, slide, top + height, notes, width=left_width)
    if not charted:
        return
    chart = kpi_chart(history[history["objective_id"].isin(charted)],
                      labels={key: translate(f"handshake.kpi.{key}", language)
                              for key in ("reading", "target", "baseline", "date", "value", "objective")},
                      width=430, height=170 if len(charted) > 1 else 300, columns=1)
    left = MARGIN + left_width + 0.25
    deck.picture(slide, _png(chart, language), left, BODY_TOP, CONTENT_WIDTH - left_width - 0.25,
                 BODY_BOTTOM - BODY_TOP)


def _engagement_slide(deck: _Deck, session: Session, facts: _Facts, internal: bool) -> None:
    """Executive pairings and the meetings held and planned. The internal deck adds each pairing's
    cadence and when it last met ("never"); the customer's deck shows the pairings as "our executive,
    your executive" and, for each meeting, who met rather than our objective for it."""
    language, today = deck.language, facts.today
    slide = deck.slide(translate("page.executives", language))
    grid = cadence_grid(session, today, facts.summary.account_id)
    if grid.empty:
        deck.sentence(slide, translate("qbr.no_pairings", language), width=7.0)
    else:
        grid = grid.sort_values(["executive", "stakeholder"], key=lambda column: column.map(fold_name))
        rows = []
        for pairing in grid.head(MAX_PAIRINGS).itertuples(index=False):
            theirs = f"{pairing.stakeholder} — {pairing.stakeholder_title}" if pairing.stakeholder_title \
                else pairing.stakeholder
            row = [_Cell(_clip(pairing.executive, 60), bold=True), _Cell(_clip(theirs, 120))]
            if internal:
                row += [_Cell(translate("executives.every", language, days=int(pairing.cadence_days))),
                        _Cell(day(pairing.last_held, language) if pairing.last_held
                              else translate("canvas.tooltip.never", language))]
            rows.append(row)
        if internal:
            header = [translate("col.pairings.executive_id", language),
                      translate("col.pairings.stakeholder_id", language),
                      translate("qbr.cadence", language), translate("qbr.last_met", language)]
            widths = [1.8, 2.5, 1.35, 1.35]
        else:
            header = [translate("qbr.our_executive", language), translate("qbr.your_executive", language)]
            widths = [2.6, 4.4]
        height, shown = deck.table(slide, MARGIN, BODY_TOP, widths, header, rows, row_height=0.55,
                                   room=BODY_BOTTOM - BODY_TOP - NOTE_ROOM)
        _note(deck, slide, BODY_TOP + height, [_Line(_more(len(grid) - shown, language), 16, italic=True,
                                                     ink=MUTED)], width=7.0)
    held_from = period_start(shift_period(period_of(today), -1))
    planned_to = period_start(shift_period(period_of(today), 2)) - timedelta(days=1)
    held = engagements_between(session, held_from, today, facts.summary.account_id)
    held = held[held["status"] == "held"].sort_values("on_date", ascending=False)
    planned = engagements_between(session, today, planned_to, facts.summary.account_id)
    planned = planned[planned["status"] == "planned"]
    width = CONTENT_WIDTH - 7.3
    chars = _chars_per_line(width - 2 * BOX_MARGIN_X, 16)
    lines = []
    for heading, rows, empty in (("qbr.held", held, "qbr.no_held"), ("qbr.planned", planned, "qbr.no_planned")):
        lines.append(_Line(translate(heading, language), 18, bold=True, ink=ACCENT, space_after=4))
        for meeting in rows.head(MAX_MEETINGS).itertuples(index=False):
            kind = translate(f"enum.engagement_kind.{meeting.kind}", language)
            about = meeting.objective if internal else " — ".join(
                part for part in (meeting.executives, meeting.stakeholders) if part)
            text = f"{day(meeting.on_date, language)} · {kind}" + (f" — {about}" if about else "")
            lines.append(_Line(_clip(text, chars), 16, space_after=4))  # one line each
        if rows.empty:
            lines.append(_Line(translate(empty, language), 16, italic=True, ink=MUTED, space_after=4))
        lines.append(_Line(_more(len(rows) - MAX_MEETINGS, language), 16, italic=True, ink=MUTED, space_after=4))
        lines.append(_Line(" ", 8, space_after=6))  # a gap between the two lists
    deck.text(slide, MARGIN + 7.3, BODY_TOP, width, BODY_BOTTOM - BODY_TOP, lines[:-1])


def _actions_slide(deck: _Deck, facts: _Facts, internal: bool) -> None:
    language, summary = deck.language, facts.summary
    slide = deck.slide(translate("qbr.slide.actions" if internal else "qbr.slide.next_steps", language))
    items = [item for item in summary.follow_ups if internal or item.kind != "action"]
    review = day(summary.next_review_on, language) if summary.next_review_on else translate("qbr.not_set", language)
    meetings = "; ".join(f"{day(on_date, language)} · {translate(f'enum.engagement_kind.{kind}', language)}"
                         for on_date, kind, _ in summary.next_engagements[:MAX_NEXT_MEETINGS])
    lines = [_Line(_labelled(translate("handshake.next_review", language), review, language) if summary.handshake_stage
                   else "", 18, bold=True, space_after=4),
             _Line(_labelled(translate("overview.next_engagements", language), meetings, language) if meetings
                   else translate("overview.no_engagements", language), 18, space_after=0)]
    closing = _text_height([line for line in lines if line.text], CONTENT_WIDTH)
    top = BODY_TOP
    if not items:
        deck.sentence(slide, translate("qbr.no_follow_ups" if internal else "brief.no_commitments", language))
        top = BODY_TOP + 1.0
    else:
        def kind(item) -> str:  # in the customer's deck their commitments are "yours"
            key = "qbr.follow_up.theirs" if not internal and item.kind == "theirs" else f"enum.follow_up.{item.kind}"
            return translate(key, language)

        rows = [[_Cell(kind(item)), _Cell(_clip(item.title, 160)),
                 _Cell(_clip(item.owner, 60)), _Cell(day(item.due_date, language), align="center"),
                 _Cell(translate(f"rag.{item.rag}", language), ink=RAG_INK.get(item.rag), bold=True, align="center")]
                for item in items[:MAX_FOLLOW_UPS]]
        header = [translate("qbr.col.kind", language),
                  translate("qbr.col.item" if internal else "col.commitments.description", language),
                  translate("col.actions.owner", language), translate("col.actions.due_date", language),
                  translate("col.actions.status", language)]
        more_height = NOTE_GAP + _text_height([_Line(_more(len(items), language), 16)], CONTENT_WIDTH)
        height, shown = deck.table(slide, MARGIN, BODY_TOP, [2.2, 5.1, 1.9, 1.45, 1.45], header, rows,
                                   row_height=0.5, room=BODY_BOTTOM - BODY_TOP - closing - more_height - 0.15)
        top = _note(deck, slide, BODY_TOP + height, [_Line(_more(len(items) - shown, language), 16, italic=True,
                                                            ink=MUTED)])
    deck.text(slide, MARGIN, max(top + 0.15, BODY_BOTTOM - closing), CONTENT_WIDTH, closing, lines)


# --- the pack ---------------------------------------------------------------------------------------


def build_qbr(session: Session, account_id: int, today: date, language: str = "en",
              internal: bool = True) -> QbrPack:
    """The QBR deck of ``account_id`` (NotFoundError when unknown), in ``language``.

    ``internal=True`` (the KAM's preparation) adds the portfolio-matrix slide, the influence and
    attitude of each stakeholder, the buying centre's status, the white-space cells held by
    competitors, our margin and our own account-plan actions; ``internal=False`` is the deck to show
    the customer and leaves all of these out."""
    facts = _facts(session, account_id, today)
    deck = _Deck(language)
    view = read_handshake(session, account_id)
    _title_slide(deck, facts, view.signatory, internal)
    _figures_slide(deck, facts, internal)
    if internal:
        _portfolio_slide(deck, session, facts)
    _priorities_slide(deck, session, facts)
    _buying_centre_slide(deck, session, facts, internal)
    _white_space_slide(deck, session, facts, internal)
    _handshake_slide(deck, session, facts, internal)
    _engagement_slide(deck, session, facts, internal)
    _actions_slide(deck, facts, internal)
    period = facts.summary.current_period
    name = facts.summary.name
    footer = translate("qbr.footer_internal" if internal else "qbr.footer", language, account=name, period=period)
    properties = deck.presentation.core_properties
    properties.title = f"{translate('qbr.title', language)} — {name} — {period}"
    properties.subject = name
    properties.author = facts.summary.kam or ""
    properties.language = {"fr": "fr-FR"}.get(language, "en-GB")
    data = deck.finish(footer)
    suffix = f"-{_slug(translate('qbr.file_internal', language))}" if internal else ""
    return QbrPack(account_name=name, slides=tuple(deck.titles), data=data,
                   filename=f"QBR-{_slug(name)}-{period}{suffix}.pptx")
