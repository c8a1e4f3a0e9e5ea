"""The account names, numbers and bubbles of a drawn portfolio matrix, as boxes and circles in pixels,
and the overlaps between them: from an SVG file (vl-convert's, text measured with the font it draws
with) for the unit tests, from the browser's own boxes for the browser tests."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache

from PIL import ImageFont

SVG = "{http://www.w3.org/2000/svg}"
FONTS = {  # what vl-convert draws "sans-serif" with here (fc-match sans-serif)
    "normal": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}


@dataclass(frozen=True)
class Text:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float

    def overlaps(self, other: Text) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def covers(self, circle: tuple[float, float, float]) -> bool:
        cx, cy, r = circle
        nx, ny = min(max(cx, self.x0), self.x1), min(max(cy, self.y0), self.y1)
        return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r


@dataclass(frozen=True)
class Drawn:
    names: list[Text]  # account names written on the plot
    numbers: list[Text]  # numbers standing for accounts named in the legend
    bubbles: list[tuple[float, float, float]]  # x, y, radius
    legend: list[str]  # legend labels (the numbered accounts' "n  name")


def problems(drawn: Drawn) -> dict[str, list]:
    """Names or numbers overlapping each other; names over a bubble."""
    texts = drawn.names + drawn.numbers
    crossed = [(a.text, b.text) for i, a in enumerate(texts) for b in texts[i + 1 :] if a.overlaps(b)]
    covering = [name.text for name in drawn.names if any(name.covers(bubble) for bubble in drawn.bubbles)]
    return {"overlapping": crossed, "over_a_bubble": covering}


def names_in_trouble(drawn: Drawn) -> set[str]:
    """The names that overlap another name or cover a bubble (the issue's count)."""
    found = problems(drawn)
    return {name for pair in found["overlapping"] for name in pair} | set(found["over_a_bubble"])


@cache
def _font(weight: str, size: float):
    return ImageFont.truetype(FONTS["bold" if weight in ("bold", "700") else "normal"], size)


def _translate(element) -> tuple[float, float]:
    found = re.search(r"translate\(([-\d.e]+),\s*([-\d.e]+)\)", element.get("transform", ""))
    return (float(found.group(1)), float(found.group(2))) if found else (0.0, 0.0)


def from_svg(svg: str, account_names: set[str]) -> Drawn:
    """What vl-convert drew. A text is an account's name when its content is one (whatever layer it
    is in: this reads the chart of any version of ``matrix_chart``); a bubble is a filled circle of a
    symbol mark."""
    names, numbers, bubbles, legend = [], [], [], []

    def walk(element, dx: float, dy: float, kinds: str) -> None:
        tx, ty = _translate(element)
        x, y = dx + tx, dy + ty
        kind = element.get("class", "") or kinds
        tag = element.tag.removeprefix(SVG)
        if tag == "text":
            text = "".join(element.itertext())
            size = float(element.get("font-size", "11px").removesuffix("px"))
            font = _font(element.get("font-weight", "normal"), size)
            width = font.getlength(text)
            ascent, descent = font.getmetrics()
            anchor = element.get("text-anchor", "start")
            x0 = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
            box = Text(text, x0, y - ascent, x0 + width, y + descent, size)
            if "role-legend-label" in kind:
                legend.append(text)
            elif "account_numbers" in kind:
                numbers.append(box)
            elif "role-mark" in kind and text in account_names:
                names.append(box)
            return
        if (
            tag == "path"
            and "mark-symbol role-mark" in kind
            and element.get("fill", "none") not in ("none", "transparent")
        ):
            radius = re.match(r"M([\d.]+),0A", element.get("d", ""))
            if radius and float(element.get("opacity", "1")) > 0:
                bubbles.append((x, y, float(radius.group(1))))
        for child in element:
            walk(child, x, y, kind if tag == "g" and element.get("class") else kinds)

    walk(ET.fromstring(svg), 0.0, 0.0, "")
    return Drawn(names, numbers, bubbles, legend)


# In the browser: the same from the SVG elements Vega drew in the page (the chart is drawn as SVG
# there up to charts.SVG_UP_TO bubbles), with the boxes the browser computed.
BROWSER_SCRIPT = """
(chart) => {
  const svg = chart.querySelector('svg.marks');
  if (!svg) return null;
  const box = (element) => { const r = element.getBoundingClientRect();
    return {text: element.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
            size: parseFloat(getComputedStyle(element).fontSize)}; };
  const texts = (selector) => [...svg.querySelectorAll(selector)].map(box);
  const bubbles = [...svg.querySelectorAll('g[class*="bubbles_marks"] path')].map((element) => {
    const r = element.getBoundingClientRect();
    return [(r.left + r.right) / 2, (r.top + r.bottom) / 2, r.width / 2]; });
  const frame = svg.getBoundingClientRect();
  return {names: texts('g[class*="account_names"] text'), numbers: texts('g[class*="account_numbers"] text'),
          bubbles, legend: [...svg.querySelectorAll('.role-legend-label text')].map((e) => e.textContent),
          quadrants: texts('g[class*="quadrant_names"] text'),
          scale: frame.width / parseFloat(svg.getAttribute('width'))};
}
"""


def from_browser(found: dict) -> Drawn:
    def texts(rows):
        return [Text(row["text"], row["x0"], row["y0"], row["x1"], row["y1"], row["size"]) for row in rows]

    return Drawn(texts(found["names"]), texts(found["numbers"]), [tuple(b) for b in found["bubbles"]], found["legend"])
