"""A preview of a PowerPoint deck: one PNG per slide, drawn with Pillow from the deck read back with
python-pptx (no office suite on the server). Faithful, not pixel-perfect: the slide's background,
filled rectangles and lines, text frames (each run's size, bold and colour, paragraphs aligned and
wrapped to the shape's width with Liberation Sans's real metrics, anchored top, middle or bottom),
tables (cell fills, text, rows grown to their text as PowerPoint grows them), pictures (scaled into
their box) and charts (drawn from their data: lines with markers or bars, value axis, categories,
titles and legend). Italic is drawn upright; bullets, gradients, shadows and rotation are left out.
"""

from __future__ import annotations

import io
import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.dml import MSO_FILL, MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_AUTO_SHAPE_TYPE, MSO_SHAPE_TYPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.text.text import _Run
from pptx.util import Emu, Pt

FONTS = Path(__file__).resolve().parent / "fonts"
PREVIEW_WIDTH = 960  # pixels across a slide
EMU_PER_PT = 12700
DEFAULT_PT = 18  # PowerPoint's size for a run that names none
INK = (17, 24, 39)
WHITE = (255, 255, 255)
AXIS = (107, 114, 128)
GRID = (229, 231, 235)
TABLE_RULE = (199, 208, 219)
PALETTE = [(11, 79, 138), (21, 128, 61), (107, 114, 128), (180, 83, 9), (185, 28, 28), (109, 40, 217)]
LINE_SPACING = 1.2  # a line's height, in font sizes, when the paragraph names none
BAR_TYPES = {
    XL_CHART_TYPE.BAR_CLUSTERED,
    XL_CHART_TYPE.COLUMN_CLUSTERED,
    XL_CHART_TYPE.BAR_STACKED,
    XL_CHART_TYPE.COLUMN_STACKED,
}


@lru_cache(maxsize=256)
def _font(pixels: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), max(1, pixels))


def _rgb(colour) -> tuple[int, int, int] | None:
    """A python-pptx colour format as an RGB triple (None when it names no RGB colour)."""
    try:
        rgb = colour.rgb
    except (AttributeError, TypeError, ValueError):
        return None
    if rgb is None:
        return None
    text = str(rgb)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _solid(fill) -> tuple[int, int, int] | None:
    try:
        if fill.type == MSO_FILL.SOLID:
            return _rgb(fill.fore_color)
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return None
    return None


class _Canvas:
    """One slide's image, and EMU -> pixel."""

    def __init__(self, slide_width: int, slide_height: int, width: int, background) -> None:
        self.scale = width / slide_width
        self.image = Image.new("RGB", (width, max(1, round(slide_height * self.scale))), background)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, emu) -> float:
        return (emu or 0) * self.scale

    def font_px(self, points: float) -> int:
        return max(1, round(points * EMU_PER_PT * self.scale))


# --- text ---------------------------------------------------------------------------------------------


def _pieces(paragraph, default_pt: float, default_bold: bool, default_ink) -> list[tuple[str, float, bool, tuple]]:
    """The paragraph's runs as (text, points, bold, colour); a line break as ("\n", ...)."""
    pieces = []
    for child in paragraph._p.iterchildren():
        if child.tag == qn("a:br"):
            pieces.append(("\n", default_pt, default_bold, default_ink))
        elif child.tag in (qn("a:r"), qn("a:fld")):
            run = _Run(child, paragraph) if child.tag == qn("a:r") else None
            text = run.text if run is not None else "".join(child.itertext())
            font = run.font if run is not None else None
            size = font.size.pt if font is not None and font.size is not None else default_pt
            bold = font.bold if font is not None and font.bold is not None else default_bold
            ink = (_rgb(font.color) if font is not None else None) or default_ink
            pieces.append((text.replace("\v", "\n"), size, bool(bold), ink))
    return pieces


def _paragraph_defaults(paragraph, frame_pt: float | None) -> tuple[float, bool]:
    font = paragraph.font
    size = font.size.pt if font.size is not None else (frame_pt or DEFAULT_PT)
    return size, bool(font.bold)


