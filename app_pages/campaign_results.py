"""Campaign results page: the outcomes file (columns proposed, her changes kept; exported lists matched by their list
id, their control group recognised; every row left out with its reason) -> metrics, the lift over the held-out
control group, success rates by offer, channel, agent, segment with intervals and the fair agent comparison ->
model lists checked against the later orders.

Everything is computed by :mod:`crm_core.measure` through :mod:`ui.cached_results`; the choice (confidence, fewest
contacts per agent, model kind, window) is kept in the session (:mod:`ui.measure_state`) and saved with the analysis.
"""

import streamlit as st

from ui import results_model_view, results_view
from ui.i18n import t

st.title(t("nav_results"))
st.caption(t("cr_intro"))
choice = results_view.choice()
results_view.set_choice()  # the session holds the page's choice from its first visit (saved with the analysis)

confidences = (0.90, 0.95, 0.99)
gen = st.session_state.get("editor_gen", 0)  # an opened analysis (a new generation) puts its values in the widgets
with st.expander(t("cr_settings", confidence=f"{choice.confidence:.0%}", min_contacts=choice.min_contacts),
                 icon="⚙️"):
    s1, s2 = st.columns(2)
    confidence = s1.segmented_control(t("cr_confidence"), confidences, default=choice.confidence
                                      if choice.confidence in confidences else 0.95, required=True,
                                      format_func=lambda c: f"{c:.0%}", key=f"cr_confidence_{gen}") or 0.95
    min_contacts = int(s2.number_input(t("cr_min_contacts"), min_value=1, max_value=10_000,
                                       value=int(choice.min_contacts), key=f"cr_min_contacts_{gen}",
                                       help=t("cr_min_contacts_help")))
if (confidence, min_contacts) != (choice.confidence, choice.min_contacts):
    choice = results_view.set_choice(confidence=confidence, min_contacts=min_contacts)

found = results_view.outcomes_section()
if found is not None:
    table = results_view.with_session_segments(found.table)
    results_view.metrics_section(table)
    results_view.lift_section(table, choice.confidence)
    results_view.rates_section(table, choice.confidence, choice.min_contacts)

st.divider()
results_model_view.model_section(choice)
