"""Settings: the programme's settings, its criteria, who may do what, and where its data lives."""

import pandas as pd
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.governance.roles import ROLES, save_grants
from kam_core.portfolio import scoring
from kam_core.portfolio.scoring import AXES
from kam_core.programme.settings import save_settings
from kam_core.ui import auth, readers
from kam_core.ui.i18n import language, t
from kam_core.ui.memo import while_editing, while_shown
from kam_core.ui.saving import attempt
from kam_core.ui.store import engine

FORM_KEY = "settings_form"


def programme_form() -> None:
    st.subheader(t("settings.programme"))
    current = while_shown(FORM_KEY, "programme_name", readers.programme_settings)  # the version shown
    admin_only_caption()
    with st.form(FORM_KEY, enter_to_submit=False):
        name = st.text_input(t("field.name"), value=current.name, max_chars=120, key="programme_name")
        left, middle, right = st.columns(3)
        period = left.text_input(
            t("field.current_period"),
            value=current.current_period,
            help=t("settings.period_help"),
            key="programme_period",
        )
        currency = middle.text_input(
            t("field.currency"),
            value=current.currency,
            max_chars=3,
            help=t("settings.currency_help"),
            key="programme_currency",
        )
        capacity = right.number_input(
            t("field.strategic_capacity"),
            value=current.strategic_capacity,
            step=1,
            help=t("settings.capacity_help"),
            key="programme_capacity",
        )
        left, middle, right = st.columns(3)
        attractiveness = left.number_input(
            t("field.attractiveness_threshold"),
            value=current.attractiveness_threshold,
            step=0.5,
            help=t("settings.threshold_help"),
            key="programme_attractiveness_threshold",
        )
        strength = middle.number_input(
            t("field.strength_threshold"),
            value=current.strength_threshold,
            step=0.5,
            help=t("settings.threshold_help"),
            key="programme_strength_threshold",
        )
        per_kam = right.number_input(
            t("field.accounts_per_kam"),
            value=current.accounts_per_kam,
            step=1,
            help=t("settings.per_kam_help"),
            key="programme_accounts_per_kam",
        )
        submitted = st.form_submit_button(
            t("action.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
        )
    if submitted:
        save(
            {
                "name": name,
                "current_period": period.strip(),
                "currency": currency.strip().upper(),
                "strategic_capacity": int(capacity),
                "attractiveness_threshold": float(attractiveness),
                "strength_threshold": float(strength),
                "accounts_per_kam": int(per_kam),
            },
            current.version,
        )
    if st.session_state.pop("settings_saved", False):
        st.success(t("settings.saved"), icon=":material/check:")


def field_label(field: str) -> str:
    return t(f"field.{field}")


def save(values: dict, version: int) -> None:
    if not attempt(
        lambda: save_settings(engine(), values, version), field_label, conflict_key="settings.conflict"
    ).saved:
        return
    st.session_state["settings_saved"] = True
    st.rerun()


def criteria_editor(axis: str) -> None:
    st.subheader(t(f"criteria.title.{axis}"))
    generation = st.session_state.setdefault(f"criteria_generation_{axis}", 0)
    table = while_editing(  # what is typed outlives a write elsewhere
        f"criteria_{axis}",
        f"criteria_{axis}_{generation}",
        lambda: scoring.criteria_table(readers.criteria_of(axis, include_inactive=True)),
    )
    edited = st.data_editor(
        table,
        key=f"criteria_{axis}_{generation}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=("position", "name", "weight", "active", "anchor_low", "anchor_mid", "anchor_high", "description"),
        column_config={
            "position": st.column_config.NumberColumn(
                t("criteria.order"), min_value=1, step=1, width=80, help=t("criteria.order_help")
            ),
            "name": st.column_config.TextColumn(t("criteria.name"), required=True, max_chars=120, width="medium"),
            "weight": st.column_config.NumberColumn(
                t("criteria.weight"), min_value=0, max_value=100, step=1, required=True, width=90
            ),
            "active": st.column_config.CheckboxColumn(t("criteria.active"), default=True, width=80),
            "anchor_low": st.column_config.TextColumn(t("criteria.anchor_low"), required=True, max_chars=300),
            "anchor_mid": st.column_config.TextColumn(t("criteria.anchor_mid"), required=True, max_chars=300),
            "anchor_high": st.column_config.TextColumn(t("criteria.anchor_high"), required=True, max_chars=300),
            "description": st.column_config.TextColumn(t("criteria.description"), max_chars=500),
        },
    )
    rows = scoring.criteria_from_table(axis, edited)
    total = scoring.active_weight_sum(rows)
    left, right = st.columns([1, 3], vertical_alignment="center")
    colour = "green" if scoring.weights_complete(total) else "red"
    left.markdown(t("criteria.sum", sum=f":{colour}[**{fmt.number(total, language())}**]"))
    if right.button(
        t("criteria.save"),
        key=f"save_criteria_{axis}",
        type="primary",
        icon=":material/save:",
        **auth.permit("admin").control(),
    ):
        save_criteria(axis, rows, generation)
    if st.session_state.pop(f"criteria_saved_{axis}", False):
        st.success(t("criteria.saved"), icon=":material/check:")


def save_criteria(axis: str, rows, generation: int) -> None:
    if not attempt(
        lambda: scoring.save_criteria(engine(), axis, rows),
        lambda field, **params: t(f"field.{field}", **params),
        label_params=True,
        heading="criteria.nothing_saved",
        conflict_key="criteria.conflict",
    ).saved:
        return
    st.session_state[f"criteria_generation_{axis}"] = generation + 1
    st.session_state[f"criteria_saved_{axis}"] = True
    st.rerun()


def admin_only_caption() -> None:
    if not auth.can("admin"):
        st.caption(t("access.admin_only"), help=None)


def access_panel() -> None:
    """Who may do what: the mode, and (with sign-in) the roles given to e-mail addresses."""
    st.subheader(t("access.title"))
    if not auth.sign_in_configured():
        st.info(t("access.open_mode_explained"), icon=":material/lock_open:")
        return
    st.caption(t("access.roles_intro"))
    if auth.permit("admin").disabled:  # who holds which role is for admins only, as in the export
        st.caption(t("access.roles_admin_only", role=auth.role_name()))
        return
    admins = auth.secret_admins()
    if admins:
        st.caption(t("access.secret_admins", emails=md(", ".join(admins))))
    roles_editor()


def _roles_table() -> pd.DataFrame:
    return pd.DataFrame(
        [{"email": g.email, "role": g.role, "id": g.id, "version": g.version} for g in readers.role_grants()],
        columns=["email", "role", "id", "version"],
    )


def roles_editor() -> None:
    generation = st.session_state.setdefault("roles_generation", 0)
    table = while_editing("roles", f"roles_{generation}", _roles_table)  # what is typed outlives a write elsewhere
    edited = st.data_editor(
        table,
        key=f"roles_{generation}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=("email", "role"),
        column_config={
            "email": st.column_config.TextColumn(t("field.email"), required=True, max_chars=254),
            "role": st.column_config.SelectboxColumn(
                t("field.role"),
                options=list(ROLES),
                required=True,
                default="viewer",
                format_func=lambda code: t(f"enum.access_role.{code}"),
            ),
        },
    )
    if st.button(t("access.save"), key="save_roles", type="primary", icon=":material/save:"):
        save_roles(edited.to_dict("records"), generation)
    if st.session_state.pop("roles_saved", False):
        st.success(t("access.saved"), icon=":material/check:")


def save_roles(rows: list[dict], generation: int) -> None:
    if not attempt(lambda: save_grants(engine(), rows, auth.secret_admins()), field_label, rows=True).saved:
        return
    st.session_state["roles_generation"] = generation + 1
    st.session_state["roles_saved"] = True
    st.rerun()


def database_panel() -> None:
    st.subheader(t("settings.database"))
    info = readers.database_info()
    lang = language()
    st.markdown(t("settings.database_location", location=info.location, backend=info.backend))
    st.markdown(t("settings.database_revision", revision=info.revision or "–", head=info.head))
    if info.size_bytes is not None:
        st.markdown(t("settings.database_size", size=fmt.score(info.size_bytes / 1e6, lang)))
    if info.backup_folder is not None:
        st.caption(t("settings.backup_hint", folder=info.backup_folder))


st.title(t("page.settings"))
programme_form()
st.divider()
st.caption(t("criteria.intro"))
admin_only_caption()
for axis in AXES:
    criteria_editor(axis)
st.divider()
access_panel()
st.divider()
database_panel()
