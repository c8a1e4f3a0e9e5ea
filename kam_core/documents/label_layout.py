"""Where each account's name goes on the portfolio matrix, so that no two names overlap and no name
covers a bubble — the matrix read from the back of a room. Pure geometry in pixels (no chart library,
no Streamlit): ``charts.matrix_chart`` draws what ``place_labels`` decides.

The rule, greedy and deterministic:

1. Accounts are taken most important first (``importance``): the selected account, then the
   Strategic quadrant, then Develop, Maintain, Opportunistic, each by revenue (largest first), then
   by name and id. Only the first ``max_named`` accounts are named at all; the others keep their
   bubble and tooltip.
2. Each account's name is tried at fixed positions around its bubble, nearest first: right, left,
   above, below, the four corners, above and below starting or ending at the bubble's centre; then
   the same twelve positions further out (``LEADER_STEPS``), joined to the bubble by a leader line.
   The first position whose box stays inside the plot and touches no name already placed, no bubble
   (each bubble counts at least ``MIN_RADIUS`` wide, so that a number fits there later), no leader
   line already drawn and no other obstacle (the quadrant names, the lines of the movement since the
   compared quarter) wins; a leader line may not cross a name or a bubble either. The positions
   that also keep clear of the quadrant lines and of the other leader lines are tried first; a name
   crosses a quadrant line or a leader line only when it would otherwise be a number.
3. A name that finds no place gets a number instead, in the same order (1, 2, ...), drawn on its
   bubble — or, when a number is already there, beside it (with a leader line, which may cross
   bubbles) — and listed "number  name" in the chart's legend. A number never covers a name or
   another number, and may cover a bubble or a line of movement (it is drawn on a white tag).
4. An account whose number finds no place either (only in a crowd of hundreds of bubbles) stays
   unnamed, like those beyond ``max_named``.

Text widths are estimated from the font size with the widths of DejaVu Sans (wider than the fonts a
browser or vl-convert draws with: Source Sans, Helvetica, Liberation Sans, Arial), so an estimated
box always holds the drawn text.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LINE_HEIGHT = 1.25  # a text box's height per pixel of font size
GAP = 4.0  # pixels between a bubble's edge and its name
PAD = 2.0  # pixels kept clear around every name
EDGE = 2.0  # pixels kept clear inside the plot's edge
MIN_RADIUS = 12.0  # every bubble counts at least this wide: room for its number
LEADER_STEPS = (22.0, 48.0, 84.0, 130.0)  # how much further out the names with a leader line go
NUMBER_STEPS = (*LEADER_STEPS, 180.0, 240.0, 320.0, 420.0)  # a number goes further out still rather than nowhere
CELL = 64.0  # side of the spatial index's cells, pixels

# Advance widths in em of DejaVu Sans Bold (the widest common sans-serif), rounded up, by class
_NARROW = set("'ijlIJ .,’/\\|:;!`")
_SEMI = set('f-()[]tr"*_–')
_WIDE = set("mwMW%@—…&#+<=>^~")
_WIDTHS = {"narrow": 0.40, "semi": 0.52, "lower": 0.72, "upper": 0.86, "wide": 1.11}
_QUADRANT_RANK = {"strategic": 0, "develop": 1, "maintain": 2, "opportunistic": 3}


def _char_width(char: str) -> float:
    base = unicodedata.normalize("NFD", char)[:1] or char  # é is as wide as e
    if base in _NARROW:
        return _WIDTHS["narrow"]
    if base in _SEMI:
        return _WIDTHS["semi"]
    if base in _WIDE or not base.isascii():
        return _WIDTHS["wide"]  # anything else (CJK, symbols) is taken as wide
    if base.isupper():
        return _WIDTHS["upper"]
    return _WIDTHS["lower"]


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """A width in pixels no smaller than ``text`` drawn at ``font_size`` in a common sans-serif."""
    return sum(_char_width(char) for char in text) * font_size * (1.0 if bold else 0.93)


def text_height(font_size: float) -> float:
    return font_size * LINE_HEIGHT


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        return (
            self.x0 < other.x1 + pad
            and other.x0 < self.x1 + pad
            and self.y0 < other.y1 + pad
            and other.y0 < self.y1 + pad
        )

    def touches_circle(self, cx: float, cy: float, radius: float) -> bool:
        nearest_x = min(max(cx, self.x0), self.x1)
        nearest_y = min(max(cy, self.y0), self.y1)
        return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < radius**2

    def inside(self, width: float, height: float, edge: float = EDGE) -> bool:
        return self.x0 >= edge and self.y0 >= edge and self.x1 <= width - edge and self.y1 <= height - edge


@dataclass(frozen=True)
class Point:
    """One account on the plot: its bubble's centre and radius in pixels (origin top left)."""

    key: int
    x: float
    y: float
    radius: float
    text: str


