"""How the tests read what a chart really draws (the English month names a French page must not
show are in ``tests/french.py``).

A chart's labels are read from the chart drawn, not from its spec: ``svg_texts`` renders a
Vega-Lite spec to SVG with vl-convert (the renderer of the files, the same Vega as the browser's)
and gives back the text of every label, so a month written by an axis' ``%b`` format counts as
what it reads, whatever its format or locale says."""

from __future__ import annotations

import html
import json
import re

import pyarrow as pa
import vl_convert

FRENCH_SHORT_MONTHS = (
    *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
    *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
)

_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)


def svg_texts(spec: dict) -> list[str]:
    """The text of every label of the chart ``spec`` draws (axes, legends, titles, text marks)."""
    return labels_of_svg(vl_convert.vegalite_to_svg(spec))


def labels_of_svg(svg: str) -> list[str]:
    """The text of every ``<text>`` of an SVG picture (not its paths' coordinates)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for text in _TEXT.findall(svg)]


def page_chart_specs(app) -> list[dict]:
    """The Vega-Lite spec of every chart an AppTest run drew, its tables (which Streamlit sends
    beside the spec, as Arrow) put back in as named datasets, ready for ``svg_texts``."""
    specs = []
    for element in app.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        datasets = {}
        for dataset in element.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            datasets[dataset.name] = json.loads(frame.to_json(orient="records", date_format="iso"))
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
        spec.pop("autosize", None)  # "fit" to a container: a file has none
        if not isinstance(spec.get("width"), int | float):
            spec.pop("width", None)
        specs.append(spec)
    return specs


def tooltip_texts(spec: dict) -> dict[str, list[str]]:
    """What each tooltip field of the chart reads once formatted, by its title: every view of
    ``spec`` that has a tooltip is drawn again as text marks with the same data, transforms, field,
    format and config (locale), and the texts read back from the SVG. A browser's tooltip formats
    its values with the same Vega expression and the same locale."""
    found: dict[str, list[str]] = {}
    for view, data in _views(spec, spec.get("data")):
        tooltip = view.get("encoding", {}).get("tooltip")
        if not isinstance(tooltip, list) or data is None:
            continue
        for item in tooltip:
            if "field" not in item:
                continue
            channel = {key: item[key] for key in ("field", "type", "format", "formatType", "timeUnit") if key in item}
            text_spec = {
                "data": data,
                "datasets": spec.get("datasets", {}),
                "transform": view.get("transform", []),
                "mark": {"type": "text"},
                "encoding": {"text": channel, "y": {"field": item["field"], "type": "nominal", "axis": None}},
                "config": spec.get("config", {}),
            }
            found.setdefault(item.get("title", item["field"]), []).extend(svg_texts(text_spec))
    return found


def _views(spec: dict, data):
    """Each unit view of ``spec`` with the data it inherits (layers only: the charts' tooltips)."""
    data = spec.get("data", data)
    if "layer" in spec:
        for layer in spec["layer"]:
            yield from _views(layer, data)
    elif "spec" in spec:  # a facet
        yield from _views(spec["spec"], data)
    else:
        yield spec, data
