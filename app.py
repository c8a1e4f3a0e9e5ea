"""KAM planning dashboard: the router and the frame (title, account selector, language)."""

import streamlit as st

from kam_core.common.errors import PermissionDenied
from kam_core.ui import auth, frame, routes
from kam_core.ui.i18n import t
from kam_core.ui.saving import denied_message

st.set_page_config(page_title="KAM", page_icon=":material/handshake:", layout="wide")

frame.language_switch()
frame.open_store()
actor = auth.establish()  # who acts in this run; stops at the sign-in screen when sign-in is on

pages: dict[str, list] = {}  # the navigation's groups, from the one table of pages (kam_core.ui.routes)
for route in routes.ROUTES:
    pages.setdefault(t(route.group), []).append(
        st.Page(route.path, title=t(route.title), icon=route.icon, url_path=route.url_path, default=route.default)
    )
navigation = st.navigation(pages, expanded=True)  # every page in sight: a workshop should not hunt behind "View more"
frame.end_new_account_elsewhere(navigation)
frame.account_selector()
frame.programme_caption()
auth.who_caption(actor)
try:
    navigation.run()
except PermissionDenied as denied:  # a write the role does not allow, from a control that did not say so
    st.error(denied_message(denied), icon=":material/lock:")
