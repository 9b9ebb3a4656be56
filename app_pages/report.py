"""Report page: one click writes the whole analysis (data quality, segments, clusters, rules, churn list, lifetime
value, campaign results, forecast) in the app's language, as a self-contained HTML page and an Excel workbook.

The settings are the session's current analysis (what "Save analysis" writes, :func:`ui.saved_analysis.current_
settings`); the campaign outcomes and the sales history come from the session's tables when loaded (the sidebar's
"Load sample" loads both).  Computed by :func:`crm_core.measure.report.build_report`, as the CLI's ``report``.
"""

import streamlit as st

from ui import cached_report, report_view, saved_analysis, state
from ui.i18n import lang, t

language = lang()
st.title(t("nav_report"))
up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
currency = state.currency()
st.caption(t("rp_intro", date=f"{as_of:%Y-%m-%d}"))

choice = report_view.choice_form(language)
outcomes_up = state.dataset("campaign_outcomes")
sales_up = state.dataset("sales_history")
st.caption(t("rp_inputs", outcomes=outcomes_up.name if outcomes_up else t("rp_no_outcomes"),
             sales=sales_up.name if sales_up else t("rp_from_orders")))
if choice is None:
    state.stop()

settings = saved_analysis.current_settings(summary)
fingerprint = cached_report.token(key, as_of=as_of, settings=settings, choice=choice, lang=language,
                                  currency=currency, outcomes_up=outcomes_up, sales_up=sales_up)
entry = cached_report.built()
if st.button(t("rp_build"), type="primary", icon="📝", key="rp_build"):
    inputs = cached_report.inputs(key, as_of=as_of, settings=settings, currency=currency, outcomes_up=outcomes_up,
                                  sales_up=sales_up, sources=up.sources(), lang=language)
    entry = report_view.build(inputs, choice, language, fingerprint)

if entry is not None:
    report = entry["report"]
    if entry["token"] != fingerprint:
        st.info(t("rp_stale"))
    report_view.summary(report)
    report_view.downloads(entry, f"report_{report.as_of:%Y%m%d}" if report.as_of else "report")
    report_view.preview(report)
