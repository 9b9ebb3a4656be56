"""The session's prediction choices and tables: the Churn page's :class:`ChurnChoice`, the Response page's
:class:`ResponseChoice`, and the tables they read (a customer table with a churn column, a past campaign's results,
a customer table with a response column).

The choices live in the session (not in widget state, which Streamlit drops when she visits another page); the
tables are data sets of their own kind in :mod:`ui.state` (so "Clear my data" removes them with the rest).
"""

from __future__ import annotations

import streamlit as st

from crm_core.predict.churn import ChurnChoice
from crm_core.predict.response import ResponseChoice
from ui import state, uploads

__all__ = ["CHURN", "PREDICT_KEYS", "RESPONSE", "campaign_results", "churn_choice", "churn_table", "response_choice",
           "response_table", "set_churn_choice", "set_response_choice", "set_table", "table_of"]

CHURN = "churn_choice"
RESPONSE = "response_choice"
PREDICT_KEYS = (CHURN, RESPONSE)


def churn_choice() -> ChurnChoice:
    """The churn choice of the Churn page (default: :class:`ChurnChoice`'s defaults)."""
    return st.session_state.get(CHURN, ChurnChoice())


def set_churn_choice(choice: ChurnChoice) -> None:
    st.session_state[CHURN] = choice


def response_choice() -> ResponseChoice:
    """The response choice of the Response page (default: :class:`ResponseChoice`'s defaults)."""
    return st.session_state.get(RESPONSE, ResponseChoice())


def set_response_choice(choice: ResponseChoice) -> None:
    st.session_state[RESPONSE] = choice


def table_of(kind: str) -> uploads.Upload | None:
    """The session's table of ``kind`` (:data:`ui.state.TABLE_KINDS`), or None."""
    return state.dataset(kind)


def churn_table() -> uploads.Upload | None:
    """The uploaded customer table with a churn column, or None."""
    return table_of("churn_table")


def campaign_results() -> uploads.Upload | None:
    """The uploaded (or demo) results of a past campaign, or None."""
    return table_of("campaign_results")


def response_table() -> uploads.Upload | None:
    """The uploaded customer table with a response column, or None."""
    return table_of("response_table")


def set_table(kind: str, name: str, data: bytes, *, file_id: str = "") -> None:
    """A new table of ``kind``; the choice's columns named for the old table are forgotten."""
    previous = table_of(kind)
    state.set_table(kind, name, data, file_id=file_id)
    if previous is not None and previous.digest == state.dataset(kind).digest:
        return
    if kind == "churn_table":
        old = churn_choice()
        set_churn_choice(ChurnChoice(source=old.source, folds=old.folds, seed=old.seed, threshold=old.threshold))
    elif kind in ("response_table", "campaign_results"):  # another kind (a measurement page's) changes no choice
        old = response_choice()
        set_response_choice(ResponseChoice(source=old.source, folds=old.folds, seed=old.seed,
                                           cost_per_contact=old.cost_per_contact,
                                           margin_per_response=old.margin_per_response))
