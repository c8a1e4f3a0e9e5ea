"""KAM planning dashboard: the router and the frame (title, account selector, language)."""

import streamlit as st

from kam_core.common.errors import PermissionDenied
from kam_core.ui import auth, frame, presentation, routes
from kam_core.ui.i18n import t
from kam_core.ui.saving import denied_message

st.set_page_config(page_title="KAM", page_icon=":material/handshake:", layout="wide")
presentation.keep_in_url()  # ?present=1 survives page switches, as ?account= does
presentation.style()

frame.language_switch()
frame.open_store()
actor = auth.establish()  # who acts in this run; stops at the sign-in screen when sign-in is on

pages: dict[str, list] = {}  # the navigation's groups, from the one table of pages (kam_core.ui.routes)
for route in routes.ROUTES:
    pages.setdefault(t(route.group), []).append(
        st.Page(route.path, title=t(route.title), icon=route.icon, url_path=route.url_path, default=route.default)
    )
# every page in sight: a workshop should not hunt behind "View more"; presenting, no sidebar at all
navigation = st.navigation(pages, expanded=True, position="hidden" if presentation.active() else "sidebar")
frame.end_new_account_elsewhere(navigation)
selected = frame.account_selector()
if presentation.active():
    presentation.compact_header(navigation, selected)
    presentation.editing_page_notice(navigation)
else:
    presentation.enter_button()
    frame.programme_caption()
    auth.who_caption(actor)
try:
    navigation.run()
except PermissionDenied as denied:  # a write the role does not allow, from a control that did not say so
    st.error(denied_message(denied), icon=":material/lock:")
