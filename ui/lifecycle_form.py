"""The Lifecycle page's stage windows editor: three day counts kept in the session (:mod:`ui.segment_state`, saved
with the analysis), a button back to the defaults, the core's message when they do not hold."""

from __future__ import annotations

from datetime import date

import streamlit as st

from crm_core.schema import DataError
from crm_core.segment.lifecycle import LifecycleWindows
from ui import segment_state, state
from ui.i18n import lang, t

WINDOWS_GEN = "lc_windows_gen"  # bumped to give the inputs new keys when the defaults come back


def windows_editor(as_of: date) -> LifecycleWindows:
    """The three windows (new, active, churned days before ``as_of``), started from the session's; stops the
    view with the core's message when invalid."""
    saved = segment_state.lifecycle_windows()
    gen = f"{st.session_state.get('editor_gen', 0)}_{st.session_state.get(WINDOWS_GEN, 0)}"
    st.markdown(f"##### {t('lc_windows')}")
    st.caption(t("lc_windows_caption", date=f"{as_of:%Y-%m-%d}"))
    c1, c2, c3 = st.columns(3)
    typed = {}
    for column, name in zip((c1, c2, c3), ("new_days", "active_days", "churn_days"), strict=True):
        typed[name] = column.number_input(t(f"lc_{name}"), min_value=1, max_value=36500, step=1,
                                          value=getattr(saved, name), help=t(f"lc_{name}_help"),
                                          key=f"lc_{name}_{gen}")
    if saved != LifecycleWindows() and st.button(t("lc_default_windows"), key="lc_default_windows"):
        segment_state.set_lifecycle_windows(LifecycleWindows())
        st.session_state[WINDOWS_GEN] = st.session_state.get(WINDOWS_GEN, 0) + 1
        st.rerun()
    try:
        windows = LifecycleWindows(**typed)
    except DataError as exc:
        st.error(exc.text(lang()))
        state.stop()
    segment_state.set_lifecycle_windows(windows)
    return windows
