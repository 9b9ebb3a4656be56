"""Churn page: who is about to leave, and which of them are worth keeping.

Source: the session's orders (churn = no purchase within N days after a cutoff; features from before the cutoff
only) or an uploaded customer table with a churn column.  Settings -> training (cached, with progress) -> the
model comparison, the measures at the threshold in plain words, gains/lift, calibration, importance, leakage
warnings -> the retention list (most value at risk first) with the value/risk quadrants, through the export path.

The choice lives in the session (:func:`ui.predict_state.churn_choice`); the threshold slider changes only the
list (training is keyed on everything else, :func:`ui.cached_predict.churn_train_part`).
"""

import streamlit as st

from crm_core.predict import labels
from crm_core.predict.scores import RETENTION_KEY, RETENTION_LIST_COLUMNS, RetentionList, retention_table
from crm_core.predict.table import guess_id_column
from crm_core.schema import DataError
from ui import cached, cached_predict, predict_charts, predict_state, predict_view, state
from ui.choice_keeper import ChoiceKeeper
from ui.fmt import fit_height, percent_for_display, table_config
from ui.i18n import labels as option_labels
from ui.i18n import lang, t
from ui.list_download import list_download

SHOWN = 1_000  # rows of the retention list drawn on the page (the download holds them all)
language = lang()
st.title(t("nav_churn"))
st.caption(t("pr_churn_intro"))
kept = ChoiceKeeper(predict_state.churn_choice(), predict_state.set_churn_choice)
choice = kept.choice


# --- 1. where churn comes from ----------------------------------------------------------------------------------
SOURCES = ["orders", "table"]
source = st.segmented_control(t("pr_source"), SOURCES, default=choice.source, required=True, key="churn_source",
                              format_func=option_labels(SOURCES, lambda s: t(f"pr_churn_source_{s}")))
choice = kept.update(source=source or choice.source)

key = up = as_of = table = None
if choice.source == "orders":
    if state.upload() is None:
        st.info(t("upload_first"))
        st.page_link("app_pages/data.py", label=t("go_to_upload"), icon="📤")
        st.caption(t("pr_churn_table_hint"))
        state.stop()
    up, summary = state.require_data()
    key = state.ingest_key(up)
    as_of = state.as_of(summary["default_as_of"])
    default, end = cached_predict.default_cutoff(key, as_of, choice.horizon_days)
    with st.form("churn_orders_form"):
        st.markdown(f"**{t('pr_label_orders')}**")
        c1, c2, c3 = st.columns(3)
        horizon = c1.number_input(t("pr_horizon"), min_value=7, max_value=730, value=choice.horizon_days, step=15,
                                  key="churn_horizon", help=t("pr_horizon_help"))
        cutoff = c2.date_input(t("pr_cutoff"), value=choice.cutoff or default, max_value=end, key="churn_cutoff",
                               help=t("pr_cutoff_help", end=f"{end:%Y-%m-%d}"))
        rolling = c3.number_input(t("pr_rolling"), min_value=1, max_value=6, value=choice.rolling,
                                  key="churn_rolling", help=t("pr_rolling_help"))
        if st.form_submit_button(t("pr_train"), type="primary"):
            horizon = int(horizon)
            # The default cutoff follows the horizon and the data: kept as None unless she moved it.
            new_default = cached_predict.default_cutoff(key, as_of, horizon)[0]
            if cutoff == (choice.cutoff or default):  # not moved: a chosen cutoff stays, the default follows
                chosen = choice.cutoff
            else:
                chosen = None if cutoff == new_default else cutoff
            choice = kept.update(horizon_days=horizon, cutoff=chosen, rolling=int(rolling), model=None)
            st.rerun()
    st.caption(t("pr_label_words", horizon=choice.horizon_days, cutoff=f"{choice.cutoff or default:%Y-%m-%d}"))
else:
    upload = predict_view.table_upload("churn_table", label=t("pr_churn_table"), help_text=t("pr_churn_table_help"))
    if upload is None:
        st.info(t("pr_churn_table_first"))
        state.stop()
    table = cached_predict.table_key(upload)
    try:
        columns = [str(c) for c in cached_predict.raw_table(table).frame.columns]
    except DataError as exc:
        st.error(exc.text(language))
        state.stop()
    frame = cached_predict.raw_table(table).frame
    target_guess = choice.target if choice.target in columns else labels.guess_target(columns, "churn")
    id_guess = choice.id_column if choice.id_column in columns else guess_id_column(frame)
    with st.form("churn_table_form"):
        c1, c2, c3 = st.columns(3)
        target = c1.selectbox(t("pr_target_churn"), columns, index=columns.index(target_guess) if target_guess
                              in columns else None, key="churn_target", help=t("pr_target_churn_help"),
                              placeholder=t("pr_choose_column"))
        ids = [None, *columns]
        id_column = c2.selectbox(t("pr_id_column"), ids, index=ids.index(id_guess) if id_guess in ids else 0,
                                 key="churn_id_column", help=t("pr_id_column_help"),
                                 format_func=option_labels(ids, lambda c: t("pr_no_id") if c is None else c))
        folds = c3.number_input(t("pr_folds"), min_value=2, max_value=10, value=choice.folds, key="churn_folds",
                                help=t("pr_folds_help"))
        exclude = st.multiselect(t("pr_exclude"), columns, default=[c for c in choice.exclude if c in columns],
                                 key="churn_exclude", help=t("pr_exclude_help"), placeholder=t("pr_exclude_none"))
        if st.form_submit_button(t("pr_train"), type="primary"):
            choice = kept.update(target=target, id_column=id_column, folds=int(folds), exclude=tuple(exclude),
                                 model=None)
            st.rerun()
    if target_guess is None and choice.target is None:
        st.info(t("pr_choose_target_churn"))
        state.stop()

