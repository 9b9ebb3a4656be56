"""A whole analysis as one JSON file: saved by the app, opened next month, given to the CLI (``--settings``).

The file holds every choice that shapes the lists: how the export is read, the column mapping (orders and
customer file), the cleaning options, the analysis date and window, the filters, the RFM method, thresholds,
frequency basis and segment map, the list options, the currency, the tag rules (key "tags", see
:mod:`crm_core.segment.tags`), the cluster choice (k, features, seed, names), the lifecycle windows and the
campaign of the campaign builder (selection, control group), the cross-sell choice and the prediction choices
(keys "churn", "response", "clv": :class:`crm_core.predict.churn.ChurnChoice`,
:class:`crm_core.predict.response.ResponseChoice`, :class:`crm_core.predict.clv.ClvChoice`) and the measurement
choices (keys "abtest", "results", "attribution", "forecast", "report": the ``*Choice`` of :mod:`crm_core.measure`).
It never holds data.

Dates that should move with next month's export are stored as rules, not days: ``as_of`` null means "the day
after the last order", and a window of ``months`` counts back from the analysis date.  A fixed ``from`` date or
``as_of`` date stays fixed.  Unknown keys are ignored (a newer app's file still opens); a wrong value is a
DataError that names the key and says what it should hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from crm_core.basket.crosssell import CrossSellChoice
from crm_core.measure.abtest import AbChoice
from crm_core.measure.attribution import AttributionChoice
from crm_core.measure.forecast import ForecastChoice
from crm_core.measure.report import ReportChoice
from crm_core.measure.results import ResultsChoice
from crm_core.predict.churn import ChurnChoice
from crm_core.predict.response import ResponseChoice
from crm_core.schema import ColumnMapping, DataError, IngestOptions, ReadOptions
from crm_core.segment import rfm
from crm_core.segment import tags as tag_rules
from crm_core.segment.campaign import Campaign
from crm_core.segment.combined import ClusterChoice, SegmentChoices
from crm_core.segment.lifecycle import LifecycleWindows

if TYPE_CHECKING:
    from crm_core.predict.clv import ClvChoice

__all__ = ["KIND", "VERSION", "AnalysisSettings", "ListSettings", "Scope"]

KIND = "crm-analysis"
VERSION = 1
MAX_MONTHS = 240  # a window of twenty years: more is "all history"


@dataclass(frozen=True)
class Scope:
    """Which order lines an analysis looks at: a window before the analysis date, and filters.

    start : first day counted (inclusive); None with ``months`` None means all history.
    months : the window as "the last N months before the analysis date" (kept relative, so next month's
        export gets its own last N months); ignored when ``start`` is set.
    channels, categories : only lines whose channel / category is one of these (exact text); () = all.
    cities : only customers whose city is one of these; () = all.
    """

    start: date | None = None
    months: int | None = None
    channels: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("channels", "categories", "cities"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        if self.months is not None and not (isinstance(self.months, int) and 1 <= self.months <= MAX_MONTHS):
            raise DataError("bad_months", months=self.months, most=MAX_MONTHS)

    def first_day(self, as_of: date) -> date | None:
        """The first day counted for an analysis as of ``as_of`` (None: from the first order)."""
        if self.start is not None:
            return self.start
        if self.months is not None:
            return (pd.Timestamp(as_of) - pd.DateOffset(months=self.months)).date()
        return None

    @property
    def filtered(self) -> bool:
        return bool(self.channels or self.categories or self.cities)

    @property
    def is_all(self) -> bool:
        return self.start is None and self.months is None and not self.filtered


@dataclass(frozen=True)
class ListSettings:
    """The export choices: which segments, which columns, contacts, masking, opted-out customers, format."""

    segments: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    include_contact: bool = False
    mask_personal: bool = True
    include_opted_out: bool = False
    format: Literal["xlsx", "csv"] = "xlsx"

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.segments))
        if self.columns is not None:
            object.__setattr__(self, "columns", tuple(self.columns) or None)


@dataclass(frozen=True)
class AnalysisSettings:
    """Every choice of one analysis (see the module docstring); ``to_json``/``from_json`` round-trip exactly.

    ``scheme_base`` is the standard map the segment map started from ("11" or "4"); ``rfm.scheme`` is the map
    itself, edited or not.  ``currency`` None means "read it from the file".  ``lang`` is the language the lists
    were written in (the CLI uses it unless ``--lang`` is given).
    """

    read: ReadOptions = ReadOptions()
    mapping: ColumnMapping | None = None
    customers_mapping: ColumnMapping | None = None
    cleaning: IngestOptions = IngestOptions()
    as_of: date | None = None
    scope: Scope = Scope()
    rfm: rfm.RfmParams = rfm.RfmParams()
    scheme_base: str = "11"
    lists: ListSettings = ListSettings()
    currency: str | None = None
    lang: str = "en"
    tags: tuple[tag_rules.TagRule, ...] = ()
    clusters: ClusterChoice | None = ClusterChoice()
    lifecycle: LifecycleWindows = LifecycleWindows()
    campaign: Campaign | None = None
    crosssell: CrossSellChoice = CrossSellChoice()
    churn: ChurnChoice = ChurnChoice()
    response: ResponseChoice = ResponseChoice()
    clv: ClvChoice = field(default_factory=lambda: _clv_choice()())
    abtest: AbChoice = AbChoice()
    results: ResultsChoice = ResultsChoice()
    attribution: AttributionChoice = AttributionChoice()
    forecast: ForecastChoice = ForecastChoice()
    report: ReportChoice = ReportChoice()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))

    @property
    def segment_choices(self) -> SegmentChoices:
        """The cluster choice, lifecycle windows and tag rules as one :class:`SegmentChoices`."""
        return SegmentChoices(clusters=self.clusters, windows=self.lifecycle, tags=self.tags)

    def to_dict(self) -> dict[str, Any]:
        params = self.rfm
        thresholds = params.thresholds
        scheme = params.scheme
        return {
            "kind": KIND,
            "version": VERSION,
            "read": {"sheet": self.read.sheet, "header_row": self.read.header_row,
                     "encoding": self.read.encoding, "delimiter": self.read.delimiter},
            "mapping": None if self.mapping is None else self.mapping.as_dict(),
            "customers_mapping": None if self.customers_mapping is None else self.customers_mapping.as_dict(),
            "cleaning": {"returns": self.cleaning.returns, "day_first": self.cleaning.day_first,
                         "merge_duplicates": self.cleaning.merge_duplicates,
                         "phone_region": self.cleaning.phone_region,
                         "non_product_codes": list(self.cleaning.non_product_codes),
                         "excluded_statuses": list(self.cleaning.excluded_statuses)},
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "window": {"from": None if self.scope.start is None else self.scope.start.isoformat(),
                       "months": self.scope.months},
            "filters": {"channels": list(self.scope.channels), "categories": list(self.scope.categories),
                        "cities": list(self.scope.cities)},
            "rfm": {
                "method": params.method,
                "thresholds": None if thresholds is None else {
                    "recency": list(thresholds.recency), "frequency": list(thresholds.frequency),
                    "monetary": list(thresholds.monetary)},
                "frequency_basis": params.frequency_basis,
                "scheme": {"base": self.scheme_base, "grid": [list(row) for row in scheme.grid],
                           "names": [list(label) for label in scheme.labels]},
            },
            "lists": {"segments": list(self.lists.segments),
                      "columns": None if self.lists.columns is None else list(self.lists.columns),
                      "include_contact": self.lists.include_contact, "mask_personal": self.lists.mask_personal,
                      "include_opted_out": self.lists.include_opted_out, "format": self.lists.format},
            "currency": self.currency,
            "lang": self.lang,
            "tags": tag_rules.rules_to_list(self.tags),
            "clusters": None if self.clusters is None else self.clusters.to_dict(),
            "lifecycle": {"new_days": self.lifecycle.new_days, "active_days": self.lifecycle.active_days,
                          "churn_days": self.lifecycle.churn_days},
            "campaign": None if self.campaign is None else self.campaign.to_dict(),
            "crosssell": self.crosssell.to_dict(),
            "churn": self.churn.to_dict(),
            "response": self.response.to_dict(),
            "clv": self.clv.to_dict(),
            "abtest": self.abtest.to_dict(),
            "results": self.results.to_dict(),
            "attribution": self.attribution.to_dict(),
            "forecast": self.forecast.to_dict(),
            "report": self.report.to_dict(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "analysis.json") -> AnalysisSettings:
        """Parse a saved analysis; DataError ``bad_settings_json`` / ``bad_settings`` name the problem."""
        try:
            data = json.loads(text)
        except ValueError as exc:  # also UnicodeDecodeError
            raise DataError("bad_settings_json", path=source, line=getattr(exc, "lineno", 1),
                            column=getattr(exc, "colno", 1)) from None
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise DataError("settings_not_analysis", path=source)
        from crm_core.settings._read import parse

        return parse(data)


def _clv_choice() -> type:
    """:class:`crm_core.predict.clv.ClvChoice`, imported on first use (its module loads scipy)."""
    from crm_core.predict.clv import ClvChoice

    return ClvChoice
