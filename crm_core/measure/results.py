"""Campaign results: success rates by segment, channel, agent and variant with intervals, fair agent
comparisons, the lift of the treated group over the held-out control group, and model lists checked against what
happened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict


@dataclass(frozen=True)
class ResultsChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    confidence: float = 0.95
    window_days: int = 30  # a purchase within this many days of the send date counts as a success (from orders)

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultsChoice:
        return choice_from_dict(cls, data)
