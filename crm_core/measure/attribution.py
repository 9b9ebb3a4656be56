"""Channel attribution: first touch, last touch, linear, time decay, position based, and the Markov-chain
removal effect, over touchpoints or ready paths."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm_core.measure._choice import choice_from_dict, choice_to_dict


@dataclass(frozen=True)
class AttributionChoice:
    """What the page and the CLI chose; saved in the analysis file (:mod:`crm_core.settings`)."""

    half_life_days: float = 7.0  # time decay: a touch this many days before the conversion gets half the credit
    first_share: float = 0.4  # position based: the first touch's share (the last touch gets last_share, the
    last_share: float = 0.4  # middle ones split the rest)
    separator: str = " > "  # ready paths: the text between two channels

    def to_dict(self) -> dict[str, Any]:
        return choice_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AttributionChoice:
        return choice_from_dict(cls, data)
