"""lifecycle page (being built)."""

import streamlit as st

from ui import state
from ui.i18n import t

up, summary = state.require_data()
st.title(t("nav_lifecycle"))
