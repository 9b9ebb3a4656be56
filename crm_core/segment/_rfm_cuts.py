"""Threshold cut-offs read off quantile scores, for :func:`crm_core.segment.rfm.quantile_thresholds`.

Internal module.  Each function takes a dimension's values and the 1..5 scores the quantile method gave
them, and returns the four cut-offs under which the threshold method gives the very same scores.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal

import numpy as np


def _floor_to(value: float, decimals: int) -> float:
    """``value`` rounded down to ``decimals`` places, computed on its shortest decimal form (0.29 stays 0.29)."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_FLOOR))


def _nice_cut(value: float, below: float | None) -> float:
    """The roundest number ``c`` with ``below < c <= value``: ``value`` rounded down to the fewest decimals
    that keep it above ``below`` (``None``: nothing below, whole numbers suffice)."""
    for decimals in range(16):
        cut = _floor_to(value, decimals)
        if (below is None or cut > below) and cut <= value:
            return cut
    return float(value)


def higher_is_better_cuts(values: np.ndarray, scores: np.ndarray) -> tuple[float, ...]:
    """Cut for score s (s = 2..5): a round number between the largest value scoring < s and the smallest
    scoring >= s; above the maximum when nobody scores >= s."""
    cuts = []
    for score in (2, 3, 4, 5):
        reached = values[scores >= score]
        if reached.size == 0:
            cuts.append(float(math.floor(values.max()) + 1))
            continue
        short = values[scores < score]
        cuts.append(_nice_cut(float(reached.min()), float(short.max()) if short.size else None))
    return tuple(cuts)


def recency_cuts(recency: np.ndarray, scores: np.ndarray) -> tuple[float, ...]:
    """Cut for score s (t[0] for 5 ... t[3] for 2): the largest recency among customers scoring >= s.

    R = 5 always has customers (the most recent group takes the top rank), so every cut exists."""
    return tuple(float(recency[scores >= score].max()) for score in (5, 4, 3, 2))