def _layout(pieces, width: float, canvas: _Canvas, wrap: bool) -> list[list[tuple[str, float, bool, tuple, float]]]:
    """The pieces as lines of (word with its space, points, bold, colour, pixel width), wrapped at
    ``width`` pixels word by word (a word longer than a line is broken)."""
    lines: list[list] = [[]]
    used = 0.0
    for text, size, bold, ink in pieces:
        font = _font(canvas.font_px(size), bold)
        for part_index, part in enumerate(text.split("\n")):
            if part_index:
                lines.append([])
                used = 0.0
            for token in _tokens(part):
                advance = font.getlength(token)
                if wrap and used + advance > width and token.strip() and lines[-1]:
                    lines.append([])
                    used = 0.0
                    token = token.lstrip()
                    advance = font.getlength(token)
                while wrap and advance > width and len(token) > 1:  # one word wider than the box
                    cut = len(token)
                    while cut > 1 and font.getlength(token[:cut]) > width - used:
                        cut -= 1
                    lines[-1].append((token[:cut], size, bold, ink, font.getlength(token[:cut])))
                    lines.append([])
                    used = 0.0
                    token = token[cut:]
                    advance = font.getlength(token)
                if token:
                    lines[-1].append((token, size, bold, ink, advance))
                    used += advance
    return lines


def _tokens(text: str) -> list[str]:
    """Words, each with the spaces before it: "a  b" -> ["a", "  b"]."""
    tokens, current = [], ""
    for character in text:
        if character == " " and current.strip():
            tokens.append(current)
            current = ""
        current += character
    if current:
        tokens.append(current)
    return tokens


def _line_height(line, points: float, paragraph, canvas: _Canvas) -> float:
    size = max((piece[1] for piece in line), default=points)
    spacing = paragraph.line_spacing
    if spacing is None:
        return canvas.font_px(size) * LINE_SPACING
    if isinstance(spacing, float):
        return canvas.font_px(size) * LINE_SPACING * spacing
    return canvas.px(spacing)


def _frame_blocks(frame, width: float, canvas: _Canvas, frame_pt=None, bold=False, ink=INK):
    """Every paragraph of a text frame laid out: [(alignment, [(line, height)], before, after)]."""
    blocks = []
    for paragraph in frame.paragraphs:
        points, paragraph_bold = _paragraph_defaults(paragraph, frame_pt)
        pieces = _pieces(paragraph, points, paragraph_bold or bold, ink)
        lines = _layout(pieces, width, canvas, frame.word_wrap is not False)
        laid = [(line, _line_height(line, points, paragraph, canvas)) for line in lines]
        before = canvas.px(paragraph.space_before) if paragraph.space_before is not None else 0.0
        after = canvas.px(paragraph.space_after) if paragraph.space_after is not None else 0.0
        blocks.append((paragraph.alignment, laid, before, after))
    return blocks


def _blocks_height(blocks) -> float:
    return sum(before + sum(height for _, height in laid) + after for _, laid, before, after in blocks)


def _draw_blocks(canvas: _Canvas, blocks, left: float, top: float, width: float) -> None:
    y = top
    for alignment, laid, before, after in blocks:
        y += before
        for line, height in laid:
            length = sum(piece[4] for piece in line)
            if alignment == PP_ALIGN.CENTER:
                x = left + (width - length) / 2
            elif alignment == PP_ALIGN.RIGHT:
                x = left + width - length
            else:
                x = left
            for text, size, bold, ink, advance in line:
                font = _font(canvas.font_px(size), bold)
                ascent = font.getmetrics()[0]
                baseline = y + (height + canvas.font_px(size) * 0.8) / 2  # the text centred in its line
                canvas.draw.text((x, baseline - ascent), text, font=font, fill=ink)
                x += advance
            y += height
        y += after


def _inset(frame_or_cell, name: str, default_emu: int) -> int:
    value = getattr(frame_or_cell, name, None)
    return default_emu if value is None else value