@dataclass(frozen=True)
class Label:
    """A name placed: ``x``, ``y`` its anchor (``align`` says which side of the text it is on,
    vertically the middle), ``leader`` the line from the bubble to the name when it stands apart."""

    key: int
    text: str
    x: float
    y: float
    align: str
    box: Box
    leader: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Numbered:
    """An account shown by a number (centred at ``x``, ``y``) and listed in the legend."""

    key: int
    number: int
    text: str
    x: float
    y: float
    box: Box
    leader: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Layout:
    labels: tuple[Label, ...]
    numbered: tuple[Numbered, ...]
    unnamed: tuple[int, ...]  # keys of accounts shown by their bubble only

    def boxes(self) -> list[Box]:
        return [label.box for label in self.labels] + [number.box for number in self.numbered]


def importance(selected: bool, quadrant: str | None, revenue: float | None, name: str, key: int) -> tuple:
    """The sort key of rule 1: smaller comes first."""
    rank = _QUADRANT_RANK.get(quadrant or "", len(_QUADRANT_RANK))
    money = -(revenue or 0.0) if revenue == revenue else 0.0  # NaN counts as nothing
    return (not selected, rank, money, name.casefold(), key)


class _Index:
    """Boxes, circles and segments bucketed by cell: a test touches only what is near."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.items: list[tuple] = []

    def _cells(self, x0: float, y0: float, x1: float, y1: float) -> Iterable[tuple[int, int]]:
        for i in range(math.floor(x0 / CELL), math.floor(x1 / CELL) + 1):
            for j in range(math.floor(y0 / CELL), math.floor(y1 / CELL) + 1):
                yield i, j

    def add(self, item: tuple, bounds: Box) -> None:
        self.items.append(item)
        number = len(self.items) - 1
        for cell in self._cells(bounds.x0, bounds.y0, bounds.x1, bounds.y1):
            self.cells.setdefault(cell, []).append(number)

    def near(self, bounds: Box) -> Iterable[tuple]:
        """What lies in the cells ``bounds`` touches (an item in two cells comes twice: a test's
        answer does not depend on the order or the repeats)."""
        for cell in self._cells(bounds.x0 - PAD, bounds.y0 - PAD, bounds.x1 + PAD, bounds.y1 + PAD):
            for number in self.cells.get(cell, ()):
                yield self.items[number]


def _span(segment: tuple[float, float, float, float]) -> Box:
    x0, y0, x1, y1 = segment
    return Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _segment_hits_box(segment: tuple[float, float, float, float], box: Box) -> bool:
    """Liang-Barsky clipping: does the segment enter the box?"""
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x0), (dx, box.x1 - x0), (-dy, y0 - box.y0), (dy, box.y1 - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _segments_cross(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Do two segments cross (each one's ends on both sides of the other)?"""

    def side(x0, y0, x1, y1, x, y):
        return (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)

    return side(*a, *b[:2]) * side(*a, *b[2:]) < 0 and side(*b, *a[:2]) * side(*b, *a[2:]) < 0


