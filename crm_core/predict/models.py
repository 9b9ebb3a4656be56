"""Scoring models: three seeded scikit-learn Pipelines compared by cross-validated ROC AUC.

Every model is one :class:`~sklearn.pipeline.Pipeline` whose first step does all the preprocessing
(median imputation of numbers, scaling for the logistic model, one-hot coding of text columns with
unknown levels ignored and rare levels pooled), so a cross-validation fold fits the imputer, the scaler
and the encoder on its training rows only: nothing about the held-out customers leaks into the model.

Speed (bench/bench_predict.py, 2 cores): comparison of all three models by cross-validation on 100,000
customers with ~27 features aimed under 30 s, scoring 1,000,000 customers under 5 s.  What keeps it there:

- above 50,000 customers cross-validation uses 3 folds, not 5 (see :func:`default_splits`);
- folds are fitted two at a time on our own threads, each model single-threaded (see ``_single_threaded``);
- gradient boosting is :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (LightGBM-style: the
  features are binned into 255 levels once, each split scans histograms, multi-threaded; about 20x faster
  than the classic ``GradientBoostingClassifier`` at 100,000 rows with equal or better AUC), with early
  stopping on a seeded 10% of the training rows once there are 10,000 of them;
- the random forest grows 60 trees, each on a bootstrap of at most ``FOREST_MAX_SAMPLES`` rows (10,000),
  at most 10 levels deep with leaves of at least 20 customers: unbounded trees on 80,000 rows took 20x
  longer to fit and 2x longer to score for no gain in AUC (they average to smooth probabilities anyway);
- the logistic regression is lbfgs on scaled, dense features (one-hot levels are capped, so few columns).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from crm_core.messages import Localized
from crm_core.schema import DataError

MODEL_NAMES: tuple[str, ...] = ("logistic", "forest", "boosting")
MODEL_LABELS: dict[str, Localized] = {
    "logistic": Localized(en="logistic regression", zh="逻辑回归"),
    "forest": Localized(en="random forest", zh="随机森林"),
    "boosting": Localized(en="gradient boosting", zh="梯度提升"),
}

FOREST_TREES = 60
FOREST_MAX_SAMPLES = 10_000  # rows per tree's bootstrap: the forest's time grows with it, its AUC hardly
FOREST_MAX_DEPTH = 10  # scoring 1,000,000 rows walks every tree: depth bounds that cost
FOREST_MIN_LEAF = 20
BOOSTING_MAX_ITER = 100
RARE_LEVEL_SHARE = 0.01  # a text level seen in under 1% of the training rows joins the "infrequent" column
MAX_LEVELS = 20  # at most this many one-hot columns per text column (the rest pooled)
MISSING_TEXT = "(missing)"
SCORE_CHUNK = 100_000
LARGE_ROWS = 50_000  # above this many customers, cross-validation uses at most LARGE_FOLDS folds
LARGE_FOLDS = 3
WORKERS = 2  # folds fitted (and chunks scored) side by side, each model on one thread: see _single_threaded


@dataclass(frozen=True)
class ModelChoice:
    """Which models to compare, in how many folds, with which seed (hashable: it keys the app's caches)."""

    models: tuple[str, ...] = MODEL_NAMES
    folds: int = 5
    seed: int = 0


def _check_name(name: str) -> None:
    if name not in MODEL_NAMES:
        raise DataError("predict_unknown_model", model=name, known=Localized.listing(MODEL_NAMES))


def _kinds(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(numeric, categorical) columns: numbers and booleans are numeric, everything else text."""
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]
    return numeric, [c for c in X.columns if c not in numeric]


def make_pipeline(name: str, numeric: Sequence[str], categorical: Sequence[str], *, seed: int = 0) -> Pipeline:
    """An unfitted Pipeline ``prepare -> model`` for model ``name`` (one of :data:`MODEL_NAMES`).

    Parameters
    ----------
    name : {"logistic", "forest", "boosting"}
    numeric, categorical : sequence of str
        Column names of the numeric (logistic: imputed with the training median and scaled; trees: blanks kept,
        each split routes them) and text columns (missing -> a level
        of its own, then one-hot with ``handle_unknown="ignore"``; levels under 1% of the training rows, or
        beyond the 20 most frequent, are pooled into one column).
    seed : int
        ``random_state`` of every random step.

    Returns
    -------
    Pipeline
        Steps ``"prepare"`` (a ColumnTransformer) and ``"model"``; fit it on training rows only.
    """
    _check_name(name)
    # The logistic model needs every number filled (the training median) and on one scale; the trees take blanks
    # as they are (each split learns which side a blank goes), which also saves the imputer's copy of every column:
    # scoring 1,000,000 customers took 10-40% longer with it (bench/bench_predict.py).
    number_steps: list | str = "passthrough"
    if name == "logistic":
        number_steps = [("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                        ("scale", StandardScaler())]
    text_steps = [
        ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_TEXT)),
        ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=RARE_LEVEL_SHARE,
                                 max_categories=MAX_LEVELS, sparse_output=False, dtype=np.float64)),
    ]
    parts = []
    if numeric:
        parts.append(("numeric", Pipeline(number_steps) if isinstance(number_steps, list) else number_steps,
                      list(numeric)))
    if categorical:
        parts.append(("categorical", Pipeline(text_steps), list(categorical)))
    prepare = ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)
    if name == "logistic":
        model = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    elif name == "forest":
        model = RandomForestClassifier(n_estimators=FOREST_TREES, min_samples_leaf=FOREST_MIN_LEAF,
                                       max_depth=FOREST_MAX_DEPTH,
                                       max_features="sqrt", n_jobs=-1, random_state=seed)
    else:
        model = HistGradientBoostingClassifier(max_iter=BOOSTING_MAX_ITER, learning_rate=0.1,
                                               early_stopping="auto", random_state=seed)
    return Pipeline([("prepare", prepare), ("model", model)])


def _sized(pipeline: Pipeline, rows: int) -> Pipeline:
    """The forest's bootstrap capped at FOREST_MAX_SAMPLES rows (a count is only valid below the row count)."""
    model = pipeline.named_steps["model"]
    if isinstance(model, RandomForestClassifier) and rows > FOREST_MAX_SAMPLES:
        pipeline.set_params(model__max_samples=FOREST_MAX_SAMPLES)
    return pipeline


def _prepared(X: pd.DataFrame, categorical: Sequence[str]) -> pd.DataFrame:
    """Text columns as object arrays with NaN for blanks (what SimpleImputer expects), numbers as float."""
    changes = {}
    for column in X.columns:
        values = X[column]
        if column in categorical:
            if values.dtype != object:
                changes[column] = values.astype(object).where(values.notna(), np.nan)
        elif values.dtype != np.float64:
            changes[column] = pd.to_numeric(values, errors="coerce").astype(np.float64)
    return X.assign(**changes) if changes else X


def _single_threaded():
    """OpenMP/BLAS pools of one thread while we run our own threads (folds, chunks) side by side.

    HistGradientBoosting's OpenMP threads spin while they wait: on a busy machine (or inside our two fold
    threads) a fit of 1,500 rows took 32 s instead of 0.7 s.  Two Python threads with one OpenMP thread
    each use both cores without that; the forest's own joblib threads release the GIL and are unaffected.
    """
    return threadpool_limits(limits=1)


def _labels(y) -> np.ndarray:
    return np.asarray(y, dtype=bool)


def fit_model(X: pd.DataFrame, y, name: str, *, seed: int = 0) -> Pipeline:
    """Model ``name`` fitted on all rows of ``X`` (numeric and text columns told apart by dtype)."""
    numeric, categorical = _kinds(X)
    pipeline = _sized(make_pipeline(name, numeric, categorical, seed=seed), len(X))
    with _single_threaded():
        return pipeline.fit(_prepared(X, categorical), _labels(y))


def _columns_of(model: Pipeline) -> tuple[list[str], list[str]]:
    numeric: list[str] = []
    categorical: list[str] = []
    for part, _, columns in model.named_steps["prepare"].transformers:
        if part == "numeric":
            numeric = list(columns)
        elif part == "categorical":
            categorical = list(columns)
    return numeric, categorical


def predict_proba(model: Pipeline, X: pd.DataFrame) -> np.ndarray:
    """P(positive) per row of ``X``, a float array in [0, 1].

    ``X`` is aligned to the columns the model was fitted on: extra columns are ignored, missing ones are
    treated as missing values (the training median / the missing level).
    """
    numeric, categorical = _columns_of(model)
    columns = {}
    for column in numeric + categorical:
        if column in X.columns:
            columns[column] = X[column]
        else:
            columns[column] = pd.Series(np.nan, index=X.index, dtype=float if column in numeric else object)
    frame = _prepared(pd.DataFrame(columns, index=X.index), categorical)
    if len(frame) <= SCORE_CHUNK:
        with _single_threaded():
            return model.predict_proba(frame)[:, 1]
    # Big tables are scored in chunks on two threads: the one-hot and scaled copies of a chunk stay small
    # (1,000,000 rows at once is a 500 MB float matrix), and sklearn's C loops release the GIL.
    starts = range(0, len(frame), SCORE_CHUNK)
    with _single_threaded(), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        parts = pool.map(lambda s: model.predict_proba(frame.iloc[s:s + SCORE_CHUNK])[:, 1], starts)
        return np.concatenate(list(parts))


def default_splits(y, *, folds: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """StratifiedKFold(folds, shuffle=True, random_state=seed) splits as (train, test) position arrays.

    Above ``LARGE_ROWS`` customers at most ``LARGE_FOLDS`` folds are used: each held-out fold then has over
    16,000 customers, so the AUC's fold-to-fold spread is already about 0.003, and a fold fits 40% faster.
    Raises ``DataError("predict_too_few_cases")`` when either class has fewer customers than folds.
    """
    labels = _labels(y)
    if len(labels) > LARGE_ROWS:
        folds = min(folds, LARGE_FOLDS)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if min(positives, negatives) < max(folds, 2):
        raise DataError("predict_too_few_cases", positives=positives, negatives=negatives, folds=folds)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), labels))


