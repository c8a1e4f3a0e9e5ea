"""User text is text (issue #20, item 3): a Markdown and HTML payload is appended to every free-text
column of the demo portfolio -- names, titles, notes, anchors, descriptions, the audit trail's labels
and values -- then every page of kam_core/ui/routes.py is drawn under AppTest with an account
selected, and again with every Edit switch on. Every piece of text Streamlit reads as Markdown
(titles, headers, markdown, captions, alerts, metrics, the labels and help of every widget, tabs,
expanders, popovers, dialogs, the options of radios, pills and select sliders, a table's column help)
must hold the payload escaped only; and where Streamlit shows text as it is (selectbox options,
table cells, text inputs) no escaping backslash may show."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import CheckConstraint, String, bindparam, select, update
from sqlmodel import SQLModel

from kam_core.common.text import fold_name
from kam_core.governance import access
from kam_core.store import db
from kam_core.store import models as m
from kam_core.ui.routes import ROUTES
from tests.pages.conftest import no_exception, open_app

PAYLOAD = "[pwn](https://evil.example/x) :red[pwn] **pwn** <b>x</b>"
SHORT_PAYLOAD = "**pwn**"  # for the few columns too short for the whole payload
# What the payload reads as markup when it is not escaped: a link, a directive, emphasis, HTML.
RAW = ("](https://evil.example", ":red[pwn]", "**pwn**", "<b>x</b>")
# What an escaped payload looks like: where Streamlit reads no Markdown, none of it may show ...
ESCAPED = (r"\]\(https\:", r"\:red\[pwn\]", r"\*\*pwn\*\*", r"\<b\>x")
# ... and where it does, escaping twice shows the backslashes.
TWICE = (r"\\\]", r"\\\:red", r"\\\*\\\*pwn", r"\\\<b")

NOT_FREE_TEXT = frozenset({"email", "crm_id", "name_key", "actor", "table_name", "changes"})


def free_text_columns() -> dict[str, list]:
    """{table: [columns]}: every text column of the schema a user types freely, that is neither a
    code (an enumeration, a period, a currency, a country: a CHECK constraint names it) nor an
    address, an identifier or the audit trail's own bookkeeping."""
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        checks = " ".join(str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint))
        columns = [
            column
            for column in table.columns
            if isinstance(getattr(column.type, "impl", column.type), String)
            and column.name not in NOT_FREE_TEXT
            and not re.search(rf"\b{column.name} IN \(|length\({column.name}\) =", checks)
        ]
        if columns:
            found[table.name] = columns
    return found


def _length(column) -> int | None:
    return getattr(column.type, "length", None)


def poisoned(value: str | None, length: int | None) -> str | None:
    """``value`` with the payload appended, cut to fit ``length``."""
    if value is None:
        return None
    payload = PAYLOAD if length is None or length >= len(PAYLOAD) + 8 else SHORT_PAYLOAD
    room = None if length is None else length - len(payload) - 1
    return f"{value[:room].strip()} {payload}"


def _poison_changes(changes: str, columns: dict[str, int | None]) -> str:
    values = json.loads(changes)
    for field, pair in values.items():
        if field in columns and isinstance(pair, list):
            values[field] = [poisoned(v, columns[field]) if isinstance(v, str) else v for v in pair]
    return json.dumps(values)


def poison(url: str) -> None:
    """The payload into every free-text value of the database at ``url`` (uniqueness kept: every
    value of a unique column gets the same suffix; an account's search key follows its name)."""
    targets = free_text_columns()
    with access.acting_as(access.SYSTEM), db.get_engine(url).begin() as connection:
        for name, columns in targets.items():
            table = SQLModel.metadata.tables[name]
            audit = name == "audit_entry"
            wanted = [table.c.id, *columns] + ([table.c.table_name, table.c.changes] if audit else [])
            rows = []
            for row in connection.execute(select(*wanted)).mappings():
                values = {column.name: poisoned(row[column.name], _length(column)) for column in columns}
                if name == "account":
                    values["name_key"] = fold_name(values["name"])
                if audit:
                    audited = {c.name: _length(c) for c in targets.get(row["table_name"], [])}
                    values["changes"] = _poison_changes(row["changes"], audited)
                rows.append({"row_id": row["id"], **values})
            if rows:
                changed = {column: bindparam(column) for column in rows[0] if column != "row_id"}
                connection.execute(update(table).where(table.c.id == bindparam("row_id")).values(changed), rows)


