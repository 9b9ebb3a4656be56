"""A/B test page: which version converted better, and how sure we are.

Source: counts typed in (an editable example), an uploaded results file (kind "ab_results", columns proposed and
changeable) or the session's campaign outcomes (the offers among the target group).  Options (confidence, test,
baseline) -> :func:`crm_core.measure.abtest.ab_test` (cached) -> metric row, results table, verdict sentences,
rates and probability-best charts, the planning calculator and the Excel download.  The choice lives in the
session (:func:`ui.measure_state.choice`), so "Save analysis" holds it and the CLI can reuse it (``--settings``).
"""

import streamlit as st

from crm_core.schema import DataError
from ui import abtest_view, cached_abtest, measure_state, state
from ui.i18n import t

st.title(t("nav_abtest"))
st.caption(t("ab_intro"))
choice = measure_state.choice("abtest")

# --- 1. the counts -----------------------------------------------------------------------------------------------
source = abtest_view.source_picker()
if source == "typed":
    variants, source_name = abtest_view.typed_variants(), ""
else:
    upload = abtest_view.results_upload() if source == "upload" else abtest_view.outcomes_upload()
    if upload is None:
        state.stop()
    variants, source_name = abtest_view.table_variants(upload, source), upload.name

# --- 2. options and the test -------------------------------------------------------------------------------------
st.subheader(t("ab_options"))
choice = abtest_view.options(choice, [v.name for v in variants])
measure_state.set_choice("abtest", choice)  # from now on "Save analysis" holds it
try:
    result = cached_abtest.result(variants, choice)
except DataError as exc:
    abtest_view.fail(exc)

# --- 3. results --------------------------------------------------------------------------------------------------
abtest_view.metrics_row(result)
st.subheader(t("ab_results"))
abtest_view.results_table(result)
abtest_view.verdict(result)
abtest_view.charts(result)
abtest_view.planning(result, choice)
abtest_view.download(result, source_name)