def _cross_validate(X, y, name, choice, splits, on_fold=None):
    """Per fold ROC AUC and the out-of-fold probabilities (NaN for rows in no test fold)."""
    from crm_core.predict.metrics import roc_auc

    numeric, categorical = _kinds(X)
    frame = _prepared(X, categorical)
    labels = _labels(y)
    oof = np.full(len(frame), np.nan)
    template = make_pipeline(name, numeric, categorical, seed=choice.seed)

    def one_fold(split):
        train, test = np.asarray(split[0]), np.asarray(split[1])
        pipeline = _sized(clone(template), len(train))
        pipeline.fit(frame.iloc[train], labels[train])
        return test, pipeline.predict_proba(frame.iloc[test])[:, 1]

    aucs = []
    with _single_threaded(), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for test, scores in pool.map(one_fold, splits):  # in fold order, so progress counts up
            oof[test] = scores
            aucs.append(roc_auc(labels[test], scores))
            if on_fold is not None:
                on_fold()
    return np.array(aucs, dtype=float), oof


def compare_models(X: pd.DataFrame, y, *, choice: ModelChoice = ModelChoice(), splits=None,
                   progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """Cross-validated ROC AUC of each model of ``choice``, best first.

    Parameters
    ----------
    X : DataFrame
        One row per customer; numeric and text columns.
    y : array-like of bool
    choice : ModelChoice
    splits : list of (train_positions, test_positions), optional
        E.g. rolling cutoffs; default ``StratifiedKFold(choice.folds, shuffle=True, random_state=choice.seed)``.
    progress : callable(done, total, model), optional
        Called after each fitted fold; ``total`` = models x folds.

    Returns
    -------
    DataFrame
        Columns ``model``, ``auc`` (mean ROC AUC over the folds), ``auc_std`` (its spread over the folds,
        population standard deviation), ``seconds`` (fitting and scoring every fold); best AUC first.
    """
    for name in choice.models:
        _check_name(name)
    splits = list(splits) if splits is not None else default_splits(y, folds=choice.folds, seed=choice.seed)
    total = len(choice.models) * len(splits)
    done = 0
    rows = []
    for name in choice.models:
        def tick(name=name):
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total, name)

        start = time.perf_counter()
        aucs, _ = _cross_validate(X, y, name, choice, splits, tick)
        rows.append({"model": name, "auc": float(np.nanmean(aucs)), "auc_std": float(np.nanstd(aucs)),
                     "seconds": time.perf_counter() - start})
    table = pd.DataFrame(rows, columns=["model", "auc", "auc_std", "seconds"])
    order = {name: i for i, name in enumerate(choice.models)}  # ties keep the choice's order
    table = table.assign(_order=table["model"].map(order))
    return table.sort_values(["auc", "_order"], ascending=[False, True]).drop(columns="_order").reset_index(drop=True)


def out_of_fold(X: pd.DataFrame, y, name: str, *, choice: ModelChoice = ModelChoice(), splits=None) -> pd.Series:
    """Out-of-fold P(positive) of model ``name`` (index of ``X``; NaN for rows in no test fold).

    Each customer is scored by the model fitted on the folds without them: what every metric, chart and
    list about the training customers uses (a model's scores on its own training rows flatter it).
    """
    _check_name(name)
    splits = list(splits) if splits is not None else default_splits(y, folds=choice.folds, seed=choice.seed)
    _, oof = _cross_validate(X, y, name, choice, splits)
    return pd.Series(oof, index=X.index, name="p")
