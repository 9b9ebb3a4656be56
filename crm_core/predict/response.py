"""Campaign response: who will answer the next campaign, and how many to contact.

:func:`run_response` learns a propensity model from either of two sources (:class:`ResponseChoice`):

- ``"results"``: a past campaign's results file (customer, contacted, responded) with the orders; the features
  are the order features as of the day the campaign went out (:func:`table.response_dataset`), so nothing
  bought because of the campaign explains the response.  The model then scores every customer with the features
  as of the analysis date: the customers to consider for the next campaign.
- ``"table"``: a customer table with a response column (Bank-style); excluded columns are never features (call
  duration is known only after the call), and :attr:`Prediction.warnings` flags any remaining feature that
  predicts the response almost perfectly or is known only after the contact.

Both compare the models by stratified cross-validation; the evaluation is out of fold.
:func:`response_targeting` turns the scores into the expected responders and profit of contacting the top K.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from crm_core.messages import Localized
from crm_core.predict import features, labels
from crm_core.predict import table as tables
from crm_core.predict.churn import (
    KIND_WORDS,
    MIN_CLASS,
    MODEL_NAMES,
    Prediction,
    _check_common,
    _option,
    _parsed,
    aligned,
    check_trainable,
    learn_stratified,
    model_choice,
)
from crm_core.schema import DataError

if TYPE_CHECKING:
    from crm_core.predict.models import ModelChoice

__all__ = ["ResponseChoice", "response_targeting", "run_response"]

_ROLES = {"customer": Localized(en="the customer", zh="客户"),
          "responded": Localized(en="whether the customer responded", zh="客户是否响应")}


@dataclass(frozen=True)
class ResponseChoice:
    """How response is learnt and how the targeting is costed (hashable; saved with the analysis).

    Attributes
    ----------
    source : {"results", "table"}
        A past campaign's results file with the orders, or a customer table with a response column.
    customer_col, contacted_col, responded_col : str or None
        The results file's columns; None: proposed from the headers (:func:`table.propose_result_columns`).
    campaign_date : date or None
        The day the campaign went out: the features are built from the orders before it (required for
        "results").
    target, id_column : str or None
        The table's response and id columns; None: guessed from the headers.
    exclude : tuple of str
        Table columns never used as features (e.g. call duration).
    model : str or None
        One of :data:`models.MODEL_NAMES`; None: the best of the comparison.
    folds, seed : int
        Cross-validation folds and the seed of every random step.
    cost_per_contact, margin_per_response : float
        In the currency of the data: what one contact costs, what one response earns (the profit curve).
    models : tuple of str
        The models compared (default all; ``model`` is always among them).
    """

    source: str = "results"
    customer_col: str | None = None
    contacted_col: str | None = None
    responded_col: str | None = None
    campaign_date: date | None = None
    target: str | None = None
    id_column: str | None = None
    exclude: tuple[str, ...] = ()
    model: str | None = None
    folds: int = 5
    seed: int = 0
    cost_per_contact: float = 1.0
    margin_per_response: float = 20.0
    models: tuple[str, ...] = MODEL_NAMES

    def __post_init__(self) -> None:
        if self.source not in ("results", "table"):
            raise _option("source", self.source, "results, table")
        for name in ("cost_per_contact", "margin_per_response"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise _option(name, value, Localized(en="a number, 0 or more", zh="不小于 0 的数字"))
        _check_common(self)

    def model_choice(self) -> ModelChoice:
        return model_choice(self)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "customer_col": self.customer_col, "contacted_col": self.contacted_col,
                "responded_col": self.responded_col,
                "campaign_date": None if self.campaign_date is None else self.campaign_date.isoformat(),
                "target": self.target, "id_column": self.id_column, "exclude": list(self.exclude),
                "model": self.model, "folds": self.folds, "seed": self.seed,
                "cost_per_contact": self.cost_per_contact, "margin_per_response": self.margin_per_response,
                "models": list(self.models)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseChoice:
        """The choice saved by :meth:`to_dict` (missing keys keep their defaults); DataError ``flow_bad_option``
        naming the first value that cannot be one."""
        return cls(**_parsed(data, cls().to_dict(), dates=("campaign_date",)))


_RESULTS_ADVICE = (
    Localized(en="Upload the results of a bigger campaign.", zh="请上传规模更大的活动结果。"),
    Localized(en="Check the responded column: almost everyone is marked as responding.",
              zh="请检查响应列：几乎所有客户都被标为已响应。"),
    Localized(en="Upload the results of a bigger campaign (or several together): too few customers responded.",
              zh="请上传规模更大的活动结果（或合并多次活动）：响应的客户太少。"),
)
_TABLE_ADVICE = (
    Localized(en="Upload a table with more customers.", zh="请上传包含更多客户的表格。"),
    Localized(en="Check that the response column is the right one and that it holds customers who did not respond.",
              zh="请确认响应列选择正确，并且其中包含未响应的客户。"),
    Localized(en="Check that the response column is the right one and that it holds customers who responded.",
              zh="请确认响应列选择正确，并且其中包含已响应的客户。"),
)


def run_response(orders: pd.DataFrame | None, customers: pd.DataFrame | None = None, *, choice: ResponseChoice,
                 results: pd.DataFrame | None = None, table: pd.DataFrame | None = None, as_of: date | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> Prediction:
    """Learn who responds as ``choice`` says and score the customers (module docstring).

    Parameters
    ----------
    orders, customers : DataFrame or None
        Clean order lines and the mapped customer file (source "results").
    choice : ResponseChoice
    results : DataFrame or None
        The past campaign's results as read (all text; source "results").
    table : DataFrame or None
        The customer table with a response column, as read (source "table").
    as_of : date or None
        The analysis date of the scores (source "results"); None: the end of the orders.
    progress : callable(done, total, model), optional
        Passed to :func:`models.compare_models`.

    Returns
    -------
    Prediction
        ``kind`` "response"; evaluation out of fold; scores: every customer with a purchase before ``as_of``
        (results) or the table's customers with their out-of-fold p (table).
    """
    if choice.source == "table":
        if table is None:
            raise DataError("flow_no_table", kind=KIND_WORDS["response"])
        return _from_table(table, choice, progress)
    if results is None:
        raise DataError("flow_no_results")
    if orders is None:
        raise DataError("flow_no_orders", kind=KIND_WORDS["response"])
    return _from_results(orders, customers, results, choice, as_of, progress)


def _from_table(frame: pd.DataFrame, choice: ResponseChoice, progress) -> Prediction:
    target = choice.target or labels.guess_target(list(frame.columns), "response")
    if target is None:
        raise DataError("flow_choose_target", kind=KIND_WORDS["response"], columns=Localized.listing(frame.columns))
    id_column = choice.id_column or tables.guess_id_column(frame)
    data = tables.table_dataset(frame, target=target, id_column=id_column, exclude=choice.exclude)
    check_trainable(data.y, kind="response", where=Localized(en=f"column {target}", zh=f"列 {target}"),
                    advice=_TABLE_ADVICE, needed_class=max(MIN_CLASS, choice.folds))
    return learn_stratified(data.X, data.y, kind="response", model=choice.model, model_choice=choice.model_choice(),
                            progress=progress, dropped=data.dropped)


def _result_columns(results: pd.DataFrame, choice: ResponseChoice) -> tuple[str, str | None, str]:
    proposed = tables.propose_result_columns(list(results.columns))
    customer = choice.customer_col or proposed.get("customer")
    responded = choice.responded_col or proposed.get("responded")
    contacted = choice.contacted_col or proposed.get("contacted")
    for role, column in (("customer", customer), ("responded", responded)):
        if column is None:
            raise DataError("flow_results_column", role=_ROLES[role], columns=Localized.listing(results.columns))
    return customer, contacted, responded


def _from_results(orders, customers, results, choice: ResponseChoice, as_of: date | None, progress) -> Prediction:
    from crm_core.predict import models

    if choice.campaign_date is None:
        raise DataError("flow_no_campaign_date")
    customer, contacted, responded = _result_columns(results, choice)
    data = tables.response_dataset(results, orders, customers, as_of=choice.campaign_date, customer_col=customer,
                                   responded_col=responded, contacted_col=contacted)
    where = Localized(en=f"campaign of {choice.campaign_date}", zh=f"{choice.campaign_date} 的活动")
    check_trainable(data.y, kind="response", where=where, advice=_RESULTS_ADVICE,
                    needed_class=max(MIN_CLASS, choice.folds))
    learnt = learn_stratified(data.X, data.y, kind="response", model=choice.model,
                              model_choice=choice.model_choice(), progress=progress, dropped=data.dropped)
    as_of = as_of or labels.observed_end(orders)
    now = aligned(features.order_features(orders, customers, as_of=as_of), list(learnt.features))
    p = pd.Series(models.predict_proba(learnt.model, now).astype(float), index=now.index, name="p")
    return replace(learnt, scores=pd.concat([p, now], axis=1), as_of=as_of, cutoff=choice.campaign_date)


def response_targeting(prediction: Prediction, choice: ResponseChoice) -> pd.DataFrame:
    """:func:`targeting.targeting_table` of the scores with the choice's cost per contact and margin per response:
    contacting the top K customers by propensity, for K from a few to everyone (expected responders, response
    rate, against contacting at random, profit)."""
    from crm_core.predict.targeting import targeting_table

    return targeting_table(prediction.scores["p"], cost_per_contact=float(choice.cost_per_contact),
                           margin_per_response=float(choice.margin_per_response))
