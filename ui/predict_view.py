"""The display parts shared by the Churn and Response pages: training with progress, the model comparison, the
measures at a threshold in plain words, the gains/lift, calibration and importance views, the leakage warnings,
and the list download for a table uploaded without orders.  No analysis here: everything comes from
:mod:`crm_core.predict` through :mod:`ui.cached_predict`.

``kind`` is "churn" or "response": it picks the words for the customers the model looks for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from crm_core import export
from crm_core.predict import metrics
from crm_core.predict.churn import Prediction
from crm_core.predict.features import feature_label
from crm_core.predict.models import MODEL_LABELS
from crm_core.predict.table import dropped_text
from crm_core.schema import DataError
from ui import cached_predict, predict_charts, state, uploads
from ui.fmt import fit_height
from ui.i18n import labels, lang, t

__all__ = ["comparison_section", "dropped_section", "evaluation_views", "leakage_section", "model_label",
           "quality_section", "table_list_download", "table_upload", "train"]

VIEWS = ("gains", "calibration", "importance")


def model_label(name: str) -> str:
    words = MODEL_LABELS.get(name)
    return words.text(lang()) if words is not None else name


def train(run: Callable[[Callable], Prediction], *, kind: str) -> Prediction:
    """Run ``run(progress)`` inside a status box with a progress bar; a DataError is shown and stops the page.

    The box ends with a summary: customers learnt from, the share of positives, the best model and its AUC, and the
    seconds the comparison took (also on a later run served from the cache)."""
    with st.status(t("pr_training"), expanded=False) as box:
        bar = st.progress(0.0, text=t("pr_training_start"))

        def progress(done: int, total: int, model: str) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=t("pr_training_step", model=model_label(model),
                                                               done=done, total=total))

        try:
            prediction = run(progress)
        except DataError as exc:
            box.update(label=t("pr_training_failed"), state="error", expanded=True)
            st.error(exc.text(lang()))
            state.stop()
        bar.empty()
        evaluation = prediction.evaluation
        best = prediction.comparison.iloc[0]
        box.update(label=t(f"pr_trained_{kind}", customers=len(evaluation), positives=int(evaluation["y"].sum()),
                           share=float(evaluation["y"].mean()), model=model_label(str(best["model"])),
                           auc=float(best["auc"]), seconds=float(prediction.comparison["seconds"].sum())),
                   state="complete")
    return prediction


def comparison_section(prediction: Prediction, chosen: str | None, widget_key: str) -> str | None:
    """The cross-validated ROC AUC of every model (best first) and the model to use: returns the choice's
    ``model`` (None = the best, proposed)."""
    comparison = prediction.comparison
    best = str(comparison["model"].iloc[0])
    shown = pd.DataFrame({
        "model": [model_label(str(m)) for m in comparison["model"]],
        "auc": comparison["auc"].astype(float).round(3),
        "auc_std": comparison["auc_std"].astype(float).round(3),
        "seconds": comparison["seconds"].astype(float).round(1),
    })
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)), column_config={
        "model": st.column_config.TextColumn(t("pr_model")),
        "auc": st.column_config.NumberColumn(t("pr_auc_cv"), format="%.3f", help=t("pr_auc_help")),
        "auc_std": st.column_config.NumberColumn(t("pr_auc_std"), format="± %.3f", help=t("pr_auc_std_help")),
        "seconds": st.column_config.NumberColumn(t("pr_seconds"), format="%.1f s")})
    st.caption(t(f"pr_comparison_caption_{prediction.kind}"))
    names = [str(m) for m in comparison["model"]]
    current = chosen if chosen in names else best
    # The box shows the choice: when the comparison or the choice changed under it (another source or table, whose
    # best model differs), it is set again; otherwise it keeps what she picked.
    seen_key = f"{widget_key}_shown_for"
    if st.session_state.get(seen_key) != (tuple(names), chosen) or st.session_state.get(widget_key) not in names:
        st.session_state[widget_key] = current
    picked = st.selectbox(t("pr_use_model"), names, key=widget_key,
                          format_func=labels(names, lambda m: t("pr_model_best", model=model_label(m)) if m == best
                                             else model_label(m)), help=t("pr_use_model_help"))
    model = None if picked == best else picked
    st.session_state[seen_key] = (tuple(names), model)
    return model


def _percent(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1%}"


def quality_section(prediction: Prediction, threshold: float) -> dict:
    """ROC AUC, precision (命中率), recall (查全率) and the customers flagged at ``threshold``, each explained in
    plain words; returns :func:`crm_core.predict.metrics.threshold_metrics`."""
    kind = prediction.kind
    y, p = prediction.evaluation["y"], prediction.evaluation["p"]
    auc = metrics.roc_auc(y, p)
    at = metrics.threshold_metrics(y, p, threshold)
    k = st.columns(4)
    k[0].metric(t("pr_auc"), "–" if math.isnan(auc) else f"{auc:.3f}", help=t("pr_auc_help"))
    k[1].metric(t("pr_precision"), _percent(at["precision"]), help=t(f"pr_precision_help_{kind}"))
    k[2].metric(t("pr_recall"), _percent(at["recall"]), help=t(f"pr_recall_help_{kind}"))
    k[3].metric(t("pr_flagged"), f"{at['flagged']:,}", help=t("pr_flagged_help"))
    base = float(pd.Series(y, dtype=float).mean()) if len(y) else float("nan")
    st.caption(t(f"pr_quality_words_{kind}", customers=len(y), base=base, auc=auc, threshold=threshold,
                 flagged=at["flagged"], precision=at["precision"], hits=at["true_positives"],
                 positives=at["positives"], recall=at["recall"]) if at["flagged"] else
               t("pr_quality_none_flagged", threshold=threshold))
    st.caption(t(f"pr_evaluation_{kind}_{'orders' if prediction.cutoff is not None and kind == 'churn' else 'cv'}",
                 cutoff=f"{prediction.cutoff}" if prediction.cutoff else ""))
    return at


def evaluation_views(prediction: Prediction, widget_key: str) -> None:
    """Gains and lift with the decile table, calibration, or what drives the score: one view at a time."""
    kind = prediction.kind
    view = st.segmented_control(t("pr_view"), list(VIEWS), default="gains", required=True, key=widget_key,
                                format_func=labels(list(VIEWS), lambda v: t(f"pr_view_{v}"))) or "gains"
    gains, calibration = cached_predict.evaluation_tables(prediction)
    if view == "gains":
        c1, c2 = st.columns(2)
        c1.vega_lite_chart(spec=predict_charts.gains_chart(gains, kind=kind).to_dict(), width="stretch")
        c2.vega_lite_chart(spec=predict_charts.lift_chart(gains, kind=kind).to_dict(), width="stretch")
        if len(gains):
            top = gains.iloc[0]
            st.caption(t(f"pr_gains_words_{kind}", share=float(top["cum_share_customers"]),
                         found=float(top["cum_share_positives"]), lift=float(top["lift"])))
        shown = gains.assign(rate=gains["rate"] * 100, cum_share_customers=gains["cum_share_customers"] * 100,
                             cum_share_positives=gains["cum_share_positives"] * 100)
        st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)), column_config={
            "decile": st.column_config.NumberColumn(t("pr_decile"), help=t("pr_decile_help")),
            "customers": st.column_config.NumberColumn(t("pr_customers"), format="localized"),
            "positives": st.column_config.NumberColumn(t(f"pr_positives_{kind}"), format="localized"),
            "rate": st.column_config.NumberColumn(t(f"pr_rate_{kind}"), format="%.1f%%"),
            "lift": st.column_config.NumberColumn(t("pr_lift"), format="%.2f", help=t("pr_lift_help")),
            "cum_share_customers": st.column_config.NumberColumn(t("pr_cum_customers"), format="%.0f%%"),
            "cum_share_positives": st.column_config.NumberColumn(t(f"pr_cum_positives_{kind}"), format="%.1f%%",
                                                                 help=t("pr_gain_help")),
            "cum_lift": st.column_config.NumberColumn(t("pr_cum_lift"), format="%.2f")})
    elif view == "calibration":
        st.vega_lite_chart(spec=predict_charts.calibration_chart(calibration, kind=kind).to_dict(), width="stretch")
        st.caption(t(f"pr_calibration_words_{kind}"))
    else:
        st.vega_lite_chart(spec=predict_charts.importance_chart(prediction.importance).to_dict(), width="stretch")
        st.caption(t("pr_importance_words"))


def leakage_section(prediction: Prediction) -> tuple[str, ...]:
    """One warning per suspicious feature (near-perfect alone, or known only after the contact); returns their
    names."""
    warnings = prediction.warnings
    if warnings is None or warnings.empty:
        return ()
    language = lang()
    for row in warnings.itertuples(index=False):
        st.warning(t(f"pr_leak_{row.reason}", feature=feature_label(str(row.feature), language),
                     column=str(row.feature), auc=float(row.auc_alone)), icon="⚠️")
    return tuple(str(f) for f in warnings["feature"])


def dropped_section(prediction: Prediction) -> None:
    """The columns and rows left out, with why, folded away."""
    if not prediction.dropped:
        return
    language = lang()
    with st.expander(t("pr_dropped", n=len(prediction.dropped)), icon="🧹"):
        st.markdown("\n".join(f"- {dropped_text(str(column), str(reason), language)}"
                              for column, reason in prediction.dropped))


def table_list_download(table: pd.DataFrame, segmentation, *, columns: tuple[str, ...], file_stem: str,
                        widget_key: str) -> bytes | None:
    """The export path for a list of an uploaded table (no orders, so no RFM summary and no order files to name):
    :func:`crm_core.export.campaign_list` (masking, injection safety), then the workbook (one sheet named after the
    list, registry formats) or the CSV."""
    fmt = st.segmented_control(t("format"), ["xlsx", "csv"], default="xlsx", required=True,
                               key=f"{widget_key}_format",
                               format_func=labels(["xlsx", "csv"], lambda f: t("excel" if f == "xlsx" else "csv")))
    fmt = fmt or "xlsx"
    language = lang()
    chosen = tuple(c for c in columns if c in table.columns)
    name = segmentation.text(segmentation.segments()[0], "name", language)
    try:
        built = export.campaign_list(table, columns=chosen, options=export.ListOptions(lang=language))
        data = (export.to_excel_bytes({name: built.frame}, formats=export.registry_formats()) if fmt == "xlsx"
                else export.to_csv_bytes(built.frame))
    except DataError as exc:
        st.error(t("download_failed", detail=exc.text(language)))
        return None
    st.caption(t("export_summary_one", rows=built.rows))
    st.download_button(
        t("download", fmt="Excel" if fmt == "xlsx" else "CSV"), data=data,
        file_name=f"{file_stem}_{date.today():%Y%m%d}.{fmt}", key=f"{widget_key}_download",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv",
        type="primary", icon="⬇️")
    return data


def table_upload(kind: str, *, label: str, help_text: str) -> uploads.Upload | None:
    """The uploader of a table of ``kind`` (:data:`ui.state.TABLE_KINDS`), the table in use and a button to remove
    it; returns the table in use (None when there is none)."""
    from ui import predict_state

    gen_key = f"{kind}_gen"
    gen = st.session_state.get(gen_key, 0)
    current = predict_state.table_of(kind)
    uploaded = st.file_uploader(label if current is None else t("pr_replace_table"), type=["csv", "txt", "xlsx", "xls"],
                                key=f"{kind}_uploader_{gen}", help=help_text)
    if uploaded is not None and (current is None or current.file_id != uploaded.file_id):
        predict_state.set_table(kind, uploaded.name, uploaded.getvalue(), file_id=uploaded.file_id)
        current = predict_state.table_of(kind)
    if current is not None:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(t("pr_table_in_use", name=current.name))
        if c2.button(t("remove_file"), key=f"{kind}_remove", icon="🗑️"):
            state.remove_table(kind)
            st.session_state[gen_key] = gen + 1
            st.rerun()
    return current
