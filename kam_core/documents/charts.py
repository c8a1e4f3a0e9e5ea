"""Charts built with Altair, shared by the pages and by exports (PNG/SVG, the QBR pack).

Sizes are for a projector: large axis labels, account names of 16 px and more beside the bubbles,
placed so that none overlaps another or a bubble (``label_layout``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import altair as alt
import pandas as pd
import pyarrow as pa

from kam_core.common.formatting import vega_locale
from kam_core.documents.label_layout import Box, Layout, Point, importance, place_labels, text_height, text_width

MATRIX_SELECTION = "pick"
QUADRANT_FILL = {"strategic": "#E3F1EA", "develop": "#FBF0DD", "maintain": "#E4EDF8", "opportunistic": "#F1F2F4"}


_ALTAIR_LOCK = threading.Lock()  # Altair's data transformer and theme are global to the process's threads
VALIDATE_SPECS = False  # the tests turn it on: every spec a page or a file draws is checked against the schema


def localized(spec: dict, language: str | None, currency: str = "EUR") -> dict:
    """``spec`` with the language's Vega locale in its config (``formatting.vega_locale``): its
    month names ("%b %Y" reads "juil. 2026"), decimals, thousands, "%" and currency ("$" in a
    d3 format) on axes, legends and tooltips, whatever the browser's or the renderer's own locale.
    Every chart a page draws states its locale, English too: a browser keeps no locale from an
    earlier chart. ``language`` None leaves the spec as it is."""
    if language is not None:
        spec["config"] = {**spec.get("config", {}), "locale": vega_locale(language, currency)}
    return spec


def chart_dict(chart: alt.TopLevelMixin, language: str | None = None, currency: str = "EUR") -> dict:
    """The Vega-Lite spec of ``chart`` with its data inline and no row limit (a programme of 10,000
    accounts draws 10,000 bubbles), for the files (PNG, SVG, the QBR deck), in ``language``'s
    locale (``localized``). Every switch of Altair's global settings happens under one lock,
    shared with ``chart_spec``: two sessions exporting at once never see each other's transformer."""
    with _ALTAIR_LOCK, alt.data_transformers.disable_max_rows():
        spec = chart.to_dict(validate=VALIDATE_SPECS)
    return localized(spec, language, currency)


def chart_spec(chart: alt.TopLevelMixin, language: str | None = None, currency: str = "EUR") -> dict:
    """The Vega-Lite spec of ``chart``, its tables kept as Arrow tables under ``datasets`` (a page
    draws it with ``st.vega_lite_chart``, which sends them as they are, like ``st.altair_chart``),
    in ``language``'s locale (``localized``).

    Built once and drawn at every rerun (``memo.draw_chart``). Validating a spec against the
    Vega-Lite schema costs more than drawing it, so it is skipped here; the tests validate every
    spec the pages draw (``VALIDATE_SPECS``)."""
    kept: dict[str, pa.Table] = {}

    def keep(data):
        name = f"table_{len(kept)}"
        # as Arrow once: drawing the spec again sends the table without converting it from pandas each time
        kept[name] = pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False)
        return {"name": name}

    with _ALTAIR_LOCK:
        alt.data_transformers.register("kam_keep_tables", keep)
        # Altair's default theme sets a 300 x 300 view that st.altair_chart drops too
        with alt.theme.enable("none"), alt.data_transformers.enable("kam_keep_tables"):
            spec = chart.to_dict(validate=VALIDATE_SPECS)
    spec["datasets"] = {**spec.get("datasets", {}), **kept}
    return localized(spec, language, currency)


# Quadrant colours chosen to stay distinct on a washed-out projector and for colour-blind readers;
# the pages, the charts and the QBR deck all use them.
SEGMENT_COLOURS = {
    "strategic": "#0B6E4F",
    "develop": "#C77700",
    "maintain": "#1F5FA8",
    "opportunistic": "#6B7280",
    "unscored": "#9CA3AF",
}


