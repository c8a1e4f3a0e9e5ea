"""Every page of the app drawn in French, on the demo portfolio: no English catalog string, no raw
catalog key, no English month name in what the page shows.

The text is every string AppTest exposes of a run (titles, Markdown, captions, alerts, toasts, metric
labels and values, buttons, radio, select and multiselect options, tabs and expanders' labels, inputs'
labels, help and placeholders, tables' column names and cells); charts are drawn by Vega and checked
by the chart tests. The month check is its own test (months and numbers are formatted in
``kam_core.common.formatting``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache

import pandas as pd
import pytest

from kam_core.i18n import catalog
from kam_core.ui import routes
from tests.conftest import TODAY
from tests.french import NAMED_TIME_FORMAT, english_dates_in
from tests.pages.conftest import no_exception, open_app

# Fields of an element's protobuf message that are never shown as text (a heading's anchor is the link's
# fragment, #accounts: the same in every language, so that links to it hold).
_NOT_TEXT = {
    "id",
    "form_id",
    "icon",
    "type",
    "spec",
    "url",
    "page",
    "format",
    "css",
    "body_css",
    "key",
    "shortcut",
    "anchor",
}
# Elements that are not read as text here: style tags, charts (Vega: the chart tests), code.
_NOT_READ = {"html", "arrow_vega_lite_chart", "vega_lite_chart", "plotly_chart", "code", "exception", "json"}
_KEY_LIKE = re.compile(r"\b[a-z_]+\.[a-z_.]*[a-z_]\b")


def _proto_texts(proto) -> list[str]:
    found = []
    for field, value in proto.ListFields():
        if field.name in _NOT_TEXT or field.name in {"default", "value", "arrow_data"}:
            continue
        if isinstance(value, str):
            found.append(value)
        elif hasattr(value, "ListFields"):
            found += _proto_texts(value)
        elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
            for item in value:
                found += [item] if isinstance(item, str) else _proto_texts(item) if hasattr(item, "ListFields") else []
    return found


def _cell_text(value) -> str:
    if hasattr(value, "__len__") and not isinstance(value, str):
        return ", ".join(map(str, value))
    return str(value)


def _table_texts(node) -> list[str]:
    """What a table shows: its columns' headers (their configured label, else their name), the option
    lists of its select columns, and its text cells; hidden columns and those left out of its order not."""
    frame: pd.DataFrame = node.value
    config = json.loads(node.proto.columns) if node.proto.columns else {}
    order = list(node.proto.column_order)
    found = []
    for column in frame.columns:
        settings = config.get(str(column)) or {}
        if settings.get("hidden") or (order and str(column) not in order):
            continue
        found.append(settings.get("label") or str(column))
        found += [str(option) for option in (settings.get("type_config") or {}).get("options") or ()]
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            found += sorted({_cell_text(value) for value in values if value is not None and value == value})
    return found


_CHARTS = {"arrow_vega_lite_chart", "vega_lite_chart"}


def chart_months(app) -> list[str]:
    """What the page's charts would draw as English month names: a time format naming months or days
    (``%b %Y``) in a chart with no French locale of its own (``config.locale.time``: Vega draws in
    English without it), and English month names in the chart's own strings."""
    found = []
    for node in app._tree:
        if getattr(node, "type", "") not in _CHARTS:
            continue
        spec = json.loads(node.proto.spec)
        strings = list(_strings(spec)) + list(_strings([json.loads(d) for d in _datasets(node.proto)]))
        time_locale = ((spec.get("config") or {}).get("locale") or {}).get("time")
        for text in strings:
            if NAMED_TIME_FORMAT.search(text) and not time_locale:
                found.append(f"time format {text!r} drawn with Vega's English month names")
            found += [f"{month!r} in {text[:80]!r}" for month in english_dates_in(text)]
    return found


_PRESETS = {"localized", "plain", "dollar", "euro", "yen", "percent", "compact", "accounting", "bytes"}
_DECIMAL_POINT = re.compile(r"\d\.\d")
_PRINTF_DECIMALS = re.compile(r"%[-+ 0#']*\d*\.[1-9]")


