"""Sales forecasts: weekly or monthly revenue and orders, overall and per segment or channel, by
Holt-Winters exponential smoothing and SARIMA (statsmodels) with prediction intervals, backtested against a
seasonal-naive baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict


@dataclass(frozen=True)
class ForecastChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    freq: str = "W"  # "W" (weeks starting Monday) or "M" (calendar months)
    measure: str = "revenue"  # "revenue" or "orders"
    horizon: int = 12  # periods ahead
    by: str = ""  # "" (overall), "segment" or "channel"
    confidence: float = 0.95  # of the prediction interval
    models: tuple[str, ...] = ("holt_winters", "sarima")

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ForecastChoice:
        return choice_from_dict(cls, data)
