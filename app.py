"""Entry point: navigation, language switch, shared data status in the sidebar."""

import streamlit as st

from ui import analysis_box, cached, samples, state
from ui.i18n import LANG_KEY, LANGS, browser_default_lang, t

st.set_page_config(page_title="Analytical CRM", page_icon="📊", layout="wide")
cached.warm_up()  # once per server, in the background: the first upload then runs at full speed
if LANG_KEY not in st.session_state:
    st.session_state[LANG_KEY] = browser_default_lang()

with st.sidebar:
    st.radio(t("language"), options=list(LANGS), format_func=LANGS.get, key=LANG_KEY, horizontal=True)

# The data-mining loop as the menu's sections: get the data, understand the customers, act, measure. Every page
# stays listed (expanded): a "View more" fold would hide the measurement pages at the end.
navigation = st.navigation(
    {
        "": [
            st.Page("app_pages/home.py", title=t("nav_home"), icon="🏠", default=True),
            st.Page("app_pages/data.py", title=t("nav_data"), icon="📤"),
        ],
        t("nav_section_understand"): [
            st.Page("app_pages/rfm.py", title=t("nav_rfm"), icon="🎯"),
            st.Page("app_pages/clusters.py", title=t("nav_clusters"), icon="🧩"),
            st.Page("app_pages/lifecycle.py", title=t("nav_lifecycle"), icon="🔄"),
            st.Page("app_pages/customer360.py", title=t("nav_customer360"), icon="👤"),
        ],
        t("nav_section_act"): [
            st.Page("app_pages/crosssell.py", title=t("nav_crosssell"), icon="🛒"),
            st.Page("app_pages/churn.py", title=t("nav_churn"), icon="🚨"),
            st.Page("app_pages/response.py", title=t("nav_response"), icon="📬"),
            st.Page("app_pages/clv.py", title=t("nav_clv"), icon="💎"),
            st.Page("app_pages/campaign.py", title=t("nav_campaign"), icon="📣"),
            st.Page("app_pages/export.py", title=t("nav_export"), icon="📥"),
        ],
        t("nav_section_measure"): [
            st.Page("app_pages/abtest.py", title=t("nav_abtest"), icon="🧪"),
            st.Page("app_pages/campaign_results.py", title=t("nav_results"), icon="📈"),
            st.Page("app_pages/attribution.py", title=t("nav_attribution"), icon="🧭"),
            st.Page("app_pages/forecast.py", title=t("nav_forecast"), icon="🔮"),
            st.Page("app_pages/report.py", title=t("nav_report"), icon="📑"),
        ],
    },
    expanded=True,
)

with st.sidebar:
    st.divider()
    st.subheader(t("data_status"))
    status_box = st.container()
    if st.button(t("load_sample"), icon="🧪", width="stretch", key="sidebar_sample"):
        samples.load_sample()
        st.rerun()
    if state.upload() is not None and st.button(t("clear_data"), icon="🗑️", width="stretch", key="sidebar_clear"):
        state.clear_data()
        cached.clear_all()
        st.toast(t("cleared"))
        st.rerun()
    # Drawn after the page (below), so "Save analysis" holds the choices the page just made.
    analysis_slot = st.container()
    st.caption(t("privacy_note"))


def show_data_status(slot) -> None:
    """File name and counts; never computes (pages compute the summary, the sidebar only reads it).

    The customer count is the one for the analysis date the RFM page last scored, labelled with that
    date when it is not the default (the day after the last order), so it matches the page.
    """
    upload = state.upload()
    if upload is None:
        slot.caption(t("no_data"))
        return
    problem = state.read_problem(upload)
    if problem is not None:
        slot.markdown(t(f"status_{problem}", name=upload.name))
        return
    summary = state.known_summary(upload)
    if not summary:
        slot.markdown(f"**{upload.name}**")
        return
    box = slot.container()  # the orders, then the customer file joined to them
    scored = state.scored_count(upload)
    if scored is not None and scored[0] != summary["default_as_of"]:
        box.markdown(t("loaded_file_as_of", name=upload.name, rows=summary["rows_used"], customers=scored[1],
                       date=f"{scored[0]:%Y-%m-%d}"))
    else:
        box.markdown(t("loaded_file", name=upload.name, rows=summary["rows_used"], customers=summary["customers"]))
    customers = state.dataset("customers")
    if customers is not None:
        box.caption(t("sidebar_customer_file", name=customers.name))


def after_page() -> None:
    """The sidebar parts that show what the page did: the data status, the saved-analysis box."""
    show_data_status(status_slot)
    analysis_box.show(analysis_slot)


status_slot = status_box.empty()
show_data_status(status_slot)
# A page that stops early (st.stop) skips the call below; ui.state.stop() calls this first.
st.session_state[state.STATUS_HOOK] = after_page
navigation.run()
# After the page, which may just have computed the counts (skipped when a page guard stopped the run).
after_page()
