"""Account record: create an account, edit its basics, its revenue per year and its customer
units, archive it, or delete it for good."""

import streamlit as st

from kam_core.account import accounts
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.portfolio.directory import group_head_options
from kam_core.programme.countries import country_choices, country_name
from kam_core.ui import auth, frame, readers, routes, state
from kam_core.ui.i18n import label, language, t
from kam_core.ui.saving import save, saved_message
from kam_core.ui.section_editor import section_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import link_to_page, new_account_button

FORM_STATUSES = ("prospect", "active")  # archiving has its own button, which leaves the page


def field_label(field: str) -> str:
    return t(f"account.field.{field}", currency=readers.programme_settings().currency)


def header(record) -> None:
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.title(md(record.name) if record else t("record.new_title"))
    if record is not None:
        with right:
            new_account_button("new_account")
    if record is None:
        st.caption(t("record.new_caption"))
        if len(readers.account_directory()) and st.button(
            t("record.cancel_new"), key="cancel_new_account", icon=":material/close:", type="tertiary"
        ):
            state.stop_new_account()
            st.rerun()
    else:
        st.caption(t("record.caption", status=label("account_status", record.status)))


def form_state(record) -> dict:
    """What the form started from: the values and version read when it was first drawn, and a
    generation in its widget keys. They stay put while the user types, even if a colleague saves
    the account meanwhile (their save is then refused, never silently undone)."""
    if record is None:
        return {"generation": "new", "version": None, "values": accounts.blank_values()}
    return st.session_state.setdefault(
        f"record_form_{record.id}", {"generation": 0, "version": record.version, "values": record.values()}
    )


def _restart_form(account_id: int, generation: int) -> None:
    """Draw the form again from what is stored now (after a save, or to see a colleague's version)."""
    readers.clear()
    fresh = readers.account_record(account_id)
    st.session_state[f"record_form_{account_id}"] = {
        "generation": generation + 1,
        "version": fresh.version,
        "values": fresh.values(),
    }


def group_heads(rules, typed: int | None):
    """The group heads the form offers; a large programme gets a search for them above the form (a
    form does not rerun while it is filled in)."""
    directory = readers.account_directory()
    query = ""
    if len(directory) > frame.SELECTOR_LIMIT:
        query = st.text_input(
            t("record.find_parent"), key="record_parent_search", placeholder=t("record.find_parent_placeholder")
        )
    options = group_head_options(
        directory,
        excluded=rules.excluded,
        current=rules.current,
        heads=rules.heads,
        query=query,
        limit=frame.SELECTOR_LIMIT,
        typed=typed,
    )
    if options.searched:
        st.caption(t("record.parent_matches", count=len(options.ids)))
    archived = dict([rules.current]) if rules.current else {}  # an archived head is not in the directory
    return options.ids, lambda account_id: directory.names.get(account_id) or archived.get(account_id, "")


def basics_form(record) -> None:
    """The account's identity and figures; on a refused save the form keeps what was typed."""
    started = form_state(record)
    values = started["values"]
    account_id = record.id if record else None
    choices = readers.account_form_choices(account_id, values["kam_id"])
    suffix = f"{account_id}_{started['generation']}" if record else "new"
    lang = language()
    currency = readers.programme_settings().currency
    parent_ids, parent_name = group_heads(choices.parents, values["parent_id"])
    kams = dict(choices.kams)
    countries = country_choices(lang)
    with st.form(f"account_form_{suffix}", enter_to_submit=False):
        st.subheader(t("record.basics"))
        name = st.text_input(field_label("name"), value=values["name"] or "", max_chars=160, key=f"name_{suffix}")
        left, middle, right = st.columns(3)
        sector = left.selectbox(
            field_label("sector"),
            choices.sectors,
            index=_index(choices.sectors, values["sector"]),
            accept_new_options=True,
            placeholder=t("record.sector_placeholder"),
            key=f"sector_{suffix}",
        )
        country = middle.selectbox(
            field_label("country"),
            countries,
            index=_index(countries, values["country"]),
            format_func=lambda code: f"{country_name(code, lang)} ({code})",
            placeholder=t("record.none"),
            key=f"country_{suffix}",
        )
        kam = right.selectbox(
            field_label("kam_id"),
            list(kams),
            index=_index(list(kams), values["kam_id"]),
            format_func=kams.get,
            placeholder=t("record.none"),
            key=f"kam_{suffix}",
            help=t("record.kam_help"),
        )
        left, middle, right = st.columns(3)
        parent = left.selectbox(
            field_label("parent_id"),
            parent_ids,
            format_func=parent_name,
            index=_index(parent_ids, values["parent_id"]),
            placeholder=t("record.none"),
            key=f"parent_{suffix}",
            help=t("record.parent_help"),
        )
        group = middle.selectbox(
            field_label("group_name"),
            choices.groups,
            index=_index(choices.groups, values["group_name"]),
            accept_new_options=True,
            placeholder=t("record.none"),
            key=f"group_{suffix}",
            help=t("record.group_help"),
        )
        crm_id = right.text_input(
            field_label("crm_id"),
            value=values["crm_id"] or "",
            max_chars=64,
            key=f"crm_{suffix}",
            help=t("record.crm_help"),
        )
        left, middle, right = st.columns(3)
        status = left.selectbox(
            field_label("status"),
            FORM_STATUSES,
            index=_index(FORM_STATUSES, values["status"]),
            format_func=lambda code: label("account_status", code),
            key=f"status_{suffix}",
            help=t("record.status_help"),
        )
        potential = middle.number_input(
            field_label("potential_3y"),
            value=values["potential_3y"],
            min_value=0.0,
            step=100_000.0,
            format="%.0f",
            key=f"potential_{suffix}",
            help=t("overview.potential_help"),
        )
        if values["potential_3y"] is not None:  # the input cannot group digits: say the stored figure plainly
            middle.caption(t("record.stored", value=fmt.money(values["potential_3y"], currency, lang)))
        margin = right.number_input(
            field_label("margin_pct"),
            value=values["margin_pct"],
            min_value=-100.0,
            max_value=100.0,
            step=0.5,
            key=f"margin_{suffix}",
        )
        notes = st.text_area(field_label("notes"), value=values["notes"] or "", max_chars=5000, key=f"notes_{suffix}")
        submitted = st.form_submit_button(
            t("record.create") if record is None else t("action.save"),
            type="primary",
            icon=":material/save:",
            **auth.permit("editor").control(),
        )
    if submitted:
        typed = {
            "name": name,
            "crm_id": crm_id,
            "parent_id": parent,
            "group_name": group,
            "sector": sector,
            "country": country,
            "kam_id": kam,
            "status": status,
            "potential_3y": potential,
            "margin_pct": margin,
            "notes": notes,
        }
        if record is None:
            create(typed)
        else:
            update(record.id, typed, started)
    if (
        record is not None
        and st.session_state.get(f"record_conflict_{record.id}")
        and st.button(t("record.show_theirs"), key=f"record_reload_{record.id}", icon=":material/refresh:")
    ):
        del st.session_state[f"record_conflict_{record.id}"]
        _restart_form(record.id, started["generation"])
        st.rerun()


