"""A/B test page (placeholder: being built for issue 15)."""

import streamlit as st

from ui.i18n import t

st.title(t("nav_abtest"))
