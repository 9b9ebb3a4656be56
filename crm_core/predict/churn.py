"""Churn risk: who is about to stop buying, and which of them are worth keeping.

:func:`run_churn` learns churn from either of two sources (:class:`ChurnChoice`):

- ``"orders"``: the label is "no purchase within ``horizon_days`` days after a cutoff" (:func:`labels.churn_labels`)
  and the features are built from the lines dated before that cutoff only (:func:`features.order_features`), so
  nothing leaks from the period the label looks at.  The models are compared on rolling cutoffs spaced by the
  horizon: each test period is scored by a model trained on the earlier cutoffs only, which is how the model
  will be used (trained on the past, applied to the future).  The chosen model is then fitted on the latest
  cutoff (whose horizon ends where the data ends) and applied to the features as of the analysis date: the
  scores are for the customers to act on now.
- ``"table"``: a customer table with a churn column (subscription style, e.g. Telco), stratified
  cross-validation; the scores are the out-of-fold probabilities (no customer is scored by a model that saw them).

Every metric (ROC AUC, precision/recall, gains, calibration) reads :attr:`Prediction.evaluation`: the y and p of
customers the model was not trained on.  :func:`retention_list` and :func:`risk_value_quadrants` turn the scores
into the list a marketer acts on (they live in :mod:`.scores` with the other uses of scores, and are
imported here).

The choices are read by :mod:`crm_core.settings`, which every command imports, so scikit-learn (:mod:`.models`,
:mod:`.metrics`, :mod:`.explain`) is imported only by the functions that train or explain a model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.predict import features, labels
from crm_core.predict import table as tables
from crm_core.predict.scores import QUADRANTS, RETENTION_COLUMNS, retention_list, risk_value_quadrants
from crm_core.schema import DataError

if TYPE_CHECKING:
    from crm_core.predict.models import ModelChoice

__all__ = ["ChurnChoice", "MIN_CLASS", "MIN_CUSTOMERS", "Prediction", "QUADRANTS", "RETENTION_COLUMNS",
           "risk_value_quadrants", "retention_list", "run_churn"]

MIN_CUSTOMERS = 30  # fewer customers than this: no model is worth showing
MIN_CLASS = 10  # customers of each outcome needed to train
MIN_TEST_CLASS = 5  # customers of each outcome a rolling test period needs (an AUC on fewer means little)
MAX_FOLDS = 10

# = models.MODEL_NAMES (a test checks it); kept here so that the choices load without scikit-learn.
MODEL_NAMES: tuple[str, ...] = ("logistic", "forest", "boosting")
KIND_WORDS = {"churn": Localized(en="churn", zh="流失"), "response": Localized(en="response", zh="响应")}
OUTCOME_WORDS = {
    "churn": (Localized(en="stayed", zh="未流失"), Localized(en="churned", zh="流失")),
    "response": (Localized(en="did not respond", zh="未响应"), Localized(en="responded", zh="响应")),
}


def _option(name: str, value: Any, choices: str) -> DataError:
    return DataError("flow_bad_option", option=name, value=value, choices=choices)


def _check_common(choice: Any) -> None:
    """Checks shared by the churn and response choices (model, folds, seed, exclude)."""
    object.__setattr__(choice, "exclude", tuple(str(c) for c in choice.exclude))
    object.__setattr__(choice, "models", tuple(choice.models))
    for name in (*choice.models, *([] if choice.model is None else [choice.model])):
        if name not in MODEL_NAMES:
            raise DataError("predict_unknown_model", model=name, known=Localized.listing(MODEL_NAMES))
    if not choice.models:
        raise _option("models", "[]", Localized.listing(MODEL_NAMES))
    if isinstance(choice.folds, bool) or not isinstance(choice.folds, int) or not 2 <= choice.folds <= MAX_FOLDS:
        raise _option("folds", choice.folds, f"2..{MAX_FOLDS}")
    if isinstance(choice.seed, bool) or not isinstance(choice.seed, int):
        raise _option("seed", choice.seed, Localized(en="a whole number", zh="整数"))


def model_choice(choice: Any) -> ModelChoice:
    """The models to compare (the chosen one always among them), the folds and the seed of a choice."""
    from crm_core.predict.models import ModelChoice

    names = choice.models if choice.model is None or choice.model in choice.models else (*choice.models, choice.model)
    return ModelChoice(models=names, folds=choice.folds, seed=choice.seed)


@dataclass(frozen=True)
class ChurnChoice:
    """How churn is labelled and learnt (hashable: it keys the app's caches; saved with the analysis).

    Attributes
    ----------
    source : {"orders", "table"}
        Labels from the orders (no purchase within ``horizon_days`` after ``cutoff``) or a churn column of a
        customer table.
    horizon_days : int
        Days after the cutoff a customer must buy in to count as staying (orders).
    cutoff : date or None
        Where history ends for the training features and the label window starts; None: the latest possible,
        ``horizon_days`` before the end of the data (:func:`labels.default_cutoff`).
    target, id_column : str or None
        The table's churn and id columns; None: guessed from the headers.
    exclude : tuple of str
        Table columns never used as features.
    model : str or None
        One of :data:`models.MODEL_NAMES`; None: the best of the comparison.
    threshold : float
        Risk (0..1) from which a customer is on the retention list.
    folds : int
        Cross-validation folds (table source).
    rolling : int
        Test periods of the rolling validation (orders): cutoffs ``cutoff - k x horizon_days`` for k = 0..rolling;
        each is tested by a model trained on the earlier ones.
    seed : int
        Seed of every random step.
    models : tuple of str
        The models compared (default all of :data:`models.MODEL_NAMES`; ``model`` is always among them).
    """

    source: str = "orders"
    horizon_days: int = 90
    cutoff: date | None = None
    target: str | None = None
    id_column: str | None = None
    exclude: tuple[str, ...] = ()
    model: str | None = None
    threshold: float = 0.7
    folds: int = 5
    rolling: int = 3
    seed: int = 0
    models: tuple[str, ...] = MODEL_NAMES

    def __post_init__(self) -> None:
        if self.source not in ("orders", "table"):
            raise _option("source", self.source, "orders, table")
        if isinstance(self.horizon_days, bool) or not isinstance(self.horizon_days, int) or self.horizon_days < 1:
            raise _option("horizon_days", self.horizon_days, Localized(en="a whole number of days, 1 or more",
                                                                       zh="不小于 1 的整数天数"))
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | float) \
                or not 0 <= self.threshold <= 1:
            raise _option("threshold", self.threshold, "0..1")
        if isinstance(self.rolling, bool) or not isinstance(self.rolling, int) or not 1 <= self.rolling <= 12:
            raise _option("rolling", self.rolling, "1..12")
        _check_common(self)

    def model_choice(self) -> ModelChoice:
        return model_choice(self)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "horizon_days": self.horizon_days,
                "cutoff": None if self.cutoff is None else self.cutoff.isoformat(), "target": self.target,
                "id_column": self.id_column, "exclude": list(self.exclude), "model": self.model,
                "threshold": self.threshold, "folds": self.folds, "rolling": self.rolling, "seed": self.seed,
                "models": list(self.models)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChurnChoice:
        """The choice saved by :meth:`to_dict` (missing keys keep their defaults); DataError ``flow_bad_option``
        naming the first value that cannot be one."""
        return cls(**_parsed(data, cls().to_dict(), dates=("cutoff",)))


def _parsed(data: Mapping[str, Any], defaults: Mapping[str, Any], *, dates: tuple[str, ...] = ()) -> dict:
    """Saved values of a choice, typed (dates parsed, lists as tuples); unknown keys ignored."""
    known = {k: data[k] for k in defaults if k in data}
    for name in dates:
        if known.get(name) is not None:
            try:
                known[name] = date.fromisoformat(str(known[name]))
            except ValueError:
                raise _option(name, known[name], Localized(en="a date YYYY-MM-DD, or null",
                                                           zh="YYYY-MM-DD 格式的日期，或 null")) from None
    for name, default in defaults.items():
        value = known.get(name)
        if name not in known or value is None or name in dates:
            continue
        if isinstance(default, list):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _option(name, value, Localized(en="a list of column names", zh="列名列表"))
            known[name] = tuple(value)
        elif (isinstance(default, str) or default is None) and not isinstance(value, str):
            raise _option(name, value, Localized(en="a text", zh="文字"))
    return known


@dataclass(frozen=True, eq=False)
class Prediction:
    """A fitted churn or response model with everything the pages, the CLI and the lists show.

    Attributes
    ----------
    kind : {"churn", "response"}
    comparison : DataFrame
        :func:`models.compare_models`: model, auc, auc_std, seconds (best first).
    model_name : str
        The model used (the choice's, else the best).
    model : Pipeline
        The fitted model that made :attr:`scores`.
    evaluation : DataFrame
        Index customer_id: ``y`` (bool, the real outcome) and ``p`` of customers the model did not learn from
        (orders: the latest labelled period, scored by the model trained on the earlier cutoffs; table: out of
        fold).  Every metric uses this.
    scores : DataFrame
        Index customer_id: ``p`` for the customers to act on (orders: features as of the analysis date; table:
        the out-of-fold p), then the feature columns used (:attr:`features`).
    importance : DataFrame
        :func:`metrics.permutation_importance_table` on held-out customers.
    warnings : DataFrame
        :func:`explain.leakage_warnings` of the training features.
    cutoff, as_of : date or None
        The latest cutoff (orders) and the analysis date of the scores.
    dropped : tuple
        Columns or rows left out, with their reason code (:class:`table.LabelledData`).
    features : tuple of str
        The feature columns the model reads.
    cutoffs : tuple of date
        The cutoffs of the rolling validation, earliest first (orders).
    """

    kind: str
    comparison: pd.DataFrame = field(repr=False)
    model_name: str
    model: Any = field(repr=False)
    evaluation: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)
    importance: pd.DataFrame = field(repr=False)
    warnings: pd.DataFrame = field(repr=False)
    cutoff: date | None = None
    as_of: date | None = None
    dropped: tuple = ()
    features: tuple[str, ...] = ()
    cutoffs: tuple[date, ...] = ()

    def feature_frame(self) -> pd.DataFrame:
        """The scored customers' features (index customer_id)."""
        return self.scores[list(self.features)]


# --------------------------------------------------------------------------------------- shared steps
def check_trainable(y: pd.Series, *, kind: str, where: Localized, advice: tuple[Localized, Localized, Localized],
                    needed_class: int = MIN_CLASS) -> None:
    """DataError when ``y`` has too few customers or too few of either outcome to learn from.

    ``advice`` says what to change when there are too few customers, too few negatives, too few positives.
    """
    total, positives = len(y), int(np.asarray(y, dtype=bool).sum())
    if total < MIN_CUSTOMERS:
        raise DataError("flow_too_few_customers", customers=total, kind=KIND_WORDS[kind], where=where,
                        needed=MIN_CUSTOMERS, advice=advice[0])
    for outcome, count in ((0, total - positives), (1, positives)):
        if count < needed_class:
            raise DataError("flow_too_few_class", count=count, customers=total, label=OUTCOME_WORDS[kind][outcome],
                            where=where, needed=needed_class, advice=advice[1 + outcome])


def choose(comparison: pd.DataFrame, model: str | None) -> str:
    """The model to use: the chosen one, else the best of the comparison."""
    return model if model is not None else str(comparison["model"].iloc[0])


def learn_stratified(X: pd.DataFrame, y: pd.Series, *, kind: str, model: str | None, model_choice: ModelChoice,
                     progress: Callable | None = None, dropped: tuple = (), as_of: date | None = None) -> Prediction:
    """Compare by stratified cross-validation, evaluate out of fold, fit on all rows (table-style data).

    The scores are the out-of-fold probabilities with the features; the permutation importance is measured on
    the first fold's held-out customers by the model fitted on the other folds.
    """
    from crm_core.predict import explain, models
    from crm_core.predict.metrics import permutation_importance_table

    y = pd.Series(np.asarray(y, dtype=bool), index=X.index, name="y")
    comparison = models.compare_models(X, y, choice=model_choice, progress=progress)
    name = choose(comparison, model)
    splits = models.default_splits(y, folds=model_choice.folds, seed=model_choice.seed)
    p = models.out_of_fold(X, y, name, choice=model_choice, splits=splits)
    train, test = splits[0]
    held = models.fit_model(X.iloc[train], y.iloc[train], name, seed=model_choice.seed)
    importance = permutation_importance_table(held, X.iloc[test], y.iloc[test], seed=model_choice.seed)
    fitted = models.fit_model(X, y, name, seed=model_choice.seed)
    evaluation = pd.DataFrame({"y": y, "p": p.astype(float)}, index=X.index)
    scores = pd.concat([p.astype(float).rename("p"), X], axis=1)
    return Prediction(kind=kind, comparison=comparison, model_name=name, model=fitted, evaluation=evaluation,
                      scores=scores, importance=importance, warnings=explain.leakage_warnings(X, y), as_of=as_of,
                      dropped=tuple(dropped), features=tuple(X.columns))


def _share_column(name: str) -> bool:
    return name.startswith(("cat_share:", "channel_share:"))


def aligned(X: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``X`` with exactly ``columns``: a category or channel share it lacks is 0 (no spend there), anything else
    missing is NaN (the model's imputer fills it)."""
    fill = {c: 0.0 for c in columns if c not in X.columns and _share_column(c)}
    return X.reindex(columns=columns).fillna(fill) if fill else X.reindex(columns=columns)


# --------------------------------------------------------------------------------------- churn
def run_churn(orders: pd.DataFrame | None, customers: pd.DataFrame | None = None, *, choice: ChurnChoice,
              as_of: date | None = None, table: pd.DataFrame | None = None,
              progress: Callable[[int, int, str], None] | None = None) -> Prediction:
    """Learn churn as ``choice`` says and score the customers (module docstring).

    Parameters
    ----------
    orders : DataFrame or None
        Clean order lines (source "orders").
    customers : DataFrame or None
        The mapped customer file (its non-personal attributes become features).
    choice : ChurnChoice
    as_of : date or None
        The analysis date: lines from this day on are ignored, and the scores use the features as of this day.
        None: the end of the data (:func:`labels.observed_end`).
    table : DataFrame or None
        The customer table with a churn column (source "table"), as read (all text).
    progress : callable(done, total, model), optional
        Passed to :func:`models.compare_models`.

    Raises
    ------
    DataError
        Too few customers or too few of either outcome (says how many and what to change), too little history
        for the rolling validation, and the labels' and table's own errors.
    """
    if choice.source == "table":
        if table is None:
            raise DataError("flow_no_table", kind=KIND_WORDS["churn"])
        return _churn_from_table(table, choice, progress)
    if orders is None:
        raise DataError("flow_no_orders", kind=KIND_WORDS["churn"])
    return _churn_from_orders(orders, customers, choice, as_of, progress)


_TABLE_ADVICE = (
    Localized(en="Upload a table with more customers.", zh="请上传包含更多客户的表格。"),
    Localized(en="Check that the churn column is the right one and that the table holds customers who stayed.",
              zh="请确认流失列选择正确，并且表格中包含未流失的客户。"),
    Localized(en="Check that the churn column is the right one and that the table holds customers who left.",
              zh="请确认流失列选择正确，并且表格中包含已流失的客户。"),
)


def _churn_from_table(frame: pd.DataFrame, choice: ChurnChoice, progress) -> Prediction:
    target = choice.target or labels.guess_target(list(frame.columns), "churn")
    if target is None:
        raise DataError("flow_choose_target", kind=KIND_WORDS["churn"], columns=Localized.listing(frame.columns))
    id_column = choice.id_column or tables.guess_id_column(frame)
    data = tables.table_dataset(frame, target=target, id_column=id_column, exclude=choice.exclude)
    where = Localized(en=f"column {target}", zh=f"列 {target}")
    check_trainable(data.y, kind="churn", where=where, advice=_TABLE_ADVICE,
                    needed_class=max(MIN_CLASS, choice.folds))
    return learn_stratified(data.X, data.y, kind="churn", model=choice.model, model_choice=choice.model_choice(),
                            progress=progress, dropped=data.dropped)


def _orders_advice(choice: ChurnChoice) -> tuple[Localized, Localized, Localized]:
    h = choice.horizon_days
    return (
        Localized(en="Choose a later cutoff or upload more months of orders.",
                  zh="请选择更晚的截止日，或上传更多月份的订单。"),
        Localized(en=f"Use a longer horizon (now {h} days), so more customers have time to buy again.",
                  zh=f"请延长观察期（现为 {h} 天），让更多客户有时间再次购买。"),
        Localized(en=f"Use a shorter horizon (now {h} days): in a shorter period fewer customers buy again, so "
                     "more count as churned.",
                  zh=f"请缩短观察期（现为 {h} 天）：观察期越短，再次购买的客户越少，算作流失的客户就越多。"),
    )


def _period(orders, customers, cutoff: date, horizon: int) -> tuple[pd.DataFrame, pd.Series]:
    """Features as of ``cutoff`` and churn labels of the ``horizon`` days from it, same customers, same order."""
    y = labels.churn_labels(orders, cutoff=cutoff, horizon_days=horizon)
    X = features.order_features(orders, customers, as_of=cutoff)
    common = X.index.intersection(y.index)
    return X.loc[common], y.loc[common].astype(bool).rename("y")


def _can_split(train: pd.Series, test: pd.Series) -> bool:
    """A rolling split is worth testing when its training periods have :data:`MIN_CLASS` customers of each outcome
    and its test period :data:`MIN_TEST_CLASS`."""
    return (min(int(train.sum()), int((~train).sum())) >= MIN_CLASS
            and min(int(test.sum()), int((~test).sum())) >= MIN_TEST_CLASS)


def _churn_from_orders(orders, customers, choice: ChurnChoice, as_of: date | None, progress) -> Prediction:
    from crm_core.predict import explain, models
    from crm_core.predict.metrics import permutation_importance_table

    end = labels.observed_end(orders)
    as_of = as_of or end
    known = orders[orders["order_date"] < pd.Timestamp(as_of)] if as_of < end else orders
    horizon = choice.horizon_days
    cutoff = choice.cutoff or labels.default_cutoff(known, horizon)
    advice = _orders_advice(choice)
    latest_X, latest_y = _period(known, customers, cutoff, horizon)
    where = Localized(en=f"cutoff {cutoff}, horizon {horizon} days", zh=f"截止日 {cutoff}，观察期 {horizon} 天")
    check_trainable(latest_y, kind="churn", where=where, advice=advice)
    columns = list(latest_X.columns)

    # Rolling validation: cutoffs spaced by the horizon, each tested by a model trained on the earlier ones.
    periods = []
    for k in range(choice.rolling, 0, -1):
        earlier = cutoff - timedelta(days=k * horizon)
        try:
            X, y = _period(known, customers, earlier, horizon)
        except DataError:  # no customer before this cutoff yet
            continue
        periods.append((earlier, aligned(X, columns), y))
    periods.append((cutoff, latest_X, latest_y))
    stacked_X = pd.concat([X for _, X, _ in periods], ignore_index=True)
    stacked_y = pd.concat([y for _, _, y in periods], ignore_index=True)
    sizes = np.cumsum([0] + [len(y) for _, _, y in periods])
    splits = [(np.arange(0, sizes[i]), np.arange(sizes[i], sizes[i + 1])) for i in range(1, len(periods))
              if _can_split(stacked_y.iloc[:sizes[i]], stacked_y.iloc[sizes[i]:sizes[i + 1]])]
    if not splits or splits[-1][1][-1] != len(stacked_y) - 1:  # the latest period must be one of the tests
        raise DataError("flow_no_rolling", cutoff=cutoff, earliest=cutoff - timedelta(days=choice.rolling * horizon),
                        needed=MIN_CLASS, horizon=horizon)
    model_choice = choice.model_choice()
    comparison = models.compare_models(stacked_X, stacked_y, choice=model_choice, splits=splits, progress=progress)
    name = choose(comparison, choice.model)

    # Held out: the latest period scored by the model trained on all earlier cutoffs.
    train, _ = splits[-1]
    held = models.fit_model(stacked_X.iloc[train], stacked_y.iloc[train], name, seed=choice.seed)
    held_p = models.predict_proba(held, latest_X)
    evaluation = pd.DataFrame({"y": latest_y, "p": held_p.astype(float)}, index=latest_X.index)
    importance = permutation_importance_table(held, latest_X, latest_y, seed=choice.seed)

    fitted = models.fit_model(latest_X, latest_y, name, seed=choice.seed)
    now = aligned(features.order_features(known, customers, as_of=as_of), columns)
    scores = pd.concat([pd.Series(models.predict_proba(fitted, now).astype(float), index=now.index, name="p"), now],
                       axis=1)
    return Prediction(kind="churn", comparison=comparison, model_name=name, model=fitted, evaluation=evaluation,
                      scores=scores, importance=importance, warnings=explain.leakage_warnings(latest_X, latest_y),
                      cutoff=cutoff, as_of=as_of, features=tuple(columns),
                      cutoffs=tuple(c for c, _, _ in periods))