def update(account_id: int, typed: dict, started: dict) -> None:
    def action():
        saved = accounts.update_account(engine(), account_id, typed, started["version"])
        st.session_state.pop(f"record_conflict_{account_id}", None)
        _restart_form(account_id, started["generation"])
        return saved

    def conflict():
        # what the user typed stays; a second Save replaces the colleague's version knowingly
        started["version"] = readers.account_record(account_id).version
        st.session_state[f"record_conflict_{account_id}"] = True

    save(
        action, field_label=field_label, success=t("record.saved", name=md(typed["name"].strip())), on_conflict=conflict
    )


def _index(options, value):
    return list(options).index(value) if value in options else None


def create(typed: dict) -> None:
    def action() -> int:
        account_id = accounts.create_account(engine(), typed)
        state.request_account(account_id)
        state.stop_new_account()
        return account_id

    save(action, field_label=field_label, success=t("record.created", name=md(typed["name"].strip())))


def next_step(record) -> None:
    """A new account is not on the matrix until it is scored: say so, with the way there."""
    summary = readers.account_summary_of(record.id)
    if summary is not None and summary.segment == "unscored":
        st.info(t("record.not_scored"), icon=":material/bubble_chart:")
        link_to_page(routes.SCORING.path, t("record.go_score"), "record_go_score")


def revenue_and_units(account_id: int) -> None:
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("section.key_figures"))
        st.caption(t("canvas.years_help"))
        section_editor("years", account_id)
    with right:
        st.subheader(t("record.units"))
        st.caption(t("record.units_help"))
        section_editor("units", account_id)


def archive(record) -> None:
    st.subheader(t("record.archive_title"))
    st.caption(t("record.archive_help"))
    if st.button(
        t("record.archive"), key=f"archive_{record.id}", icon=":material/archive:", **auth.permit("editor").control()
    ):
        save(
            lambda: accounts.set_status(engine(), record.id, "archived", record.version),
            field_label=field_label,
            success=t("record.archived", name=md(record.name)),
            go_to=routes.ACCOUNTS.path,
        )


def delete(record) -> None:
    with st.expander(t("record.delete_title"), icon=":material/delete_forever:"):
        impact = readers.deletion_impact(record.id)
        st.markdown(t("record.delete_intro", name=md(record.name)))
        lines = [
            t("record.delete_line", kind=t(f"record.kind.{kind}"), count=count)
            for kind, count in impact.items()
            if count and kind != "child_accounts"
        ]
        st.markdown("\n".join(lines) if lines else t("record.delete_nothing_else"))
        if impact.get("child_accounts"):
            st.caption(t("record.children_unlinked", count=impact["child_accounts"]))
        backed_up = readers.database_info().backup_folder is not None
        st.caption(t("record.delete_backup") if backed_up else t("record.delete_no_backup"))
        typed = st.text_input(t("record.delete_confirm", name=md(record.name)), key=f"delete_confirm_{record.id}")
        if st.button(
            t("record.delete"),
            key=f"delete_{record.id}",
            type="primary",
            icon=":material/delete_forever:",
            **auth.permit("editor").control(),
        ):
            save(
                lambda: accounts.delete_account(engine(), record.id, typed, record.version),
                field_label=field_label,
                success=lambda backup: t("record.deleted", name=md(record.name), backup=md(backup) or "–"),
                go_to=routes.ACCOUNTS.path,
            )


account_id = state.selected_account_id()
creating = state.creating_account() or account_id is None
record = None if creating else readers.account_record(account_id)
header(record)
saved_message()
basics_form(record)
if record is not None:
    next_step(record)
    st.divider()
    revenue_and_units(record.id)
    st.divider()
    archive(record)
    delete(record)
