"""The session's lifetime-value choice (:class:`crm_core.predict.clv.ClvChoice`): method, horizon, discount rate,
margin and the formula's inputs.

Kept in the session (not in widget state, which Streamlit drops when the user visits another page), so the
Lifetime value page, the customer 360 and the campaign builder read the same choice, and an analysis file can
save and restore it.
"""

from __future__ import annotations

import streamlit as st

from crm_core.predict.clv import ClvChoice

__all__ = ["CLV_CHOICE", "clv_choice", "set_clv_choice"]

CLV_CHOICE = "clv_choice"


def clv_choice() -> ClvChoice:
    """The lifetime-value choice of the Lifetime value page (default: :class:`ClvChoice`'s defaults)."""
    return st.session_state.get(CLV_CHOICE, ClvChoice())


def set_clv_choice(choice: ClvChoice) -> None:
    st.session_state[CLV_CHOICE] = choice