def _text_frame(canvas: _Canvas, frame, left: int, top: int, width: int, height: int) -> None:
    x0 = canvas.px(left + _inset(frame, "margin_left", Emu(91440)))
    x1 = canvas.px(left + width - _inset(frame, "margin_right", Emu(91440)))
    y0 = canvas.px(top + _inset(frame, "margin_top", Emu(45720)))
    y1 = canvas.px(top + height - _inset(frame, "margin_bottom", Emu(45720)))
    blocks = _frame_blocks(frame, max(1.0, x1 - x0), canvas)
    used = _blocks_height(blocks)
    anchor = frame.vertical_anchor
    if anchor == MSO_ANCHOR.MIDDLE:
        y0 = y0 + (y1 - y0 - used) / 2
    elif anchor == MSO_ANCHOR.BOTTOM:
        y0 = y1 - used
    _draw_blocks(canvas, blocks, x0, y0, x1 - x0)


# --- shapes -------------------------------------------------------------------------------------------


def _box(canvas: _Canvas, shape) -> tuple[float, float, float, float]:
    left, top = canvas.px(shape.left), canvas.px(shape.top)
    return left, top, left + canvas.px(shape.width), top + canvas.px(shape.height)


def _line_style(canvas: _Canvas, line) -> tuple[tuple | None, int]:
    try:
        colour = _rgb(line.color) if line.fill.type == MSO_FILL.SOLID else None
        width = line.width
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return None, 0
    return colour, max(1, round(canvas.px(width or Pt(0.75))))


def _autoshape(canvas: _Canvas, shape) -> None:
    box = _box(canvas, shape)
    fill = _solid(shape.fill)
    outline, width = _line_style(canvas, shape.line)
    kind = None
    try:
        kind = shape.auto_shape_type
    except (AttributeError, ValueError, NotImplementedError):
        kind = None
    if fill is not None or outline is not None:
        if kind == MSO_AUTO_SHAPE_TYPE.OVAL:
            canvas.draw.ellipse(box, fill=fill, outline=outline, width=width if outline else 0)
        elif kind == MSO_AUTO_SHAPE_TYPE.ROUNDED_RECTANGLE:
            radius = min(box[2] - box[0], box[3] - box[1]) * 0.1
            canvas.draw.rounded_rectangle(box, radius, fill=fill, outline=outline, width=width if outline else 0)
        else:
            canvas.draw.rectangle(box, fill=fill, outline=outline, width=width if outline else 0)


def _connector(canvas: _Canvas, shape) -> None:
    colour, width = _line_style(canvas, shape.line)
    points = [
        (canvas.px(shape.begin_x), canvas.px(shape.begin_y)),
        (canvas.px(shape.end_x), canvas.px(shape.end_y)),
    ]
    canvas.draw.line(points, fill=colour or INK, width=width)


def _picture(canvas: _Canvas, shape) -> None:
    left, top, right, bottom = _box(canvas, shape)
    size = (max(1, round(right - left)), max(1, round(bottom - top)))
    with Image.open(io.BytesIO(shape.image.blob)) as picture:
        picture = picture.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)  # fast, and sharp enough
        if picture.mode != "RGBA":
            picture = picture.convert("RGBA")
        canvas.image.paste(picture, (round(left), round(top)), picture)


def _table(canvas: _Canvas, shape) -> None:
    table = shape.table
    left, top = canvas.px(shape.left), canvas.px(shape.top)
    widths = [canvas.px(column.width) for column in table.columns]
    y = top
    for row in table.rows:
        laid = []
        for index, cell in enumerate(row.cells):
            inner = widths[index] - canvas.px(cell.margin_left) - canvas.px(cell.margin_right)
            blocks = _frame_blocks(cell.text_frame, max(1.0, inner), canvas)
            laid.append(blocks)
        needed = max(
            (
                _blocks_height(blocks) + canvas.px(cell.margin_top) + canvas.px(cell.margin_bottom)
                for blocks, cell in zip(laid, row.cells)
            ),
            default=0.0,
        )
        height = max(canvas.px(row.height), needed)  # PowerPoint grows a row to its text
        x = left
        for index, (cell, blocks) in enumerate(zip(row.cells, laid)):
            box = (x, y, x + widths[index], y + height)
            fill = _solid(cell.fill)
            if fill is not None:
                canvas.draw.rectangle(box, fill=fill)
            top_inset, bottom_inset = canvas.px(cell.margin_top), canvas.px(cell.margin_bottom)
            used = _blocks_height(blocks)
            inner_top = y + top_inset
            if cell.vertical_anchor == MSO_ANCHOR.MIDDLE:
                inner_top = y + top_inset + (height - top_inset - bottom_inset - used) / 2
            elif cell.vertical_anchor == MSO_ANCHOR.BOTTOM:
                inner_top = y + height - bottom_inset - used
            inner_left = x + canvas.px(cell.margin_left)
            _draw_blocks(
                canvas, blocks, inner_left, inner_top, widths[index] - inner_left + x - canvas.px(cell.margin_right)
            )
            x += widths[index]
        canvas.draw.line([(left, y + height), (left + sum(widths), y + height)], fill=TABLE_RULE, width=1)
        y += height


