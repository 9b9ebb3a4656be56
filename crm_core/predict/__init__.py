"""Prediction: churn risk (:mod:`.churn`), campaign response (:mod:`.response`) and customer lifetime value
(:mod:`.clv`), over features built only from what was known at a cutoff (:mod:`.features`), labels
(:mod:`.labels`, :mod:`.table`) and compared scikit-learn models (:mod:`.models`, :mod:`.metrics`,
:mod:`.explain`, :mod:`.targeting`); the scores as Segmentations and customer fields (:mod:`.scores`).

The names below are imported on first use (see :func:`crm_core.lazy_exports`): importing the package costs nothing
(scikit-learn and scipy load only with the modules that need them).
"""

from __future__ import annotations

from crm_core import lazy_exports

_HOME = {
    "order_features": "features",
    "feature_label": "features",
    "feature_kinds": "features",
    "churn_labels": "labels",
    "default_cutoff": "labels",
    "observed_end": "labels",
    "parse_target": "labels",
    "guess_target": "labels",
    "LabelledData": "table",
    "table_dataset": "table",
    "response_dataset": "table",
    "guess_id_column": "table",
    "propose_result_columns": "table",
    "MODEL_NAMES": "models",
    "ModelChoice": "models",
    "make_pipeline": "models",
    "compare_models": "models",
    "out_of_fold": "models",
    "fit_model": "models",
    "predict_proba": "models",
    "roc_auc": "metrics",
    "threshold_metrics": "metrics",
    "gains_table": "metrics",
    "calibration_table": "metrics",
    "permutation_importance_table": "metrics",
    "reasons": "explain",
    "leakage_warnings": "explain",
    "targeting_table": "targeting",
    "best_k": "targeting",
    "decile_of": "targeting",
    "ChurnChoice": "churn",
    "Prediction": "churn",
    "run_churn": "churn",
    "ResponseChoice": "response",
    "run_response": "response",
    "response_targeting": "response",
    "ScoreDeciles": "scores",
    "RetentionList": "scores",
    "retention_list": "scores",
    "risk_value_quadrants": "scores",
    "with_scores": "scores",
    "ClvChoice": "clv",
    "ClvResult": "clv",
    "BgNbdParams": "clv",
    "GammaGammaParams": "clv",
    "clv_summary": "clv",
    "fit_bgnbd": "clv",
    "fit_gamma_gamma": "clv",
    "prob_alive": "clv",
    "expected_purchases": "clv",
    "expected_order_value": "clv",
    "formula_clv": "clv",
    "run_clv": "clv",
    "backtest": "clv",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
