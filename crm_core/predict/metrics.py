"""How good a score is, in the measures a marketer reads: ROC AUC, hit rate and coverage at a threshold,
gains/lift by decile, calibration, and which columns the model leans on (permutation importance).

``y`` is the true outcome (bool, True = churned / responded), ``p`` the predicted probability; both are
taken out of fold or on held-out customers (a model's scores on its own training rows flatter it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

GAINS_COLUMNS = ["decile", "customers", "positives", "rate", "lift", "cum_share_customers", "cum_share_positives",
                 "cum_lift"]
CALIBRATION_COLUMNS = ["bin", "lower", "upper", "predicted", "observed", "customers"]
IMPORTANCE_COLUMNS = ["feature", "importance", "std"]


def _clean(y, p) -> tuple[np.ndarray, np.ndarray]:
    """Bool labels and float scores with the rows without a score (NaN) left out."""
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=float)
    keep = ~np.isnan(p)
    return y[keep], p[keep]


def roc_auc(y, p) -> float:
    """Area under the ROC curve: the chance that a random positive scores above a random negative (ties
    count half); NaN when only one outcome is present."""
    y, p = _clean(y, p)
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, p))


def threshold_metrics(y, p, threshold: float) -> dict:
    """Customers flagged at ``p >= threshold`` against the truth.

    Returns
    -------
    dict
        ``precision`` (命中率: share of the flagged who are positive; NaN when none is flagged), ``recall``
        (查全率: share of the positives flagged; NaN without positives), ``flagged``, ``positives``,
        ``true_positives`` (counts) and ``accuracy`` (share of all customers classified right).
    """
    y, p = _clean(y, p)
    flagged = p >= threshold
    true_positives = int((flagged & y).sum())
    n_flagged, positives = int(flagged.sum()), int(y.sum())
    return {
        "precision": true_positives / n_flagged if n_flagged else float("nan"),
        "recall": true_positives / positives if positives else float("nan"),
        "flagged": n_flagged,
        "positives": positives,
        "true_positives": true_positives,
        "accuracy": float((flagged == y).mean()) if len(y) else float("nan"),
    }


def rank_groups(p, bins: int = 10) -> np.ndarray:
    """Group 1..bins of each score, 1 = the highest; equal-sized groups (sizes differ by at most one), ties
    broken by position (the earlier row ranks higher), so the groups never depend on how ties fall."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    ranks = np.empty(len(p), dtype=np.int64)
    ranks[order] = np.arange(len(p))
    return (ranks * bins // max(len(p), 1) + 1).astype(np.int64)


def gains_table(y, p, *, bins: int = 10) -> pd.DataFrame:
    """Gains and lift by score group (decile for ``bins=10``), best group first.

    Returns
    -------
    DataFrame
        ``decile`` (1 = highest scores), ``customers``, ``positives``, ``rate`` (positives / customers),
        ``lift`` (rate / overall rate), ``cum_share_customers`` (share of all customers in groups 1..d),
        ``cum_share_positives`` (the gain: share of all positives found in groups 1..d), ``cum_lift``
        (gain / cum_share_customers).
    """
    y, p = _clean(y, p)
    if not len(y):
        return pd.DataFrame(columns=GAINS_COLUMNS)
    group = rank_groups(p, bins)
    customers = np.bincount(group, minlength=bins + 1)[1:]
    positives = np.bincount(group, weights=y.astype(float), minlength=bins + 1)[1:]
    keep = customers > 0
    customers, positives = customers[keep], positives[keep]
    overall = y.mean()
    rate = positives / customers
    cum_customers = np.cumsum(customers) / len(y)
    cum_positives = np.cumsum(positives) / y.sum() if y.any() else np.full(len(customers), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        lift = rate / overall
        cum_lift = cum_positives / cum_customers
    return pd.DataFrame({
        "decile": np.arange(1, bins + 1)[keep], "customers": customers.astype(np.int64),
        "positives": positives.astype(np.int64), "rate": rate, "lift": lift,
        "cum_share_customers": cum_customers, "cum_share_positives": cum_positives, "cum_lift": cum_lift,
    })


def calibration_table(y, p, *, bins: int = 10) -> pd.DataFrame:
    """Predicted against observed rates in equal-width probability bins (bin k holds ``(k-1)/bins <= p <
    k/bins``; the last bin includes 1); empty bins are left out.

    Returns
    -------
    DataFrame
        ``bin`` (1..bins), ``lower``, ``upper`` (its probability range), ``predicted`` (mean p),
        ``observed`` (share positive), ``customers``.  A calibrated model has predicted ≈ observed.
    """
    y, p = _clean(y, p)
    index = np.minimum((p * bins).astype(np.int64), bins - 1) + 1
    customers = np.bincount(index, minlength=bins + 1)[1:]
    predicted = np.bincount(index, weights=p, minlength=bins + 1)[1:]
    observed = np.bincount(index, weights=y.astype(float), minlength=bins + 1)[1:]
    keep = customers > 0
    number = np.arange(1, bins + 1)
    return pd.DataFrame({
        "bin": number[keep], "lower": (number[keep] - 1) / bins, "upper": number[keep] / bins,
        "predicted": predicted[keep] / customers[keep], "observed": observed[keep] / customers[keep],
        "customers": customers[keep].astype(np.int64),
    }, columns=CALIBRATION_COLUMNS)


def permutation_importance_table(model, X: pd.DataFrame, y, *, seed: int = 0, n_repeats: int = 5,
                                 max_rows: int = 20000) -> pd.DataFrame:
    """How much the ROC AUC falls when one ORIGINAL column of ``X`` is shuffled (its link to the outcome
    broken, its distribution kept).

    Parameters
    ----------
    model : fitted Pipeline (scored with :func:`crm_core.predict.models.predict_proba`)
    X : DataFrame
        Held-out customers, ideally (on training rows the drop measures what the model memorised).
    y : array-like of bool
    seed : int
        Seeds the row sample and every shuffle.
    n_repeats : int
        Shuffles per column; ``importance`` is their mean drop, ``std`` their spread.
    max_rows : int
        At most this many rows (a seeded random sample) are used, so the cost stays bounded.

    Returns
    -------
    DataFrame
        ``feature``, ``importance`` (mean drop in ROC AUC; around 0 = not used), ``std``; largest first.
    """
    from crm_core.predict.models import predict_proba

    rng = np.random.default_rng(seed)
    labels = np.asarray(y, dtype=bool)
    if len(X) > max_rows:
        rows = np.sort(rng.choice(len(X), size=max_rows, replace=False))
        X, labels = X.iloc[rows], labels[rows]
    base = roc_auc(labels, predict_proba(model, X))
    n = len(X)
    out = []
    for column in X.columns:
        # all repeats of one column scored in one call: n_repeats stacked copies, each with its own shuffle
        shuffles = [rng.permutation(n) for _ in range(n_repeats)]
        values = X[column].to_numpy()
        stacked = pd.concat([X] * n_repeats, ignore_index=True)
        stacked[column] = np.concatenate([values[s] for s in shuffles])
        scores = predict_proba(model, stacked).reshape(n_repeats, n)
        drops = np.array([base - roc_auc(labels, s) for s in scores])
        out.append({"feature": column, "importance": float(np.mean(drops)), "std": float(np.std(drops))})
    table = pd.DataFrame(out, columns=IMPORTANCE_COLUMNS)
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