@dataclass(frozen=True)
class MatrixLabels:
    """Every word the chart shows, already translated."""

    attractiveness: str
    strength: str
    quadrants: dict[str, str]  # code -> name shown
    name: str
    revenue: str
    potential: str
    share_of_wallet: str
    kam: str
    quadrant: str
    sector: str
    previous: str
    numbered: str = ""  # the title of the legend of the accounts shown by a number


def _quadrant_areas(
    attractiveness_threshold: float, strength_threshold: float, labels: MatrixLabels, width: float, height: float
) -> pd.DataFrame:
    """The four quadrants, each with its name in its outer corner (8 pixels from the plot's edges)."""
    a, s = attractiveness_threshold, strength_threshold
    half = text_height(QUADRANT_NAME_SIZE) / 2
    left, right = 10 / width * 10, 10 - 10 / width * 10
    top, bottom = 10 - (8 + half) / height * 10, (8 + half) / height * 10
    areas = [  # code, x from, x to, y from, y to, label anchor
        ("develop", 0, s, a, 10, left, top, "left"),
        ("strategic", s, 10, a, 10, right, top, "right"),
        ("opportunistic", 0, s, 0, a, left, bottom, "left"),
        ("maintain", s, 10, 0, a, right, bottom, "right"),
    ]
    return pd.DataFrame(
        [
            {
                "code": code,
                "x": x,
                "x2": x2,
                "y": y,
                "y2": y2,
                "lx": lx,
                "ly": ly,
                "align": align,
                "label": labels.quadrants[code],
            }
            for code, x, x2, y, y2, lx, ly, align in areas
        ]
    )


def _quadrant_boxes(areas: pd.DataFrame, width: float, height: float) -> list[Box]:
    """Where the quadrant names stand, in pixels: no account name may cover them."""
    boxes = []
    for row in areas.itertuples():
        x, y = row.lx / 10 * width, (1 - row.ly / 10) * height
        w, h = text_width(row.label, QUADRANT_NAME_SIZE, bold=True), text_height(QUADRANT_NAME_SIZE)
        x0 = x if row.align == "left" else x - w
        boxes.append(Box(x0, y - h / 2, x0 + w, y + h / 2))
    return boxes


QUADRANT_NAME_SIZE = 22
BUBBLE_AREA = (120.0, 2600.0)  # pixels², of the bubble's bounding square (Vega's size), smallest and largest
SELECTED_RING = 1400.0  # pixels², the ring around the selected account
EARLIER_MARK = 60.0  # pixels², the hollow circle where an account stood in the compared quarter
MATRIX_WIDTH = 1000  # pixels of the plot (the files' default; the page passes its own)
MATRIX_HEIGHT = 700
MAX_NAMED = 60  # accounts named or numbered at most (the most important first, see label_layout)
STRETCH_WIDTHS = (600, 800, 1000, 1250, 1500, 1800)  # plot widths a stretched page chart has names for
STRETCH_UP_TO = 150  # accounts: beyond, the names are placed once, for the narrowest plot (it costs less)
SVG_UP_TO = 600  # bubbles drawn as SVG in the page (names and numbers are then elements the tests can read)


def label_font_size(width: float) -> int:
    """Account names: 16 px, 18 px on a plot of 1,400 px and more."""
    return 18 if width >= 1400 else 16


