"""Entry point: navigation, language switch, shared data status in the sidebar."""

import streamlit as st

from ui import cached, state
from ui.i18n import LANG_KEY, LANGS, browser_default_lang, t

st.set_page_config(page_title="Analytical CRM", page_icon="📊", layout="wide")
if LANG_KEY not in st.session_state:
    st.session_state[LANG_KEY] = browser_default_lang()

with st.sidebar:
    st.radio(t("language"), options=list(LANGS), format_func=LANGS.get, key=LANG_KEY, horizontal=True)

navigation = st.navigation(
    [
        st.Page("pages/home.py", title=t("nav_home"), icon="🏠", default=True),
        st.Page("pages/data.py", title=t("nav_data"), icon="📤"),
        st.Page("pages/rfm.py", title=t("nav_rfm"), icon="🎯"),
        st.Page("pages/export.py", title=t("nav_export"), icon="📥"),
    ]
)

with st.sidebar:
    st.divider()
    st.subheader(t("data_status"))
    upload = state.upload()
    if upload is None:
        st.caption(t("no_data"))
    else:
        summary = state.known_summary(upload)
        if summary:
            st.markdown(t("loaded_file", name=upload.name, rows=summary["rows_used"], customers=summary["customers"]))
        else:
            st.markdown(f"**{upload.name}**")
    if st.button(t("load_sample"), icon="🧪", width="stretch", key="sidebar_sample"):
        state.load_sample()
        st.rerun()
    if upload is not None and st.button(t("clear_data"), icon="🗑️", width="stretch", key="sidebar_clear"):
        state.clear_data()
        cached.clear_all()
        st.toast(t("cleared"))
        st.rerun()
    st.caption(t("privacy_note"))

navigation.run()
