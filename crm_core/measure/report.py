"""The client report: the whole analysis in the chosen language (data quality, segments, clusters, rules,
churn list, lifetime value, campaign results, forecast) as an Excel workbook and a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict


@dataclass(frozen=True)
class ReportChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    sections: tuple[str, ...] = ("data_quality", "segments", "clusters", "rules", "churn", "clv", "campaign_results",
                                 "forecast")
    top_n: int = 20  # rows of each customer list in the report
    include_personal: bool = False  # names, phones and emails only when asked for (masked otherwise)

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportChoice:
        return choice_from_dict(cls, data)
