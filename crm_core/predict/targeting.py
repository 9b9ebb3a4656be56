"""Whom to contact: expected responders, response rate, lift and profit when the top K customers by
propensity are contacted, against contacting K customers at random.

The expected number of responders among the top K is the sum of their probabilities (the model's own
estimate, so it is only as good as the model's calibration: see metrics.calibration_table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_core.predict.metrics import rank_groups

TARGETING_COLUMNS = ["contacted", "share", "expected_responders", "response_rate", "random_responders", "lift",
                     "profit", "random_profit"]


def targeting_table(p, *, cost_per_contact: float = 0.0, margin_per_response: float = 0.0,
                    base_rate: float | None = None, steps: int = 100) -> pd.DataFrame:
    """Contacting the top K customers by ``p``, for ``steps + 1`` values of K from 0 to all.

    Parameters
    ----------
    p : array-like of float
        Each customer's probability of responding (NaN rows are left out).
    cost_per_contact, margin_per_response : float
        Money per contact and per response (margin: what a response earns after its own costs).
    base_rate : float, optional
        Response rate when contacting at random; default the mean of ``p``.
    steps : int
        K runs over ``round(i * n / steps)`` for i = 0..steps (duplicates dropped).

    Returns
    -------
    DataFrame
        ``contacted`` (K), ``share`` (K / n), ``expected_responders`` (sum of the top K p),
        ``response_rate`` (expected_responders / K; NaN at K = 0), ``random_responders`` (K x base_rate),
        ``lift`` (response_rate / base_rate), ``profit`` (expected_responders x margin - K x cost),
        ``random_profit`` (random_responders x margin - K x cost).
    """
    p = np.asarray(p, dtype=float)
    p = p[~np.isnan(p)]
    n = len(p)
    rate = float(p.mean()) if base_rate is None and n else float(base_rate or 0.0)
    cumulative = np.concatenate([[0.0], np.cumsum(np.sort(p)[::-1])])
    k = np.unique(np.round(np.linspace(0, n, steps + 1)).astype(np.int64))
    responders = cumulative[k]
    random_responders = k * rate
    with np.errstate(invalid="ignore", divide="ignore"):
        response_rate = np.where(k > 0, responders / np.maximum(k, 1), np.nan)
        lift = response_rate / rate if rate > 0 else np.full(len(k), np.nan)
    return pd.DataFrame({
        "contacted": k, "share": k / n if n else np.zeros(len(k)), "expected_responders": responders,
        "response_rate": response_rate, "random_responders": random_responders, "lift": lift,
        "profit": responders * margin_per_response - k * cost_per_contact,
        "random_profit": random_responders * margin_per_response - k * cost_per_contact,
    }, columns=TARGETING_COLUMNS)


def best_k(table: pd.DataFrame) -> pd.Series:
    """The row of ``targeting_table`` with the highest profit (ties: the fewest contacts; K = 0 when no
    contact pays)."""
    ordered = table.sort_values("contacted", kind="stable")
    return ordered.loc[ordered["profit"].idxmax()]


def decile_of(p) -> np.ndarray:
    """Decile 1..10 of each score, 1 = the highest tenth; ties broken by order, so the ten groups are of
    equal size (differing by at most one customer)."""
    return rank_groups(p, 10)