def matrix_layout(
    scored: pd.DataFrame,
    *,
    width: float,
    height: float,
    selected_id: int | None = None,
    obstacles: tuple[Box, ...] = (),
    earlier: bool = False,
    thresholds: tuple[float, float] | None = None,
) -> Layout:
    """Where the names of ``scored`` (the bubbles drawn, with ``area``) go on a plot of ``width`` x
    ``height`` pixels; ``earlier``: the hollow circles and lines of the compared quarter are in the way
    too; ``thresholds`` (attractiveness, strength): so are the quadrant lines."""
    x = scored["strength"].to_numpy(float) / 10 * width
    y = (1 - scored["attractiveness"].to_numpy(float) / 10) * height
    # Vega's size is the area of the symbol's bounding square: a circle's radius is half its side
    radius = scored["area"].to_numpy(float) ** 0.5 / 2 + 1
    keys = scored["account_id"].tolist()
    names = scored["name"].fillna("").astype(str).tolist()
    quadrants = scored["quadrant"].tolist()
    revenues = scored["revenue"].astype(float).tolist() if "revenue" in scored else [0.0] * len(scored)
    ring = SELECTED_RING**0.5 / 2 + 2
    points = [
        Point(key, float(px), float(py), max(float(r), ring) if key == selected_id else float(r), name)
        for key, px, py, r, name in zip(keys, x, y, radius, names)
    ]
    order = sorted(
        range(len(points)),
        key=lambda i: importance(keys[i] == selected_id, quadrants[i], revenues[i], names[i], keys[i]),
    )
    circles, segments, lines = [], [], []
    if thresholds is not None:
        line_y, line_x = (1 - thresholds[0] / 10) * height, thresholds[1] / 10 * width
        lines = [(line_x, 0.0, line_x, float(height)), (0.0, line_y, float(width), line_y)]
    if earlier and "prev_strength" in scored:
        before = scored[scored["prev_strength"].notna()]
        mark = EARLIER_MARK**0.5 / 2 + 1.5
        for s, a, s_now, a_now in zip(
            before["prev_strength"].astype(float),
            before["prev_attractiveness"].astype(float),
            before["strength"].astype(float),
            before["attractiveness"].astype(float),
        ):
            start = (s / 10 * width, (1 - a / 10) * height)
            circles.append((*start, mark))
            segments.append((*start, s_now / 10 * width, (1 - a_now / 10) * height))
    size = label_font_size(width)
    return place_labels(
        [points[i] for i in order],
        width,
        height,
        font_size=size,
        number_size=size,
        bold=frozenset({selected_id}) if selected_id is not None else frozenset(),
        obstacles=obstacles,
        circles=circles,
        segments=segments,
        soft_segments=lines,
        max_named=MAX_NAMED,
    )


