"""The look and layout of the QBR deck (``kam_core.documents.qbr``): colours, sizes and the limits
per slide, how much room text takes, and ``_Deck``, the presentation with the few ways the pack draws
on a slide (titles, text boxes, tables, pictures, footers); notes below a table.

The deck's slides are built in ``kam_core.documents.qbr``; this module knows nothing of accounts.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import vl_convert
from PIL import ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
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
BODY_BOTTOM = 6.72  # the footer's rule is at 6.92: a table ending here leaves a visible gap above it
TITLE_PT, BODY_PT, TABLE_PT, FOOTER_PT = 30, 18, 16, 11

MAX_ROWS = 8  # table rows per slide, at most: more go on a next slide "(continued)"
FEW_ROWS = 3  # a table of at most this many rows may be set larger than TABLE_PT
LARGE_TABLE_PT, CONTINUED_PT = 20, TABLE_PT
MAX_UNITS = 5  # white space columns a slide; more units go on a next slide
MAX_KPI_CHARTS = 2
MAX_NEXT_MEETINGS = 3

_LANGUAGE_IDS = {"en": MSO_LANGUAGE_ID.ENGLISH_UK, "fr": MSO_LANGUAGE_ID.FRENCH}
_D3_LOCALES = {"en": "en-GB", "fr": "fr-FR"}


# --- small helpers ----------------------------------------------------------------------------------


# --- how much room text takes ---------------------------------------------------------------------
# python-pptx does not lay text out, so the deck measures it with the font it names: Liberation Sans
# (shipped in ``fonts/``, SIL Open Font License; metric-compatible with Arial, so PowerPoint draws the
# same widths even where it substitutes the font), through Pillow's FreeType. Lines are wrapped word
# by word as a text frame wraps them, with a small margin for kerning and hinting, and a line is
# taken as ``LINE_SPACING`` font sizes high (the font's own ascent + descent is 1.117 em). Nothing is
# ever cut: a text box steps its font down (never below ``MIN_PT``), a table steps its font down too,
# then the rows or paragraphs that still do not fit continue on a next slide "… (continued)".

FONT_NAME = "Liberation Sans"
FONTS = Path(__file__).resolve().parent / "fonts"
WIDTH_MARGIN = 1.03  # measured widths are taken 3 % wider than FreeType says
LINE_SPACING = 1.2
MIN_PT = 12  # body text and table text are never smaller
CELL_MARGIN_X, CELL_MARGIN_Y = 0.08, 0.05  # inches
BOX_MARGIN_X, BOX_MARGIN_Y = 0.1, 0.05  # a text box's own insets (python-pptx's default)
FILL = 0.55  # a table with few rows is stretched to cover this share of the body's height
MAX_STRETCHED_ROW = 1.5  # inches: no row is stretched higher


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf")), 1000)


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    return _font(bold).getlength(text) / 1000


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in inches of ``text`` on one line at ``size`` points (italic is measured as upright:
    Liberation Sans Italic has the same advance widths)."""
    return _em_width(text, bold) * size / 72 * WIDTH_MARGIN


def _words(text: str) -> list[str]:
    """``text``'s words, split at ordinary spaces only: a no-break space (a date's "27 Jan 2027" in the
    deck) keeps its parts on one line, as PowerPoint does."""
    return [word for word in re.split(r"[ \t\r\n]+", text) if word]


