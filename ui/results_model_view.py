"""The Campaign results page's "Model lists" section: a churn or response model's list checked against what
happened in the later orders (hit rate and recall against the base rate).

The list is the session's trained model (:func:`ui.model_scores.model_scores`: the Churn page's retention list at
its threshold, or the top share of the Response page's scores) or an exported churn/response list.  The scored
customers (the base) are the model's, or the RFM customers of the session's orders for an uploaded list; the
window starts at the analysis date (the list id's date for an uploaded list).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from crm_core.measure import results as rs
from crm_core.schema import DataError
from ui import cached, cached_results, model_scores, predict_state, results_charts, results_view, uploads
from ui.cached_predict import TableKey, table_key
from ui.i18n import labels, lang, t

__all__ = ["MODEL_LIST_KEY", "model_section"]

MODEL_LIST_KEY = "cr_model_list"  # TableKey of the uploaded exported churn/response list
KINDS = ("churn", "response")
SOURCES = ("session", "upload")


def _list_date(list_id: str) -> date | None:
    """The analysis date written in a list id (``CHURN-20260101-…``)."""
    try:
        return datetime.strptime(list_id.split("-")[1], "%Y%m%d").date()
    except (IndexError, ValueError):
        return None


def _later() -> TableKey | None:
    current = results_view.table_upload("later_orders", label=t("cr_later_upload"), replace_label=t("cr_later_replace"),
                                        help_text=t("cr_later_help"), in_use=t("cr_later_file"))
    if current is None:
        st.info(t("cr_needs_later"))
        return None
    return table_key(current)


def _session_list(kind: str, found) -> tuple[list[str], list[str], date] | None:
    """(listed, scored customers, start) of the session's trained model, or None (said why)."""
    key, as_of, scope, _ = found
    scores = model_scores.model_scores(key, as_of, scope, lang())
    prediction = getattr(scores, kind)
    if prediction is None:
        for problem in scores.problems:
            st.warning(t("cr_model_problem", problem=problem))
        st.info(t("cr_no_session_model", kind=t(f"cr_kind_{kind}")))
        if kind == "churn" and predict_state.CHURN not in st.session_state and st.button(
                t("cr_train_churn"), icon="🚨", key="cr_train_churn", help=t("cr_train_churn_help")):
            predict_state.set_churn_choice(predict_state.churn_choice())  # the Churn page's choice, now in use
            st.rerun()
        return None
    p = prediction.scores["p"].astype(float)
    p.index = p.index.astype(str)
    if kind == "churn":
        listed = p.index[p >= predict_state.churn_choice().threshold]
    else:
        share = st.slider(t("cr_top_share"), min_value=5, max_value=50, value=20, step=5, format="%d%%",
                          key="cr_top_share")
        listed = p.sort_values(ascending=False, kind="stable").index[: max(1, round(len(p) * share / 100))]
    return list(listed), list(p.index), as_of


def _uploaded_list(found) -> tuple[list[str], list[str], date] | None:
    key, as_of, scope, params = found
    gen = st.session_state.get("cr_model_list_gen", 0)
    uploaded = st.file_uploader(t("cr_model_upload"), type=["xlsx"], key=f"cr_model_list_uploader_{gen}",
                                help=t("cr_lists_help"))
    if uploaded is not None:
        st.session_state[MODEL_LIST_KEY] = table_key(uploads.make_upload([(uploaded.name, uploaded.getvalue())]))
    item = st.session_state.get(MODEL_LIST_KEY)
    if item is None:
        return None
    try:
        exported = cached_results.exported_list(item)
    except DataError as exc:
        st.error(exc.text(lang()))
        return None
    st.markdown(t("cr_list_row", list_id=exported.list_id, kind=exported.kind, members=len(exported.members),
                  control=int((exported.members["group"] == "control").sum()), matched=""))
    scored = cached.rfm_scores(key, as_of, params, scope)["customer_id"].astype(str)
    members = exported.members
    if exported.kind == "CMP":
        members = members[members["group"] != "control"]
    return list(members["customer_id"]), list(scored), _list_date(exported.list_id) or as_of


def model_section(choice: rs.ResultsChoice) -> None:
    st.subheader(t("cr_model_title"))
    st.caption(t("cr_model_intro"))
    gen = st.session_state.get("editor_gen", 0)  # an opened analysis (a new generation) puts its values in the widgets
    c1, c2, c3 = st.columns([1, 2, 1])
    kind = c1.radio(t("cr_model_kind"), KINDS, index=KINDS.index(choice.model_kind), key=f"cr_model_kind_{gen}",
                    format_func=labels(KINDS, lambda k: t(f"cr_kind_{k}")), horizontal=True)
    source = c2.radio(t("cr_model_source"), SOURCES, key="cr_model_source", horizontal=True,
                      format_func=labels(SOURCES, lambda s: t(f"cr_source_{s}")))
    window = int(choice.window_days)
    if kind == "churn" and window == rs.ResultsChoice().window_days:  # untouched: the churn model's own horizon
        from ui import predict_state

        window = int(predict_state.churn_choice().horizon_days)
    days = int(c3.number_input(t("cr_window"), min_value=1, max_value=3650, value=window, step=1,
                               key=f"cr_window_{gen}", help=t("cr_window_help")))
    if (kind, days) != (choice.model_kind, choice.window_days):
        choice = results_view.set_choice(model_kind=kind, window_days=days)
    found = results_view.orders()
    if found is None:
        st.info(t("cr_needs_orders"))
        return
    later = _later()
    made = _session_list(kind, found) if source == "session" else _uploaded_list(found)
    if later is None or made is None:
        return
    listed, scored, start = made
    try:
        with st.spinner(t("computing")):
            truth = cached_results.model_truth(later, tuple(scored), start, days, kind)
    except DataError as exc:
        st.error(exc.text(lang()))
        return
    lines = cached_results.later_orders(later)
    if len(lines):
        st.caption(t("cr_later_in_use", name=later.name, first=f"{lines['order_date'].min():%Y-%m-%d}",
                     last=f"{lines['order_date'].max():%Y-%m-%d}") + " · "
                   + t("cr_start", start=f"{start:%Y-%m-%d}", days=days))
    check = rs.model_list_check(listed, truth, kind=kind)
    m = st.columns(5)
    m[0].metric(t("cr_listed"), f"{check['listed']:,}")
    m[1].metric(t("cr_hit_rate"), results_view.pct(check["hit_rate"]))
    m[2].metric(t("cr_base_rate"), results_view.pct(check["base_rate"]))
    m[3].metric(t("cr_recall"), results_view.pct(check["recall"]))
    m[4].metric(t("cr_lift_x"), "–" if pd.isna(check["lift"]) else f"{check['lift']:.2f}×")
    if check["listed"] and not pd.isna(check["lift"]):
        st.success(t(f"cr_model_sentence_{kind}", listed=check["listed"], hits=check["hits"],
                     hit_rate=results_view.pct(check["hit_rate"]), base_rate=results_view.pct(check["base_rate"]),
                     scored=check["scored"], lift=check["lift"], recall=results_view.pct(check["recall"])))
    if check["unknown"]:
        st.caption(t("cr_model_unknown", n=check["unknown"]))
    st.altair_chart(results_charts.model_chart(check), width="content")
