"""Import and export: take accounts, contacts and revenue lines in from a CRM or Excel export
(mapping, preview, validation report, then import), export the whole database to one Excel
workbook, restore such a workbook into an empty database, and download a copy of the database
(the copies kept in data/backups/ listed)."""

import hashlib

import pandas as pd
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md, md_params
from kam_core.exchange import importing, workbook
from kam_core.ui import auth, downloads, readers
from kam_core.ui.i18n import label, language, t
from kam_core.ui.saving import save, saved_message
from kam_core.ui.store import (
    BACKUPS_KEEP_VARIABLE,
    backup_folder,
    backups_keep_limit,
    engine,
    list_backups,
    live_file,
)

PREVIEW_ROWS = 200  # rows shown in the preview table; the counts cover the whole file
SEPARATOR_NAMES = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}


def header() -> None:
    st.title(t("page.exchange"))
    st.caption(t("exchange.caption"))
    saved_message()


def choose_file():
    st.subheader(t("exchange.import"))
    st.caption(t("exchange.import_help"))
    left, right = st.columns([1, 2])
    kind = left.radio(
        t("exchange.kind"), importing.KINDS, format_func=lambda code: t(f"exchange.kind.{code}"), key="import_kind"
    )
    upload = right.file_uploader(
        t("exchange.file"), type=["csv", "txt", "xlsx"], key="import_file", help=t("exchange.file_help")
    )
    return kind, upload


def read_file(upload):
    """The uploaded file as a table, or None after saying why it cannot be read."""
    data = upload.getvalue()
    try:
        table = readers.raw_table(data, upload.name)
    except importing.ImportFileError as error:
        st.error(t(f"import.error.{error.code}", **md_params(_joined(error.params))), icon=":material/error:")
        return None
    found = t("exchange.read", rows=len(table.rows), columns=len(table.headers))
    if table.source == "csv":
        found += " " + t(
            "exchange.read_csv",
            encoding=importing.encoding_name(table.encoding),
            separator=_separator_name(table.separator),
        )
    st.caption(found)
    return table


def _separator_name(separator: str) -> str:
    return t(f"exchange.separator.{SEPARATOR_NAMES.get(separator, 'other')}")


def mapping_editor(table, kind: str, file_key: str) -> dict[str, str | None]:
    """Which column of the file feeds which field: proposed from the synonyms, changed by the user."""
    st.markdown(f"**{t('exchange.mapping')}**")
    st.caption(t("exchange.mapping_help"))
    proposed = importing.propose_mapping(table.headers, kind)
    frame = pd.DataFrame(
        [{"field": t(f"import.target.{target}"), "column": header} for target, header in proposed.items()]
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=("field",),
        key=f"import_mapping_{kind}_{file_key}",
        column_config={
            "field": st.column_config.TextColumn(t("exchange.field")),
            "column": st.column_config.SelectboxColumn(t("exchange.column"), options=list(table.headers)),
        },
    )
    return {
        target: (column if isinstance(column, str) and column else None)
        for target, column in zip(proposed, edited["column"], strict=True)
    }


def preview(file_key: str, table, kind: str, mapping: dict):
    try:
        result = readers.import_preview(file_key, table, kind, mapping)
    except importing.ImportFileError as error:
        st.error(t(f"import.error.{error.code}", **md_params(_joined(error.params))), icon=":material/error:")
        return None
    counts = result.counts
    shown = [
        action
        for action in ("create", "update", "reject", "skip", "remove")
        if action in ("create", "update", "reject") or counts.get(action)
    ]
    for column, action in zip(st.columns(len(shown)), shown):
        column.metric(t(f"exchange.action.{action}"), counts.get(action, 0), border=True)
    if result.ignored_columns:
        st.caption(t("exchange.ignored", columns=md(", ".join(result.ignored_columns))))
    shown = result.rows[:PREVIEW_ROWS]
    rows = pd.DataFrame(
        [
            {
                "row": row.row,
                "action": t(f"exchange.action.{row.action}"),
                **{name: _shown(name, value) for name, value in row.values.items()},
            }
            for row in shown
        ]
    )
    rows = rows.dropna(axis="columns", how="all")  # the fields this file does not fill
    names = {
        "row": t("exchange.row"),
        "action": t("exchange.what"),
        **{name: t(f"import.target.{name}") for name in rows.columns if name not in ("row", "action")},
    }
    st.dataframe(
        rows.rename(columns=names), hide_index=True, width="stretch", height=min(38 * (len(rows) + 1) + 3, 420)
    )
    if len(result.rows) > PREVIEW_ROWS:
        st.caption(t("exchange.preview_more", shown=PREVIEW_ROWS, total=len(result.rows)))
    report(result.problems)
    year_totals(result)
    return result


