"""The sidebar's saved analysis: "Save analysis" (one JSON file) and "Open analysis" (apply one in one click)."""

from __future__ import annotations

import streamlit as st

from crm_core.schema import DataError
from ui import saved_analysis, state
from ui.i18n import lang, t

_OPENED_FILE = "analysis_file_id"


def show(slot) -> None:
    """Draw the save button and the open uploader into ``slot`` (in an expander, so the sidebar stays short).

    Called after the page ran, so the saved file holds the choices the page has just made (a download
    button's data is fixed when it is drawn; a callable would run without the session).
    """
    opened = st.session_state.get(state.OPENED_NAME)
    with slot, st.expander(t("analysis_file"), icon="💾", expanded=False):
        if opened:
            st.caption(t("analysis_in_use", name=opened))
        st.download_button(t("save_analysis"), saved_analysis.current_settings().to_json().encode("utf-8"),
                           file_name="analysis.json", mime="application/json", icon="💾", width="stretch",
                           help=t("save_analysis_help"), key="save_analysis")
        chosen = st.file_uploader(t("open_analysis"), type=["json"], key="open_analysis")
        if chosen is not None and st.session_state.get(_OPENED_FILE) != chosen.file_id:
            st.session_state[_OPENED_FILE] = chosen.file_id
            try:
                saved_analysis.open_analysis(chosen.getvalue(), chosen.name)
            except DataError as exc:
                st.error(exc.text(lang()))
            else:
                st.session_state[state.OPENED_NAME] = chosen.name
                st.toast(t("analysis_opened", name=chosen.name), icon="📂")
                st.rerun()
