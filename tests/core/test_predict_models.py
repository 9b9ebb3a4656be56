"""Model comparison on a seeded synthetic set whose signal is known; preprocessing fitted on training folds."""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from crm_core.predict import models
from crm_core.schema import DataError


def _synthetic(n=1500, seed=0):
    """Two numbers drive the log-odds (1.5 a - b), one is noise, a text column with rare levels and blanks."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    X = pd.DataFrame({"a": a, "b": b, "noise": rng.normal(size=n),
                      "city": rng.choice(["Beijing", "Shanghai", "Rare", None], n, p=[0.5, 0.44, 0.005, 0.055])})
    X.loc[rng.random(n) < 0.05, "b"] = np.nan
    truth = 1 / (1 + np.exp(-(1.5 * a - np.nan_to_num(b))))
    return X, rng.random(n) < truth, truth


def _mann_whitney_auc(y, score):
    """Plain numpy ROC AUC: the share of (positive, negative) pairs ranked right, ties half."""
    pos, neg = score[y], score[~y]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return greater / (len(pos) * len(neg))


def test_compare_models_finds_the_known_signal():
    X, y, truth = _synthetic()
    calls = []
    table = models.compare_models(X, y, choice=models.ModelChoice(folds=3, seed=0),
                                  progress=lambda done, total, name: calls.append((done, total, name)))
    assert list(table.columns) == ["model", "auc", "auc_std", "seconds"]
    assert set(table["model"]) == set(models.MODEL_NAMES)
    assert table["auc"].is_monotonic_decreasing  # best first
    best_possible = _mann_whitney_auc(y, truth)  # the true model's AUC on these very customers
    logistic = table.set_index("model").loc["logistic", "auc"]
    assert abs(logistic - best_possible) < 0.02, (logistic, best_possible)
    assert (table["auc"] > best_possible - 0.06).all()
    assert calls[-1] == (9, 9, calls[-1][2]) and [c[0] for c in calls] == list(range(1, 10))
    again = models.compare_models(X, y, choice=models.ModelChoice(folds=3, seed=0))
    pd.testing.assert_frame_equal(table.drop(columns="seconds"), again.drop(columns="seconds"))  # seeded


def test_scaler_fitted_on_the_training_fold_only(monkeypatch):
    X, y, _ = _synthetic(n=600)
    X = X.assign(a=X["a"] + np.where(np.arange(len(X)) >= 400, 100.0, 0.0))  # the last third far away
    seen = []
    fit = StandardScaler.fit

    def spy(self, data, *args, **kwargs):
        seen.append(np.asarray(data)[:, 0].mean())
        return fit(self, data, *args, **kwargs)

    monkeypatch.setattr(StandardScaler, "fit", spy)
    train, test = np.arange(400), np.arange(400, 600)
    oof = models.out_of_fold(X, y, "logistic", splits=[(train, test)])
    assert seen == [pytest.approx(X["a"].iloc[:400].mean())]  # never the held-out rows' 100s
    assert oof.iloc[:400].isna().all() and oof.iloc[400:].notna().all()  # rows in no test fold stay NaN
    scaler = models.fit_model(X.iloc[:400], y[:400], "logistic").named_steps["prepare"] \
        .named_transformers_["numeric"].named_steps["scale"]
    assert scaler.mean_[0] == pytest.approx(X["a"].iloc[:400].mean())


def test_out_of_fold_index_and_range():
    X, y, _ = _synthetic(n=500)
    X = X.set_axis([f"C{i}" for i in range(len(X))])
    oof = models.out_of_fold(X, y, "boosting", choice=models.ModelChoice(folds=3))
    assert oof.index.equals(X.index) and oof.notna().all() and oof.between(0, 1).all()


def test_pipeline_steps_and_rare_levels():
    pipeline = models.make_pipeline("logistic", ["a"], ["city"], seed=3)
    assert [name for name, _ in pipeline.steps] == ["prepare", "model"]
    assert pipeline.named_steps["model"].random_state == 3
    # Trees take the numbers as they are (blanks routed by each split); the logistic model imputes and scales.
    assert models.make_pipeline("forest", ["a"], [], seed=0).named_steps["prepare"].transformers[0][1] == "passthrough"
    assert list(pipeline.named_steps["prepare"].transformers[0][1].named_steps) == ["impute", "scale"]
    X, y, _ = _synthetic()
    fitted = models.fit_model(X, y, "logistic")
    encoder = fitted.named_steps["prepare"].named_transformers_["categorical"].named_steps["onehot"]
    names = list(encoder.get_feature_names_out())
    assert not any(n.endswith("_Rare") for n in names)  # 0.5% of rows: pooled with the other rare levels
    assert any(n.endswith("_infrequent_sklearn") for n in names) and any(n.endswith("_Beijing") for n in names)


def test_predict_proba_aligns_columns():
    X, y, _ = _synthetic(n=400)
    model = models.fit_model(X, y, "logistic")
    full = models.predict_proba(model, X)
    shuffled = models.predict_proba(model, X[["city", "noise", "b", "a"]].assign(extra=1.0))
    np.testing.assert_allclose(full, shuffled)
    without_b = models.predict_proba(model, X.drop(columns="b"))
    np.testing.assert_allclose(without_b, models.predict_proba(model, X.assign(b=np.nan)))
    unseen = models.predict_proba(model, X.head(3).assign(city="Shenzhen"))  # an unknown level is ignored
    assert np.isfinite(unseen).all()


def test_errors_name_what_to_change():
    X, y, _ = _synthetic(n=100)
    with pytest.raises(DataError) as err:
        models.fit_model(X, y, "svm")
    assert err.value.code == "predict_unknown_model" and "logistic" in err.value.text("zh")
    few = np.zeros(100, dtype=bool)
    few[:3] = True
    with pytest.raises(DataError) as err:
        models.compare_models(X, few)
    assert err.value.code == "predict_too_few_cases" and "3" in str(err.value)