def _segment_hits_circle(segment: tuple[float, float, float, float], cx: float, cy: float, radius: float) -> bool:
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((cx - x0) * dx + (cy - y0) * dy) / length))
    return (x0 + t * dx - cx) ** 2 + (y0 + t * dy - cy) ** 2 < radius**2


_DIRECTIONS = (  # (dx, dy) unit direction, text alignment: right, left, above, below, the corners,
    # then above and below starting or ending at the bubble's centre
    ((1.0, 0.0), "left"),
    ((-1.0, 0.0), "right"),
    ((0.0, -1.0), "center"),
    ((0.0, 1.0), "center"),
    ((0.7071, -0.7071), "left"),
    ((0.7071, 0.7071), "left"),
    ((-0.7071, -0.7071), "right"),
    ((-0.7071, 0.7071), "right"),
    ((0.0, -1.0), "left"),
    ((0.0, -1.0), "right"),
    ((0.0, 1.0), "left"),
    ((0.0, 1.0), "right"),
)


def _candidates(point: Point, radius: float, width: float, height: float, steps: Sequence[float]):
    """(anchor x, anchor y, align, box, leader) around the bubble, nearest first."""
    for step_number, step in enumerate((0.0, *steps)):
        for (ux, uy), align in _DIRECTIONS:
            distance = radius + GAP + step
            # the box's nearest side or corner touches the circle of ``distance`` in that direction
            if align == "left":
                x0 = point.x + ux * distance
            elif align == "right":
                x0 = point.x + ux * distance - width
            else:
                x0 = point.x - width / 2
            if uy < 0:
                y0 = point.y + uy * distance - height
            elif uy > 0:
                y0 = point.y + uy * distance
            else:
                y0 = point.y - height / 2
            box = Box(x0, y0, x0 + width, y0 + height)
            anchor_x = {"left": box.x0, "right": box.x1, "center": (box.x0 + box.x1) / 2}[align]
            anchor_y = (box.y0 + box.y1) / 2
            leader = None
            if step_number:  # from the bubble's edge to the box's nearest point
                near_x = min(max(point.x, box.x0), box.x1)
                near_y = min(max(point.y, box.y0), box.y1)
                span = math.hypot(near_x - point.x, near_y - point.y) or 1.0
                start = (
                    point.x + (near_x - point.x) * point.radius / span,
                    point.y + (near_y - point.y) * point.radius / span,
                )
                leader = (start[0], start[1], near_x, near_y)
            yield anchor_x, anchor_y, align, box, leader


