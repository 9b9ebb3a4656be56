"""clv page (being built for issue 14)."""

import streamlit as st

from ui.i18n import t

st.title(t("nav_clv"))
