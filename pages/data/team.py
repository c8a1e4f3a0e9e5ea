"""Our team and offers: the KAMs who own accounts (and how many strategic accounts each carries),
and the catalogue of our offer lines the white space maps."""

import streamlit as st

from kam_core.common.text import md
from kam_core.programme import team
from kam_core.ui import readers
from kam_core.ui.i18n import t
from kam_core.ui.roster_editor import roster_editor
from kam_core.ui.store import engine


def kam_team() -> None:
    st.subheader(t("team.kams"))
    st.caption(t("team.kams_help", limit=readers.programme_settings().accounts_per_kam))
    table = readers.kam_table()
    over = table[table["over_limit"] & table["active"]]
    for row in over.itertuples():
        st.warning(
            t(
                "team.over_limit",
                name=md(row.name),
                count=row.strategic,
                limit=readers.programme_settings().accounts_per_kam,
            ),
            icon=":material/warning:",
        )
    for row in table[~table["active"] & (table["accounts"] > 0)].itertuples():
        st.warning(t("team.inactive_owner", name=md(row.name), count=row.accounts), icon=":material/person_off:")
    roster_editor(
        "kams",
        table,
        {
            "name": st.column_config.TextColumn(t("team.field.name"), required=True, max_chars=120, width="medium"),
            "email": st.column_config.TextColumn(t("team.field.email"), required=True, max_chars=254, width="large"),
            "region": st.column_config.TextColumn(t("team.field.region"), max_chars=80),
            "active": st.column_config.CheckboxColumn(t("team.field.active"), default=True),
            "accounts": st.column_config.NumberColumn(
                t("team.field.accounts"), format="%d", help=t("team.accounts_help")
            ),
            "strategic": st.column_config.NumberColumn(
                t("team.field.strategic"), format="%d", help=t("team.strategic_help")
            ),
        },
        save=lambda rows, read: team.save_kams(engine(), rows, read),
        field_label=lambda field: t(f"team.field.{field}"),
        read_only=("accounts", "strategic", "over_limit"),
    )


def offers() -> None:
    st.subheader(t("team.offers"))
    st.caption(t("team.offers_help"))
    roster_editor(
        "offers",
        readers.offers_table(),
        {
            "name": st.column_config.TextColumn(t("team.field.offer"), required=True, max_chars=120, width="medium"),
            "family": st.column_config.TextColumn(t("team.field.family"), required=True, max_chars=80, width="medium"),
            "active": st.column_config.CheckboxColumn(t("team.field.active"), default=True),
            "used": st.column_config.NumberColumn(t("team.field.used"), format="%d", help=t("team.used_help")),
        },
        save=lambda rows, read: team.save_offers(engine(), rows, read),
        field_label=lambda field: t(f"team.field.{field}"),
        read_only=("used",),
    )


st.title(t("page.team"))
st.caption(t("team.caption"))
kam_team()
st.divider()
offers()
