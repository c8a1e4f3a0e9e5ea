"""Executive plan of one account: its sponsor, our executives paired with the customer's on a
cadence, the meetings planned and held, and the brief for the next one."""

from datetime import timedelta

import streamlit as st

from kam_core.account import engagement
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.documents import brief
from kam_core.ui import auth, presentation, readers
from kam_core.ui.i18n import language, t
from kam_core.ui.labels import CADENCE_COLOURS, timeline_labels
from kam_core.ui.memo import draw_chart, while_shown
from kam_core.ui.saving import save, saved_message
from kam_core.ui.section_editor import section_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import selected_account_or_stop

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def header(summary) -> None:
    st.title(t("plan.title", name=md(summary.name)))
    st.caption(t("plan.caption"))


def sponsor(account_id: int, summary) -> None:
    st.subheader(t("plan.sponsor"))
    if not presentation.editing():  # the room reads who sponsors the account; the choice waits for Edit
        st.markdown(f"**{md(summary.sponsor)}**" if summary.sponsor else t("plan.no_sponsor"))
    else:
        sponsor_form(account_id, summary)
    if summary.sponsor is None:
        st.warning(t("plan.needs_sponsor"), icon=":material/person_off:")


def sponsor_form(account_id: int, summary) -> None:
    load = readers.sponsor_options()
    options = {
        int(row.executive_id): t(
            "plan.sponsor_option", name=row.executive, title=row.title, sponsored=row.sponsored, limit=row.max_accounts
        )
        for row in load.itertuples()
    }
    if summary.sponsor_id is not None and summary.sponsor_id not in options:  # no longer active: kept as is
        options[summary.sponsor_id] = t("plan.inactive", name=summary.sponsor)
    current = while_shown(  # carries the account's version, as read when the choice was shown
        f"sponsor_{account_id}", f"sponsor_pick_{account_id}", lambda: readers.key_figures(account_id)
    )
    chosen = summary.sponsor_id
    with st.form(f"sponsor_{account_id}", border=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        executive = left.selectbox(
            t("plan.sponsor"),
            [None, *options],
            key=f"sponsor_pick_{account_id}",
            index=1 + list(options).index(chosen) if chosen in options else 0,
            format_func=lambda i: t("plan.no_sponsor") if i is None else options[i],
            label_visibility="collapsed",
        )
        if right.form_submit_button(t("canvas.save"), icon=":material/save:", **auth.permit("editor").control()):
            save(
                lambda: engagement.set_sponsor(engine(), account_id, executive, current.version),
                field_label=lambda field: t("plan.sponsor"),
            )


def pairings(account_id: int) -> None:
    st.subheader(t("plan.pairings"))
    grid = readers.cadence(account_id)
    lang = language()
    for row in grid.itertuples():
        since = (
            t("executives.never_met")
            if row.last_held is None
            else t("executives.since", days=row.days_since, date=fmt.day(row.last_held, lang))
        )
        st.markdown(
            f":{CADENCE_COLOURS[row.status]}-badge[{t(f'enum.cadence.{row.status}')}] "
            f"**{md(row.executive)}** ↔ {md(row.stakeholder)} · {t('executives.every', days=row.cadence_days)} · "
            f"{since}"
        )
    st.caption(t("plan.pairings_help"))
    section_editor("pairings", account_id)


def engagements(account_id: int) -> None:
    st.subheader(t("plan.engagements"))
    rows = readers.engagements(today() - timedelta(days=183), today() + timedelta(days=183), account_id)
    if not rows.empty:
        draw_chart(
            "account_timeline",
            (account_id, today()),
            lambda: engagement.timeline_chart(rows, labels=timeline_labels(), today=today()),
            width="stretch",
        )
    st.caption(t("plan.engagements_help"))
    section_editor("engagements", account_id)
    planned = rows[rows["status"] == "planned"] if not rows.empty else rows
    if not planned.empty:
        st.download_button(
            t("executives.ics", count=len(planned)),
            lambda: engagement.engagements_ics(planned, calendar_name=t("executives.calendar_name")),
            f"kam-engagements-{account_id}.ics",
            "text/calendar",
            icon=":material/calendar_month:",
            on_click="ignore",
        )
    return planned


def executive_brief(planned) -> None:
    st.subheader(t("plan.brief"))
    if planned is None or planned.empty:
        st.info(t("plan.no_planned"))
        return
    lang = language()
    choices = {
        int(row.engagement_id): f"{fmt.day(row.on_date, lang)} · {row.objective}"
        for row in planned.sort_values("on_date").itertuples()
    }
    engagement_id = st.selectbox(t("plan.brief_for"), list(choices), format_func=choices.get, key="brief_for")
    document = readers.executive_brief(engagement_id)
    text = brief.brief_markdown(document, lang)
    with st.container(border=True):
        st.markdown(text)
    left, right = st.columns(2)
    left.download_button(
        t("plan.brief_docx"),
        lambda: brief.brief_docx(document, lang),
        f"brief-{engagement_id}.docx",
        DOCX,
        icon=":material/description:",
        on_click="ignore",
        type="primary",
    )
    right.download_button(
        t("plan.brief_md"),
        text.encode("utf-8"),
        f"brief-{engagement_id}.md",
        "text/markdown",
        icon=":material/article:",
        on_click="ignore",
    )


summary = selected_account_or_stop("page.executive_plan")
account_id = summary.account_id
header(summary)
saved_message()
sponsor(account_id, summary)
pairings(account_id)
planned = engagements(account_id)
executive_brief(planned)
