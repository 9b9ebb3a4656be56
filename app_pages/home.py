"""Start page: what the app does and a one-click demo."""

import streamlit as st

from ui import samples
from ui.i18n import t

st.title(t("home_title"))
st.markdown(t("home_intro"))
st.markdown(t("home_steps"))
left, right = st.columns(2)
with left:
    if st.button(t("load_sample"), type="primary", icon="🧪", key="home_sample"):
        samples.load_sample()
        st.switch_page("app_pages/data.py")
    st.caption(t("home_sample_hint"))
with right:
    st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
st.divider()
st.caption(t("privacy_note"))
