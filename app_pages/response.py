"""Response page: who will answer the next campaign, and how many customers to contact.

Source: a past campaign's results (customer, contacted, responded; uploaded, or the demo campaign's with one click
when the sample is loaded) with the session's orders, or a customer table with a response column (Bank style),
whose columns known only after the contact are left out.  Settings -> training (cached, with progress) -> the
model comparison, the measures, gains/lift, calibration, importance, leakage warnings -> targeting: the top K or
the top deciles against contacting at random, the expected profit curve with the best K, and the target list
through the export path.
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from crm_core.predict import explain, labels, targeting
from crm_core.predict.scores import TARGET_COLUMN, TARGET_KEY, TargetList, with_scores
from crm_core.predict.table import guess_id_column, propose_result_columns
from crm_core.schema import DataError
from ui import cached, cached_predict, predict_charts, predict_state, predict_view, samples, state
from ui.choice_keeper import ChoiceKeeper
from ui.i18n import labels as option_labels
from ui.i18n import lang, t
from ui.list_download import list_download

TARGET_COLUMNS = ("customer_id", "response_propensity", "response_decile", "recency_days", "frequency", "monetary",
                  "last_order_date", "channel", "name", "phone", "email", "city")
language = lang()
st.title(t("nav_response"))
st.caption(t("pr_response_intro"))
kept = ChoiceKeeper(predict_state.response_choice(), predict_state.set_response_choice)
choice = kept.choice


def read_columns(upload) -> tuple[cached_predict.TableKey, pd.DataFrame]:
    source = cached_predict.table_key(upload)
    try:
        return source, cached_predict.raw_table(source).frame
    except DataError as exc:
        st.error(exc.text(language))
        state.stop()


# --- 1. what the model learns from -----------------------------------------------------------------------------
SOURCES = ["results", "table"]
picked = st.segmented_control(t("pr_source"), SOURCES, default=choice.source, required=True, key="response_source",
                              format_func=option_labels(SOURCES, lambda s: t(f"pr_response_source_{s}")))
choice = kept.update(source=picked or choice.source)

key = up = as_of = None
if choice.source == "results":
    if state.upload() is None:
        st.info(t("upload_first"))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        st.caption(t("pr_response_table_hint"))
        state.stop()
    up, summary = state.require_data()
    key = state.ingest_key(up)
    as_of = state.as_of(summary["default_as_of"])
    upload = predict_view.table_upload("campaign_results", label=t("pr_results_file"),
                                       help_text=t("pr_results_file_help"))
    if up.file_id == "sample" and samples.sample_campaign_file() is not None and (
            upload is None or upload.file_id != "sample"):
        if st.button(t("pr_demo_results"), icon="🧪", key="response_demo"):
            samples.load_sample_campaign_results()
            predict_state.set_response_choice(replace(choice, customer_col=None, contacted_col=None,
                                                      responded_col=None, campaign_date=None, model=None))
            st.rerun()
    if upload is None:
        st.info(t("pr_results_first"))
        state.stop()
    source, frame = read_columns(upload)
    columns = [str(c) for c in frame.columns]
    proposed = propose_result_columns(columns)
    guess_date = cached_predict.campaign_date(source)
    if choice.campaign_date is None and guess_date is not None:
        choice = kept.update(campaign_date=guess_date)
    with st.form("response_results_form"):
        c1, c2, c3, c4 = st.columns(4)
        current = {role: getattr(choice, f"{role}_col") or proposed.get(role) for role in proposed}
        customer = c1.selectbox(t("pr_customer_col"), columns, key="response_customer_col",
                                index=columns.index(current["customer"]) if current["customer"] in columns else None,
                                placeholder=t("pr_choose_column"))
        optional = [None, *columns]
        contacted = c2.selectbox(t("pr_contacted_col"), optional, key="response_contacted_col",
                                 index=optional.index(current["contacted"]) if current["contacted"] in optional else 0,
                                 format_func=option_labels(optional, lambda c: t("pr_everyone_contacted") if c is None
                                                           else c), help=t("pr_contacted_col_help"))
        responded = c3.selectbox(t("pr_responded_col"), columns, key="response_responded_col",
                                 index=columns.index(current["responded"]) if current["responded"] in columns else None,
                                 placeholder=t("pr_choose_column"))
        sent = c4.date_input(t("pr_campaign_date"), value=choice.campaign_date, key="response_campaign_date",
                             help=t("pr_campaign_date_help"))
        if st.form_submit_button(t("pr_train"), type="primary"):
            choice = kept.update(customer_col=customer, contacted_col=contacted, responded_col=responded,
                                 campaign_date=sent, model=None)
            st.rerun()
    if choice.campaign_date is None:
        st.info(t("pr_campaign_date_first"))
        state.stop()
    st.caption(t("pr_results_words", date=f"{choice.campaign_date:%Y-%m-%d}", as_of=f"{as_of:%Y-%m-%d}"))
else:
    upload = predict_view.table_upload("response_table", label=t("pr_response_table"),
                                       help_text=t("pr_response_table_help"))
    if upload is None:
        st.info(t("pr_response_table_first"))
        state.stop()
    source, frame = read_columns(upload)
    columns = [str(c) for c in frame.columns]
    reviewed_key = f"response_reviewed_{upload.digest}"
    after_contact = [c for c in columns if explain.AFTER_CONTACT.search(c)]
    if not st.session_state.get(reviewed_key):
        # First sight of this table: columns known only after the contact start excluded.
        st.session_state[reviewed_key] = True
        if after_contact and not choice.exclude:
            choice = kept.update(exclude=tuple(after_contact))
    target_guess = choice.target if choice.target in columns else labels.guess_target(columns, "response")
    id_guess = choice.id_column if choice.id_column in columns else guess_id_column(frame)
    for column in after_contact:
        st.warning(t("pr_after_contact_excluded" if column in choice.exclude else "pr_after_contact_kept",
                     column=column), icon="⚠️")
    with st.form("response_table_form"):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(t("pr_target_response"), columns, key="response_target",
                              index=columns.index(target_guess) if target_guess in columns else None,
                              help=t("pr_target_response_help"), placeholder=t("pr_choose_column"))
        ids = [None, *columns]
        id_column = c2.selectbox(t("pr_id_column"), ids, index=ids.index(id_guess) if id_guess in ids else 0,
                                 key="response_id_column", help=t("pr_id_column_help"),
                                 format_func=option_labels(ids, lambda c: t("pr_no_id") if c is None else c))
        folds = c3.number_input(t("pr_folds"), min_value=2, max_value=10, value=choice.folds, key="response_folds",
                                help=t("pr_folds_help"))
        exclude = st.multiselect(t("pr_exclude"), columns, default=[c for c in choice.exclude if c in columns],
                                 key="response_exclude", help=t("pr_exclude_help_response"),
                                 placeholder=t("pr_exclude_none"))
        if st.form_submit_button(t("pr_train"), type="primary"):
            choice = kept.update(target=target, id_column=id_column, folds=int(folds), exclude=tuple(exclude),
                                 model=None)
            st.rerun()
    if target_guess is None and choice.target is None:
        st.info(t("pr_choose_target_response"))
        state.stop()

# --- 2. training ------------------------------------------------------------------------------------------------
prediction = predict_view.train(
    lambda progress: cached_predict.response_prediction(key, source, as_of, choice, progress), kind="response")
predict_state.set_response_choice(choice)  # trained: Customer 360 and the campaign builder now show these scores
predict_view.dropped_section(prediction)

# --- 3. which model, how good -------------------------------------------------------------------------------------
st.subheader(t("pr_models"))
model = predict_view.comparison_section(prediction, choice.model, "response_model")
if model != choice.model:
    choice = kept.update(model=model)
    st.rerun()
predict_view.leakage_section(prediction)
st.subheader(t("pr_quality"))
# Response rates are low: the threshold starts where the top tenth of the tested customers' scores begins.
top_tenth = float(prediction.evaluation["p"].quantile(0.9))
percent = st.slider(t("pr_threshold_response"), 5, 95, value=int(min(max(round(top_tenth * 20) * 5, 5), 95)), step=5,
                    format="%d%%", key="response_threshold", help=t("pr_threshold_help_response"))
predict_view.quality_section(prediction, percent / 100)
predict_view.evaluation_views(prediction, "response_view")

# --- 4. targeting ---------------------------------------------------------------------------------------------------
st.subheader(t("pr_targeting"))
currency = state.currency()
c1, c2 = st.columns(2)
cost = c1.number_input(t("pr_cost", currency=currency), min_value=0.0, value=float(choice.cost_per_contact), step=0.5,
                       key="response_cost", help=t("pr_cost_help"))
margin = c2.number_input(t("pr_margin", currency=currency), min_value=0.0, value=float(choice.margin_per_response),
                         step=1.0, key="response_margin", help=t("pr_margin_help"))
choice = kept.update(cost_per_contact=float(cost), margin_per_response=float(margin))
table = cached_predict.targeting(key, source, as_of, choice)
best = targeting.best_k(table)
scores = prediction.scores["p"].astype(float)
st.vega_lite_chart(spec=predict_charts.profit_chart(table, best, currency=currency).to_dict(), width="stretch")
st.caption(t("pr_profit_words", k=int(best["contacted"]), share=float(best["share"]),
             profit=f"{currency}{float(best['profit']):,.0f}", responders=float(best["expected_responders"]),
             random=f"{currency}{float(best['random_profit']):,.0f}"))

MODES = ["top_k", "deciles"]
mode = st.segmented_control(t("pr_contact_how"), MODES, default="top_k", required=True, key="response_mode",
                            format_func=option_labels(MODES, lambda m: t(f"pr_contact_{m}"))) or "top_k"
deciles = pd.Series(targeting.decile_of(scores.to_numpy()), index=scores.index)
best_count = min(max(int(best["contacted"]), 1), len(scores))
best_tenth = max(1, min(10, int(deciles[scores.sort_values(ascending=False, kind="stable").index[best_count - 1]])))
# K and the tenths start at the best K, and follow it when the cost, the margin or the model move it; a number she
# typed stays until then.
moved = st.session_state.get("response_best_shown") != (best_count, len(scores))
st.session_state["response_best_shown"] = (best_count, len(scores))
for widget, start in (("response_k", best_count), ("response_deciles", best_tenth)):
    if moved or widget not in st.session_state:  # (Streamlit forgets a widget's value once it is not drawn)
        st.session_state[widget] = start
if mode == "top_k":
    k = int(st.number_input(t("pr_contact_k"), min_value=1, max_value=len(scores), step=10, key="response_k",
                            help=t("pr_contact_k_help")))
else:
    tenths = st.slider(t("pr_contact_deciles"), 1, 10, key="response_deciles", help=t("pr_contact_deciles_help"))
    k = int((deciles <= tenths).sum())
chosen = cached_predict.at_k(key, source, as_of, choice, k)
m = st.columns(4)
m[0].metric(t("pr_contacts"), f"{k:,}", help=t("pr_contacts_help", total=len(scores)))
m[1].metric(t("pr_expected_responders"), f"{chosen['expected_responders']:,.1f}",
            delta=f"{chosen['expected_responders'] - chosen['random_responders']:+,.1f}",
            help=t("pr_expected_responders_help", random=chosen["random_responders"]))
m[2].metric(t("pr_response_rate"), f"{chosen['response_rate']:.1%}",
            delta=f"{(chosen['response_rate'] - chosen['random_rate']) * 100:+.1f} pp",
            help=t("pr_response_rate_help", random=chosen["random_rate"]))
gain = chosen["profit"] - chosen["random_profit"]
m[3].metric(t("pr_expected_profit"), f"{currency}{chosen['profit']:,.0f}",
            delta=f"{'+' if gain >= 0 else '−'}{currency}{abs(gain):,.0f}",
            help=t("pr_expected_profit_help", random=f"{currency}{chosen['random_profit']:,.0f}"))
st.caption(t("pr_best_k_metric", k=int(best["contacted"])))

# --- 5. the target list -------------------------------------------------------------------------------------------
st.markdown(f"##### {t('pr_target_download')}")
top = scores.sort_values(ascending=False, kind="stable").index[:k]
segmentation = TargetList(k=k, model=prediction.model_name, choice=choice)
if choice.source == "results":
    scope = state.scope()
    named = with_scores(cached.rfm_scores(key, as_of, state.rfm_params(), scope), response=prediction)
    ids = named["customer_id"].astype(str) if "customer_id" in named.columns else named.index.astype(str)
    listed = named[ids.isin(set(top.astype(str)))]
    listed = listed.assign(**{TARGET_COLUMN: TARGET_KEY}).sort_values(
        "response_propensity", ascending=False, kind="stable")
    list_download(listed, segmentation, key=key, up=up, as_of=as_of, scope=scope, file_stem="target_list",
                  widget_key="response_list", columns=TARGET_COLUMNS, preview=True)
else:
    listed = pd.DataFrame({"customer_id": top.astype(str), "response_propensity": scores.loc[top].to_numpy()})
    listed = with_scores(listed, response=prediction).assign(**{TARGET_COLUMN: TARGET_KEY})
    predict_view.table_list_download(listed, segmentation, columns=TARGET_COLUMNS, file_stem="target_list",
                                     widget_key="response_list")