# --- charts -------------------------------------------------------------------------------------------


def _series_colour(series, index: int) -> tuple:
    try:
        colour = _rgb(series.format.line.color)
        if colour is None:
            colour = _solid(series.format.fill)
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        colour = None
    return colour or PALETTE[index % len(PALETTE)]


def _nice_step(span: float) -> float:
    raw = (span or 1.0) / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)


def _value_range(axis, values: list[float]) -> tuple[float, float, float]:
    low, high = min(values, default=0.0), max(values, default=1.0)
    minimum = axis.minimum_scale if axis.minimum_scale is not None else min(0.0, low)
    maximum = axis.maximum_scale if axis.maximum_scale is not None else high
    if maximum <= minimum:
        maximum = minimum + 1.0
    step = axis.major_unit or _nice_step(maximum - minimum)
    if axis.maximum_scale is None:
        maximum = math.ceil(maximum / step) * step
    return minimum, maximum, step


def _label(value: float) -> str:
    return f"{value:g}"


def _title_text(holder, attribute: str) -> str:
    try:
        if not holder.has_title:
            return ""
        return getattr(holder, attribute).text_frame.text
    except (AttributeError, TypeError, ValueError):
        return ""


CHART_DEFAULT_PT = 10  # PowerPoint's size for a chart's text that names none


def _size_pt(font, default: float) -> float:
    try:
        size = font.size
    except (AttributeError, TypeError, ValueError):
        size = None
    return size.pt if size is not None else default


def _runs_pt(holder, attribute: str, default: float) -> float:
    """The size of the first sized run of ``holder``'s title (the chart's or an axis's), else ``default``."""
    try:
        if not holder.has_title:
            return default
        frame = getattr(holder, attribute).text_frame
    except (AttributeError, TypeError, ValueError):
        return default
    sizes = [run.font.size.pt for paragraph in frame.paragraphs for run in paragraph.runs if run.font.size]
    return sizes[0] if sizes else default


def chart_sizes(chart) -> dict[str, float]:
    """The points the chart's XML gives each of its texts (PowerPoint's defaults where it names none):
    the preview draws them at these sizes, not at sizes of its own."""
    text = _size_pt(chart.font, CHART_DEFAULT_PT)
    sizes = {"text": text, "title": _runs_pt(chart, "chart_title", text * 1.4)}
    try:
        sizes["legend"] = _size_pt(chart.legend.font, text) if chart.has_legend else text
    except (AttributeError, TypeError, ValueError):
        sizes["legend"] = text
    try:
        value_axis, category_axis = chart.value_axis, chart.category_axis
    except (AttributeError, TypeError, ValueError):
        return sizes | {"ticks": text, "category_ticks": text, "value_title": text, "category_title": text}
    sizes["ticks"] = _size_pt(value_axis.tick_labels.font, text)
    sizes["category_ticks"] = _size_pt(category_axis.tick_labels.font, text)
    sizes["value_title"] = _runs_pt(value_axis, "axis_title", text)
    sizes["category_title"] = _runs_pt(category_axis, "axis_title", text)
    return sizes


def series_dashed(series) -> bool:
    """Whether the chart's XML draws ``series``'s line dashed (any dash style but solid)."""
    try:
        dash = series.format.line.dash_style
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return False
    return dash is not None and dash != MSO_LINE_DASH_STYLE.SOLID