def table_numbers(app) -> list[str]:
    """What the page's read-only tables would write the English way in French: a text cell with a
    decimal point ("12.5"), a number column whose format follows the browser's language (the presets:
    "localized", "percent"...) or writes a decimal point (printf "%.1f"), a percentage without French's
    no-break space ("86%"), and a number column left to Glide's own format while holding decimals (it
    writes "7.5"). Editable tables (``st.data_editor``) keep Glide's numbers: see ``kam_core.ui.tables``."""
    found = []
    for node in app._tree:
        if getattr(node, "type", "") != "dataframe" or node.proto.editing_mode != node.proto.EditingMode.READ_ONLY:
            continue
        frame: pd.DataFrame = node.value
        config = json.loads(node.proto.columns) if node.proto.columns else {}
        order = list(node.proto.column_order)
        for column in frame.columns:
            settings = config.get(str(column)) or {}
            if settings.get("hidden") or (order and str(column) not in order):
                continue
            values = frame[column]
            where = f"column {settings.get('label') or column!r}"
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                found += [f"{where}: {text!r}" for text in map(_cell_text, values) if _DECIMAL_POINT.search(text)]
                continue
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                continue
            number_format = (settings.get("type_config") or {}).get("format")
            if number_format in _PRESETS:
                found.append(f"{where}: format {number_format!r} follows the browser's language")
            elif number_format and _PRINTF_DECIMALS.search(number_format):
                found.append(f"{where}: format {number_format!r} writes a decimal point")
            elif number_format and "%%" in number_format and "\u00a0%%" not in number_format:
                found.append(f"{where}: format {number_format!r} writes '86%', not '86\u00a0%'")
            elif not number_format and (values.dropna() % 1 != 0).any():
                found.append(f"{where}: decimals drawn by Glide with a decimal point")
    return found


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _datasets(proto) -> list[str]:
    """The chart's named data as JSON records (Arrow tables in the proto)."""
    import pyarrow as pa

    found = []
    for dataset in getattr(proto, "datasets", ()):
        table = pa.ipc.open_stream(dataset.data.data).read_all()
        found.append(table.to_pandas().astype(str).to_json(orient="records"))
    if proto.HasField("data") and proto.data.data:
        found.append(pa.ipc.open_stream(proto.data.data).read_all().to_pandas().astype(str).to_json(orient="records"))
    return found


def page_texts(app) -> list[str]:
    """Every string the run shows, one entry per field or cell."""
    found: list[str] = []
    for node in app._tree:
        kind = getattr(node, "type", "")
        if kind in _NOT_READ:
            continue
        if kind in {"tab", "expander", "status"}:
            found.append(node.label)
        elif kind == "dataframe" or kind == "table":
            found += _table_texts(node)
        elif getattr(node, "proto", None) is not None and not hasattr(node, "children"):
            found += _proto_texts(node.proto)
    return [text for text in found if text and text.strip()]


# What cuts a text into the pieces a reader takes as one label or one phrase: lines, Markdown's bold,
# headings and list marks, table cells, and the separators of labels and values (" · ", " — ", ": ").
_SEPARATORS = re.compile(r"\n|\*\*|__|\|| [·—–/] |; |:\s|\s:\s|\(|\)|^#+ |^[-*] |\{[^}]*\}|\x00")
_STRIP = " \t.,;:!?'\"“”«»\\`*_-#"


def _pieces(text: str) -> list[str]:
    return [piece for piece in (part.strip(_STRIP) for part in _SEPARATORS.split(text)) if piece]


def _long_enough(piece: str) -> bool:
    return len(piece.split()) >= 2 or len(piece) >= 8


@cache
def _english_only() -> dict[str, str]:
    """{English piece: its key}: the pieces of the English catalog's texts (cut where a page cuts its
    texts, placeholders taken out) of two words or more or of eight characters or more, that no French
    text says the same."""
    french = {piece for text in catalog("fr").values() for piece in _pieces(text)}
    found: dict[str, str] = {}
    for key, text in sorted(catalog("en").items()):
        for piece in _pieces(text):
            if _long_enough(piece) and piece not in french:
                found.setdefault(piece, key)
    return found


def english_in(text: str) -> list[str]:
    """The English catalog pieces that ``text`` shows as a piece of its own."""
    english = _english_only()
    return [f"{piece!r} ({english[piece]})" for piece in _pieces(text) if piece in english]


def raw_keys_in(text: str) -> list[str]:
    keys = catalog("en")
    found = [word for word in _KEY_LIKE.findall(text) if word in keys or word.startswith(("enum.", "page."))]
    return found


FRENCH_ACCOUNT = "Aerivon Aerostructures"  # a French customer of the demo, fully planned, its handshake in review


def _account_id(url: str, name: str) -> int:
    from sqlmodel import Session, select

    from kam_core.store import db
    from kam_core.store.models import Account

    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name == name)).one()


