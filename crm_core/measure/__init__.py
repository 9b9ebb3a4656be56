"""Measurement: A/B/n tests (:mod:`.abtest`), campaign results against control groups (:mod:`.outcomes`,
:mod:`.results`), channel attribution (:mod:`.attribution`), sales forecasts (:mod:`.forecast`) and the client
report of the whole analysis (:mod:`.report`).

Modules load their heavy dependencies (statsmodels, scipy) inside the functions that need them, so importing a
module (e.g. for its ``*Choice`` dataclass, which the settings file holds) costs nothing.  The names below are
imported on first use (:func:`crm_core.lazy_exports`); the forecast itself is ``crm_core.measure.forecast.forecast``
and the report's writers ``crm_core.measure.report_html.report_html`` / ``report_xlsx.report_xlsx`` (the package's
attributes of those names are their modules).
"""

from __future__ import annotations

from crm_core import lazy_exports

_HOME = {
    "AbChoice": "abtest",
    "AbResult": "abtest",
    "Variant": "abtest",
    "ab_test": "abtest",
    "achieved_power": "abtest",
    "prob_best": "abtest",
    "propose_ab_columns": "abtest",
    "sample_size": "abtest",
    "variants_from_counts": "abtest",
    "variants_from_table": "abtest",
    "OUTCOMES": "outcomes",
    "OUTCOME_LABELS": "outcomes",
    "ExportedList": "outcomes",
    "OutcomeColumns": "outcomes",
    "Outcomes": "outcomes",
    "is_success": "outcomes",
    "outcome_table": "outcomes",
    "parse_group": "outcomes",
    "parse_outcome": "outcomes",
    "propose_outcome_columns": "outcomes",
    "read_exported_list": "outcomes",
    "AgentComparison": "results",
    "ResultsChoice": "results",
    "churn_outcome": "results",
    "compare_agents": "results",
    "control_lift": "results",
    "lift_sentence": "results",
    "model_list_check": "results",
    "response_outcome": "results",
    "results_summary": "results",
    "success_rates": "results",
    "with_segments": "results",
    "AttributionChoice": "attribution",
    "Paths": "attribution",
    "attribute": "attribution",
    "attribution_long": "attribution",
    "attribution_summary": "attribution",
    "detect_format": "attribution",
    "paths_from_table": "attribution",
    "paths_from_touchpoints": "attribution",
    "propose_path_columns": "attribution",
    "propose_touchpoint_columns": "attribution",
    "removal_effects": "attribution",
    "Forecast": "forecast",
    "ForecastChoice": "forecast",
    "forecast_groups": "forecast",
    "seasonal_naive": "forecast",
    "series_from_orders": "forecast",
    "series_from_table": "forecast",
    "propose_sales_columns": "forecast",
    "Report": "report",
    "ReportChoice": "report",
    "ReportInputs": "report",
    "Section": "report",
    "build_report": "report",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