def year_totals(result) -> None:
    """What the revenue lines add up to per account and year, against the yearly revenue stored."""
    totals = getattr(result, "year_totals", ())
    if not totals:
        return
    st.markdown(f"**{t('exchange.year_totals')}**")
    currency = readers.programme_settings().currency
    lang = language()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("exchange.account"): total.account_name,
                    t("exchange.year"): str(total.year),
                    t("exchange.stored"): fmt.money(total.stored, currency, lang),
                    t("exchange.lines_total"): fmt.money(total.lines_total, currency, lang),
                }
                for total in totals
            ]
        ),
        hide_index=True,
        width="stretch",
        height=min(35 * (len(totals) + 1) + 3, 300),
    )


def _shown(name: str, value):
    """Codes as the rest of the app names them (statuses, buying roles, kinds of revenue line)."""
    kinds = {"status": "account_status", "role": "role", "kind": "line_kind"}
    if name in kinds and isinstance(value, str) and value:
        return label(kinds[name], value)
    if isinstance(value, float):
        return fmt.grouped(value, language())
    return value


def report(problems) -> None:
    """The validation report: one line per problem, with the row, the column, the value and why."""
    if not problems:
        st.success(t("exchange.no_problem"), icon=":material/check:")
        return
    errors = sum(1 for problem in problems if problem.severity == "error")
    st.markdown(f"**{t('exchange.report', errors=errors, warnings=len(problems) - errors)}**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("exchange.row"): problem.row,
                    t("exchange.column"): problem.column or "",
                    t("exchange.value"): problem.value or "",
                    t("exchange.severity"): t(f"exchange.severity.{problem.severity}"),
                    t("exchange.reason"): t(f"import.problem.{problem.code}", **_joined(problem.params)),
                }
                for problem in problems
            ]
        ),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(problems) + 1) + 3, 400),
    )


def _joined(params: dict) -> dict:
    """Lists in a message's parameters read as "a, b, c"."""
    return {
        key: ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value for key, value in params.items()
    }


def import_buttons(table, kind: str, mapping: dict, result) -> None:
    valid = sum(result.counts.get(action, 0) for action in ("create", "update", "remove"))
    refused = result.counts.get("reject", 0)
    set_years = kind == "revenue" and st.checkbox(
        t("exchange.set_yearly_revenue"), key="import_set_years", help=t("exchange.set_yearly_revenue_help")
    )
    left, right = st.columns(2)
    if left.button(
        t("exchange.import_valid", count=valid),
        key="import_valid",
        type="primary",
        icon=":material/upload:",
        disabled=auth.permit("editor").disabled or not valid,
        help=auth.permit("editor").help(),
    ):
        run(table, kind, mapping, only_valid=True, set_years=set_years)
    if right.button(
        t("exchange.import_all_or_nothing"),
        key="import_all",
        icon=":material/rule:",
        disabled=auth.permit("editor").disabled or bool(refused) or not valid,
        help=auth.permit("editor").help(t("exchange.import_all_help")),
    ):
        run(table, kind, mapping, only_valid=False, set_years=set_years)


