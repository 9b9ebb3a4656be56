"""A whole analysis in the session: what "Save analysis" writes and what "Open analysis" applies.

The session keys are :mod:`ui.state`'s; this module turns them into one
:class:`crm_core.settings.AnalysisSettings` and back.
"""

from __future__ import annotations

import streamlit as st

from crm_core.predict.churn import ChurnChoice
from crm_core.predict.clv import ClvChoice
from crm_core.predict.response import ResponseChoice
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings
from ui import clv_state, measure_state, predict_state, segment_state
from ui.i18n import lang
from ui.state import (
    _SETTING_WIDGETS,
    AS_OF,
    CURRENCY,
    CUSTOMERS_MAPPING,
    INGEST_OPTIONS,
    LIST_SETTINGS,
    MAPPING,
    METHOD_PREFERENCE,
    OPENED,
    READ_OPTIONS,
    RFM_PARAMS,
    SCOPE,
    _new_customer_widgets,
    currency,
    currency_source,
    ingest_options,
    known_summary,
    list_settings,
    read_options,
    rfm_params,
    scope,
    upload,
)

__all__ = ["apply_settings", "current_settings", "open_analysis"]


def current_settings(summary: dict | None = None) -> AnalysisSettings:
    """Every choice of this session as one :class:`crm_core.settings.AnalysisSettings` ("Save analysis").

    The analysis date is saved as a rule (None: the day after the last order) unless the user moved it
    away from that default.  The currency in use is saved unless it was read from this file; opened again,
    it serves where a file shows none (a file's own sign still wins), as in the CLI.
    """
    up = upload()
    summary = summary or (known_summary(up) if up is not None else None)
    chosen = st.session_state.get(AS_OF)
    as_of_saved = None if chosen is None or (summary and chosen == summary.get("default_as_of")) else chosen
    params = rfm_params()
    return AnalysisSettings(
        read=read_options(), mapping=st.session_state.get(MAPPING), customers_mapping=st.session_state.get(
            CUSTOMERS_MAPPING), cleaning=ingest_options(), as_of=as_of_saved, scope=scope(), rfm=params,
        scheme_base=st.session_state.get("scheme_base", "11"), lists=list_settings(),
        # The currency in use unless this file shows it (then next month's file will too): the CLI then writes
        # the same sign where a file shows none.
        currency=None if currency_source() == "detected" else currency(),
        lang=lang(),
        tags=segment_state.tag_rules(), clusters=segment_state.cluster_choice(),
        lifecycle=segment_state.lifecycle_windows(), campaign=segment_state.campaign(),
        crosssell=segment_state.crosssell(),
        churn=predict_state.churn_choice(), response=predict_state.response_choice(), clv=clv_state.clv_choice(),
        **measure_state.all_choices(),
    )


def apply_settings(settings: AnalysisSettings) -> None:
    """Put a saved analysis into the session: every page then shows and uses its choices."""
    st.session_state[READ_OPTIONS] = settings.read
    for key, value in ((MAPPING, settings.mapping), (CUSTOMERS_MAPPING, settings.customers_mapping),
                       (AS_OF, settings.as_of)):
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
    st.session_state[INGEST_OPTIONS] = settings.cleaning
    st.session_state[SCOPE] = settings.scope
    st.session_state[LIST_SETTINGS] = settings.lists
    st.session_state[RFM_PARAMS] = settings.rfm
    st.session_state[METHOD_PREFERENCE] = settings.rfm.method
    st.session_state["scheme_base"] = settings.scheme_base
    standard = rfm.SCHEMES[settings.scheme_base]
    st.session_state["edited_schemes"] = {} if settings.rfm.scheme == standard else {
        settings.scheme_base: settings.rfm.scheme}
    if settings.rfm.thresholds is not None:  # the saved cut-offs, not this file's quintiles
        up = upload()
        st.session_state["threshold_basis"] = (settings.rfm.frequency_basis, up.digest if up else None)
    else:
        st.session_state.pop("threshold_basis", None)
    if settings.currency:  # for files that show none: a file's own sign still wins (update_currency)
        st.session_state[CURRENCY] = (settings.currency, "preference")
    segment_state.set_tag_rules(settings.tags)
    segment_state.set_cluster_choice(settings.clusters)
    segment_state.set_lifecycle_windows(settings.lifecycle)
    segment_state.set_campaign(settings.campaign)
    segment_state.set_crosssell(settings.crosssell)
    # The model choices: only those she changed (a default choice would make the other pages fit a model she never
    # asked for, see ui.model_scores).
    for chosen, default, keep in ((settings.churn, ChurnChoice(), predict_state.set_churn_choice),
                                  (settings.response, ResponseChoice(), predict_state.set_response_choice),
                                  (settings.clv, ClvChoice(), clv_state.set_clv_choice)):
        if chosen != default:
            keep(chosen)
    for name in measure_state.CHOICES:  # the measurement pages' choices (a default one changes nothing)
        measure_state.set_choice(name, getattr(settings, name))
    st.session_state["editor_gen"] = st.session_state.get("editor_gen", 0) + 1
    _new_customer_widgets()
    for key in _SETTING_WIDGETS:
        st.session_state.pop(key, None)


def open_analysis(data: bytes, name: str) -> AnalysisSettings:
    """Read a saved analysis (DataError when it is not one) and apply it, now and to files uploaded later."""
    settings = AnalysisSettings.from_json(data, source=name)
    st.session_state[OPENED] = settings
    apply_settings(settings)
    return settings