# --- what each element shows as Markdown, and as plain text --------------------------------------

LABEL_AND_HELP = ("label", "help")
MARKDOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "Alert": ("body", "title"),
    "Heading": ("body", "help"),
    "Markdown": ("body", "help"),
    "Text": ("help",),
    "Metric": ("label", "body", "delta", "help"),
    "Progress": ("text",),
    "Toast": ("body",),
    "Radio": ("label", "help", "options", "captions"),
    "Slider": LABEL_AND_HELP,  # and the options of a select slider (below)
    "ButtonGroup": LABEL_AND_HELP,  # and its options' content (below)
    **dict.fromkeys(
        (
            "Button",
            "DownloadButton",
            "LinkButton",
            "PageLink",
            "Checkbox",
            "Selectbox",
            "MultiSelect",
            "TextInput",
            "TextArea",
            "NumberInput",
            "DateInput",
            "DateTimeInput",
            "TimeInput",
            "ColorPicker",
            "FileUploader",
            "ChatInput",
        ),
        LABEL_AND_HELP,
    ),
    # blocks
    "Expandable": ("label",),
    "Tab": ("label",),
    "Popover": ("label", "help"),
    "Dialog": ("title",),
}
# Text Streamlit shows as it is: no escaping may show there.
PLAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "Selectbox": ("options", "placeholder", "raw_value"),
    "MultiSelect": ("options", "placeholder", "raw_values"),
    "TextInput": ("value", "default", "placeholder"),
    "TextArea": ("value", "default", "placeholder"),
    "Text": ("body",),
    "Code": ("code_text",),
    "Json": ("body",),
}
# Elements with no text that Streamlit reads as Markdown (a chart draws its own text; the org chart's
# labels are HTML-escaped by kam_core.account.buying_centre, an Html element's body is checked below).
SILENT = frozenset(
    {"Block", "Column", "Space", "VegaLiteChart", "ArrowVegaLiteChart", "GraphVizChart", "Exception", "Empty"}
)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    try:
        return [item for item in value if isinstance(item, str)]
    except TypeError:
        return []


def _column_config(proto, field: str) -> list[str]:
    """A table's column labels (plain text) or help (Markdown)."""
    columns = json.loads(proto.columns or "{}")
    return [str(config.get(field) or "") for config in columns.values() if isinstance(config, dict)]