def _dashed_line(draw, points: list[tuple[float, float]], fill, width: int, dash: float) -> None:
    """A polyline drawn as dashes ``dash`` pixels long with gaps as long."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        if not length:
            continue
        step = 0.0
        while step < length:
            end = min(step + dash, length)
            draw.line(
                [
                    (x0 + (x1 - x0) * step / length, y0 + (y1 - y0) * step / length),
                    (x0 + (x1 - x0) * end / length, y0 + (y1 - y0) * end / length),
                ],
                fill=fill,
                width=width,
            )
            step += 2 * dash


def _title_lines(title: str, font, width: float) -> list[str]:
    """A chart's title wrapped at spaces to ``width`` pixels, as PowerPoint wraps it (none: no line)."""
    lines: list[str] = []
    for word in title.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _chart(canvas: _Canvas, shape) -> None:
    chart = shape.chart
    left, top, right, bottom = _box(canvas, shape)
    sizes = chart_sizes(chart)
    small = _font(canvas.font_px(sizes["ticks"]), False)
    legend_font = _font(canvas.font_px(sizes["legend"]), False)
    category_font = _font(canvas.font_px(sizes["category_ticks"]), False)
    value_title_font = _font(canvas.font_px(sizes["value_title"]), False)
    category_title_font = _font(canvas.font_px(sizes["category_title"]), False)
    title_font = _font(canvas.font_px(sizes["title"]), True)
    pad = canvas.font_px(6)
    title = _title_text(chart, "chart_title")
    for line in _title_lines(title, title_font, right - left - 2 * pad):  # PowerPoint wraps a long title
        canvas.draw.text(((left + right) / 2, top + pad), line, font=title_font, fill=INK, anchor="mt")
        top += canvas.font_px(sizes["title"]) * 1.4
    if title:
        top += pad
    plot = chart.plots[0]
    categories = [str(category) for category in plot.categories]
    series = [(one.name, [v for v in one.values], _series_colour(one, index)) for index, one in enumerate(plot.series)]
    dashed = {one.name for one in plot.series if series_dashed(one)}
    if chart.has_legend and series:  # one row at the bottom
        x = left + pad
        row = bottom - canvas.font_px(sizes["legend"]) * 1.6
        for name, _, colour in series:
            canvas.draw.rectangle((x, row + 3, x + 14, row + 9), fill=colour)
            canvas.draw.text((x + 18, row), str(name), font=legend_font, fill=INK)
            x += 30 + legend_font.getlength(str(name))
        bottom = row - pad
    values = [value for _, points, _ in series for value in points if value is not None]
    axis = chart.value_axis
    minimum, maximum, step = _value_range(axis, values)
    value_title = _title_text(axis, "axis_title")
    category_title = _title_text(chart.category_axis, "axis_title")
    if category_title:
        canvas.draw.text(((left + right) / 2, bottom), category_title, font=category_title_font, fill=AXIS, anchor="md")
        bottom -= canvas.font_px(sizes["category_title"]) * 1.4
    ticks = [minimum + index * step for index in range(int(round((maximum - minimum) / step)) + 1)]
    label_width = max((small.getlength(_label(tick)) for tick in ticks), default=0)
    title_px = canvas.font_px(sizes["value_title"])
    x0 = left + pad + label_width + (title_px * 1.5 if value_title else 0)
    if value_title:
        turned = Image.new("RGBA", (round(value_title_font.getlength(value_title)) + 2, title_px + 4), (0, 0, 0, 0))
        ImageDraw.Draw(turned).text((0, 0), value_title, font=value_title_font, fill=AXIS)
        turned = turned.rotate(90, expand=True)
        canvas.image.paste(turned, (round(left + pad / 2), round((top + bottom - turned.height) / 2)), turned)
    y1 = bottom - canvas.font_px(sizes["category_ticks"]) * 1.5
    x1, y0 = right - pad, top
    if x1 <= x0 or y1 <= y0:
        return

    def y_of(value: float) -> float:
        return y1 - (value - minimum) / (maximum - minimum) * (y1 - y0)

    for tick in ticks:
        canvas.draw.line([(x0, y_of(tick)), (x1, y_of(tick))], fill=GRID, width=1)
        canvas.draw.text((x0 - 4, y_of(tick)), _label(tick), font=small, fill=AXIS, anchor="rm")
    canvas.draw.line([(x0, y1), (x1, y1)], fill=AXIS, width=1)
    count = max(1, len(categories))
    slot = (x1 - x0) / count
    for index, category in enumerate(categories):
        canvas.draw.text((x0 + slot * (index + 0.5), y1 + 3), category, font=category_font, fill=AXIS, anchor="mt")
    if chart.chart_type in BAR_TYPES:
        bar = slot * 0.7 / max(1, len(series))
        for number, (_, points, colour) in enumerate(series):
            for index, value in enumerate(points):
                if value is None:
                    continue
                x = x0 + slot * index + slot * 0.15 + number * bar
                canvas.draw.rectangle((x, y_of(max(value, minimum)), x + bar - 1, y1), fill=colour)
        return
    width = max(2, canvas.font_px(3))
    for name, points, colour in series:
        line = [(x0 + slot * (index + 0.5), y_of(value)) for index, value in enumerate(points) if value is not None]
        if len(line) > 1 and name in dashed:  # the target: dashed, as the chart's XML says
            _dashed_line(canvas.draw, line, colour, width, canvas.font_px(6))
        elif len(line) > 1:
            canvas.draw.line(line, fill=colour, width=width, joint="curve")
        if name == series[0][0]:
            radius = max(2, canvas.font_px(3))
            for x, y in line:
                canvas.draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


