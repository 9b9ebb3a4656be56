"""A/B/n tests: rates with intervals, differences and lifts against the baseline variant, z or chi-square
tests, the Bayesian probability that each variant is best, and a sample-size / power calculator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict


@dataclass(frozen=True)
class AbChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    confidence: float = 0.95  # of every interval and of "significant"
    test: str = "z"  # "z" (two-proportion z-test against the baseline) or "chi2" (chi-square over all variants)
    baseline: str = ""  # the variant the others are compared with; "" = the first one

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AbChoice:
        return choice_from_dict(cls, data)
