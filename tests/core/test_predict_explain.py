"""Reasons in words and the leakage guard, on planted signals."""

import numpy as np
import pandas as pd

from crm_core.predict import explain, models


def _planted(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"recency_days": rng.exponential(40, n).round(), "frequency": rng.poisson(3, n).astype(float),
                      "city": rng.choice(["Beijing", "Shanghai"], n)})
    y = rng.random(n) < 1 / (1 + np.exp(-(X["recency_days"] - 40) / 15))
    return X, y


def test_reasons_name_the_planted_feature_first():
    X, y = _planted()
    model = models.fit_model(X, y, "logistic")
    typical = X["recency_days"].median()
    who = X.assign(recency_days=[120.0] + [typical] * (len(X) - 1)).head(3)
    en = explain.reasons(model, who, reference=X)
    zh = explain.reasons(model, who, lang="zh", reference=X)
    assert en.index.equals(who.index)
    assert en.iloc[0].startswith(f"days since last purchase 120 (typical {typical:.0f})")
    assert zh.iloc[0].startswith(f"距上次购买天数 120（一般为 {typical:.0f}）")
    assert "days since last purchase" not in en.iloc[1]  # at the typical value it pushes nothing
    assert len(en.iloc[0].split("; ")) <= 3


def test_leakage_catches_a_perfect_feature_and_call_duration():
    X, y = _planted()
    rng = np.random.default_rng(1)
    suspicious = X.assign(outcome_code=np.where(y, "B", "A"), duration=rng.random(len(X)),
                          通话时长=rng.random(len(X)), leak=y.astype(float) + rng.normal(0, 0.01, len(X)))
    table = explain.leakage_warnings(suspicious, y)
    found = dict(zip(table["feature"], table["reason"], strict=True))
    assert found == {"outcome_code": "near_perfect", "leak": "near_perfect", "duration": "after_contact",
                     "通话时长": "after_contact"}
    assert table.set_index("feature").loc["leak", "auc_alone"] == 1.0
    assert 0.4 < table.set_index("feature").loc["duration", "auc_alone"] < 0.6
    assert explain.leakage_warnings(X, y).empty  # recency predicts well, but not perfectly
