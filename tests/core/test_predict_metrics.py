"""Metrics of a score, on tiny arrays worked by hand."""

import numpy as np
import pandas as pd
import pytest

from crm_core.predict import metrics, models

Y10 = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0], dtype=bool)
P10 = np.array([0.95, 0.85, 0.8, 0.7, 0.6, 0.45, 0.4, 0.3, 0.2, 0.1])


def test_roc_auc_by_hand():
    # positives 0.9, 0.4 against negatives 0.8, 0.1: 0.9 beats both, 0.4 beats 0.1 only -> 3 of 4 pairs
    assert metrics.roc_auc([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.1]) == pytest.approx(0.75)
    assert metrics.roc_auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts half
    # ten customers: positives at 0.95, 0.85, 0.7, 0.4; count the negatives below each: 6, 6, 5, 3 of 6
    assert metrics.roc_auc(Y10, P10) == pytest.approx((6 + 6 + 5 + 3) / 24)
    assert np.isnan(metrics.roc_auc([1, 1], [0.2, 0.3]))


def test_roc_auc_leaves_out_unscored_rows():
    assert metrics.roc_auc([1, 0, 0, 1], [0.9, np.nan, 0.2, 0.1]) == pytest.approx(0.5)


def test_threshold_metrics_by_hand():
    out = metrics.threshold_metrics(Y10, P10, 0.6)
    # flagged: 0.95 0.85 0.8 0.7 0.6 -> positives among them: 0.95 0.85 0.7 = 3 of 5; 3 of all 4 positives
    assert out["flagged"] == 5 and out["true_positives"] == 3 and out["positives"] == 4
    assert out["precision"] == pytest.approx(0.6) and out["recall"] == pytest.approx(0.75)
    # right: 3 flagged positives + 4 unflagged negatives (0.45, 0.3, 0.2, 0.1) = 7 of 10
    assert out["accuracy"] == pytest.approx(0.7)
    none = metrics.threshold_metrics(Y10, P10, 0.99)
    assert none["flagged"] == 0 and np.isnan(none["precision"]) and none["recall"] == 0


def test_gains_table_by_hand():
    table = metrics.gains_table(Y10, P10, bins=5)  # five groups of two customers, highest scores first
    assert table["decile"].tolist() == [1, 2, 3, 4, 5]
    assert table["customers"].tolist() == [2] * 5
    assert table["positives"].tolist() == [2, 1, 0, 1, 0]
    assert table["rate"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.5, 0.0])
    assert table["lift"].tolist() == pytest.approx([2.5, 1.25, 0.0, 1.25, 0.0])  # overall rate 0.4
    assert table["cum_share_customers"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert table["cum_share_positives"].tolist() == pytest.approx([0.5, 0.75, 0.75, 1.0, 1.0])
    assert table["cum_lift"].tolist() == pytest.approx([2.5, 1.875, 1.25, 1.25, 1.0])


def test_gains_table_deciles_equal_sized_with_ties():
    table = metrics.gains_table([True] * 3 + [False] * 17, [0.5] * 20)
    assert table["customers"].tolist() == [2] * 10
    assert table["positives"].tolist() == [2, 1] + [0] * 8  # ties go by position: the first rows rank first


def test_calibration_table_by_hand():
    y = [1, 0, 0, 1, 1, 0]
    p = [0.05, 0.15, 0.12, 0.55, 0.95, 1.0]
    table = metrics.calibration_table(y, p, bins=10)
    assert table["bin"].tolist() == [1, 2, 6, 10]  # 1.0 falls in the last bin; empty bins are left out
    assert table["customers"].tolist() == [1, 2, 1, 2]
    assert table["predicted"].tolist() == pytest.approx([0.05, 0.135, 0.55, 0.975])
    assert table["observed"].tolist() == pytest.approx([1.0, 0.0, 1.0, 0.5])
    assert table["lower"].tolist() == pytest.approx([0.0, 0.1, 0.5, 0.9])


def test_permutation_importance_names_the_planted_column_first():
    rng = np.random.default_rng(3)
    n = 1500
    X = pd.DataFrame({"noise": rng.normal(size=n), "signal": rng.normal(size=n),
                      "colour": rng.choice(["red", "blue"], n)})
    y = rng.random(n) < 1 / (1 + np.exp(-3 * X["signal"]))
    model = models.fit_model(X, y, "logistic")
    table = metrics.permutation_importance_table(model, X, y, seed=1, n_repeats=3, max_rows=1000)
    assert table["feature"].tolist()[0] == "signal"
    assert set(table["feature"]) == {"noise", "signal", "colour"}  # original columns, not one-hot names
    assert table.set_index("feature").loc["signal", "importance"] > 0.2
    assert abs(table.set_index("feature").loc["noise", "importance"]) < 0.02
    again = metrics.permutation_importance_table(model, X, y, seed=1, n_repeats=3, max_rows=1000)
    pd.testing.assert_frame_equal(table, again)  # seeded