def run(table, kind: str, mapping: dict, only_valid: bool, set_years: bool) -> None:
    bar = st.progress(0.0, text=t("exchange.importing"))

    def action():
        return importing.run_import(
            engine(),
            table,
            kind,
            mapping,
            today=today(),
            only_valid=only_valid,
            set_yearly_revenue=set_years,
            progress=lambda done: bar.progress(min(max(done, 0.0), 1.0), text=t("exchange.importing")),
        )

    try:
        save(
            action,
            field_label=lambda field: t(f"field.{field}"),
            success=lambda result: t(
                "exchange.done",
                read=result.read,
                created=result.created,
                updated=result.updated,
                rejected=result.rejected,
                backup=result.backup or "–",
            ),
        )
    except importing.ImportRefused as refused:
        bar.empty()
        st.error(t("exchange.refused", count=refused.rejected), icon=":material/block:")
        report(refused.problems)
    except importing.ImportFileError as error:
        bar.empty()
        st.error(t(f"import.error.{error.code}", **md_params(_joined(error.params))), icon=":material/error:")


def export_section() -> None:
    st.subheader(t("exchange.export"))
    st.caption(t("exchange.export_help"))
    if auth.permit("admin").disabled:  # the roles and the audit trail are an admin's (kam_core.exchange.workbook)
        st.info(t("exchange.export_partial", role=auth.role_name()), icon=":material/visibility_off:")
    st.download_button(
        t("exchange.export_button"),
        data=downloads.workbook_builder(),
        file_name=downloads.workbook_name(),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="export_workbook",
        on_click="ignore",
    )


def restore_section() -> None:
    st.subheader(t("exchange.restore"))
    st.caption(t("exchange.restore_help"))
    allowed = auth.permit("admin")
    upload = st.file_uploader(t("exchange.workbook"), type=["xlsx"], key="restore_file", **allowed.control())
    if upload is not None and st.button(
        t("exchange.restore_button"), key="restore_go", icon=":material/restore:", **allowed.control()
    ):
        save(
            lambda: workbook.restore_workbook(engine(), upload.getvalue()),
            field_label=lambda field: t(f"field.{field}"),
            success=lambda counts: t("exchange.restored", rows=sum(counts.values()), tables=len(counts)),
        )


def backups_section() -> None:
    st.subheader(t("exchange.backups"))
    path = live_file()
    if path is None:
        st.caption(t("exchange.backups_postgres"))
        return
    st.caption(
        t(
            "exchange.backups_help",
            folder=md(backup_folder(path)),
            keep=backups_keep_limit(),
            variable=BACKUPS_KEEP_VARIABLE,
        )
    )
    st.download_button(
        t("exchange.backup_button"),
        data=downloads.backup_builder(path),
        file_name=downloads.backup_name(),
        mime="application/vnd.sqlite3",
        icon=":material/download:",
        key="download_backup",
        on_click="ignore",
        **auth.permit("admin").control(),
    )
    kept = list_backups(path)
    if not kept:
        st.caption(t("exchange.backups_none"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("exchange.backup_when"): f"{backup.made:%Y-%m-%d %H:%M:%S}",
                    t("exchange.backup_why"): _reason(backup.label),
                    t("exchange.backup_size"): t(
                        "exchange.backup_mb", size=fmt.number(round(backup.size_bytes / 1048576, 1), language())
                    ),
                    t("exchange.backup_file"): backup.path.name,
                }
                for backup in kept
            ]
        ),
        hide_index=True,
        width="stretch",
        height=min(35 * (len(kept) + 1) + 3, 400),
    )
    st.caption(t("exchange.backups_restore"))


def _reason(label: str) -> str:
    """Why a copy was made, from its label (before-import, before-migration-from-0003…)."""
    if label.startswith("before-migration-from-"):
        return t("backup.reason.before-migration", revision=label.removeprefix("before-migration-from-"))
    known = ("before-import", "before-merge", "before-delete", "before-restore", "manual")
    return t(f"backup.reason.{label}") if label in known else label


header()
kind, upload = choose_file()
if upload is not None:
    table = read_file(upload)
    if table is not None:
        file_key = hashlib.sha1(upload.getvalue()).hexdigest()[:12]
        mapping = mapping_editor(table, kind, file_key)
        result = preview(file_key, table, kind, mapping)
        if result is not None:
            import_buttons(table, kind, mapping, result)
st.divider()
export_section()
st.divider()
restore_section()
st.divider()
backups_section()