# --- 2. training ------------------------------------------------------------------------------------------------
prediction = predict_view.train(lambda progress: cached_predict.churn_prediction(key, table, as_of, choice, progress),
                                kind="churn")
predict_state.set_churn_choice(choice)  # trained: Customer 360 and the campaign builder now show these scores
predict_view.dropped_section(prediction)

# --- 3. which model, how good -------------------------------------------------------------------------------------
st.subheader(t("pr_models"))
model = predict_view.comparison_section(prediction, choice.model, "churn_model")
if model != choice.model:
    choice = kept.update(model=model)
    st.rerun()
leaks = predict_view.leakage_section(prediction)

st.subheader(t("pr_quality"))
percent = st.slider(t("pr_threshold_churn"), 5, 95, value=int(round(choice.threshold * 100)), step=5, format="%d%%",
                    key="churn_threshold", help=t("pr_threshold_help_churn"))
choice = kept.update(threshold=percent / 100)
predict_view.quality_section(prediction, choice.threshold)
predict_view.evaluation_views(prediction, "churn_view")

# --- 4. the retention list ----------------------------------------------------------------------------------------
st.subheader(t("pr_retention"))
value_column = None
if choice.source == "table":
    numeric = [c for c in prediction.features if c in prediction.scores.columns
               and prediction.scores[c].dtype.kind in "fi"]
    options = [None, *numeric]
    value_column = st.selectbox(t("pr_value_column"), options, key="churn_value_column",
                                format_func=option_labels(options, lambda c: t("pr_value_none") if c is None else c),
                                help=t("pr_value_column_help"))
st.caption(t("pr_retention_words", threshold=choice.threshold) + ("" if language == "zh" else " ") +
           (t("pr_value_words_orders") if choice.source == "orders" else
            t("pr_value_words_table", column=value_column) if value_column else t("pr_value_words_none")))
retention = cached_predict.retention(key, table, as_of, choice, language, value_column)
currency = state.currency()
valued = choice.source == "orders" or value_column is not None
k = st.columns(3)
k[0].metric(t("pr_listed"), f"{len(retention):,}", help=t("pr_listed_help"))
at_risk = retention["value_at_risk"].sum()
if valued:
    k[1].metric(t("pr_value_at_risk"), f"{currency}{at_risk:,.0f}", help=t("pr_value_at_risk_help"))
else:
    k[1].metric(t("pr_expected_leavers"), f"{at_risk:,.1f}", help=t("pr_expected_leavers_help"))
k[2].metric(t("pr_mean_risk"), f"{retention['churn_risk'].mean():.0%}" if len(retention) else "–")
quadrants = cached_predict.quadrants(key, table, as_of, choice, value_column)
if valued:  # (without a value every customer is worth 1: nothing to plot)
    st.vega_lite_chart(spec=predict_charts.quadrant_chart(quadrants, threshold=choice.threshold,
                                                          currency=currency).to_dict(), width="stretch")
    st.caption(t("pr_quadrant_words"))
if retention.empty:
    st.info(t("pr_nobody_listed", threshold=choice.threshold))
    state.stop()
shown = retention.head(SHOWN)
if not valued:  # every value is 1: the list is by risk alone
    shown = shown.drop(columns=["customer_value", "value_at_risk"])
st.dataframe(percent_for_display(shown), hide_index=True, width="stretch", height=fit_height(len(shown)),
             column_config={**table_config(tuple(shown.columns), currency),
                            "churn_reasons": st.column_config.TextColumn(t("pr_reasons"), width="large")})
if len(retention) > SHOWN:
    st.caption(t("pr_first_rows", n=SHOWN))

segmentation = RetentionList(threshold=choice.threshold, model=prediction.model_name,
                             horizon_days=choice.horizon_days if choice.source == "orders" else None, choice=choice)
st.markdown(f"##### {t('pr_retention_download')}")
if choice.source == "orders":
    scope = state.scope()
    named = cached.rfm_scores(key, as_of, state.rfm_params(), scope)
    list_download(retention_table(named, retention), segmentation, key=key, up=up, as_of=as_of, scope=scope,
                  file_stem="retention_list", widget_key="churn_list", columns=RETENTION_LIST_COLUMNS, preview=False)
else:
    listed = retention.assign(retention_list=RETENTION_KEY)
    predict_view.table_list_download(listed, segmentation, columns=RETENTION_LIST_COLUMNS, file_stem="retention_list",
                                     widget_key="churn_list")
if leaks:
    st.caption(t("pr_leaks_reminder", n=len(leaks)))
