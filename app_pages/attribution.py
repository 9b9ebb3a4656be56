"""Attribution page: touchpoints or ready paths (format told from the headers, columns proposed, both hers to
change) -> the journeys (a journey ends at each conversion; every row left out with its reason) -> six models ->
metrics, the side-by-side chart and table of conversions and value per channel, the Markov removal effects, the
summary in words and the Excel download.

Everything is computed by :mod:`crm_core.measure.attribution` through :mod:`ui.cached_attribution`; the model
options (:class:`AttributionChoice`) are kept in the session (:mod:`ui.measure_state`) and saved with the analysis.
"""

import streamlit as st

from crm_core.schema import DataError
from ui import attribution_view as view
from ui import cached_attribution, state
from ui.i18n import lang, t

st.title(t("nav_attribution"))
st.caption(t("at_intro"))
view.set_choice()  # the session holds the page's choice from its first visit (saved with the analysis)

key = view.table_section()
if key is None:
    st.stop()
try:
    cached_attribution.raw(key)
except DataError as exc:
    st.error(exc.text(lang()))
    st.stop()
mapped = view.columns_section(key)
if mapped is None:
    st.stop()
fmt, columns = mapped
choice = view.options_section(fmt)

try:
    with st.spinner(t("at_computing")):
        paths = cached_attribution.paths(key, fmt, columns, choice.separator)
        found = cached_attribution.results(key, fmt, columns, choice)
except DataError as exc:
    st.error(exc.text(lang()))
    state.stop()

view.excluded_section(paths)
view.metrics_section(paths, fmt)
view.models_section(found)
summary = view.summary_section(found)
view.download(found, paths, choice, summary, source=key.name, fmt=fmt, columns=columns)
