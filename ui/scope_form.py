"""The RFM page's analysis window and filters: which order lines the analysis counts (crm_core.settings.Scope).

The widgets start from the session's scope (a saved analysis opened, or the last choice) whenever their own
state is missing, e.g. after a visit to another page, and write the choice back to the session.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from crm_core.settings import MAX_MONTHS, Scope
from ui import cached, state
from ui.i18n import labels, t

KINDS = ("all", "months", "from")
_FILTERS = (("channels", "filter_channels"), ("categories", "filter_categories"), ("cities", "filter_cities"))


def _init(current: Scope, as_of: date, first_date: date) -> None:
    """Seed the widgets' state from ``current`` where Streamlit holds none."""
    kind = "from" if current.start is not None else "months" if current.months is not None else "all"
    defaults = {
        "window_kind": kind,
        "window_months": current.months or 12,
        "window_from": current.start or max(first_date, (as_of - timedelta(days=365))),
        **{key: list(getattr(current, name)) for name, key in _FILTERS},
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    # A saved first day may fall outside this file's dates, or after a later-chosen analysis date: the picker
    # only takes days in between, so it is moved to the nearest one (the window's title shows the day used).
    latest = as_of - timedelta(days=1)
    st.session_state["window_from"] = min(max(st.session_state["window_from"], first_date), latest)


def _from_widgets() -> Scope:
    kind = st.session_state["window_kind"]
    return Scope(start=st.session_state["window_from"] if kind == "from" else None,
                 months=int(st.session_state["window_months"]) if kind == "months" else None,
                 **{name: tuple(st.session_state[key]) for name, key in _FILTERS})


def summary_text(scope: Scope, as_of: date) -> str:
    """The scope in a few words, for the expander's title ("all orders" / "last 12 months, 2 filters")."""
    first = scope.first_day(as_of)
    window = t("window_all") if first is None else (
        t("window_last_months", n=scope.months) if scope.start is None else t("window_since", date=f"{first:%Y-%m-%d}"))
    n = sum(bool(getattr(scope, name)) for name, _ in _FILTERS)
    return window + (t("filters_active", n=n) if n else "")


def scope_form(key: cached.DatasetKey, as_of: date, first_date: date) -> Scope:
    # (first_date < as_of always: the analysis date's picker starts the day after the first order.)
    """Draw the window and filters; return the scope chosen (also kept in the session)."""
    _init(state.scope(), as_of, first_date)
    # The widgets' state already holds this run's choice: the title says what is counted now, not last run.
    current = _from_widgets()
    with st.expander(t("scope_expander", summary=summary_text(current, as_of)), expanded=not current.is_all):
        c1, c2 = st.columns([2, 1])
        kind = c1.radio(t("window"), KINDS, horizontal=True, key="window_kind",
                        format_func=labels(KINDS, lambda k: t(f"window_kind_{k}")))
        start, months = None, None
        if kind == "months":
            months = int(c2.number_input(t("window_months"), min_value=1, max_value=MAX_MONTHS, step=1,
                                         key="window_months"))
        elif kind == "from":
            start = c2.date_input(t("window_from"), key="window_from", min_value=first_date,
                                  max_value=as_of - timedelta(days=1))
        values = cached.scope_values(key)
        cols = st.columns(3)
        chosen = {}
        for col, (name, widget) in zip(cols, _FILTERS, strict=True):
            # Saved values missing from this file stay listed, so the user sees (and can drop) them.
            options = list(dict.fromkeys((*values[name], *st.session_state.get(widget, []))))
            chosen[name] = col.multiselect(t(widget), options, key=widget, disabled=not options,
                                           placeholder=t("filter_all") if options else t("filter_no_column"))
        st.caption(t("scope_help"))
    scope = Scope(start=start, months=months, **chosen)
    st.session_state[state.SCOPE] = scope
    return scope