def matrix_chart(
    points: pd.DataFrame,
    *,
    attractiveness_threshold: float,
    strength_threshold: float,
    labels: MatrixLabels,
    size_by: str = "revenue",
    colour_by: str = "quadrant",
    colours: dict[str, str] | None = None,
    show_movement: bool = False,
    selected_id: int | None = None,
    width: int = MATRIX_WIDTH,
    height: int = MATRIX_HEIGHT,
    stretch: bool = False,
    interactive: bool = True,
) -> alt.LayerChart:
    """Attractiveness up, our strength across (both 0-10), quadrant areas, lines and names;
    one bubble per scored account sized by revenue or potential and coloured by quadrant,
    sector or KAM; optional arrows from the earlier period; the selected account ringed and named
    in bold.

    ``width`` x ``height`` is the plot's size in pixels (axes and legends come around it): the
    account names are placed for it by ``label_layout`` (no two overlap, none covers a bubble; the
    names that find no place are numbered and listed in a legend below). ``stretch`` (a page): the
    plot fills its column's width (Vega's fit-x) and keeps its height; the names are also placed for
    each of ``STRETCH_WIDTHS`` above ``width`` (up to ``STRETCH_UP_TO`` accounts), and the chart draws
    the layout of the widest of them the plot holds — a plot wider than its layout only moves bubbles
    and names apart. A column narrower than ``width`` draws the names placed for ``width`` (they may
    then touch): the page chooses a ``width`` its narrowest column holds."""
    scale_x = alt.Scale(domain=[0, 10], nice=False, zero=True)
    scale_y = alt.Scale(domain=[0, 10], nice=False, zero=True)
    axis = {"labelFontSize": 16, "titleFontSize": 18, "titleFontWeight": "bold", "tickCount": 10, "grid": False}
    areas = _quadrant_areas(attractiveness_threshold, strength_threshold, labels, width, height)
    background = (
        alt.Chart(areas)
        .mark_rect(opacity=0.9)
        .encode(
            x=alt.X("x:Q", scale=scale_x, title=labels.strength, axis=alt.Axis(**axis)),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=scale_y, title=labels.attractiveness, axis=alt.Axis(**axis)),
            y2="y2:Q",
            color=alt.Color(
                "code:N", scale=alt.Scale(domain=list(QUADRANT_FILL), range=list(QUADRANT_FILL.values())), legend=None
            ),
        )
    )
    lines = alt.Chart(pd.DataFrame({"x": [strength_threshold], "y": [attractiveness_threshold]}))
    thresholds = lines.mark_rule(color="#4B5563", strokeWidth=2, strokeDash=[6, 4]).encode(x="x:Q") + lines.mark_rule(
        color="#4B5563", strokeWidth=2, strokeDash=[6, 4]
    ).encode(y="y:Q")
    quadrant_names = alt.layer(
        *[
            alt.Chart(areas[areas["align"] == align])
            .mark_text(
                align=align,
                baseline="middle",
                fontSize=QUADRANT_NAME_SIZE,
                fontWeight="bold",
                opacity=0.55,
                color="#1F2937",
            )
            .encode(x="lx:Q", y="ly:Q", text="label:N")
            .properties(name=f"quadrant_names_{align}")
            for align in ("left", "right")
        ]
    )

    used = [
        "account_id",
        "name",
        "strength",
        "attractiveness",
        "quadrant",
        "revenue",
        "potential_3y",
        "share_of_wallet_pct",
        "kam",
        "sector",
        "prev_strength",
        "prev_attractiveness",
        "prev_quadrant",
    ]
    # only the columns drawn or shown in a tooltip go to the browser
    scored = points.loc[points["scored"], [column for column in used if column in points]].copy()
    size_value = scored[size_by].astype(float).fillna(0).clip(lower=0)
    largest = float(size_value.max()) if len(size_value) and size_value.max() > 0 else 1.0
    # the bubble's area in pixels², computed here so that the names are placed around the bubbles drawn
    scored["area"] = BUBBLE_AREA[0] + (BUBBLE_AREA[1] - BUBBLE_AREA[0]) * size_value / largest
    scored["quadrant_label"] = scored["quadrant"].map(labels.quadrants)
    if "share_of_wallet_pct" in scored:  # as a share, for the tooltip's "%" format
        scored["share_of_wallet"] = scored["share_of_wallet_pct"] / 100.0
    colour_field = {"quadrant": "quadrant_label", "sector": "sector", "kam": "kam"}[colour_by]
    if colour_by == "quadrant" and colours:
        colour_scale = alt.Scale(
            domain=[labels.quadrants[c] for c in colours if c in labels.quadrants],
            range=[colours[c] for c in colours if c in labels.quadrants],
        )
    else:
        colour_scale = alt.Scale(scheme="category20")
    tooltip = [
        alt.Tooltip("name:N", title=labels.name),
        alt.Tooltip("attractiveness:Q", title=labels.attractiveness, format=".1f"),
        alt.Tooltip("strength:Q", title=labels.strength, format=".1f"),
        alt.Tooltip("quadrant_label:N", title=labels.quadrant),
        # "$" and "%" as the chart's locale writes them: "€28,226,000" / "28 226 000 €", "51%" / "51 %"
        alt.Tooltip("revenue:Q", title=labels.revenue, format="$,.0f"),
        alt.Tooltip("share_of_wallet:Q", title=labels.share_of_wallet, format=".0%"),
        alt.Tooltip("kam:N", title=labels.kam),
        alt.Tooltip("sector:N", title=labels.sector),
    ]
    base = alt.Chart(scored)
    bubble = (
        base.mark_circle(opacity=0.85, stroke="white", strokeWidth=1.5)
        .encode(
            x=alt.X("strength:Q", scale=scale_x),
            y=alt.Y("attractiveness:Q", scale=scale_y),
            size=alt.Size("area:Q", scale=None, legend=None),
            color=alt.Color(
                f"{colour_field}:N",
                scale=colour_scale,
                # labelLimit 0: a legend entry is never cut with "…" (Vega's default limit is 160 px)
                legend=alt.Legend(title=None, orient="top", labelFontSize=16, symbolSize=220, columns=4, labelLimit=0),
            ),
            tooltip=tooltip,
        )
        .properties(name="bubbles")
    )
    if interactive:
        bubble = bubble.add_params(alt.selection_point(name=MATRIX_SELECTION, fields=["account_id"], on="click"))
    layers = [background, thresholds, quadrant_names]
    movement = show_movement and "prev_strength" in scored
    if movement:
        moved = scored[scored["prev_strength"].notna()]
        layers.append(
            alt.Chart(moved)
            .mark_rule(color="#374151", strokeWidth=1.5, opacity=0.7)
            .encode(x="prev_strength:Q", y="prev_attractiveness:Q", x2="strength:Q", y2="attractiveness:Q")
        )
        layers.append(
            alt.Chart(moved)
            .mark_point(shape="circle", filled=False, size=EARLIER_MARK, color="#374151", opacity=0.8)
            .encode(
                x="prev_strength:Q",
                y="prev_attractiveness:Q",
                tooltip=[
                    alt.Tooltip("name:N", title=labels.name),
                    alt.Tooltip("prev_quadrant:N", title=labels.previous),
                ],
            )
        )
    layers.append(bubble)
    if selected_id is not None and (scored["account_id"] == selected_id).any():
        layers.append(
            alt.Chart(scored[scored["account_id"] == selected_id])
            .mark_point(shape="circle", filled=False, size=SELECTED_RING, strokeWidth=3.5, color="#111827")
            .encode(x="strength:Q", y="attractiveness:Q")
        )
    # a page's plot may stretch wider than ``width``: the names are placed again for wider plots
    wider = stretch and len(scored) <= STRETCH_UP_TO
    widths = [width, *(w for w in STRETCH_WIDTHS if w > width)] if wider else [width]
    designs = []
    for low, high in zip(widths, [*widths[1:], 100_000], strict=True):
        layout = matrix_layout(
            scored,
            width=low,
            height=height,
            selected_id=selected_id,
            obstacles=tuple(_quadrant_boxes(areas, low, height)),
            earlier=movement,
            thresholds=(attractiveness_threshold, strength_threshold),
        )
        designs.append((0 if low == width else low, high, low, layout))  # narrower than ``width``: its names
    layers.extend(_name_layers(designs, height, selected_id, labels))
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent", size="independent", shape="independent")
        .properties(width=width, height=height)
        .configure_view(stroke="#9CA3AF")
    )
    if stretch:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    if len(scored) <= SVG_UP_TO:
        chart = chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})
    return chart