def wrap(text, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` wrapped word by word into lines at most ``width`` inches wide (a word wider than a
    line is broken, as a text frame breaks it); one paragraph, blank lines kept as one line."""
    return list(_wrapped(str(text or ""), round(width, 4), size, bool(bold)))


@lru_cache(maxsize=16384)
def _wrapped(text: str, width: float, size: float, bold: bool) -> tuple[str, ...]:
    lines, current = [], ""
    for word in _words(str(text or "")):
        while text_width(word, size, bold) > width and len(word) > 1:
            if current:
                lines.append(current)
                current = ""
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        if not current:
            current = word
        elif text_width(f"{current} {word}", size, bold) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return tuple(lines)


def _line_height(size: float) -> float:
    return size * LINE_SPACING / 72


def _cell_height(cell: _Cell, width: float, size: float) -> float:
    """The height in inches a table cell's text needs, margins included."""
    inner = width - 2 * CELL_MARGIN_X
    lines = sum(len(wrap(part or "–", inner, size, cell.bold)) for part in (cell.text or "–").split("\n"))
    return lines * _line_height(size) + 2 * CELL_MARGIN_Y


def _breaks_words(rows: list[list[_Cell]], widths: list[float], size: float) -> bool:
    """Whether some word of a cell is wider than its column at ``size`` (a table then steps down)."""
    return any(
        text_width(word, size, cell.bold) > 0.97 * (width - 2 * CELL_MARGIN_X)  # with room to spare
        for cells in rows
        for cell, width in zip(cells, widths)
        for word in _words(str(cell.text or ""))
    )


def _measured_row_height(cells: list[_Cell], widths: list[float], minimum: float, size: float = 16) -> float:
    """The height a table row needs for its cells' measured lines, at least ``minimum``."""
    needed = max(_cell_height(cell, width, size) for cell, width in zip(cells, widths))
    return max(minimum, round(needed + 0.02, 3))


def _paragraph_height(line: _Line, width: float, last: bool = True) -> float:
    count = len(wrap(line.text, width - 2 * BOX_MARGIN_X, line.size, line.bold))
    return count * _line_height(line.size) + (0 if last else line.space_after / 72)


def _text_height(lines: list[_Line], width: float) -> float:
    """The measured height of a text box ``width`` inches wide holding ``lines``."""
    lines = [line for line in lines if line.text]
    return 2 * BOX_MARGIN_Y + sum(
        _paragraph_height(line, width, index == len(lines) - 1) for index, line in enumerate(lines)
    )


def _smaller(lines: list[_Line], step: int) -> list[_Line]:
    """``lines`` with every size ``step`` points smaller, none below ``MIN_PT`` (or its own size if
    it was already smaller)."""
    return [replace(line, size=max(min(line.size, MIN_PT), line.size - step)) for line in lines]


# --- the workshop minutes' estimate (kam_core.documents.minutes_docs) ------------------------------
# The workshop minutes deck still estimates text by characters and cuts table cells to a few lines
# (its own continuation rule is in its module); these helpers and ``_Deck.table(..., max_lines=...)``
# keep that behaviour for it. The QBR deck uses the measured helpers above and never cuts.

CHAR_EM, BOLD_CHAR_EM = 0.53, 0.57
LEGACY_CELL_MARGIN_Y = 0.03


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


def _cell_lines(cell: _Cell, width: float) -> int:
    chars = _chars_per_line(width - 2 * CELL_MARGIN_X, TABLE_PT, cell.bold)
    return sum(len(_wrap(part or "–", chars)) for part in (cell.text or "–").split("\n"))


def _row_height(cells: list[_Cell], widths: list[float], minimum: float) -> float:
    """The height a table row needs for its cells' estimated lines (by characters), at least ``minimum``."""
    lines = max(_cell_lines(cell, width) for cell, width in zip(cells, widths))
    return max(minimum, round(lines * _line_height(TABLE_PT) + 2 * LEGACY_CELL_MARGIN_Y + 0.03, 3))


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
    """The presentation and the few ways this pack draws on a slide.

    ``slide(title, sources)`` starts a slide whose speaker notes name where its figures come from;
    ``text``, ``flow`` and ``table`` never cut: what does not fit at the smallest size allowed goes
    on a next slide titled "… (continued)", and the notes of both slides say so."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.layout = next(layout for layout in self.presentation.slide_layouts if layout.name == "Title Only")
        self.titles: list[str] = []
        self._notes: dict[int, list[str]] = {}  # slide id -> speaker notes, paragraph by paragraph
        self._base: dict[int, tuple[str, tuple[str, ...]]] = {}  # slide id -> its section's title, sources

    # text
    def _run(self, paragraph, line: _Line) -> None:
        run = paragraph.add_run()
        run.text = line.text
        font = run.font
        font.name = FONT_NAME
        font.size, font.bold, font.italic = Pt(line.size), line.bold, line.italic
        font.color.rgb = RGBColor.from_string(line.ink)
        font.language_id = _LANGUAGE_IDS.get(self.language, MSO_LANGUAGE_ID.ENGLISH_UK)

    def slide(self, title: str, sources: tuple[str, ...] = (), shown: str | None = None):
        """A new slide titled ``shown`` (``title`` unless given), its notes naming ``sources``."""
        slide = self.presentation.slides.add_slide(self.layout)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(0.35)
        shape.width, shape.height = Inches(CONTENT_WIDTH), Inches(0.9)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        shown = shown or title
        size = TITLE_PT  # a long account name in a title steps down, never below 20 pt
        while size > 20 and len(wrap(shown, CONTENT_WIDTH - 2 * BOX_MARGIN_X, size, True)) * _line_height(size) > 0.8:
            size -= 2
        self._run(paragraph, _Line(shown, size, bold=True, ink=ACCENT))
        self.rule(slide, MARGIN, 1.3, MARGIN + 1.4, 1.3, ACCENT, 4)
        self.titles.append(shown)
        self._base[slide.slide_id] = (title, tuple(sources))
        self._notes[slide.slide_id] = [
            translate("qbr.notes.source", self.language, source=source) for source in sources if source
        ]
        return slide

    def continued(self, slide):
        """The slide that continues ``slide``'s section, with the same sources."""
        title, sources = self._base[slide.slide_id]
        follow = self.slide(title, sources, shown=translate("qbr.continued", self.language, title=title))
        number = len(self.presentation.slides)
        self.note(slide, translate("qbr.notes.continues", self.language, page=number))
        self.note(follow, translate("qbr.notes.continued_from", self.language, page=number - 1))
        return follow

    def note(self, slide, text: str) -> None:
        if text:
            self._notes[slide.slide_id].append(text)

    def rule(self, slide, x1: float, y1: float, x2: float, y2: float, colour: str, width_pt: float) -> None:
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(x1), Inches(y1), Inches(x2), Inches(y2))
        line.line.color.rgb = RGBColor.from_string(colour)
        line.line.width = Pt(width_pt)

    def _box(self, slide, left, top, width, height, lines, align, anchor, shape=None) -> None:
        if shape is None:
            shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = Inches(BOX_MARGIN_X)
        frame.margin_top = frame.margin_bottom = Inches(BOX_MARGIN_Y)
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = (
                PP_ALIGN.CENTER if align == "center" else (PP_ALIGN.RIGHT if align == "right" else PP_ALIGN.LEFT)
            )
            paragraph.space_after = Pt(line.space_after)
            self._run(paragraph, line)

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
        exact: bool = False,
    ) -> tuple[float, list[_Line]]:
        """``lines`` in a box at most ``height`` inches high (as high as they need unless ``exact``),
        their font stepped down to fit (never below ``MIN_PT``); returns the box's height and the
        lines that still did not fit (whole paragraphs, or the end of one split between words)."""
        lines = [line for line in lines if line.text]
        if not lines:
            return 0.0, []
        step = 0
        while _text_height(_smaller(lines, step), width) > height and any(line.size - step > MIN_PT for line in lines):
            step += 1
        fitted, rest = _smaller(lines, step), []
        if _text_height(fitted, width) > height:  # keep what fits, paragraph by paragraph, then line by line
            kept: list[_Line] = []
            for index, line in enumerate(fitted):
                if _text_height([*kept, line], width) <= height:
                    kept.append(line)
                    continue
                words, head = _words(line.text), []
                while words and _text_height([*kept, replace(line, text=" ".join([*head, words[0]]))], width) <= height:
                    head.append(words.pop(0))
                if head:
                    kept.append(replace(line, text=" ".join(head)))
                    rest = [replace(lines[index], text=" ".join(words)), *lines[index + 1 :]]
                else:
                    rest = lines[index:]
                break
            if not kept:  # not even a first line fits here: all of it goes on
                return 0.0, lines
            fitted = kept
        used = height if exact else min(height, _text_height(fitted, width))
        self._box(slide, left, top, width, used, fitted, align, anchor)
        return used, rest

    def flow(self, slide, left: float, top: float, width: float, lines: list[_Line], bottom: float = BODY_BOTTOM):
        """``lines`` from ``top`` down to ``bottom``, continued on next slides while some are left;
        returns the last slide and the bottom of its text."""
        while True:
            used, rest = self.text(slide, left, top, width, bottom - top, lines)
            if not rest:
                return slide, top + used
            slide, top, lines = self.continued(slide), BODY_TOP, rest

    def statement(self, slide, text: str, top: float = BODY_TOP, left: float = MARGIN, width: float = CONTENT_WIDTH):
        """The layout of a section with one sentence to say: a tile across the body, the sentence large
        in its middle."""
        height = max(FILL * (BODY_BOTTOM - BODY_TOP), min(2.4, BODY_BOTTOM - top))
        height = min(height, BODY_BOTTOM - top)
        self.tile(slide, left, top, width, height, [_Line(text, 26, italic=True, ink=MUTED, space_after=0)])
        return top + height

    def tile(self, slide, left: float, top: float, width: float, height: float, lines: list[_Line], fill=BAND):
        """A filled rectangle holding ``lines`` centred (a key figure, a statement)."""
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        shape.line.fill.background()
        shape.shadow.inherit = False
        step = 0
        while _text_height(_smaller(lines, step), width) > height and any(line.size - step > MIN_PT for line in lines):
            step += 1
        self._box(slide, left, top, width, height, _smaller(lines, step), "center", MSO_ANCHOR.MIDDLE, shape=shape)

    def table(
        self,
        slide,
        left: float,
        top: float,
        widths: list[float],
        header: list[str],
        rows: list[list[_Cell]],
        row_height: float = 0.45,
        bottom: float = BODY_BOTTOM,
        fill: bool = True,
        largest: int = LARGE_TABLE_PT,
        *,
        room: float | None = None,
        max_lines: int | None = None,
    ) -> tuple[object, float]:
        """Every row of ``rows`` under a coloured header, from ``top`` down to ``bottom``; returns the
        slide the table ends on and its bottom in inches.

        Nothing is cut: each cell wraps, each row is as high as its measured lines; the font steps down
        from ``TABLE_PT`` to ``MIN_PT`` until every row fits (at most ``MAX_ROWS`` a slide), else the
        table goes on, header repeated, on next slides "… (continued)" at ``CONTINUED_PT``. A table of
        few rows is set larger (up to ``LARGE_TABLE_PT``) and stretched to cover ``FILL`` of the body
        (``fill``)."""
        if max_lines is not None:  # the workshop minutes: cut cells, rows left out, (height, shown)
            return self._clipped_table(slide, left, top, widths, header, rows, row_height, room, max_lines)
        header_cells = [_Cell(text, fill=ACCENT, ink=WHITE, bold=True) for text in header]

        def heights(size: float, chunk: list[list[_Cell]]) -> list[float]:
            return [_measured_row_height(cells, widths, row_height, size) for cells in [header_cells, *chunk]]

        size = next(
            (
                candidate
                for candidate in range(largest, MIN_PT - 1, -1)
                if (candidate <= TABLE_PT or len(rows) <= FEW_ROWS)
                and len(rows) <= MAX_ROWS
                and sum(heights(candidate, rows)) <= bottom - top
                and (candidate <= MIN_PT or not _breaks_words([header_cells, *rows], widths, candidate))
            ),
            None,
        )
        if size is None:  # continued, at a size still easy to read, the rows shared evenly by the slides
            size = min(CONTINUED_PT, largest)

            def chunks(limit: int) -> list[int]:
                counts, room, current = [], bottom - top, []
                for cells in rows:
                    if current and (len(current) >= limit or sum(heights(size, [*current, cells])) > room):
                        counts.append(len(current))
                        current, room = [], bottom - BODY_TOP
                    current.append(cells)
                return [*counts, len(current)]

            pages = len(chunks(MAX_ROWS))
            limit = MAX_ROWS
            while limit > 1 and len(chunks(limit - 1)) == pages:
                limit -= 1
            chunk = rows[: chunks(limit)[0]]
        else:
            chunk = rows
        sizes = heights(size, chunk)
        if fill and chunk:  # few rows: a table that covers the body
            wanted = FILL * (BODY_BOTTOM - BODY_TOP) * CONTENT_WIDTH / sum(widths)
            wanted = min(wanted, bottom - top)
            if sum(sizes) < wanted:
                extra = (wanted - sum(sizes)) / len(chunk)
                sizes = [sizes[0], *(max(height, min(height + extra, MAX_STRETCHED_ROW)) for height in sizes[1:])]
        self._draw_table(slide, left, top, widths, sizes, [header_cells, *chunk], size, CELL_MARGIN_Y)
        if len(chunk) < len(rows):
            return self.table(
                self.continued(slide),
                left,
                BODY_TOP,
                widths,
                header,
                rows[len(chunk) :],
                row_height,
                bottom,
                fill,
                size,  # the continued rows are never set larger than these
            )
        return slide, top + sum(sizes)

    def _clipped_table(
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
        row is as high as its estimated lines need, and the rows that would not fit are left out.
        The workshop minutes' behaviour (``table(..., max_lines=...)``); the QBR deck never cuts."""
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
        self._draw_table(slide, left, top, widths, heights, [header_cells, *body], TABLE_PT, LEGACY_CELL_MARGIN_Y)
        return sum(heights), len(body)

    def _draw_table(
        self,
        slide,
        left: float,
        top: float,
        widths: list[float],
        heights: list[float],
        rows: list[list[_Cell]],
        size: float,
        margin_y: float,
    ) -> None:
        """``rows`` (the header first) drawn as a table of these column widths and row heights, in
        inches: the header in the accent colour, the other rows banded, ``size`` points of type."""
        shape = slide.shapes.add_table(
            len(heights), len(widths), Inches(left), Inches(top), Inches(sum(widths)), Inches(sum(heights))
        )
        table = shape.table
        table.first_row, table.horz_banding = True, False
        for index, width in enumerate(widths):
            table.columns[index].width = Inches(width)
        for index, height in enumerate(heights):
            table.rows[index].height = Inches(height)
        for r, cells in enumerate(rows):
            for c, cell in enumerate(cells):
                target = table.cell(r, c)
                target.fill.solid()
                target.fill.fore_color.rgb = RGBColor.from_string(cell.fill or (BAND if r % 2 == 0 else WHITE))
                target.margin_left = target.margin_right = Inches(CELL_MARGIN_X)
                target.margin_top = target.margin_bottom = Inches(margin_y)
                target.vertical_anchor = MSO_ANCHOR.MIDDLE
                frame = target.text_frame
                frame.word_wrap = True
                for index, part in enumerate((cell.text or "–").split("\n")):
                    paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                    paragraph.alignment = PP_ALIGN.CENTER if cell.align == "center" else PP_ALIGN.LEFT
                    self._run(paragraph, _Line(part or "–", size, bold=cell.bold, ink=cell.ink or INK, space_after=0))

    def sentence(
        self, slide, text: str, top: float = BODY_TOP + 0.2, left: float = MARGIN, width: float = CONTENT_WIDTH
    ) -> None:
        """The sober sentence of a section without data (the workshop minutes; the QBR deck draws a
        ``statement``)."""
        self.text(slide, left, top, width, 0.8, [_Line(text, 20, italic=True, ink=MUTED)])

    def picture(
        self, slide, png: bytes, left: float, top: float, width: float, height: float, description: str = ""
    ) -> None:
        """The image fitted into the box, aspect kept, centred across and set at the top; ``description``
        is its alternative text (read aloud by screen readers, shown by PowerPoint's "Alt Text")."""
        pixels_wide, pixels_high = _png_size(png)
        scale = min(width / pixels_wide, height / pixels_high)
        shown_wide, shown_high = pixels_wide * scale, pixels_high * scale
        picture = slide.shapes.add_picture(
            io.BytesIO(png),
            Inches(left + (width - shown_wide) / 2),
            Inches(top),
            Inches(shown_wide),
            Inches(shown_high),
        )
        if description:
            picture.name = description[:60]
        picture._element._nvXxPr.cNvPr.set("descr", description)  # never the default "image.png"

    def finish(self, footer: str) -> bytes:
        total = len(self.presentation.slides)
        for page, slide in enumerate(self.presentation.slides, start=1):
            self.rule(slide, MARGIN, 6.92, MARGIN + CONTENT_WIDTH, 6.92, RULE, 0.75)
            self.text(
                slide, MARGIN, 6.95, CONTENT_WIDTH - 1.6, 0.5, [_Line(footer, FOOTER_PT, ink=MUTED, space_after=0)]
            )
            self.text(
                slide,
                MARGIN + CONTENT_WIDTH - 1.5,
                6.95,
                1.5,
                0.5,
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
            notes = self._notes.get(slide.slide_id) or []
            if notes:
                slide.notes_slide.notes_text_frame.text = "\n".join(notes)
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()


NOTE_GAP = 0.1  # inches between a table and the note below it


def _note(
    deck: _Deck, slide, top: float, lines: list[_Line], left: float = MARGIN, width: float = CONTENT_WIDTH
) -> tuple[object, float]:
    """``lines`` starting ``NOTE_GAP`` below ``top`` (a table's bottom), continued on a next slide
    when they do not fit; returns the slide they end on and their bottom."""
    lines = [line for line in lines if line.text]
    if not lines:
        return slide, top
    return deck.flow(slide, left, top + NOTE_GAP, width, lines)


def _labelled(label: str, text: str, language: str) -> str:
    return translate("brief.labelled", language).format(label=label, text=text)