def _json_strings(value) -> list[str]:
    """Every string inside a JSON value (a component's arguments: AgGrid's headers and cells)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _json_strings(item)]
    return []


def _frame_cells(node) -> list[str]:
    frame = node.value
    cells = []
    for column in frame.columns:
        cells.append(str(column))
        if frame[column].dtype == object or str(frame[column].dtype).startswith("str"):
            cells += [value for value in frame[column].tolist() if isinstance(value, str)]
    return cells


def shown_texts(app) -> tuple[list[tuple[str, str]], list[tuple[str, str]], set[str]]:
    """(Markdown texts, plain texts, unknown kinds) of every element and block the run drew, each text
    with where it was found."""
    markdown, plain, unknown = [], [], set()
    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = proto.DESCRIPTOR.name
        where = f"{kind} {getattr(node, 'key', None) or ''}".strip()
        fields = MARKDOWN_FIELDS.get(kind, ())
        for field in fields:
            markdown += [(f"{where}.{field}", text) for text in _strings(getattr(proto, field, None))]
        if kind == "Slider" and proto.type == proto.Type.SELECT_SLIDER:
            markdown += [(f"{where}.options", text) for text in proto.options]
        if kind == "ButtonGroup":
            markdown += [(f"{where}.options", option.content) for option in proto.options]
        if kind == "Dataframe":
            markdown += [(f"{where}.column_help", text) for text in _column_config(proto, "help")]
            plain += [(f"{where}.column_label", text) for text in _column_config(proto, "label")]
            plain += [(f"{where}.cell", text) for text in _frame_cells(node)]
        if kind == "ComponentInstance":
            plain += [(f"{where}.args", text) for text in _json_strings(json.loads(proto.json_args or "null"))]
        if kind == "Html":  # raw HTML, drawn as it is: user text in it must be HTML-escaped
            markdown += [(f"{where}.body", proto.body)]
        if kind == "ImageList":  # st.image: a caption is drawn as Markdown, the alt text as it is
            markdown += [(f"{where}.caption", image.caption) for image in proto.imgs]
            plain += [(f"{where}.alt", image.alt) for image in proto.imgs]
        for field in PLAIN_FIELDS.get(kind, ()):
            plain += [(f"{where}.{field}", text) for text in _strings(getattr(proto, field, None))]
        classified = SILENT | {"Dataframe", "ComponentInstance", "Html", "ImageList"}
        if not fields and kind not in PLAIN_FIELDS and kind not in classified:
            unknown.add(kind)
    return markdown, plain, unknown


def problems(app, page: str) -> list[str]:
    markdown, plain, unknown = shown_texts(app)
    found = [f"{page}: element kind {kind} not classified (Markdown or plain?)" for kind in sorted(unknown)]
    for where, text in markdown:
        if any(raw in text for raw in (RAW[-1:] if where.startswith("Html") else RAW)):  # HTML reads no Markdown
            found.append(f"{page}: {where} reads the payload as Markdown: {text[:160]!r}")
        elif any(twice in text for twice in TWICE):
            found.append(f"{page}: {where} escapes the payload twice: {text[:160]!r}")
    for where, text in plain:
        if any(escaped in text for escaped in ESCAPED):
            found.append(f"{page}: {where} shows escaping where nothing is Markdown: {text[:160]!r}")
    return found


# --- the test ------------------------------------------------------------------------------------


def accounts_to_show(url: str) -> tuple[int, int, int]:
    """(the account with the most to show: a handshake with reviews, pairings, meetings; another
    account, to merge; the archived account)."""
    with db.get_engine(url).connect() as connection:
        reviewed = set(
            connection.scalars(
                select(m.Handshake.account_id).join(m.HandshakeReview, m.HandshakeReview.handshake_id == m.Handshake.id)
            )
        )
        paired = set(
            connection.scalars(
                select(m.Stakeholder.account_id).join(m.Pairing, m.Pairing.stakeholder_id == m.Stakeholder.id)
            )
        )
        met = set(connection.scalars(select(m.Engagement.account_id)))
        richest = min(reviewed & paired & met)
        other = connection.scalars(select(m.Account.id).where(m.Account.id != richest).order_by(m.Account.id)).first()
        archived = connection.scalars(select(m.Account.id).where(m.Account.status == "archived")).first()
    return richest, other, archived


@pytest.fixture
def payload_url(demo_url):
    poison(demo_url)
    return demo_url


def _switches_on(app) -> bool:
    """Every Edit switch of the page on; True when one was off."""
    switched = False
    for toggle in app.toggle:
        if (toggle.key or "").startswith("edit_") and not toggle.value:
            toggle.set_value(True)
            switched = True
    return switched


def _tick_row(app, row: int = 0) -> None:
    """Tick a row of the page's first table that opens what is ticked."""
    table = next(frame for frame in app.dataframe if frame.key and frame.proto.selection_mode)
    app.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}


def _tick_named(name: str):
    """Tick the row of account ``name`` (archived ones listed too)."""

    def tick(app) -> None:
        next(toggle for toggle in app.toggle if not toggle.key).set_value(True)  # include archived accounts
        app.run()
        table = next(frame for frame in app.dataframe if frame.key and frame.proto.selection_mode)
        _tick_row(app, table.value.iloc[:, 0].tolist().index(name))

    return tick


def _save_record(app) -> None:
    next(button for button in app.button if button.label == "Save").click()