# --- slides -------------------------------------------------------------------------------------------


def _background(slide) -> tuple:
    for holder in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        try:
            colour = _solid(holder.background.fill)
        except (AttributeError, TypeError, ValueError):
            colour = None
        if colour is not None:
            return colour
    return WHITE


def _shape(canvas: _Canvas, shape) -> None:
    kind = shape.shape_type
    if kind == MSO_SHAPE_TYPE.GROUP:
        for child in shape.shapes:
            _shape(canvas, child)
        return
    if getattr(shape, "has_chart", False) and shape.has_chart:
        try:
            _chart(canvas, shape)
        except ValueError:  # a kind of chart without axes (pie, doughnut): its box, as a placeholder
            canvas.draw.rectangle(_box(canvas, shape), fill=GRID)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        _table(canvas, shape)
        return
    if kind == MSO_SHAPE_TYPE.PICTURE:
        _picture(canvas, shape)
        return
    if kind == MSO_SHAPE_TYPE.LINE or shape.__class__.__name__ == "Connector":
        _connector(canvas, shape)
        return
    if kind in (MSO_SHAPE_TYPE.AUTO_SHAPE, MSO_SHAPE_TYPE.TEXT_BOX, MSO_SHAPE_TYPE.PLACEHOLDER):
        if kind == MSO_SHAPE_TYPE.AUTO_SHAPE:
            _autoshape(canvas, shape)
        if shape.has_text_frame and shape.width and shape.height:
            _text_frame(canvas, shape.text_frame, shape.left, shape.top, shape.width, shape.height)


def _render(deck, slide, width: int) -> bytes:
    canvas = _Canvas(deck.slide_width, deck.slide_height, width, _background(slide))
    for shape in slide.shapes:
        _shape(canvas, shape)
    out = io.BytesIO()
    canvas.image.save(out, format="PNG", compress_level=1)  # a few times faster than the default, a little larger
    return out.getvalue()


def render_slides(pptx: bytes, width: int = PREVIEW_WIDTH, workers: int = 1) -> list[bytes]:
    """One PNG per slide of the deck ``pptx`` (bytes), ``width`` pixels across, in slide order;
    ``workers`` threads draw the slides side by side."""
    deck = Presentation(io.BytesIO(pptx))
    slides = list(deck.slides)
    if workers <= 1:
        return [_render(deck, slide, width) for slide in slides]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda slide: _render(deck, slide, width), slides))