def place_labels(
    points: Sequence[Point],
    width: float,
    height: float,
    *,
    font_size: float = 16.0,
    number_size: float = 16.0,
    bold: frozenset[int] = frozenset(),
    obstacles: Sequence[Box] = (),
    circles: Sequence[tuple[float, float, float]] = (),
    segments: Sequence[tuple[float, float, float, float]] = (),
    soft_segments: Sequence[tuple[float, float, float, float]] = (),
    max_named: int = 60,
) -> Layout:
    """Names for ``points`` (already in order of importance, see ``importance``) on a plot of
    ``width`` x ``height`` pixels, by the rule of this module. ``bold`` names the keys written in bold
    (the selected account); ``obstacles`` are boxes no name may cover (the quadrant names);
    ``circles`` (x, y, radius) are marks no name may cover besides the bubbles (earlier positions),
    ``segments`` (x0, y0, x1, y1) lines no name may cross (the movement since the compared quarter),
    ``soft_segments`` lines a name crosses only when it finds no place otherwise (the quadrant lines)."""
    shapes = _Index()  # ("circle", x, y, r) | ("box", Box) | ("leader" | "movement" | "soft", segment)
    # bubbles at the same place (to the pixel) count once, as the largest of them
    discs: dict[tuple[int, int], tuple[float, float, float]] = {}
    for x, y, radius in [(point.x, point.y, max(point.radius, MIN_RADIUS)) for point in points] + list(circles):
        place = (round(x), round(y))
        if place not in discs or discs[place][2] < radius:
            discs[place] = (x, y, radius)
    for x, y, radius in discs.values():
        shapes.add(("circle", x, y, radius), Box(x - radius, y - radius, x + radius, y + radius))
    for box in obstacles:
        shapes.add(("box", box), box)
    for segment in segments:
        shapes.add(("movement", segment), _span(segment))
    for segment in soft_segments:
        shapes.add(("soft", segment), _span(segment))

    def fit(box: Box, leader, owner: Point, over_bubbles: bool) -> int:
        """0: the box (and its leader) may not go there; 1: only when nothing better is found (it
        crosses a quadrant line, or a number's leader crosses a name); 2: free."""
        if not box.inside(width, height):
            return 0
        grade = 2
        padded = Box(box.x0 - PAD, box.y0 - PAD, box.x1 + PAD, box.y1 + PAD)
        for shape in shapes.near(box):
            kind = shape[0]
            if kind == "box":
                if box.overlaps(shape[1], PAD):
                    return 0
            elif kind == "circle":
                if not over_bubbles and box.touches_circle(shape[1], shape[2], shape[3] + PAD):
                    return 0
            elif kind == "soft":
                if grade == 2 and _segment_hits_box(shape[1], padded):
                    grade = 1
            elif (kind == "leader" or not over_bubbles) and _segment_hits_box(shape[1], padded):
                return 0  # a leader line, or a line of movement (which a number may cover)
        if leader is not None:
            for shape in shapes.near(_span(leader)):
                if shape[0] == "box":
                    if _segment_hits_box(leader, shape[1]):
                        if not over_bubbles:
                            return 0
                        grade = 1
                elif shape[0] == "circle" and not over_bubbles:
                    mine = abs(shape[1] - owner.x) + abs(shape[2] - owner.y) < 2
                    if not mine and _segment_hits_circle(leader, *shape[1:]):
                        return 0
                elif shape[0] == "leader" and _segments_cross(leader, shape[1]):
                    grade = 1  # two leader lines crossing read badly: only as a last resort
        return grade

    def choose(options, owner: Point, over_bubbles: bool):
        """The first free option, else the first that fits only as a last resort, else None."""
        fallback = None
        for option in options:
            grade = fit(option[3], option[4], owner, over_bubbles)
            if grade == 2:
                return option
            if grade == 1 and fallback is None:
                fallback = option
        return fallback

    def claim(box: Box, leader) -> None:
        shapes.add(("box", box), box)
        if leader is not None:
            shapes.add(("leader", leader), _span(leader))

    named = [point for point in points if point.text.strip()][:max_named]
    labels: list[Label] = []
    waiting: list[Point] = []
    for point in named:
        size_w = text_width(point.text, font_size, point.key in bold)
        size_h = text_height(font_size)
        radius = max(point.radius, MIN_RADIUS)
        found = choose(_candidates(point, radius, size_w, size_h, LEADER_STEPS), point, over_bubbles=False)
        if found is None:
            waiting.append(point)
            continue
        x, y, align, box, leader = found
        claim(box, leader)
        labels.append(Label(point.key, point.text, x, y, align, box, leader))

    numbered: list[Numbered] = []
    unnamed = [point.key for point in points if point not in named]
    for point in waiting:
        number = len(numbered) + 1
        label = str(number)
        size_w, size_h = text_width(label, number_size, True), text_height(number_size)
        centre = Box(point.x - size_w / 2, point.y - size_h / 2, point.x + size_w / 2, point.y + size_h / 2)
        options = itertools.chain(
            [(point.x, point.y, "center", centre, None)],
            _candidates(point, point.radius, size_w, size_h, NUMBER_STEPS),
        )
        found = choose(options, point, over_bubbles=True)
        if found is None:
            unnamed.append(point.key)
            continue
        _, y, _, box, leader = found
        claim(box, leader)
        numbered.append(Numbered(point.key, number, point.text, (box.x0 + box.x1) / 2, y, box, leader))
    return Layout(tuple(labels), tuple(numbered), tuple(unnamed))
