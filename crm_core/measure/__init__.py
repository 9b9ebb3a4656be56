"""Measurement: A/B/n tests (:mod:`.abtest`), campaign results against control groups (:mod:`.outcomes`,
:mod:`.results`), channel attribution (:mod:`.attribution`), sales forecasts (:mod:`.forecast`) and the client
report of the whole analysis (:mod:`.report`).

Modules load their heavy dependencies (statsmodels, scipy) inside the functions that need them, so importing a
module (e.g. for its ``*Choice`` dataclass, which the settings file holds) costs nothing.
"""

from __future__ import annotations

from crm_core import lazy_exports

_HOME = {
    "AbChoice": "abtest",
    "ResultsChoice": "results",
    "AttributionChoice": "attribution",
    "ForecastChoice": "forecast",
    "ReportChoice": "report",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
