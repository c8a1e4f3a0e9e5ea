"""The look and layout of the QBR deck (``kam_core.documents.qbr``): colours, sizes and the limits
per slide, how much room text takes, and ``_Deck``, the presentation with the few ways the pack draws
on a slide (titles, text boxes, tables, pictures, footers); notes below a table.

The deck's slides are built in ``kam_core.documents.qbr``; this module knows nothing of accounts.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

import pandas as pd
import vl_convert
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from kam_core.common.text import fold_name
from kam_core.documents.charts import chart_dict
from kam_core.exchange.exports import PNG_SCALE
from kam_core.i18n import translate

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


def _cell_lines(cell: _Cell, width: float) -> int:
    chars = _chars_per_line(width - 2 * CELL_MARGIN_X, TABLE_PT, cell.bold)
    return sum(len(_wrap(part or "–", chars)) for part in (cell.text or "–").split("\n"))


def _row_height(cells: list[_Cell], widths: list[float], minimum: float) -> float:
    """The height a table row needs for its cells' estimated lines, at least ``minimum``."""
    lines = max(_cell_lines(cell, width) for cell, width in zip(cells, widths))
    return max(minimum, round(lines * _line_height(TABLE_PT) + 2 * CELL_MARGIN_Y + 0.03, 3))


def _text_height(lines: list[_Line], width: float) -> float:
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

    def text(
        self,
        slide,
        left: float,
        top: float,
        width: float,
        height: float,
        lines: list[_Line],
        align: str = "left",
        anchor=MSO_ANCHOR.TOP,
    ) -> None:
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
            paragraph.alignment = (
                PP_ALIGN.CENTER if align == "center" else (PP_ALIGN.RIGHT if align == "right" else PP_ALIGN.LEFT)
            )
            paragraph.space_after = Pt(line.space_after)
            self._run(paragraph, line)

    def sentence(
        self, slide, text: str, top: float = BODY_TOP + 0.2, left: float = MARGIN, width: float = CONTENT_WIDTH
    ) -> None:
        """The sober sentence of a section without data."""
        self.text(slide, left, top, width, 0.8, [_Line(text, 20, italic=True, ink=MUTED)])

    def table(
        self,
        slide,
        left: float,
        top: float,
        widths: list[float],
        header: list[str],
        rows: list[list[_Cell]],
        row_height: float = 0.45,
        room: float | None = None,
        max_lines: int = 2,
    ) -> tuple[float, int]:
        """A table with a coloured header row, at most ``room`` inches high (down to ``BODY_BOTTOM``
        when not given); returns its estimated height in inches and how many of ``rows`` it shows.

        Each paragraph of a cell is cut to ``max_lines`` estimated lines (one for the header), each
        row is as high as its estimated lines need, and the rows that would not fit are left out."""
        room = BODY_BOTTOM - top if room is None else room

        def fitted(cell: _Cell, width: float, lines: int) -> _Cell:
            chars = _chars_per_line(width - 2 * CELL_MARGIN_X, TABLE_PT, cell.bold)
            text = "\n".join(_fit(part, chars, lines) or "–" for part in (cell.text or "–").split("\n"))
            return _Cell(text, cell.fill, cell.ink, cell.bold, cell.align)

        header_cells = [
            fitted(_Cell(text, fill=ACCENT, ink=WHITE, bold=True), width, 2) for text, width in zip(header, widths)
        ]
        body = [[fitted(cell, width, max_lines) for cell, width in zip(cells, widths)] for cells in rows]
        heights = [_row_height(header_cells, widths, row_height)]
        for cells in body:
            height = _row_height(cells, widths, row_height)
            if sum(heights) + height > room and len(heights) > 1:
                break
            heights.append(height)
        body = body[: len(heights) - 1]
        shape = slide.shapes.add_table(
            len(heights), len(widths), Inches(left), Inches(top), Inches(sum(widths)), Inches(sum(heights))
        )
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
                    self._run(
                        paragraph, _Line(part or "–", TABLE_PT, bold=cell.bold, ink=cell.ink or INK, space_after=0)
                    )
        return sum(heights), len(body)

    def picture(self, slide, png: bytes, left: float, top: float, width: float, height: float) -> None:
        """The image fitted into the box, aspect kept, centred across and set at the top."""
        pixels_wide, pixels_high = _png_size(png)
        scale = min(width / pixels_wide, height / pixels_high)
        shown_wide, shown_high = pixels_wide * scale, pixels_high * scale
        slide.shapes.add_picture(
            io.BytesIO(png),
            Inches(left + (width - shown_wide) / 2),
            Inches(top),
            Inches(shown_wide),
            Inches(shown_high),
        )

    def finish(self, footer: str) -> bytes:
        total = len(self.presentation.slides)
        for page, slide in enumerate(self.presentation.slides, start=1):
            self.rule(slide, MARGIN, 6.92, MARGIN + CONTENT_WIDTH, 6.92, RULE, 0.75)
            self.text(
                slide, MARGIN, 6.97, CONTENT_WIDTH - 1.6, 0.4, [_Line(footer, FOOTER_PT, ink=MUTED, space_after=0)]
            )
            self.text(
                slide,
                MARGIN + CONTENT_WIDTH - 1.5,
                6.97,
                1.5,
                0.4,
                [
                    _Line(
                        translate("qbr.page", self.language, page=page, total=total),
                        FOOTER_PT,
                        ink=MUTED,
                        space_after=0,
                    )
                ],
                align="right",
            )
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


NOTE_GAP = 0.1  # inches between a table and the note below it
NOTE_ROOM = 0.55  # inches kept below a table for an "and N more" note


def _note(
    deck: _Deck, slide, top: float, lines: list[_Line], left: float = MARGIN, width: float = CONTENT_WIDTH
) -> float:
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