def _name_layers(
    designs: list[tuple[float, float, float, Layout]], height: float, selected_id: int | None, labels: MatrixLabels
) -> list:
    """The names, their leader lines, the numbers and the legend of the numbers, in data units (the
    layout's pixels turned back into scores: a wider plot spreads them as it spreads the bubbles).

    ``designs``: (from width, to width, width placed for, layout) — each layout is drawn while the
    plot's width (Vega's ``width`` signal) is in its range, so that a page's chart stretched to a wide
    column names as many accounts as that width holds; a single design is drawn at every width."""
    rows: dict[str, list[dict]] = {"leaders": [], "names": [], "numbers": []}
    for low, high, width, layout in designs:

        def sx(x: float, width: float = width) -> float:
            return x / width * 10

        def sy(y: float) -> float:
            return 10 - y / height * 10

        size = label_font_size(width)
        scope = {"low": low, "high": high}
        for item in (*layout.labels, *layout.numbered):
            if item.leader:
                a, b, c, d = item.leader
                rows["leaders"].append({**scope, "x": sx(a), "y": sy(b), "x2": sx(c), "y2": sy(d)})
        for label in layout.labels:
            rows["names"].append(
                {
                    **scope,
                    "x": sx(label.x),
                    "y": sy(label.y),
                    "name": label.text,
                    "align": label.align,
                    "bold": label.key == selected_id,
                    "font": size,
                }
            )
        for item in layout.numbered:
            rows["numbers"].append(
                {
                    **scope,
                    "x": sx(item.x),
                    "y": sy(item.y),
                    "x0": sx(item.box.x0),
                    "x1": sx(item.box.x1),
                    "y0": sy(item.box.y0),
                    "y1": sy(item.box.y1),
                    "number": item.number,
                    "label": str(item.number),
                    "entry": f"{item.number}  {item.text}",
                    "font": size,
                }
            )

    def chart(frame: pd.DataFrame) -> alt.Chart:
        drawn = alt.Chart(frame)
        if len(designs) > 1:
            drawn = drawn.transform_filter("datum.low <= width && width < datum.high")
        return drawn

    layers = []
    if rows["leaders"]:
        layers.append(
            chart(pd.DataFrame(rows["leaders"]))
            .mark_rule(color="#374151", strokeWidth=1.2)
            .encode(x="x:Q", y="y:Q", x2="x2:Q", y2="y2:Q")
            .properties(name="leaders")
        )
    names = pd.DataFrame(rows["names"])
    for align in ("left", "right", "center"):
        for bold in (False, True):
            chosen = names[(names["align"] == align) & (names["bold"] == bold)] if len(names) else names
            if chosen.empty:
                continue
            layers.append(
                chart(chosen.drop(columns=["align", "bold"]))
                .mark_text(align=align, baseline="middle", fontWeight="bold" if bold else "normal", color="#111827")
                .encode(x="x:Q", y="y:Q", text="name:N", size=alt.Size("font:Q", scale=None))
                .properties(name=f"account_names_{align}{'_selected' if bold else ''}")
            )
    if rows["numbers"]:
        frame = pd.DataFrame(rows["numbers"])
        layers.append(
            chart(frame)
            .mark_rect(fill="white", stroke="#111827", strokeWidth=1, cornerRadius=3, opacity=0.95)
            .encode(x="x0:Q", x2="x1:Q", y="y0:Q", y2="y1:Q")
        )
        layers.append(
            chart(frame)
            .mark_text(align="center", baseline="middle", fontWeight="bold", color="#111827")
            .encode(x="x:Q", y="y:Q", text="label:N", size=alt.Size("font:Q", scale=None))
            .properties(name="account_numbers")
        )
        size = label_font_size(designs[0][2])
        widest = max(text_width(entry, size) for entry in frame["entry"]) + 24
        layers.append(
            chart(frame)
            .mark_point(opacity=0, size=1)
            .encode(
                x="x:Q",
                y="y:Q",
                shape=alt.Shape(
                    "entry:N",
                    sort=alt.EncodingSortField("number", op="min"),
                    scale=alt.Scale(range=["circle"]),
                    legend=alt.Legend(
                        title=labels.numbered or None,
                        orient="bottom",
                        columns=alt.ExprRef(f"max(1, floor(width / {widest:.0f}))"),  # as many as fit
                        labelFontSize=size,
                        titleFontSize=size,
                        labelLimit=int(widest),
                        symbolSize=0,
                        symbolOpacity=0,
                        symbolStrokeWidth=0,
                        labelOffset=0,
                        rowPadding=4,
                        symbolLimit=len(frame),
                    ),
                ),
            )
        )
    return layers


