"""KAM planning dashboard: the router and the frame (title, account selector, language)."""

import streamlit as st

from kam_core.common.errors import PermissionDenied
from kam_core.ui import auth, frame, state
from kam_core.ui.saving import denied_message
from kam_core.ui.i18n import t

st.set_page_config(page_title="KAM", page_icon=":material/handshake:", layout="wide")

frame.language_switch()
frame.open_store()
actor = auth.establish()  # who acts in this run; stops at the sign-in screen when sign-in is on

navigation = st.navigation({
    t("nav.portfolio"): [
        st.Page("pages/portfolio/home.py", title=t("page.home"), icon=":material/dashboard:", url_path="home",
                default=True),
        st.Page("pages/portfolio/matrix.py", title=t("page.matrix"), icon=":material/bubble_chart:",
                url_path="matrix"),
        st.Page("pages/portfolio/scoring.py", title=t("page.scoring"), icon=":material/tune:", url_path="scoring"),
        st.Page("pages/portfolio/handshakes.py", title=t("page.handshakes"), icon=":material/handshake:",
                url_path="handshakes"),
        st.Page("pages/portfolio/executives.py", title=t("page.executives"), icon=":material/groups:",
                url_path="executives"),
        st.Page("pages/portfolio/accounts.py", title=t("page.accounts"), icon=":material/list_alt:", url_path="accounts"),
    ],
    t("nav.account"): [
        st.Page("pages/account/canvas.py", title=t("page.canvas"), icon=":material/dashboard_customize:",
                url_path="canvas"),
        st.Page("pages/account/handshake.py", title=t("page.handshake"), icon=":material/approval_delegation:",
                url_path="handshake"),
        st.Page("pages/account/executive_plan.py", title=t("page.executive_plan"), icon=":material/diversity_3:",
                url_path="executive-plan"),
        st.Page("pages/account/overview.py", title=t("page.account_overview"), icon=":material/business_center:",
                url_path="account"),
        st.Page("pages/account/qbr.py", title=t("page.qbr"), icon=":material/slideshow:", url_path="qbr"),
        st.Page("pages/account/record.py", title=t("page.record"), icon=":material/edit_note:",
                url_path=state.RECORD_PATH),
        st.Page("pages/account/history.py", title=t("page.history"), icon=":material/history:", url_path="history"),
    ],
    t("nav.data"): [
        st.Page("pages/data/exchange.py", title=t("page.exchange"), icon=":material/sync_alt:",
                url_path="import-export"),
        st.Page("pages/data/team.py", title=t("page.team"), icon=":material/badge:", url_path="team"),
        st.Page("pages/data/merge.py", title=t("page.merge"), icon=":material/merge:", url_path="merge"),
        st.Page("pages/data/settings.py", title=t("page.settings"), icon=":material/settings:", url_path="settings"),
    ],
}, expanded=True)  # every page in sight: a workshop should not hunt behind "View more"
frame.end_new_account_elsewhere(navigation)
frame.account_selector()
frame.programme_caption()
auth.who_caption(actor)
try:
    navigation.run()
except PermissionDenied as denied:  # a write the role does not allow, from a control that did not say so
    st.error(denied_message(denied), icon=":material/lock:")