def _upload_payload(app) -> None:
    """A CRM file whose names, and a column of its own, carry the payload (that column is not imported)."""
    data = f"Id,Name,Industry,{PAYLOAD}\n001A,Brightwater {PAYLOAD},Energy {PAYLOAD},x\n001B,,Retail,y\n"
    app.file_uploader(key="import_file").set_value(("crm.csv", data.encode(), "text/csv"))


def _build_deck(app) -> None:
    next(button for button in app.button if (button.key or "").startswith("qbr_build_")).click()


def _submit(app, key_part: str) -> None:
    next(button for button in app.button if key_part in str(button.key)).click().run()
    no_exception(app)


def _challenge_raised(app) -> None:
    """A challenge session opened under a title carrying the payload, and a question, a challenge and
    two recommendations raised with it, by an author carrying it."""
    next(box for box in app.text_input if str(box.key).startswith("challenge_title_")).input(f"Review {PAYLOAD}")
    _submit(app, "challenge_open_")
    for kind in ("question", "challenge", "recommendation", "recommendation"):
        app.radio(key="challenge_kind").set_value(kind)
        next(area for area in app.text_area if str(area.key).startswith("challenge_text_")).input(f"{kind} {PAYLOAD}")
        app.text_input(key="challenge_author").input(f"Bea {SHORT_PAYLOAD}")
        _submit(app, "challenge_add_")


def _challenge_decided(app) -> None:
    """The question answered, one recommendation an action whose owner carries the payload, the other
    rejected for a reason carrying it (the close's reason named them while they were open)."""
    next(area for area in app.text_area if str(area.key).startswith("answer_")).input(f"Answer {PAYLOAD}")
    _submit(app, "answer_form_")
    next(box for box in app.text_input if str(box.key).startswith("owner_")).input(f"Ann {SHORT_PAYLOAD}")
    next(box for box in app.date_input if str(box.key).startswith("due_")).set_value("2027-01-15")
    _submit(app, "action_form_")
    next(area for area in app.text_area if str(area.key).startswith("reason_")).input(f"Because {PAYLOAD}")
    _submit(app, "reject_form_")


def _challenge_closed(app) -> None:
    next(button for button in app.button if str(button.key).startswith("close_")).click()


def more_states(archived_name: str) -> dict:
    """What else a page shows once something is picked or saved: {url path: [(do, what it is)]}."""
    return {
        "accounts": [(_tick_row, "a ticked account"), (_tick_named(archived_name), "a ticked archived account")],
        "handshakes": [(_tick_row, "a ticked handshake")],
        "executives": [(_tick_row, "a ticked relationship")],
        "account-record": [(_save_record, "saved")],
        "qbr": [(_build_deck, "deck built")],
        "challenge": [
            (_challenge_raised, "items raised"),
            (_challenge_decided, "recommendations decided"),
            (_challenge_closed, "closed"),
        ],
        "import-export": [(_upload_payload, "a file read")],
    }


def test_user_text_is_never_read_as_markdown(payload_url, monkeypatch):
    account_id, other_id, archived_id = accounts_to_show(payload_url)
    with db.get_engine(payload_url).connect() as connection:
        more = more_states(connection.scalar(select(m.Account.name).where(m.Account.id == archived_id)))
    app = open_app(payload_url, monkeypatch, account=str(account_id))
    app.session_state["merge_keep"], app.session_state["merge_other"] = account_id, other_id  # the merge's review
    found, seen = [], 0
    for route in ROUTES:
        app.switch_page(route.path).run()
        no_exception(app)
        found += problems(app, route.url_path)
        seen += sum("pwn" in text for _, text in shown_texts(app)[0])
        if _switches_on(app):
            app.run()
            no_exception(app)
            found += problems(app, f"{route.url_path} (editing)")
        for step, name in more.get(route.url_path, ()):
            step(app)
            app.run()
            no_exception(app)
            found += problems(app, f"{route.url_path} ({name})")
    assert seen > 50, "the payload was not shown: the test would prove nothing"
    assert not found, f"{len(found)} places:\n" + "\n".join(dict.fromkeys(found))