def revenue_chart(years: pd.DataFrame, *, revenue_label: str, year_label: str, height: int = 240) -> alt.Chart:
    """Revenue with us by year, in millions, bars large enough to read from the back of a room."""
    data = years.assign(year=years["year"].astype(str), revenue_m=years["revenue"] / 1e6)
    return (
        alt.Chart(data)
        .mark_bar(color="#0B4F8A", size=48)
        .encode(
            x=alt.X("year:N", title=None, axis=alt.Axis(labelFontSize=16, labelAngle=0)),
            y=alt.Y("revenue_m:Q", title=revenue_label, axis=alt.Axis(labelFontSize=14, titleFontSize=14)),
            tooltip=[
                alt.Tooltip("year:N", title=year_label),
                alt.Tooltip("revenue_m:Q", title=revenue_label, format=".1f"),
            ],
        )
        .properties(height=height)
    )


KPI_COLOURS = {"reading": "#0B4F8A", "target": "#15803D", "baseline": "#6B7280"}


def kpi_chart(
    history: pd.DataFrame, *, labels: dict[str, str], width: int = 460, height: int = 200, columns: int = 2
) -> alt.FacetChart:
    """One small chart per joint objective (from ``handshake.kpi_history``): the readings as a
    line with points, the target as a dashed rule, the baseline as a thin rule, each panel on its
    own scale and titled "objective (unit)". ``labels`` holds the words shown, already
    translated: "reading", "target", "baseline", "date", "value", "objective" (a missing key shows
    the key)."""
    word = {key: labels.get(key, key) for key in ("reading", "target", "baseline", "date", "value", "objective")}
    names = {
        identifier: f"{title} ({unit})"
        for identifier, title, unit in zip(history["objective_id"], history["title"], history["unit"])
    }
    repeated = {name for name in names.values() if list(names.values()).count(name) > 1}
    panels = [
        names[identifier] + (f" #{identifier}" if names[identifier] in repeated else "")
        for identifier in history["objective_id"]
    ]
    frame = pd.DataFrame(
        {
            "panel": panels,
            "reading_date": pd.to_datetime(history["reading_date"]),
            "value": history["value"].astype(float),
            "target": history["target"].astype(float),
            "baseline": history["baseline"].astype(float),
        }
    )
    read = frame[frame["value"].notna() & frame["reading_date"].notna()]
    levels = frame.drop_duplicates("panel")
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "panel": read["panel"],
                    "kind": "reading",
                    "reading_date": read["reading_date"],
                    "value": read["value"],
                }
            ),
            *(
                pd.DataFrame({"panel": levels["panel"], "kind": kind, "value": levels[kind]})
                for kind in ("target", "baseline")
            ),
        ],
        ignore_index=True,
    )
    data["series"] = data["kind"].map(word)
    series = alt.Scale(domain=[word[key] for key in KPI_COLOURS], range=list(KPI_COLOURS.values()))
    colour = alt.Color(
        "series:N",
        scale=series,
        legend=alt.Legend(title=None, orient="bottom", labelFontSize=16, symbolSize=220, symbolStrokeWidth=3),
    )
    axis = {"labelFontSize": 15, "titleFontSize": 15}
    # no axis titles: each panel is titled "objective (unit)", and months need no "Date" (a room reads noise)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(**axis))
    x = alt.X("reading_date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=4, **axis))
    tooltip = [
        alt.Tooltip("panel:N", title=word["objective"]),
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("value:Q", title=word["value"]),
    ]
    readings = alt.Chart().transform_filter(alt.datum.kind == "reading")
    line = readings.mark_line(strokeWidth=3).encode(x=x, y=y, color=colour)
    points = readings.mark_point(filled=True, size=110, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=[*tooltip, alt.Tooltip("reading_date:T", title=word["date"])]
    )
    target = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "target")
        .mark_rule(strokeWidth=2.5, strokeDash=[8, 5])
        .encode(y=y, color=colour, tooltip=tooltip)
    )
    baseline = (
        alt.Chart()
        .transform_filter(alt.datum.kind == "baseline")
        .mark_rule(strokeWidth=1.2)
        .encode(y=y, color=colour, tooltip=tooltip)
    )
    return (
        alt.layer(baseline, target, line, points, data=data)
        .properties(width=width, height=height)
        .facet(
            facet=alt.Facet(
                "panel:N",
                title=None,
                sort=list(dict.fromkeys(panels)),
                header=alt.Header(labelFontSize=18, labelFontWeight="bold", labelLimit=width),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
        .configure_view(stroke="#D1D5DB")
    )
