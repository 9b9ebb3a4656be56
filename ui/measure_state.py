"""The measurement pages' choices in the session (A/B test, campaign results, attribution, forecast, report).

Each page keeps its :mod:`crm_core.measure` ``*Choice`` here, so the sidebar's "Save analysis" writes it into the
analysis file (:func:`ui.saved_analysis.current_settings`) and "Open analysis" puts it back
(:func:`ui.saved_analysis.apply_settings`).  A page that never ran gives the defaults.
"""

from __future__ import annotations

import streamlit as st

from crm_core.measure.abtest import AbChoice
from crm_core.measure.attribution import AttributionChoice
from crm_core.measure.forecast import ForecastChoice
from crm_core.measure.report import ReportChoice
from crm_core.measure.results import ResultsChoice

# The analysis file's key -> the Choice class kept under "measure_<key>" in the session.
CHOICES = {"abtest": AbChoice, "results": ResultsChoice, "attribution": AttributionChoice,
           "forecast": ForecastChoice, "report": ReportChoice}


def _key(name: str) -> str:
    if name not in CHOICES:
        raise ValueError(f"not a measurement choice: {name!r}")
    return f"measure_{name}"


def choice(name: str):
    """The session's choice ``name`` (a key of :data:`CHOICES`), or its defaults."""
    return st.session_state.get(_key(name)) or CHOICES[name]()


def set_choice(name: str, value) -> None:
    if not isinstance(value, CHOICES[name]):
        raise TypeError(f"{name} wants a {CHOICES[name].__name__}, got {type(value).__name__}")
    st.session_state[_key(name)] = value


def all_choices() -> dict:
    """Every measurement choice of the session, by the analysis file's key."""
    return {name: choice(name) for name in CHOICES}