def french_pages(url: str, monkeypatch):
    """(route, the texts it shows) for every page in French, with a French customer's account selected."""
    account = _account_id(url, FRENCH_ACCOUNT)
    for route in routes.ROUTES:  # a new session a page: a widget of the page before keeps English labels in AppTest
        app = open_app(url, monkeypatch, account=str(account))
        app.radio(key="language").set_value("fr").run()
        app.switch_page(route.path).run()
        no_exception(app)
        yield route, (page_texts(app), chart_months(app), table_numbers(app))


def _seed_french_demo(engine) -> None:
    from kam_core.demo.seed import seed_demo
    from kam_core.store import db

    with db.session_scope(engine) as session:
        seed_demo(session, today=TODAY)  # in the programme's language: KAM_LANGUAGE=fr


@pytest.fixture(scope="module")
def french_demo(tmp_path_factory, databases):
    """The demo portfolio created in French (``KAM_LANGUAGE=fr``), every page drawn once in French for
    the module's tests: {route: texts}."""
    from kam_core.store import db

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("KAM_LANGUAGE", "fr")
        databases.template("demo_fr", build=_seed_french_demo)
        url = databases.copy("demo_fr", tmp_path_factory.mktemp("french_pages"))
        shown = dict(french_pages(url, monkeypatch))
    yield shown
    db.dispose_all()
    databases.drop(url)


def test_every_page_in_french_shows_no_english_catalog_string_and_no_raw_key(french_demo):
    problems = []
    for route, (shown, _, _) in french_demo.items():
        for text in shown:
            for hit in english_in(text) + [f"raw key {key}" for key in raw_keys_in(text)]:
                problems.append(f"{route.url_path}: {hit} in {text[:120]!r}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_page_in_french_shows_no_english_month(french_demo):
    """Dates and months in texts and tables, and what the charts draw on their axes."""
    problems = []
    for route, (shown, charts, _) in french_demo.items():
        for text in shown:
            if english_dates_in(text):
                problems.append(f"{route.url_path}: {english_dates_in(text)} in {text[:120]!r}")
        problems += [f"{route.url_path}: chart: {problem}" for problem in charts]
    assert not problems, "\n".join(sorted(set(problems)))


def _demo_texts(databases, tmp_path, language: str, french_customers: bool = True) -> set[str]:
    """The texts the demo created in ``language`` shows on its accounts' pages; without its French
    customers' texts and our side's (``french_customers=False``): what stays English in a French demo."""
    from sqlmodel import Session, select

    from kam_core.demo.data import POOL_OF_COUNTRY
    from kam_core.demo.seed import seed_demo
    from kam_core.store import db
    from kam_core.store.models import Account
    from tests.unit.test_programme_language import _shown_texts

    url = databases.new(tmp_path, f"demo_{language}.db")
    try:
        with Session(db.get_engine(url)) as session:
            seed_demo(session, today=TODAY, language=language)
            if french_customers:
                return set().union(*_shown_texts(session, None).values())
            others = {a.id for a in session.exec(select(Account)).all() if POOL_OF_COUNTRY.get(a.country) != "fr"}
            texts = _shown_texts(session, others)
            return set().union(
                *[found for (table, _), found in texts.items() if table not in ("executive", "offer", "kam")]
            )
    finally:
        db.dispose_all()
        databases.drop(url)


def test_every_page_in_french_shows_none_of_the_english_demo_texts(french_demo, databases, tmp_path):
    """A French customer's pages (and the portfolio's) show none of the English demo's data texts, but
    those the French demo keeps for its other customers (theirs stay in their English)."""
    from tests.unit.test_programme_language import SAME_IN_FRENCH

    english = _demo_texts(databases, tmp_path, "en") - _demo_texts(databases, tmp_path, "fr", False) - SAME_IN_FRENCH
    problems = []
    for route, (shown, *_) in french_demo.items():
        for text in shown:
            hits = [piece for piece in [text, *_pieces(text)] if piece in english]
            problems += [f"{route.url_path}: {hit!r}" for hit in hits]
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_page_in_french_writes_the_numbers_of_its_tables_the_french_way(french_demo):
    """Every read-only table writes "8,6", "86 %", "20 030 000 €", whatever the browser's language."""
    problems = []
    for route, (_, _, numbers) in french_demo.items():
        problems += [f"{route.url_path}: {problem}" for problem in numbers]
    assert not problems, "\n".join(sorted(set(problems)))
